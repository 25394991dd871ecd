"""``check --profile`` reads the profile's facts from the user cache once the profile has been
validated: the same findings as a freshly loaded profile, and a fresh validation (with its
errors) as soon as a file it depended on changes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from speechkit.check import check_text
from speechkit.check.facts import ProfileFacts, from_profile, load_facts
from speechkit.errors import ProfileError
from speechkit.profiles import load_profile

ROOT = Path(__file__).resolve().parents[2]
TEXT = (
    "东湖镇党员干部大会在2026年3月5日召开。\n"
    "全镇共有35个基层单位、28个党支部，党员612名。\n"
    "镇党委书记张示范同志作动员讲话。\n"
)


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """The demo city's profiles copied to a temporary folder, with an empty user cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    shutil.copytree(ROOT / "profiles", tmp_path / "profiles")
    return tmp_path / "profiles"


def _findings(profile) -> list[tuple]:
    report = check_text(TEXT, name="讲话.txt", profile=profile, doc_type="speech")
    return [(f.rule, f.location, f.message) for f in report.findings]


def _cache_files(folder: Path) -> list[Path]:
    return sorted((folder.parent / "cache" / "speechkit").glob("profile-*.marshal"))


def test_facts_check_like_the_profile_and_are_cached(folder):
    town = folder / "towns" / "xishan.yaml"  # another town's facts: consistency findings
    profile = load_profile(town)
    expected = _findings(profile)
    assert sum(rule.startswith("consistency.") for rule, _, _ in expected) >= 3
    assert any("xishan.yaml:" in message for _, _, message in expected)

    first = load_facts(town)
    assert _findings(first) == expected
    assert len(_cache_files(folder)) == 1
    second = load_facts(town)  # from the cache
    assert second is not first and isinstance(second, ProfileFacts)
    assert second.data == profile.data and second.pack_id == profile.pack_id
    assert second.context() == profile.context()
    assert second.locate("party.members") == str(profile.locate("party.members"))
    assert _findings(second) == expected


def test_an_edited_town_file_is_validated_again(folder):
    town = folder / "towns" / "donghu.yaml"
    assert load_facts(town).data["party"]["members"] == 612
    text = town.read_text("utf-8")
    town.write_text(text.replace("members: 612", "members: 600"), "utf-8")
    assert load_facts(town).data["party"]["members"] == 600
    town.write_text(text.replace("members: 612", "members: 很多"), "utf-8")
    with pytest.raises(ProfileError):
        load_facts(town)


def test_an_edited_city_file_is_validated_again(folder):
    town = folder / "towns" / "donghu.yaml"
    before = load_facts(town).data["city"]["name"]
    city = folder / "city.yaml"
    text = city.read_text("utf-8")
    assert f"name: {before}" in text
    city.write_text(text.replace(f"name: {before}", "name: 北湖市"), "utf-8")  # same size
    assert load_facts(town).data["city"]["name"] == "北湖市"


def test_a_damaged_cache_entry_is_ignored(folder):
    town = folder / "towns" / "donghu.yaml"
    expected = from_profile(load_profile(town)).data
    load_facts(town)
    (entry,) = _cache_files(folder)
    entry.write_bytes(b"\x00garbage")
    assert load_facts(town).data == expected
    entry.write_bytes(entry.read_bytes()[:40])
    assert load_facts(town).data == expected


def test_a_cached_profile_is_read_without_pydantic(folder):
    town = folder / "towns" / "donghu.yaml"
    code = (
        "import sys\n"
        "from speechkit.check.facts import load_facts\n"
        f"facts = load_facts({str(town)!r})\n"
        "print(facts.data['party']['members'], 'pydantic' in sys.modules)\n"
    )
    env = dict(os.environ)
    runs = [
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
        ).stdout.split()
        for _ in range(2)
    ]
    assert runs == [["612", "True"], ["612", "False"]]


def test_a_user_pack_appearing_near_the_profiles_is_taken_into_account(folder, monkeypatch):
    import marshal

    from speechkit import campaigns

    town = folder / "towns" / "donghu.yaml"
    pack_id = load_facts(town).pack_id
    (entry,) = _cache_files(folder)
    shipped = str(campaigns.find_pack_dir(pack_id))
    assert any(path == shipped for path, _, _ in marshal.loads(entry.read_bytes())["deps"])
    user = folder.parent / "campaigns" / pack_id  # a user pack hides the shipped one
    shutil.copytree(shipped, user)
    monkeypatch.setattr(campaigns, "_FOUND", {})  # as in a new process (pack folders memo)
    assert load_facts(town).pack_id == pack_id
    deps = [path for path, _, _ in marshal.loads(entry.read_bytes())["deps"]]
    assert str(user) in deps and shipped not in deps


def test_old_cache_entries_are_pruned(folder, monkeypatch):
    from speechkit.check import facts

    monkeypatch.setattr(facts, "MAX_ENTRIES", 3)
    cache = folder.parent / "cache" / "speechkit"
    cache.mkdir(parents=True, exist_ok=True)
    for i in range(5):
        old = cache / f"profile-old{i}.marshal"
        old.write_bytes(b"x")
        os.utime(old, ns=(i, i))
    load_facts(folder / "towns" / "donghu.yaml")
    left = sorted(p.name for p in _cache_files(folder))
    assert len(left) == 3 and "profile-old4.marshal" in left
    assert not {"profile-old0.marshal", "profile-old1.marshal"} & set(left)
