"""Word templates (.dotx) and macro-enabled documents (.docm) are read everywhere a .docx is;
``render`` of a .dotx or a .docm writes a real .docx (the document content type, as Word's
“new from template” does; see test_rendering_a_macro_template_gives_a_valid_docx.py)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from speechkit.docx.package import DOCUMENT_TYPE, MAIN_TYPES, open_docx
from tests.document.builders import replace_members, two_section_document

TEMPLATE_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
MACRO_TYPE = "application/vnd.ms-word.document.macroEnabled.main+xml"


def _retyped(tmp_path: Path, name: str, content_type: str) -> Path:
    src = two_section_document(tmp_path / "src.docx", header2="××镇 {{ leader }}", cell="格")
    path = tmp_path / name
    path.write_bytes(
        replace_members(
            src.read_bytes(),
            {},
            edit={"[Content_Types].xml": lambda s: s.replace(DOCUMENT_TYPE, content_type)},
        )
    )
    assert content_type in zipfile.ZipFile(path).read("[Content_Types].xml").decode()
    return path


def _main_type(path: Path) -> str:
    return open_docx(path).main_type


def test_template_types_are_known():
    assert MAIN_TYPES[TEMPLATE_TYPE] == DOCUMENT_TYPE
    assert MAIN_TYPES[MACRO_TYPE] == MACRO_TYPE


@pytest.mark.parametrize(("name", "ctype"), [("通知.dotx", TEMPLATE_TYPE), ("宏.docm", MACRO_TYPE)])
def test_render_of_a_dotx_or_docm_writes_a_document(cli, tmp_path, name, ctype):
    template = _retyped(tmp_path, name, ctype)
    data = tmp_path / "d.yaml"
    data.write_text("leader: 王书记\nsecretary: 李\n", encoding="utf-8")
    out = tmp_path / "通知.docx"
    result = cli("render", str(template), "--data", str(data), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert _main_type(out) == DOCUMENT_TYPE
    assert ctype not in zipfile.ZipFile(out).read("[Content_Types].xml").decode()
    assert "王书记" in zipfile.ZipFile(out).read("word/header2.xml").decode()
    checked = cli("format-check", str(out))
    assert checked.exit_code in (0, 1) and "内部结构已损坏" not in checked.stdout + checked.stderr


@pytest.mark.parametrize(("name", "ctype"), [("通知.dotx", TEMPLATE_TYPE), ("宏.docm", MACRO_TYPE)])
def test_check_template_check_and_format_check_read_it(cli, tmp_path, name, ctype):
    path = _retyped(tmp_path, name, ctype)
    result = cli("check", str(path))
    assert result.exit_code == 1 and "页眉2 第1段" in result.stdout, result.stderr
    result = cli("template", "check", str(path))
    assert result.exit_code == 0, result.stderr
    result = cli("format-check", str(path))
    assert result.exit_code == 1 and "页眉2 第1段" in result.stdout, result.stderr
    assert "损坏" not in result.stdout + result.stderr


def test_annotated_copy_of_a_dotx_is_a_document(cli, tmp_path):
    path = _retyped(tmp_path, "通知.dotx", TEMPLATE_TYPE)
    out = tmp_path / "批注.docx"
    result = cli("check", str(path), "--format", "docx", "-o", str(out))
    assert result.exit_code == 1, result.stderr
    assert _main_type(out) == DOCUMENT_TYPE
    assert b"speechkit" in zipfile.ZipFile(out).read("word/comments.xml")
