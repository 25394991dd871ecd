"""speechkit.cnnum writes and reads Chinese numerals and dates, and each reads what it writes."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from speechkit.cnnum import (
    parse_date,
    parse_date_parts,
    parse_number,
    small_hanzi,
    to_hanzi,
    year_hanzi,
)


@pytest.mark.parametrize(
    ("n", "text"),
    [(0, "零"), (10, "十"), (15, "十五"), (105, "一百零五"), (1010, "一千零一十"),
     (6919, "六千九百一十九"), (100_003, "十万零三"), (-3, "负三")],
)  # fmt: skip
def test_to_hanzi_writes_the_official_form(n, text):
    assert to_hanzi(n) == text


@given(st.integers(min_value=0, max_value=10**12 - 1))  # up to 万亿, the largest unit written
def test_parse_number_reads_what_to_hanzi_writes(n):
    assert parse_number(to_hanzi(n)) == n


@given(st.integers(min_value=1000, max_value=9999))
def test_years_round_trip_digit_by_digit(year):
    assert parse_number(year_hanzi(year)) == year


@pytest.mark.parametrize(
    ("text", "value"),
    [("612", 612), ("６１２", 612), ("1,200", 1200), ("两千", 2000), ("二〇二四", 2024),
     ("六百一十二", 612), ("", None), ("6a", None), ("第一", None)],
)  # fmt: skip
def test_parse_number_forms(text, value):
    assert parse_number(text) == value


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_dates_written_either_way_read_back(d):
    arabic = f"{d.year}年{d.month}月{d.day}日"
    hanzi = f"{year_hanzi(d.year)}年{small_hanzi(d.month)}月{small_hanzi(d.day)}日"
    assert parse_date_parts(arabic) == parse_date_parts(hanzi) == (d.year, d.month, d.day)
    assert parse_date(arabic) == parse_date(d.isoformat()) == d


def test_partial_dates_and_impossible_ones():
    assert parse_date_parts("七月五号") == (None, 7, 5)
    assert parse_date_parts("2024年7月") == (2024, 7, None)
    assert parse_date_parts("七月的") is None
    assert parse_date("2024年7月") is None
    with pytest.raises(ValueError, match="2024年2月没有30日"):
        parse_date("2024年2月30日")
    with pytest.raises(ValueError, match="没有 13 月"):
        parse_date("2024-13-01")
