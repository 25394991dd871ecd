"""What a profile's values look like in a finished document, and the tag that writes each.

``candidates(context)`` walks the merged profile and yields one :class:`Candidate` per written
form of each value: a town in its forms (东湖镇, 东湖), a person, a date in every Chinese style
(2024年7月5日, 二〇二四年七月五日, 2024年7月, 7月5日, 2024-07-05), a count in Arabic and Chinese
numerals (612, 六百一十二), each list item. Where one text is written by several keys, the
candidate carries every expression; :func:`resolve` keeps the clear ones and reports the rest as
ambiguous.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from speechkit.filters import cn_date, cn_number

# Keys whose value is read through another key (a person listed twice): the shorter path wins.
_MIN_TEXT = 2  # a one-character value (镇) is only replaced in the contexts of _KIND_CONTEXT


@dataclass(frozen=True)
class Form:
    """One written form of one value: the text and the Jinja expression that writes it."""

    text: str
    expr: str
    key: str
    kind: str  # text | person | date | count | item | town
    list_key: str | None = None  # for list items: the list's key path
    index: int | None = None
    not_after: str = ""  # characters that must not stand right before the text (镇 of 镇区党委)
    pattern: str = ""  # a regular expression that finds the text where it means this value


@dataclass
class Candidate:
    """A text found in the document and every form that could have written it."""

    text: str
    forms: list[Form] = field(default_factory=list)

    @property
    def keys(self) -> list[str]:
        """The distinct key paths that write this text, in first-seen order."""
        seen: list[str] = []
        for form in self.forms:
            if form.key not in seen:
                seen.append(form.key)
        return seen


def _path(prefix: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{prefix}[{key}]"
    return f"{prefix}.{key}" if prefix else str(key)


def _leaves(value: Any, prefix: str = "") -> Iterator[tuple[str, Any, str | None, int | None]]:
    """(key path, value, list key, index) for every scalar under ``value``."""
    if isinstance(value, Mapping):
        for key, sub in value.items():
            yield from _leaves(sub, _path(prefix, str(key)))
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            if isinstance(sub, Mapping | list):
                for path, leaf, inner_key, inner_i in _leaves(sub, _path(prefix, i)):
                    # the innermost list owns the item (phases[0].tasks[1] is a task)
                    if inner_key is not None and inner_key != _path(prefix, i):
                        yield path, leaf, inner_key, inner_i
                    else:
                        yield path, leaf, prefix, i
            else:
                yield _path(prefix, i), sub, prefix, i
    else:
        yield prefix, value, None, None


def forms_of(path: str, value: Any, list_key: str | None, index: int | None) -> list[Form]:
    """Every written form of one profile value."""
    if value is None or isinstance(value, bool):
        return []
    kind = "item" if list_key is not None else "text"
    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        forms = [
            Form(cn_date(value), f"{{{{ {path}|cn_date }}}}", path, "date", list_key, index),
            Form(
                cn_date(value, "hanzi"),
                f'{{{{ {path}|cn_date("hanzi") }}}}',
                path,
                "date",
                list_key,
                index,
            ),
            Form(
                f"{value.month}月{value.day}日",
                f"{{{{ {path}.month }}}}月{{{{ {path}.day }}}}日",
                path,
                "date",
                list_key,
                index,
            ),
            Form(
                cn_date(value, "month"),
                f'{{{{ {path}|cn_date("month") }}}}',
                path,
                "date",
                list_key,
                index,
            ),
            Form(value.isoformat(), f"{{{{ {path} }}}}", path, "date", list_key, index),
        ]
        return forms
    if isinstance(value, int):
        if value < 10:  # 2, 3 … are heading numbers, 2. and （3） as often as counts: left alone
            return []
        forms = [Form(str(value), f"{{{{ {path} }}}}", path, "count", list_key, index)]
        if value >= 10:  # 一 … 九 are ordinary words; 十 and up are rarely anything else
            forms.append(
                Form(
                    cn_number(value), f"{{{{ {path}|cn_number }}}}", path, "count", list_key, index
                )
            )
        return forms
    if isinstance(value, str):
        if path == "town.kind":  # 镇 / 街道 are ordinary words: only in the forms of matching.py
            return []
        text = value.strip()
        if len(text) < _MIN_TEXT:
            return []
        kind = "person" if _is_person_key(path) else kind
        return [Form(text, f"{{{{ {path} }}}}", path, kind, list_key, index)]
    return []


def _is_person_key(path: str) -> bool:
    last = path.rsplit(".", 1)[-1].split("[")[0]
    return last in {"name", "secretary", "mayor", "leader", "members"} and not path.startswith(
        ("town.name", "city.name", "campaign.name")
    )


def town_forms(context: Mapping[str, Any]) -> list[Form]:
    """The town's short name (东湖 for 东湖镇, 城关 for 城关街道)."""
    town = context.get("town") or {}
    name, kind = town.get("name"), town.get("kind")
    if not isinstance(name, str) or not isinstance(kind, str) or not name.endswith(kind):
        return []
    short = name[: -len(kind)]
    if len(short) < _MIN_TEXT:
        return []
    return [Form(short, '{{ town.name|replace(town.kind, "") }}', "town.name", "town")]


def candidates(context: Mapping[str, Any]) -> dict[str, Candidate]:
    """Every written form of every value of ``context``, keyed by its text."""
    found: dict[str, Candidate] = {}
    forms: list[Form] = []
    for path, value, list_key, index in _leaves(context):
        forms.extend(forms_of(path, value, list_key, index))
    forms.extend(town_forms(context))
    for form in forms:
        found.setdefault(form.text, Candidate(form.text)).forms.append(form)
    return found


def _rank(form: Form) -> tuple[int, int]:
    """Lower is clearer: a direct key before a list item, a short path before a long one."""
    return (1 if form.list_key is not None else 0, form.key.count(".") + form.key.count("["))


def resolve(candidate: Candidate) -> Form | None:
    """The one form that writes ``candidate``, or None when two unrelated keys could.

    A person named under several keys (town.secretary and leading_group.leader.name) is the same
    person: the clearest key wins. Two different counts or dates that happen to be equal are
    ambiguous.
    """
    if len(candidate.keys) == 1:
        return candidate.forms[0]
    ranked = sorted(candidate.forms, key=_rank)
    best, second = ranked[0], ranked[1]
    if candidate.forms[0].kind in {"person", "text", "item", "town"} and _rank(best) < _rank(
        second
    ):
        return best
    return None


def lookup(context: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path with ``[i]`` indexes, or None."""
    import re

    value: Any = context
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path):
        try:
            value = value[int(index)] if index else value[name]
        except (KeyError, IndexError, TypeError):
            return None
    return value
