"""Fixtures of the check tests: a raw .docx builder (every part, runs, tables, notes)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_NS = f'xmlns:w="{W}" xmlns:r="{R}" xmlns:mc="{MC}"'


def _run(text: str, bold: bool = False) -> str:
    rpr = "<w:rPr><w:b/></w:rPr>" if bold else ""
    pieces = []
    for i, chunk in enumerate(text.split("\t")):
        if i:
            pieces.append("<w:tab/>")
        if chunk:
            pieces.append(f'<w:t xml:space="preserve">{escape(chunk)}</w:t>')
    return f"<w:r>{rpr}{''.join(pieces)}</w:r>"


def _para(item) -> str:
    """A paragraph from a string, or a list of strings / (text, bold) runs."""
    if isinstance(item, str):
        item = [item]
    runs = []
    for run in item:
        if isinstance(run, tuple):
            runs.append(_run(*run))
        else:
            runs.append(_run(run))
    return f"<w:p>{''.join(runs)}</w:p>"


def _block(item) -> str:
    """A paragraph, a table given as {"table": [[cell, ...], ...]} (cell: list of paragraphs),
    or raw XML given as {"xml": "<w:p>...</w:p>"}."""
    if isinstance(item, dict) and "xml" in item:
        return item["xml"]
    if isinstance(item, dict):
        rows = []
        for row in item["table"]:
            cells = []
            for cell in row:
                paras = cell if isinstance(cell, list) else [cell]
                cells.append("<w:tc>" + "".join(_para(p) for p in paras) + "</w:tc>")
            rows.append("<w:tr>" + "".join(cells) + "</w:tr>")
        return "<w:tbl>" + "".join(rows) + "</w:tbl>"
    return _para(item)


def build_docx(path: Path, body, header=(), footer=(), footnotes=()) -> Path:
    """Write a minimal but complete .docx with the given body, header, footer and footnotes."""
    overrides = [("/word/document.xml", "document.main+xml")]
    rels = []
    sect = ""
    if header:
        overrides.append(("/word/header1.xml", "header+xml"))
        rels.append(("rIdH", "header", "header1.xml"))
        sect += '<w:headerReference w:type="default" r:id="rIdH"/>'
    if footer:
        overrides.append(("/word/footer1.xml", "footer+xml"))
        rels.append(("rIdF", "footer", "footer1.xml"))
        sect += '<w:footerReference w:type="default" r:id="rIdF"/>'
    if footnotes:
        overrides.append(("/word/footnotes.xml", "footnotes+xml"))
        rels.append(("rIdN", "footnotes", "footnotes.xml"))
    ct = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        + "".join(
            f'<Override PartName="{n}" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.{t}"/>'
            for n, t in overrides
        )
        + "</Types>"
    )
    root_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
        "</Relationships>"
    )
    doc_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(
            f'<Relationship Id="{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/{t}" Target="{tg}"/>'
            for i, t, tg in rels
        )
        + "</Relationships>"
    )
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {_NS}><w:body>'
        + "".join(_block(b) for b in body)
        + f"<w:sectPr>{sect}</w:sectPr></w:body></w:document>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", ct)
        z.writestr("_rels/.rels", root_rels)
        z.writestr("word/_rels/document.xml.rels", doc_rels)
        z.writestr("word/document.xml", document)
        if header:
            z.writestr(
                "word/header1.xml",
                f"<w:hdr {_NS}>" + "".join(_block(b) for b in header) + "</w:hdr>",
            )
        if footer:
            z.writestr(
                "word/footer1.xml",
                f"<w:ftr {_NS}>" + "".join(_block(b) for b in footer) + "</w:ftr>",
            )
        if footnotes:
            notes = (
                '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
                '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
            )
            for i, note in enumerate(footnotes, start=1):
                paras = note if isinstance(note, list) else [note]
                notes += (
                    f'<w:footnote w:id="{i}">' + "".join(_para(p) for p in paras) + "</w:footnote>"
                )
            z.writestr("word/footnotes.xml", f"<w:footnotes {_NS}>{notes}</w:footnotes>")
    path.write_bytes(buf.getvalue())
    return path


@pytest.fixture(scope="session")
def make_docx():
    """The :func:`build_docx` helper."""
    return build_docx


@pytest.fixture(scope="session")
def default_pack():
    """The default rule pack, loaded once."""
    from speechkit.check import load_rules

    return load_rules()
