"""``template from`` writes what depends on the town the way the shipped templates do: words of
the town's kind (我们镇 / 我们街道, 村（社区） / 社区), sentences only a town with an optional
value has (``{% if %}``), and numbers computed from two values with their 已全部… branch."""

from __future__ import annotations

import io

import docx

from speechkit.templatize import templatize_bytes
from speechkit.templatize.proof import render_texts
from tests.templatize.conftest import docx_bytes
from tests.templatize.test_values import CONTEXT

STREET = {
    **CONTEXT["town"],
    "name": "城关街道",
    "kind": "街道",
    "committee": "中共城关街道工作委员会",
}
DISTRICT = {**CONTEXT["town"], "name": "南港区", "kind": "区", "committee": "中共南港区委员会"}


def _template(paragraphs: list[str], context: dict = CONTEXT):
    result = templatize_bytes(docx_bytes(paragraphs), context, file="x.docx")
    texts = [p.text for p in docx.Document(io.BytesIO(result.data)).paragraphs]
    return result, texts


def test_words_of_the_towns_kind_follow_the_town():
    result, _ = _template(
        [
            "我们镇的工作直接面对群众。",
            "班子成员到联系村（社区）、站所讲党课。",
            "根据上级党委和基层党委的部署，东湖镇党委抓好落实。",
        ]
    )
    for town, expected in (
        (STREET, ["我们街道的工作直接面对群众。", "班子成员到联系社区、站所讲党课。",
                  "根据上级党委和基层党委的部署，城关街道党工委抓好落实。"]),
        (DISTRICT, ["我们区的工作直接面对群众。", "班子成员到联系村（社区）、站所讲党课。",
                    "根据上级党委和基层党委的部署，南港区党委抓好落实。"]),
    ):  # fmt: skip
        assert render_texts(result.data, {**CONTEXT, "town": town}, "t") == expected


def test_a_streets_own_communities_are_told_from_the_word_shequ():
    street = {**CONTEXT, "town": STREET}
    result, texts = _template(
        ["各社区主要负责人同步参加。", "推进城市社区治理，党的组织关系在街道和社区的单位。"], street
    )
    assert texts[0].startswith('各{{ "社区" if town.kind == "街道" else "村（社区）" }}主要')
    assert texts[1] == "推进城市社区治理，党的组织关系在街道和社区的单位。"
    assert render_texts(result.data, CONTEXT, "t")[0] == "各村（社区）主要负责人同步参加。"


def test_an_ordinal_is_not_a_count():
    context = {**CONTEXT, "party": {"members": 612, "branches": 20, "units": 19}}
    _, texts = _template(["东湖镇学习党的二十届四中全会和十九大精神，第二十个党支部。"], context)
    assert texts[0] == "{{ town.name }}学习党的二十届四中全会和十九大精神，第二十个党支部。"


def test_an_optional_values_sentence_is_written_only_when_a_town_has_it():
    context = {**CONTEXT, "pack": "baxiang-2025"}
    context["town"] = {**CONTEXT["town"], "case_count": 3, "focus_issues": ["违规吃喝", "文山会海"]}
    result, texts = _template(
        [
            "作风连着民心。近三年，全镇共查处违反中央八项规定精神问题3起，损害了干部队伍的形象。"
            "当前任务很重。",
            "突出整治重点。把违规吃喝和文山会海作为集中整治重点。坚持纠“四风”。",
        ],
        context,
    )
    assert texts[0] == (
        "作风连着民心。{% if town.case_count is defined and town.case_count %}近三年，"
        "全{{ town.kind }}共查处违反中央八项规定精神问题{{ town.case_count }}起，损害了干部队伍的"
        "形象。{% endif %}当前任务很重。"
    )
    assert ("3", "{{ town.case_count }}") in {(r.original, r.tag) for r in result.replacements}
    without = {**context, "town": {**CONTEXT["town"], "case_count": 0, "focus_issues": []}}
    assert render_texts(result.data, without, "t") == [
        "作风连着民心。当前任务很重。",
        "突出整治重点。坚持纠“四风”。",
    ]
    absent = {**context, "town": CONTEXT["town"]}  # not written at all: the same
    assert render_texts(result.data, absent, "t")[0] == "作风连着民心。当前任务很重。"


def test_a_remainder_is_computed_and_none_left_writes_all_done():
    context = {**CONTEXT, "pack": "minzhu-pingyi"}
    context["review"] = {"year": 2025, "last_problems": 15, "last_fixed": 13, "opinions": 52,
                         "talks": 36}  # fmt: skip
    result, texts = _template(
        ["班子共查摆问题15个，已整改完成13个，其余2个正在推进。通过整改，制度更加规范。"], context
    )
    assert "其余{{ review.last_problems - review.last_fixed }}个" in texts[0]
    for fixed, expected in (
        (11, "班子共查摆问题15个，已整改完成11个，其余4个正在推进。通过整改，制度更加规范。"),
        (15, "班子共查摆问题15个，已全部整改完成。通过整改，制度更加规范。"),
    ):
        review = {**context["review"], "last_fixed": fixed}
        assert render_texts(result.data, {**context, "review": review}, "t") == [expected]


def test_a_number_that_is_a_field_itself_is_not_computed():
    context = {**CONTEXT, "party": {"members": 612, "branches": 28, "units": 2}}
    context["review"] = {"last_problems": 15, "last_fixed": 13}
    _, texts = _template(["共查摆问题15个，已整改完成13个，其余2个正在推进。"], context)
    assert texts[0].endswith("其余2个正在推进。")


def test_a_label_before_a_lists_first_item_becomes_loop_first():
    group = {
        "leader": {"name": "张示范", "title": "镇党委书记"},
        "deputies": [
            {"name": "钱副甲", "title": "镇党委副书记"},
            {"name": "孙副乙", "title": "镇党委委员、副镇长"},
        ],
    }
    context = {**CONTEXT, "leading_group": group}
    result, texts = _template(
        [
            "东湖镇成立领导小组。",
            "副组长：钱副甲　镇党委副书记",
            "　　　　孙副乙　镇党委委员、副镇长",
        ],
        context,
    )
    assert texts[2] == (
        "{% if loop.first %}副组长：{% else %}　　　　{% endif %}{{ item.name }}　{{ item.title }}"
    )
    three = [*group["deputies"], {"name": "李副丙", "title": "镇人大主席"}]
    other = {**context, "leading_group": {**group, "deputies": three}}
    assert render_texts(result.data, other, "t")[1:] == [
        "副组长：钱副甲　镇党委副书记",
        "　　　　孙副乙　镇党委委员、副镇长",
        "　　　　李副丙　镇人大主席",
    ]
    one = {**context, "leading_group": {**group, "deputies": three[:1]}}
    assert render_texts(result.data, one, "t")[1:] == ["副组长：钱副甲　镇党委副书记"]


def test_the_item_of_a_list_of_one_is_the_whole_list_unless_it_is_named_among_others():
    context = {**CONTEXT, "pack": "baxiang-2025"}
    context["town"] = {**CONTEXT["town"], "focus_issues": ["公车私用"]}
    result, texts = _template(
        ["东湖镇要把公车私用作为整治重点。", "重点查摆违规吃喝、公车私用、文山会海等问题。"],
        context,
    )
    assert "把{{ town.focus_issues|cn_join }}作为整治重点。" in texts[0]
    assert texts[1] == "重点查摆违规吃喝、公车私用、文山会海等问题。"
    two = {**context, "town": {**context["town"], "focus_issues": ["违规吃喝", "文山会海"]}}
    assert render_texts(result.data, two, "t")[0] == "东湖镇要把违规吃喝和文山会海作为整治重点。"


def test_a_small_count_missing_from_the_document_is_reported_not_found():
    context = {**CONTEXT, "pack": "baxiang-2025"}
    context["town"] = {**CONTEXT["town"], "case_count": 3}
    result, _ = _template(["东湖镇作风连着民心。"], context)
    assert "town.case_count" in result.not_found
    found, _ = _template(["东湖镇近三年共查处问题3起。"], context)
    assert "town.case_count" not in found.not_found
