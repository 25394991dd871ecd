"""run_batch end to end on small profiles and templates: outputs, re-runs, edits, failures."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from batch_helpers import assert_consistent, doc_text, options, write_roster

from speechkit.batch import run_batch


def statuses(result) -> dict[str, str]:
    return {i.output: i.status for i in result.items if i.output}


def test_first_run_writes_every_document_and_form(workspace: Path) -> None:
    events = []
    result = run_batch(options(workspace), events.append)
    out = workspace / "out"
    assert result.exit_code == 0
    assert statuses(result) == {
        "东湖镇/讲话.docx": "generated",
        "东湖镇/党性分析评议表/李明.docx": "generated",
        "东湖镇/党性分析评议表/王芳.docx": "generated",
        "东湖镇/党性分析评议表/张三（一支部）.docx": "generated",
        "东湖镇/党性分析评议表/张三（三支部）.docx": "generated",
        "西山镇/讲话.docx": "generated",
        "西山镇/党性分析评议表.docx": "generated",  # no roster: the blank form
    }
    assert "东湖镇动员讲话" in doc_text(out / "东湖镇/讲话.docx")
    assert "书记：张示范；党员612名。" in doc_text(out / "东湖镇/讲话.docx")
    form = doc_text(out / "东湖镇/党性分析评议表/张三（三支部）.docx")
    assert "姓名：张三" in form and "支部：三支部" in form and "单位：东湖镇" in form
    blank = doc_text(out / "西山镇/党性分析评议表.docx")
    assert "姓名：\n" in blank and "单位：西山镇" in blank
    assert events[-1].done == events[-1].total == 7 and events[-1].phase == "render"
    entries = assert_consistent(out)
    entry = entries["东湖镇/党性分析评议表/王芳.docx"]
    assert entry["kind"] == "form" and entry["member"] == "王芳"
    assert set(entry["inputs"]) == {"template", "profile", "row", "version"}


def test_rerun_changes_nothing_and_a_profile_fix_regenerates_only_its_town(
    workspace: Path,
) -> None:
    run_batch(options(workspace))
    out = workspace / "out"
    mtimes = {p: p.stat().st_mtime_ns for p in out.rglob("*.docx")}
    again = run_batch(options(workspace))
    assert set(statuses(again).values()) == {"unchanged"}
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.docx")} == mtimes
    town = workspace / "profiles/towns/xishan.yaml"
    town.write_text(town.read_text("utf-8").replace("李演示", "李改正"), "utf-8")
    fixed = statuses(run_batch(options(workspace)))
    assert fixed["西山镇/讲话.docx"] == "generated"
    assert fixed["东湖镇/讲话.docx"] == "unchanged"
    assert "李改正" in doc_text(out / "西山镇/讲话.docx")
    # one roster row changed: only that member's form
    roster = workspace / "profiles/towns/donghu.members.csv"
    roster.write_text(roster.read_text("utf-8").replace("王芳,女,1980.05", "王芳,女,1980.06"))
    changed = [k for k, v in statuses(run_batch(options(workspace))).items() if v != "unchanged"]
    assert changed == ["东湖镇/党性分析评议表/王芳.docx"]
    assert_consistent(out)


def test_edited_output_is_kept_and_force_keeps_the_edit_beside_it(workspace: Path) -> None:
    run_batch(options(workspace))
    out = workspace / "out"
    target = out / "东湖镇/讲话.docx"
    from docx import Document

    doc = Document(str(target))
    doc.add_paragraph("书记亲笔修改的一段。")
    doc.save(str(target))
    edited = target.read_bytes()
    town = workspace / "profiles/towns/donghu.yaml"
    town.write_text(town.read_text("utf-8").replace("612", "613"), "utf-8")  # inputs change too
    result = run_batch(options(workspace))
    item = next(i for i in result.items if i.output == "东湖镇/讲话.docx")
    assert item.status == "skipped" and "--force" in item.reason
    assert target.read_bytes() == edited
    assert result.exit_code == 0
    forced = run_batch(options(workspace, force=True, now=dt.datetime(2026, 3, 4, 5, 6, 7)))
    item = next(i for i in forced.items if i.output == "东湖镇/讲话.docx")
    kept = out / "东湖镇/讲话.修改稿-20260304-050607.docx"
    assert item.status == "generated" and item.kept == "东湖镇/讲话.修改稿-20260304-050607.docx"
    assert kept.read_bytes() == edited
    assert "党员613名" in doc_text(target)
    assert_consistent(out)
    # a deleted output is simply produced again
    target.unlink()
    assert statuses(run_batch(options(workspace)))["东湖镇/讲话.docx"] == "generated"


def test_broken_town_and_bad_roster_rows_fail_alone(workspace: Path) -> None:
    town = workspace / "profiles/towns/xishan.yaml"
    town.write_text(town.read_text("utf-8").replace("members: ", "members: [", 1), "utf-8")
    write_roster(
        workspace / "profiles/towns/donghu.members.csv",
        [["李明", "男", "1970.03", "1995.07", "一支部", ""], ["王芳", "女", "八零年", "", "", ""]],
    )
    result = run_batch(options(workspace))
    assert result.exit_code == 1
    failed = [i for i in result.items if i.status == "failed"]
    (xishan,) = [i for i in failed if i.town_slug == "xishan"]  # once, not per document
    assert xishan.document == "（全部文档）" and "xishan.yaml:" in xishan.reason
    (row,) = [i for i in failed if i.town_slug == "donghu"]
    assert "donghu.members.csv:第3行:出生年月列" in row.reason and "八零年" in row.reason
    assert statuses(result)["东湖镇/党性分析评议表/李明.docx"] == "generated"
    assert not (workspace / "out/西山镇").exists()


def test_hostile_town_name_stays_inside_out(workspace: Path) -> None:
    town = workspace / "profiles/towns/xishan.yaml"
    town.write_text(town.read_text("utf-8").replace("name: 西山镇", 'name: "../../逃逸/镇"'))
    result = run_batch(options(workspace, towns=("xishan",), templates=("讲话",)))
    (item,) = result.items
    assert item.status == "generated" and item.output == "_.._逃逸_镇/讲话.docx"
    assert sorted(p.name for p in workspace.iterdir()) == ["out", "profiles", "templates"]


def test_two_processes_give_the_same_documents(workspace: Path) -> None:
    write_roster(
        workspace / "profiles/towns/xishan.members.csv",
        [[f"成员{i}", "女", "1990.01", "2015.01", "支部", ""] for i in range(6)],
    )
    one = run_batch(options(workspace))
    two_out = workspace / "out2"
    opts = options(workspace, jobs=2)
    opts.out = two_out
    two = run_batch(opts)
    assert two.jobs == 2 and two.exit_code == 0
    assert statuses(one) == {k: v for k, v in statuses(two).items()}
    for rel in statuses(one):
        assert doc_text(workspace / "out" / rel) == doc_text(two_out / rel), rel
    assert_consistent(two_out)


def test_merge_puts_every_form_on_its_own_page(workspace: Path) -> None:
    result = run_batch(options(workspace, merge=True, towns=("donghu",)))
    merged = workspace / "out/东湖镇/党性分析评议表（合订本）.docx"
    assert statuses(result)["东湖镇/党性分析评议表（合订本）.docx"] == "generated"
    text = doc_text(merged)
    for name in ("李明", "王芳", "张三"):
        assert f"姓名：{name}" in text
    assert text.count("党性分析评议表") == 4
    from docx import Document

    body = Document(str(merged)).element.body
    breaks = body.xpath(".//w:pageBreakBefore") + body.xpath('.//w:br[@w:type="page"]')
    assert len(breaks) == 3
    again = run_batch(options(workspace, merge=True, towns=("donghu",)))
    assert statuses(again)["东湖镇/党性分析评议表（合订本）.docx"] == "unchanged"
    assert_consistent(workspace / "out")


def test_bad_template_and_render_errors_fail_alone_with_locations(workspace: Path) -> None:
    from docx import Document

    doc = Document()
    doc.add_paragraph("{{ town.name }")  # malformed tag
    doc.save(workspace / "templates/坏模板.docx")
    doc = Document()
    doc.add_paragraph("{{ town.nmae }}")  # typo: undefined at render time
    doc.save(workspace / "templates/错字.docx")
    result = run_batch(options(workspace))  # two towns
    by_doc = {i.document: i for i in result.items}
    assert result.exit_code == 1
    assert by_doc["坏模板"].status == "failed" and "坏模板.docx" in by_doc["坏模板"].reason
    assert by_doc["坏模板"].town == "（全部乡镇）"
    assert sum(i.document == "坏模板" for i in result.items) == 1
    assert by_doc["错字"].status == "failed" and "nmae" in by_doc["错字"].reason
    assert by_doc["讲话"].status == "generated"
    assert not (workspace / "out/西山镇/错字.docx").exists()
    assert_consistent(workspace / "out")


def test_two_rosters_for_one_town_use_the_xlsx_and_say_so(workspace: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["姓名", "性别", "出生年月", "入党时间", "所在支部", "职务"])
    book.active.append(["表格里的人", "男", dt.datetime(1970, 1, 1), "1999.01", "支部", ""])
    book.save(workspace / "profiles/towns/donghu.members.xlsx")
    result = run_batch(options(workspace, towns=("donghu",)))
    forms = [i.member for i in result.items if i.member]
    assert forms == ["表格里的人"]
    (problem,) = [i for i in result.items if i.status == "failed"]
    assert "donghu.members.csv" in problem.reason and "两个名册" in problem.reason


def test_output_folder_that_is_a_file_is_a_clear_error(workspace: Path) -> None:
    import pytest

    from speechkit.errors import SpeechkitError

    (workspace / "out").write_text("not a folder")
    with pytest.raises(SpeechkitError, match="无法使用输出文件夹"):
        run_batch(options(workspace))
    assert (workspace / "out").read_text() == "not a folder"


def test_rerun_after_a_kill_writes_the_settled_manifest_back(workspace: Path) -> None:
    from speechkit.batch.manifest import Manifest

    run_batch(options(workspace))
    manifest = Manifest.load(workspace / "out")
    entry = manifest.get("东湖镇/讲话.docx")
    manifest.db.execute("DELETE FROM outputs WHERE rel = ?", ("东湖镇/讲话.docx",))
    entry.pop("sha256")
    manifest.stage("东湖镇/讲话.docx", entry)  # killed after writing, before recording
    manifest.db.close()
    again = run_batch(options(workspace))
    assert set(statuses(again).values()) == {"unchanged"}
    assert_consistent(workspace / "out")  # no pending entry left on disk


def test_an_edited_form_is_kept_and_goes_into_the_merged_file(workspace: Path) -> None:
    from docx import Document

    run_batch(options(workspace, merge=True, towns=("donghu",)))
    form = workspace / "out/东湖镇/党性分析评议表/王芳.docx"
    doc = Document(str(form))
    doc.add_paragraph("王芳本人补充的学习体会。")
    doc.save(str(form))
    roster = workspace / "profiles/towns/donghu.members.csv"
    roster.write_text(roster.read_text("utf-8").replace("二支部", "第二支部"), "utf-8")
    result = run_batch(options(workspace, merge=True, towns=("donghu",)))
    got = statuses(result)
    assert got["东湖镇/党性分析评议表/王芳.docx"] == "skipped"
    assert got["东湖镇/党性分析评议表（合订本）.docx"] == "generated"
    merged = doc_text(workspace / "out/东湖镇/党性分析评议表（合订本）.docx")
    assert "王芳本人补充的学习体会。" in merged
    assert_consistent(workspace / "out", edited=("东湖镇/党性分析评议表/王芳.docx",))


def test_lost_manifest_adopts_identical_files_and_keeps_foreign_ones(workspace: Path) -> None:
    from speechkit.batch.manifest import MANIFEST_NAME

    run_batch(options(workspace))
    out = workspace / "out"
    (out / MANIFEST_NAME).unlink()  # lost, or the folder was copied from elsewhere
    foreign = out / "东湖镇/讲话.docx"
    foreign.write_bytes(b"someone else's file")
    again = run_batch(options(workspace))
    got = statuses(again)
    assert got.pop("东湖镇/讲话.docx") == "skipped"
    assert set(got.values()) == {"unchanged"}  # byte-identical: recognised as ours
    item = next(i for i in again.items if i.output == "东湖镇/讲话.docx")
    assert "清单中没有它的记录" in item.reason
    assert foreign.read_bytes() == b"someone else's file"
    entries = assert_consistent(out, foreign=("东湖镇/讲话.docx",))
    assert len(entries) == 6
    forced = run_batch(options(workspace, force=True, now=dt.datetime(2026, 5, 6, 7, 8, 9)))
    assert statuses(forced)["东湖镇/讲话.docx"] == "generated"
    kept = out / "东湖镇/讲话.修改稿-20260506-070809.docx"
    assert kept.read_bytes() == b"someone else's file"
    assert "东湖镇动员讲话" in doc_text(foreign)
    assert_consistent(out)


def test_a_second_run_in_the_same_process_sees_an_edited_template(workspace: Path) -> None:
    from docx import Document

    run_batch(options(workspace, towns=("xishan",), templates=("讲话",)))
    doc = Document()
    doc.add_paragraph("{{ town.name }}修订版讲话")
    doc.save(workspace / "templates/讲话.docx")
    again = run_batch(options(workspace, towns=("xishan",), templates=("讲话",)))
    assert statuses(again) == {"西山镇/讲话.docx": "generated"}
    assert doc_text(workspace / "out/西山镇/讲话.docx") == "西山镇修订版讲话"


def test_forms_of_members_taken_off_the_roster_are_listed_not_deleted(workspace: Path) -> None:
    run_batch(options(workspace))
    roster = workspace / "profiles/towns/donghu.members.csv"
    lines = roster.read_text("utf-8").splitlines()
    roster.write_text("\n".join(line for line in lines if not line.startswith("王芳")) + "\n")
    result = run_batch(options(workspace))
    (left,) = [i for i in result.items if i.output == "东湖镇/党性分析评议表/王芳.docx"]
    assert left.status == "skipped" and "名册中已无此人" in left.reason
    assert left.member == "王芳"
    assert (workspace / "out/东湖镇/党性分析评议表/王芳.docx").exists()
    assert result.exit_code == 0
    assert result.count("unchanged") == 6
