"""Every malformed template is an error, located, with all problems reported in one run."""

from __future__ import annotations

import pytest

from speechkit.engine import Template, check_template
from speechkit.errors import RenderError, TemplateError


def problems_of(path):
    with pytest.raises(TemplateError) as info:
        Template(path)
    return info.value.problems


@pytest.mark.parametrize(
    ("paras", "words"),
    [
        (["{{ party_ members }"], "缺少“}}”"),
        (["{ party }}"], "多余的结束符“}}”"),
        (["{% if x %}"], "没有结束"),
        (["{% endif %}"], "多余的"),
        (["{% fro x in y %}{% endfor %}"], "不认识的标签"),
        (["{%p for x in y %}", "{%p endif %}"], "不成对"),
        (["{%p if x %}{%p endif %}"], "同一段落中有 2 个"),
        (["标题{%p if x %}", "{%p endif %}"], "还有文字"),
        (["{%p if x %}", "{% endif %}"], "不在同一层级"),
        (["{{ party members }}"], "写法有误"),
        (["{% else %}"], "前面没有对应"),
        (["{% break %}"], "只能用在"),
        (["{%tr for x in y %}"], "不在表格中"),
        (["{% include 'x' %}"], "不认识的标签"),
        (["{{ }}"], "空标签"),
        (["{% endif x %}"], "不应再有内容"),
    ],
)
def test_each_kind_of_mistake(make_template, paras, words):
    problems = problems_of(make_template(["第一段", *paras]))
    assert any(words in p.message for p in problems), [p.message for p in problems]
    first = problems[0].location
    assert first.part == "body" and first.paragraph >= 2
    assert first.snippet


def test_inline_block_from_text_into_a_table_is_refused(make_template):
    problems = problems_of(make_template(["{% if x %}"], table=[["{% endif %}"]]))
    assert any("同样的结构" in p.message for p in problems), [p.message for p in problems]
    assert "表格1 第1行第1列" in str(problems[0].location)


def test_all_problems_reported_at_once_with_locations(make_template):
    path = make_template(
        ["正文{{ a }", "{% if x %}", "{% fro %}"],
        table=[["{{ b }}", "{{ c }"]],
        header=["{{ d }"],
    )
    problems = problems_of(path)
    where = {str(p.location.address) for p in problems}
    assert {"正文 第1段", "正文 第2段", "正文 第3段"} <= where
    assert "正文 表格1 第1行第2列" in where
    assert "页眉1 第1段" in where
    text = TemplateError("x", problems).format_message()
    assert "页眉1 第1段" in text and "正文 表格1 第1行第2列" in text


def test_inner_unclosed_block_named(make_template):
    problems = problems_of(
        make_template(["{%p for x in y %}", "{%p if x %}", "{{ x }}", "{%p endfor %}"])
    )
    assert len(problems) == 1
    assert problems[0].location.paragraph == 2 and "{%p endif %}" in problems[0].message


def test_check_template_returns_problems(make_template):
    assert check_template(make_template(["{{ ok }}"], name="ok.docx")) == []
    assert len(check_template(make_template(["{{ a }", "{{ b }"], name="bad.docx"))) == 2


def test_filter_failure_is_located(make_template):
    path = make_template(["一", "{{ d | cn_date }}"])
    with pytest.raises(RenderError) as info:
        Template(path).render({"d": "不是日期"})
    assert info.value.location.paragraph == 2
    assert "cn_date" in str(info.value)


def test_sandbox_blocks_unsafe_attribute(make_template):
    path = make_template(["{{ x.__class__.__mro__ }}"])
    with pytest.raises(RenderError):
        Template(path).render({"x": "s"})


def test_undefined_in_loop_is_located(make_template):
    path = make_template(["{%p for m in ms %}", "{{ m.nmae }}", "{%p endfor %}"])
    with pytest.raises(RenderError) as info:
        Template(path).render({"ms": [{"name": "张"}]})
    assert info.value.location.paragraph == 2
    assert "m.name" in str(info.value)


def test_syntax_errors_are_explained_in_chinese(make_template):
    problems = problems_of(make_template(["{{ party members }}", "{{ d | cn_ordinal（2） }}"]))
    assert "变量名中不能有空格" in problems[0].message
    assert "全角符号" in problems[1].message and "（）" in problems[1].message


def test_runtime_type_errors_are_explained(make_template):
    path = make_template(["{%p for x in n %}", "{{ x }}", "{%p endfor %}"])
    with pytest.raises(RenderError) as info:
        Template(path).render({"n": 5})
    assert "不是列表" in str(info.value) and info.value.location.paragraph == 1


def test_paragraph_block_spanning_two_cells_is_refused(make_template):
    problems = problems_of(make_template(table=[["{%p if x %}", "{%p endif %}"]]))
    assert len(problems) == 1
    assert "不在同一层级" in problems[0].message
    assert str(problems[0].location.address) == "正文 表格1 第1行第2列"


def test_row_block_in_one_table_is_fine_but_across_tables_is_not(make_template):
    from speechkit.errors import TemplateError

    ok = make_template(table=[["{%tr if x %}"], ["有"], ["{%tr endif %}"]], name="ok.docx")
    Template(ok)
    path = make_template(table=[["{%tr if x %}"], ["有"]], after_table=["{%p endif %}"])
    with pytest.raises(TemplateError) as info:
        Template(path)
    assert "不在同一层级" in info.value.problems[0].message


def test_undefined_in_footer_names_the_footer(make_template):
    path = make_template(["正文{{ a }}"], footer=["第一行", "{{ page_no }}"])
    with pytest.raises(RenderError) as info:
        Template(path).render({"a": 1, "page": 3})
    loc = info.value.location
    assert (loc.part, loc.paragraph) == ("footer", 2)
    assert "页脚1 第2段" in str(info.value) and "是不是 page" in str(info.value)
