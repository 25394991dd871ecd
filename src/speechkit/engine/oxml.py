"""The WordprocessingML layer: every ``w:`` name and tree walk the engine needs lives here.

Nothing in this module knows about Jinja; it answers questions about a part's XML tree:
which parts of a package are templated, which ``<w:t>`` belong to a paragraph. Where a
paragraph sits (its address) is the document layer's answer: :mod:`speechkit.docx.paragraphs`.
"""

from __future__ import annotations

from lxml import etree

from speechkit.docx.package import MAIN_TYPES
from speechkit.docx.safexml import W_NS

XML_NS = "http://www.w3.org/XML/1998/namespace"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"


def qn(tag: str) -> str:
    """Clark name for a ``w:``-prefixed tag: ``qn("w:p")`` → ``{...main}p``."""
    prefix, local = tag.split(":")
    if prefix != "w":
        raise ValueError(tag)
    return f"{{{W_NS}}}{local}"


W_P = qn("w:p")
W_R = qn("w:r")
W_T = qn("w:t")
W_RPR = qn("w:rPr")
W_SECTPR = qn("w:sectPr")
W_DRAWING = qn("w:drawing")
W_PICT = qn("w:pict")
W_OBJECT = qn("w:object")
W_TC = qn("w:tc")
W_TR = qn("w:tr")
W_TBL = qn("w:tbl")
W_TBLGRID = qn("w:tblGrid")
W_GRIDCOL = qn("w:gridCol")
W_W = qn("w:w")
XML_SPACE = f"{{{XML_NS}}}space"

# Content-type suffixes of the parts that may hold tags, and their location names.
_PART_KINDS = (
    ("document.main+xml", "body"),
    ("document.macroEnabled.main+xml", "body"),
    ("template.main+xml", "body"),
    ("template.macroEnabledTemplate.main+xml", "body"),
    ("header+xml", "header"),
    ("footer+xml", "footer"),
    ("footnotes+xml", "footnote"),
    ("endnotes+xml", "endnote"),
)

_PART_ORDER = {"body": 0, "header": 1, "footer": 2, "footnote": 3, "endnote": 4}


def templated_parts(content_types_xml: bytes) -> dict[str, str]:
    """Map zip names of the parts that may hold tags to their kind (body, header, ...).

    Read from ``[Content_Types].xml`` overrides; the result is ordered body, headers, footers,
    footnotes, endnotes, each by part name.
    """
    root = etree.fromstring(content_types_xml)
    found: dict[str, str] = {}
    for override in root.iter(f"{{{CT_NS}}}Override"):
        ctype = override.get("ContentType", "")
        name = override.get("PartName", "").lstrip("/")
        if ctype in MAIN_TYPES:  # .docx, .dotx, .docm, .dotm
            found[name] = "body"
            continue
        for suffix, kind in _PART_KINDS:
            if ctype.endswith("wordprocessingml." + suffix):
                found[name] = kind
                break
    return dict(sorted(found.items(), key=lambda kv: (_PART_ORDER[kv[1]], _natural(kv[0]))))


def _natural(name: str) -> tuple:
    """Sort key putting header2.xml before header10.xml."""
    import re

    return tuple(int(s) if s.isdigit() else s for s in re.split(r"(\d+)", name))


def own_text_nodes(p: etree._Element) -> list[etree._Element]:
    """The ``<w:t>`` elements of paragraph ``p`` in order, excluding nested paragraphs' ones
    (text boxes hold whole paragraphs inside a run)."""
    nodes = []
    for t in p.iter(W_T):
        anc = t.getparent()
        while anc is not None and anc.tag != W_P:
            anc = anc.getparent()
        if anc is p:
            nodes.append(t)
    return nodes


def ancestor(el: etree._Element, tag: str) -> etree._Element | None:
    """Nearest ancestor of ``el`` with ``tag`` (Clark name), or None."""
    anc = el.getparent()
    while anc is not None and anc.tag != tag:
        anc = anc.getparent()
    return anc


def fix_table_grids(root: etree._Element) -> None:
    """After column loops, give each table whose widest row has more cells than its
    ``<w:tblGrid>`` has columns that many columns, sharing the original total width."""
    for tbl in root.iter(W_TBL):
        grid = tbl.find(W_TBLGRID)
        if grid is None:
            continue
        cols = grid.findall(W_GRIDCOL)
        widest = max((len(tr.findall(W_TC)) for tr in tbl.iter(W_TR)), default=0)
        if not cols or widest <= len(cols):
            continue
        total = sum(int(c.get(W_W, "0") or 0) for c in cols)
        for c in cols:
            grid.remove(c)
        each = str(total // widest) if total else None
        for _ in range(widest):
            col = etree.SubElement(grid, W_GRIDCOL)
            if each:
                col.set(W_W, each)


W_TCPR = qn("w:tcPr")
# Children of <w:tcPr> in the order the schema requires.
_TCPR_ORDER = [
    qn(f"w:{n}")
    for n in [
        "cnfStyle",
        "tcW",
        "gridSpan",
        "hMerge",
        "vMerge",
        "tcBorders",
        "shd",
        "noWrap",
        "tcMar",
        "textDirection",
        "tcFitText",
        "vAlign",
        "hideMark",
        "headers",
        "cellIns",
        "cellDel",
        "cellMerge",
        "tcPrChange",
    ]
]


def cell_properties(tc: etree._Element) -> etree._Element:
    """The ``<w:tcPr>`` of cell ``tc``, created as its first child when missing."""
    tcpr = tc.find(W_TCPR)
    if tcpr is None:
        tcpr = etree.Element(W_TCPR)
        tc.insert(0, tcpr)
    return tcpr


def set_cell_property(tcpr: etree._Element, tag: str, attrs: dict[str, str]) -> None:
    """Replace (or add, in schema order) the child ``tag`` of ``tcpr`` with ``attrs``."""
    name = qn(tag)
    old = tcpr.find(name)
    el = etree.Element(name, {qn(k): v for k, v in attrs.items()})
    if old is not None:
        tcpr.replace(old, el)
        return
    rank = _TCPR_ORDER.index(name)
    for i, child in enumerate(tcpr):
        if child.tag in _TCPR_ORDER and _TCPR_ORDER.index(child.tag) > rank:
            tcpr.insert(i, el)
            return
    tcpr.append(el)


def get_cell_span(tcpr: etree._Element) -> int:
    """The cell's ``w:gridSpan`` (1 when absent or not a number)."""
    el = tcpr.find(qn("w:gridSpan"))
    try:
        return max(1, int(el.get(W_VAL, "1"))) if el is not None else 1
    except ValueError:
        return 1


W_VAL = qn("w:val")
