"""The check page takes the formats secretaries have: a .doc is read through LibreOffice and
still gets an annotated .docx."""

from __future__ import annotations

import io

import pytest
from tests.conftest import requires_soffice, soffice_convert
from tests.templatize.conftest import docx_bytes


@requires_soffice
@pytest.mark.soffice
def test_a_doc_upload_is_checked_and_annotated(client, csrf_of, tmp_path):
    source = tmp_path / "讲话.docx"
    source.write_bytes(docx_bytes(["同志们：", "今天，我们召开××镇动员大会。"]))
    doc = soffice_convert(source, "doc", tmp_path)
    token = csrf_of(client)
    page = client.post(
        "/check",
        data={
            "csrf_token": token,
            "draft": (io.BytesIO(doc.read_bytes()), "讲话.doc"),
        },
        content_type="multipart/form-data",
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 200, html
    assert "已用 LibreOffice 转换后检查" in html
    assert "××" in html and "下载带批注的 Word 文档" in html


def test_an_unknown_format_is_refused_in_the_pages_words(client, csrf_of):
    token = csrf_of(client)
    page = client.post(
        "/check",
        data={"csrf_token": token, "draft": (io.BytesIO(b"x"), "图片.png")},
        content_type="multipart/form-data",
    )
    assert page.status_code == 400 and "只能检查 Word/WPS 文档" in page.get_data(as_text=True)
