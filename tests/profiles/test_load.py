"""load_profile, Profile, find_towns and load_data_file against the contract."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from speechkit.errors import InputFileError, ProfileError
from speechkit.profiles import find_towns, load_data_file, load_profile
from tests.conftest import PROFILES
from tests.profiles.helpers import CITY, TOWN, make_profiles


def test_demo_town_loads_with_plain_python_values():
    profile = load_profile(PROFILES / "towns" / "donghu.yaml")
    assert profile.slug == "donghu"
    assert profile.city_path == PROFILES / "city.yaml"
    data = profile.data
    assert data["town"]["name"] == "东湖镇"
    assert data["party"]["members"] == 612
    assert data["meeting"]["date"] == dt.date(2024, 7, 5)
    assert data["campaign"]["start"] == dt.date(2024, 7, 1)
    assert data["campaign"]["phases"][1]["name"] == "分析评议"
    assert type(data["campaign"]["phases"]) is list and type(data) is dict


def test_town_values_win_and_lists_replace(tmp_path):
    city = CITY + "slogans: [甲, 乙, 丙]\nparty:\n  units: 9\n  branches: 1\n"
    town = make_profiles(tmp_path, city=city)
    profile = load_profile(town)
    assert profile.data["slogans"] == ["建设样例镇"]
    assert profile.data["party"] == {"members": 100, "branches": 5, "units": 9}
    assert profile.locate("party.units").file.endswith("city.yaml")
    assert profile.locate("party.branches").file.endswith("yangli.yaml")
    assert profile.locate("slogans[2]") is None


def test_locate_points_at_value():
    profile = load_profile(PROFILES / "towns" / "donghu.yaml")
    loc = profile.locate("party.members")
    lines = (PROFILES / "towns" / "donghu.yaml").read_text(encoding="utf-8").splitlines()
    assert lines[loc.line - 1][loc.column - 1 :].startswith("612")
    city_loc = profile.locate("campaign.phases.1.start")
    assert city_loc.file.endswith("city.yaml")
    city_lines = (PROFILES / "city.yaml").read_text(encoding="utf-8").splitlines()
    assert city_lines[city_loc.line - 1][city_loc.column - 1 :].startswith("2024-09-01")
    assert profile.locate("no.such.key") is None


def test_context_derives_committee_and_is_a_fresh_copy(tmp_path):
    profile = load_profile(make_profiles(tmp_path))
    ctx = profile.context()
    assert ctx["town"]["committee"] == "中共样例镇委员会"
    assert ctx["town"]["short_name"] == "样例"
    assert ctx["city"]["committee"] == "中共测试市委员会"
    ctx["party"]["members"] = 0
    assert profile.data["party"]["members"] == 100
    assert "committee" not in profile.data["town"]


def test_street_committee_is_working_committee(tmp_path):
    town = TOWN.replace("name: 样例镇", "name: 样例街道").replace("kind: 镇", "kind: 街道")
    ctx = load_profile(make_profiles(tmp_path, town)).context()
    assert ctx["town"]["committee"] == "中共样例街道工作委员会"


def test_digest_is_stable_and_tracks_content(tmp_path):
    path = make_profiles(tmp_path)
    first = load_profile(path).digest()
    assert first == load_profile(path).digest()
    path.write_text(TOWN.replace("branches: 5", "branches: 6"), encoding="utf-8")
    assert load_profile(path).digest() != first
    path.write_text("# 注释不影响\n" + TOWN, encoding="utf-8")
    assert load_profile(path).digest() == first


def test_chinese_date_text_is_accepted(tmp_path):
    town = TOWN.replace("date: 2024-07-05", "date: 2024年7月5日")
    assert load_profile(make_profiles(tmp_path, town)).data["meeting"]["date"] == dt.date(
        2024, 7, 5
    )


def test_explicit_city_path(tmp_path):
    (tmp_path / "elsewhere").mkdir()
    city = tmp_path / "elsewhere" / "c.yaml"
    city.write_text(CITY.replace("测试市", "别处市"), encoding="utf-8")
    town = make_profiles(tmp_path / "p", city=None)
    profile = load_profile(town, city)
    assert profile.data["city"]["name"] == "别处市"
    assert profile.city_path == city


def test_missing_city_names_the_city_file(tmp_path):
    town = make_profiles(tmp_path, city=None)
    with pytest.raises(ProfileError) as info:
        load_profile(town)
    text = str(info.value)
    assert f"找不到 city.yaml（应在 {tmp_path / 'city.yaml'}）" in text
    assert "缺少必填键 city" not in text and "缺少 campaign" not in text
    assert "有 1 处错误" in text


def test_errors_listed_all_at_once(tmp_path):
    town = TOWN.replace("members: 100", "members: 六千九").replace("branches: 5", "branches: -5")
    with pytest.raises(ProfileError) as info:
        load_profile(make_profiles(tmp_path, town))
    keys = {p.key for p in info.value.problems if p.severity == "error"}
    assert keys == {"party.members", "party.branches"}


def test_find_towns_sorted_without_rosters(tmp_path):
    make_profiles(tmp_path, slug="b")
    make_profiles(tmp_path, slug="a")
    (tmp_path / "towns" / "a.members.yaml").write_text("[]", encoding="utf-8")
    (tmp_path / "towns" / "notes.txt").write_text("x", encoding="utf-8")
    assert [p.name for p in find_towns(tmp_path)] == ["a.yaml", "b.yaml"]
    with pytest.raises(InputFileError):
        find_towns(tmp_path / "missing")


def test_demo_find_towns_lists_donghu():
    assert PROFILES / "towns" / "donghu.yaml" in find_towns(PROFILES)


def test_load_data_file_yaml_and_json(tmp_path):
    y = tmp_path / "d.yaml"
    y.write_text("a: 1\nwhen: 2024-07-01\nlist: [x, y]\n", encoding="utf-8")
    assert load_data_file(y) == {"a": 1, "when": dt.date(2024, 7, 1), "list": ["x", "y"]}
    j = tmp_path / "d.json"
    j.write_text(json.dumps({"名称": "东湖", "n": [1, 2]}, ensure_ascii=False), encoding="utf-8")
    assert load_data_file(j) == {"名称": "东湖", "n": [1, 2]}


@pytest.mark.parametrize(
    ("text", "suffix", "needle"),
    [
        ("- a\n- b\n", ".yaml", "映射"),
        ("a: [1, 2\n", ".yaml", ":2:"),
        ('{"a": }', ".json", ":1:7"),
        ("", ".yaml", "空"),
        ('{"a": ' + "9" * 5000 + "}", ".json", "无法读取"),
        ("[" * 50_000 + "]" * 50_000, ".json", "嵌套过深"),
        ("a: " + "9" * 5000 + "\n", ".txt", None),
    ],
)
def test_load_data_file_bad(tmp_path, text, suffix, needle):
    path = tmp_path / f"d{suffix}"
    path.write_text(text, encoding="utf-8")
    if needle is None:  # not an error: a huge integer stays text
        assert load_data_file(path) == {"a": "9" * 5000}
        return
    with pytest.raises(ProfileError) as info:
        load_data_file(path)
    assert needle in str(info.value)
