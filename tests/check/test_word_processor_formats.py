"""check reads .doc, .wps, .rtf and .odt through LibreOffice, saying so; without LibreOffice it
says what to do."""

from __future__ import annotations

import pytest
from tests.conftest import requires_soffice, run_cli, soffice_convert
from tests.templatize.conftest import docx_bytes


@requires_soffice
@pytest.mark.soffice
def test_a_doc_draft_is_checked_through_libreoffice(tmp_path):
    source = tmp_path / "讲话.docx"
    source.write_bytes(docx_bytes(["同志们：", "今天，我们召开××镇动员大会。"]))
    doc = soffice_convert(source, "doc", tmp_path)
    result = run_cli("check", doc)
    assert "已用 LibreOffice 转换后检查" in result.stderr
    assert "××" in result.stdout and "讲话.doc" in result.stdout
    assert result.exit_code == 1


def test_without_libreoffice_a_doc_gets_a_clear_message(tmp_path, monkeypatch):
    import speechkit.typeset.pdf as pdf

    monkeypatch.setattr(pdf, "soffice_path", lambda: None)
    doc = tmp_path / "旧文件.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    result = run_cli("check", doc)
    assert result.exit_code == 2 and "LibreOffice" in result.stderr and "另存为" in result.stderr
