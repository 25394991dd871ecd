"""Values no town has — a count of 10^42, a broken surrogate character — are refused with a
located Chinese message (issue 15): validate exits 2, no English from pydantic."""

from __future__ import annotations

from tests.conftest import run_cli
from tests.profiles.helpers import TOWN, make_profiles


def test_an_absurd_count_is_refused(tmp_path):
    town = make_profiles(tmp_path, TOWN.replace("  members: 100", "  members: " + "1" + "0" * 42))
    result = run_cli("profiles", "validate", town)
    assert result.exit_code == 2
    assert "party.members" in result.output and "不能大于 100000000" in result.output


def test_a_broken_character_gets_a_chinese_message(tmp_path):
    town = make_profiles(tmp_path, TOWN.replace("  secretary: 张示范", '  secretary: "\\ud800张"'))
    result = run_cli("profiles", "validate", town)
    assert result.exit_code == 2
    assert "无法识别的字符" in result.output
    assert "Input should" not in result.output and "unicode" not in result.output
