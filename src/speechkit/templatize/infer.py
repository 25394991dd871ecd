"""Inferences beyond "this text is that value": which of two equal numbers a text is (by the
words around it), small counts (3起) named by their label, numbers computed from two values
(其余2个 = 15 − 13), the 已全部… branch of such a remainder, and the sentences written only when
a town has an optional value (``{% if … %}``).

Each inference is made only when the document and the profile's schema say so; nothing here
invents a value the source document does not show.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from speechkit.templatize.fields import FieldInfo

# Punctuation that ends the words describing a number (its label: 个党支部, 谈心谈话…人次).
_LABEL_STOPS = "，。；：、！？（）“”《》,.;:()"
# Sentence ends: an optional value's sentence runs from after the previous one to this one.
SENTENCE_STOPS = "。；！？"
# Measure words after a count (3起, 其余2个, 41个党支部).
MEASURES = "个名人起条次项天家所批件处"
_NUMBER = re.compile(rf"(?<![0-9.])[0-9]+(?![0-9.])(?=[{MEASURES}])")
_MIN_LABEL = 2  # characters a label must share with the field's title
_CJK = re.compile(r"[\u4e00-\u9fff]+")


def _common(a: str, b: str) -> int:
    """Length of the longest common substring of ``a`` and ``b`` (short texts)."""
    best = 0
    for i in range(len(a)):
        for j in range(i + best + 1, len(a) + 1):
            if a[i:j] in b:
                best = j - i
            else:
                break
    return best


def _title_words(info: FieldInfo) -> str:
    title = re.sub(r"（[^）]*）", "", info.title)  # （如 东湖镇）, （起）
    return title


def label_window(text: str, start: int, end: int) -> str:
    """The words around ``text[start:end]`` up to the nearest punctuation on each side."""
    before = max((text.rfind(ch, 0, start) for ch in _LABEL_STOPS), default=-1) + 1
    after = min(
        (i for i in (text.find(ch, end) for ch in _LABEL_STOPS) if i >= 0), default=len(text)
    )
    return text[before:start] + text[end:after]


def by_label(window: str, keys: list[str], catalog: Mapping[str, FieldInfo]) -> str | None:
    """The one key whose title shares clearly the most words with ``window`` (or None)."""
    scored = sorted(
        ((_common(window, _title_words(catalog[k])) if k in catalog else 0, k) for k in keys),
        reverse=True,
    )
    if not scored or scored[0][0] < _MIN_LABEL:
        return None
    if len(scored) > 1 and scored[1][0] >= scored[0][0]:
        return None
    return scored[0][1]


@dataclass(frozen=True)
class Number:
    """A count written in digits that no candidate claimed: where, and its value."""

    start: int
    end: int
    value: int


def loose_numbers(text: str, taken: list[tuple[int, int]]) -> list[Number]:
    """Digit counts followed by a measure word (3起, 2个) outside the spans already replaced."""
    out = []
    for m in _NUMBER.finditer(text):
        if any(a < m.end() and m.start() < b for a, b in taken):
            continue
        out.append(Number(m.start(), m.end(), int(m.group(0))))
    return out


def int_fields(context: Mapping[str, Any], prefix: str = "") -> dict[str, int]:
    """Every whole-number value outside lists, by key path."""
    out: dict[str, int] = {}
    for key, value in context.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, Mapping):
            out.update(int_fields(value, path))
        elif isinstance(value, int) and not isinstance(value, bool):
            out[path] = value
    return out


def computed(
    number: Number, counts: list[tuple[str, int]], all_values: set[int]
) -> tuple[str, str, str] | None:
    """(expression, total key, part key) when ``number`` is the difference of two counts of the
    paragraph (其余2个 = 15 − 13) or their sum, and no field has that value itself."""
    if number.value in all_values:
        return None
    found = set()
    for a, va in counts:
        for b, vb in counts:
            if a != b and va - vb == number.value and va > vb:
                found.add((f"{a} - {b}", a, b))
            if a < b and va + vb == number.value:
                found.add((f"{a} + {b}", a, b))
    return found.pop() if len(found) == 1 else None


def remainder_branch(text: str, part_start: int, rest: Number) -> tuple[int, int, str] | None:
    """已整改完成13个，其余2个…: (start of 已…, end of the sentence, the done verb 整改完成).

    A remainder says nothing when it is 0; the document then writes 已全部整改完成 — the same
    verb after 已全部 — so the clause becomes ``{% if total > part %}…{% else %}已全部…``.
    """
    yi = text.rfind("已", 0, part_start)
    if yi < 0 or not _CJK.fullmatch(text[yi + 1 : part_start] or "-"):
        return None
    between = text[part_start : rest.start]
    if not re.fullmatch(rf"[0-9]+[{MEASURES}]，其余", between):
        return None
    finish = min(
        (i for i in (text.find(ch, rest.end) for ch in SENTENCE_STOPS) if i >= 0), default=-1
    )
    if finish < 0:
        return None
    return yi, finish, text[yi + 1 : part_start]


def sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence holding ``text[start:end]``: after the previous 。；！？ up to the next one."""
    begin = max((text.rfind(ch, 0, start) for ch in SENTENCE_STOPS), default=-1) + 1
    finish = min(
        (i for i in (text.find(ch, end) for ch in SENTENCE_STOPS) if i >= 0), default=len(text) - 1
    )
    return begin, finish + 1
