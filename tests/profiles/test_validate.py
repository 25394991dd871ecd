"""validate() on files and folders: problems located, deduplicated, cross-town checks."""

from __future__ import annotations

from speechkit.profiles import has_errors, validate
from tests.conftest import PROFILES
from tests.profiles.helpers import CITY, TOWN, make_profiles


def _by_key(problems):
    return {p.key: p for p in problems}


def test_demo_folder_has_no_problems():
    assert validate([PROFILES]) == []


def test_city_file_alone_and_city_errors_reported_once(tmp_path):
    make_profiles(tmp_path, city=CITY.replace("members: 100", "members: 一百"))
    make_profiles(tmp_path, TOWN.replace("样例镇", "二号镇"), city=None, slug="second")
    problems = validate([tmp_path])
    errors = [p for p in problems if p.severity == "error"]
    assert len(errors) == 1
    assert errors[0].key == "campaign.members"
    assert (errors[0].location.line, errors[0].location.column) == (7, 12)
    alone = validate([tmp_path / "city.yaml"])
    assert [p.key for p in alone if p.severity == "error"] == ["campaign.members"]


def test_phase_item_missing_name_points_at_the_item(tmp_path):
    city = CITY + "  phases:\n    - start: 2024-07-01\n      end: 2024-08-31\n"
    make_profiles(tmp_path, city=city)
    problem = _by_key(validate([tmp_path]))["campaign.phases[0].name"]
    assert problem.severity == "error"
    assert (problem.location.line, problem.location.column) == (9, 7)
    assert "缺少必填键 campaign.phases[0].name（阶段名称）" in problem.message
    assert problem.location.file.endswith("city.yaml")


def test_section_of_wrong_shape(tmp_path):
    make_profiles(
        tmp_path,
        TOWN.replace("town:\n  name: 样例镇\n  kind: 镇\n  secretary: 张示范\n", "town: 样例镇\n"),
    )
    problem = _by_key(validate([tmp_path]))["town"]
    assert problem.message == "乡镇应为一组“键: 值”（映射），实际写的是“样例镇”"
    assert (problem.location.line, problem.location.column) == (1, 7)


def test_plain_folder_of_town_files(tmp_path):
    root = tmp_path / "p"
    town = make_profiles(root)
    problems = validate([town.parent])
    assert not has_errors(problems)


def test_duplicate_town_names_warned(tmp_path):
    make_profiles(tmp_path, slug="a")
    make_profiles(tmp_path, slug="b")
    problems = validate([tmp_path])
    dup = [p for p in problems if p.key == "town.name"]
    assert len(dup) == 1 and dup[0].severity == "warning"
    assert "样例镇" in dup[0].message and "a.yaml" in dup[0].message
    assert dup[0].location.file.endswith("b.yaml")


def test_outside_phase_plan_date_is_warning(tmp_path):
    make_profiles(tmp_path, TOWN + "plan:\n  date: 2025-01-05\n")
    problem = _by_key(validate([tmp_path]))["plan.date"]
    assert problem.severity == "warning"
    assert "不在活动期间" in problem.message


def test_unsupported_tag_is_a_warning_and_merge_keys_work(tmp_path):
    text = TOWN.replace("  venue_x", "") + "supervision:\n  group: !custom 第一组\n"
    text = text.replace("party:\n", "base: &base {units: 7}\nparty:\n  <<: *base\n")
    make_profiles(tmp_path, text)
    problems = _by_key(validate([tmp_path]))
    assert problems["supervision.group"].severity == "warning"
    assert "不支持的 YAML 标签" in problems["supervision.group"].message
    assert "party.units" not in problems
