"""Which variables each tag reads (for ``speechkit template vars``)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from jinja2 import nodes

from speechkit.engine.environment import get_environment
from speechkit.engine.preprocess import MIDDLES, OPENERS, SIMPLE, PartSource, jinja_tag
from speechkit.engine.tags import Tag


def _tag_ast(tag: Tag) -> nodes.Template | None:
    raw = tag.raw
    if raw.kind == "comment" or tag.dropped or (tag.synthetic and raw.kind != "var"):
        return None
    src = jinja_tag(tag, newline=False)
    kw = raw.keyword
    if raw.kind == "block":
        if kw in OPENERS and not (kw == "set" and "=" in raw.body):
            src += f"<% {OPENERS[kw]} %>"
        elif kw in MIDDLES:
            src = "<% if 1 %>" + src + "<% endif %>"
        elif kw in SIMPLE:
            src = "<% for _ in () %>" + src + "<% endfor %>"
        elif kw not in ("set",):
            return None
    return get_environment().parse(src)


def _path(node: nodes.Node) -> str | None:
    """``a.b.c`` for a chain of attribute/constant-item lookups on a name, else None."""
    parts: list[str] = []
    while True:
        if isinstance(node, nodes.Getattr):
            parts.append(node.attr)
            node = node.node
        elif (
            isinstance(node, nodes.Getitem)
            and isinstance(node.arg, nodes.Const)
            and isinstance(node.arg.value, str)
        ):
            parts.append(node.arg.value)
            node = node.node
        elif isinstance(node, nodes.Name):
            parts.append(node.name)
            return ".".join(reversed(parts))
        else:
            return None


def variable_uses(source: PartSource, top_level: set[str]) -> Iterator[tuple[Tag, str, str]]:
    """Yield ``(tag, name, dotted path)`` for each top-level variable a tag of ``source`` reads."""
    for tag in source.tags:
        ast = _tag_ast(tag)
        if ast is None:
            continue
        paths: list[str] = []
        for node in ast.find_all((nodes.Getattr, nodes.Getitem, nodes.Name)):
            if isinstance(node, nodes.Name) and node.ctx != "load":
                continue
            path = _path(node)
            if path and path.split(".")[0] in top_level:
                paths.append(path)
        longest = [p for p in paths if not any(o != p and o.startswith(p + ".") for o in paths)]
        seen: set[str] = set()
        for path in longest:
            if path not in seen:
                seen.add(path)
                yield tag, path.split(".")[0], path


def guarded_paths(source: PartSource) -> set[str]:
    """Dotted paths the template tests with ``is defined`` / ``is undefined`` (optional)."""
    guarded: set[str] = set()
    for tag in source.tags:
        ast = _tag_ast(tag)
        if ast is None:
            continue
        for test in ast.find_all(nodes.Test):
            if test.name in ("defined", "undefined"):
                path = _path(test.node)
                if path:
                    guarded.add(path)
    return guarded


_MISSING = object()


def lookup(context: Mapping[str, Any], path: str) -> tuple[str, Any, str] | None:
    """Follow ``a.b.c`` in ``context`` the way Jinja does (item, then attribute).

    Returns None when the whole path resolves, else ``(found prefix, object there, missing
    key)``; the object is the context itself when the top-level name is missing. A value that
    is a list is not followed further (an index is not part of a path).
    """
    obj: Any = context
    done: list[str] = []
    for key in path.split("."):
        if isinstance(obj, (list, tuple)):
            return None
        value = _MISSING
        if isinstance(obj, Mapping):
            value = obj.get(key, _MISSING)
        if value is _MISSING and not isinstance(obj, Mapping):
            value = getattr(obj, key, _MISSING)
        if value is _MISSING:
            return ".".join(done), obj, key
        obj = value
        done.append(key)
    return None
