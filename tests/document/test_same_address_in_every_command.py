"""One paragraph, one address: render, template check, check, annotate and format-check name a
place in a Word document the same way (issue 17's done-when)."""

from __future__ import annotations

import json

import pytest

from speechkit.check import check
from speechkit.check.report import annotate_docx, to_html, to_json, to_text
from speechkit.docx.package import open_docx
from speechkit.docx.paragraphs import iter_paragraphs
from speechkit.docx.parts import load_parts
from speechkit.engine import Template
from speechkit.errors import RenderError
from speechkit.typeset.check import format_check
from tests.document.builders import two_section_document

HEADER = "页眉2 第1段"
CELL = "正文 表格1 第2行第3列"


@pytest.fixture
def doc(tmp_path):
    return two_section_document(tmp_path / "两节.docx")


def test_render_names_the_second_header_and_the_cell(doc):
    template = Template(doc)
    with pytest.raises(RenderError) as header_error:
        template.render({"secretary": "王书记"})
    assert str(header_error.value.location.address) == HEADER
    assert f"{HEADER}「××镇 {{{{ leader }}}}」" in str(header_error.value)
    with pytest.raises(RenderError) as cell_error:
        template.render({"leader": "李镇长"})
    assert str(cell_error.value.location.address) == CELL
    assert CELL in str(cell_error.value)


def test_template_check_lists_both_missing_variables_at_their_addresses(doc):
    problems = Template(doc).check_context({})
    assert {(p.key, str(p.location.address)) for p in problems} == {
        ("leader", HEADER),
        ("secretary", CELL),
    }


def test_check_finds_the_placeholders_at_the_same_addresses(doc):
    report = check(doc)
    crosses = {str(f.location.address) for f in report.findings if f.match == "××"}
    assert crosses == {HEADER, CELL}
    tags = {str(f.location.address): f.match for f in report.findings if f.match.startswith("{{")}
    assert tags == {HEADER: "{{ leader }}", CELL: "{{ secretary }}"}
    text = to_text([report])
    # reports name the rule in Chinese and keep its id at the end of the line
    assert f"两节.docx {HEADER} 第1字 [错误] ××、○○ 占位符 " in text
    assert f"两节.docx {CELL} 第1字 [错误] ××、○○ 占位符 " in text
    assert text.count("〔placeholder.crosses〕") == 2
    data = json.loads(to_json([report]))
    addresses = [f["location"]["address"] for f in data["files"][0]["findings"]]
    cell = next(a for a in addresses if a["text"] == CELL)
    assert cell == {
        "part": "body",
        "part_number": None,
        "paragraph": 1,
        "cells": [{"table": 1, "row": 2, "column": 3}],
        "text": CELL,
    }
    header = next(a for a in addresses if a["text"] == HEADER)
    assert (header["part"], header["part_number"], header["paragraph"]) == ("header", 2, 1)
    html = to_html([report])
    assert f"{HEADER} 第1字" in html and f"{CELL} 第1字" in html
    assert '<div class="part">页眉2</div>' in html


def test_annotate_anchors_in_the_cell_and_names_the_header(doc, tmp_path):
    report = check(doc)
    out = annotate_docx(doc, report.findings, tmp_path / "批注.docx")
    package = open_docx(out)
    anchored = set()
    for part in load_parts(package):
        for para in iter_paragraphs(part.root, part.kind, part.ref.number):
            if para.element.find(".//{*}commentRangeStart") is not None:
                anchored.add(str(para.address))
    assert CELL in anchored
    comments = package.read("word/comments.xml").decode("utf-8")
    assert f"{HEADER}“××”" in comments  # Word has no comments in headers: named in the text


def test_format_check_names_the_same_paragraphs(doc):
    found = {str(d.location.address): d for d in format_check(doc) if d.location.address}
    assert found[HEADER].rule == "header.text"
    assert found[CELL].rule == "table.font"
    assert f"{HEADER}「××镇" in str(found[HEADER])
    assert found[CELL].to_dict()["location"]["address"]["cells"] == [
        {"table": 1, "row": 2, "column": 3}
    ]


def test_footnotes_are_numbered_as_word_numbers_them(doc):
    report = check(doc)
    texts = {str(b.address): b.text for b in report.blocks if b.part == "footnote"}
    assert texts == {"脚注1 第1段": "资料来源：县统计局", "脚注2 第1段": "第二条脚注"}


def test_format_check_groups_table_cells_by_their_addresses(doc):
    from speechkit.typeset.check import group_departures

    grouped = [str(g) for g in group_departures(format_check(doc)) if "表格文字" in str(g)]
    assert len(grouped) == 1
    assert grouped[0].startswith("正文 9 段表格文字")
    assert grouped[0].endswith("表格1 第1行第1列、表格1 第1行第2列、表格1 第1行第3列、"
                               "表格1 第2行第1列、表格1 第2行第2列、表格1 第2行第3列、"
                               "表格1 第3行第1列、表格1 第3行第2列、表格1 第3行第3列")  # fmt: skip
