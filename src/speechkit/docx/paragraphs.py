"""One walk over a part's paragraphs, giving each its :class:`~speechkit.docx.address.Address`
and its text with run offsets.

Paragraphs are visited in document order. Text boxes are read once: Word stores each as
``mc:AlternateContent`` with the box in ``mc:Choice`` and a VML copy in ``mc:Fallback``; the
walk reads the Choice and skips the Fallback (:func:`paragraph_addresses` maps each Fallback
paragraph to its Choice twin, for code that must rewrite both copies). In footnotes, endnotes
and comments each note is numbered (脚注1, 脚注2, … in the order of the part, separators
skipped) and its paragraphs are counted within it.

A paragraph's text is its own runs' ``w:t`` text, ``w:tab`` as a tab and ``w:br``/``w:cr`` as
a newline; deleted text, field instructions and the paragraphs of text boxes anchored in it
are not its text.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from speechkit.docx.address import Address, Cell
from speechkit.docx.safexml import MC_NS, W_NS

W_P = f"{{{W_NS}}}p"
W_R = f"{{{W_NS}}}r"
W_T = f"{{{W_NS}}}t"
W_TAB = f"{{{W_NS}}}tab"
W_BR = f"{{{W_NS}}}br"
W_CR = f"{{{W_NS}}}cr"
W_PPR = f"{{{W_NS}}}pPr"
W_RPR = f"{{{W_NS}}}rPr"
W_TBL = f"{{{W_NS}}}tbl"
W_TR = f"{{{W_NS}}}tr"
W_TC = f"{{{W_NS}}}tc"
W_BODY = f"{{{W_NS}}}body"
MC_ALT = f"{{{MC_NS}}}AlternateContent"
MC_CHOICE = f"{{{MC_NS}}}Choice"
MC_FALLBACK = f"{{{MC_NS}}}Fallback"
_NOTE_KINDS = ("footnote", "endnote", "comment")
_SKIP_NOTE_TYPES = {"separator", "continuationSeparator", "continuationNotice"}


@dataclass(frozen=True)
class Paragraph:
    """One paragraph: its address and its ``w:p`` element."""

    address: Address
    element: object

    @property
    def text(self) -> str:
        """The paragraph's text (see the module docstring)."""
        return paragraph_text(self.element)


class _Counter:
    def __init__(self) -> None:
        self.paragraphs = 0
        self.tables = 0


def _stories(root, kind: str, number: int | None) -> Iterator[tuple[int | None, object]]:
    """(number, element) of each numbered story of a part: one for body/header/footer, one per
    note in footnotes/endnotes/comments."""
    if kind not in _NOTE_KINDS:
        body = root.find(W_BODY) if root.tag == f"{{{W_NS}}}document" else None
        yield number, body if body is not None else root
        return
    n = 0
    for note in root:
        if not isinstance(note.tag, str) or note.get(f"{{{W_NS}}}type") in _SKIP_NOTE_TYPES:
            continue
        n += 1
        yield n, note


def _walk(el, kind, number, cells, counter, out: list, fallbacks: list | None) -> None:
    for child in el:
        tag = child.tag
        if not isinstance(tag, str):
            continue
        if tag == W_P:
            counter.paragraphs += 1
            out.append(Paragraph(Address(kind, number, counter.paragraphs, cells), child))
            _walk(child, kind, number, cells, counter, out, fallbacks)
        elif tag == W_TBL:
            counter.tables += 1
            _walk_table(child, counter.tables, kind, number, cells, out, fallbacks)
        elif tag == MC_ALT:
            _walk_alternate(child, kind, number, cells, counter, out, fallbacks)
        elif tag == MC_FALLBACK:
            continue
        else:
            _walk(child, kind, number, cells, counter, out, fallbacks)


def _walk_alternate(alt, kind, number, cells, counter, out, fallbacks) -> None:
    """Read the first ``mc:Choice``; pair the Fallback's paragraphs with the Choice's."""
    start = len(out)
    choice = next((c for c in alt if c.tag == MC_CHOICE), None)
    if choice is not None:
        _walk(choice, kind, number, cells, counter, out, fallbacks)
    else:  # no Choice: the Fallback is the only copy
        fallback = next((c for c in alt if c.tag == MC_FALLBACK), None)
        if fallback is not None:
            _walk(fallback, kind, number, cells, counter, out, fallbacks)
        return
    if fallbacks is None:
        return
    read = out[start:]
    for c in alt:
        if c.tag != MC_FALLBACK:
            continue
        for i, p in enumerate(c.iter(W_P)):
            if read:
                fallbacks.append(Paragraph(read[min(i, len(read) - 1)].address, p))
            else:
                fallbacks.append(
                    Paragraph(Address(kind, number, max(counter.paragraphs, 1), cells), p)
                )


def _rows(tbl) -> Iterator:
    """The table's rows, also those wrapped in content controls or custom XML (not nested)."""
    for child in tbl:
        if child.tag == W_TR:
            yield child
        elif child.tag not in (W_TBL, W_P) and isinstance(child.tag, str):
            yield from _rows(child)


def _cells(tr) -> Iterator:
    for child in tr:
        if child.tag == W_TC:
            yield child
        elif child.tag not in (W_TBL, W_P, W_TR) and isinstance(child.tag, str):
            yield from _cells(child)


def _walk_table(tbl, table, kind, number, cells, out, fallbacks) -> None:
    for r, tr in enumerate(_rows(tbl), start=1):
        for c, tc in enumerate(_cells(tr), start=1):
            _walk(tc, kind, number, (*cells, Cell(table, r, c)), _Counter(), out, fallbacks)


def iter_paragraphs(root, kind: str = "body", number: int | None = None) -> Iterator[Paragraph]:
    """Every paragraph of a part (root element ``root`` of kind ``kind``, its number) with its
    address, in document order, text-box Fallback copies skipped."""
    for story_number, story in _stories(root, kind, number):
        out: list[Paragraph] = []
        _walk(story, kind, story_number, (), _Counter(), out, None)
        yield from out


def paragraph_addresses(root, kind: str = "body", number: int | None = None) -> dict:
    """``{w:p element: Address}`` for every paragraph of a part, including the Fallback copies
    of text boxes, which get the address of their Choice twin."""
    found: dict = {}
    for story_number, story in _stories(root, kind, number):
        out: list[Paragraph] = []
        fallbacks: list[Paragraph] = []
        _walk(story, kind, story_number, (), _Counter(), out, fallbacks)
        for para in (*out, *fallbacks):
            found[para.element] = para.address
    return found


def in_fallback(element) -> bool:
    """True for content of a text box's ``mc:Fallback`` copy (the Choice copy is the one read)."""
    return any(a.tag == MC_FALLBACK for a in element.iterancestors())


def run_piece_length(el) -> int:
    """Characters a run child contributes to the paragraph text."""
    tag = el.tag
    if tag == W_T:
        return len(el.text or "")
    if tag in (W_TAB, W_BR, W_CR):
        return 1
    return 0


def run_piece_text(el) -> str:
    """Text a run child contributes to the paragraph text."""
    tag = el.tag
    if tag == W_T:
        return el.text or ""
    if tag == W_TAB:
        return "\t"
    if tag in (W_BR, W_CR):
        return "\n"
    return ""


def paragraph_runs(p) -> list:
    """The ``w:r`` elements whose text belongs to paragraph ``p`` (not nested paragraphs, not
    text-box Fallback copies)."""
    out: list = []

    def walk(el) -> None:
        for child in el:
            tag = child.tag
            if tag == W_R:
                out.append(child)
            elif tag in (W_P, MC_FALLBACK, W_PPR):
                continue
            elif isinstance(tag, str):
                walk(child)

    walk(p)
    return out


def run_spans(p) -> list[tuple[object, int, int]]:
    """``(w:r, start, end)`` for each of ``p``'s runs: its 0-based [start, end) in the text."""
    out = []
    pos = 0
    for r in paragraph_runs(p):
        length = sum(run_piece_length(c) for c in r)
        out.append((r, pos, pos + length))
        pos += length
    return out


def paragraph_text(p) -> str:
    """The text of paragraph ``p`` (see the module docstring)."""
    return "".join(run_piece_text(c) for r in paragraph_runs(p) for c in r)


__all__ = [
    "Paragraph",
    "in_fallback",
    "iter_paragraphs",
    "paragraph_addresses",
    "paragraph_runs",
    "paragraph_text",
    "run_piece_length",
    "run_piece_text",
    "run_spans",
]
