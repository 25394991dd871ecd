"""``template from`` finds a profile's values in every written form and replaces each with the
right tag; what two keys (or an ordinary word) could be is listed, never guessed."""

from __future__ import annotations

import datetime as dt
import io

import docx

from speechkit.templatize import templatize_bytes
from speechkit.templatize.proof import compare_texts, document_texts, render_texts
from tests.templatize.conftest import docx_bytes

CONTEXT = {
    "town": {
        "name": "东湖镇",
        "kind": "镇",
        "secretary": "张示范",
        "mayor": "王样例",
        "committee": "中共东湖镇委员会",
    },
    "party": {"members": 612, "branches": 28, "units": 35},
    "meeting": {"date": dt.date(2024, 7, 5), "venue": "镇政府三楼会议室"},
    "plan": {"date": dt.date(2024, 7, 8)},
    "campaign": {
        "name": "保持共产党员先进性教育活动",
        "start": dt.date(2024, 7, 1),
        "end": dt.date(2024, 12, 31),
    },
    "city": {"name": "海川市", "short_name": "海川", "parent": "江州市"},
    "supervision": {"group": "市委第一督导组", "leader": "赵督导"},
    "slogans": ["建设生态东湖", "打造水产强镇"],
    "leading_group": {
        "leader": {"name": "张示范", "title": "镇党委书记"},
        "members": [
            {"name": "周演示", "title": "镇党委委员、组织委员"},
            {"name": "吴范例", "title": "镇党委委员、纪委书记"},
        ],
    },
}

# A model document written here: each planted value with the tag it must become.
MODEL = [
    ("东湖镇召开先进性教育活动动员大会", {"东湖镇": "{{ town.name }}"}),
    ("（2024年7月5日）", {"2024年7月5日": "{{ meeting.date|cn_date }}"}),
    (
        "二〇二四年七月五日，中共东湖镇委员会在镇政府三楼会议室召开动员大会。",
        {
            "二〇二四年七月五日": '{{ meeting.date|cn_date("hanzi") }}',
            "中共东湖镇委员会": "{{ town.committee }}",
            "镇政府三楼会议室": "{{ meeting.venue }}",
        },
    ),
    (
        "会议由张示范同志主持，王样例同志传达了江州市委的部署。",
        {
            "张示范": "{{ town.secretary }}",
            "王样例": "{{ town.mayor }}",
            "江州市": "{{ city.parent }}",
        },
    ),
    (
        "全镇612名党员、28个党支部、35个单位参加。",
        {
            "全镇": "全{{ town.kind }}",
            "612": "{{ party.members }}",
            "28": "{{ party.branches }}",
            "35": "{{ party.units }}",
        },
    ),
    (
        "截至7月5日，六百一十二名党员已全部报到。",
        {
            "7月5日": "{{ meeting.date.month }}月{{ meeting.date.day }}日",
            "六百一十二": "{{ party.members|cn_number }}",
        },
    ),
    (
        "活动从2024-07-01开始，到2024年12月31日基本结束。",
        {"2024-07-01": "{{ campaign.start }}", "2024年12月31日": "{{ campaign.end|cn_date }}"},
    ),
    (
        "东湖要围绕建设生态东湖和打造水产强镇的目标，抓好各项工作。",
        {
            "东湖": '{{ town.name|replace(town.kind, "") }}',
            "建设生态东湖和打造水产强镇": "{{ slogans|cn_join }}",
        },
    ),
    (
        "市委第一督导组组长赵督导同志到会指导。",
        {"市委第一督导组": "{{ supervision.group }}", "赵督导": "{{ supervision.leader }}"},
    ),
    (
        "开展保持共产党员先进性教育活动，是海川市各级党组织的一件大事。",
        {"保持共产党员先进性教育活动": "{{ campaign.name }}", "海川市": "{{ city.name }}"},
    ),
    ("本方案自2024年7月8日起施行。", {"2024年7月8日": "{{ plan.date|cn_date }}"}),
]
TABLE = [["姓名", "职务"], ["周演示", "镇党委委员、组织委员"], ["吴范例", "镇党委委员、纪委书记"]]
TABLE_VALUES = 4


def test_model_document_values_are_found_in_every_format_and_none_is_wrong():
    data = docx_bytes([text for text, _ in MODEL], TABLE)
    result = templatize_bytes(data, CONTEXT, file="范文.docx")
    expected = {}
    for _, values in MODEL:
        expected.update(values)
    got = {r.original: r.tag for r in result.replacements if r.address.startswith("正文 第")}
    wrong = {text: tag for text, tag in got.items() if text in expected and expected[text] != tag}
    assert wrong == {}
    unexpected = set(got) - set(expected)
    assert unexpected == set()
    found = sum(1 for text in expected if text in got)
    # the table's rows became one loop row: its two values stand for all four
    looped = any("{%tr for item in leading_group.members %}" in loop for loop in result.loops)
    table_found = TABLE_VALUES if looped else 0
    planted = len(expected) + TABLE_VALUES
    assert (found + table_found) / planted >= 0.95, (found, table_found, planted)
    assert result.ambiguous == []


def test_model_document_is_written_again_and_the_table_becomes_a_row_loop():
    data = docx_bytes([text for text, _ in MODEL], TABLE)
    result = templatize_bytes(data, CONTEXT, file="范文.docx")
    assert any("{%tr for item in leading_group.members %}" in loop for loop in result.loops)
    assert compare_texts(document_texts(data), render_texts(result.data, CONTEXT, "t")) == []
    other = {**CONTEXT, "town": {**CONTEXT["town"], "name": "城关街道", "kind": "街道"}}
    other["leading_group"] = {
        **CONTEXT["leading_group"],
        "members": [
            {"name": "甲某", "title": "委员"},
            {"name": "乙某", "title": "委员"},
            {"name": "丙某", "title": "委员"},
        ],
    }
    texts = render_texts(result.data, other, "t")
    assert texts[0] == "城关街道召开先进性教育活动动员大会"
    assert "全街道612名党员、28个党支部、35个单位参加。" in texts
    assert "城关要围绕建设生态东湖和打造水产强镇的目标，抓好各项工作。" in texts
    assert texts[-6:] == ["甲某", "委员", "乙某", "委员", "丙某", "委员"]


def test_a_value_split_over_runs_keeps_the_first_runs_formatting():
    data = docx_bytes([[("东", True), ("湖镇党委召开会议。", False)]])
    result = templatize_bytes(data, CONTEXT, file="x.docx")
    runs = docx.Document(io.BytesIO(result.data)).paragraphs[0].runs
    assert runs[0].bold is True
    assert runs[0].text == '{{ town.name }}{{ "党工委" if town.kind == "街道" else "党委" }}'
    assert runs[1].text == "召开会议。"


def test_a_number_equal_to_two_fields_is_told_apart_by_its_label_or_else_listed():
    context = {**CONTEXT, "party": {"members": 612, "branches": 28, "units": 28}}
    data = docx_bytes(["东湖镇共有28个党支部。", "东湖镇今年新建28个。"])
    result = templatize_bytes(data, context, file="x.docx")
    texts = [p.text for p in docx.Document(io.BytesIO(result.data)).paragraphs]
    assert texts[0] == "{{ town.name }}共有{{ party.branches }}个党支部。"  # 党支部数
    assert [(a.address, a.text, set(a.keys)) for a in result.ambiguous] == [
        ("正文 第2段", "28", {"party.branches", "party.units"})
    ]
    assert texts[1].endswith("新建28个。")


def test_a_name_that_is_an_ordinary_word_is_replaced_only_before_tongzhi():
    context = {**CONTEXT, "town": {**CONTEXT["town"], "secretary": "高峰"}}
    data = docx_bytes(["东湖镇经济发展迎来新的高峰。", "会议由高峰同志主持。"])
    result = templatize_bytes(data, context, file="x.docx")
    assert [(a.address, a.text) for a in result.ambiguous] == [("正文 第1段", "高峰")]
    texts = [p.text for p in docx.Document(io.BytesIO(result.data)).paragraphs]
    assert texts[0].endswith("迎来新的高峰。")
    assert texts[1] == "会议由{{ town.secretary }}同志主持。"


def test_values_never_found_are_reported():
    data = docx_bytes(["东湖镇召开会议。"])
    result = templatize_bytes(data, CONTEXT, file="x.docx")
    assert "meeting.venue" in result.not_found
    assert "town.name" not in result.not_found


def test_a_page_number_field_is_not_a_value():
    from lxml import etree

    from speechkit.templatize.rewrite import paragraphs

    xml = (
        '<w:body xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:p>'
        '<w:r><w:t>第</w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText>PAGE</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        '<w:r><w:t>28</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t>页</w:t></w:r>'
        "</w:p></w:body>"
    )
    (para,) = paragraphs(etree.fromstring(xml), "footer", 1)
    assert para.text == "第页"
    assert para.address == "页脚1 第1段"
