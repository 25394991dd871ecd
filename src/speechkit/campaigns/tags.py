"""The variables a .docx template reads, found from its tags' text without compiling it.

Validating a profile must know which optional keys the pack's templates read (they are
warned about when missing) without loading the template engine. This reads each paragraph of
the document's XML parts as plain text (the runs joined, so a tag split across runs is whole
again), collects the ``{{ }}`` and ``{% %}`` tags, and walks them with Jinja2's parser.
``speechkit campaigns check`` still compiles every template with the engine.
"""

from __future__ import annotations

import io
import re
import zipfile

_PARAGRAPH = re.compile(rb"<w:p[ >].*?</w:p>", re.S)
_TEXT = re.compile(rb"<w:t(?: [^>]*)?>([^<]*)</w:t>")
_TAG = re.compile(r"\{\{.*?\}\}|\{%-?\s*[a-z]?\s*(?=\w).*?%\}", re.S)
_LEVEL = re.compile(r"^\{%-?\s*(?:p|tr|tc|r)\s+")
_PARTS = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")


def _tags(data: bytes) -> list[str]:
    import html

    out: list[str] = []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if not _PARTS.match(name):
                continue
            xml = z.read(name)
            for para in _PARAGRAPH.findall(xml):
                text = html.unescape(b"".join(_TEXT.findall(para)).decode("utf-8", "replace"))
                text = text.replace("“", '"').replace("”", '"').replace("‘", "'").replace("’", "'")
                out += [_LEVEL.sub("{% ", t) for t in _TAG.findall(text)]
    return out


class _Any(dict):
    """A filter/test table that claims every name (only the variables are wanted here)."""

    def __contains__(self, key: object) -> bool:
        return True

    def __missing__(self, key: str):
        return _identity

    def get(self, key, default=None):
        return super().get(key, _identity)


def _identity(value, *args, **kwargs):
    return value


def _path(node) -> str | None:
    from jinja2 import nodes

    parts: list[str] = []
    while True:
        if isinstance(node, nodes.Getattr):
            parts.append(node.attr)
            node = node.node
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
            parts.append(str(node.arg.value))
            node = node.node
        elif isinstance(node, nodes.Name):
            parts.append(node.name)
            return ".".join(reversed(parts))
        else:
            return None


def variable_paths(data: bytes) -> list[str] | None:
    """Dotted paths (``town.name``, ``campaign.phases``) of the top-level variables the .docx
    template ``data`` reads, longest path per read, in order; None when the tags do not parse."""
    from jinja2 import Environment, meta, nodes

    env = Environment(extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols"])
    env.filters = _Any(env.filters)  # the engine's filters (cn_date …): any name is accepted
    env.tests = _Any(env.tests)
    source = "\n".join(_tags(data))
    try:
        ast = env.parse(source)
        top = meta.find_undeclared_variables(ast)
    except Exception:  # noqa: BLE001 - a broken template: campaigns check reports it
        return None
    out: list[str] = []
    found = [
        p
        for node in ast.find_all((nodes.Getattr, nodes.Getitem, nodes.Name))
        if not (isinstance(node, nodes.Name) and node.ctx != "load")
        and (p := _path(node))
        and p.split(".")[0] in top
    ]
    for path in found:
        if any(o != path and o.startswith(path + ".") for o in found):
            continue
        if path not in out:
            out.append(path)
    return out
