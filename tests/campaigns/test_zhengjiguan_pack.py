"""The zhengjiguan-2026 pack (树立和践行正确政绩观学习教育): rules, demo city, rendered documents."""

from __future__ import annotations

import pytest

from tests.campaigns import pack_tests, shipped
from tests.conftest import requires_soffice

PACK = "zhengjiguan-2026"


def test_campaign_facts_are_those_of_the_central_notice():
    info = shipped.campaign(PACK)
    assert info["name"] == "树立和践行正确政绩观学习教育"
    assert str(info["end"]) == "2026-07-31" and info["start"].month == 2
    assert info["requirement"] == "立党为公、为民造福、科学决策、真抓实干"
    assert info["phases"] == []


def test_plan_carries_the_requirement_and_the_five_work_arrangements(pack_outputs):
    plans = [o for o in pack_outputs(PACK) if o.doc["kind"] == "plan"]
    for o in plans:
        text = shipped.body_text(o.path)
        assert "以立党为公、为民造福、科学决策、真抓实干为总要求" in text
        assert "一体推进学查改" in text and "不分批次、不划阶段" in text
        for task in ("学习研讨", "查摆问题", "整改整治", "建章立制", "开门教育"):
            assert task in text, task


def test_a_street_office_speaks_of_its_party_working_committee_and_communities(pack_outputs):
    outputs = pack_outputs(PACK)
    street = next(o for o in outputs if o.town == "chengguan" and o.doc["kind"] == "speech")
    town = next(o for o in outputs if o.town == "donghu" and o.doc["kind"] == "speech")
    street_text, town_text = shipped.body_text(street.path), shipped.body_text(town.path)
    assert "城关街道党工委书记" in street_text and "村（社区）" not in street_text
    assert "东湖镇党委书记" in town_text and "村（社区）" in town_text


def test_optional_focus_work_is_left_out_when_empty(pack_outputs):
    outputs = pack_outputs(PACK)
    linhai = next(o for o in outputs if o.town == "linhai" and o.doc["kind"] == "speech")
    donghu = next(o for o in outputs if o.town == "donghu" and o.doc["kind"] == "speech")
    assert "要把整改同" not in shipped.body_text(linhai.path)
    assert "集镇污水管网改造和水产养殖尾水治理等重点工作" in shipped.body_text(donghu.path)


@pytest.mark.soffice
@requires_soffice
def test_the_member_form_with_the_longest_values_is_one_page(tmp_path):
    pack_tests.form_fits_one_page(PACK, tmp_path)
