"""The Chinese filters: dates, ranges, numbers, ordinals, weekdays, joins, stroke order."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from speechkit.filters import (
    FILTERS,
    PARAGRAPH_BREAK,
    cn_date,
    cn_join,
    cn_number,
    cn_ordinal,
    cn_range,
    cn_weekday,
    paragraphs,
    stroke_count,
    stroke_sort,
)


@pytest.mark.parametrize(
    ("value", "style", "expected"),
    [
        (dt.date(2024, 7, 1), "arabic", "2024年7月1日"),
        (dt.date(2024, 12, 31), "arabic", "2024年12月31日"),
        (dt.date(2024, 7, 1), "hanzi", "二〇二四年七月一日"),
        (dt.date(2020, 10, 20), "hanzi", "二〇二〇年十月二十日"),
        (dt.date(2024, 12, 31), "hanzi", "二〇二四年十二月三十一日"),
        (dt.date(2024, 7, 1), "month", "2024年7月"),
        (dt.date(2024, 11, 5), "hanzi_month", "二〇二四年十一月"),
        ("2024-07-05", "arabic", "2024年7月5日"),
        (dt.datetime(2024, 7, 5, 9, 30), "arabic", "2024年7月5日"),
    ],
)
def test_cn_date(value, style, expected):
    assert cn_date(value, style=style) == expected


def test_cn_date_rejects_bad_input():
    with pytest.raises(ValueError, match="不是日期"):
        cn_date("7月1日")
    with pytest.raises(ValueError, match="样式"):
        cn_date(dt.date(2024, 7, 1), style="roman")


@pytest.mark.parametrize(
    ("a", "b", "unit", "expected"),
    [
        ("2024-07-01", "2024-12-31", "month", "2024年7月至12月"),
        ("2024-11-01", "2025-01-31", "month", "2024年11月至2025年1月"),
        ("2024-07-01", "2024-07-31", "month", "2024年7月"),
        ("2024-07-01", "2024-08-31", "day", "2024年7月1日至8月31日"),
        ("2024-07-01", "2024-07-15", "day", "2024年7月1日至15日"),
        ("2024-12-20", "2025-01-05", "day", "2024年12月20日至2025年1月5日"),
    ],
)
def test_cn_range(a, b, unit, expected):
    assert cn_range(a, b, unit=unit) == expected


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, "零"),
        (7, "七"),
        (10, "十"),
        (15, "十五"),
        (20, "二十"),
        (105, "一百零五"),
        (110, "一百一十"),
        (1010, "一千零一十"),
        (6919, "六千九百一十九"),
        (10000, "一万"),
        (10005, "一万零五"),
        (13555, "一万三千五百五十五"),
        (100000, "十万"),
        (1000000005, "十亿零五"),
        (-3, "负三"),
    ],
)
def test_cn_number(n, expected):
    assert cn_number(n) == expected


def _parse_cn(text: str) -> int:
    """Independent reader of Chinese numerals, for the round-trip property."""
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")}
    small = {"十": 10, "百": 100, "千": 1000}
    big = {"万": 10**4, "亿": 10**8}
    total, section, number = 0, 0, 0
    for ch in text:
        if ch in digits:
            number = digits[ch]
        elif ch in small:
            section += (number or 1) * small[ch]
            number = 0
        elif ch in big:
            section += number
            if big[ch] == 10**4 and total % 10**8 == 0 and total:
                total += section * 10**4
            else:
                total = (total + section) * big[ch]
            section, number = 0, 0
    return total + section + number


@given(st.integers(min_value=0, max_value=10**8 - 1))
def test_cn_number_round_trips(n):
    text = cn_number(n)
    assert _parse_cn(text) == n
    assert "零零" not in text and not text.endswith("零") or n == 0


def test_cn_number_rejects_non_integers():
    with pytest.raises(ValueError):
        cn_number(3.5)
    with pytest.raises(ValueError):
        cn_number("abc")


def test_cn_ordinal_levels():
    assert [cn_ordinal(3, level) for level in (1, 2, 3, 4)] == ["三、", "（三）", "3.", "（3）"]
    assert cn_ordinal(12, 1) == "十二、"
    with pytest.raises(ValueError):
        cn_ordinal(1, 5)


def test_cn_weekday():
    assert cn_weekday(dt.date(2024, 7, 4)) == "星期四"
    assert cn_weekday(7) == "星期日"
    assert cn_weekday(4, style="周") == "周四"
    with pytest.raises(ValueError):
        cn_weekday(8)


def test_cn_join():
    assert cn_join(["矿产业", "钢铁业", "物流业"]) == "矿产业、钢铁业和物流业"
    assert cn_join(["甲", "乙"]) == "甲和乙"
    assert cn_join(["甲"]) == "甲"
    assert cn_join([]) == ""
    assert cn_join(["甲", "乙", "丙"], last="及") == "甲、乙及丙"


def test_stroke_counts_from_unihan():
    assert [stroke_count(c) for c in "丁王张黄曾"] == [2, 4, 7, 11, 12]
    assert stroke_count("A") is None


def test_stroke_sort_by_surname_strokes():
    names = ["赵督导", "张示范", "王样例", "丁一", "周演示", "钱督导", "孙督导", "吴范例"]
    assert stroke_sort(names) == [
        "丁一",
        "王样例",
        "孙督导",
        "吴范例",  # 吴 and 张 both have 7 strokes: code point decides
        "张示范",
        "周演示",
        "赵督导",
        "钱督导",
    ]


def test_stroke_sort_keeps_same_surname_together_then_given_name():
    assert stroke_sort(["王五", "方二", "王一", "方十"]) == ["方二", "方十", "王一", "王五"]


def test_stroke_sort_by_attribute():
    people = [{"name": "周演示"}, {"name": "王样例"}]
    assert [p["name"] for p in stroke_sort(people, attribute="name")] == ["王样例", "周演示"]


def test_paragraphs_marks_breaks_and_escapes():
    out = paragraphs(["甲&乙", "丙"])
    assert str(out) == f"甲&amp;乙{PARAGRAPH_BREAK}丙"


def test_filters_registry_names():
    assert set(FILTERS) == {
        "cn_date",
        "cn_range",
        "cn_number",
        "cn_ordinal",
        "cn_weekday",
        "cn_join",
        "stroke_sort",
        "paragraphs",
    }


def test_date_filters_print_nothing_for_empty_fields():
    assert cn_date(None) == ""
    assert cn_range(None, "2024-12-31") == ""
    assert cn_weekday(None) == ""
