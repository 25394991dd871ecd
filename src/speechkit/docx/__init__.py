"""The one document layer: every command reads Word packages through this package.

* :mod:`~speechkit.docx.package` — open and validate (.docx, .dotx, .docm, .dotm), bounded;
* :mod:`~speechkit.docx.safexml` — parse one XML part safely, bounded in depth and paragraphs;
* :mod:`~speechkit.docx.parts` — the text parts: body, header N, footer N, footnotes,
  endnotes, comments;
* :mod:`~speechkit.docx.paragraphs` — one iterator over paragraphs with their addresses and
  text with run offsets;
* :mod:`~speechkit.docx.address` — the address scheme and its one printed form.

Names are imported lazily so that importing a submodule stays cheap.
"""

from __future__ import annotations

from speechkit._lazy import lazy_getattr

# File names of Word packages: documents, templates, macro-enabled documents and templates.
WORD_SUFFIXES = (".docx", ".dotx", ".docm", ".dotm")

_LAZY = {
    "Address": "speechkit.docx.address",
    "Cell": "speechkit.docx.address",
    "DocxFile": "speechkit.docx.package",
    "open_docx": "speechkit.docx.package",
    "open_docx_bytes": "speechkit.docx.package",
    "Part": "speechkit.docx.parts",
    "load_parts": "speechkit.docx.parts",
    "Paragraph": "speechkit.docx.paragraphs",
    "iter_paragraphs": "speechkit.docx.paragraphs",
}

__getattr__ = lazy_getattr(__name__, _LAZY)

__all__ = ["WORD_SUFFIXES", *sorted(_LAZY)]
