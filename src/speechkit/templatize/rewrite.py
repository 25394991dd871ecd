"""Rewriting a finished .docx into a template: each found value becomes its tag, in place.

A paragraph's text is spread over runs (``<w:r><w:t>``); a value may start in one run and end in
another. :func:`replace_span` writes the tag into the run where the value starts (so it keeps
that run's formatting) and removes the rest of the value from the following runs.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from speechkit.docx.address import Address
from speechkit.docx.paragraphs import iter_paragraphs
from speechkit.engine import oxml

W_PPR = oxml.qn("w:pPr")


@dataclass
class Paragraph:
    """One ``<w:p>`` with its text pieces (the ``<w:t>`` that belong to it, in order)."""

    element: etree._Element
    pieces: list[etree._Element]
    place: Address  # the document layer's address (正文 第12段, 页眉2 第1段)

    @property
    def text(self) -> str:
        """The paragraph's text (``<w:t>`` contents only)."""
        return "".join(t.text or "" for t in self.pieces)

    @property
    def address(self) -> str:
        """Where the paragraph is, printed as every command prints it."""
        return str(self.place)

    @property
    def cell(self) -> str | None:
        """The table cell path (``表格1 第2行第3列``), None outside tables."""
        return "内的".join(str(c) for c in self.place.cells) or None


W_FLDSIMPLE = oxml.qn("w:fldSimple")
W_FLDCHAR = oxml.qn("w:fldChar")
W_FLDCHARTYPE = oxml.qn("w:fldCharType")


def _value_pieces(p: etree._Element) -> list[etree._Element]:
    """The paragraph's ``<w:t>`` that hold typed text: a field's shown result (a page number,
    a date field) is Word's to compute, never a value to replace."""
    out: list[etree._Element] = []
    in_result = 0
    nodes = set(oxml.own_text_nodes(p))
    for el in p.iter(oxml.W_T, W_FLDCHAR):
        if el.tag == W_FLDCHAR:
            kind = el.get(W_FLDCHARTYPE)
            if kind == "separate":
                in_result += 1
            elif kind == "end" and in_result:
                in_result -= 1
            continue
        if (
            el in nodes
            and not in_result
            and not any(a.tag == W_FLDSIMPLE for a in el.iterancestors())
        ):
            out.append(el)
    return out


def paragraphs(root: etree._Element, part: str, part_number: int) -> list[Paragraph]:
    """Every paragraph of a part in document order with its address (text-box copies kept by
    Word as ``mc:Fallback`` are skipped: the ``mc:Choice`` copy is the one read)."""
    number = part_number if part in ("header", "footer") else None
    return [
        Paragraph(para.element, _value_pieces(para.element), para.address)
        for para in iter_paragraphs(root, part, number)
    ]


def replace_span(pieces: list[etree._Element], start: int, end: int, new: str) -> None:
    """Replace ``text[start:end]`` of the concatenated pieces by ``new``, keeping run formatting.

    ``new`` goes into the piece where the span starts; the span's other characters are removed
    from the pieces they sit in.
    """
    pos = 0
    placed = False
    for t in pieces:
        text = t.text or ""
        a, b = pos, pos + len(text)
        pos = b
        if start == end:  # an insertion: into the first piece that holds the position
            if a <= start <= b and not placed:
                t.text = text[: start - a] + new + text[start - a :]
                t.set(oxml.XML_SPACE, "preserve")
                placed = True
            continue
        if b <= start or a >= end:
            continue
        lo, hi = max(start, a) - a, min(end, b) - a
        t.text = text[:lo] + (new if not placed else "") + text[hi:]
        placed = True
        t.set(oxml.XML_SPACE, "preserve")
    if not placed:
        raise ValueError("span outside the paragraph")


def tag_paragraph(template: etree._Element, tag: str) -> etree._Element:
    """A new paragraph holding only ``tag`` (a ``{%p … %}`` line), styled like ``template``."""
    p = etree.Element(oxml.W_P)
    ppr = template.find(W_PPR)
    if ppr is not None:
        p.append(etree.fromstring(etree.tostring(ppr)))
    r = etree.SubElement(p, oxml.W_R)
    t = etree.SubElement(r, oxml.W_T)
    t.text = tag
    t.set(oxml.XML_SPACE, "preserve")
    return p
