"""``speechkit batch`` through the real CLI: exit codes, summary, progress lines, messages."""

from __future__ import annotations

from pathlib import Path

from batch_helpers import args


def test_batch_prints_progress_and_summary_then_everything_unchanged(cli, workspace: Path):
    first = cli(*args(workspace))
    assert first.exit_code == 0, first.output
    assert "处理 7/7" in first.stderr  # plain progress lines when not a terminal
    assert "批量生成汇总" in first.stdout
    assert "东湖镇" in first.stdout and "党性分析评议表" in first.stdout
    assert "共 7 项：已生成 7，未变化 0，已跳过 0，失败 0" in first.stdout
    second = cli(*args(workspace))
    assert second.exit_code == 0
    assert "共 7 项：已生成 0，未变化 7，已跳过 0，失败 0" in second.stdout


def test_failures_exit_1_with_located_reasons(cli, workspace: Path):
    roster = workspace / "profiles/towns/donghu.members.csv"
    roster.write_text(roster.read_text("utf-8") + "赵六,男,1970.02,一九九五,一支部,\n", "utf-8")
    result = cli(*args(workspace))
    assert result.exit_code == 1
    assert "donghu.members.csv:第6行:入党时间列" in result.stdout
    assert "失败 1" in result.stdout and "Traceback" not in result.output


def test_unknown_town_or_template_is_a_usage_problem(cli, workspace: Path):
    result = cli(*args(workspace, "--town", "nowhere"))
    assert result.exit_code == 2
    assert "--town nowhere：没有这个乡镇" in result.stderr and "donghu" in result.stderr
    result = cli(*args(workspace, "--template", "通知"))
    assert result.exit_code == 2 and "没有这个模板" in result.stderr and "讲话" in result.stderr
    result = cli(*args(workspace, "--jobs", "0"))
    assert result.exit_code == 2 and "--jobs" in result.stderr and "的值无效" in result.stderr
    result = cli("batch", "--profiles", str(workspace / "missing"), "--out", str(workspace / "o"))
    assert result.exit_code == 2 and "不存在" in result.stderr
    assert not (workspace / "out").exists() and not (workspace / "o").exists()


def test_only_selected_town_and_template(cli, workspace: Path):
    result = cli(*args(workspace, "--town", "xishan", "--template", "讲话.docx"))
    assert result.exit_code == 0
    files = sorted(
        p.relative_to(workspace / "out").as_posix() for p in (workspace / "out").rglob("*.docx")
    )
    assert files == ["西山镇/讲话.docx"]


def test_help_is_chinese(cli):
    result = cli("batch", "--help")
    assert result.exit_code == 0
    assert "为每个乡镇生成全部文档" in result.stdout and "--merge" in result.stdout


def test_town_by_its_chinese_name(cli, workspace: Path):
    result = cli(*args(workspace, "--town", "西山镇", "--template", "讲话"))
    assert result.exit_code == 0, result.output
    assert (workspace / "out/西山镇/讲话.docx").exists()
    assert not (workspace / "out/东湖镇").exists()


def test_unusable_output_folder_is_explained_in_chinese(tmp_path):
    from tests.conftest import PROFILES, TEMPLATES, run_cli

    blocker = tmp_path / "afile"
    blocker.write_text("")
    result = run_cli(
        "batch", "--profiles", PROFILES, "--templates", TEMPLATES, "--out", blocker / "o"
    )
    assert result.exit_code == 2
    assert (
        "无法使用输出文件夹" in result.stderr and "路径中有一段是文件而不是文件夹" in result.stderr
    )
    assert "Not a directory" not in result.output and "Traceback" not in result.output


def test_a_template_past_its_time_limit_fails_alone_with_its_place(cli, workspace: Path):
    """--time-limit stops a runaway document (located: template, paragraph, limit); the other
    documents of the run are generated, and the run exits 1 (one item failed)."""
    from docx import Document

    doc = Document()
    doc.add_paragraph("{{ town.name }}")
    doc.add_paragraph(
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    )
    doc.save(workspace / "templates" / "失控.docx")
    result = cli(*args(workspace, "--town", "xishan", "--jobs", "1", "--time-limit", "0.5"))
    assert result.exit_code == 1, result.output
    assert "时间限制（0.5 秒）" in result.stdout and "第2段" in result.stdout
    assert "Traceback" not in result.output
    assert (workspace / "out/西山镇/讲话.docx").exists()
    assert not (workspace / "out/西山镇/失控.docx").exists()
