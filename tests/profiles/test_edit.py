"""update_town_file: round-trip edits, concurrent-edit detection, validation before writing."""

from __future__ import annotations

import datetime as dt
import difflib
import shutil

import pytest

from speechkit.errors import ProfileError, SpeechkitError
from speechkit.fsutil import sha256_file
from speechkit.profiles import ConcurrentEditError, load_profile, update_town_file
from tests.conftest import PROFILES
from tests.profiles.helpers import TOWN, make_profiles


def _diff(a: str, b: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(a.splitlines(), b.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


@pytest.fixture
def donghu(tmp_path):
    root = tmp_path / "profiles"
    shutil.copytree(PROFILES, root, ignore=shutil.ignore_patterns("*.members.*"))
    return root / "towns" / "donghu.yaml"


def test_diff_shows_only_changed_values(donghu):
    before = donghu.read_text(encoding="utf-8")
    update_town_file(
        donghu,
        {
            "party.members": 620,
            "meeting.date": dt.date(2024, 7, 6),
            "supervision.members": ["钱督导", "孙督导", "李督导"],
        },
        sha256_file(donghu),
    )
    after = donghu.read_text(encoding="utf-8")
    assert sorted(_diff(before, after)) == sorted(
        [
            "-  members: 612                          # 参加本批活动的党员数",
            "+  members: 620                          # 参加本批活动的党员数",
            "-  date: 2024-07-05                      # 动员大会日期",
            "+  date: 2024-07-06                      # 动员大会日期",
            "-  members: [钱督导, 孙督导]",
            "+  members: [钱督导, 孙督导, 李督导]",
        ]
    )
    profile = load_profile(donghu)
    assert profile.data["party"]["members"] == 620
    assert profile.data["meeting"]["date"] == dt.date(2024, 7, 6)


def test_nested_list_item_and_new_key(donghu):
    before = donghu.read_text(encoding="utf-8")
    update_town_file(
        donghu,
        {"leading_group.members[0].name": "周改名", "town.committee": "中共东湖镇委员会"},
        None,
    )
    diff = _diff(before, donghu.read_text(encoding="utf-8"))
    assert "+    - {name: 周改名, title: 镇党委委员、组织委员}" in diff
    assert "+  committee: 中共东湖镇委员会" in diff
    assert len(diff) == 3


def test_none_removes_a_key(donghu):
    update_town_file(donghu, {"meeting.venue": None}, None)
    assert "venue" not in donghu.read_text(encoding="utf-8")
    assert "venue" not in load_profile(donghu).data["meeting"]


def test_concurrent_edit_refused_and_file_untouched(donghu):
    stale = sha256_file(donghu)
    donghu.write_text(donghu.read_text(encoding="utf-8") + "# 他人改动\n", encoding="utf-8")
    before = donghu.read_bytes()
    with pytest.raises(ConcurrentEditError) as info:
        update_town_file(donghu, {"party.members": 1}, stale)
    assert isinstance(info.value, SpeechkitError) and info.value.exit_code == 2
    assert "他人修改" in str(info.value)
    assert donghu.read_bytes() == before


def test_invalid_result_raises_and_leaves_file(donghu):
    before = donghu.read_bytes()
    with pytest.raises(ProfileError) as info:
        update_town_file(
            donghu, {"party.members": -1, "meeting.date": "2024-02-30"}, sha256_file(donghu)
        )
    text = str(info.value)
    assert "未改动" in text
    assert "donghu.yaml:9:12 party.members" in text
    assert "2024年2月没有30日" in text
    assert donghu.read_bytes() == before


def test_keeps_gb18030_encoding_and_bom(tmp_path):
    town = make_profiles(tmp_path)
    town.write_bytes(TOWN.encode("gb18030"))
    update_town_file(town, {"party.branches": 7}, sha256_file(town))
    assert "branches: 7" in town.read_bytes().decode("gb18030")
    town.write_bytes(b"\xef\xbb\xbf" + TOWN.encode("utf-8"))
    update_town_file(town, {"party.branches": 8}, None)
    raw = town.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "branches: 8" in raw.decode("utf-8-sig")


def test_zero_indent_sequences_round_trip(tmp_path):
    text = TOWN.replace("  - 建设样例镇", "- 建设样例镇\n- 第二条")
    town = make_profiles(tmp_path, text)
    update_town_file(town, {"party.members": 100}, None)
    assert town.read_text(encoding="utf-8") == text
    update_town_file(town, {"party.branches": 9}, None)
    assert _diff(text, town.read_text(encoding="utf-8")) == ["-  branches: 5", "+  branches: 9"]
