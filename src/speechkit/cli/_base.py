"""Chinese help formatting and usage-error messages shared by every command group."""

from __future__ import annotations

import re

import click

_HEADINGS = {
    "Options": "选项",
    "Commands": "命令",
    "Arguments": "参数",
}


class SkHelpFormatter(click.HelpFormatter):
    """click's formatter with Chinese headings and usage prefix."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix="用法：" if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{_HEADINGS.get(heading, heading)}：\n")


class SkContext(click.Context):
    """Context that formats help in Chinese and accepts ``-h`` as well as ``--help``."""

    formatter_class = SkHelpFormatter

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("help_option_names", ["-h", "--help"])
        super().__init__(*args, **kwargs)


class SkCommand(click.Command):
    """Command with Chinese help; the ``--help`` option's own help is Chinese too."""

    context_class = SkContext

    def get_help_option(self, ctx: click.Context):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = "显示本帮助并退出。"
        return option


class SkGroup(click.Group):
    """Group whose sub-commands and sub-groups default to the Chinese classes above."""

    context_class = SkContext
    command_class = SkCommand

    def get_help_option(self, ctx: click.Context):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = "显示本帮助并退出。"
        return option


SkGroup.group_class = SkGroup

_PATTERNS = [
    (re.compile(r"No such option: (\S+)"), r"没有这个选项：\1"),
    (re.compile(r"No such command '([^']+)'\."), r"没有这个命令：\1"),
    (re.compile(r"Missing argument '([^']+)'\."), r"缺少参数：\1"),
    (re.compile(r"Missing option '([^']+)'\."), r"缺少选项：\1"),
    (re.compile(r"Option '([^']+)' requires an argument\."), r"选项 \1 需要一个值"),
    (re.compile(r"Got unexpected extra arguments? \((.*)\)"), r"多余的参数：\1"),
    (re.compile(r"Invalid value for '([^']+)': (.*)"), r"\1 的值无效：\2"),
    (re.compile(r"Path '([^']+)' does not exist\."), r"路径不存在：\1"),
    (re.compile(r"File '([^']+)' does not exist\."), r"文件不存在：\1"),
    (re.compile(r"Directory '([^']+)' does not exist\."), r"文件夹不存在：\1"),
    (re.compile(r"Path '([^']+)' is a directory\."), r"这是文件夹，不是文件：\1"),
    (re.compile(r"'([^']+)' is not one of (.*)\."), r"“\1”不在可选值 \2 之中"),
    (re.compile(r"'([^']+)' is not a valid integer\."), r"“\1”不是整数"),
]


def translate_usage_error(exc: click.UsageError) -> str:
    """Return a Chinese rendering of a click usage error, with the usage line and a help hint."""
    message = exc.format_message()
    for pattern, repl in _PATTERNS:
        message = pattern.sub(repl, message)
    lines = []
    if exc.ctx is not None:
        lines.append(exc.ctx.get_usage())
        lines.append(f"运行 “{exc.ctx.command_path} --help” 查看帮助。")
    lines.append(f"用法错误：{message}")
    return "\n".join(lines)
