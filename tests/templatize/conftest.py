"""Shared builders for the ``template from`` tests: demo contexts and documents built here."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest

from tests.conftest import PROFILES


@pytest.fixture(scope="session")
def demo_contexts() -> dict[str, dict]:
    """Every demo town's merged context, by town file stem."""
    from speechkit import load_profile

    return {
        path.stem: load_profile(path).context()
        for path in sorted((PROFILES / "towns").glob("*.yaml"))
    }


def docx_bytes(paragraphs: list, table: list[list] | None = None) -> bytes:
    """A .docx of ``paragraphs`` (a str, or a list of (text, bold) runs) and an optional table."""
    document = docx.Document()
    for para in paragraphs:
        p = document.add_paragraph()
        runs = [(para, False)] if isinstance(para, str) else para
        for text, bold in runs:
            p.add_run(text).bold = bold
    if table:
        t = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, text in enumerate(row):
                t.cell(r, c).text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def merge_runs(data: bytes) -> bytes:
    """The same document with each paragraph's text in its first run (as after a copy-paste)."""
    document = docx.Document(io.BytesIO(data))
    for p in document.paragraphs:
        runs = p.runs
        if len(runs) > 1:
            runs[0].text = "".join(r.text for r in runs)
            for r in runs[1:]:
                r._r.getparent().remove(r._r)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def write(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` and return the path."""
    path.write_bytes(data)
    return path
