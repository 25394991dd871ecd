"""The checker's view of a .docx, built on the document layer (:mod:`speechkit.docx`).

Every part with text is read — body, headers, footers, footnotes, endnotes (not comments: they
are reviewers' notes, not the document) — and every paragraph becomes a :class:`Block` with its
:class:`~speechkit.docx.address.Address`, so ``check``, ``annotate`` and the HTML report name a
paragraph exactly as ``render`` and ``format-check`` do. A block's ``index`` counts the
paragraphs of its part kind in reading order (all headers together); it identifies the block
inside one run of the checker and is not printed.
"""

from __future__ import annotations

from collections.abc import Iterator

from speechkit.docx.package import DocxFile
from speechkit.docx.paragraphs import (
    W_P,
    W_R,
    W_RPR,
    W_T,
    iter_paragraphs,
    paragraph_runs,
    paragraph_text,
    run_piece_length,
    run_piece_text,
    run_spans,
)
from speechkit.docx.parts import PKG_REL, Part, load_parts, rels_name
from speechkit.docx.safexml import W_NS as W

CHECKED_KINDS = ("body", "header", "footer", "footnote", "endnote")


def checked_parts(package: DocxFile) -> list[Part]:
    """The parsed parts the checker reads, in reading order (bounded reading)."""
    return [p for p in load_parts(package) if p.kind in CHECKED_KINDS]


def iter_part_paragraphs(parts: list[Part]) -> Iterator[tuple[str, int, object, object]]:
    """Yield (part kind, 1-based index within the kind, ``w:p``, address) for every paragraph."""
    counters: dict[str, int] = {}
    for part in parts:
        for para in iter_paragraphs(part.root, part.kind, part.ref.number):
            counters[part.kind] = counters.get(part.kind, 0) + 1
            yield part.kind, counters[part.kind], para.element, para.address


__all__ = [
    "CHECKED_KINDS",
    "PKG_REL",
    "W",
    "W_P",
    "W_R",
    "W_RPR",
    "W_T",
    "checked_parts",
    "iter_part_paragraphs",
    "paragraph_runs",
    "paragraph_text",
    "rels_name",
    "run_piece_length",
    "run_piece_text",
    "run_spans",
]
