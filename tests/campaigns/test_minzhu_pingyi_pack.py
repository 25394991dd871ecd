"""The minzhu-pingyi pack (组织生活会和民主评议党员): rules, demo city, rendered documents."""

from __future__ import annotations

import pytest
from docx import Document

from tests.campaigns import pack_tests, shipped
from tests.conftest import requires_soffice

PACK = "minzhu-pingyi"
GRADES = ("优秀", "合格", "基本合格", "不合格")


def test_documents_are_a_material_a_per_member_form_and_a_plan():
    docs = {d["kind"]: d for d in shipped.campaign(PACK)["documents"]}
    assert set(docs) == {"material", "form", "plan"}
    assert docs["form"]["per_member"] and not docs["material"]["per_member"]


def test_the_form_offers_the_four_grades_twice(pack_outputs):
    form = next(o for o in pack_outputs(PACK) if o.doc["kind"] == "form" and o.member)
    cells = [c.text for t in Document(str(form.path)).tables for r in t.rows for c in r.cells]
    choice_rows = [c for c in cells if c.startswith("☐")]
    assert choice_rows
    for row in set(choice_rows):
        assert [g for g in GRADES if f"☐ {g}" in row or f"☐{g}" in row] == list(GRADES), row
    assert "民主评议党员测评表" in shipped.body_text(form.path)


def test_plan_sets_the_procedure_grades_and_the_share_of_excellent(pack_outputs):
    for o in (o for o in pack_outputs(PACK) if o.doc["kind"] == "plan"):
        text = shipped.body_text(o.path)
        assert "按照个人自评、党员互评、民主测评的程序" in text
        assert "优秀、合格、基本合格、不合格四个等次" in text
        assert "一般不超过党员总数的三分之一" in text


def test_material_reports_last_year_rectification_from_the_profile(pack_outputs):
    material = {
        o.town: shipped.body_text(o.path) for o in pack_outputs(PACK) if o.doc["kind"] == "material"
    }
    assert "班子共查摆问题12个，已全部整改完成" in material["donghu"]
    assert "班子共查摆问题14个，已整改完成11个，其余3个正在按计划推进" in material["nangang"]
    for text in material.values():
        for part in ("存在的主要问题", "原因剖析", "整改措施"):
            assert part in text


@pytest.mark.soffice
@requires_soffice
def test_the_member_form_with_the_longest_values_is_one_page(tmp_path):
    pack_tests.form_fits_one_page(PACK, tmp_path)
