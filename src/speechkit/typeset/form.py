"""Table forms (such as 党性分析评议表) built from a ``*.form.yaml`` spec.

:func:`build_form` turns a spec (a plain dict, see the README's 表格表单 section) into the bytes of
a .docx template: title, optional subtitle, one table on the text block's width and a closing line
under it. The output is a template: Jinja tags in the subtitle, the closing line and ``field``
cells pass through to the engine. Fields of the per-member ``member`` variable are guarded, so the
blank form renders without a roster row.

Before anything is written the builder checks that the form stays on one A4 page when every field
holds its longest value (``max_chars``, default :data:`DEFAULT_MAX_CHARS`): info rows grow with
wrapped values, writing areas have exact heights. A spec that cannot fit, or is malformed, raises
:class:`FormSpecError` naming the key path (``rows[3].height_mm``); :func:`load_form_spec` turns
that key path into a file:line:column.

The bytes are reproducible: fixed document properties and zip timestamps.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

from speechkit.errors import Location, SpeechkitError
from speechkit.typeset import oxml
from speechkit.typeset import spec as S

TWIPS_PER_MM = 1440 / 25.4
CELL_MARGIN = 57  # twips left and right (≈1 mm): the default 108 wastes a character per cell
TABLE_TEXT_SIZE = 28  # half-points, 四号 (the 表格文字 style)
TABLE_LINE = 400  # twips: the 表格文字 style's exact line height (20 pt)
INFO_HEIGHT_MM = 10.0  # default minimum height of an info row
CHOICES_HEIGHT_MM = 10.0  # default height of a choices row
DEFAULT_MAX_CHARS = 12  # longest value a field is laid out for unless ``max_chars`` says more
BORDER = 10  # twips a row's borders may add (0.5 pt lines)
SLACK = 300  # twips kept free on the page for renderer differences (≈5 mm)
CHECKBOX = "▢"  # U+25A2: in every Noto CJK face (☐ U+2610 is not); □ reads as a placeholder
ALIGNS = {"left": "left", "center": "center", "right": "right"}
VALIGNS = {"top": "top", "center": "center", "bottom": "bottom"}
_ROOT = re.compile(r"^\s*([A-Za-z_]\w*)")
GUARDED_ROOTS = ("member",)


class FormSpecError(SpeechkitError):
    """A form spec that is malformed or cannot fit one page; ``key`` is the key path at fault."""

    def __init__(self, message: str, location: Location | None = None, key: str = "") -> None:
        super().__init__(message, location)
        self.key = key

    def format_message(self) -> str:
        key = f" {self.key}" if self.key else ""
        where = str(self.location) if self.location is not None else ""
        return f"{where}{key} {self.message}".strip()

    def __reduce__(self):
        return (self.__class__, (self.message, self.location, self.key))


# ---------------------------------------------------------------------------------------------
# Reading and checking the spec
# ---------------------------------------------------------------------------------------------


def _fail(key: str, message: str) -> FormSpecError:
    return FormSpecError(message, key=key)


def _text(value: Any, key: str, *, required: bool = True) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise _fail(key, "应为一段非空的文字")
    return value


def _number(value: Any, key: str, *, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(key, f"应为数字（{low:g} 到 {high:g}）")
    if not low <= value <= high:
        raise _fail(key, f"应在 {low:g} 到 {high:g} 之间，实际是 {value:g}")
    return float(value)


def _known(node: dict, keys: set[str], key: str) -> None:
    unknown = sorted(set(node) - keys)
    if unknown:
        raise _fail(
            f"{key}.{unknown[0]}" if key else unknown[0],
            f"不认识的键“{unknown[0]}”（可用的键：{'、'.join(sorted(keys))}）",
        )


def _columns(spec: dict) -> list[int]:
    cols = spec.get("columns")
    if not isinstance(cols, list) or not cols:
        raise _fail("columns", "应为各列宽度（缇，1/20 磅）的列表")
    for i, width in enumerate(cols):
        if isinstance(width, bool) or not isinstance(width, int) or width < 400:
            raise _fail(f"columns[{i}]", "列宽应为不小于 400 的整数（缇）")
    if sum(cols) != S.TEXT_WIDTH:
        raise _fail(
            "columns",
            f"各列宽度之和应等于版心宽度 {S.TEXT_WIDTH} 缇（156 毫米），实际是 {sum(cols)}",
        )
    return cols


def _cell(node: Any, key: str) -> dict:
    if not isinstance(node, dict):
        raise _fail(key, "单元格应写成映射，如 {label: 姓　名} 或 {field: member.name}")
    _known(node, {"label", "field", "text", "span", "align", "max_chars"}, key)
    kinds = [k for k in ("label", "field", "text") if k in node]
    if len(kinds) != 1:
        raise _fail(key, "单元格应有且只有 label、field、text 之一")
    kind = kinds[0]
    value = _text(node[kind], f"{key}.{kind}")
    if kind == "field":
        _check_expression(value, f"{key}.field")
    span = node.get("span", 1)
    if isinstance(span, bool) or not isinstance(span, int) or span < 1:
        raise _fail(f"{key}.span", "span 应为正整数（占几列）")
    align = node.get("align", "center")
    if align not in ALIGNS:
        raise _fail(f"{key}.align", f"align 应为 {'、'.join(ALIGNS)} 之一")
    max_chars = node.get("max_chars", DEFAULT_MAX_CHARS if kind == "field" else len(value))
    if isinstance(max_chars, bool) or not isinstance(max_chars, int) or max_chars < 1:
        raise _fail(f"{key}.max_chars", "max_chars 应为正整数（该项最长的字数）")
    return {"kind": kind, "value": value, "span": span, "align": align, "max_chars": max_chars}


def _check_expression(expr: str, key: str) -> None:
    """Refuse a ``field`` that is not one Jinja expression (it would break the template)."""
    from jinja2 import Environment, TemplateSyntaxError

    if "{{" in expr or "}}" in expr or "{%" in expr:
        raise _fail(key, "field 只写表达式本身（如 member.name），不要带 {{ }} 或 {% %}")
    try:
        Environment().parse(f"{{{{ {expr} }}}}")
    except TemplateSyntaxError as exc:
        raise _fail(key, f"不是有效的模板表达式：{exc.message}") from None


def _row(node: Any, key: str, ncols: int) -> dict:
    if not isinstance(node, dict):
        raise _fail(key, "每一行应写成映射（cells: … 或 label: …）")
    if "cells" in node:
        _known(node, {"cells", "height_mm"}, key)
        cells = node["cells"]
        if not isinstance(cells, list) or not cells:
            raise _fail(f"{key}.cells", "应为单元格的列表")
        parsed = [_cell(c, f"{key}.cells[{i}]") for i, c in enumerate(cells)]
        spans = sum(c["span"] for c in parsed)
        if spans != ncols:
            raise _fail(
                f"{key}.cells",
                f"各单元格所占列数之和应为 {ncols}（columns 的列数），实际是 {spans}",
            )
        height = _number(node.get("height_mm", INFO_HEIGHT_MM), f"{key}.height_mm", low=5, high=200)
        return {"kind": "info", "cells": parsed, "height_mm": height}
    if "label" not in node:
        raise _fail(key, "一行应有 cells（信息行）或 label（填写栏、选项栏）")
    if ncols < 2:
        raise _fail("columns", "表格至少要有两列（标签一列，填写区一列）")
    label = _text(node["label"], f"{key}.label")
    if "choices" in node:
        _known(node, {"label", "choices", "height_mm"}, key)
        choices = node["choices"]
        if not isinstance(choices, list) or not choices:
            raise _fail(f"{key}.choices", "应为选项文字的列表，如 [优秀, 合格]")
        for i, choice in enumerate(choices):
            _text(choice, f"{key}.choices[{i}]")
        height = _number(
            node.get("height_mm", CHOICES_HEIGHT_MM), f"{key}.height_mm", low=5, high=200
        )
        return {"kind": "choices", "label": label, "choices": choices, "height_mm": height}
    _known(node, {"label", "height_mm", "text", "align"}, key)
    if "height_mm" not in node:
        raise _fail(f"{key}.height_mm", "填写栏要写高度 height_mm（毫米）")
    height = _number(node["height_mm"], f"{key}.height_mm", low=5, high=200)
    text = _text(node.get("text"), f"{key}.text", required=False)
    align = node.get("align", "bottom-right" if text else "top-left")
    vertical, _, horizontal = str(align).partition("-")
    if vertical not in VALIGNS or horizontal not in ALIGNS:
        raise _fail(
            f"{key}.align", "align 应写成“纵向-横向”，如 bottom-right、top-left、center-center"
        )
    return {
        "kind": "area",
        "label": label,
        "height_mm": height,
        "text": text,
        "valign": vertical,
        "align": horizontal,
    }


def parse_spec(spec: Any) -> dict:
    """Check a form spec and return it normalised (defaults filled in); raise FormSpecError."""
    if not isinstance(spec, dict):
        raise _fail("", "表单定义应为映射（title、columns、rows …）")
    _known(spec, {"title", "subtitle", "columns", "rows", "closing", "closing_align"}, "")
    title = _text(spec.get("title"), "title")
    subtitle = _text(spec.get("subtitle"), "subtitle", required=False)
    closing = _text(spec.get("closing"), "closing", required=False)
    closing_align = spec.get("closing_align", "right")
    if closing_align not in ALIGNS:
        raise _fail("closing_align", f"closing_align 应为 {'、'.join(ALIGNS)} 之一")
    cols = _columns(spec)
    rows = spec.get("rows")
    if not isinstance(rows, list) or not rows:
        raise _fail("rows", "应为表格各行的列表")
    parsed = [_row(r, f"rows[{i}]", len(cols)) for i, r in enumerate(rows)]
    out = {
        "title": title,
        "subtitle": subtitle,
        "columns": cols,
        "rows": parsed,
        "closing": closing,
        "closing_align": closing_align,
    }
    _check_fits(out)
    return out


# ---------------------------------------------------------------------------------------------
# One page: the worst-case height of every part
# ---------------------------------------------------------------------------------------------


def _mm(twips: float) -> float:
    return twips / TWIPS_PER_MM


def _twips(mm: float) -> int:
    return round(mm * TWIPS_PER_MM)


def chars_per_cell_line(width: int) -> int:
    """Characters of 表格文字 (四号) on one line of a cell ``width`` twips wide."""
    return max(1, (width - 2 * CELL_MARGIN) // (TABLE_TEXT_SIZE * 10))


def _visible(text: str) -> int:
    """Length of ``text`` as printed when tags render empty (Jinja tags removed)."""
    return len(re.sub(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", "", text))


def _lines(text_len: int, per_line: int) -> int:
    return max(1, math.ceil(text_len / per_line))


def row_heights(form: dict) -> list[tuple[str, int]]:
    """(row key, worst-case height in twips) of each table row of a parsed spec."""
    cols = form["columns"]
    out = []
    for i, row in enumerate(form["rows"]):
        height = _twips(row["height_mm"])
        if row["kind"] == "info":
            start = 0
            for cell in row["cells"]:
                width = sum(cols[start : start + cell["span"]])
                start += cell["span"]
                lines = _lines(cell["max_chars"], chars_per_cell_line(width))
                height = max(height, lines * TABLE_LINE)
        out.append((f"rows[{i}]", height + BORDER))
    return out


def page_height(form: dict) -> int:
    """Worst-case height (twips) of the whole form: title, subtitle, table and closing."""
    title_per_line = S.TEXT_WIDTH // (S.TITLE_SIZE * 10)
    total = _lines(_visible(form["title"]), title_per_line) * S.LINE_PITCH
    if form["subtitle"]:
        total += S.LINE_PITCH
    if form["closing"]:
        total += S.LINE_PITCH
    return total + sum(h for _, h in row_heights(form))


def _check_fits(form: dict) -> None:
    room = S.TEXT_HEIGHT - SLACK
    used = page_height(form)
    if used > room:
        tallest = max(
            (
                (k, h)
                for (k, h), r in zip(row_heights(form), form["rows"], strict=True)
                if r["kind"] == "area"
            ),
            key=lambda kh: kh[1],
            default=None,
        )
        hint = f"；可减小 {tallest[0]}.height_mm" if tallest else ""
        raise _fail(
            "rows",
            f"各项填到最长（max_chars）时表单高约 {_mm(used):.0f} 毫米，"
            f"超出一页 A4 可用的 {_mm(room):.0f} 毫米，会排到第二页{hint}",
        )


# ---------------------------------------------------------------------------------------------
# Writing the document
# ---------------------------------------------------------------------------------------------


def field_tag(expr: str) -> str:
    """The Jinja text of a ``field`` cell; roster values (``member.*``) are guarded."""
    match = _ROOT.match(expr)
    tag = f"{{{{ {expr.strip()} }}}}"
    if match and match.group(1) in GUARDED_ROOTS:
        return f"{{% if {match.group(1)} is defined %}}{tag}{{% endif %}}"
    return tag


def _table_props(widths: list[int]):
    """``w:tblPr`` in schema order: style, width, alignment, fixed layout, cell margins."""
    return oxml.el(
        "w:tblPr",
        {},
        oxml.el("w:tblStyle", {"w:val": "TableGrid"}),
        oxml.el("w:tblW", {"w:w": sum(widths), "w:type": "dxa"}),
        oxml.el("w:jc", {"w:val": "center"}),
        oxml.el("w:tblLayout", {"w:type": "fixed"}),
        oxml.el(
            "w:tblCellMar",
            {},
            oxml.el("w:left", {"w:w": CELL_MARGIN, "w:type": "dxa"}),
            oxml.el("w:right", {"w:w": CELL_MARGIN, "w:type": "dxa"}),
        ),
        oxml.el(
            "w:tblLook",
            {
                "w:val": "04A0",
                "w:firstRow": 1,
                "w:lastRow": 0,
                "w:firstColumn": 1,
                "w:lastColumn": 0,
                "w:noHBand": 0,
                "w:noVBand": 1,
            },
        ),
    )


def _paragraph(text: str | None, align: str):
    p = oxml.el("w:p")
    # No automatic space between Chinese and digits: "1962年12月" stays on one line of its cell.
    p_pr = oxml.el(
        "w:pPr",
        {},
        oxml.el("w:pStyle", {"w:val": "TableText"}),
        oxml.el("w:autoSpaceDE", {"w:val": 0}),
        oxml.el("w:autoSpaceDN", {"w:val": 0}),
        oxml.el("w:jc", {"w:val": align}),
    )
    p.append(p_pr)
    if text:
        p.append(oxml.text_run(text))
    return p


def _tc(width: int, span: int, text: str | None, align: str, valign: str):
    tc_pr = oxml.el("w:tcPr", {}, oxml.el("w:tcW", {"w:w": width, "w:type": "dxa"}))
    if span > 1:
        tc_pr.append(oxml.el("w:gridSpan", {"w:val": span}))
    tc_pr.append(oxml.el("w:vAlign", {"w:val": valign}))
    return oxml.el("w:tc", {}, tc_pr, _paragraph(text, align))


def _tr(height: int, rule: str, cells: list):
    tr_pr = oxml.el(
        "w:trPr",
        {},
        oxml.el("w:cantSplit"),
        oxml.el("w:trHeight", {"w:val": height, "w:hRule": rule}),
    )
    return oxml.el("w:tr", {}, tr_pr, *cells)


def _table(form: dict):
    cols = form["columns"]
    rest = sum(cols[1:])
    tbl = oxml.el("w:tbl", {}, _table_props(cols))
    tbl.append(oxml.el("w:tblGrid", {}, *(oxml.el("w:gridCol", {"w:w": w}) for w in cols)))
    for row in form["rows"]:
        height = _twips(row["height_mm"])
        if row["kind"] == "info":
            cells, start = [], 0
            for cell in row["cells"]:
                width = sum(cols[start : start + cell["span"]])
                start += cell["span"]
                text = field_tag(cell["value"]) if cell["kind"] == "field" else cell["value"]
                cells.append(_tc(width, cell["span"], text, cell["align"], "center"))
            # at least this high, growing when a long value wraps: never clipped
            tbl.append(_tr(height, "atLeast", cells))
            continue
        label = _tc(cols[0], 1, row["label"], "center", "center")
        if row["kind"] == "choices":
            text = "\u3000\u3000\u3000\u3000".join(f"{CHECKBOX} {c}" for c in row["choices"])
            area = _tc(rest, len(cols) - 1, text, "center", "center")
        else:
            area = _tc(rest, len(cols) - 1, row["text"], row["align"], row["valign"])
        tbl.append(_tr(height, "exact", [label, area]))
    return tbl


def build_form(spec: dict) -> bytes:
    """The .docx bytes of the form described by ``spec`` (see the module docstring).

    Raises :class:`FormSpecError` when the spec is malformed or the form would not fit one A4
    page with its longest values.
    """
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from speechkit.typeset.layout import new_document, reproducible_bytes

    form = parse_spec(spec)
    document = new_document()
    document.add_paragraph(form["title"], style=S.STYLE_TITLE)
    if form["subtitle"]:
        document.add_paragraph(form["subtitle"], style=S.STYLE_SPEAKER)
    body = document.element.body
    body.sectPr.addprevious(_table(form))
    closing = document.add_paragraph(form["closing"] or "", style=S.STYLE_CLOSING)
    closing.paragraph_format.alignment = getattr(WD_ALIGN_PARAGRAPH, form["closing_align"].upper())
    _first_page_without_number(document)
    return reproducible_bytes(document, form["title"])


def _first_page_without_number(document) -> None:
    """A one-page form carries no page number: the first page gets an empty footer.

    Should a filled form run onto a second page, that page still shows "— 2 —".
    """
    section = document.sections[0]
    section.different_first_page_header_footer = True
    section.first_page_footer.is_linked_to_previous = False


def load_form_spec(path: str | Path, *, shown: str | None = None) -> dict:
    """Read a ``*.form.yaml`` file and check it; errors are located (file:line:column)."""
    from speechkit.profiles.loader import load_yaml_file

    shown = shown or str(path)
    doc = load_yaml_file(path, shown=shown)
    errors = [p for p in doc.problems if p.severity == "error"]
    if errors:
        first = errors[0]
        raise FormSpecError(first.message, first.location, first.key)
    try:
        parse_spec(doc.data)
    except FormSpecError as exc:
        where = doc.locate(exc.key) if exc.key else None
        raise FormSpecError(exc.message, where or Location(file=shown), exc.key) from None
    return doc.data


def build_form_file(path: str | Path, *, shown: str | None = None) -> bytes:
    """:func:`build_form` of the spec in ``path`` (located errors, see :func:`load_form_spec`)."""
    return build_form(load_form_spec(path, shown=shown))
