"""Chinese numerals and dates, both ways: the one place that writes and reads them.

Writing: :func:`year_hanzi` (2024 → 二〇二四), :func:`small_hanzi` (a month or day: 12 → 十二),
:func:`to_hanzi` (any integer: 6919 → 六千九百一十九, 105 → 一百零五, 10 → 十). Reading:
:func:`parse_number` (Arabic, full-width or Chinese numerals: 612, ６１２, 六百一十二, 二〇二四,
两千), :func:`parse_date_parts` (2024年7月5日, 七月五日, 二〇二四年七月, 2024-07-05 → year,
month, day) and :func:`parse_date` (a whole date, 2024-07-05 or 2024年7月5日, checked).

cn2an (PyPI) reads the same numerals but costs about 0.4 s to import — more than the checker's
whole start-up — so these short functions stay ours.
"""

from __future__ import annotations

import datetime as dt
import re

HANZI_DIGITS = "〇一二三四五六七八九"
_DIGITS_ZERO = "零一二三四五六七八九"
_SMALL_UNITS = ["", "十", "百", "千"]
_BIG_UNITS = ["", "万", "亿", "万亿"]
_VALUES = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6}
_VALUES.update({"七": 7, "八": 8, "九": 9})
_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10**4, "亿": 10**8}
_FULL_WIDTH = {0xFF10 + i: 0x30 + i for i in range(10)}
_PARTS = re.compile(
    r"(?:(\d{4}|[〇零一二三四五六七八九]{4})年)?(\d{1,2}|[一二三四五六七八九十]{1,3})月"
    r"(?:(\d{1,2}|[一二三四五六七八九十]{1,3})[日号])?"
)
_ISO = re.compile(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*")
_CN_FULL = re.compile(r"\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*")


def year_hanzi(n: int) -> str:
    """A year digit by digit: 2024 → 二〇二四."""
    return "".join(HANZI_DIGITS[int(d)] for d in str(n))


def small_hanzi(n: int) -> str:
    """0–99 in characters, as months and days are written: 1 → 一, 10 → 十, 21 → 二十一."""
    tens, ones = divmod(n, 10)
    text = ""
    if tens:
        text = ("" if tens == 1 else HANZI_DIGITS[tens]) + "十"
    if ones or not tens:
        text += HANZI_DIGITS[ones]
    return text


def _section(n: int) -> str:
    """0 < n < 10000 in characters, with 零 for inner zeros and 一十 kept (一千零一十)."""
    out: list[str] = []
    zero = False
    for i, ch in enumerate(f"{n:04d}"):
        d = int(ch)
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out.append("零")
            zero = False
        out.append(_DIGITS_ZERO[d] + _SMALL_UNITS[3 - i])
    return "".join(out)


def to_hanzi(n: int) -> str:
    """An integer in characters: 6919 → 六千九百一十九, 10 → 十, 105 → 一百零五, -3 → 负三.

    Raises ValueError from 10**16 on (no unit for it)."""
    if n < 0:
        return "负" + to_hanzi(-n)
    if n == 0:
        return "零"
    if n >= 10**16:
        raise ValueError(f"{n} 太大")
    sections: list[int] = []
    while n:
        n, rest = divmod(n, 10000)
        sections.append(rest)
    out = ""
    need_zero = False
    for idx in range(len(sections) - 1, -1, -1):
        sec = sections[idx]
        if sec == 0:
            need_zero = bool(out)
            continue
        if out and (need_zero or sec < 1000):
            out += "零"
        out += _section(sec) + _BIG_UNITS[idx]
        need_zero = False
    return out[1:] if out.startswith("一十") else out


def parse_number(text: str) -> int | None:
    """An integer written in Arabic (half- or full-width, thousands commas) or Chinese
    numerals; None when ``text`` is not one."""
    s = text.strip().translate(_FULL_WIDTH).replace(",", "")
    if s.isascii() and s.isdigit():
        return int(s)
    if not s or any(ch not in _VALUES and ch not in _UNITS for ch in s):
        return None
    if all(ch in _VALUES for ch in s) and len(s) > 1:  # 二〇二四: digit by digit
        return int("".join(str(_VALUES[ch]) for ch in s))
    total = wan = section = digit = 0  # above 亿, at 万, below 万, the last digit
    for ch in s:
        if ch in _VALUES:
            digit = _VALUES[ch]
            continue
        unit = _UNITS[ch]
        if unit == 10**8:
            total = (total + wan + section + digit) * unit
            wan = section = digit = 0
        elif unit == 10**4:
            wan += (section + digit) * unit
            section = digit = 0
        else:
            section += (digit or 1) * unit
            digit = 0
    return total + wan + section + digit


def parse_date_parts(text: str) -> tuple[int | None, int, int | None] | None:
    """(year or None, month, day or None) from 2024年7月5日, 七月五日, 2024年7月, 2024-07-05;
    None when ``text`` is not such a date (the values are not range-checked)."""
    m = _ISO.fullmatch(text)
    if m:
        return int(m.group(1)), int(m.group(2)), int(m.group(3))
    m = _PARTS.fullmatch(text.strip())
    if not m:
        return None
    month = parse_number(m.group(2))
    if month is None:
        return None
    year = parse_number(m.group(1)) if m.group(1) else None
    day = parse_number(m.group(3)) if m.group(3) else None
    return year, month, day


def parse_date(text: str) -> dt.date | None:
    """A whole date written 2024-07-05 or 2024年7月5日; None when written otherwise.

    Raises ValueError, in Chinese, for a date that does not exist (2024年2月30日)."""
    m = _ISO.fullmatch(text) or _CN_FULL.fullmatch(text)
    if not m:
        return None
    y, mo, d = int(m[1]), int(m[2]), int(m[3])
    try:
        return dt.date(y, mo, d)
    except ValueError:
        if not 1 <= mo <= 12:
            raise ValueError(f"是不存在的日期（没有 {mo} 月）") from None
        raise ValueError(f"是不存在的日期（{y}年{mo}月没有{d}日）") from None


__all__ = [
    "HANZI_DIGITS",
    "parse_date",
    "parse_date_parts",
    "parse_number",
    "small_hanzi",
    "to_hanzi",
    "year_hanzi",
]
