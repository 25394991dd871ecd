"""The CLI shell: Chinese help, usage errors exit 2 without a traceback, every group registered."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from speechkit.errors import InputFileError, Location
from tests.conftest import run_cli


def test_help_is_chinese():
    result = run_cli("--help")
    assert result.exit_code == 0
    assert "用法：speechkit" in result.stdout
    assert "选项：" in result.stdout
    assert "显示本帮助并退出" in result.stdout


def test_unknown_command_exits_2_in_chinese():
    result = run_cli("frobnicate")
    assert result.exit_code == 2
    assert "没有这个命令：frobnicate" in result.stderr
    assert "Traceback" not in result.output


def test_version():
    result = run_cli("--version")
    assert result.exit_code == 0
    assert result.stdout.startswith("speechkit ")


@pytest.mark.parametrize("command", ["profiles", "template", "render", "check", "batch", "serve"])
def test_every_command_has_chinese_help(command):
    result = run_cli(command, "--help")
    assert result.exit_code == 0, result.output
    assert "用法：" in result.stdout


def test_speechkit_error_becomes_exit_2(monkeypatch):
    """A library error raised inside a command prints its located message and exits 2."""

    from speechkit.cli import cli

    @cli.command("boom-test", hidden=True)
    def boom():
        raise InputFileError("文件已损坏。", Location(file="甲.docx", part="body", paragraph=3))

    try:
        result = run_cli("boom-test")
    finally:
        cli.commands.pop("boom-test")
    assert result.exit_code == 2
    assert result.stderr.strip() == "甲.docx 正文 第3段 文件已损坏。"


def test_module_entry_point_runs():
    proc = subprocess.run(
        [sys.executable, "-m", "speechkit", "--help"], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0
    assert "speechkit" in proc.stdout


def _all_command_paths():
    from speechkit.cli import cli

    paths = []

    def walk(command, prefix):
        paths.append(prefix)
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, [*prefix, name])

    walk(cli, [])
    return paths


ENGLISH = re.compile(
    r"\b(TEXT|FILE|FILES|PATH|DIRECTORY|INTEGER|FLOAT|OPTIONS|COMMAND|ARGS|Usage|Options)\b"
    r"|\[default|\[required\]|Show this message|Show the version"
)


@pytest.mark.parametrize("path", _all_command_paths(), ids=lambda p: " ".join(p) or "speechkit")
def test_no_english_left_in_any_help(path):
    result = run_cli(*path, "--help")
    assert result.exit_code == 0, result.output
    assert not ENGLISH.search(result.stdout), ENGLISH.search(result.stdout).group()


def test_option_columns_align_by_display_width():
    from speechkit.cli._base import display_width

    lines = [ln for ln in run_cli("serve", "--help").stdout.splitlines() if ln.startswith("  -")]
    starts = set()
    for line in lines:
        term_end = re.search(r"\S {2,}(?=\S)", line).end()
        starts.add(display_width(line[:term_end]))
    assert len(lines) >= 5 and len(starts) == 1


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["chek"], "没有这个命令：chek。您是不是要输入 “check”？"),
        (["check", "x.txt", "--bogus"], "没有这个选项：--bogus。"),
        (["typeset", "README.md"], "缺少选项"),
        (["serve", "--port", "99999"], "99999 超出范围"),
        (["serve", "--port", "abc"], "“abc”不是有效的数值"),
        (["typeset", "tests", "-o", "a.docx"], "是文件夹，这里需要文件"),
    ],
)
def test_usage_errors_are_chinese_and_exit_2(args, expected):
    result = run_cli(*args)
    assert result.exit_code == 2
    assert expected in result.stderr
    assert "Traceback" not in result.output


def test_unwritable_output_is_a_chinese_message_not_a_traceback(tmp_path):
    src = tmp_path / "稿.txt"
    src.write_text("标题\n\n正文。\n", encoding="utf-8")
    blocker = tmp_path / "afile"
    blocker.write_text("")
    result = run_cli("typeset", src, "-o", blocker / "x.docx")
    assert result.exit_code == 2
    assert "无法读写" in result.stderr and "afile" in result.stderr
    assert "路径中有一段是文件而不是文件夹" in result.stderr
    assert "Traceback" not in result.output and "Errno" not in result.output


def test_describe_os_error_is_chinese():
    import errno

    from speechkit.errors import describe_os_error, os_error_message

    assert describe_os_error(PermissionError(errno.EACCES, "Permission denied")) == "没有权限"
    err = OSError(errno.ENOSPC, "No space left on device", "out/甲.docx")
    assert os_error_message(err, "无法写出") == "无法写出 out/甲.docx：磁盘空间不足。"


def test_chinese_help_wraps_by_display_width_without_stray_spaces():
    from speechkit.cli._base import display_width, join_cjk_lines, wrap_cjk

    assert join_cjk_lines("检查模板标签。\n再运行一次。\nRun it\nagain") == (
        "检查模板标签。再运行一次。Run it again"
    )
    text = "检查纸张、页边距、文档网格（每页 22 行、每行 28 字）、正文字体字号、标题。" * 2
    lines = wrap_cjk(text, 40)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert all(display_width(line) <= 41 for line in lines)  # one pulled-back mark at most
    assert not any(line[0] in "，。、）" for line in lines)
    for line in run_cli("format-check", "--help").stdout.splitlines():
        assert display_width(line) <= 80, line


def test_render_refuses_to_overwrite_its_own_template(tmp_path):
    from docx import Document

    template = tmp_path / "通知.docx"
    doc = Document()
    doc.add_paragraph("{{ name }}")
    doc.save(template)
    before = template.read_bytes()
    data = tmp_path / "d.yaml"
    data.write_text("name: 东湖镇\n", encoding="utf-8")
    result = run_cli("render", template, "--data", data, "-o", template, "--force")
    assert result.exit_code == 2
    assert "输出文件不能与模板相同" in result.stderr
    assert template.read_bytes() == before
