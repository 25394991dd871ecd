"""No source markup reaches a document: a title's line break (a trailing backslash) or Markdown
marks in a .txt source would print as they are (the 2026 speech once had “学习教育\\” as title)."""

from __future__ import annotations

import io

import pytest
from docx import Document

from speechkit import campaigns

PACKS = [p for p in campaigns.list_packs() if p.shipped]


@pytest.mark.parametrize("pack", PACKS, ids=[p.id for p in PACKS])
def test_built_templates_hold_no_source_markup(pack):
    for doc in pack.documents:
        document = Document(io.BytesIO((pack.templates_dir / doc.template).read_bytes()))
        texts = [p.text for p in document.paragraphs]
        texts += [c.text for t in document.tables for row in t.rows for c in row.cells]
        for text in texts:
            assert not text.rstrip().endswith("\\"), (doc.template, text)
            assert "**" not in text and not text.startswith(("# ", "## ", "### ")), (
                doc.template,
                text,
            )
