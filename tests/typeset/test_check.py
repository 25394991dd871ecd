"""format_check: departures found by reading the XML back with inherited properties resolved."""

from __future__ import annotations

import pytest
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from speechkit.errors import InputFileError
from speechkit.typeset import spec as S
from speechkit.typeset.check import format_check
from speechkit.typeset.layout import new_document
from speechkit.typeset.text import typeset_text
from tests.conftest import TEMPLATES
from tests.typeset.helpers import save

GOOD = (
    "关于测试的讲话\n（2024年7月5日）\n同志们：\n一、总体要求\n（一）学习。这是正文。\n正文一段。\n"
)


def rules(departures):
    return {d.rule for d in departures}


@pytest.fixture
def good(tmp_path):
    path = tmp_path / "good.docx"
    path.write_bytes(typeset_text(GOOD))
    return path


def test_typeset_output_passes(good):
    assert format_check(good) == []


@pytest.mark.parametrize("name", ["动员讲话.docx", "实施方案.docx", "党性分析评议表.docx"])
def test_shipped_templates_pass(name):
    assert format_check(TEMPLATES / name) == []


def test_plain_python_docx_document_fails_with_a_list(tmp_path):
    document = Document()
    document.add_paragraph("标题")
    document.add_paragraph("正文没有缩进。")
    found = format_check(save(document, tmp_path / "plain.docx"))
    assert {
        "page.size",
        "page.margin.top",
        "page.margin.left",
        "grid.type",
        "grid.chars",
        "fonts.theme",
        "lang",
        "footer.even_odd",
        "footer.missing",
        "title.missing",
        "body.font",
    } <= rules(found)
    text = "\n".join(str(d) for d in found)
    assert "主题字体" in text
    assert "纸张应为 A4" in text
    assert "第2段「正文没有缩进。」" in text


def test_inherited_values_are_resolved_through_the_style_chain(tmp_path):
    # Nothing is set on the runs: every value comes from styles and docDefaults.
    document = new_document()
    document.add_paragraph("标题", style="Title")
    document.add_paragraph("正文。")
    assert format_check(save(document, tmp_path / "inherit.docx")) == []
    # A style in the basedOn chain changes the font: the body paragraph departs.
    document.styles["Normal"].element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    found = format_check(save(document, tmp_path / "songti.docx"))
    body = [d for d in found if d.rule == "body.font"]
    assert body and body[0].location.paragraph == 2 and body[0].actual == "宋体"


def test_run_level_departures_are_located(tmp_path):
    document = new_document()
    document.add_paragraph("标题", style="Title")
    document.add_paragraph("一、总体要求", style="Heading 1")
    ok = document.add_paragraph("第一段正文。")
    bad = document.add_paragraph("")
    run = bad.add_run("第二段用了错误字号。")
    run.font.size = Pt(12)
    document.add_paragraph("（二）小标题。后文。")  # Normal style: 仿宋, not 楷体
    ok.paragraph_format.first_line_indent = Pt(0)
    ok.paragraph_format.line_spacing = 1.5
    found = format_check(save(document, tmp_path / "runs.docx"))
    by_rule = {d.rule: d for d in found}
    assert by_rule["body.size"].location.paragraph == 4
    assert by_rule["body.size"].actual == "小四（12 磅）"
    assert by_rule["heading2.font"].location.paragraph == 5
    assert by_rule["heading2.font"].actual.startswith("仿宋_GB2312")
    assert by_rule["body.indent"].location.paragraph == 3
    assert by_rule["body.line_spacing"].location.paragraph == 3


def test_lines_and_chars_grid_with_computed_char_space_passes(tmp_path):
    document = new_document()
    document.add_paragraph("标题", style="Title")
    document.add_paragraph("正文。")
    grid = document.sections[0]._sectPr.find(qn("w:docGrid"))
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:charSpace"), str(S.grid_char_space()))
    document.styles["Normal"].element.rPr.find(qn("w:spacing")).set(qn("w:val"), "0")
    assert format_check(save(document, tmp_path / "grid.docx")) == []
    grid.set(qn("w:charSpace"), "0")
    found = format_check(save(document, tmp_path / "grid27.docx"))
    assert [(d.rule, d.actual) for d in found] == [("grid.chars", "27")]


def test_page_number_footers_are_checked(tmp_path):
    document = new_document()
    document.add_paragraph("标题", style="Title")
    footer = document.sections[0].footer.paragraphs[0]
    footer.alignment = 1  # centred
    for t in footer._p.iter(qn("w:t")):
        if t.text == "— ":
            t.text = "-"
    found = format_check(save(document, tmp_path / "footer.docx"))
    assert {"footer.format", "footer.align"} <= rules(found)
    assert all(d.location.part == "footer" for d in found if d.rule.startswith("footer"))


def test_title_page_flag_and_missing_title(tmp_path):
    document = new_document()
    document.add_paragraph("同志们：", style="称呼")
    document.sections[0]._sectPr.append(OxmlElement("w:titlePg"))
    found = format_check(save(document, tmp_path / "notitle.docx"))
    assert {"title.missing", "page.title_pg"} <= rules(found)


def test_run_on_level_one_heading_departs(tmp_path):
    path = tmp_path / "runon.docx"
    path.write_bytes(typeset_text("标题\n一、提高认识在全党开展教育活动是重大决策。\n"))
    assert rules(format_check(path)) == {"heading1.stop"}


def test_not_a_docx_is_an_input_error(tmp_path):
    bad = tmp_path / "bad.docx"
    bad.write_text("不是文档", encoding="utf-8")
    with pytest.raises(InputFileError) as info:
        format_check(bad)
    assert "bad.docx" in str(info.value)
    with pytest.raises(InputFileError):
        format_check(tmp_path / "missing.docx")


def test_departure_to_dict_is_plain_data(tmp_path):
    found = format_check(save(Document(), tmp_path / "plain.docx"))
    data = found[0].to_dict()
    assert data["rule"] == "page.size"
    assert data["location"]["file"].endswith("plain.docx")
    assert "paragraph" not in data["location"]
