"""Rewriting a finished .docx into a template: each found value becomes its tag, in place.

A paragraph's text is spread over runs (``<w:r><w:t>``); a value may start in one run and end in
another. :func:`replace_span` writes the tag into the run where the value starts (so it keeps
that run's formatting) and removes the rest of the value from the following runs.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from speechkit.engine import oxml
from speechkit.errors import PART_NAMES

MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
W_PPR = oxml.qn("w:pPr")


@dataclass
class Paragraph:
    """One ``<w:p>`` with its text pieces (the ``<w:t>`` that belong to it, in order)."""

    element: etree._Element
    pieces: list[etree._Element]
    part: str  # body, header, footer, footnote, endnote
    part_number: int  # 1-based among the parts of that kind
    number: int  # 1-based among the part's paragraphs
    cell: str | None = None  # 表格N 第R行第C列

    @property
    def text(self) -> str:
        """The paragraph's text (``<w:t>`` contents only)."""
        return "".join(t.text or "" for t in self.pieces)

    @property
    def address(self) -> str:
        """Where the paragraph is, as a reviewer reads it: 正文 第12段, 页眉2 第1段."""
        head = PART_NAMES.get(self.part, self.part)
        if self.part not in ("body", "footnote", "endnote"):
            head += str(self.part_number)
        if self.cell:
            return f"{head} {self.cell}（第{self.number}段）"
        return f"{head} 第{self.number}段"


def _in_fallback(element: etree._Element) -> bool:
    return any(anc.tag == MC_FALLBACK for anc in element.iterancestors())


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
    places = oxml.paragraph_places(root)
    out: list[Paragraph] = []
    for p, place in places.items():
        if _in_fallback(p):
            continue
        out.append(Paragraph(p, _value_pieces(p), part, part_number, place.number, place.cell))
    return out


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
