"""The GB/T 9704 numbers speechkit lays documents out with (one place, used to build and to check).

Lengths are twips (1/20 pt) unless the name says otherwise; font sizes are half-points, as in
OOXML. See /work/shared/reference/gbt9704.md for sources.
"""

from __future__ import annotations

import math
import re

# --- page (A4) and margins: top 37 mm, bottom 35 mm, left 28 mm, right 26 mm ---------------
PAGE_WIDTH = 11906
PAGE_HEIGHT = 16838
MARGIN_TOP = 2098
MARGIN_BOTTOM = 1984
MARGIN_LEFT = 1587
MARGIN_RIGHT = 1474
HEADER_DISTANCE = 851  # 15 mm; no header is used
FOOTER_DISTANCE = 1418  # 25 mm: the page number's dash sits about 7 mm below the text block
TEXT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT  # 8845 twips = 156 mm
TEXT_HEIGHT = PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM  # 12756 twips = 225 mm

# --- grid: 22 lines of 28 characters -----------------------------------------------------
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
LINE_PITCH = 579  # twips = 28.95 pt; 22 x 579 = 12738 <= TEXT_HEIGHT (580 would not fit)
BODY_SIZE = 32  # half-points: 三号 16 pt
TITLE_SIZE = 44  # 二号 22 pt
PAGE_NUMBER_SIZE = 28  # 四号 14 pt
# Character spacing of body runs in twentieths of a point.  LibreOffice ignores a negative
# ``charSpace`` on a lines-and-chars grid, so the grid is type="lines" and the 28 characters come
# from condensing each 16 pt character by 0.25 pt: 28 x 15.75 pt = 441 pt <= 442.25 pt text
# width, while 29 x 15.75 pt would not fit.  Word applies the same run spacing.
BODY_CHAR_SPACING = -5


def chars_per_line(text_width: int, size_half_points: int, spacing_twips: int) -> int:
    """Whole characters of ``size`` (half-points) plus ``spacing`` (1/20 pt) fitting the width."""
    pitch = size_half_points * 10 + spacing_twips  # twips per character
    return text_width // pitch if pitch > 0 else 0


def grid_chars_per_line(text_width: int, size_half_points: int, char_space: int) -> int:
    """Characters per line of a ``linesAndChars`` grid whose ``w:charSpace`` is ``char_space``.

    Word's pitch is the default font size plus ``charSpace / 4096`` points.
    """
    pitch_pt = size_half_points / 2 + char_space / 4096
    return int(text_width / 20 // pitch_pt) if pitch_pt > 0 else 0


def grid_char_space(text_width: int = TEXT_WIDTH, size_half_points: int = BODY_SIZE) -> int:
    """The ``w:charSpace`` a linesAndChars grid needs for :data:`CHARS_PER_LINE` characters."""
    pitch_pt = text_width / 20 / CHARS_PER_LINE
    return math.floor((pitch_pt - size_half_points / 2) * 4096)


# --- fonts --------------------------------------------------------------------------------
FANGSONG = "仿宋_GB2312"
XIAOBIAOSONG = "方正小标宋简体"
HEITI = "黑体"
KAITI = "楷体_GB2312"
SONGTI = "宋体"
LATIN = "Times New Roman"  # half-width digits and Latin letters in body text
OFFICIAL_FONTS = (FANGSONG, XIAOBIAOSONG, HEITI, KAITI, SONGTI)
LANG = "zh-CN"
# Language of Latin text and digits.  Tagged zh-CN, LibreOffice line-breaks a run of half-width
# digits like Chinese text, anywhere ("在过去 2" / "0 年中"); en-US keeps "20" and "2024" whole,
# and is what Word itself writes for Chinese documents (w:val="en-US" w:eastAsia="zh-CN").
LATIN_LANG = "en-US"

# First-line indent of two characters: both forms, so older renderers indent too.
INDENT_CHARS = 200
INDENT_TWIPS = 640

# --- heading levels by numbering prefix ---------------------------------------------------
HEADING_FONTS = {1: HEITI, 2: KAITI, 3: FANGSONG, 4: FANGSONG}
HEADING_NAMES = {
    1: "一级标题（一、）",
    2: "二级标题（（一））",
    3: "三级标题（1.）",
    4: "四级标题（（1））",
}
_CN_NUM = "一二三四五六七八九十百〇零"
HEADING_PATTERNS = {
    1: re.compile(rf"^[{_CN_NUM}]+、"),
    2: re.compile(rf"^[（(][{_CN_NUM}]+[）)]"),
    3: re.compile(r"^[0-9０-９]+[.．](?![0-9])"),
    4: re.compile(r"^[（(][0-9０-９]+[）)]"),
}


def heading_level(text: str) -> int | None:
    """Heading level 1–4 of a line from its numbering prefix (一、 （一） 1. （1）), else None."""
    stripped = text.lstrip(" \u3000\t")
    for level, pattern in HEADING_PATTERNS.items():
        if pattern.match(stripped):
            return level
    return None


# --- styles (Word's built-in names where Word has one, so the navigation pane shows them) ---
STYLE_TITLE = "Title"
STYLE_SUBTITLE = "Subtitle"
STYLE_HEADINGS = {1: "Heading 1", 2: "Heading 2", 3: "Heading 3", 4: "Heading 4"}
STYLE_SPEAKER = "讲话人"
STYLE_SALUTATION = "称呼"
STYLE_CLOSING = "落款"
STYLE_TABLE_TEXT = "表格文字"
STYLE_BODY_CHAR = "正文字体"
