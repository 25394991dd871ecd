"""Table forms from a ``*.form.yaml`` spec: structure, schema order, guards, one-page budget."""

from __future__ import annotations

import copy
import io
import re
from collections import Counter

import pytest
from docx import Document

from speechkit.engine import Template
from speechkit.typeset.form import FormSpecError, build_form, load_form_spec, parse_spec
from tests.conftest import LONG_MEMBER, TEMPLATES, pdf_text, requires_soffice
from tests.typeset.helpers import NS, W, part_xml, schema_findings

SPEC = {
    "title": "测试评议表",
    "subtitle": "（{{ town.name }}）",
    "columns": [1240, 1900, 1240, 1325, 1240, 1900],
    "rows": [
        {
            "cells": [
                {"label": "姓　名"},
                {"field": "member.name", "max_chars": 5},
                {"label": "性　别"},
                {"field": "member.gender", "max_chars": 2},
                {"label": "出生年月"},
                {"field": 'member.birth|cn_date(style="month")', "max_chars": 5},
            ]
        },
        {"cells": [{"label": "职　务"}, {"field": "member.post", "span": 5, "max_chars": 40}]},
        {"label": "学习体会", "height_mm": 40},
        {
            "label": "支部意见",
            "height_mm": 30,
            "text": "签名：　　年　月　日",
            "align": "bottom-right",
        },
        {"label": "评议等次", "choices": ["优秀", "合格", "基本合格", "不合格"]},
    ],
    "closing": "本人签名：　　　　年　　月　　日",
}
# schema order of w:tblPr children (ECMA-376 CT_TblPr), the ones a form may carry
TBLPR_ORDER = [
    "tblStyle",
    "tblpPr",
    "tblOverlap",
    "bidiVisual",
    "tblStyleRowBandSize",
    "tblStyleColBandSize",
    "tblW",
    "jc",
    "tblCellSpacing",
    "tblInd",
    "tblBorders",
    "shd",
    "tblLayout",
    "tblCellMar",
    "tblLook",
]


def _spec(**changes):
    spec = copy.deepcopy(SPEC)
    spec.update(changes)
    return spec


def test_long_member_values_are_forty_characters():
    assert len(LONG_MEMBER["branch"]) == 40 and len(LONG_MEMBER["post"]) == 40


def test_form_has_title_subtitle_table_and_closing():
    doc = Document(io.BytesIO(build_form(SPEC)))
    paras = [(p.style.name, p.text) for p in doc.paragraphs]
    assert paras[0] == ("Title", "测试评议表")
    assert paras[1] == ("讲话人", "（{{ town.name }}）")
    assert paras[-1][1] == "本人签名：　　　　年　　月　　日"
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells][0] == "姓\u3000名"
    assert table.rows[3].cells[-1].text == "签名：　　年　月　日"
    assert (
        table.rows[4].cells[1].text
        == "▢ 优秀\u3000\u3000\u3000\u3000▢ 合格\u3000\u3000\u3000\u3000▢ 基本合格\u3000\u3000\u3000\u3000▢ 不合格"
    )
    widths = [c.w.twips for c in table._tbl.tblGrid.gridCol_lst]
    assert widths == SPEC["columns"]


def test_table_properties_are_in_schema_order():
    root = part_xml(build_form(SPEC), "word/document.xml")
    (tbl_pr,) = root.findall(".//w:tbl/w:tblPr", NS)
    names = [child.tag.replace(W, "") for child in tbl_pr]
    assert "tblCellMar" in names
    assert names == sorted(names, key=TBLPR_ORDER.index)


def test_form_is_schema_valid():
    assert schema_findings(build_form(SPEC)) == []
    assert schema_findings(TEMPLATES / "党性分析评议表.docx") == []


def test_member_fields_are_guarded_so_the_blank_form_renders(tmp_path):
    path = tmp_path / "form.docx"
    path.write_bytes(build_form(SPEC))
    blank = Document(io.BytesIO(Template(path).render({"town": {"name": "东湖镇"}})))
    cells = [c.text for c in blank.tables[0].rows[0].cells]
    assert cells == ["姓\u3000名", "", "性\u3000别", "", "出生年月", ""]
    assert blank.paragraphs[1].text == "（东湖镇）"
    filled = Template(path).render({"town": {"name": "东湖镇"}, "member": LONG_MEMBER})
    cells = [c.text for c in Document(io.BytesIO(filled)).tables[0].rows[0].cells]
    assert cells == ["姓\u3000名", "欧阳示范", "性\u3000别", "女", "出生年月", "1962年12月"]


def test_info_rows_grow_and_writing_rows_are_exact():
    root = part_xml(build_form(SPEC), "word/document.xml")
    rules = [h.get(W + "hRule") for h in root.findall(".//w:trHeight", NS)]
    assert rules == ["atLeast", "atLeast", "exact", "exact", "exact"]


def test_the_build_is_reproducible():
    assert build_form(SPEC) == build_form(copy.deepcopy(SPEC))


@pytest.mark.parametrize(
    ("change", "key", "words"),
    [
        ({"columns": [1000, 1000]}, "columns", "8845"),
        ({"columns": "宽"}, "columns", "列表"),
        ({"title": ""}, "title", "非空"),
        ({"colour": "red"}, "colour", "不认识的键"),
        ({"rows": [{"cells": [{"label": "甲"}]}]}, "rows[0].cells", "列数之和应为 6"),
        ({"rows": [{"label": "甲"}]}, "rows[0].height_mm", "高度"),
        ({"rows": [{"label": "甲", "height_mm": "三十"}]}, "rows[0].height_mm", "数字"),
        (
            {"rows": [{"cells": [{"label": "甲", "field": "x", "span": 6}]}]},
            "rows[0].cells[0]",
            "之一",
        ),
        (
            {"rows": [{"label": "甲", "height_mm": 30, "align": "middle"}]},
            "rows[0].align",
            "纵向-横向",
        ),
        ({"rows": [{"label": "甲", "choices": []}]}, "rows[0].choices", "选项"),
        (
            {"rows": [{"cells": [{"label": "甲"}, {"field": "member.name|", "span": 5}]}]},
            "rows[0].cells[1].field",
            "表达式",
        ),
        (
            {"rows": [{"cells": [{"label": "甲"}, {"field": "{{ x }}", "span": 5}]}]},
            "rows[0].cells[1].field",
            "{{ }}",
        ),
    ],
)
def test_spec_mistakes_name_the_key(change, key, words):
    with pytest.raises(FormSpecError) as info:
        build_form(_spec(**change))
    assert info.value.key == key
    assert words in info.value.message


def test_a_form_that_cannot_fit_one_page_is_refused_before_building():
    rows = copy.deepcopy(SPEC["rows"])
    rows[2]["height_mm"] = 150
    with pytest.raises(FormSpecError) as info:
        parse_spec(_spec(rows=rows))
    message = info.value.message
    assert "超出一页 A4" in message and "rows[2].height_mm" in message
    # a long value wraps in its cell: 40 characters need more room than 10
    rows = copy.deepcopy(SPEC["rows"])
    rows[2]["height_mm"] = 118
    parse_spec(_spec(rows=rows))
    rows[1]["cells"][1]["max_chars"] = 200
    with pytest.raises(FormSpecError):
        parse_spec(_spec(rows=rows))


def test_a_spec_file_mistake_is_located(tmp_path):
    path = tmp_path / "表.form.yaml"
    path.write_text(
        "title: 表\ncolumns: [1240, 7605]\nrows:\n  - {label: 甲, height_mm: 900}\n",
        encoding="utf-8",
    )
    with pytest.raises(FormSpecError) as info:
        load_form_spec(path)
    text = info.value.format_message()
    assert text.startswith(f"{path}:4:") and "rows[0].height_mm" in text and "200" in text


def test_the_shipped_form_closes_with_a_full_width_colon():
    doc = Document(str(TEMPLATES / "党性分析评议表.docx"))
    assert doc.paragraphs[-1].text.startswith("本人签名：")
    assert ":" not in "".join(p.text for p in doc.paragraphs)


@requires_soffice
def test_the_shipped_form_with_the_longest_values_is_one_page(tmp_path):
    from speechkit.profiles import load_profile
    from speechkit.typeset.pdf import convert_to_pdf
    from tests.conftest import PROFILES

    context = load_profile(PROFILES / "towns" / "donghu.yaml").context()
    context["member"] = LONG_MEMBER
    docx = tmp_path / "form.docx"
    Template(TEMPLATES / "党性分析评议表.docx").save(context, docx)
    text = pdf_text(convert_to_pdf(docx, tmp_path), layout=False)
    assert text.count("\f") == 1  # one page
    flat = re.sub(r"\s+", "", text)
    for value in ("欧阳示范", "1962年12月", "2005年11月"):
        assert value in flat
    # wrapped cells interleave with their row's labels in pdftotext's reading order:
    # every character of the long values is printed
    printed = Counter(flat)
    for value in (LONG_MEMBER["branch"], LONG_MEMBER["post"]):
        assert not Counter(value) - printed, value
    assert "本人签名：" in flat
