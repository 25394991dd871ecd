"""Builders for the engine tests: small .docx templates made with python-docx, text read-back."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

Para = str | list[str]


def _fill_paragraph(p, para: Para) -> None:
    """Write ``para`` into paragraph ``p``; a list gives one run per item (a split tag)."""
    runs = [para] if isinstance(para, str) else para
    for i, text in enumerate(runs):
        run = p.add_run(text)
        if i % 2:
            run.bold = True  # alternate formatting so Word-like splits really differ


def build_docx(
    path: Path,
    body: list[Para] | None = None,
    *,
    table: list[list[str]] | None = None,
    after_table: list[Para] | None = None,
    header: list[Para] | None = None,
    footer: list[Para] | None = None,
    style: str | None = None,
) -> Path:
    """Build a template: body paragraphs, then an optional table and paragraphs after it."""
    d = docx.Document()
    for para in body or []:
        _fill_paragraph(d.add_paragraph(style=style), para)
    if table is not None:
        t = d.add_table(rows=len(table), cols=max(len(r) for r in table))
        t.style = "Table Grid"
        for r, row in enumerate(table):
            for c, text in enumerate(row):
                t.cell(r, c).text = text
    for para in after_table or []:
        _fill_paragraph(d.add_paragraph(), para)
    section = d.sections[0]
    if header is not None:
        section.header.paragraphs[0].text = ""
        for i, para in enumerate(header):
            p = section.header.paragraphs[0] if i == 0 else section.header.add_paragraph()
            _fill_paragraph(p, para)
    if footer is not None:
        for i, para in enumerate(footer):
            p = section.footer.paragraphs[0] if i == 0 else section.footer.add_paragraph()
            _fill_paragraph(p, para)
    d.save(path)
    return path


def _para_text(p_el) -> str:
    """Text of a ``<w:p>`` with ``<w:br/>`` as newline and ``<w:tab/>`` as tab."""
    out = []
    for el in p_el.iter(qn("w:t"), qn("w:br"), qn("w:tab")):
        if el.tag == qn("w:t"):
            out.append(el.text or "")
        elif el.tag == qn("w:br"):
            out.append("\n")
        else:
            out.append("\t")
    return "".join(out)


def doc_lines(source: bytes | Path | str, part: str = "body") -> list[str]:
    """Every paragraph's text of a .docx part in document order (table cells included)."""
    d = docx.Document(io.BytesIO(source) if isinstance(source, bytes) else str(source))
    if part == "body":
        root = d.element.body
    elif part == "header":
        root = d.sections[0].header._element
    else:
        root = d.sections[0].footer._element
    return [_para_text(p) for p in root.iter(qn("w:p"))]


def table_rows(source: bytes | Path) -> list[list[str]]:
    """Text of each cell of the first table."""
    d = docx.Document(io.BytesIO(source) if isinstance(source, bytes) else str(source))
    return [[c.text for c in row.cells] for row in d.tables[0].rows]


@pytest.fixture
def make_template(tmp_path: Path) -> Callable[..., Path]:
    """``make_template(body=[...], table=..., header=..., name="t.docx") -> Path``."""

    def make(*args, name: str = "t.docx", **kwargs) -> Path:
        return build_docx(tmp_path / name, *args, **kwargs)

    return make


@pytest.fixture
def lines() -> Callable[..., list[str]]:
    return doc_lines


@pytest.fixture
def rows() -> Callable[..., list[list[str]]]:
    return table_rows


def make_png(width: int = 40, height: int = 20) -> bytes:
    """A real (solid red) PNG of the given pixel size."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def make_jpeg(width: int = 30, height: int = 60) -> bytes:
    """A JPEG header (JFIF, 72 dpi) that image readers size correctly; no scan data."""
    import struct

    app0 = b"JFIF\x00\x01\x01\x01" + struct.pack(">HH", 72, 72) + b"\x00\x00"
    sof = struct.pack(">BHHB", 8, height, width, 1) + b"\x01\x11\x00"
    return (
        b"\xff\xd8"
        + b"\xff\xe0" + struct.pack(">H", len(app0) + 2) + app0
        + b"\xff\xc0" + struct.pack(">H", len(sof) + 2) + sof
        + b"\xff\xd9"
    )  # fmt: skip


def numbered_subdoc(path, fmt: str) -> None:
    """A .docx whose two paragraphs are a list of its own (numbering format ``fmt``)."""
    d = docx.Document()
    numbering = d.part.numbering_part.element
    abstract = numbering.makeelement(qn("w:abstractNum"), {qn("w:abstractNumId"): "90"})
    lvl = abstract.makeelement(qn("w:lvl"), {qn("w:ilvl"): "0"})
    for tag, val in (("w:start", "1"), ("w:numFmt", fmt), ("w:lvlText", "（%1）")):
        lvl.append(lvl.makeelement(qn(tag), {qn("w:val"): val}))
    abstract.append(lvl)
    numbering.insert(0, abstract)
    num = numbering.makeelement(qn("w:num"), {qn("w:numId"): "1"})
    num.append(num.makeelement(qn("w:abstractNumId"), {qn("w:val"): "90"}))
    for old in numbering.findall(qn("w:num")):
        if old.get(qn("w:numId")) == "1":
            numbering.remove(old)
    numbering.append(num)
    for text in ("第一项", "第二项"):
        p = d.add_paragraph(text)
        ppr = p._p.get_or_add_pPr()
        numpr = ppr.makeelement(qn("w:numPr"), {})
        numpr.append(numpr.makeelement(qn("w:ilvl"), {qn("w:val"): "0"}))
        numpr.append(numpr.makeelement(qn("w:numId"), {qn("w:val"): "1"}))
        ppr.append(numpr)
    d.save(path)
