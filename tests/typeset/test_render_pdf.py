"""Rendered proof through LibreOffice (issue 4 item 5): lines per page, characters per line,
alternating page numbers and a centred title, read back from the PDF with poppler.

Two conversions only: one rendered speech (library call) and one form (the ``pdf`` command).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

from speechkit.typeset import spec as S
from tests.conftest import PROFILES, TEMPLATES, requires_soffice, run_cli

pytestmark = [
    requires_soffice,
    pytest.mark.soffice,
    pytest.mark.skipif(
        shutil.which("pdftotext") is None, reason="未安装 poppler-utils（pdftotext）"
    ),
]

PT_PER_TWIP = 1 / 20
LEFT = S.MARGIN_LEFT * PT_PER_TWIP
RIGHT = (S.PAGE_WIDTH - S.MARGIN_RIGHT) * PT_PER_TWIP
ONE_CHAR = S.PAGE_NUMBER_SIZE / 2  # the page number sits one 14 pt character in
PAGE_NUMBER = re.compile(r"^—\s*(\d+)\s*—$")
PURE_CJK = re.compile(r"^[\u3400-\u9fff\u3000-\u303f\uff01-\uff5e“”‘’、—…·]+$")


@dataclass
class Line:
    text: str
    x_min: float
    x_max: float


def pdf_lines(pdf: Path) -> list[list[Line]]:
    """Text lines of every page with their horizontal extent (pdftotext -bbox-layout)."""
    html = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, check=True
    ).stdout
    root = etree.fromstring(html, etree.HTMLParser(encoding="utf-8"))
    pages = []
    for page in root.iter("page"):
        lines = []
        for line in page.iter("line"):
            text = "".join(w.text or "" for w in line.iter("word"))
            if text.strip():
                lines.append(Line(text, float(line.get("xmin")), float(line.get("xmax"))))
        pages.append(lines)
    return pages


@pytest.fixture(scope="module")
def speech_pages(tmp_path_factory) -> list[list[Line]]:
    from speechkit.engine import Template
    from speechkit.profiles import load_profile
    from speechkit.typeset.pdf import convert_to_pdf

    out = tmp_path_factory.mktemp("pdf")
    docx = out / "donghu-动员讲话.docx"
    Template(TEMPLATES / "动员讲话.docx").save(
        load_profile(PROFILES / "towns" / "donghu.yaml").context(), docx
    )
    return pdf_lines(convert_to_pdf(docx, out))


def split_numbers(page: list[Line]) -> tuple[list[Line], list[Line]]:
    numbers = [ln for ln in page if PAGE_NUMBER.match(ln.text.strip())]
    return [ln for ln in page if ln not in numbers], numbers


def test_every_full_page_has_22_lines(speech_pages):
    assert len(speech_pages) >= 5
    counts = [len(split_numbers(page)[0]) for page in speech_pages]
    # page 1 holds one blank line under the title block, which pdftotext does not list
    assert counts[0] == S.LINES_PER_PAGE - 1, counts
    assert all(c == S.LINES_PER_PAGE for c in counts[1:-1]), counts
    assert 0 < counts[-1] <= S.LINES_PER_PAGE


def test_full_body_lines_hold_28_characters(speech_pages):
    lengths = [
        len(ln.text)
        for page in speech_pages
        for ln in split_numbers(page)[0][1:]
        if PURE_CJK.match(ln.text) and ln.x_min < LEFT + 4  # starts at the left edge
    ]
    assert max(lengths) == S.CHARS_PER_LINE
    assert lengths.count(S.CHARS_PER_LINE) >= 40, lengths


def test_page_numbers_alternate_right_and_left(speech_pages):
    for index, page in enumerate(speech_pages, start=1):
        _, numbers = split_numbers(page)
        assert len(numbers) == 1, (index, [ln.text for ln in page][-3:])
        number = numbers[0]
        assert PAGE_NUMBER.match(number.text.strip()).group(1) == str(index)
        if index % 2:  # odd: right, one character in from the text block's edge
            assert abs((RIGHT - number.x_max) - ONE_CHAR) < 3, (index, number)
        else:  # even: left, one character in
            assert abs((number.x_min - LEFT) - ONE_CHAR) < 3, (index, number)


def test_title_is_centred(speech_pages):
    centre = (LEFT + RIGHT) / 2
    title = speech_pages[0][:2]  # the title is broken into two lines in the template
    assert title[0].text.startswith("在东湖镇") and title[1].text == "动员大会上的讲话"
    for line in title:
        assert abs((line.x_min + line.x_max) / 2 - centre) < 3, line


def test_form_is_one_page_through_the_pdf_command(tmp_path):
    from speechkit.engine import Template
    from speechkit.profiles import load_profile

    docx = tmp_path / "form.docx"
    Template(TEMPLATES / "党性分析评议表.docx").save(
        load_profile(PROFILES / "towns" / "donghu.yaml").context(), docx
    )
    result = run_cli("pdf", docx, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    pages = pdf_lines(tmp_path / "out" / "form.pdf")
    assert len(pages) == 1
    text = "\n".join(ln.text for ln in pages[0])
    assert "党性分析评议表" in text and "本人签名" in text and "不满意" in text
    # a one-page form carries no page number
    assert not [ln for ln in pages[0] if PAGE_NUMBER.match(ln.text.strip())], text


def _split_numbers(pages: list[list[Line]]) -> list[tuple[str, str]]:
    lines = [ln.text.strip() for page in pages for ln in split_numbers(page)[0]]
    pairs = zip(lines, lines[1:], strict=False)
    return [(a, b) for a, b in pairs if a[-1:].isdigit() and b[:1].isdigit()]


def test_speech_never_splits_a_number_across_lines(speech_pages):
    assert _split_numbers(speech_pages) == []


def test_digit_runs_stay_together_at_every_line_position(tmp_path):
    """P3-1: with Latin text tagged zh-CN LibreOffice broke "20" into "2" / "0" at a line end.

    The number is moved one character further along in each paragraph, so some paragraph puts
    its line end inside every number.
    """
    from speechkit.typeset.pdf import convert_to_pdf
    from speechkit.typeset.text import typeset_text

    paragraphs = [
        "两" * k + "在过去20年中，到2024年12月31日，共123456789人。" for k in range(18, 30)
    ]
    docx = tmp_path / "numbers.docx"
    docx.write_bytes(typeset_text("标题\n" + "\n".join(paragraphs)))
    pages = pdf_lines(convert_to_pdf(docx, tmp_path))
    text = "".join(ln.text for page in pages for ln in page)
    assert text.count("123456789") == len(paragraphs)  # read back whole, every time
    assert _split_numbers(pages) == []
