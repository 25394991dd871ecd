"""Turn one XML part of a template into Jinja source, once, at compile time.

Stages for a part:

1. for each paragraph, read the text of its own ``<w:t>`` runs and find the tags in it
   (:func:`speechkit.engine.tags.scan`); a tag that Word split across runs, proofing marks or
   bookmarks is moved whole into the ``<w:t>`` where it starts (that run's formatting is kept)
   and replaced by a processing instruction ``<?sk N?>``;
2. ``{%p %}``/``{%tr %}``/``{%tc %}`` (and ``{#p #}`` ...) replace the whole paragraph, table row
   or cell around them by their instruction; any other text there is reported, never dropped;
3. block tags are checked for balance and nesting level, each tag's syntax with Jinja;
4. the tree is serialised once and each instruction becomes a Jinja tag with the delimiters
   ``<{ }>``, ``<% %>``, ``<# #>``, which cannot occur in serialised XML. Each tag carries one
   newline inside it, so a Jinja line number names the tag (and with it the paragraph).
"""

from __future__ import annotations

import copy
import re

from lxml import etree

from speechkit.docx.paragraphs import in_fallback, paragraph_addresses
from speechkit.docx.safexml import parse_part
from speechkit.engine import oxml
from speechkit.engine.messages import explain_syntax_error
from speechkit.engine.partsource import PI_TARGET as _PI_TARGET
from speechkit.engine.partsource import PartSource
from speechkit.engine.partsource import drop_if_empty_run as _drop_if_empty_run
from speechkit.engine.partsource import run_is_empty as _run_is_empty
from speechkit.engine.tags import Tag, scan
from speechkit.errors import Location, Problem

# Block keywords: openers with their closers, middles with the openers they may sit in.
OPENERS = {
    "for": "endfor",
    "if": "endif",
    "with": "endwith",
    "filter": "endfilter",
    "macro": "endmacro",
    "call": "endcall",
    "set": "endset",
}
CLOSERS = {v: k for k, v in OPENERS.items()}
MIDDLES = {"elif": ("if",), "else": ("if", "for")}
SIMPLE = {"break", "continue"}
#: docxtpl's table-cell tags: merge vertically/horizontally in a loop, span, shade.
CELL_TAGS = {"vm", "hm", "colspan", "cellbg"}
KNOWN = set(OPENERS) | set(CLOSERS) | set(MIDDLES) | SIMPLE | CELL_TAGS
#: docxtpl's escaped delimiters, printed as the delimiters themselves.
LITERALS = (
    ("{_{", "{{"),
    ("}_}", "}}"),
    ("{_%", "{%"),
    ("%_}", "%}"),
    ("{_#", "{#"),
    ("#_}", "#}"),
)

LEVEL_NAMES = {"": "行内", "r": "文字块", "p": "段落", "tr": "表格行", "tc": "单元格"}


def _snippet(text: str, width: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width] + "…"


def preprocess_part(
    xml: bytes, name: str, kind: str, file: str, number: int | None = None
) -> PartSource:
    """Preprocess one part's XML (see the module docstring). Never raises for bad tags: every
    problem is returned in :attr:`PartSource.problems`; a part that is not XML, or is over the
    reading limits, raises :class:`~speechkit.errors.InputFileError`. ``number`` is the part's
    number among its kind (页眉2), for locations."""
    root = parse_part(xml, name, file)
    result = PartSource(name=name, kind=kind, source=None)
    paras = list(root.iter(oxml.W_P))
    addresses: dict | None = None
    structural: dict[etree._Element, list[Tag]] = {}
    cell_tags: list[tuple[Tag, etree._Element, etree._Element]] = []

    for p in paras:
        nodes = oxml.own_text_nodes(p)
        if not nodes:
            continue
        texts = [t.text or "" for t in nodes]
        full = "".join(texts)
        if "{" not in full and "}" not in full:
            continue
        raw_tags, errors = scan(full)
        if not raw_tags and not errors:
            continue
        if addresses is None:
            addresses = paragraph_addresses(root, kind, number)
        address = addresses.get(p)
        location = Location(
            file=file,
            part=kind,
            paragraph=address.paragraph if address else None,
            snippet=_snippet(full),
            address=address,
        )
        # a text box's Fallback copy repeats its Choice twin: report its problems once
        report = not in_fallback(p)
        for err in errors if report else ():
            result.problems.append(Problem(location, f"{err.message}：{err.text}"))
        tags = []
        for raw in raw_tags:
            tag = Tag(len(result.tags), raw, location)
            result.tags.append(tag)
            tags.append(tag)
        pis = _rewrite_text_nodes(nodes, texts, tags)
        for tag in tags:
            level = tag.raw.level
            if level in ("p", "tr", "tc"):
                target = (
                    p
                    if level == "p"
                    else oxml.ancestor(p, oxml.W_TR if level == "tr" else oxml.W_TC)
                )
                if target is None:
                    result.problems.append(
                        Problem(location, f"{tag.text} 不在表格中：{{%{level} %}} 只能写在表格里")
                    )
                    continue
                structural.setdefault(target, []).append(tag)
                if level in ("p", "tc") and oxml.ancestor(p, oxml.W_TC) is not None:
                    result.has_cell_paragraph_tags = True
                if level == "tc" and tag.raw.kind == "block":
                    result.has_column_loops = True
            elif tag.raw.kind == "block" and tag.keyword in CELL_TAGS and not level:
                cell_tags.append((tag, pis[tag.index], p))
            else:
                if level == "r":
                    tag.props = (_props_xml(_split_run_at(pis[tag.index])),)
                tag.node = pis[tag.index]
                tag.container = ("inline", p, _depth(pis[tag.index], p))

    _replace_structural(structural, result)
    if cell_tags:
        from speechkit.engine.cells import apply_cell_tag

        for tag, pi, p in cell_tags:
            if not tag.dropped:
                apply_cell_tag(tag, pi, p, result)
    has_literals = any(lit.encode() in xml for lit, _ in LITERALS)
    if not result.tags and not has_literals:
        return result
    _check_tags(result)
    result.source = _serialise(root, result)
    return result


def _depth(node: etree._Element, p: etree._Element) -> int:
    depth = 0
    while node is not None and node is not p:
        node = node.getparent()
        depth += 1
    return depth


def _rewrite_text_nodes(
    nodes: list[etree._Element], texts: list[str], tags: list[Tag]
) -> dict[int, etree._Element]:
    """Move each tag whole into the ``<w:t>`` where it starts, as ``<?sk N?>``; remove the
    pieces of it from the following ``<w:t>``. Returns tag index → its instruction."""
    pis: dict[int, etree._Element] = {}
    full = "".join(texts)
    offset = 0
    for node, text in zip(nodes, texts, strict=True):
        s, e = offset, offset + len(text)
        offset = e
        touching = [t for t in tags if t.raw.start < e and t.raw.end > s]
        if not touching:
            continue
        pieces: list[object] = []
        buf = ""
        cur = s
        for tag in touching:
            if tag.raw.start > cur:
                buf += full[cur : tag.raw.start]
            if s <= tag.raw.start < e:
                pieces.append(buf)
                buf = ""
                pieces.append(tag)
            cur = max(cur, tag.raw.end)
        if cur < e:
            buf += full[cur:e]
        pieces.append(buf)
        node.text = pieces[0]  # type: ignore[assignment]
        if len(pieces) == 1 and not node.text:
            _drop_if_empty_run(node)
        for i in range(1, len(pieces), 2):
            pi = etree.ProcessingInstruction(_PI_TARGET, str(pieces[i].index))  # type: ignore[union-attr]
            pi.tail = pieces[i + 1]  # type: ignore[assignment]
            node.append(pi)
            pis[pieces[i].index] = pi  # type: ignore[union-attr]
        # a value may start or end with a space, and so may text left beside a removed piece
        node.set(oxml.XML_SPACE, "preserve")
    return pis


_NS_DECL = re.compile(r' xmlns:\w+="[^"]*"')


def _props_xml(el: etree._Element | None) -> str:
    """``el`` (a ``<w:rPr>`` or ``<w:pPr>``) serialised without namespace declarations."""
    if el is None:
        return ""
    return _NS_DECL.sub("", etree.tostring(el, encoding="unicode")).replace("\n", "")


def _split_run_at(pi: etree._Element) -> etree._Element | None:
    """For ``{%r %}``: split the run holding ``pi`` so the instruction stands between runs
    (the run's text before and after it stays, each part keeping the run's formatting).
    Returns the run's ``<w:rPr>``, if any."""
    t = pi.getparent()
    run = t.getparent() if t is not None else None
    if run is None or run.tag != oxml.W_R or run.getparent() is None:
        return None
    parent = run.getparent()
    after = run.makeelement(oxml.W_R, {})
    rpr = run.find(oxml.W_RPR)
    if rpr is not None:
        after.append(copy.deepcopy(rpr))
    t_after = t.makeelement(oxml.W_T, {oxml.XML_SPACE: "preserve"})
    t_after.text = pi.tail
    pi.tail = None
    for sibling in list(pi.itersiblings()):
        t_after.append(sibling)
    after.append(t_after)
    for sibling in list(t.itersiblings()):
        after.append(sibling)
    t.remove(pi)
    at = parent.index(run)
    parent.insert(at + 1, pi)
    parent.insert(at + 2, after)
    for r in (run, after):
        if _run_is_empty(r):
            parent.remove(r)
    return rpr


def _literal_text(el: etree._Element) -> str:
    """Text of ``el`` outside tags (after :func:`_rewrite_text_nodes`)."""
    out = []
    for t in el.iter(oxml.W_T):
        out.append(t.text or "")
        out.extend(child.tail or "" for child in t)
    return "".join(out)


def _drop_tags_inside(el: etree._Element, result: PartSource) -> None:
    """Mark every tag whose instruction lies inside ``el`` as dropped (a comment removes it)."""
    for pi in el.iter(etree.ProcessingInstruction):
        if pi.target == _PI_TARGET:
            result.tags[int(pi.text)].dropped = True


def _replace_structural(structural: dict, result: PartSource) -> None:
    """Replace each paragraph/row/cell holding a ``{%p %}``-style tag by the tag itself;
    ``{#tr #}``-style comments first, so whatever they remove is not checked."""
    order = sorted(structural.items(), key=lambda kv: all(t.raw.kind != "comment" for t in kv[1]))
    for target, tags in order:
        tag = tags[0]
        level = tag.raw.level
        what = LEVEL_NAMES[level]
        if tag.dropped:
            continue
        comments = [t for t in tags if t.raw.kind == "comment"]
        if comments:
            tag = comments[0]
        elif len(tags) > 1:
            listed = "、".join(t.text for t in tags)
            result.problems.append(
                Problem(
                    tag.location,
                    f"同一{what}中有 {len(tags)} 个{{%{level} %}}标签（{listed}）："
                    f"每个标签要单独占一个{what}",
                )
            )
            continue
        if tag.raw.kind == "comment":
            # {#tr … #}: the whole row (cell, paragraph) is a comment, with whatever it holds.
            _drop_tags_inside(target, result)
            tag.dropped = False
            parent = target.getparent()
            pi = etree.ProcessingInstruction(_PI_TARGET, str(tag.index))
            pi.tail = target.tail
            parent.replace(target, pi)
            tag.container = ("structural", parent)
            if level == "tr":
                result.has_row_tags = True
            continue
        rest = _literal_text(target).strip()
        if rest:
            result.problems.append(
                Problem(
                    tag.location,
                    f"{tag.text} 代表整个{what}，但这个{what}里还有文字“{_snippet(rest, 20)}”，"
                    f"渲染时会被删掉：请把标签单独放在一个{what}里",
                )
            )
            continue
        lost = _non_text_content(target)
        if lost:
            result.problems.append(
                Problem(
                    tag.location,
                    f"{tag.text} 代表整个{what}，但这个{what}里还有{lost}，渲染时会被删掉："
                    f"请把标签单独放在一个{what}里",
                )
            )
            continue
        if level == "tr":
            result.has_row_tags = True
        if level == "p" and tag.raw.kind == "var":
            first_run = target.find(f".//{oxml.W_R}")
            rpr = first_run.find(oxml.W_RPR) if first_run is not None else None
            tag.props = (_props_xml(target.find(oxml.qn("w:pPr"))), _props_xml(rpr))
        parent = target.getparent()
        pi = etree.ProcessingInstruction(_PI_TARGET, str(tag.index))
        pi.tail = target.tail
        parent.replace(target, pi)
        tag.container = ("structural", parent)


_NON_TEXT = {
    oxml.W_SECTPR: "分节符",
    oxml.W_DRAWING: "图片或图形",
    oxml.W_PICT: "图片或图形",
    oxml.W_OBJECT: "嵌入对象",
}


def _non_text_content(el: etree._Element) -> str:
    """Name of content other than text that removing ``el`` would lose, or ""."""
    for child in el.iter(*_NON_TEXT):
        return _NON_TEXT[child.tag]
    return ""


def _closer(opener: Tag) -> str:
    """The closing tag ``opener`` needs, at its level: ``{%p endif %}``, ``{% endfor %}``."""
    level = opener.raw.level
    return (
        f"{{%{level} {OPENERS[opener.keyword]} %}}"
        if level
        else f"{{% {OPENERS[opener.keyword]} %}}"
    )


def _label(tag: Tag) -> str:
    loc = tag.location
    where = str(loc.address) if loc.address is not None else f"第{loc.paragraph}段"
    return f"{tag.text}（{where}）"


def _check_tags(result: PartSource) -> None:
    """Known keywords, block balance and nesting level, and each tag's own syntax."""
    stack: list[tuple[Tag, list[Tag]]] = []
    for tag in result.tags:
        raw = tag.raw
        if raw.kind == "comment" or tag.dropped or tag.synthetic:
            continue
        if raw.kind == "var":
            if raw.level in ("tr", "tc"):
                result.problems.append(
                    Problem(
                        tag.location,
                        f"不支持 {tag.text}：{{{{{raw.level} }}}} 只能用 {{%{raw.level} %}}；"
                        "要把列表分成多个段落，请用 {{ 列表 | paragraphs }}",
                    )
                )
            elif not raw.body:
                result.problems.append(Problem(tag.location, f"空标签 {tag.text}：缺少变量名"))
            continue
        kw = raw.keyword
        if kw not in KNOWN:
            known = "、".join(sorted(KNOWN))
            result.problems.append(
                Problem(
                    tag.location,
                    f"不认识的标签 {tag.text}：可用的有 {known}",
                )
            )
            continue
        if kw == "set" and "=" in raw.body:
            continue  # {% set x = ... %} is not a block
        if kw in OPENERS:
            stack.append((tag, []))
        elif kw in MIDDLES:
            if not stack or stack[-1][0].keyword not in MIDDLES[kw]:
                result.problems.append(
                    Problem(
                        tag.location,
                        f"{tag.text} 前面没有对应的 {{% if %}}"
                        + ("或 {% for %}" if kw == "else" else ""),
                    )
                )
                continue
            opener = stack[-1][0]
            _same_container(opener, tag, result)
            stack[-1][1].append(tag)
        elif kw in CLOSERS:
            want = CLOSERS[kw]
            if not stack:
                result.problems.append(
                    Problem(tag.location, f"多余的 {tag.text}：前面没有对应的 {{% {want} %}}")
                )
                continue
            opener, _ = stack[-1]
            if opener.keyword != want:
                if any(o.keyword == want for o, _ in stack):
                    # Inner blocks were left open: report them, then close up to the match.
                    while stack and stack[-1][0].keyword != want:
                        inner, _ = stack.pop()
                        result.problems.append(
                            Problem(
                                inner.location,
                                f"{inner.text} 没有结束：在 {_label(tag)} 之前缺少 "
                                f"{_closer(inner)}",
                            )
                        )
                    opener, _ = stack[-1]
                else:
                    result.problems.append(
                        Problem(
                            tag.location,
                            f"{tag.text} 与前面的 {_label(opener)} 不成对：应为 {_closer(opener)}",
                        )
                    )
                    continue
            stack.pop()
            _same_container(opener, tag, result)
        if kw in ("vm", "hm") and not any(o.keyword == "for" for o, _ in stack):
            loop = "{%tr for %} 行" if kw == "vm" else "{%tc for %} 列"
            result.problems.append(
                Problem(tag.location, f"{tag.text} 只能用在{loop}循环里（合并循环生成的单元格）")
            )
        if kw in SIMPLE and not any(o.keyword == "for" for o, _ in stack):
            result.problems.append(Problem(tag.location, f"{tag.text} 只能用在 {{% for %}} 循环里"))
    for opener, _ in stack:
        result.problems.append(
            Problem(
                opener.location,
                f"{opener.text} 没有结束：缺少 {_closer(opener)}",
            )
        )
    _check_syntax(result)


def _same_container(opener: Tag, other: Tag, result: PartSource) -> None:
    """Tags of one block must sit at the same level: paragraph tags among sibling paragraphs,
    row tags among rows of one table, inline tags within one paragraph."""
    a, b = opener.container, other.container
    if a is None or b is None:
        return  # already reported
    if a[0] == b[0] and a[1] is b[1] and a[2:] == b[2:]:
        return
    if a[0] == b[0] == "inline" and a[1] is not b[1] and _same_path(opener.node, other.node):
        return  # an inline block over whole paragraphs: what it repeats or drops is balanced
    lvl_a = LEVEL_NAMES[opener.raw.level]
    lvl_b = LEVEL_NAMES[other.raw.level]
    if a[0] == "inline" and b[0] == "inline" and a[1] is b[1]:
        why = "两个标签虽在同一段落，但一个在超链接、修订或域等结构里面，另一个在外面；请让它们处在同样的位置"
    elif a[0] == "inline" and b[0] == "inline":
        why = (
            "跨段落的行内标签，开始和结束须处在同样的结构中（如都在正文段落里），"
            "否则生成的文档会损坏；也可改用 {%p %} 标签，各占一段"
        )
    elif opener.raw.level != other.raw.level:
        why = f"开始标签是{lvl_a}级，结束或分支标签是{lvl_b}级，两者须相同（如 {{%p if %}} 配 {{%p endif %}}）"
    else:
        why = f"两个{lvl_a}级标签不在同一处（如不在同一表格或同一单元格中）"
    result.problems.append(
        Problem(other.location, f"{other.text} 与 {_label(opener)} 不在同一层级：{why}")
    )


def _same_path(x: object, y: object) -> bool:
    """True when ``x`` and ``y`` sit under element chains of the same names below their
    nearest common ancestor, so the XML between them closes what it opens."""
    if not isinstance(x, etree._Element) or not isinstance(y, etree._Element):
        return False
    ax = [x, *x.iterancestors()]
    ay = [y, *y.iterancestors()]
    in_y = set(ay)
    common = next((e for e in ax if e in in_y), None)
    if common is None:
        return False
    px = [e.tag for e in ax[1 : ax.index(common)]]
    py = [e.tag for e in ay[1 : ay.index(common)]]
    return px == py and bool(px)


def jinja_tag(tag: Tag, newline: bool = True) -> str:
    """The Jinja text of ``tag`` with the engine's delimiters (and its tracking newline)."""
    raw = tag.raw
    nl = "\n" if newline else ""
    if raw.kind == "comment":
        return f"<#{nl}#>"
    body = raw.body
    if raw.kind == "var":
        lead = "-" if raw.text[2:3] == "-" else ""  # {{- x -}}: Jinja's whitespace control
        trail = "-" if raw.text[-3:-2] == "-" and len(raw.text) > 5 else ""
        if lead and body.startswith("-"):
            body = body[1:].strip()
        if trail and body.endswith("-"):
            body = body[:-1].strip()
        if raw.level == "r" and not tag.synthetic:
            body = f"({body}) | _sk_r({_literal(tag.props[0] if tag.props else '')})"
        elif raw.level == "p":
            ppr, rpr = tag.props or ("", "")
            body = f"({body}) | _sk_p({_literal(ppr)}, {_literal(rpr)})"
        return f"<{{{lead} {body}{nl} {trail}}}>"
    strip = ""
    if body.endswith(("-", "+")):
        body, strip = body[:-1].rstrip(), body[-1]
    return (
        f"<% {body}{nl}{strip}%>" if not body.startswith(("-", "+")) else f"<%{body}{nl}{strip}%>"
    )


def _literal(text: str) -> str:
    """A Jinja string literal for ``text`` (XML from the template, no newlines)."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _check_syntax(result: PartSource) -> None:
    """Parse every tag alone (with a minimal frame) so each syntax error names its tag."""
    from jinja2 import TemplateSyntaxError

    from speechkit.engine.environment import get_environment

    env = get_environment()
    for tag in result.tags:
        raw = tag.raw
        if tag.dropped or (tag.synthetic and raw.kind != "var") or raw.keyword in CELL_TAGS:
            continue
        if raw.kind == "comment" or (
            raw.kind == "var" and (not raw.body or raw.level in ("tr", "tc"))
        ):
            continue
        kw = raw.keyword
        if raw.kind == "block" and kw not in KNOWN:
            continue
        src = jinja_tag(tag, newline=False)
        if raw.kind == "block":
            if kw in OPENERS and not (kw == "set" and "=" in raw.body):
                src = src + f"<% {OPENERS[kw]} %>"
            elif kw in MIDDLES:
                src = "<% if 1 %>" + src + "<% endif %>"
            elif kw in CLOSERS:
                if raw.body.lstrip("-+").rstrip("-+").strip() != kw:
                    result.problems.append(
                        Problem(tag.location, f"{tag.text} 的结束标签后面不应再有内容")
                    )
                continue
            elif kw in SIMPLE:
                src = "<% for _ in () %>" + src + "<% endfor %>"
        try:
            env.parse(src)
        except TemplateSyntaxError as exc:
            result.problems.append(
                Problem(
                    tag.location,
                    f"标签 {tag.text} 写法有误：{explain_syntax_error(exc.message, raw.body)}",
                )
            )


def _serialise(root: etree._Element, result: PartSource) -> str:
    """Serialise the tree and turn each ``<?sk N?>`` (and attribute placeholder) into its Jinja
    tag; ``{%-``/``-%}`` merge with the text before/after them as docxtpl does (the XML from the
    previous ``</w:t>`` / up to the next ``<w:t>`` is removed); ``{_{`` prints ``{{``."""
    xml = etree.tostring(root, encoding="unicode")
    # Literal newlines/tabs become character references, so that every raw newline in the
    # source is a tag's tracking newline and every one in the output comes from a value.
    xml = xml.replace("\n", "&#10;").replace("\t", "&#9;").replace("\r", "&#13;")
    segments: list[str] = []
    tags: list[Tag] = []
    pos = 0
    for m in _PLACE_RE.finditer(xml):
        segments.append(xml[pos : m.start()])
        tags.append(result.tags[int(m.group(1) or m.group(2))])
        pos = m.end()
    segments.append(xml[pos:])
    for i, tag in enumerate(tags):
        raw = tag.raw
        if raw.kind != "block" or raw.level:
            continue
        # Only where the tag begins (ends) its text: text beside it is never dropped.
        if raw.body.startswith("-"):
            seg = segments[i]
            cut = seg.rfind("</w:t>")
            opened = [m.end() for m in _TEXT_START.finditer(seg, max(cut, 0))]
            crosses = _STRUCTURE.search(seg, max(cut, 0)) is not None
            if cut >= 0 and opened and not seg[opened[-1] :].strip() and not crosses:
                segments[i] = seg[:cut]
        if raw.body.endswith("-"):
            seg = segments[i + 1]
            m = _TEXT_START.search(seg)
            end = seg.find("</w:t>")
            crosses = m is not None and _STRUCTURE.search(seg, 0, m.end()) is not None
            if m and 0 <= end < m.start() and not seg[:end].strip() and not crosses:
                segments[i + 1] = seg[m.end() :]
    out: list[str] = []
    for i, tag in enumerate(tags):
        out.append(_literals(segments[i]))
        out.append(jinja_tag(tag))
        result.line_tags.append(tag.index)
    out.append(_literals(segments[-1]))
    return "".join(out)


_PLACE_RE = re.compile(r"<\?sk (\d+)\?>|__sk_attr_(\d+)__")
_TEXT_START = re.compile(r"<w:t(?: [^>]*)?>")
# A paragraph merge never crosses a cell, row, table, hyperlink or field boundary.
_STRUCTURE = re.compile(r"</?w:(?:tc|tr|tbl|hyperlink|fldSimple|sdt|txbxContent)[ >/]")


def _literals(xml: str) -> str:
    """``{_{`` → ``{{`` and the other escaped delimiters (docxtpl's literal braces)."""
    if "_" not in xml:
        return xml
    for lit, real in LITERALS:
        xml = xml.replace(lit, real)
    return xml
