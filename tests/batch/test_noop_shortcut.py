"""The fast no-op: an unchanged roster is not parsed again and a town's unchanged forms are
settled with one query, while any change (a roster row, the template, the profile, an output
deleted or edited by hand) is still found and handled output by output."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from batch_helpers import (
    assert_consistent,
    doc_text,
    make_templates,
    members,
    options,
    write_roster,
)
from docx import Document

from speechkit.batch import plan, run_batch, steps
from speechkit.batch.manifest import MANIFEST_NAME, input_key

FORMS = "out/东湖镇/党性分析评议表"


@pytest.fixture
def spy(workspace: Path, monkeypatch) -> dict[str, list]:
    """Count roster parses and outputs decided one by one (in-process: jobs=1)."""
    write_roster(workspace / "profiles/towns/donghu.members.csv", members(30))
    calls: dict[str, list] = {"parsed": [], "decided": []}
    read, decide = plan.read_roster, steps.decide

    def reading(path):
        calls["parsed"].append(Path(path).name)
        return read(path)

    def deciding(manifest, rel, *rest):
        calls["decided"].append(rel)
        return decide(manifest, rel, *rest)

    monkeypatch.setattr(plan, "read_roster", reading)
    monkeypatch.setattr(steps, "decide", deciding)
    first = run_batch(options(workspace))
    assert first.count("generated") == 33 and calls["parsed"] == ["donghu.members.csv"]
    assert len(calls["decided"]) == 33
    for values in calls.values():
        values.clear()
    return calls


def _statuses(result) -> dict[str, int]:
    return {s: result.count(s) for s in ("generated", "unchanged", "skipped", "failed")}


def test_unchanged_roster_is_not_parsed_and_forms_are_settled_in_bulk(
    workspace: Path, spy: dict
) -> None:
    again = run_batch(options(workspace))
    assert _statuses(again) == {"generated": 0, "unchanged": 33, "skipped": 0, "failed": 0}
    assert spy["parsed"] == []
    # only the two speeches and 西山镇's blank form (no roster) are decided one by one
    assert sorted(spy["decided"]) == [
        "东湖镇/讲话.docx",
        "西山镇/党性分析评议表.docx",
        "西山镇/讲话.docx",
    ]
    forms = [i for i in again.items if i.member]
    assert [i.output for i in forms][:2] == [  # roster order, as on the first run
        "东湖镇/党性分析评议表/党员0000.docx",
        "东湖镇/党性分析评议表/党员0001.docx",
    ]
    assert all(i.document == "党性分析评议表" and i.status == "unchanged" for i in forms)
    entries = assert_consistent(workspace / "out")
    # the plan's quick key is input_key's: manifests of earlier versions stay valid
    forms = [e for e in entries.values() if e["kind"] == "form"]
    assert len(forms) == 30 and all(e["key"] == input_key(e["inputs"]) for e in forms)


def test_a_touched_roster_with_the_same_content_is_hashed_not_parsed(
    workspace: Path, spy: dict
) -> None:
    os.utime(workspace / "profiles/towns/donghu.members.csv", ns=(10**18, 10**18))
    again = run_batch(options(workspace))
    assert again.count("unchanged") == 33 and spy["parsed"] == []
    assert len(spy["decided"]) == 3


def test_a_changed_row_is_parsed_and_only_its_form_regenerated(workspace: Path, spy: dict) -> None:
    roster = workspace / "profiles/towns/donghu.members.csv"
    rows = members(30)
    rows[5][4] = "第九支部"
    write_roster(roster, rows)
    again = run_batch(options(workspace))
    assert spy["parsed"] == ["donghu.members.csv"]
    assert _statuses(again) == {"generated": 1, "unchanged": 32, "skipped": 0, "failed": 0}
    assert "支部：第九支部" in doc_text(workspace / FORMS / "党员0005.docx")
    spy["parsed"].clear()
    assert run_batch(options(workspace)).count("unchanged") == 33 and spy["parsed"] == []


def test_a_changed_template_regenerates_every_form(workspace: Path, spy: dict) -> None:
    form = workspace / "templates/党性分析评议表.docx"
    doc = Document(str(form))
    doc.add_paragraph("（新增一行）")
    doc.save(form)
    again = run_batch(options(workspace))
    assert again.count("generated") == 31 and again.count("unchanged") == 2  # 30 + 西山镇's blank
    assert "（新增一行）" in doc_text(workspace / FORMS / "党员0029.docx")
    assert spy["parsed"] == ["donghu.members.csv"]  # the rows are needed: not even tried first


def test_a_changed_profile_regenerates_its_town(workspace: Path, spy: dict) -> None:
    profile = workspace / "profiles/towns/donghu.yaml"
    profile.write_text(profile.read_text("utf-8").replace("张示范", "张改名"), "utf-8")
    again = run_batch(options(workspace))
    assert again.count("generated") == 31 and again.count("unchanged") == 2  # 西山镇's two
    assert "东湖镇" in doc_text(workspace / FORMS / "党员0000.docx")
    assert "张改名" in doc_text(workspace / "out/东湖镇/讲话.docx")


def test_a_deleted_output_is_regenerated_and_an_edited_one_kept(workspace: Path, spy: dict) -> None:
    (workspace / FORMS / "党员0003.docx").unlink()
    edited = workspace / FORMS / "党员0004.docx"
    edited.write_bytes(edited.read_bytes() + b"x")
    again = run_batch(options(workspace))
    assert _statuses(again) == {"generated": 1, "unchanged": 31, "skipped": 1, "failed": 0}
    assert (workspace / FORMS / "党员0003.docx").is_file()
    assert edited.read_bytes().endswith(b"x")  # never overwritten
    assert spy["parsed"] == ["donghu.members.csv"]
    spy["parsed"].clear()
    third = run_batch(options(workspace))  # the edited form stays: decided one by one again
    assert _statuses(third) == {"generated": 0, "unchanged": 32, "skipped": 1, "failed": 0}
    assert edited.read_bytes().endswith(b"x")
    assert_consistent(workspace / "out", edited=("东湖镇/党性分析评议表/党员0004.docx",))


def test_an_edit_keeping_size_and_mtime_of_another_form_is_still_caught_when_hashed(
    workspace: Path, spy: dict
) -> None:
    """An output whose size or mtime changed (same content, e.g. a backup tool) is hashed once,
    recorded, and the group is settled in bulk again at the next run."""
    touched = workspace / FORMS / "党员0009.docx"
    os.utime(touched, ns=(1, 1))
    again = run_batch(options(workspace))
    assert again.count("unchanged") == 33
    spy["decided"].clear()
    assert run_batch(options(workspace)).count("unchanged") == 33
    assert len(spy["decided"]) == 3


def test_force_replaces_an_edited_form_and_settles_the_rest(workspace: Path, spy: dict) -> None:
    assert run_batch(options(workspace, force=True)).count("unchanged") == 33
    assert spy["parsed"] == []  # --force replaces edited files; none is: nothing to do
    edited = workspace / FORMS / "党员0004.docx"
    edited.write_bytes(edited.read_bytes() + b"x")
    again = run_batch(options(workspace, force=True))
    assert again.count("generated") == 1 and again.count("unchanged") == 32
    assert not edited.read_bytes().endswith(b"x")
    kept = [p for p in (workspace / FORMS).iterdir() if ".修改稿-" in p.name]
    assert len(kept) == 1 and kept[0].read_bytes().endswith(b"x")


def test_roster_problems_are_reported_again_without_parsing(workspace: Path) -> None:
    rows = members(5)
    rows[2][2] = "不是日期"
    path = workspace / "profiles/towns/donghu.members.csv"
    path.write_text(
        "姓名,性别,出生年月,入党时间,所在支部\n" + "\n".join(",".join(r[:5]) for r in rows) + "\n",
        "utf-8",
    )
    first = run_batch(options(workspace))
    again = run_batch(options(workspace))
    assert again.exit_code == first.exit_code == 1
    assert again.count("unchanged") == 4 + 3 and again.count("generated") == 0

    def notes(result):
        return sorted((i.status, i.reason) for i in result.items + result.warnings if not i.output)

    assert notes(again) == notes(first) and any("第4行" in r for _, r in notes(first))
    assert any("职务" in r for _, r in notes(first))


def test_zip_archives_are_settled_without_parsing(workspace: Path, spy: dict) -> None:
    first = run_batch(options(workspace, zip=True))
    assert first.count("generated") == 1
    spy["parsed"].clear()
    again = run_batch(options(workspace, zip=True))
    assert again.count("unchanged") == 4 and spy["parsed"] == []
    assert [i.document for i in again.items if i.output.endswith(".zip")] == [
        "党性分析评议表（压缩包）"
    ]


def test_a_manifest_of_the_previous_format_gets_its_groups_on_the_first_rerun(
    workspace: Path, spy: dict
) -> None:
    db = sqlite3.connect(workspace / "out" / MANIFEST_NAME)
    db.executescript(
        "DROP INDEX outputs_grp; ALTER TABLE outputs DROP COLUMN grp;"
        "ALTER TABLE outputs DROP COLUMN pos; DROP TABLE groups; DROP TABLE rosters;"
    )
    db.close()
    second = run_batch(options(workspace))
    assert second.count("unchanged") == 33 and spy["parsed"] == ["donghu.members.csv"]
    spy["parsed"].clear()
    spy["decided"].clear()
    third = run_batch(options(workspace))
    assert third.count("unchanged") == 33 and spy["parsed"] == [] and len(spy["decided"]) == 3


def test_two_processes_settle_in_bulk_and_still_regenerate_a_deleted_form(workspace: Path) -> None:
    write_roster(workspace / "profiles/towns/donghu.members.csv", members(30))
    make_templates(workspace / "templates")
    assert run_batch(options(workspace, jobs=2)).count("generated") == 33
    assert run_batch(options(workspace, jobs=2)).count("unchanged") == 33
    (workspace / FORMS / "党员0020.docx").unlink()
    again = run_batch(options(workspace, jobs=2))
    assert again.count("generated") == 1 and again.count("unchanged") == 32
    assert "党员0020" in doc_text(workspace / FORMS / "党员0020.docx")
