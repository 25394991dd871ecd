"""Hostile Word packages are refused while they are read, with a located Chinese message and
exit code 2 in every command: zip bombs, too many entries or paragraphs, deep XML, a broken,
missing or DTD-carrying ``[Content_Types].xml``."""

from __future__ import annotations

import functools
import io
import re
import tempfile
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from speechkit.docx import package as pkg
from speechkit.docx import safexml
from speechkit.docx.package import open_docx
from speechkit.engine import Template
from speechkit.errors import InputFileError
from tests.document.builders import replace_members, two_section_document

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
BAD_TYPES = {
    "not XML": b"<Types",
    "DTD": (
        b'<?xml version="1.0"?><!DOCTYPE Types [<!ENTITY x "y">]>'
        b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
    ),
}


def _document(tmp_path: Path, name: str = "正常.docx") -> bytes:
    return two_section_document(tmp_path / name, header2="页眉", cell="格").read_bytes()


def _document_xml(body: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}"><w:body>{body}'
        "</w:body></w:document>"
    ).encode()


def _commands(path: Path, tmp_path: Path) -> list[tuple[str, ...]]:
    return [
        ("render", str(path), "--data", str(_data(tmp_path)), "-o", str(tmp_path / "out.docx")),
        ("template", "check", str(path)),
        ("check", str(path)),
        ("check", str(path), "--format", "docx", "-o", str(tmp_path / "批注.docx")),
        ("format-check", str(path)),
    ]


def _data(tmp_path: Path) -> Path:
    data = tmp_path / "data.yaml"
    data.write_text("leader: 王\n", encoding="utf-8")
    return data


def _assert_refused(cli, path: Path, tmp_path: Path, words: str, only=None) -> None:
    for args in _commands(path, tmp_path):
        if only is not None and args[0] not in only:
            continue
        result = cli(*args)
        assert result.exit_code == 2, (args, result.stderr)
        assert words in result.stderr, (args, result.stderr)
        assert path.name in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out.docx").exists() and not (tmp_path / "批注.docx").exists()


@pytest.mark.parametrize("kind", sorted(BAD_TYPES))
def test_broken_content_types_are_refused_by_every_command(cli, tmp_path, kind):
    path = tmp_path / "坏类型.docx"
    path.write_bytes(replace_members(_document(tmp_path), {"[Content_Types].xml": BAD_TYPES[kind]}))
    words = "不是合法的 XML" if kind == "not XML" else "DTD"
    _assert_refused(cli, path, tmp_path, words)


def test_missing_content_types_are_refused_by_every_command(cli, tmp_path):
    data = _document(tmp_path)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            if info.filename != "[Content_Types].xml":
                zout.writestr(info, zin.read(info))
    path = tmp_path / "无类型.docx"
    path.write_bytes(out.getvalue())
    _assert_refused(cli, path, tmp_path, "缺少内容类型表")


def test_more_than_65535_entries_is_a_message_not_a_struct_error(cli, tmp_path):
    path = tmp_path / "很多文件.docx"
    path.write_bytes(_document(tmp_path))
    with zipfile.ZipFile(path, "a") as zf:
        for i in range(65_600):
            zf.writestr(f"customXml/item{i}.bin", b"")
    # render once wrote such a package and failed in struct.pack; check reads it
    _assert_refused(cli, path, tmp_path, f"超过上限 {pkg.MAX_ENTRIES}", only=("render", "check"))


def test_zip_bomb_stops_at_the_limit_without_inflating_it_all(tmp_path, monkeypatch):
    monkeypatch.setattr(pkg, "MAX_TOTAL_BYTES", 8 * 1024 * 1024)
    path = tmp_path / "炸弹.docx"
    path.write_bytes(_document(tmp_path))
    with (
        zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf,
        zf.open("word/media/a.png", "w") as fh,
    ):
        for _ in range(64):
            fh.write(bytes(1024 * 1024))  # 64 MB of zeros, about 64 KB compressed
    tracemalloc.start()
    try:
        with pytest.raises(
            InputFileError, match=r"解压后超过 8 MB（读到 word/media/a.png 时超出）"
        ):
            open_docx(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 * 1024 * 1024  # stopped while reading, not after inflating 64 MB


def test_millions_of_paragraphs_are_refused_while_reading(cli, tmp_path):
    body = "<w:p/>" * (safexml.MAX_PARAGRAPHS + 10)
    path = tmp_path / "段落炸弹.docx"
    path.write_bytes(
        replace_members(_document(tmp_path), {"word/document.xml": _document_xml(body)})
    )
    assert path.stat().st_size < 100_000
    _assert_refused(cli, path, tmp_path, f"{safexml.MAX_PARAGRAPHS} 个段落")


def test_paragraphs_under_an_unusual_prefix_are_counted_by_the_parser():
    body = f'<x:p xmlns:x="{W}"/>' * 50
    budget = safexml.Budget(paragraphs=40)
    with pytest.raises(InputFileError, match="段落超过"):
        safexml.parse_part(_document_xml(body), "word/document.xml", "a.docx", budget)


def test_deep_xml_is_refused(cli, tmp_path):
    deep = "<w:sdt><w:sdtContent>" * 200 + "<w:p/>" + "</w:sdtContent></w:sdt>" * 200
    path = tmp_path / "深.docx"
    path.write_bytes(
        replace_members(_document(tmp_path), {"word/document.xml": _document_xml(deep)})
    )
    result = cli("check", str(path))
    assert result.exit_code == 2 and f"嵌套超过 {safexml.MAX_DEPTH} 层" in result.stderr
    assert "深.docx" in result.stderr
    result = cli("template", "check", str(path))
    assert result.exit_code == 2 and "嵌套超过" in result.stderr


def test_an_ordinary_document_keeps_its_xml_and_not_its_media(tmp_path):
    path = tmp_path / "a.docx"
    path.write_bytes(_document(tmp_path))
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr("word/media/image1.png", b"\x89PNG" + bytes(1000))
    package = open_docx(path)
    assert package.main_part == "word/document.xml"
    assert {"word/document.xml", "word/footnotes.xml", "[Content_Types].xml"} <= set(package.xml)
    assert "word/media/image1.png" not in package.xml


@functools.cache
def _small_docx() -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = two_section_document(Path(folder) / "a.docx", header2="页眉", cell="格")
        return path.read_bytes()


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_a_damaged_package_is_read_or_refused_in_chinese(data):
    from speechkit.check.sources import docx_blocks

    damaged = bytearray(_small_docx())
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, len(damaged) - 1))
        damaged[at] = data.draw(st.integers(0, 255))
    try:
        docx_blocks(bytes(damaged), "坏.docx")
    except InputFileError as exc:
        assert "坏.docx" in str(exc) and re.search(r"[\u4e00-\u9fff]", exc.message)


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_a_damaged_package_never_escapes_as_a_traceback(data):
    from speechkit.errors import SpeechkitError
    from speechkit.typeset.check import format_check

    damaged = bytearray(_small_docx())
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, len(damaged) - 1))
        damaged[at] = data.draw(st.integers(0, 255))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "坏.docx"
        path.write_bytes(bytes(damaged))
        for step in (lambda: Template(path).render({"leader": "甲", "secretary": "乙"}),
                     lambda: format_check(path)):  # fmt: skip
            try:
                step()
            except SpeechkitError as exc:
                assert "坏.docx" in str(exc), str(exc)
