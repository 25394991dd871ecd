"""Jinja filters for Chinese official documents: dates, numbers, ordinals, joins, stroke order.

Every filter is a plain function; :data:`FILTERS` maps the names templates use to them. The
engine registers them in its sandboxed environment; any other Jinja environment can too::

    env.filters.update(speechkit.filters.FILTERS)

Dates are :class:`datetime.date` (a ``datetime`` or an ISO ``YYYY-MM-DD`` string is accepted).
The date filters turn ``None`` (an empty field, such as a roster cell left blank) into an empty
string, as the engine prints ``None`` itself.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from speechkit.cnnum import small_hanzi, to_hanzi, year_hanzi

#: Stands for a paragraph break in rendered text; the engine splits the paragraph there,
#: copying its paragraph and run properties. BEL is not allowed in XML, so it cannot clash.
PARAGRAPH_BREAK = "\x07"
#: Left by ``paragraphs`` for an empty list: the engine removes the paragraph when nothing else
#: is written in it, so an empty list leaves no blank paragraph.
EMPTY_PARAGRAPHS = "\x08"

#: Characters XML 1.0 cannot hold (BEL and BS among them, which the engine uses as markers).
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

_WEEKDAYS = "一二三四五六日"


def as_date(value: Any, name: str) -> _dt.date:
    """Return ``value`` as a date; accepts date, datetime and ISO strings (ValueError naming
    ``name`` otherwise)."""
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str):
        try:
            return _dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"{name}：“{value}”不是日期（应为 2024-07-01 这样的日期）")


def cn_date(value: Any, style: str = "arabic") -> str:
    """Format a date the Chinese official way, without zero padding.

    ``style``: ``"arabic"`` (default) → 2024年7月1日; ``"hanzi"`` → 二〇二四年七月一日;
    ``"month"`` → 2024年7月; ``"hanzi_month"`` → 二〇二四年七月. ``None`` gives "".
    """
    if value is None:
        return ""
    d = as_date(value, "cn_date")
    if style == "arabic":
        return f"{d.year}年{d.month}月{d.day}日"
    if style == "month":
        return f"{d.year}年{d.month}月"
    if style == "hanzi":
        return f"{year_hanzi(d.year)}年{small_hanzi(d.month)}月{small_hanzi(d.day)}日"
    if style == "hanzi_month":
        return f"{year_hanzi(d.year)}年{small_hanzi(d.month)}月"
    raise ValueError(f"cn_date：不认识的样式“{style}”（可用 arabic、hanzi、month、hanzi_month）")


def cn_range(start: Any, end: Any, unit: str = "month") -> str:
    """Format a period: 2024年7月至12月; across years 2024年7月至2025年1月.

    ``unit="day"`` gives 2024年7月1日至12月31日 (and 7月1日至15日 within one month).
    ``None`` for either end gives "".
    """
    if start is None or end is None:
        return ""
    a, b = as_date(start, "cn_range"), as_date(end, "cn_range")
    if unit == "month":
        if (a.year, a.month) == (b.year, b.month):
            return f"{a.year}年{a.month}月"
        tail = f"{b.month}月" if a.year == b.year else f"{b.year}年{b.month}月"
        return f"{a.year}年{a.month}月至{tail}"
    if unit == "day":
        if a == b:
            return cn_date(a)
        if a.year != b.year:
            tail = cn_date(b)
        elif a.month != b.month:
            tail = f"{b.month}月{b.day}日"
        else:
            tail = f"{b.day}日"
        return f"{cn_date(a)}至{tail}"
    raise ValueError(f"cn_range：不认识的单位“{unit}”（可用 month、day）")


def cn_number(value: Any) -> str:
    """Write an integer in Chinese characters: 6919 → 六千九百一十九, 10 → 十, 105 → 一百零五."""
    try:
        n = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"cn_number：“{value}”不是整数") from None
    if n != value and not isinstance(value, str | bool):
        raise ValueError(f"cn_number：“{value}”不是整数")
    try:
        return to_hanzi(n)
    except ValueError:
        raise ValueError(f"cn_number：{n} 太大") from None


def cn_ordinal(value: Any, level: int = 1) -> str:
    """Heading number for ``level`` 1–4: 一、 （一） 1. （1）."""
    n = int(value)
    if n < 1:
        raise ValueError(f"cn_ordinal：序号应从 1 开始，得到 {value}")
    if level == 1:
        return f"{cn_number(n)}、"
    if level == 2:
        return f"（{cn_number(n)}）"
    if level == 3:
        return f"{n}."
    if level == 4:
        return f"（{n}）"
    raise ValueError(f"cn_ordinal：层级应为 1–4，得到 {level}")


def cn_weekday(value: Any, style: str = "星期") -> str:
    """Weekday of a date, or of a number 1–7 (1 = Monday): 星期四; ``style="周"`` → 周四."""
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        if not 1 <= value <= 7:
            raise ValueError(f"cn_weekday：星期几应为 1–7，得到 {value}")
        idx = value - 1
    else:
        idx = as_date(value, "cn_weekday").weekday()
    if style not in ("星期", "周"):
        raise ValueError(f"cn_weekday：不认识的样式“{style}”（可用 星期、周）")
    return style + _WEEKDAYS[idx]


def cn_join(items: Iterable[Any], sep: str = "、", last: str = "和") -> str:
    """Join items the Chinese way: 甲、乙和丙; two items 甲和乙; one item as is."""
    parts = [str(i) for i in items]
    if len(parts) <= 1:
        return "".join(parts)
    return sep.join(parts[:-1]) + last + parts[-1]


@lru_cache(maxsize=1)
def _stroke_table() -> bytes:
    """The Unihan kTotalStrokes table for U+3400..U+9FFF (see data/build_strokes.py)."""
    return (Path(__file__).parent / "data" / "strokes.bin").read_bytes()


_STROKES_FIRST = 0x3400


def stroke_count(char: str) -> int | None:
    """Total strokes of one CJK character (Unihan kTotalStrokes, mainland form), or None."""
    table = _stroke_table()
    idx = ord(char) - _STROKES_FIRST
    if 0 <= idx < len(table) and table[idx]:
        return table[idx]
    return None


def _stroke_key(name: str) -> tuple:
    """Sort key: per character (strokes, code point); characters without a count sort last."""
    key = []
    for ch in str(name).strip():
        count = stroke_count(ch)
        key.append((count if count is not None else 999, ord(ch)))
    return tuple(key)


def stroke_sort(items: Iterable[Any], attribute: str | None = None) -> list[Any]:
    """Sort names by surname stroke count (以姓氏笔画为序).

    Characters are compared one by one by stroke count; equal counts are ordered by code point,
    which keeps people with the same surname together, then the next characters decide.
    ``attribute`` names the key holding the name when the items are mappings or objects.
    """

    def name_of(item: Any) -> str:
        if attribute is None:
            return str(item)
        if isinstance(item, dict):
            return str(item[attribute])
        return str(getattr(item, attribute))

    return sorted(items, key=lambda item: _stroke_key(name_of(item)))


def paragraphs(items: Any) -> Markup:
    """Turn a list into separate paragraphs, each keeping the paragraph's style.

    Use as the only content of its paragraph: ``{{ campaign.phases[0].tasks | paragraphs }}``.
    A single string is split at its line breaks. An empty list removes the paragraph (when
    nothing else is written in it). Characters XML cannot hold (control characters pasted
    from other programs) are dropped, as for any printed value.
    """
    if isinstance(items, str):
        items = [line for line in items.splitlines() if line.strip()]
    items = list(items)
    if not items:
        return Markup(EMPTY_PARAGRAPHS)
    texts = (XML_ILLEGAL.sub("", str(escape(str(i)))) for i in items)
    return Markup(PARAGRAPH_BREAK.join(texts))


FILTERS: dict[str, Callable[..., Any]] = {
    "cn_date": cn_date,
    "cn_range": cn_range,
    "cn_number": cn_number,
    "cn_ordinal": cn_ordinal,
    "cn_weekday": cn_weekday,
    "cn_join": cn_join,
    "stroke_sort": stroke_sort,
    "paragraphs": paragraphs,
}

__all__ = ["FILTERS", "PARAGRAPH_BREAK", "EMPTY_PARAGRAPHS", "stroke_count", *FILTERS]
