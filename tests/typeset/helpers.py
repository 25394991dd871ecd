"""Small helpers shared by the typeset tests: build .docx inputs and read outputs back."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from docx import Document
from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
NS = {"w": W[1:-1]}


def part_xml(data: bytes | Path, name: str):
    """Parsed XML of one part (e.g. ``word/styles.xml``) of a .docx given as bytes or a path."""
    raw = data.read_bytes() if isinstance(data, Path) else data
    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        return etree.fromstring(zf.read(name))


def open_docx(data: bytes | Path):
    """python-docx Document from bytes or a path."""
    return Document(io.BytesIO(data) if isinstance(data, bytes) else str(data))


def attr(node, name: str) -> str | None:
    """A ``w:`` attribute of ``node``."""
    return None if node is None else node.get(W + name)


def save(document, path: Path) -> Path:
    """Save a python-docx Document and return the path."""
    document.save(str(path))
    return path


def schema_findings(data: bytes | Path) -> list[str]:
    """openxml-audit's findings (OOXML schema and semantics) for a .docx; [] when valid."""
    import tempfile

    from openxml_audit import OpenXmlValidator

    if isinstance(data, Path):
        return [str(e) for e in OpenXmlValidator().validate(data).errors]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.docx"
        path.write_bytes(data)
        return [str(e) for e in OpenXmlValidator().validate(path).errors]
