"""The baxiang-2025 pack (深入贯彻中央八项规定精神学习教育): rules, demo city, rendered documents."""

from __future__ import annotations

import pytest

from tests.campaigns import pack_tests, shipped
from tests.conftest import requires_soffice

PACK = "baxiang-2025"


def test_campaign_runs_from_after_the_two_sessions_to_end_of_july():
    info = shipped.campaign(PACK)
    assert info["name"] == "深入贯彻中央八项规定精神学习教育"
    assert str(info["start"]) == "2025-03-12" and str(info["end"]) == "2025-07-31"
    assert info["phases"] == []


def test_plan_names_the_four_tasks_and_the_rules_in_full(pack_outputs):
    for o in (o for o in pack_outputs(PACK) if o.doc["kind"] == "plan"):
        text = shipped.body_text(o.path)
        assert "中央八项规定及其实施细则精神" in text and "一体推进学查改" in text
        for task in ("学习研讨", "查摆问题", "集中整治", "开门教育"):
            assert task in text, task


def test_case_count_and_focus_issues_appear_only_when_given(pack_outputs):
    speeches = {o.town: o for o in pack_outputs(PACK) if o.doc["kind"] == "speech"}
    donghu = shipped.body_text(speeches["donghu"].path)
    linhai = shipped.body_text(speeches["linhai"].path)
    assert "共查处违反中央八项规定精神问题3起" in donghu
    assert "违规吃喝和督查检查考核过多过频作为我们集中整治的重点" in donghu
    assert "共查处违反中央八项规定精神问题" not in linhai  # case_count: 0
    assert "作为我们集中整治的重点" not in linhai  # focus_issues: []


@pytest.mark.soffice
@requires_soffice
def test_the_member_form_with_the_longest_values_is_one_page(tmp_path):
    pack_tests.form_fits_one_page(PACK, tmp_path)
