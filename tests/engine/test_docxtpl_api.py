"""docxtpl's method names on Template, and tag forms its users write."""

from __future__ import annotations

import io

import docx
from docx.oxml.ns import qn

from speechkit.engine import Template


def test_get_undeclared_template_variables(make_template):
    tpl = Template(make_template(["{{ a }}{{ b.c }}{% for x in xs %}{{ x }}{% endfor %}"]))
    assert tpl.get_undeclared_template_variables() == {"a", "b", "xs"}
    assert tpl.get_undeclared_template_variables({"a": 1}) == {"b", "xs"}


def test_cellbg_with_a_literal_colour_and_a_hash(make_template, rows):
    tpl = Template(make_template(["x"], table=[['{% cellbg "#ffcc00" %}甲', "乙"]]))
    data = tpl.render({})
    assert rows(data) == [["甲", "乙"]]
    tc = docx.Document(io.BytesIO(data)).tables[0]._tbl.tr_lst[0].tc_lst[0]
    assert tc.tcPr.find(qn("w:shd")).get(qn("w:fill")) == "FFCC00"


def test_cell_tag_outside_a_table_is_located(make_template):
    import pytest

    from speechkit.errors import TemplateError

    with pytest.raises(TemplateError, match="只能写在表格的单元格里") as info:
        Template(make_template(["前", "{% vm %}文字"]))
    assert info.value.problems[0].location.paragraph == 2


def test_merge_tags_outside_a_loop_are_located(make_template):
    import pytest

    from speechkit.errors import TemplateError

    with pytest.raises(TemplateError, match=r"只能用在\{%tr for %\} 行循环里") as info:
        Template(make_template(["x"], table=[["{% vm %}甲", "乙"]]))
    assert "表格1 第1行第1列" in str(info.value.problems[0].location)
