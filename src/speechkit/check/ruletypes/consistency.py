"""``consistency``: values written in the text compared with the profile's facts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from speechkit.check.model import Block
from speechkit.check.prefilter import allows
from speechkit.check.ruletypes.base import Hit, Rule, RunContext, Spec
from speechkit.cnnum import parse_date_parts as parse_date
from speechkit.cnnum import parse_number


def cn_date(d: dt.date) -> str:
    """2024年7月5日."""
    return f"{d.year}年{d.month}月{d.day}日"


def lookup(data, keypath: str):
    """The value at a dotted key path (``a.b.0.c``) of nested dicts/lists, or None."""
    cur = data
    for part in keypath.split("."):
        if isinstance(cur, dict):
            cur = cur.get(part)
        elif isinstance(cur, list) and part.isdigit() and int(part) < len(cur):
            cur = cur[int(part)]
        else:
            return None
        if cur is None:
            return None
    return cur


def same(found: str, expected, how: str) -> bool:
    """Whether the text value ``found`` agrees with the profile value under ``how``."""
    if how == "number":
        n = parse_number(found)
        return n is not None and isinstance(expected, int) and n == expected
    if how in ("date", "month"):
        parts = parse_date(found)
        if parts is None or not isinstance(expected, dt.date):
            return False
        year, month, day = parts
        if year is not None and year != expected.year:
            return False
        if month != expected.month:
            return False
        return how == "month" or day is None or day == expected.day
    return found.strip() == str(expected).strip()


def show(value) -> str:
    """A profile value as the text would write it."""
    if isinstance(value, dt.date):
        return cn_date(value)
    return str(value)


@dataclass
class Consistency(Rule):
    """Keys: ``regex`` with a named group ``value``; ``field`` (a profile key path such as
    ``party.members``) or ``fields`` (the value may equal any of them); ``compare`` number |
    date | month | text. Runs only with a profile; fields the profile lacks are skipped. The
    message may use ``{value}``, ``{expected}``, ``{field}`` and ``{where}`` (file:line:col)."""

    patterns: tuple = ()
    fields: tuple[str, ...] = ()
    compare: str = "text"

    type_name = "consistency"
    needs_profile = True

    @classmethod
    def from_spec(cls, spec: Spec, pack: str, line: int | None) -> Consistency:
        common = cls.common(spec, pack, line)
        patterns = spec.regex("regex", group="value")
        spec.need_any(("regex",), (patterns,), "consistency 规则需要 regex。")
        fields = spec.str_list("fields") or spec.str_list("field")
        spec.need_any(
            ("field", "fields"),
            (fields,),
            "consistency 规则需要 field（资料中的键路径，如 party.members）。",
        )
        return cls(
            **common,
            patterns=tuple(patterns),
            fields=tuple(fields),
            compare=spec.choice("compare", ("number", "date", "month", "text"), "text"),
        )

    def gates(self) -> tuple | None:
        return tuple(p.gate for p in self.patterns)

    def run(self, block: Block, ctx: RunContext) -> list[Hit]:
        profile = ctx.profile
        if profile is None:
            return []
        data = ctx.profile_data()
        expected = [(f, _typed(lookup(data, f), self.compare)) for f in self.fields]
        expected = [(f, v) for f, v in expected if v is not None]
        if not expected:
            return []
        hits = []
        text = block.scan_text
        feats = ctx.features(block)
        for pat in self.patterns:
            if not allows(pat.gate, feats):
                continue
            for m in pat.finditer(text):
                s, e = m.span("value")
                if e <= s:
                    continue
                found = text[s:e]
                if any(same(found, v, self.compare) for _, v in expected):
                    continue
                field_name, value = expected[0]
                where = _where(profile, field_name)
                hits.append(
                    Hit(
                        s,
                        e,
                        show(value),
                        (
                            ("value", found),
                            ("expected", "、".join(show(v) for _, v in expected)),
                            ("field", "、".join(f for f, _ in expected)),
                            ("where", where),
                        ),
                    )
                )
        return hits


def _typed(value, how: str):
    """Profile values as the comparison needs them (ISO text → date for date comparisons)."""
    if how in ("date", "month") and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def _where(profile, field_name: str) -> str:
    locate = getattr(profile, "locate", None)
    if callable(locate):
        try:
            loc = locate(field_name)
        except Exception:  # a profile that cannot locate must not break the check
            loc = None
        if loc is not None:
            return str(loc)
    path = getattr(profile, "town_path", None)
    return str(path) if path else "资料"
