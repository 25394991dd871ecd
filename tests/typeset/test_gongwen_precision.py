"""format-check on 公文 written here in Word's and WPS's shapes: its findings are right (≥ 90%)
and it finds the planted deviations (≥ 90%); each element of GB/T 9704 is recognised."""

from __future__ import annotations

import io

import pytest
from docx import Document

from speechkit.typeset import gongwen
from speechkit.typeset.check import format_check, group_departures
from speechkit.typeset.oxml import StyleSheet
from tests.conftest import requires_soffice, run_cli, soffice_convert
from tests.typeset.gongwen_docs import CORPUS


def _score(tmp_path):
    right = wrong = found = planted_total = 0
    report = []
    for name, build in CORPUS.items():
        data, planted = build()
        path = tmp_path / f"{name}.docx"
        path.write_bytes(data)
        findings = [(d.rule, d.location.snippet or "") for d in format_check(path)]
        hits = set()
        for rule, snippet in findings:
            match = next(
                (p for p in planted if p[0] == rule and snippet.startswith(p[1][:18])), None
            )
            if match:
                right += 1
                hits.add(match)
            else:
                wrong += 1
                report.append(f"{name}: 误报 {rule} 「{snippet}」")
        for miss in planted - hits:
            report.append(f"{name}: 漏报 {miss}")
        found += len(hits)
        planted_total += len(planted)
    return right, wrong, found, planted_total, report


def test_format_check_precision_and_recall_on_the_corpus(tmp_path):
    right, wrong, found, planted, report = _score(tmp_path)
    precision = right / max(right + wrong, 1)
    recall = found / planted
    print(f"\nformat-check：正确 {right}，误报 {wrong}，精确率 {precision:.0%}；"
          f"埋设 {planted}，找到 {found}，召回率 {recall:.0%}")  # fmt: skip
    print("\n".join(report))
    assert precision >= 0.9, report
    assert recall >= 0.9, report


def _elements(build):
    data, _ = build()
    document = Document(io.BytesIO(data))
    sheet = StyleSheet(document.styles.element)
    return gongwen.classify(gongwen.read_paragraphs(document, sheet))


def test_text_boxes_are_read_once():
    rec = _elements(CORPUS["notice_word"])
    marks = [e.para.text for e in rec.of("organ_mark")]
    assert marks == ["海川市人民政府文件"]


def test_every_element_of_the_notice_is_recognised():
    rec = _elements(CORPUS["notice_word"])
    kinds = [e.kind for e in rec.elements]
    for kind in (
        "copy_number", "secrecy", "urgency", "organ_mark", "doc_number", "title", "addressee",
        "heading", "body", "attachment_note", "signature", "date", "note", "copy_to", "printer",
    ):  # fmt: skip
        assert kind in kinds, kind
    assert rec.layout == "document"


def test_automatic_numbering_draws_the_heading_numbers():
    rec = _elements(CORPUS["report_wps"])
    headings = [(e.level, e.para.text) for e in rec.of("heading")]
    assert headings[:3] == [
        (1, "一、主要工作进展"),
        (1, "二、工作中存在的问题"),
        (2, "（一）资金保障不足"),
    ]
    assert rec.of("signer")


@pytest.mark.parametrize("name, layout", [("letter", "letter"), ("minutes", "minutes")])
def test_special_layouts_are_known(name, layout):
    assert _elements(CORPUS[name]).layout == layout


def test_a_letter_may_leave_its_first_page_unnumbered(tmp_path):
    data, _ = CORPUS["letter"]()
    path = tmp_path / "函.docx"
    path.write_bytes(data)
    assert "page.title_pg" not in {d.rule for d in format_check(path)}


def test_findings_name_their_clause_and_group(tmp_path):
    data, _ = CORPUS["report_wps"]()
    path = tmp_path / "r.docx"
    path.write_bytes(data)
    departures = format_check(path)
    assert all(d.clause for d in departures)
    assert "GB/T 9704—2012 7.3.5" in str(next(d for d in departures if d.rule == "date.zero"))
    doubled = departures + [d for d in departures if d.rule == "body.font"]
    groups = group_departures(doubled)
    line = str(next(g for g in groups if g.first.rule == "body.font"))
    assert line.startswith("正文 2 段正文字体应为仿宋_GB2312") and "：第" in line


@requires_soffice
@pytest.mark.soffice
def test_a_doc_file_is_checked_through_libreoffice(tmp_path):
    data, planted = CORPUS["clean_speech"]()
    source = tmp_path / "讲话.docx"
    source.write_bytes(data)
    result = run_cli("format-check", soffice_convert(source, "doc", tmp_path))
    assert "已用 LibreOffice 转换后检查" in result.stdout
    assert result.exit_code in (0, 1) and "Traceback" not in result.output
