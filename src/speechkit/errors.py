"""Errors raised by speechkit, one class per kind of failure.

Every error a user can cause derives from :class:`SpeechkitError`. The CLI catches that one
class in one place, prints :meth:`SpeechkitError.format_message` to stderr and exits with
:attr:`SpeechkitError.exit_code` (2 for bad input). Messages are Simplified Chinese and say
where the problem is and what to do.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass
from pathlib import Path

from speechkit.docx.address import PART_NAMES, Address


@dataclass(frozen=True)
class Location:
    """Where something is: a file plus whichever finer coordinates apply.

    ``line``/``column`` are 1-based (YAML, text files). ``part`` is one of ``body``, ``header``,
    ``footer``, ``footnote``, ``endnote`` for .docx files; ``paragraph`` is 1-based within the
    part; ``cell`` names a table cell as ``表格N 第R行第C列``; ``row``/``column_name`` locate a
    roster cell. ``snippet`` is a short piece of the text found there. ``address`` (a
    :class:`speechkit.docx.address.Address`) places a paragraph of a .docx and, when set, is
    printed instead of ``part``/``paragraph``/``cell``, the same way by every command.
    """

    file: str | None = None
    line: int | None = None
    column: int | None = None
    part: str | None = None
    paragraph: int | None = None
    cell: str | None = None
    row: int | None = None
    column_name: str | None = None
    snippet: str | None = None
    address: Address | None = None

    def __str__(self) -> str:
        bits: list[str] = []
        head = self.file or ""
        if self.line is not None:
            head += f":{self.line}"
            if self.column is not None:
                head += f":{self.column}"
        elif self.row is not None:
            head += f":第{self.row}行"
            if self.column_name:
                head += f":{self.column_name}列"
        if head:
            bits.append(head)
        if self.address is not None:
            bits.append(str(self.address))
        else:
            if self.part:
                bits.append(PART_NAMES.get(self.part, self.part))
            if self.paragraph is not None:
                bits.append(f"第{self.paragraph}段")
            if self.cell:
                bits.append(self.cell)
        text = " ".join(bits)
        if self.snippet:
            text += f"「{self.snippet}」"
        return text


class SpeechkitError(Exception):
    """Base of every error a user can cause; carries a Chinese message and an exit code."""

    exit_code = 2

    def __init__(self, message: str, location: Location | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location

    def format_message(self) -> str:
        """Return the message as the CLI prints it: location first, then what is wrong."""
        if self.location is not None and str(self.location):
            return f"{self.location} {self.message}"
        return self.message

    def __str__(self) -> str:
        return self.format_message()

    def __reduce__(self):  # keep picklable across worker processes
        return (self.__class__, (self.message, self.location))


@dataclass(frozen=True)
class Problem:
    """One finding of a validator: where, which key, what is wrong, how bad."""

    location: Location
    message: str
    key: str = ""
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        level = "错误" if self.severity == "error" else "警告"
        key = f" {self.key}" if self.key else ""
        return f"{self.location}{key} [{level}] {self.message}"


class ProblemsError(SpeechkitError):
    """Raised when a validator found one or more errors; carries every problem found."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems: list[Problem] = list(problems or [])

    def format_message(self) -> str:
        lines = [self.message]
        lines += [str(p) for p in self.problems]
        return "\n".join(lines)

    def __reduce__(self):
        return (self.__class__, (self.message, self.problems))


class ProfileError(ProblemsError):
    """Raised when a profile file cannot be loaded or does not validate."""


class TemplateError(ProblemsError):
    """Raised when a .docx template has malformed, unbalanced or unknown tags."""


class RenderError(SpeechkitError):
    """Raised when rendering a template fails (undefined variable, filter error, ...)."""


class RulePackError(ProblemsError):
    """Raised when a rule pack file is not valid."""


class CampaignPackError(ProblemsError):
    """Raised when a campaign pack (campaign.yaml, schema.yaml, ...) is not valid."""


class RosterError(ProblemsError):
    """Raised when a roster (members list) cannot be read at all."""


class InputFileError(SpeechkitError):
    """Raised when an input document is missing, unreadable, corrupt or of an unknown type."""


class OutputExistsError(SpeechkitError):
    """Raised when an output file exists and overwriting was not asked for."""


class ToolMissingError(SpeechkitError):
    """Raised when an external program (LibreOffice) needed for a step is not installed."""


__all__ = [
    "Location",
    "Problem",
    "SpeechkitError",
    "ProblemsError",
    "ProfileError",
    "TemplateError",
    "RenderError",
    "RulePackError",
    "RosterError",
    "InputFileError",
    "OutputExistsError",
    "ToolMissingError",
    "PART_NAMES",
    "describe_os_error",
    "os_error_message",
    "display_path",
]


_ERRNO_REASONS = {
    errno.EACCES: "没有权限",
    errno.EPERM: "不允许这样操作（没有权限或是系统文件夹）",
    errno.ENOENT: "文件或文件夹不存在",
    errno.EEXIST: "已有同名的文件",
    errno.ENOTDIR: "路径中有一段是文件而不是文件夹",
    errno.EISDIR: "这是文件夹，不是文件",
    errno.ENOSPC: "磁盘空间不足",
    errno.EROFS: "所在磁盘是只读的",
    errno.ENAMETOOLONG: "文件名太长",
    errno.EMFILE: "同时打开的文件太多",
    errno.EBUSY: "文件正被其他程序占用",
    errno.EBADF: "文件已被关闭",
    errno.EIO: "磁盘读写出错",
}


def describe_os_error(exc: OSError) -> str:
    """Return a Chinese reason for an OS error (no English system text), e.g. "没有权限"."""
    reason = _ERRNO_REASONS.get(exc.errno or -1)
    if reason is None:
        reason = f"系统错误（错误号 {exc.errno}）" if exc.errno else "系统错误"
    return reason


def os_error_message(exc: OSError, action: str = "无法访问") -> str:
    """Return ``"<action> <path>：<reason>。"`` for an OS error, naming the path involved."""
    path = exc.filename2 if exc.errno == errno.EXDEV else exc.filename
    target = f" {display_path(path)}" if path else ""
    return f"{action}{target}：{describe_os_error(exc)}。"


def display_path(path: str | Path) -> str:
    """Return ``path`` relative to the working directory when it lies below it."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)
