"""Round-3 speed-ups keep behaviour: the parent's town listing matches the profiles layer."""

from __future__ import annotations

from pathlib import Path

from speechkit.batch.plan import _find_towns
from speechkit.profiles import find_towns


def test_parent_town_listing_matches_find_towns(workspace: Path) -> None:
    towns = workspace / "profiles" / "towns"
    (towns / ".hidden.yaml").write_text("x: 1\n", "utf-8")
    (towns / "gushan.members.yaml").write_text("x: 1\n", "utf-8")
    (towns / "folder.yaml").mkdir()
    (towns / "notes.txt").write_text("x", "utf-8")
    (towns / "aaa.yaml").write_text("x: 1\n", "utf-8")
    expected = find_towns(workspace / "profiles")
    assert _find_towns(workspace / "profiles") == expected
    assert [p.name for p in expected] == ["aaa.yaml", "donghu.yaml", "xishan.yaml"]
    empty = workspace / "empty"
    empty.mkdir()
    assert _find_towns(empty) == find_towns(empty) == []
