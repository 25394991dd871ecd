"""docxtpl's table-cell tags: ``{% vm %}``, ``{% hm %}``, ``{% colspan n %}``,
``{% cellbg color %}``.

Each is removed from the cell's text and turns into cell properties whose values Jinja
computes (an attribute placeholder the serialiser replaces by an expression), plus, for the
merges, conditions on ``loop.first`` around the cell's text (``vm``) or the whole cell (``hm``).
"""

from __future__ import annotations

from lxml import etree

from speechkit.engine import oxml
from speechkit.engine.partsource import PI_TARGET, PartSource, drop_if_empty_run
from speechkit.engine.tags import RawTag, Tag
from speechkit.errors import Problem


def remove_pi(pi: etree._Element) -> None:
    """Remove an instruction, keeping the text after it; drop its run if left empty."""
    t = pi.getparent()
    prev = pi.getprevious()
    if prev is not None:
        prev.tail = (prev.tail or "") + (pi.tail or "")
    else:
        t.text = (t.text or "") + (pi.tail or "")
    t.remove(pi)
    if t.tag == oxml.W_T and not (t.text or "") and len(t) == 0:
        drop_if_empty_run(t)


def synthetic(result: PartSource, like: Tag, kind: str, body: str) -> Tag:
    """A tag the engine adds for ``like`` (same location and text, for messages)."""
    raw = RawTag(like.raw.start, like.raw.end, kind, "", body, like.raw.text)
    tag = Tag(len(result.tags), raw, like.location, synthetic=True)
    result.tags.append(tag)
    return tag


def instruction(tag: Tag) -> etree._Element:
    return etree.ProcessingInstruction(PI_TARGET, str(tag.index))


def attribute_placeholder(tag: Tag) -> str:
    """Placeholder for an attribute value computed by ``tag`` (see :func:`_serialise`)."""
    return f"__sk_attr_{tag.index}__"


def apply_cell_tag(tag: Tag, pi: etree._Element, p: etree._Element, result: PartSource) -> None:
    """``{% vm %}``, ``{% hm %}``, ``{% colspan n %}``, ``{% cellbg color %}``: remove the tag
    and set the cell's properties (docxtpl's behaviour)."""
    kw = tag.keyword
    tc = oxml.ancestor(p, oxml.W_TC)
    remove_pi(pi)
    if tc is None:
        result.problems.append(Problem(tag.location, f"{tag.text} 只能写在表格的单元格里"))
        return
    arg = tag.raw.body.lstrip("-+").strip()[len(kw) :].strip().rstrip("-+").strip()
    if kw in ("colspan", "cellbg") and not arg:
        what = "合并的列数" if kw == "colspan" else "颜色（如 FF0000）"
        result.problems.append(Problem(tag.location, f"{tag.text} 缺少{what}"))
        return
    if kw in ("vm", "hm") and arg:
        result.problems.append(Problem(tag.location, f"{tag.text} 后面不应再有内容"))
        return
    tcpr = oxml.cell_properties(tc)
    if kw == "colspan":
        value = synthetic(result, tag, "var", f"({arg}) | _sk_span")
        oxml.set_cell_property(tcpr, "w:gridSpan", {"w:val": attribute_placeholder(value)})
    elif kw == "cellbg":
        value = synthetic(result, tag, "var", f"({arg}) | _sk_color")
        oxml.set_cell_property(
            tcpr,
            "w:shd",
            {"w:val": "clear", "w:color": "auto", "w:fill": attribute_placeholder(value)},
        )
    elif kw == "vm":
        value = synthetic(result, tag, "var", "'restart' if loop.first else 'continue'")
        oxml.set_cell_property(tcpr, "w:vMerge", {"w:val": attribute_placeholder(value)})
        for t in tc.iter(oxml.W_T):
            opener = instruction(synthetic(result, tag, "block", "if loop.first"))
            closer = instruction(synthetic(result, tag, "block", "endif"))
            opener.tail, t.text = t.text, None
            t.insert(0, opener)
            t.append(closer)
    else:  # hm
        span = oxml.get_cell_span(tcpr)
        value = synthetic(result, tag, "var", f"loop.length * {span}")
        oxml.set_cell_property(tcpr, "w:gridSpan", {"w:val": attribute_placeholder(value)})
        row = tc.getparent()
        at = row.index(tc)
        opener = instruction(synthetic(result, tag, "block", "if loop.first"))
        closer = instruction(synthetic(result, tag, "block", "endif"))
        closer.tail, tc.tail = tc.tail, None
        row.insert(at, opener)
        row.insert(at + 2, closer)
        result.has_column_loops = True
