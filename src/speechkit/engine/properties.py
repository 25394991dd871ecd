"""Tags in the document properties (``docProps/core.xml``): title, subject, author, keywords
and the other text properties, rendered like the body (inline tags only)."""

from __future__ import annotations

from lxml import etree

from speechkit.engine.cells import instruction
from speechkit.engine.preprocess import (
    PartSource,
    _check_tags,
    _serialise,
    _snippet,
)
from speechkit.engine.tags import Tag, scan
from speechkit.errors import Location, Problem


def preprocess_properties(xml: bytes, name: str, file: str) -> PartSource:
    """Preprocess ``docProps/core.xml``: tags in the title, subject, author, keywords and the
    other text properties (inline tags only)."""
    root = etree.fromstring(xml, etree.XMLParser(huge_tree=True, resolve_entities=False))
    result = PartSource(name=name, kind="properties", source=None)
    for el in root.iter():
        if not isinstance(el.tag, str) or len(el) or not el.text or "{" not in el.text:
            continue
        text = el.text
        raw_tags, errors = scan(text)
        prop = etree.QName(el).localname
        location = Location(file=file, part="properties", snippet=f"{prop}：{_snippet(text)}")
        for err in errors:
            result.problems.append(Problem(location, f"{err.message}：{err.text}"))
        if not raw_tags:
            continue
        el.text = text[: raw_tags[0].start]
        for i, raw in enumerate(raw_tags):
            tag = Tag(len(result.tags), raw, location, container=("inline", el, 1))
            result.tags.append(tag)
            if raw.level:
                result.problems.append(
                    Problem(
                        location, f"{tag.text}：文档属性里只能用行内标签，不能用 {{%{raw.level} %}}"
                    )
                )
            pi = instruction(tag)
            end = raw_tags[i + 1].start if i + 1 < len(raw_tags) else len(text)
            pi.tail = text[raw.end : end]
            el.append(pi)
            tag.node = pi
    if result.tags:
        _check_tags(result)
        result.source = _serialise(root, result)
    return result
