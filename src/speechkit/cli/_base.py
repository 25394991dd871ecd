"""Chinese help formatting and usage-error messages shared by every command group."""

from __future__ import annotations

import re
import unicodedata

import click

from speechkit.cli import _zh

_zh.install()  # before any command module builds its click.Path types

_HEADINGS = {"Options": "选项", "Commands": "命令", "Arguments": "参数"}

# click derives metavars from type names (TEXT, INTEGER, FILE ...) and argument names (FILES).
_METAVARS = {
    "OPTIONS": "选项",
    "COMMAND": "命令",
    "ARGS": "参数",
    "INTEGER RANGE": "整数",
    "FLOAT RANGE": "数字",
    "INTEGER": "整数",
    "FLOAT": "数字",
    "BOOLEAN": "是/否",
    "TEXT": "文字",
    "FILENAME": "文件",
    "FILES": "文件",
    "FILE": "文件",
    "DIRECTORY": "文件夹",
    "PATHS": "路径",
    "PATH": "路径",
    "PACKS": "规则包",
}
_METAVAR_RE = re.compile(r"\b(" + "|".join(map(re.escape, _METAVARS)) + r")\b")


def display_width(text: str) -> int:
    """Columns ``text`` takes on a terminal: East Asian wide and full-width characters count 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def join_cjk_lines(text: str) -> str:
    """Join the wrapped lines of each paragraph the way Chinese is written: no space between
    two lines when either side of the break is a Chinese character or punctuation mark.
    Paragraphs marked with click's ``\\b`` (no rewrapping) are left as they are."""
    out = []
    for para in text.split("\n\n"):
        if para.lstrip().startswith("\b"):
            out.append(para)
            continue
        lines = [ln.strip() for ln in para.splitlines() if ln.strip()]
        joined = lines[0] if lines else ""
        for line in lines[1:]:
            wide = display_width(joined[-1]) == 2 or display_width(line[0]) == 2
            joined += line if wide else " " + line
        out.append(joined)
    return "\n\n".join(out)


# Marks that must not begin a line (GB/T 15834 line-breaking practice).
_NO_LINE_START = set("，。、；：？！）》”’…—·,.;:?!)]}%")


def wrap_cjk(text: str, width: int) -> list[str]:
    """Wrap one paragraph to ``width`` display columns.

    Breaks fall between Chinese characters or at spaces, never inside a Latin word or number,
    and a closing mark is pulled back onto the line before.
    """
    tokens = re.findall(r"[A-Za-z0-9_./<>=|\[\]{}'\"@#$%&*+-]+|\s+|.", text)
    lines: list[str] = []
    line = ""
    for tok in tokens:
        if tok.isspace():
            if line:
                line += " "
            continue
        if line and display_width(line.rstrip() + tok) > width:
            if tok[0] in _NO_LINE_START:  # keep punctuation with the text before it
                line += tok
                continue
            lines.append(line.rstrip())
            line = ""
        line += tok
    if line.strip():
        lines.append(line.rstrip())
    return lines or [""]


def zh_metavars(text: str) -> str:
    """Replace click's English metavars (TEXT, FILE, [OPTIONS] ...) with Chinese ones."""
    return _METAVAR_RE.sub(lambda m: _METAVARS[m.group(1)], text)


class SkHelpFormatter(click.HelpFormatter):
    """click's formatter with Chinese headings, usage prefix and metavars."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, zh_metavars(args), prefix="用法：" if prefix is None else prefix)

    def write_text(self, text: str) -> None:
        """Write help paragraphs wrapped by display width; ``\\b`` paragraphs kept verbatim."""
        indent = " " * self.current_indent
        width = max(self.width - self.current_indent, 20)
        for i, para in enumerate(join_cjk_lines(text).split("\n\n")):
            if i:
                self.write("\n")
            if para.lstrip().startswith("\b"):
                lines = para.lstrip()[1:].strip("\n").splitlines()
            else:
                lines = wrap_cjk(para, width)
            for line in lines:
                self.write(f"{indent}{line}\n")

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{_HEADINGS.get(heading, heading)}：\n")

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        """Two-column option list, aligned by display width (a Chinese character is 2 wide)."""
        rows = [(zh_metavars(term), text) for term, text in rows]
        first = min(max((display_width(term) for term, _ in rows), default=0), col_max)
        pad = " " * (self.current_indent + first + col_spacing)
        text_width = max(self.width - len(pad), 10)
        for term, text in rows:
            self.write(f"{'':>{self.current_indent}}{term}")
            if not text:
                self.write("\n")
                continue
            gap = first - display_width(term)
            # a term wider than the column gets its text on the next line
            self.write(" " * (gap + col_spacing) if gap >= 0 else "\n" + pad)
            self.write(("\n" + pad).join(wrap_cjk(join_cjk_lines(text), text_width)) + "\n")


class SkContext(click.Context):
    """Context that formats help in Chinese and accepts ``-h`` as well as ``--help``."""

    formatter_class = SkHelpFormatter

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("help_option_names", ["-h", "--help"])
        super().__init__(*args, **kwargs)


class SkCommand(click.Command):
    """Command with Chinese help (usage line, metavars, the help option's own text)."""

    context_class = SkContext


class SkGroup(click.Group):
    """Group whose sub-commands and sub-groups default to the Chinese classes above."""

    context_class = SkContext
    command_class = SkCommand


SkGroup.group_class = SkGroup


def translate_usage_error(exc: click.UsageError) -> str:
    """Return a usage error as printed: usage line, a help hint, then the (Chinese) message."""
    lines = []
    if exc.ctx is not None:
        lines.append(zh_metavars(exc.ctx.get_usage()))
        lines.append(f"运行“{exc.ctx.command_path} --help”查看帮助。")
    message = _ASCII_QUOTED.sub(r"“\1”", exc.format_message()).replace("。 ", "。")
    lines.append(f"用法错误：{message}")
    return "\n".join(lines)


_ASCII_QUOTED = re.compile(r"'([^'\n]*)'")
