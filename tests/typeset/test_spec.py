"""The numbers of the standard, and heading recognition by numbering prefix."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from speechkit.typeset import spec as S


def test_text_block_is_156_by_225_mm():
    assert round(S.TEXT_WIDTH / 56.692) == 156
    assert round(S.TEXT_HEIGHT / 56.692) == 225


def test_22_lines_fit_and_23_do_not():
    assert S.LINES_PER_PAGE * S.LINE_PITCH <= S.TEXT_HEIGHT
    assert (S.LINES_PER_PAGE + 1) * S.LINE_PITCH > S.TEXT_HEIGHT
    assert S.LINES_PER_PAGE * (S.LINE_PITCH + 1) > S.TEXT_HEIGHT  # 29 pt: only 21 lines


def test_body_spacing_gives_exactly_28_characters():
    assert S.chars_per_line(S.TEXT_WIDTH, S.BODY_SIZE, S.BODY_CHAR_SPACING) == 28
    # Without the condensing Word and LibreOffice fit only 27 characters of 16 pt.
    assert S.chars_per_line(S.TEXT_WIDTH, S.BODY_SIZE, 0) == 27


def test_lines_and_chars_grid_char_space_is_computed_for_28():
    space = S.grid_char_space()
    assert space < 0
    assert S.grid_chars_per_line(S.TEXT_WIDTH, S.BODY_SIZE, space) == 28
    assert S.grid_chars_per_line(S.TEXT_WIDTH, S.BODY_SIZE, 0) == 27


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("一、提高认识", 1),
        ("十二、其他", 1),
        ("（一）学习内容要吃透。", 2),
        ("(三)半角括号", 2),
        ("1.召开动员大会", 3),
        ("12．全角点", 3),
        ("（1）细目", 4),
        ("　（2）前有全角空格", 4),
        ("同志们：", None),
        ("2024年7月1日", None),
        ("1.5倍", None),
        ("一是了解情况", None),
        ("{{ loop.index|cn_ordinal(2) }}学习", None),
    ],
)
def test_heading_level_by_prefix(text, level):
    assert S.heading_level(text) == level


@given(st.text(max_size=40))
def test_heading_level_never_fails_and_is_in_range(text):
    level = S.heading_level(text)
    assert level is None or 1 <= level <= 4


@given(st.integers(1, 999))
def test_every_chinese_ordinal_is_a_level_one_or_two_heading(n):
    from speechkit.filters import cn_ordinal

    assert S.heading_level(cn_ordinal(n, 1) + "标题") == 1
    assert S.heading_level(cn_ordinal(n, 2) + "标题") == 2
    assert S.heading_level(cn_ordinal(n, 3) + "标题") == 3
    assert S.heading_level(cn_ordinal(n, 4) + "标题") == 4
