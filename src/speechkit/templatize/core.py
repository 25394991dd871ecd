"""``template_from``: a finished document and the profile it was written for → a template.

Every value of the profile found in the document is replaced by the tag that writes it; a text
two unrelated keys could have written is listed as ambiguous and left alone; paragraphs that
repeat one list's items become a ``{%p for %}`` loop, and a list written inline (甲、乙和丙)
becomes ``|cn_join``. The result is proven by rendering it again for the same profile: the text
must be the source's, paragraph by paragraph.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from speechkit.docx.parts import part_numbers
from speechkit.engine import oxml
from speechkit.errors import InputFileError, Location, SpeechkitError
from speechkit.templatize import infer
from speechkit.templatize.candidates import Candidate, Form, resolve
from speechkit.templatize.fields import FieldInfo, condition, field_catalog
from speechkit.templatize.matching import Match, Matcher
from speechkit.templatize.rewrite import Paragraph, paragraphs, replace_span, tag_paragraph

_TAG_MARKS = ("{{", "{%", "{#")


@dataclass(frozen=True)
class Replacement:
    """One value replaced by its tag: where, the original text, the tag and its key path."""

    address: str
    original: str
    tag: str
    key: str


@dataclass(frozen=True)
class AmbiguousHit:
    """A text that could be more than one value (or an ordinary word): listed, not replaced."""

    address: str
    text: str
    keys: tuple[str, ...]
    reason: str


@dataclass
class TemplatizeResult:
    """The new template's bytes and the review: replacements, ambiguous hits, values not found."""

    data: bytes
    replacements: list[Replacement] = field(default_factory=list)
    ambiguous: list[AmbiguousHit] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)
    loops: list[str] = field(default_factory=list)


@dataclass
class _Decision:
    match: Match
    form: Form
    tag: str
    order: int = 0  # for insertions at one place: closing tags (0, 1) before opening ones (2, 3)


@dataclass
class _Knowledge:
    """What the decisions read besides the matcher: the schema's fields and the whole numbers."""

    context: Mapping[str, Any]
    catalog: dict[str, FieldInfo]
    ints: dict[str, int]


class TemplateFromError(SpeechkitError):
    """Raised when a document cannot be made into a template (tags already, nothing found)."""


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def templatize_bytes(
    data: bytes, context: Mapping[str, Any], *, file: str, ordinary_word=None, pack=None
) -> TemplatizeResult:
    """Turn the .docx ``data`` into a template for ``context`` (see the module docstring).

    ``pack`` (an id) names the campaign pack whose schema says which fields are optional and
    what each is called; by default the profile's own ``pack`` key, else the core schema.
    """
    matcher = Matcher(context)
    ordinary_word = ordinary_word or _jieba_word
    ints = infer.int_fields(context)
    known = _Knowledge(context, field_catalog(context, pack), ints)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = zf.infolist()
        blobs = {info.filename: zf.read(info.filename) for info in infos}
    kinds = oxml.templated_parts(blobs["[Content_Types].xml"])
    main = next((name for name, kind in kinds.items() if kind == "body"), None)
    numbers = part_numbers(blobs, main, file) if main in blobs else {}
    result = TemplatizeResult(b"")
    found_keys: set[str] = set()
    tagged: list[str] = []
    changed: dict[str, bytes] = {}
    counters: dict[str, int] = {}
    for name, kind in kinds.items():
        if name not in blobs:
            continue
        counters[kind] = counters.get(kind, 0) + 1
        try:
            root = etree.fromstring(blobs[name], _parser())
        except etree.XMLSyntaxError:
            raise InputFileError(
                f"文档的 {name} 部分不是有效的 XML，文档可能已损坏。", Location(file=file)
            ) from None
        paras = paragraphs(root, kind, numbers.get(name, counters[kind]))
        for para in paras:
            if any(mark in para.text for mark in _TAG_MARKS):
                tagged.append(f"{para.address}「{_snippet(para.text)}」")
        if tagged:
            continue
        plan = {id(p): _decide(p, matcher, result, found_keys, ordinary_word, known) for p in paras}
        _make_row_loops(root, paras, plan, result)
        _make_loops(paras, plan, result)
        for para in paras:
            decisions = plan[id(para)]
            guards: dict[tuple[int, int], list[str]] = {}
            _join_inline_lists(para, decisions, context, known, guards)
            _guard_optional(para, decisions, known, guards)
            decisions = _merged_insertions(decisions, guards)
            text = para.text
            for d in sorted(decisions, key=lambda d: (d.match.start, d.match.end), reverse=True):
                if _lone_text_item(d):
                    # one entry of a list of texts, not the whole list: another town's list
                    # differs, and the words may be ordinary text here
                    result.ambiguous.append(
                        AmbiguousHit(para.address, d.match.candidate.text, (d.form.key,),
                                     "名单中的单独一项（不是整个名单），其他乡镇的名单不同")
                    )  # fmt: skip
                    continue
                replace_span(para.pieces, d.match.start, d.match.end, d.tag)
                original = text[d.match.start : d.match.end]
                if original:
                    result.replacements.append(
                        Replacement(para.address, original, d.tag, d.form.key)
                    )
        if kind == "body":
            _closing_block([p for p in paras if p.element.getparent() is not None])
        changed[name] = etree.tostring(
            root, xml_declaration=True, encoding="UTF-8", standalone=True
        )
    if tagged:
        shown = "；".join(tagged[:5]) + ("……" if len(tagged) > 5 else "")
        raise TemplateFromError(
            f"文档中已经有模板标记（{{{{ }}}} 或 {{% %}}），它已经是模板了：{shown}。"
            "请用已填好的文档（例如去年的成稿）。",
            Location(file=file),
        )
    if not result.replacements:
        raise TemplateFromError(
            "在文档中没有找到资料中的任何值（乡镇名称、人名、日期、数字……）；"
            "请确认所给的乡镇资料就是这份文档所写的乡镇。",
            Location(file=file),
        )
    result.replacements.sort(key=lambda r: _address_key(r.address))
    result.not_found = _not_found(matcher, found_keys, known)
    result.data = _repack(infos, blobs, changed)
    return result


def _closing_block(paras: list[Paragraph]) -> None:
    """Re-pad a closing block (issuing body, date) whose values became tags.

    The block is right-aligned with full-width spaces counted from the text's length; with tags
    the padding must be computed at render time, as the typeset templates do.
    """
    from speechkit.typeset.text import closing_lines

    lines = [p for p in paras if p.text.strip() and p.cell is None][-2:]
    if len(lines) != 2 or not all(p.text.startswith("\u3000\u3000") for p in lines):
        return
    name, date = (p.text.strip("\u3000 ") for p in lines)
    if "{{" not in name or "{{" not in date or "{%" in name + date:
        return
    for para, new in zip(lines, closing_lines(name, date), strict=True):
        replace_span(para.pieces, 0, len(para.text), new)


def _snippet(text: str, width: int = 20) -> str:
    return text if len(text) <= width else text[:width] + "…"


def _address_key(address: str) -> tuple:

    return tuple(int(s) if s.isdigit() else s for s in re.split(r"(\d+)", address))


def _decide(
    para: Paragraph,
    matcher: Matcher,
    result: TemplatizeResult,
    found: set[str],
    ordinary_word,
    known: _Knowledge,
) -> list[_Decision]:
    """The replacements of one paragraph; ambiguous hits go to ``result.ambiguous``."""
    text = para.text
    out: list[_Decision] = []
    matches = matcher.find(text)
    for match in matches:
        cand = match.candidate
        found.update(cand.keys)
        form = resolve(cand)
        if form is not None and form.kind == "literal":
            continue  # a word kept as written (本镇区)
        if form is None and all(f.kind == "count" for f in cand.forms):
            # two counts with one value: the words around it (41个党支部) may name one
            window = infer.label_window(text, match.start, match.end)
            key = infer.by_label(window, cand.keys, known.catalog)
            form = next((f for f in cand.forms if f.key == key), None)
        if form is None:
            result.ambiguous.append(
                AmbiguousHit(para.address, cand.text, tuple(cand.keys), "多个资料项的值相同")
            )
            continue
        after = text.startswith("同志", match.end)
        if form.kind == "person" and not after and ordinary_word(cand.text):
            result.ambiguous.append(
                AmbiguousHit(para.address, cand.text, (form.key,), "人名也是常用词语")
            )
            continue
        out.append(_Decision(match, form, form.expr))
    _loose_numbers(text, [(m.start, m.end) for m in matches], out, found, known)
    return out


def _loose_numbers(text: str, taken, out: list[_Decision], found: set[str], known) -> None:
    """Counts no candidate claimed: a small one named by its label (问题3起 → town.case_count),
    or a difference or sum of two counts of the paragraph (其余2个 → total − done)."""
    for number in infer.loose_numbers(text, taken):
        written = text[number.start : number.end]
        keys = [k for k, v in known.ints.items() if v == number.value and k in known.catalog]
        window = infer.label_window(text, number.start, number.end)
        key = infer.by_label(window, keys, known.catalog) if keys else None
        if key is not None:
            form = Form(written, f"{{{{ {key} }}}}", key, "count")
            out.append(
                _Decision(Match(number.start, number.end, Candidate(written)), form, form.expr)
            )
            found.add(key)
            continue
        counts = [
            (d.form.key, known.ints[d.form.key])
            for d in out
            if d.form.kind == "count" and d.form.key in known.ints
        ]
        made = infer.computed(number, counts, set(known.ints.values()))
        if made is None:
            continue
        expr, total, part = made
        form = Form(written, f"{{{{ {expr} }}}}", expr, "count")
        out.append(_Decision(Match(number.start, number.end, Candidate(written)), form, form.expr))
        if " - " not in expr:
            continue
        part_at = [d for d in out if d.form.key == part and d.match.end <= number.start]
        if not part_at:
            continue
        branch = infer.remainder_branch(text, part_at[-1].match.start, number)
        if branch is not None:
            begin, finish, verb = branch
            opener = f"{{% if {total} > {part} %}}"
            closer = f"{{% else %}}已全部{verb}{{% endif %}}"
            out.append(_insertion(begin, opener, 3))
            out.append(_insertion(finish, closer, 0))


def _insertion(at: int, tag: str, order: int) -> _Decision:
    return _Decision(Match(at, at, Candidate("")), Form("", "", "", "loop"), tag, order)


def _guard_optional(para: Paragraph, decisions: list[_Decision], known, guards: dict) -> None:
    """A sentence holding a value a town may leave out is written only when the town has it."""
    text = para.text
    for d in decisions:
        info = known.catalog.get(d.form.key)
        if d.match.start == d.match.end or d.form.list_key is not None or info is None:
            continue
        if info.optional:
            span = infer.sentence(text, d.match.start, d.match.end)
            _add_guard(guards, span, condition(info))


def _add_guard(guards: dict, span: tuple[int, int], test: str) -> None:
    tests = guards.setdefault(span, [])
    if test not in tests:
        tests.append(test)


def _merged_insertions(decisions: list[_Decision], guards: dict) -> list[_Decision]:
    """The decisions with each sentence guard added and the insertions at one place joined in
    order (a closing tag before an opening one), so that they are written as one text."""
    out = [d for d in decisions if d.match.start != d.match.end]
    inserts = [d for d in decisions if d.match.start == d.match.end]
    for (begin, finish), tests in guards.items():
        inserts.append(_insertion(begin, "{% if " + " and ".join(tests) + " %}", 2))
        inserts.append(_insertion(finish, "{% endif %}", 1))
    at: dict[int, list[_Decision]] = {}
    for d in inserts:
        at.setdefault(d.match.start, []).append(d)
    for group in at.values():
        group.sort(key=lambda d: d.order)
        first = group[0]
        out.append(_Decision(first.match, first.form, "".join(d.tag for d in group), first.order))
    return out


_WORD_FREQ: dict[str, int] = {}


def _jieba_word(text: str) -> bool:
    """True when ``text`` is a common word in jieba's dictionary (a name such as 高峰, 建国).

    Reads the dictionary file for the asked word only (jieba's full start-up costs about 1 s).
    """
    if text not in _WORD_FREQ:
        _WORD_FREQ[text] = _dictionary_freq(text)
    return _WORD_FREQ[text] >= 50


def _dictionary_freq(word: str) -> int:
    import jieba

    prefix = (word + " ").encode("utf-8")
    with open(jieba.get_dict_file().name, "rb") as f:
        for line in f:
            if line.startswith(prefix):
                return int(line.split()[1])
    return 0


# --- lists ----------------------------------------------------------------------------------


def _item_forms(decisions: list[_Decision]) -> tuple[str, int] | None:
    """(list key, index) when the paragraph's values all fit one item of one list.

    A value may be readable both as a list item and as another key (the office head is also a
    member of the leading group): the item reading is used when every such value agrees on it.
    """
    common: set[tuple[str, int]] | None = None
    for d in decisions:
        items = {(f.list_key, f.index) for f in d.match.candidate.forms if f.list_key is not None}
        if not items:
            continue
        common = items if common is None else common & items
    if common is None or len(common) != 1:
        return None
    return next(iter(common))


def _as_item(d: _Decision, list_key: str, index: int) -> Form | None:
    return next(
        (f for f in d.match.candidate.forms if f.list_key == list_key and f.index == index), None
    )


def _loop_expr(form: Form, list_key: str, var: str) -> str:
    """``{{ item.name }}`` for ``{{ leading_group.members[2].name }}``."""
    prefix = f"{list_key}[{form.index}]"
    return form.expr.replace(prefix, var)


def _numbering(text: str, position: int) -> tuple[int, str] | None:
    """(length, tag) when ``text`` starts with the ``position``-th heading number (2. or （二）)."""
    from speechkit.filters import cn_ordinal

    for level in (1, 2, 3, 4):
        number = cn_ordinal(position, level)
        if text.startswith(number):
            tag = "{{ loop.index }}." if level == 3 else f"{{{{ loop.index|cn_ordinal({level}) }}}}"
            return len(number), tag
    return None


def _shape(para: Paragraph, decisions: list[_Decision], list_key: str, index: int) -> str:
    """The paragraph's text as the loop body would write it for the item at ``index``."""
    text = para.text
    for d in sorted(decisions, key=lambda d: d.match.start, reverse=True):
        item = _as_item(d, list_key, index)
        tag = _loop_expr(item, list_key, "item") if item is not None else d.tag
        text = text[: d.match.start] + tag + text[d.match.end :]
    return text


def _make_loops(paras: list[Paragraph], plan: dict, result: TemplatizeResult) -> None:
    """Make runs of sibling paragraphs that each hold one item of one list into a loop."""
    i = 0
    while i < len(paras):
        head = _item_forms(plan[id(paras[i])])
        if head is None:
            i += 1
            continue
        list_key = head[0]
        j = i
        while (
            j + 1 < len(paras)
            and paras[j + 1].element.getparent() is paras[i].element.getparent()
            and paras[j + 1].element.getprevious() is paras[j].element
            and (nxt := _item_forms(plan[id(paras[j + 1])])) is not None
            and nxt[0] == list_key
        ):
            j += 1
        while j > i and not _loop_group(paras[i : j + 1], plan, list_key, result):
            j -= 1  # the run may end with a paragraph that only mentions an item
        i = j + 1


def _loop_group(group, plan, list_key: str, result: TemplatizeResult) -> bool:
    indices = [_item_forms(plan[id(p)])[1] for p in group]
    if len(group) < 2 or sorted(indices) != list(range(len(group))):
        return False
    var = "item"
    shapes = set()
    numbered = [_numbering(p.text, k) for k, p in enumerate(group, start=1)]
    label = _first_label(group)
    for k, (p, index) in enumerate(zip(group, indices, strict=True)):
        shape = _shape(p, plan[id(p)], list_key, index)
        if numbered[k] is not None:
            shape = numbered[k][1] + shape[numbered[k][0] :]
        if label is not None:
            shape = label[1] + shape[label[0] :]
        shapes.add(shape)
    if len(shapes) != 1 or (None in numbered and any(numbered)):
        return False
    for p, index in zip(group, indices, strict=True):
        for d in plan[id(p)]:
            item = _as_item(d, list_key, index)
            if item is not None:
                d.form, d.tag = item, item.expr
    stroke = _stroke_order(group, plan, list_key) == indices
    previous = group[0].element.getprevious()
    said = previous is not None and "笔画" in "".join(previous.itertext())
    if stroke and (said or indices != sorted(indices)):
        loop_over = f'{list_key}|stroke_sort(attribute="name")'
    elif indices == sorted(indices):
        loop_over = list_key
    elif stroke:
        loop_over = f'{list_key}|stroke_sort(attribute="name")'
    else:
        return False
    first = group[0]
    for d in plan[id(first)]:
        if d.form.list_key == list_key:
            d.tag = _loop_expr(d.form, list_key, var)
    for prefix in (numbered[0], label):
        if prefix is not None:
            length, tag = prefix
            start = Match(0, length, Candidate(first.text[:length]))
            plan[id(first)].append(_Decision(start, Form(tag, tag, "loop.index", "loop"), tag))
    parent = first.element.getparent()
    at = parent.index(first.element)
    parent.insert(at, tag_paragraph(first.element, f"{{%p for {var} in {loop_over} %}}"))
    last = group[-1].element
    parent.insert(parent.index(last) + 1, tag_paragraph(first.element, "{%p endfor %}"))
    for p in group[1:]:
        parent.remove(p.element)
        plan[id(p)] = []
    result.loops.append(f"{first.address} 起 {len(group)} 段 → {{%p for {var} in {loop_over} %}}")
    return True


_LABEL = re.compile(r"[\u4e00-\u9fff\u3000]{1,8}：")


def _first_label(group: list[Paragraph]) -> tuple[int, str] | None:
    """(length, tag) when the first item starts with a label (副组长：) and the others with as
    many full-width spaces: ``{% if loop.first %}副组长：{% else %}　　　　{% endif %}``."""
    found = _LABEL.match(group[0].text)
    if found is None:
        return None
    label = found.group(0)
    pad = "\u3000" * len(label)
    if not all(p.text.startswith(pad) for p in group[1:]):
        return None
    return len(label), f"{{% if loop.first %}}{label}{{% else %}}{pad}{{% endif %}}"


def _make_row_loops(root, paras: list[Paragraph], plan: dict, result: TemplatizeResult) -> None:
    """Make runs of table rows that each hold one item of one list into a ``{%tr for %}``."""
    by_row: dict = {}
    for para in paras:
        if para.cell is None:
            continue
        tr = oxml.ancestor(para.element, oxml.W_TR)
        by_row.setdefault(tr, []).append(para)
    for tbl in list(root.iter(oxml.W_TBL)):
        rows = [r for r in tbl if r.tag == oxml.W_TR]
        keys = [_row_item(by_row.get(r, []), plan) for r in rows]
        i = 0
        while i < len(rows):
            if keys[i] is None:
                i += 1
                continue
            j = i
            while j + 1 < len(rows) and keys[j + 1] is not None and keys[j + 1][0] == keys[i][0]:
                j += 1
            while j > i and not _row_group(rows[i : j + 1], keys[i : j + 1], by_row, plan, result):
                j -= 1
            i = j + 1


def _row_item(row_paras: list[Paragraph], plan: dict) -> tuple[str, int] | None:
    decisions = [d for p in row_paras for d in plan[id(p)]]
    return _item_forms(decisions) if decisions else None


def _row_group(rows, keys, by_row, plan, result: TemplatizeResult) -> bool:
    list_key = keys[0][0]
    indices = [k[1] for k in keys]
    if sorted(indices) != list(range(len(rows))) or indices != sorted(indices):
        return False
    shapes = {
        "\u0001".join(_shape(p, plan[id(p)], list_key, index) for p in by_row[row])
        for row, index in zip(rows, indices, strict=True)
    }
    if len(shapes) != 1:
        return False
    for row, index in zip(rows, indices, strict=True):
        for p in by_row[row]:
            for d in plan[id(p)]:
                item = _as_item(d, list_key, index)
                if item is not None:
                    d.form, d.tag = item, _loop_expr(item, list_key, "item")
    first = rows[0]
    table = first.getparent()
    table.insert(table.index(first), _tag_row(first, f"{{%tr for item in {list_key} %}}"))
    table.insert(table.index(rows[-1]) + 1, _tag_row(first, "{%tr endfor %}"))
    for row in rows[1:]:
        table.remove(row)
        for p in by_row[row]:
            plan[id(p)] = []
    address = by_row[first][0].address
    result.loops.append(f"{address} 起 {len(rows)} 行 → {{%tr for item in {list_key} %}}")
    return True


def _tag_row(template_row, tag: str):
    """A copy of ``template_row`` whose first cell holds only ``tag`` and the others nothing."""
    row = etree.fromstring(etree.tostring(template_row))
    for n, tc in enumerate(row.iter(oxml.W_TC)):
        for p in tc.findall(oxml.W_P):
            tc.remove(p)
        tc.append(tag_paragraph(template_row, tag if n == 0 else ""))
    return row


def _stroke_order(group, plan, list_key: str) -> list[int] | None:
    """The item indices in the order ``stroke_sort(attribute="name")`` would give them."""
    from speechkit.filters import stroke_sort

    names = {}
    for p in group:
        index = _item_forms(plan[id(p)])[1]
        for d in plan[id(p)]:
            item = _as_item(d, list_key, index)
            if item is not None and item.key.endswith(".name"):
                names[index] = d.match.candidate.text
    if len(names) != len(group):
        return None
    ordered = stroke_sort([{"name": n, "i": i} for i, n in names.items()], attribute="name")
    return [item["i"] for item in ordered]


def _join_inline_lists(
    para: Paragraph, decisions: list[_Decision], context, known: _Knowledge, guards: dict
) -> None:
    """甲、乙和丙 written from one whole list of texts (or the item of a list of one) becomes
    ``{{ list|cn_join }}``."""
    text = para.text
    ordered = sorted(decisions, key=lambda d: d.match.start)
    i = 0
    while i < len(ordered):
        d = ordered[i]
        key = d.form.list_key
        if key is None or d.form.index != 0 or "." in d.form.key[len(key) :]:
            i += 1
            continue
        run = [d]
        while i + len(run) < len(ordered):
            nxt = ordered[i + len(run)]
            if nxt.form.list_key != key or nxt.form.index != len(run):
                break
            run.append(nxt)
        size = _list_size(context, key)
        seps = [text[a.match.end : b.match.start] for a, b in zip(run, run[1:], strict=False)]
        # 甲、乙和丙, or the one item of a list of one written on its own (not 甲、乙、丙 of the
        # fixed text, which may name it among others): either way the whole list
        alone = size == 1 and not _in_enumeration(text, d.match.start, d.match.end)
        if size == len(run) and (alone or seps == ["、"] * (len(run) - 2) + ["和"]):
            joined = _Decision(
                Match(run[0].match.start, run[-1].match.end, run[0].match.candidate),
                run[0].form,
                f"{{{{ {key}|cn_join }}}}",
            )
            start = decisions.index(run[0])
            for r in run:
                decisions.remove(r)
            decisions.insert(start, joined)
            # a sentence about the list says nothing when the list is empty: it is written only
            # when there is a list (the way the shipped templates guard it)
            span = infer.sentence(text, joined.match.start, joined.match.end)
            info = known.catalog.get(key)
            _add_guard(guards, span, condition(info) if info and info.optional else key)
            i += len(run)
            continue
        i += 1


def _in_enumeration(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]`` stands in an enumeration (、 or 和 right before or after)."""
    return text[start - 1 : start] in ("、", "和") or text[end : end + 1] in ("、", "和")


def _lone_text_item(d: _Decision) -> bool:
    """A list-of-texts entry still written as ``{{ list[i] }}`` (not a loop or a join)."""
    form = d.form
    return (
        form.list_key is not None
        and form.key == f"{form.list_key}[{form.index}]"
        and d.tag == form.expr
    )


def _list_size(context, key: str) -> int:
    from speechkit.templatize.candidates import lookup

    value = lookup(context, key)
    return len(value) if isinstance(value, list) else -1


def _not_found(matcher: Matcher, found: set[str], known: _Knowledge) -> list[str]:
    # the small counts of the schema (3起) are looked for by their label, not as candidates
    keys = [
        k for k, v in known.ints.items() if 0 < v < 10 and k in known.catalog and k not in found
    ]
    for cand in matcher.candidates.values():
        for form in cand.forms:
            if form.kind in ("town", "literal", "loop") or not form.key:
                continue
            if form.key not in found and form.key not in keys:
                keys.append(form.key)
    return sorted(keys, key=_address_key)


def _repack(infos, blobs: dict[str, bytes], changed: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in infos:
            dst.writestr(info, changed.get(info.filename, blobs[info.filename]))
    return out.getvalue()
