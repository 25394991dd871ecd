"""Proof by round trip: a new template must write its source document again, paragraph by
paragraph, and can be compared for another town with the template the source came from."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lxml import etree

from speechkit.engine import oxml
from speechkit.templatize.rewrite import paragraphs


@dataclass(frozen=True)
class TextDifference:
    """One paragraph where two documents differ (None: the paragraph is missing on that side)."""

    number: int
    expected: str | None
    actual: str | None


def document_texts(data: bytes) -> list[str]:
    """The non-empty paragraph texts of every templated part of a .docx, in order."""
    texts: list[str] = []
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        kinds = oxml.templated_parts(zf.read("[Content_Types].xml"))
        names = set(zf.namelist())
        counters: dict[str, int] = {}
        for name, kind in kinds.items():
            if name not in names:
                continue
            counters[kind] = counters.get(kind, 0) + 1
            parser = etree.XMLParser(resolve_entities=False, no_network=True)
            root = etree.fromstring(zf.read(name), parser)
            texts.extend(p.text for p in paragraphs(root, kind, counters[kind]) if p.text.strip())
    return texts


def compare_texts(expected: list[str], actual: list[str]) -> list[TextDifference]:
    """The paragraphs where ``actual`` differs from ``expected`` (empty list: the same text)."""
    import difflib

    out: list[TextDifference] = []
    matcher = difflib.SequenceMatcher(a=expected, b=actual, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            continue
        for k in range(max(a2 - a1, b2 - b1)):
            exp = expected[a1 + k] if a1 + k < a2 else None
            act = actual[b1 + k] if b1 + k < b2 else None
            out.append(TextDifference(a1 + k + 1, exp, act))
    return out


def render_texts(template_data: bytes, context: Mapping[str, Any], name: str) -> list[str]:
    """Render a template given as bytes and return its paragraph texts."""
    import tempfile
    from pathlib import Path

    from speechkit.engine import Template

    with tempfile.TemporaryDirectory(prefix="speechkit-from-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(template_data)
        return document_texts(Template(path).render(context))
