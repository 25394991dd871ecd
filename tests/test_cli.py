"""The CLI shell: Chinese help, usage errors exit 2 without a traceback, every group registered."""

from __future__ import annotations

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
