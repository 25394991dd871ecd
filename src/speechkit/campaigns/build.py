"""Build a campaign pack's templates from their reviewable sources (``make templates``).

Each document of campaign.yaml names its ``source`` in ``templates/``:

* ``*.txt`` / ``*.md`` go through :func:`speechkit.typeset.typeset_text` (Jinja tags pass
  through untouched, so the laid-out document is a template);
* ``*.form.yaml`` is a table form, built by ``speechkit.typeset.form.build_form`` when that
  module exists; until then the 2005 pack's 党性分析评议表 is built here with python-docx.

The output is byte-for-byte reproducible: zip entries get a fixed timestamp and the document
properties fixed values.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Twips

from speechkit.fsutil import atomic_write_bytes
from speechkit.typeset import oxml
from speechkit.typeset import spec as S
from speechkit.typeset.layout import new_document
from speechkit.typeset.text import typeset_text

FIXED_TIME = (2024, 1, 1, 0, 0, 0)


def reproducible(data: bytes) -> bytes:
    """Re-pack a .docx with fixed zip timestamps so rebuilding gives identical bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def _fix_properties(document, title: str) -> None:
    from datetime import datetime

    props = document.core_properties
    props.title = title
    props.author = "speechkit"
    props.last_modified_by = "speechkit"
    props.created = datetime(2024, 1, 1)
    props.modified = datetime(2024, 1, 1)
    props.revision = 1


def _with_properties(data: bytes, title: str) -> bytes:
    from docx import Document

    document = Document(io.BytesIO(data))
    _fix_properties(document, title)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def build_text(source: Path, title: str) -> bytes:
    """A text/Markdown source through ``typeset``."""
    data = typeset_text(source.read_text(encoding="utf-8"))
    return reproducible(_with_properties(data, title))


# --- the form -------------------------------------------------------------------------------

MEMBER = "{% if member is defined %}"
END = "{% endif %}"
# twips; sum = text width 8845. Label columns hold four 四号 characters; value columns hold a
# date such as "1980年7月" on one line (with the automatic CJK/Latin spacing renderers add).
COLUMNS = [1240, 1708, 1240, 1708, 1240, 1709]
CELL_MARGIN = 57  # twips left and right (≈1 mm): the default 108 wastes a character per cell
BIG_ROWS = ["学习体会", "存在的主要问题", "原因剖析", "整改措施"]


def _field(expr: str) -> str:
    return f"{MEMBER}{{{{ {expr} }}}}{END}"


def _fix_grid(table, widths: list[int], margin: int) -> None:
    """Give the table's ``w:tblGrid`` the real column widths and narrower cell margins.

    python-docx writes equal ``w:gridCol`` widths; Word and LibreOffice lay columns out by the
    grid, so the per-cell widths alone are not enough.
    """
    tbl = table._tbl
    for col, width in zip(tbl.tblGrid.gridCol_lst, widths, strict=True):
        col.w = Twips(width)
    tbl.tblPr.append(
        oxml.el(
            "w:tblCellMar",
            {},
            oxml.el("w:left", {"w:w": margin, "w:type": "dxa"}),
            oxml.el("w:right", {"w:w": margin, "w:type": "dxa"}),
        )
    )


def _cell_text(cell, text: str, *, center: bool = True, bottom: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.style = S.STYLE_TABLE_TEXT
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if center else WD_ALIGN_PARAGRAPH.RIGHT
    paragraph.add_run(text)
    cell.vertical_alignment = (
        WD_CELL_VERTICAL_ALIGNMENT.BOTTOM if bottom else WD_CELL_VERTICAL_ALIGNMENT.CENTER
    )


def _first_page_without_number(document) -> None:
    """A one-page form carries no page number: the first page gets an empty footer.

    Should a filled form run onto a second page, that page still shows "— 2 —".
    """
    section = document.sections[0]
    section.different_first_page_header_footer = True
    section.first_page_footer.is_linked_to_previous = False


def build_form() -> bytes:
    """党性分析评议表: one A4 page, blank without ``member``, filled for one member."""
    document = new_document()
    document.add_paragraph("党性分析评议表", style=S.STYLE_TITLE)
    document.add_paragraph(
        "（{{ town.name }}{{ campaign.batch }}{{ campaign.name }}）", style=S.STYLE_SPEAKER
    )
    rows = 2 + len(BIG_ROWS) + 2
    table = document.add_table(rows=rows, cols=len(COLUMNS))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _fix_grid(table, COLUMNS, CELL_MARGIN)
    for row in table.rows:
        for width, cell in zip(COLUMNS, row.cells, strict=True):
            cell.width = Twips(width)
    info = [
        [
            "姓　名",
            _field("member.name"),
            "性　别",
            _field("member.gender"),
            "出生年月",
            _field('member.birth|cn_date(style="month")'),
        ],
        [
            "入党时间",
            _field('member.joined|cn_date(style="month")'),
            "所在支部",
            _field("member.branch"),
            "职　务",
            _field("member.post"),
        ],
    ]
    for r, values in enumerate(info):
        row = table.rows[r]
        # at least one line high, growing when a long branch name wraps: never clipped
        row.height, row.height_rule = Mm(11), WD_ROW_HEIGHT_RULE.AT_LEAST
        for c, value in enumerate(values):
            _cell_text(row.cells[c], value)
    for i, label in enumerate(BIG_ROWS):
        row = table.rows[2 + i]
        row.height, row.height_rule = Mm(31), WD_ROW_HEIGHT_RULE.EXACTLY
        _cell_text(row.cells[0], label)
        merged = row.cells[1].merge(row.cells[len(COLUMNS) - 1])
        merged.paragraphs[0].style = S.STYLE_TABLE_TEXT
        merged.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
    row = table.rows[2 + len(BIG_ROWS)]
    row.height, row.height_rule = Mm(28), WD_ROW_HEIGHT_RULE.EXACTLY
    _cell_text(row.cells[0], "支部评议意见")
    merged = row.cells[1].merge(row.cells[len(COLUMNS) - 1])
    _cell_text(
        merged, "支部书记（签名）：　　　　　　　年　　月　　日　", center=False, bottom=True
    )
    row = table.rows[3 + len(BIG_ROWS)]
    row.height, row.height_rule = Mm(11), WD_ROW_HEIGHT_RULE.EXACTLY
    _cell_text(row.cells[0], "群众测评")
    merged = row.cells[1].merge(row.cells[len(COLUMNS) - 1])
    _cell_text(merged, "☐ 满意　　　　☐ 基本满意　　　　☐ 不满意")
    document.add_paragraph(
        "\u3000" * 9 + "本人签名：" + "\u3000" * 6 + "年\u3000\u3000月\u3000\u3000日",
        style=S.STYLE_CLOSING,
    )
    _first_page_without_number(document)
    _fix_properties(document, "党性分析评议表")
    buffer = io.BytesIO()
    document.save(buffer)
    return reproducible(buffer.getvalue())


def build_form_source(source: Path, title: str) -> bytes:
    """A ``*.form.yaml`` table form (see the pack format)."""
    try:
        from speechkit.typeset.form import build_form as build_from_spec
    except ImportError:
        build_from_spec = None
    if build_from_spec is not None:
        from speechkit.profiles.loader import load_yaml_file

        doc = load_yaml_file(source)
        if not doc.ok:
            from speechkit.errors import CampaignPackError

            raise CampaignPackError(f"表格定义 {source.name} 无效：", list(doc.problems))
        data = build_from_spec(doc.data)
        return reproducible(_with_properties(data, title))
    if title != "党性分析评议表":
        from speechkit.errors import CampaignPackError

        raise CampaignPackError(
            f"无法构建表格 {source.name}：需要 speechkit.typeset.form（表格生成模块）"
        )
    return build_form()


def build_document(source: Path, title: str) -> bytes:
    """The built template of one source file (text, Markdown or form)."""
    if source.name.endswith(".form.yaml"):
        return build_form_source(source, title)
    return build_text(source, title)


def build_pack(root: str | Path, out_dir: Path | None = None) -> list[Path]:
    """Build every document template of the pack at ``root`` that has a ``source``; return
    the paths written (into ``root/templates`` or ``out_dir``)."""
    from speechkit.campaigns.pack import TEMPLATES_DIR, read_pack

    root = Path(root)
    pack, _problems = read_pack(root)
    if pack is None:
        from speechkit.errors import CampaignPackError

        raise CampaignPackError(f"活动包 {root} 无法读取：", _problems)
    target = out_dir or root / TEMPLATES_DIR
    written = []
    for doc in pack.documents:
        if not doc.source or not doc.template:
            continue
        data = build_document(root / TEMPLATES_DIR / doc.source, Path(doc.template).stem)
        written.append(atomic_write_bytes(target / doc.template, data))
    return written
