"""Reporters: text, JSON (exact shape), self-contained HTML, annotated Word (comments)."""

from __future__ import annotations

import datetime as dt
import json
import re
import zipfile

import pytest
from lxml import etree

from speechkit.check import check, check_text
from speechkit.check.report import annotate_docx, to_html, to_json, to_text
from speechkit.check.sources import read_document

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def test_json_shape_is_exact(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("第一行\n会后,***同志\n", encoding="utf-8")
    data = json.loads(to_json([check(p)]))
    assert set(data) == {"version", "files", "summary"}
    assert data["version"] == 1
    assert data["summary"] == {"files": 1, "error": 2, "warning": 0, "info": 0}
    (entry,) = data["files"]
    assert set(entry) == {"path", "findings"}
    first = entry["findings"][0]
    assert set(first) == {
        "rule",
        "category",
        "severity",
        "message",
        "match",
        "suggestion",
        "location",
    }
    assert first["location"] == {"part": "body", "paragraph": 2, "start": 2, "end": 3}
    assert (first["match"], first["suggestion"]) == (",", "，")


def test_text_report_lines_and_summary(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("认真布署工作\n", encoding="utf-8")
    text = to_text([check(p)])
    assert re.search(
        r"a\.txt:1:3 \[错误\] 常见错别字 错别字：“布署”应为“部署”。〔typo\.common〕", text
    )
    assert "认真〖布署〗工作" in text
    assert "共检查 1 个文件：错误 1，警告 0，提示 0" in text
    assert "按类别：错别字 1（错误1）" in text
    assert "\x1b[" not in text
    assert "\x1b[" in to_text([check(p)], color=True)


def test_text_report_names_non_body_parts(tmp_path, make_docx):
    path = make_docx(tmp_path / "h.docx", body=["正文"], header=["××镇"])
    text = to_text([check(path)])
    assert "h.docx 页眉1 第1段 第1字 [错误] ××、○○ 占位符 " in text
    assert "〔placeholder.crosses〕" in text


def test_html_is_self_contained_with_marks_and_filter(tmp_path):
    report = check_text(
        "会后,***同志<b>\n按照两个务必的要求",
        name="甲.txt",
        label="东湖镇 / 动员讲话",
        campaign="xianjinxing-2005",
        as_of=dt.date(2005, 7, 1),  # a 2005 text: “两个务必” is not yet out of date
    )
    page = to_html([report, check_text("干净的文本", name="乙.txt")], title="合并报告")
    assert page.startswith("<!DOCTYPE html>")
    assert "<title>合并报告</title>" in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "<link" not in page and "<script src" not in page
    assert 'data-sev="error"' in page and 'data-sev="warning"' in page and 'data-sev="info"' in page
    assert "东湖镇 / 动员讲话" in page
    assert "同志&lt;b&gt;" in page  # document text escaped
    assert re.search(
        r'<mark class="sev-error"[^>]*title="未填写的占位符“\*\*\*”[^"]*">\*\*\*</mark>', page
    )
    assert re.search(r'<mark class="sev-error"[^>]*>两个务必</mark>', page)
    assert '<td title="placeholder.stars">星号占位符</td>' in page  # name shown, id as tooltip
    assert "没有发现问题" in page  # the clean document
    assert page.count('<details class="doc"') == 2


def _ranges(docx_bytes: bytes, part: str = "word/document.xml") -> dict[int, str]:
    root = etree.fromstring(zipfile.ZipFile(__import__("io").BytesIO(docx_bytes)).read(part))
    active: set[int] = set()
    text: dict[int, str] = {}
    for el in root.iter():
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == f"{{{W}}}commentRangeStart":
            cid = int(el.get(f"{{{W}}}id"))
            active.add(cid)
            text.setdefault(cid, "")
        elif tag == f"{{{W}}}commentRangeEnd":
            active.discard(int(el.get(f"{{{W}}}id")))
        elif tag == f"{{{W}}}t":
            for cid in active:
                text[cid] += el.text or ""
    return text


def _comments(docx_bytes: bytes) -> dict[int, tuple[str, str]]:
    z = zipfile.ZipFile(__import__("io").BytesIO(docx_bytes))
    root = etree.fromstring(z.read("word/comments.xml"))
    return {
        int(c.get(f"{{{W}}}id")): (c.get(f"{{{W}}}author"), "".join(c.itertext())) for c in root
    }


def test_annotated_docx_anchors_comments_on_exact_matches(tmp_path, make_docx):
    src = make_docx(
        tmp_path / "a.docx",
        body=[
            ["会后", (",***等同", True), "志"],
            "认真布署工作",
            {"table": [["已经", "工作己经展开"]]},
        ],
        header=["××镇"],
    )
    before = src.read_bytes()
    report = check(src)
    out = annotate_docx(src, report.findings, tmp_path / "out.docx")
    assert src.read_bytes() == before
    data = out.read_bytes()
    ranges = _ranges(data)
    comments = _comments(data)
    assert len(comments) == len(report.findings) == 5
    assert {a for a, _ in comments.values()} == {"speechkit"}
    body = [f for f in report.findings if f.location.part == "body"]
    assert sorted(ranges.values()) == sorted([f.match for f in body] + [""])
    header_note = [t for _, t in comments.values() if "页眉1 第1段" in t]
    assert len(header_note) == 1 and "××" in header_note[0]
    # text unchanged, runs split with their formatting kept
    assert [b.text for b in read_document(out).blocks] == [
        b.text for b in read_document(src).blocks
    ]
    root = etree.fromstring(zipfile.ZipFile(out).read("word/document.xml"))
    bold_runs = [
        "".join(r.itertext())
        for r in root.iter(f"{{{W}}}r")
        if r.find(f"{{{W}}}rPr/{{{W}}}b") is not None
    ]
    assert bold_runs == [",", "***", "等同"]
    z = zipfile.ZipFile(out)
    assert "word/comments.xml" in z.namelist()
    assert b"comments+xml" in z.read("[Content_Types].xml")
    assert b"relationships/comments" in z.read("word/_rels/document.xml.rels")


def test_annotating_twice_keeps_earlier_comments(tmp_path, make_docx):
    src = make_docx(tmp_path / "a.docx", body=["认真布署工作，要再接再励"])
    report = check(src)
    once = annotate_docx(src, report.findings, tmp_path / "once.docx")
    twice = annotate_docx(once, report.findings, tmp_path / "twice.docx")
    comments = _comments(twice.read_bytes())
    assert sorted(comments) == [0, 1, 2, 3]
    assert sorted(_ranges(twice.read_bytes()).values()) == ["再接再励", "再接再励", "布署", "布署"]


def test_annotate_refuses_to_overwrite_its_input(tmp_path, make_docx):
    from speechkit.errors import InputFileError

    src = make_docx(tmp_path / "a.docx", body=["布署"])
    with pytest.raises(InputFileError):
        annotate_docx(src, check(src).findings, src)


def test_annotated_footnote_comment(tmp_path, make_docx):
    src = make_docx(tmp_path / "n.docx", body=["正文"], footnotes=["脚注里布署了"])
    report = check(src)
    out = annotate_docx(src, report.findings, tmp_path / "n-out.docx")
    assert list(_ranges(out.read_bytes(), "word/footnotes.xml").values()) == ["布署"]


def _soffice():
    import shutil

    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.soffice
@pytest.mark.skipif(_soffice() is None, reason="未安装 LibreOffice（soffice），跳过渲染测试")
def test_annotated_rendered_speech_opens_in_libreoffice(tmp_path):
    import subprocess

    from tests.conftest import PROFILES, TEMPLATES

    from speechkit.engine import Template
    from speechkit.profiles import load_profile
    from speechkit.typeset.pdf import convert_to_pdf

    profile = load_profile(PROFILES / "towns" / "donghu.yaml")
    src = tmp_path / "动员讲话.docx"
    Template(TEMPLATES / "动员讲话.docx").save(profile.context(), src)
    from speechkit.check.model import Finding, TextLocation

    blocks = [b for b in read_document(src).blocks if b.part == "body" and len(b.text) > 10][:3]
    findings = [
        Finding(
            "demo.rule",
            "typo",
            "error",
            "演示批注",
            b.text[2:6],
            None,
            TextLocation("body", b.index, 2, 6),
        )
        for b in blocks
    ]
    out = annotate_docx(src, findings, tmp_path / "批注.docx")
    assert sorted(_ranges(out.read_bytes()).values()) == sorted(b.text[2:6] for b in blocks)
    assert len(_comments(out.read_bytes())) == 3
    pdf = convert_to_pdf(out, tmp_path / "pdf")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "同志们" in text
    # LibreOffice reads the comments: converted to ODT (own throw-away profile, like
    # convert_to_pdf), every comment is an office:annotation by "speechkit"
    import tempfile

    with tempfile.TemporaryDirectory(prefix="sk-lo-") as profile_dir:
        subprocess.run(
            [
                _soffice(),
                f"-env:UserInstallation=file://{profile_dir}",
                "--headless",
                "--norestore",
                "--convert-to",
                "odt",
                "--outdir",
                str(tmp_path / "odt"),
                str(out),
            ],
            capture_output=True,
            timeout=180,
            check=True,
        )
    content = zipfile.ZipFile(tmp_path / "odt" / "批注.odt").read("content.xml").decode()
    assert content.count("<office:annotation ") + content.count("<office:annotation>") == 3
    assert content.count("<dc:creator>speechkit</dc:creator>") == 3
    assert content.count("演示批注") == 3


def test_findings_rebuilt_from_json_still_show_rule_names():
    from speechkit.check.model import Finding, TextLocation
    from speechkit.check.names import finding_name

    report = check_text("工作己经展开，要以身做则")
    for f in report.findings:
        data = f.to_dict()
        rebuilt = Finding(**{**data, "location": TextLocation(**data["location"])})
        assert finding_name(rebuilt) == f.name != f.rule
