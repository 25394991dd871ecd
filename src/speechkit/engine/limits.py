"""Resource limits for rendering: what a template may compute, and the time and memory one
render may take.

The sandbox already blocks escapes; this module bounds work. Operations that multiply sizes are
checked *before* they run (``'x' * n``, ``[1] * n``, ``a ** b``, ``s.center(n)``, a filter
argument such as ``batch(n)``, a format width), values the template builds are checked after
(concatenation, macro output, filter results), and every loop iteration, call and operator
checks the render's deadline and, every few hundred iterations, the growth of the process's
resident memory. Past any limit :class:`LimitExceeded` is raised inside the template, so the
engine reports it at the tag that caused it.
"""

from __future__ import annotations

import functools
import math
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RenderLimits:
    """Budget of one render.

    ``seconds``: wall time of the template's evaluation; ``memory_mb``: growth of the
    process's resident memory during it; ``max_size``: characters of one string, or items of
    one list, the template builds (a value from the data may be larger); ``max_output``:
    characters printed by ``{{ }}`` tags in one render.
    """

    seconds: float = 30.0
    memory_mb: int = 1024
    max_size: int = 10_000_000
    max_output: int = 50_000_000


DEFAULT_LIMITS = RenderLimits()

#: Largest number a template may pass as a width, count or repetition to a filter or method.
MAX_ARGUMENT = 1_000_000
#: Largest result of ``**`` and ``*`` on integers, in bits (10**3000 is far beyond any need).
MAX_INT_BITS = 10_000
_MEMORY_EVERY = 256  # loop iterations between two memory checks


class LimitExceeded(Exception):
    """A template went past a resource limit; the message is Chinese and says which."""


class _State(threading.local):
    deadline: float = math.inf
    memory_base: int = 0
    limits: RenderLimits = DEFAULT_LIMITS
    printed: int = 0
    ticks: int = 0
    active: bool = False


_STATE = _State()


def _resident_bytes() -> int:
    """Resident memory of this process in bytes (0 where /proc is missing)."""
    try:
        with open("/proc/self/statm", "rb") as fh:
            return int(fh.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return 0


_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


class budget:
    """Context manager around one render: sets the deadline and the memory baseline."""

    def __init__(self, limits: RenderLimits) -> None:
        self.limits = limits

    def __enter__(self) -> None:
        s = _STATE
        self._saved = (s.deadline, s.memory_base, s.limits, s.printed, s.ticks, s.active)
        s.limits = self.limits
        s.deadline = time.monotonic() + self.limits.seconds
        s.memory_base = 0  # read at the first memory check (see _check_memory)
        s.printed = 0
        s.ticks = 0
        s.active = True

    def __exit__(self, *exc: object) -> None:
        s = _STATE
        s.deadline, s.memory_base, s.limits, s.printed, s.ticks, s.active = self._saved


def check_time() -> None:
    """Raise :class:`LimitExceeded` when the current render is past its deadline."""
    if time.monotonic() > _STATE.deadline:
        raise LimitExceeded(
            f"渲染超过了时间限制（{_STATE.limits.seconds:g} 秒）：模板中的循环或宏做了太多工作"
        )


def _check_memory() -> None:
    """Compare the resident memory with the first reading of this render (taken at the first
    check, so a render with few loop iterations never reads it)."""
    s = _STATE
    if not s.memory_base:
        s.memory_base = _resident_bytes()
        return
    grown = _resident_bytes() - s.memory_base
    if grown > s.limits.memory_mb * 1024 * 1024:
        raise LimitExceeded(
            f"渲染占用的内存超过了限制（{s.limits.memory_mb} MB）：模板生成的内容太多"
        )


def tick() -> None:
    """One unit of work: checks the deadline, and the memory every few hundred units."""
    s = _STATE
    if time.monotonic() > s.deadline:
        check_time()
    s.ticks += 1
    if s.ticks % _MEMORY_EVERY == 0:
        _check_memory()


def guarded_loop(value: Any) -> Iterator[Any]:
    """What every ``{% for %}`` iterates: ``value``, with a :func:`tick` per item."""
    for item in value:
        tick()
        yield item


def _size(value: Any) -> int:
    if isinstance(value, (str, list, tuple, dict, set, frozenset, bytes)):
        return len(value)
    return 0


def _too_big(what: str) -> LimitExceeded:
    return LimitExceeded(f"{what}超过了模板允许的大小（{_STATE.limits.max_size:,} 个字符或元素）")


def check_size(value: Any, what: str = "生成的内容") -> Any:
    """Return ``value`` when its size is within ``max_size``, else raise."""
    if _size(value) > _STATE.limits.max_size:
        raise _too_big(what)
    return value


def count_printed(value: str) -> None:
    """Account characters printed by a ``{{ }}`` tag against ``max_output`` (the engine
    counts long values only: short ones are bounded by the loop checks)."""
    s = _STATE
    s.printed += len(value)
    if s.printed > s.limits.max_output:
        raise LimitExceeded(
            f"渲染输出的文字超过了限制（{s.limits.max_output:,} 个字符）：模板重复输出了太多内容"
        )


def _refuse_argument(what: str, n: int) -> LimitExceeded:
    return LimitExceeded(f"{what}的数值 {_short(n)} 太大（最大 {MAX_ARGUMENT:,}）")


def _short(n: int) -> str:
    if n.bit_length() > 64:
        return f"约 2 的 {n.bit_length()} 次方"
    return f"{n:,}"


def check_binop(op: str, left: Any, right: Any) -> None:
    """Refuse ``*``, ``**``, ``+`` and ``%`` whose result would be huge, before computing it."""
    tick()
    limit = _STATE.limits.max_size
    if op == "*":
        for seq, n in ((left, right), (right, left)):
            if isinstance(n, int) and _size(seq) and not isinstance(seq, dict):
                if n > 0 and _size(seq) * n > limit:
                    raise _too_big("重复（*）的结果")
                return
        both_int = isinstance(left, int) and isinstance(right, int)
        if both_int and left.bit_length() + right.bit_length() > MAX_INT_BITS:
            raise LimitExceeded("乘法（*）的结果数字太大")
    elif op == "**":
        growing = isinstance(left, int) and isinstance(right, int) and right > 0
        if growing and abs(left) > 1 and right * left.bit_length() > MAX_INT_BITS:
            raise LimitExceeded(
                f"乘方（**）的结果数字太大（{_short(left)} 的 {_short(right)} 次方）"
            )
    elif op == "+":
        if _size(left) and _size(right) and _size(left) + _size(right) > limit:
            raise _too_big("相加（+）的结果")
    elif op == "%" and isinstance(left, str):
        check_format(left, right if isinstance(right, tuple) else (right,), "%")


_FORMAT_WIDTH = re.compile(r"\{[^{}]*:[^{}]*?(\d{7,})[^{}]*\}")
_NESTED_FIELD = re.compile(r"\{[^{}]*:[^{}]*\{")
_PERCENT_WIDTH = re.compile(r"%(?:\([^)]*\))?[-+ #0]*(\d+|\*)(?:\.(\d+|\*))?")


def check_format(fmt: str, args: Iterable[Any], style: str) -> None:
    """Refuse a format string whose widths or precisions exceed :data:`MAX_ARGUMENT`."""
    if style == "{}":
        if _FORMAT_WIDTH.search(fmt):
            raise LimitExceeded(f"格式字符串中的宽度太大（最大 {MAX_ARGUMENT:,}）")
        if _NESTED_FIELD.search(fmt):
            _check_int_args(args, "格式字符串中的宽度")
        return
    for m in _PERCENT_WIDTH.finditer(fmt):
        for g in m.groups():
            if g == "*":
                _check_int_args(args, "格式字符串中的宽度")
            elif g and len(g) >= 7 and int(g) > MAX_ARGUMENT:
                raise LimitExceeded(f"格式字符串中的宽度太大（最大 {MAX_ARGUMENT:,}）")


def _check_int_args(args: Iterable[Any], what: str) -> None:
    for a in args:
        if isinstance(a, int) and not isinstance(a, bool) and abs(a) > MAX_ARGUMENT:
            raise _refuse_argument(what, a)


# str/list methods whose integer arguments set the size of what they build.
_SIZING_METHODS = {"center", "ljust", "rjust", "zfill", "expandtabs"}


def check_call(obj: Any, args: tuple, kwargs: dict) -> None:
    """Before a call from a template: deadline, sizing arguments of str methods, formats."""
    tick()
    owner = getattr(obj, "__self__", None)
    if isinstance(owner, str) and getattr(obj, "__name__", "") in _SIZING_METHODS:
        _check_int_args((*args, *kwargs.values()), f"{obj.__name__}() ")


def checked_str_format(method: Any, wrapped: Callable[..., str]) -> Callable[..., str]:
    """Wrap the sandbox's ``str.format``/``format_map`` so widths are checked first."""
    fmt = method.__self__

    @functools.wraps(method)
    def checked(*args: Any, **kwargs: Any) -> str:
        values = [*args, *kwargs.values()]
        if method.__name__ == "format_map" and args and isinstance(args[0], dict):
            values = list(args[0].values())
        check_format(fmt, values, "{}")
        return wrapped(*args, **kwargs)

    return checked


def bounded_range(*args: int) -> range:
    """``range`` with at most 100,000 items (Jinja's sandbox limit), refused in Chinese."""
    from jinja2.sandbox import MAX_RANGE

    rng = range(*args)
    if len(rng) > MAX_RANGE:
        raise LimitExceeded(f"range() 的范围太大：{len(rng):,} 个数（最多 {MAX_RANGE:,} 个）")
    return rng


# Filters whose integer arguments set the size of what they build or how long they loop.
_SIZING_FILTERS = {"center", "indent", "wordwrap", "truncate", "batch", "slice"}


def guard_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a filter: deadline, sizing arguments bounded, the result size checked; ``join``
    and ``format`` checked before they run."""
    if getattr(func, "_sk_guarded", False):
        return func
    pass_arg = getattr(func, "jinja_pass_arg", None)

    @functools.wraps(func)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        tick()
        value_at = 1 if pass_arg is not None else 0
        rest = args[value_at + 1 :]
        if name in _SIZING_FILTERS:
            _check_int_args((*rest, *kwargs.values()), f"过滤器 {name} 的参数")
        if name == "join" and len(args) > value_at:
            value = args[value_at]
            if isinstance(value, (list, tuple)):
                total = sum(len(v) if isinstance(v, str) else 16 for v in value)
                if total > _STATE.limits.max_size:
                    raise _too_big("join 的结果")
        elif name == "format" and len(args) > value_at and isinstance(args[value_at], str):
            check_format(args[value_at], rest, "%")
        result = func(*args, **kwargs)
        return check_size(result, f"过滤器 {name} 的结果")

    guarded._sk_guarded = True  # type: ignore[attr-defined]
    return guarded


def bounded_lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:  # noqa: A002
    """Jinja's ``lipsum`` with ``n`` at most 100 paragraphs and ``max`` at most 1000 words."""
    from jinja2.utils import generate_lorem_ipsum

    if n > 100 or max > 1000 or min > 1000:
        raise LimitExceeded("lipsum() 的参数太大（最多 100 段、每段 1000 词）")
    return generate_lorem_ipsum(n=n, html=html, min=min, max=max)
