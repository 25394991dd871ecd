"""String passes over a rendered part: line breaks, tabs, paragraph splits, empty cells.

Each pass runs only when its marker character is present, so a plain render pays one
``in`` test per pass. Raw newlines and tabs can only come from values (the compiled source has
them as character references), and BEL only from the ``paragraphs`` filter.
"""

from __future__ import annotations

import re

from speechkit.filters import EMPTY_PARAGRAPHS, PARAGRAPH_BREAK

_PARA = re.compile(r"<w:p(?=[ >])(?:(?!<w:p[ >]).)*?\x07.*?</w:p>", re.S)
_PARA_EMPTY_LIST = re.compile(r"<w:p(?=[ >])(?:(?!<w:p[ >]).)*?\x08.*?</w:p>", re.S)
_TEXT = re.compile(r"<w:t(?: [^>]*)?>([^<]*)</w:t>")
_PPR = re.compile(r"<w:pPr>.*?</w:pPr>", re.S)
_RUN = re.compile(r"<w:r(?=[ >])[^>]*>(?:(?!</w:r>).)*?\x07.*?</w:r>", re.S)
_RPR = re.compile(r"<w:rPr>.*?</w:rPr>", re.S)
_SECTPR = re.compile(r"<w:sectPr[ >].*?</w:sectPr>", re.S)
_EMPTY_CELL = re.compile(r"(<w:tc>|<w:tc [^>]*>|</w:tcPr>)</w:tc>")
_EMPTY_TABLE = re.compile(
    r"<w:tbl>(?:<w:tblPr>(?:(?!</w:tblPr>).)*</w:tblPr>|<w:tblPr/>)?"
    r"(?:<w:tblGrid>(?:(?!</w:tblGrid>).)*</w:tblGrid>|<w:tblGrid/>)?</w:tbl>",
    re.S,
)


def postprocess(xml: str, cells_may_empty: bool = True, rows_may_vanish: bool = True) -> str:
    """Apply every needed pass to a rendered part's XML.

    ``cells_may_empty``: a paragraph-level tag sits in a table cell, so a loop or condition may
    have left a cell without paragraphs (Word requires one); such cells get an empty one.
    ``rows_may_vanish``: row tags may have left a table without rows, which Word refuses to
    open; such tables are removed.
    """
    if EMPTY_PARAGRAPHS in xml:
        xml = _PARA_EMPTY_LIST.sub(_drop_if_blank, xml)
        xml = xml.replace(EMPTY_PARAGRAPHS, "")
        cells_may_empty = True
    if PARAGRAPH_BREAK in xml:
        xml = _PARA.sub(_split_paragraph, xml)
        xml = xml.replace(PARAGRAPH_BREAK, "")  # a break outside any run: drop it
    if "\n" in xml:
        xml = xml.replace("\n", '</w:t><w:br/><w:t xml:space="preserve">')
    if "\t" in xml:
        xml = xml.replace("\t", '</w:t><w:tab/><w:t xml:space="preserve">')
    if cells_may_empty and "</w:tc>" in xml:
        xml = _EMPTY_CELL.sub(r"\1<w:p/></w:tc>", xml)
        # a cell must end with a paragraph: a sub-document ending with a table needs one
        xml = xml.replace("</w:tbl></w:tc>", "</w:tbl><w:p/></w:tc>")
    if rows_may_vanish:
        xml = _EMPTY_TABLE.sub("", xml)
    return xml


def _drop_if_blank(m: re.Match) -> str:
    """Remove a paragraph an empty ``paragraphs`` list left without text; else keep it."""
    para = m.group(0)
    text = "".join(_TEXT.findall(para)).replace(EMPTY_PARAGRAPHS, "")
    return para if text.strip() else ""


def _split_paragraph(m: re.Match) -> str:
    """Split one paragraph at each BEL, repeating its paragraph and run properties."""
    para = m.group(0)
    ppr_m = _PPR.search(para)
    ppr = _SECTPR.sub("", ppr_m.group(0)) if ppr_m else ""

    def split_run(rm: re.Match) -> str:
        run = rm.group(0)
        rpr_m = _RPR.search(run)
        rpr = rpr_m.group(0) if rpr_m else ""
        return run.replace(
            PARAGRAPH_BREAK,
            f'</w:t></w:r></w:p><w:p>{ppr}<w:r>{rpr}<w:t xml:space="preserve">',
        )

    return _RUN.sub(split_run, para)
