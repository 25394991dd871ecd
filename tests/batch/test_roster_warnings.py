"""Roster problems: a bad row or missing column warns, located; runs without forms ignore the roster."""

from __future__ import annotations

from pathlib import Path

from batch_helpers import args, options

from speechkit.batch import WARNING, run_batch


def roster(ws: Path) -> Path:
    return ws / "profiles/towns/donghu.members.csv"


def test_bad_roster_row_does_not_fail_a_run_without_forms(cli, workspace: Path):
    roster(workspace).write_text(
        roster(workspace).read_text("utf-8") + "赵六,男,1970.02,一九九五,一支部,\n", "utf-8"
    )
    result = cli(*args(workspace, "--template", "讲话"))
    assert result.exit_code == 0, result.output
    assert "名册" not in result.stdout and "失败 0" in result.stdout
    with_forms = cli(*args(workspace))
    assert with_forms.exit_code == 1 and "第6行:入党时间列" in with_forms.stdout


def test_unreadable_roster_is_not_read_without_forms(workspace: Path):
    roster(workspace).write_bytes(b"")  # empty: a RosterError when read
    result = run_batch(
        options(
            workspace,
            templates=("讲话",),
            jobs=1,
        )
    )
    assert result.exit_code == 0 and result.warnings == []
    assert [i.output for i in result.items] == ["东湖镇/讲话.docx", "西山镇/讲话.docx"]


def test_missing_optional_column_is_a_warning_not_a_failure(cli, workspace: Path):
    roster(workspace).write_text(
        "姓名,性别,出生年月,所在支部,职务\n李明,男,1970.03,一支部,书记\n王芳,女,1980.05,二支部,\n",
        "utf-8",
    )
    result = cli(*args(workspace))
    assert result.exit_code == 0, result.output
    assert "失败 0" in result.stdout and "警告 1 条" in result.stdout
    assert "警告（不算失败，不影响退出码）" in result.stdout
    assert "名册缺少“入党时间”列，评议表中此项将留空" in result.stdout
    assert (workspace / "out/东湖镇/党性分析评议表/王芳.docx").is_file()


def test_short_roster_row_is_a_located_warning(cli, workspace: Path):
    roster(workspace).write_text(
        roster(workspace).read_text("utf-8") + "吴范例,男,1970.02,1993.12,镇机关党支部\n", "utf-8"
    )
    result = cli(*args(workspace))
    assert result.exit_code == 0, result.output
    assert "donghu.members.csv:第6行" in result.stdout
    assert "此行只有 5 列，缺少“职务”" in result.stdout
    assert (workspace / "out/东湖镇/党性分析评议表/吴范例.docx").is_file()
    run = run_batch(
        options(
            workspace,
            jobs=1,
        )
    )
    assert [w.status for w in run.warnings] == [WARNING]
    assert run.exit_code == 0
