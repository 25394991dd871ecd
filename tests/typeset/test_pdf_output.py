"""What LibreOffice prints: every character, one page per form, real faces, comments, grids.

One :class:`~speechkit.typeset.pdf.Converter` converts each group of documents with one
LibreOffice start, as batch and the web page do.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Pt

from speechkit.engine import Template
from speechkit.profiles import find_towns, load_profile
from speechkit.typeset import spec as S
from speechkit.typeset.pdf import Converter, pdf_fonts, pdf_pages, stand_ins
from speechkit.typeset.text import typeset
from tests.conftest import (
    LONG_MEMBER,
    PROFILES,
    SEED,
    TEMPLATES,
    pdf_text,
    requires_soffice,
    run_cli,
)

pytestmark = [requires_soffice, pytest.mark.soffice]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# the faces fonts.conf maps the official fonts to; anything else embedded is a fallback font,
# i.e. a glyph the intended face does not have
FACES = re.compile(r"^(NotoSerifCJK|NotoSansCJK|LXGWWenKai|LiberationSerif|Tinos|NimbusRom)")


def docx_chars(path: Path) -> Counter:
    """Characters of the body (paragraphs and table cells, each merged cell once)."""
    with zipfile.ZipFile(path) as zf:
        xml = zf.read("word/document.xml").decode()
    text = "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))
    text = text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    return Counter(re.sub(r"\s", "", text))


def lost(docx: Path, pdf: Path) -> dict:
    """Characters of ``docx`` that its PDF does not print."""
    return dict(docx_chars(docx) - Counter(re.sub(r"\s", "", pdf_text(pdf, layout=False))))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """Every shipped template for every demo town, a long-valued form, typeset drafts: PDFs."""
    root = tmp_path_factory.mktemp("pdf")
    docs = []
    for town in find_towns(PROFILES):
        profile = load_profile(town)
        context = profile.context()
        for template in sorted(TEMPLATES.glob("*.docx")):
            path = root / f"{profile.slug}-{template.stem}.docx"
            Template(template).save(context, path)
            docs.append(path)
    context = load_profile(PROFILES / "towns" / "donghu.yaml").context()
    context["member"] = LONG_MEMBER
    form = root / "long-form.docx"
    Template(TEMPLATES / "党性分析评议表.docx").save(context, form)
    docs.append(form)
    seed = root / "seed.docx"
    seed.write_bytes(typeset(SEED.read_text("utf-8"), title="在东湖镇动员大会上的讲话").data)
    docs.append(seed)
    with Converter() as converter:
        done = converter.convert_many((doc, root / "pdf") for doc in docs)
        starts = converter.starts
    assert all(d.error is None for d in done), [str(d.error) for d in done if d.error]
    return {"pairs": [(d.source, d.pdf) for d in done], "starts": starts, "count": len(docs)}


def test_many_files_take_few_libreoffice_starts(rendered):
    assert rendered["count"] > 40
    assert rendered["starts"] <= -(-rendered["count"] // 40)  # GROUP_MAX files per start


def test_the_pdf_prints_every_character_of_the_document(rendered):
    failures = {src.name: miss for src, pdf in rendered["pairs"] if (miss := lost(src, pdf))}
    assert failures == {}


def test_every_form_is_one_page_even_with_the_longest_values(rendered):
    forms = [pdf for src, pdf in rendered["pairs"] if "评议表" in src.name or "form" in src.name]
    assert len(forms) > 10
    assert {pdf.name: pdf_pages(pdf) for pdf in forms if pdf_pages(pdf) != 1} == {}


def test_no_glyph_falls_back_to_another_font(rendered):
    fallback = {}
    for _, pdf in rendered["pairs"]:
        others = [f for f in pdf_fonts(pdf) if not FACES.match(f)]
        if others:
            fallback[pdf.name] = others
    assert fallback == {}


def test_the_speech_keeps_22_lines_of_28_characters(rendered):
    speech = next(pdf for src, pdf in rendered["pairs"] if src.name == "donghu-动员讲话.docx")
    widths, heights = Counter(), []
    for page in pdf_text(speech).split("\f")[:-1]:
        lines = [ln.strip() for ln in page.splitlines() if ln.strip()]
        body = [ln for ln in lines if not ln.startswith("—")]
        heights.append(len(body))
        for line in body:
            if not any(ord(ch) < 0x2000 for ch in line):  # digits are half an em: skip
                widths[len(line.replace("\u3000", "").replace(" ", ""))] += 1
    assert max(widths) == 28 and widths[28] > sum(widths.values()) / 2, widths
    assert max(heights) == 22, heights


def test_the_merged_file_has_one_page_per_member(tmp_path):
    out = tmp_path / "out"
    result = run_cli(
        "batch", "--profiles", PROFILES, "--templates", TEMPLATES, "--out", out,
        "--town", "donghu", "--template", "党性分析评议表", "--merge", "-j", "1",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    members = list((out / "东湖镇" / "党性分析评议表").glob("*.docx"))
    merged = [p for p in (out / "东湖镇").glob("*.docx") if "合订" in p.name]
    with Converter() as converter:
        pdf = converter.convert(merged[0], tmp_path)
    assert pdf_pages(pdf) == len(members) > 1


def test_stand_in_faces_are_named(tmp_path):
    faces = dict(stand_ins(TEMPLATES / "动员讲话.docx"))
    assert faces.get(S.KAITI) in ("LXGW WenKai", "AR PL UKai CN", "KaiTi")
    assert faces.get(S.HEITI, "").startswith(("Noto Sans CJK", "SimHei"))
    assert faces.get(S.XIAOBIAOSONG, "").endswith("Bold") or S.XIAOBIAOSONG not in faces
    result = run_cli("pdf", TEMPLATES / "动员讲话.docx", "-o", tmp_path)
    assert result.exit_code == 0, result.output
    assert "由相近的字体代替" in result.stderr and "楷体_GB2312 →" in result.stderr


def _pdf_notes(pdf: Path) -> list[str]:
    """Contents of the PDF's text annotations (notes)."""
    data = pdf.read_bytes()
    notes = []
    for match in re.finditer(rb"/Contents\s*<([0-9A-Fa-f]+)>", data):
        notes.append(bytes.fromhex(match.group(1).decode()).decode("utf-16"))
    return notes


def test_comments_of_an_annotated_document_are_in_its_pdf(tmp_path):
    import speechkit.typeset.pdf as pdf_module

    src = tmp_path / "讲话.txt"
    src.write_text("标题\n会后,大家已对市直69个单位进行了检查。己对问题进行整改。\n", "utf-8")
    docx, annotated = tmp_path / "讲话.docx", tmp_path / "讲话批注.docx"
    assert run_cli("typeset", src, "-o", docx).exit_code == 0
    run_cli("check", docx, "--format", "docx", "-o", annotated)
    before = annotated.read_bytes()
    result = run_cli("pdf", annotated, "-o", tmp_path)
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "讲话批注.pdf"
    notes = " ".join(_pdf_notes(pdf))
    assert "己对" in notes and "已对" in notes and "半角" in notes  # as PDF notes
    printed = re.sub(r"\s", "", pdf_text(pdf, layout=False))  # and on the page
    assert "“己对”应为“已对”" in printed and "半角" in printed
    if pdf_module.soffice_version(pdf_module.soffice_path()) < (7, 6):  # no margin comments
        assert "〔批注1〕" in printed
    assert annotated.read_bytes() == before  # the marks went into a temporary copy


def _grid_document(path: Path, paragraphs: int = 30) -> Path:
    """A Word-style document: linesAndChars grid of 28 characters, 三号 body, app.xml pages."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = S.PAGE_WIDTH * 635, S.PAGE_HEIGHT * 635
    section.left_margin, section.right_margin = S.MARGIN_LEFT * 635, S.MARGIN_RIGHT * 635
    section.top_margin, section.bottom_margin = S.MARGIN_TOP * 635, S.MARGIN_BOTTOM * 635
    style = doc.styles["Normal"]
    style.font.size = Pt(16)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(f"{W}eastAsia", "仿宋_GB2312")
    grid = section._sectPr.find(f"{W}docGrid")
    if grid is None:
        grid = section._sectPr.makeelement(f"{W}docGrid", {})
        section._sectPr.append(grid)
    grid.set(f"{W}type", "linesAndChars")
    grid.set(f"{W}linePitch", str(S.LINE_PITCH))
    grid.set(f"{W}charSpace", str(S.grid_char_space()))
    for _ in range(paragraphs):
        doc.add_paragraph("我们要坚持以人民为中心的发展思想，把群众满意作为检验工作的根本标准" * 2)
    table = doc.add_table(rows=1, cols=2)
    row = table.rows[0]
    row.height = Pt(14)
    row.height_rule = 2  # exactly
    row.cells[0].text = "标签甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥"
    buffer = io.BytesIO()
    doc.save(buffer)
    data = buffer.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            blob = src.read(info.filename)
            if info.filename == "docProps/app.xml":
                blob = (
                    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties '
                    b'xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-'
                    b'properties"><Application>Microsoft Office Word</Application>'
                    b"<Pages>1</Pages></Properties>"
                )
            dst.writestr(info, blob)
    path.write_bytes(out.getvalue())
    return path


def _line_widths(pdf: Path) -> Counter:
    widths = Counter()
    for line in pdf_text(pdf, layout=False).splitlines():
        line = line.strip()
        if len(line) > 5:
            widths[len(line)] += 1
    return widths


def test_word_character_grid_gets_words_characters_per_line(tmp_path):
    docx = _grid_document(tmp_path / "网格.docx")
    before = docx.read_bytes()
    with Converter() as converter:
        (done,) = converter.convert_many([(docx, tmp_path / "pdf")])
    assert done.error is None
    widths = _line_widths(done.pdf)
    assert widths.most_common(1)[0][0] == 28, widths
    assert not lost(docx, done.pdf)  # the exact-height row shows its whole label
    assert any("固定行高" in n for n in done.notices)  # Word would clip it: said so
    assert any("Word 保存此文档时为 1 页" in n for n in done.notices)  # 30 paragraphs: more
    assert docx.read_bytes() == before  # the fixes went into a temporary copy


def test_format_check_reports_a_form_that_runs_past_one_page(tmp_path):
    context = load_profile(PROFILES / "towns" / "donghu.yaml").context()
    fits, spills = tmp_path / "fits.docx", tmp_path / "spills.docx"
    context["member"] = LONG_MEMBER
    Template(TEMPLATES / "党性分析评议表.docx").save(context, fits)
    context["member"] = {**LONG_MEMBER, "post": "镇党委委员、组织委员" * 30}  # 300 characters
    Template(TEMPLATES / "党性分析评议表.docx").save(context, spills)
    result = run_cli("format-check", fits, spills)
    assert result.exit_code == 1, result.output
    assert "spills.docx" in result.output and "排成了 2 页" in result.output
    assert "fits.docx：版式符合" in result.output and "符合 1 个，不符合 1 个" in result.output
    quiet = run_cli("format-check", "--no-render", spills)
    assert quiet.exit_code == 0 and "排成了" not in quiet.output


def test_files_of_the_same_name_share_one_start_and_keep_their_folders(tmp_path):
    a, b = tmp_path / "甲" / "讲话.docx", tmp_path / "乙" / "讲话.docx"
    for path, text in ((a, "甲镇的讲话"), (b, "乙镇的讲话")):
        path.parent.mkdir()
        path.write_bytes(typeset(f"标题\n{text}。").data)
    broken = tmp_path / "坏.docx"
    broken.write_bytes(b"not a zip")
    with Converter() as converter:
        done = converter.convert_many([(a, a.parent), (broken, tmp_path), (b, b.parent)])
        assert converter.starts == 1
    assert done[1].pdf is None and "Word" in str(done[1].error)
    assert "甲镇" in pdf_text(done[0].pdf) and done[0].pdf.parent == a.parent
    assert "乙镇" in pdf_text(done[2].pdf) and done[2].pdf.parent == b.parent


def test_batch_pdf_starts_libreoffice_once_per_group_of_files(tmp_path, monkeypatch):
    import speechkit.typeset.pdf as pdf
    from speechkit.batch import BatchOptions, run_batch
    from speechkit.batch.runner import PDF_CHUNK

    starts = []
    original = pdf.subprocess.run

    def counting_run(cmd, *args, **kwargs):
        if "--convert-to" in cmd:
            starts.append(len([c for c in cmd if str(c).endswith(".docx")]))
        return original(cmd, *args, **kwargs)

    monkeypatch.setattr(pdf.subprocess, "run", counting_run)
    result = run_batch(
        BatchOptions(
            profiles=PROFILES,
            templates_dir=TEMPLATES,
            out=tmp_path / "out",
            towns=("donghu",),
            templates=("党性分析评议表",),
            jobs=1,
            pdf=True,
        )
    )
    pdfs = [i for i in result.items if i.output.endswith(".pdf")]
    assert len(pdfs) >= 12 and all(i.status == "generated" for i in pdfs)
    assert len(starts) == -(-len(pdfs) // PDF_CHUNK) and sum(starts) == len(pdfs)


def test_one_document_to_a_named_pdf(tmp_path):
    """``-o 名字.pdf`` with one document writes that file (not a folder of that name); with
    several documents it is a usage error that names the option, and nothing is written."""
    result = run_cli("pdf", TEMPLATES / "动员讲话.docx", "-o", tmp_path / "东湖讲话.pdf")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "东湖讲话.pdf").is_file() and pdf_pages(tmp_path / "东湖讲话.pdf") >= 1
    assert "东湖讲话.pdf" in result.stdout
    both = run_cli(
        "pdf", TEMPLATES / "动员讲话.docx", TEMPLATES / "实施方案.docx", "-o", tmp_path / "两份.pdf"
    )
    assert both.exit_code == 2 and "-o 应是文件夹" in both.stderr
    assert not (tmp_path / "两份.pdf").exists()
    (tmp_path / "a.txt").write_text("x", "utf-8")
    clash = run_cli("pdf", TEMPLATES / "动员讲话.docx", "-o", tmp_path / "a.txt")
    assert clash.exit_code == 2 and "不是文件夹" in clash.stderr
