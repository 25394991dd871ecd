"""Chinese messages for template mistakes: syntax, undefined variables, runtime errors.

Jinja's English messages are kept in parentheses for whoever maintains the template; the
Chinese text in front says what to change.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from speechkit.engine.environment import UndefinedVariableError
    from speechkit.engine.tags import Tag

_JINJA_MESSAGES = [
    (
        re.compile(r"expected token 'end of print statement', got '(.+)'"),
        r"多出了“\1”（变量名中不能有空格；多个值之间要用运算符或过滤器“|”连接）",
    ),
    (
        re.compile(
            r"(?:unexpected|[Ee]xpected an expression, got) 'end of (?:print statement|statement block)'"
        ),
        "标签还没写完就结束了（缺少变量或表达式）",
    ),
    (re.compile(r"expected token '(.+)', got '(.+)'"), r"这里应为“\1”，却是“\2”"),
    (re.compile(r"unexpected char '(.+)' at \d+"), r"有不能识别的字符“\1”"),
    (re.compile(r"unexpected '(.+)'"), r"出现了意外的“\1”"),
    (re.compile(r"[Uu]nexpected end of template.*"), "标签不完整"),
    (re.compile(r"Encountered unknown tag '(.+?)'.*"), r"不认识的标签“\1”"),
]
_FULL_WIDTH = "（），：；＝｜【】！＜＞"


def explain_syntax_error(message: str | None, body: str) -> str:
    """A Chinese rendering of a Jinja syntax message, the original kept for reference."""
    message = message or ""
    text = message
    for pattern, repl in _JINJA_MESSAGES:
        if pattern.search(message):
            text = pattern.sub(repl, message, count=1)
            break
    wide = "".join(sorted({c for c in body if c in _FULL_WIDTH}))
    if wide:
        text += f"；标签里有全角符号“{wide}”，请改成半角（英文）符号"
    return f"{text}（Jinja：{message}）" if text != message else text


def undefined_message(exc: UndefinedVariableError, tag: Tag | None, ctx: Mapping) -> str:
    """Chinese message for an undefined variable, with its dotted path and a did-you-mean."""
    from jinja2.utils import missing

    name = exc.name or ""
    path = name
    if tag is not None and name:
        m = re.search(
            r"([A-Za-z_]\w*(?:\s*\.\s*[A-Za-z_]\w*)*)\s*\.\s*" + re.escape(name) + r"\b",
            tag.raw.body,
        )
        if m and exc.obj is not missing:
            path = re.sub(r"\s+", "", m.group(1)) + "." + name
    if exc.obj is missing or exc.obj is None and not name:
        candidates = list(ctx)
    elif isinstance(exc.obj, Mapping):
        candidates = [str(k) for k in exc.obj]
    else:
        candidates = [a for a in dir(exc.obj) if not a.startswith("_")]
    msg = f"变量 {path} 未定义" if path else f"使用了未定义的值（{exc.message}）"
    if tag is not None:
        msg = f"标签 {tag.text} 中的{msg}"
    close = difflib.get_close_matches(name, candidates, n=3, cutoff=0.6) if name else []
    if close:
        prefix = path[: -len(name)] if path.endswith(name) else ""
        msg += "；是不是 " + "、".join(prefix + c for c in close) + "？"
    elif exc.obj is not missing and isinstance(exc.obj, Mapping) and candidates:
        msg += "；可用的键有 " + "、".join(candidates[:12])
    return msg


def missing_message(tag: Tag, prefix: str, obj: Any, key: str) -> str:
    """Message for a variable path a context lacks (see ``Template.check_context``)."""
    full = f"{prefix}.{key}" if prefix else key
    msg = f"标签 {tag.text} 中的变量 {full} 未定义"
    keys = [str(k) for k in obj] if isinstance(obj, Mapping) else []
    close = difflib.get_close_matches(key, keys, n=3, cutoff=0.6)
    if close:
        lead = f"{prefix}." if prefix else ""
        msg += "；是不是 " + "、".join(lead + c for c in close) + "？"
    elif prefix and keys:
        msg += f"；{prefix} 中有 " + "、".join(keys[:12])
    return msg


_RUNTIME_MESSAGES = [
    (re.compile(r"'(\w+)' object is not iterable"), r"值的类型是 \1，不是列表，不能用于循环"),
    (re.compile(r"'(\w+)' object is not callable"), r"值的类型是 \1，不能当作函数调用"),
    (
        re.compile(r"unsupported operand type\(s\) for .*: '(\w+)' and '(\w+)'"),
        r"\1 和 \2 不能这样运算",
    ),
    (
        re.compile(r"can only concatenate str \(not \"(\w+)\"\) to str"),
        r"文字不能直接和 \1 相加，请先用 |string",
    ),
    (re.compile(r"division by zero"), "除数为零"),
]


def explain_runtime(exc: Exception) -> str:
    """Chinese text for common Python errors raised by values in a template."""
    text = str(exc)
    for pattern, repl in _RUNTIME_MESSAGES:
        if pattern.search(text):
            return f"{pattern.sub(repl, text, count=1)}（{type(exc).__name__}：{text}）"
    return text if isinstance(exc, ValueError) else f"{type(exc).__name__}：{text}"
