"""The Jinja environment every template part is compiled in: sandboxed, strict, escaping XML.

Delimiters are ``<{ }>``, ``<% %>`` and ``<# #>``: the preprocessor rewrites the docxtpl-style
tags written in Word into these, and none of them can occur in serialised XML, so the XML
around the tags needs no escaping for Jinja.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

from speechkit.filters import FILTERS

# Characters XML 1.0 forbids (values pasted from Excel sometimes carry them).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


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
    if type(value) is str and _XML_ILLEGAL.search(value):  # Markup (a subclass) is ours
        return _XML_ILLEGAL.sub("", value)
    return value


@lru_cache(maxsize=1)
def get_environment() -> SandboxedEnvironment:
    """The shared environment (created once; it holds no per-render state)."""
    env = SandboxedEnvironment(
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
    return env
