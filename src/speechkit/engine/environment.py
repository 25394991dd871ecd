"""The Jinja environment every template part is compiled in: sandboxed, strict, escaping XML,
bounded (see :mod:`speechkit.engine.limits`).

Delimiters are ``<{ }>``, ``<% %>`` and ``<# #>``: the preprocessor rewrites the docxtpl-style
tags written in Word into these, and none of them can occur in serialised XML, so the XML
around the tags needs no escaping for Jinja.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, UndefinedError, nodes
from jinja2.sandbox import SandboxedEnvironment
from jinja2.visitor import NodeTransformer

from speechkit.engine import limits, objects
from speechkit.filters import FILTERS, XML_ILLEGAL


class UndefinedVariableError(UndefinedError):
    """An undefined name or attribute was used; keeps the name and the object it was looked
    up on, for the "did you mean" hint."""

    def __init__(self, message: str, name: str | None, obj: Any) -> None:
        super().__init__(message)
        self.name = name
        self.obj = obj


class DocxUndefined(StrictUndefined):
    """StrictUndefined that raises :class:`UndefinedVariableError` (``is defined`` still works)."""

    __slots__ = ()

    def _fail_with_undefined_error(self, *args: Any, **kwargs: Any):
        raise UndefinedVariableError(
            self._undefined_message, self._undefined_name, self._undefined_obj
        )

    # StrictUndefined binds these to the original method at class creation; rebind them.
    __iter__ = __str__ = __len__ = _fail_with_undefined_error
    __eq__ = __ne__ = __bool__ = __hash__ = __contains__ = _fail_with_undefined_error
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _fail_with_undefined_error
    __getitem__ = __lt__ = __le__ = __gt__ = __ge__ = __int__ = _fail_with_undefined_error
    __float__ = __complex__ = __pow__ = __rpow__ = __call__ = _fail_with_undefined_error
    __truediv__ = __rtruediv__ = __floordiv__ = __rfloordiv__ = _fail_with_undefined_error
    __mod__ = __rmod__ = __pos__ = __neg__ = _fail_with_undefined_error


def _finalize(value: Any) -> Any:
    """Applied to every printed value: ``None`` (an empty field, e.g. a roster cell) prints as
    nothing, never as "None"; characters XML cannot hold are dropped."""
    if value is None:
        return ""
    if type(value) is str:  # Markup (a subclass) is ours
        if len(value) > 256:
            limits.count_printed(value)
        if XML_ILLEGAL.search(value):
            return XML_ILLEGAL.sub("", value)
    return value


def cell_color(value: Any) -> str:
    """A ``{% cellbg %}`` colour: ``FF0000`` or ``#FF0000`` (``auto`` for none)."""
    text = str(value).strip()
    if text.lower() == "auto":
        return "auto"
    m = objects.HEX_COLOR.fullmatch(text)
    if not m:
        raise ValueError(
            f"“{text}”不是颜色：底色要写成 6 位十六进制数，如 FF0000（红）、FFFF00（黄）"
        )
    return m.group(1).upper()


def cell_span(value: Any) -> int:
    """A ``{% colspan %}`` count: a whole number from 1 to 63 (Word's column limit)."""
    try:
        n = int(value)
    except (TypeError, ValueError):
        n = 0
    if isinstance(value, bool) or not 1 <= n <= 63 or n != value and not isinstance(value, str):
        raise ValueError(f"“{value}”不是合并的列数：应为 1 到 63 的整数")
    return n


class BoundedEnvironment(SandboxedEnvironment):
    """The sandbox plus resource limits: calls and the size-making operators are checked
    before they run (:func:`limits.check_call`, :func:`limits.check_binop`), results after."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        """Call from template code: checked before, its result's size after."""
        limits.check_call(__obj, args, kwargs)
        result = super().call(__context, __obj, *args, **kwargs)
        return limits.check_size(result, "调用的结果")

    def wrap_str_format(self, value: Any) -> Any:
        """``str.format`` as the sandbox wraps it, with its widths checked first."""
        wrapped = super().wrap_str_format(value)
        return None if wrapped is None else limits.checked_str_format(value, wrapped)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        """An intercepted operator: refused when its result would be huge."""
        limits.check_binop(operator, left, right)
        return super().call_binop(context, operator, left, right)


def bound_loops(ast: nodes.Template) -> nodes.Template:
    """Make every ``{% for %}`` of a parsed template iterate through the loop guard and every
    ``~`` concatenation pass the size check (done once, at compile time)."""
    for loop in ast.find_all(nodes.For):
        loop.iter = nodes.Filter(loop.iter, "_sk_loop", [], [], None, None, lineno=loop.lineno)
    return _ConcatGuard().visit(ast)


class _ConcatGuard(NodeTransformer):
    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:  # noqa: N802
        self.generic_visit(node)
        return nodes.Filter(node, "_sk_size", [], [], None, None, lineno=node.lineno)


def _make_environment(
    filters: dict[str, Any] | None = None, globals: dict[str, Any] | None = None
) -> BoundedEnvironment:
    env = BoundedEnvironment(
        block_start_string="<%",
        block_end_string="%>",
        variable_start_string="<{",
        variable_end_string="}>",
        comment_start_string="<#",
        comment_end_string="#>",
        undefined=DocxUndefined,
        autoescape=True,
        finalize=_finalize,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.loopcontrols"],
        cache_size=0,
    )
    env.filters.update(FILTERS)
    env.filters.update(filters or {})
    env.filters = {name: limits.guard_filter(name, f) for name, f in env.filters.items()}
    env.filters["_sk_loop"] = limits.guarded_loop
    env.filters["_sk_size"] = lambda v: limits.check_size(v, "连接（~）的结果")
    env.filters["_sk_r"] = objects.as_runs
    env.filters["_sk_p"] = objects.as_paragraphs
    env.filters["_sk_span"] = cell_span
    env.filters["_sk_color"] = cell_color
    env.globals["lipsum"] = limits.bounded_lipsum
    env.globals["range"] = limits.bounded_range
    env.globals.update(globals or {})
    return env


@lru_cache(maxsize=1)
def get_environment() -> BoundedEnvironment:
    """The shared environment (created once; it holds no per-render state)."""
    return _make_environment()


def make_environment(
    filters: dict[str, Any] | None = None, globals: dict[str, Any] | None = None
) -> BoundedEnvironment:
    """The environment with extra ``filters`` and ``globals`` (still sandboxed and bounded);
    the shared one when both are empty."""
    if not filters and not globals:
        return get_environment()
    for name in filters or {}:
        if not (isinstance(name, str) and name.isidentifier()):
            raise ValueError(f"过滤器名称“{name}”不合法：应为英文字母、数字和下划线")
    return _make_environment(filters, globals)
