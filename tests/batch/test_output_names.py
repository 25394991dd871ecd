"""Output names: cut by bytes before the namesake suffix, unique per folder by construction,
no invisible characters, sub-folders of at most FOLDER_MAX forms per town."""

from __future__ import annotations

import os
from pathlib import Path

from batch_helpers import assert_consistent, doc_text, options, write_roster
from hypothesis import given
from hypothesis import strategies as st

from speechkit.batch import plan, run_batch
from speechkit.batch.naming import MAX_BYTES, disambiguate, sanitize
from speechkit.batch.roster import Member
from speechkit.fsutil import atomic_write_bytes

LIMIT = 255  # bytes of one file name on ext4, XFS, btrfs, NTFS (UTF-16 units there)


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*.docx"))


def test_a_thousand_colliding_names_give_a_thousand_files(workspace: Path) -> None:
    long = "很长的名字" * 20  # 300 bytes: every name below is cut to the same prefix
    rows = [[f"{long}{i:04d}", "男", "1970.03", "1995.07", "一支部", ""] for i in range(900)]
    rows += [["张三", "男", "1970.03", "1995.07", "一支部", ""]] * 100  # same name, same branch
    write_roster(workspace / "profiles/towns/donghu.members.csv", rows)
    result = run_batch(options(workspace, towns=("donghu",), templates=("党性分析评议表",)))
    assert result.count("generated") == 1000 and result.count("failed") == 0
    names = _names(workspace / "out/东湖镇/党性分析评议表")
    assert len(names) == len(set(n.casefold() for n in names)) == 1000
    assert all(len(n.encode("utf-8")) <= MAX_BYTES + len(".docx") for n in names)
    assert "张三（一支部，1970年3月生，第902行）.docx" in names  # told apart by the row
    # the suffix is never cut: the 900 long names are told apart by it
    assert sum(n.endswith("）.docx") and n.startswith("很长的名字") for n in names) == 900
    assert len(assert_consistent(workspace / "out")) == 1000
    again = run_batch(options(workspace, towns=("donghu",), templates=("党性分析评议表",)))
    assert again.count("unchanged") == 1000 and again.count("skipped") == 0


@given(st.lists(st.text(min_size=1, max_size=120), min_size=1, max_size=30))
def test_labels_are_unique_and_fit_whatever_the_names(raw: list[str]) -> None:
    names = [sanitize(n) for n in raw]
    labels = disambiguate(names, [["一支部"] for _ in names])
    assert len({label.casefold() for label in labels}) == len(labels)
    assert all(len(label.encode("utf-8")) <= MAX_BYTES for label in labels)


def test_bidi_controls_and_invisible_characters_are_removed() -> None:
    assert sanitize("张\u202e三fdp.exe") == "张三fdp.exe"
    assert sanitize("李\u200b四\u200d\ufeff") == "李四"
    assert sanitize("王\u2028五\u0085") == "王五"
    assert sanitize("\u202e") == "未命名"


def test_towns_with_the_same_long_name_get_different_folders(workspace: Path) -> None:
    name = "很长的镇名" * 17  # 85 characters, 255 bytes
    for slug in ("donghu", "xishan"):
        path = workspace / f"profiles/towns/{slug}.yaml"
        text = path.read_text("utf-8")
        old = "东湖镇" if slug == "donghu" else "西山镇"
        path.write_text(text.replace(f"name: {old}", f"name: {name}", 1), "utf-8")
    result = run_batch(options(workspace, templates=("讲话",)))
    assert result.count("generated") == 2
    folders = sorted(p.name for p in (workspace / "out").iterdir() if p.is_dir())
    assert len(folders) == 2 and folders[0] != folders[1]
    assert any(f.endswith("（xishan）") for f in folders)
    assert all(len(f.encode("utf-8")) <= MAX_BYTES for f in folders)


def test_replacing_a_file_with_the_longest_name_fits_the_limit(tmp_path: Path) -> None:
    name = sanitize("名" * 200) + "（合订本）.docx"
    assert len(name.encode("utf-8")) <= LIMIT
    target = tmp_path / name
    atomic_write_bytes(target, b"one")
    atomic_write_bytes(target, b"two")  # replacing goes through the hidden name
    assert target.read_bytes() == b"two" and os.listdir(tmp_path) == [name]


def test_forms_of_a_big_town_go_into_branch_folders(workspace: Path, monkeypatch) -> None:
    monkeypatch.setattr(plan, "FOLDER_MAX", 3)
    rows = [
        [f"党员{i}", "男", "1970.03", "1995.07", "一支部" if i < 5 else "", ""] for i in range(7)
    ]
    write_roster(workspace / "profiles/towns/donghu.members.csv", rows)
    result = run_batch(options(workspace, towns=("donghu",), templates=("党性分析评议表",)))
    assert result.count("generated") == 7
    forms = workspace / "out/东湖镇/党性分析评议表"
    counts = {p.name: len(list(p.iterdir())) for p in forms.iterdir()}
    assert counts == {"一支部（1）": 3, "一支部（2）": 2, "未填支部": 2}
    assert "党员6" in doc_text(forms / "未填支部/党员6.docx")


def test_without_branches_forms_are_numbered_in_folders_of_the_limit() -> None:
    members = [Member(name=f"m{i}") for i in range(5)]
    assert plan.form_folders(members, 2) == ["0001", "0001", "0002", "0002", "0003"]
    assert plan.form_folders(members[:2], 2) == ["", ""]
