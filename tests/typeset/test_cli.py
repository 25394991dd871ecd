"""The typeset, format-check and pdf commands through the real CLI entry point."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from docx import Document

from tests.conftest import SEED, TEMPLATES, run_cli


def test_typeset_seed_writes_a_laid_out_document(tmp_path):
    out = tmp_path / "讲话.docx"
    result = run_cli(
        "typeset", SEED, "-o", out, "--title", "在东湖镇先进性教育活动动员大会上的讲话"
    )
    assert result.exit_code == 0, result.output
    assert "已生成" in result.stdout and "各级标题 13 个" in result.stdout
    assert "一级标题" in result.stderr and "seed.txt:第4行" in result.stderr
    doc = Document(str(out))
    assert doc.paragraphs[0].style.name == "Title"
    assert doc.paragraphs[1].text == ""  # one blank line under the title block
    # The seed's first line (a preview ending in "...") is kept, and the author is told.
    assert doc.paragraphs[2].text.endswith("和大家讲几点...")
    assert "第1行" in result.stderr and "--drop-preview" in result.stderr
    assert doc.paragraphs[3].text == "同志们："


def test_typeset_drops_the_preview_line_only_when_asked(tmp_path):
    out = tmp_path / "讲话.docx"
    result = run_cli("typeset", SEED, "-o", out, "--title", "讲话", "--drop-preview")
    assert result.exit_code == 0, result.output
    assert "第1行" in result.stderr and "已按要求略去" in result.stderr
    texts = [p.text for p in Document(str(out)).paragraphs]
    assert texts[:3] == ["讲话", "", "同志们："]
    assert not any(t.endswith("讲几点...") for t in texts)


def test_typeset_refuses_an_empty_text(tmp_path):
    for content in (b"", b"\n \r\n\xe3\x80\x80\n", b"\xef\xbb\xbf"):
        src = tmp_path / "e.txt"
        src.write_bytes(content)
        out = tmp_path / "e.docx"
        result = run_cli("typeset", src, "-o", out)
        assert result.exit_code == 2, result.output
        assert "e.txt" in result.stderr and "空的" in result.stderr
        assert not out.exists()


def test_typeset_refuses_to_overwrite_without_force(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("标题\n正文。\n", encoding="utf-8")
    out = tmp_path / "a.docx"
    out.write_bytes(b"keep me")
    result = run_cli("typeset", src, "-o", out)
    assert result.exit_code == 2
    assert "a.docx" in result.stderr and "--force" in result.stderr
    assert out.read_bytes() == b"keep me"
    assert run_cli("typeset", src, "-o", out, "--force").exit_code == 0
    assert Document(str(out)).paragraphs[0].text == "标题"


def test_typeset_reads_gbk_text(tmp_path):
    src = tmp_path / "gbk.txt"
    src.write_bytes("关于工作的讲话\n同志们：\n一、总体要求\n".encode("gbk"))
    out = tmp_path / "gbk.docx"
    assert run_cli("typeset", src, "-o", out).exit_code == 0
    assert [p.text for p in Document(str(out)).paragraphs][:3] == ["关于工作的讲话", "", "同志们："]


def test_typeset_bad_inputs_exit_2_with_located_messages(tmp_path):
    missing = run_cli("typeset", tmp_path / "无.txt", "-o", tmp_path / "x.docx")
    assert missing.exit_code == 2 and "无.txt" in missing.stderr and "不存在" in missing.stderr
    binary = tmp_path / "b.txt"
    binary.write_bytes(b"PK\x03\x04\x00\x00binary")
    result = run_cli("typeset", binary, "-o", tmp_path / "x.docx")
    assert result.exit_code == 2 and "b.txt" in result.stderr
    assert "Traceback" not in result.output
    wrong = run_cli("typeset", SEED, "-o", tmp_path / "x.txt")
    assert wrong.exit_code == 2 and ".docx" in wrong.stderr
    assert not (tmp_path / "x.docx").exists()


def test_format_check_exit_codes_and_text_output(tmp_path):
    ok = run_cli("format-check", TEMPLATES / "动员讲话.docx", TEMPLATES / "实施方案.docx")
    assert ok.exit_code == 0, ok.output
    assert ok.stdout.count("版式符合 GB/T 9704") == 2
    plain = tmp_path / "plain.docx"
    document = Document()
    document.add_paragraph("正文")
    document.save(str(plain))
    bad = run_cli("format-check", plain, TEMPLATES / "动员讲话.docx")
    assert bad.exit_code == 1
    assert "处不符合 GB/T 9704" in bad.stdout and "上页边距" in bad.stdout


def test_format_check_json(tmp_path):
    plain = tmp_path / "plain.docx"
    Document().save(str(plain))
    result = run_cli("format-check", "--format", "json", plain, TEMPLATES / "党性分析评议表.docx")
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    assert [item["ok"] for item in payload] == [False, True]
    rules = {d["rule"] for d in payload[0]["departures"]}
    assert {"page.size", "grid.type", "footer.even_odd"} <= rules
    assert payload[0]["departures"][0]["message"]


def test_format_check_not_a_docx_exits_2(tmp_path):
    bad = tmp_path / "bad.docx"
    bad.write_text("x", encoding="utf-8")
    result = run_cli("format-check", bad)
    assert result.exit_code == 2 and "bad.docx" in result.stderr
    assert "Traceback" not in result.output


def test_pdf_without_libreoffice_says_so(tmp_path, monkeypatch):
    import speechkit.typeset.pdf as pdf

    monkeypatch.setattr(pdf, "soffice_path", lambda: None)
    result = run_cli("pdf", TEMPLATES / "动员讲话.docx", "-o", tmp_path)
    assert result.exit_code == 2
    assert "LibreOffice" in result.stderr and "安装" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_pdf_missing_input_exits_2(tmp_path):
    result = run_cli("pdf", tmp_path / "无.docx")
    assert result.exit_code == 2 and "无.docx" in result.stderr


def test_help_is_chinese():
    for command in ("typeset", "format-check", "pdf"):
        result = run_cli(command, "--help")
        assert result.exit_code == 0
        assert "用法：" in result.stdout and "选项：" in result.stdout


def _bad_inputs(tmp_path):
    rand = tmp_path / "rand.docx"
    rand.write_bytes(bytes(range(256)) * 16)
    empty = tmp_path / "empty.docx"
    empty.write_bytes(b"")
    text = tmp_path / "s1.txt"
    text.write_text("同志们：\n正文。\n", encoding="utf-8")
    return rand, empty, text


def test_pdf_refuses_what_is_not_a_word_document_before_soffice(tmp_path, monkeypatch):
    import speechkit.typeset.pdf as pdf

    calls = []
    monkeypatch.setattr(pdf.subprocess, "run", lambda *a, **k: calls.append(a))
    out = tmp_path / "pdfs"
    for bad in _bad_inputs(tmp_path):
        result = run_cli("pdf", bad, "-o", out)
        assert result.exit_code == 2, result.output
        assert bad.name in result.stderr and "Word" in result.stderr
        assert "zip" not in result.stderr.lower() and "Traceback" not in result.output
    several = run_cli("pdf", *_bad_inputs(tmp_path), "-o", out)
    assert several.exit_code == 2
    assert "3 个文件无法转换" in several.stderr and "空的" in several.stderr
    assert calls == [] and not any(out.glob("*.pdf"))


def test_pdf_refuses_to_overwrite_an_existing_pdf_without_force(tmp_path, monkeypatch):
    import speechkit.typeset.pdf as pdf

    made = []

    class FakeConverter:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return None

        def convert_many(self, items):
            out = []
            for path, out_dir in items:
                made.append(path)
                out.append(pdf.Converted(path, Path(out_dir) / (path.stem + ".pdf")))
            return out

    monkeypatch.setattr(pdf, "soffice_path", lambda: "/usr/bin/soffice")
    monkeypatch.setattr(pdf, "Converter", FakeConverter)
    monkeypatch.setattr(pdf, "stand_ins", lambda path: [])
    existing = tmp_path / "动员讲话.pdf"
    existing.write_bytes(b"%PDF-old")
    result = run_cli("pdf", TEMPLATES / "动员讲话.docx", "-o", tmp_path)
    assert result.exit_code == 2 and "--force" in result.stderr and "动员讲话.pdf" in result.stderr
    assert existing.read_bytes() == b"%PDF-old" and made == []
    forced = run_cli("pdf", TEMPLATES / "动员讲话.docx", "-o", tmp_path, "--force")
    assert forced.exit_code == 0, forced.output
    assert [p.name for p in made] == ["动员讲话.docx"]


def test_format_check_reports_every_file_and_exits_2_when_one_is_unreadable(tmp_path):
    rand, empty, text = _bad_inputs(tmp_path)
    nodoc = tmp_path / "nodoc.docx"
    with zipfile.ZipFile(nodoc, "w") as zf:
        zf.writestr("a.txt", "x")
    good = TEMPLATES / "动员讲话.docx"
    result = run_cli("format-check", rand, nodoc, tmp_path / "nosuch.docx", good)
    assert result.exit_code == 2
    for name in ("rand.docx", "nodoc.docx", "nosuch.docx"):
        assert name in result.stderr
    assert "没有正文部分" in result.stderr and "文件不存在" in result.stderr
    assert "版式符合 GB/T 9704" in result.stdout  # the readable file was still checked
    assert "无法读取 3 个" in result.stdout
    for word in ("AttributeError", "zip", "no item"):
        assert word not in result.output
    payload = json.loads(run_cli("format-check", "--format", "json", rand, good).stdout)
    assert payload[0]["error"] and "Word" in payload[0]["error"] and payload[1]["ok"]


def test_format_check_speaks_plain_chinese_not_xml(tmp_path):
    plain = tmp_path / "plain.docx"
    Document().save(str(plain))
    result = run_cli("format-check", plain)
    assert result.exit_code == 1
    for xml_word in ("default", "linesAndChars", "center", "zh-CN", "exact", "auto"):
        assert xml_word not in result.stdout, xml_word
    assert "未设置文档网格" in result.stdout and "无网格" in result.stdout
