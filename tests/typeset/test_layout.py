"""new_document(): page, grid, styles, fonts and footers as written to the XML."""

from __future__ import annotations

import io

import pytest

from speechkit.typeset.layout import new_document
from tests.typeset.helpers import R, W, attr, part_xml


@pytest.fixture(scope="module")
def data() -> bytes:
    document = new_document()
    document.add_paragraph("标题", style="Title")
    document.add_paragraph("正文。")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_page_margins_and_grid(data):
    sect = part_xml(data, "word/document.xml").find(f"{W}body/{W}sectPr")
    size, mar, grid = sect.find(W + "pgSz"), sect.find(W + "pgMar"), sect.find(W + "docGrid")
    assert (attr(size, "w"), attr(size, "h")) == ("11906", "16838")
    assert [attr(mar, k) for k in ("top", "bottom", "left", "right")] == [
        "2098",
        "1984",
        "1587",
        "1474",
    ]
    assert (attr(grid, "type"), attr(grid, "linePitch")) == ("lines", "579")
    assert sect.find(W + "titlePg") is None


def _style(styles, style_id):
    return styles.find(f"{W}style[@{W}styleId='{style_id}']")


@pytest.mark.parametrize(
    ("style_id", "name", "font", "size"),
    [
        ("Normal", "Normal", "仿宋_GB2312", "32"),
        ("Title", "Title", "方正小标宋简体", "44"),
        ("Heading1", "heading 1", "黑体", "32"),
        ("Heading2", "heading 2", "楷体_GB2312", "32"),
        ("Heading3", "heading 3", "仿宋_GB2312", "32"),
        ("Heading4", "heading 4", "仿宋_GB2312", "32"),
        ("Footer", "footer", "宋体", "28"),
    ],
)
def test_styles_carry_official_fonts_through_east_asia(data, style_id, name, font, size):
    style = _style(part_xml(data, "word/styles.xml"), style_id)
    assert attr(style.find(W + "name"), "val") == name
    assert attr(style.find(f"{W}rPr/{W}rFonts"), "eastAsia") == font
    assert attr(style.find(f"{W}rPr/{W}sz"), "val") == size


def test_heading_styles_have_outline_levels_and_title_is_centered_not_bold(data):
    styles = part_xml(data, "word/styles.xml")
    for level in (1, 2, 3, 4):
        outline = _style(styles, f"Heading{level}").find(f"{W}pPr/{W}outlineLvl")
        assert attr(outline, "val") == str(level - 1)
    title = _style(styles, "Title")
    assert attr(title.find(f"{W}pPr/{W}jc"), "val") == "center"
    assert attr(title.find(f"{W}rPr/{W}b"), "val") == "0"


def test_body_style_indent_spacing_and_widow_control(data):
    normal = _style(part_xml(data, "word/styles.xml"), "Normal")
    ind = normal.find(f"{W}pPr/{W}ind")
    assert (attr(ind, "firstLineChars"), attr(ind, "firstLine")) == ("200", "640")
    spacing = normal.find(f"{W}pPr/{W}spacing")
    assert (attr(spacing, "line"), attr(spacing, "lineRule")) == ("579", "exact")
    assert attr(normal.find(f"{W}pPr/{W}widowControl"), "val") == "0"
    assert attr(normal.find(f"{W}rPr/{W}spacing"), "val") == "-5"


def test_no_theme_fonts_and_zh_cn_defaults(data):
    styles = part_xml(data, "word/styles.xml")
    for fonts in styles.iter(W + "rFonts"):
        assert not [k for k in fonts.attrib if "heme" in k], fonts.attrib
    defaults = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    assert attr(defaults.find(W + "rFonts"), "eastAsia") == "仿宋_GB2312"
    assert attr(defaults.find(W + "lang"), "eastAsia") == "zh-CN"
    # digits and Latin text in en-US, so LibreOffice does not break "2024" like Chinese text
    assert attr(defaults.find(W + "lang"), "val") == "en-US"


def test_footers_alternate_and_hold_a_page_field(data):
    settings = part_xml(data, "word/settings.xml")
    assert settings.find(W + "evenAndOddHeaders") is not None
    rels = part_xml(data, "word/_rels/document.xml.rels")
    targets = {r.get("Id"): r.get("Target") for r in rels}
    sect = part_xml(data, "word/document.xml").find(f"{W}body/{W}sectPr")
    refs = {attr(r, "type"): targets[r.get(R + "id")] for r in sect.findall(W + "footerReference")}
    assert set(refs) == {"default", "even"}
    for kind, side in (("default", "right"), ("even", "left")):
        footer = part_xml(data, "word/" + refs[kind])
        p = footer.find(W + "p")
        assert attr(p.find(f"{W}pPr/{W}jc"), "val") == side
        assert attr(p.find(f"{W}pPr/{W}ind"), side) == "280"  # one 14 pt character in
        text = "".join(t.text for t in p.iter(W + "t"))
        assert text == "— 1 —"
        assert "PAGE" in "".join(t.text for t in p.iter(W + "instrText"))


def test_default_template_leftovers_are_dropped(data):
    import zipfile

    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert "word/stylesWithEffects.xml" not in names
    assert "docProps/thumbnail.jpeg" not in names


def test_font_table_lists_the_official_fonts_with_gb2312_charset(data):
    fonts = part_xml(data, "word/fontTable.xml")
    entries = {attr(f, "name"): f for f in fonts.iter(W + "font")}
    assert {"仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312", "宋体"} <= set(entries)
    assert attr(entries["仿宋_GB2312"].find(W + "charset"), "val") == "86"
    assert attr(entries["仿宋_GB2312"].find(W + "altName"), "val") == "仿宋"
    assert "ＭＳ 明朝" not in entries
