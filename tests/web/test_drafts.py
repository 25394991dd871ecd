"""Checking an uploaded draft through the test client: report in place, nothing kept."""

from __future__ import annotations

import base64
import io
import re
import tempfile
from html import unescape

import pytest


def _docx_bytes(*paragraphs: str) -> bytes:
    from docx import Document

    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


@pytest.fixture
def private_tmp(tmp_path, monkeypatch):
    """Point tempfile at an empty folder so leftovers of a request can be seen."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def _post(client, csrf_of, data: bytes, name: str, **form):
    token = csrf_of(client)
    return client.post(
        "/check",
        data={"csrf_token": token, "draft": (io.BytesIO(data), name), **form},
        content_type="multipart/form-data",
    )


def test_docx_report_and_annotated_copy_in_the_page(client, csrf_of, private_tmp, output_dir):
    from docx import Document

    data = _docx_bytes("同志们：", "会后,***要抓好落实。")
    resp = _post(client, csrf_of, data, "动员讲话草稿.docx")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert re.search(r'<mark class="sev-error[^"]*"[^>]*>\*\*\*</mark>', html)
    assert "data-sev" in html  # the severity filter is there
    assert "<iframe" not in html  # the report is the page itself
    # the findings come before the text; the rule id only in a tooltip
    assert html.index('id="findings"') < html.index('id="doc-text"')
    assert 'title="规则编号：placeholder.stars">占位符</span>' in html
    b64 = re.search(r'data-b64="([^"]+)"', html).group(1)
    annotated = Document(io.BytesIO(base64.b64decode(b64)))
    assert any("***" in p.text for p in annotated.paragraphs)
    assert annotated.part.package.part_related_by is not None
    # nothing of the upload is left behind, nothing written to output/
    assert list(private_tmp.iterdir()) == []
    assert list(output_dir.iterdir()) == []


def test_keep_saves_the_annotated_copy_without_overwriting(client, csrf_of, output_dir):
    data = _docx_bytes("会后,***要抓好落实。")
    for _ in range(2):
        resp = _post(client, csrf_of, data, "讲话.docx", keep="1")
        assert resp.status_code == 200
    saved = sorted(p.name for p in (output_dir / "检查").iterdir())
    assert saved == ["批注-讲话-2.docx", "批注-讲话.docx"]
    assert 'href="/files/%E6%A3%80%E6%9F%A5/' in resp.get_data(as_text=True)


def test_txt_draft_is_checked_without_annotated_copy(client, csrf_of, private_tmp):
    resp = _post(client, csrf_of, "会后,***要抓好落实。".encode(), "讲话.txt")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "共发现" in html and 'id="annotated-download"' not in html
    assert list(private_tmp.iterdir()) == []


def test_gbk_text_is_read(client, csrf_of):
    resp = _post(client, csrf_of, "会后,***要抓好落实。".encode("gbk"), "讲话.txt")
    assert resp.status_code == 200
    assert "抓好落实" in resp.get_data(as_text=True)


def test_unknown_document_type_is_refused(client, csrf_of):
    resp = _post(client, csrf_of, b"text", "a.txt", doc_type="evil")
    assert resp.status_code == 400
    assert "文稿类型无效" in resp.get_data(as_text=True)


def test_checked_against_a_town_profile(client, csrf_of):
    resp = _post(client, csrf_of, "东湖镇共有党员612名。".encode(), "讲话.txt", town="donghu")
    assert resp.status_code == 200
    assert client.post("/check", data={"town": "nosuch"}).status_code == 400  # no token
    resp = _post(client, csrf_of, b"x", "a.txt", town="../city")
    assert resp.status_code == 404


def test_broken_word_xml_gets_the_checkers_message(client, csrf_of, private_tmp):
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document>not closed")
    resp = _post(client, csrf_of, buf.getvalue(), "坏文件.docx")
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert "坏文件.docx" in html and "Traceback" not in html
    assert "speechkit-web-" not in html and str(private_tmp) not in html
    assert list(private_tmp.iterdir()) == []


def test_txt_draft_typeset_then_annotated(client, csrf_of, private_tmp):
    from docx import Document

    text = "关于开展学习教育的讲话\n\n同志们：\n\n会后，***要抓好落实。\n"
    resp = _post(client, csrf_of, text.encode(), "讲话.txt", typeset="1")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert 'download="批注-讲话.docx"' in html
    b64 = re.search(r'data-b64="([^"]+)"', html).group(1)
    annotated = Document(io.BytesIO(base64.b64decode(b64)))
    assert any("***" in p.text for p in annotated.paragraphs)
    assert list(private_tmp.iterdir()) == []


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"PK\x03\x04not really a zip", "坏.docx"),
        (b"\xff\xfe" + "会后".encode("utf-16-le"), "宽.txt"),
        (b"\x00\x01\x02" * 100, "二进制.txt"),
    ],
)
def test_hostile_uploads_get_a_chinese_message_not_500(client, csrf_of, data, name):
    resp = _post(client, csrf_of, data, name)
    assert resp.status_code in (200, 400)
    html = resp.get_data(as_text=True)
    assert "Traceback" not in html and "Internal Server Error" not in html
    if resp.status_code == 400:
        assert name in html


@pytest.mark.parametrize(
    "types",
    [b"<Types", b'<?xml version="1.0"?><!DOCTYPE Types [<!ENTITY x "y">]><Types/>', None],
    ids=["not-xml", "dtd", "missing"],
)
def test_broken_content_types_get_a_message_not_a_server_error(client, csrf_of, types):
    import zipfile

    data = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_docx_bytes("正文"))) as zin, zipfile.ZipFile(data, "w") as zf:
        for info in zin.infolist():
            if info.filename == "[Content_Types].xml":
                if types is not None:
                    zf.writestr(info, types)
            else:
                zf.writestr(info, zin.read(info))
    resp = _post(client, csrf_of, data.getvalue(), "类型表.docx")
    assert resp.status_code == 400
    html = unescape(resp.get_data(as_text=True))
    assert "类型表.docx" in html and "[Content_Types].xml" in html


def test_report_names_a_table_cell_as_every_command_does(client, csrf_of):
    from docx import Document

    doc = Document()
    doc.add_paragraph("正文")
    table = doc.add_table(rows=2, cols=3)
    table.cell(1, 2).text = "××同志"
    buf = io.BytesIO()
    doc.save(buf)
    resp = _post(client, csrf_of, buf.getvalue(), "表格.docx")
    html = unescape(resp.get_data(as_text=True))
    assert "正文 表格1 第2行第3列 第1字" in html
