"""Opening a Word package: every kind of input that is not one gets a plain-Chinese reason."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from speechkit.docx.package import OLE_MAGIC, docx_problem, open_docx, validate_docx_bytes
from speechkit.errors import InputFileError
from tests.conftest import TEMPLATES

# Library or Python English that must never reach a user.
ENGLISH = re.compile(r"zip file|no item named|Error\b|archive|[A-Za-z]{6,}")


def _zip(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, text in members.items():
            zf.writestr(name, text)
    return buffer.getvalue()


def _plain(message: str) -> bool:
    for allowed in ("word/document.xml", "Word", "docx", "Excel", "PowerPoint", "OpenDocument"):
        message = message.replace(allowed, "")
    return not ENGLISH.search(message)


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "空的"),
        (OLE_MAGIC + b"\x00" * 100, "旧版 Word 文档（.doc）或设置了打开密码"),
        (b"%PDF-1.7\n", "PDF"),
        (b"hello, world\n", "不是有效的 Word 文件"),
        (b"PK\x03\x04" + b"\x00" * 40, "压缩包不完整"),
        (_zip({"a.txt": "x"}), "没有正文部分（word/document.xml）"),
        (_zip({"xl/workbook.xml": "<x/>"}), "Excel"),
    ],
)
def test_every_bad_package_has_a_plain_chinese_reason(data, says, tmp_path):
    path = tmp_path / "x.docx"
    path.write_bytes(data)
    with pytest.raises(InputFileError) as exc:
        open_docx(path)
    message = exc.value.format_message()
    assert says in message and "x.docx" in message
    assert _plain(exc.value.message), message


def test_missing_and_folder(tmp_path):
    with pytest.raises(InputFileError, match="文件不存在"):
        open_docx(tmp_path / "none.docx")
    with pytest.raises(InputFileError, match="文件夹"):
        open_docx(tmp_path)


def test_a_real_docx_opens_and_names_its_main_part():
    package = open_docx(TEMPLATES / "动员讲话.docx")
    assert package.main_part == "word/document.xml"
    with package.zip() as zf:
        assert "word/document.xml" in zf.namelist()


def test_main_part_found_through_the_package_relationships():
    rels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="r1" Target="/word/main.xml" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/officeDocument"/></Relationships>'
    )
    types = '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
    data = _zip({"[Content_Types].xml": types, "_rels/.rels": rels, "word/main.xml": "<w/>"})
    assert docx_problem(data) is None
    assert validate_docx_bytes(data, "m.docx") == "word/main.xml"


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=600))
def test_any_bytes_are_either_a_package_or_a_chinese_reason(data):
    problem = docx_problem(data)
    assert problem is not None  # random bytes are never a Word package
    assert _plain(problem), problem


def test_the_old_module_name_still_opens_packages():
    from speechkit import docxfile

    assert docxfile.open_docx is open_docx and docxfile.docx_problem is docx_problem
