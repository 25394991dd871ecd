"""Public entry points of the bounded YAML/JSON loader used for profiles (and reusable elsewhere).

The same safe reader that loads town profiles, for any other YAML data a user edits (rule
packs, data files):

- :func:`decode_text` — bytes → text: UTF-8 with or without BOM, else GB18030 (GBK), a Chinese
  reason for anything else (UTF-16, binary).
- :func:`load_yaml_text` / :func:`load_yaml_bytes` / :func:`load_yaml_file` — parse with size,
  node, alias and depth limits into plain Python (dict/list/str/int/float/bool/None/
  ``datetime.date``) and a :class:`LoadedYaml` holding the data, where every key path was
  written and every problem found (located, Chinese). They never raise for bad content.
- :func:`translate_yaml_error` / :func:`yaml_error_problem` — a ruamel.yaml error as Chinese
  text, or as a located :class:`~speechkit.errors.Problem`.

Key paths in ``LoadedYaml.values``/``keys`` read ``a.b`` for mappings and ``a.list[0]`` for
list items (see :func:`join_key`); ``locate`` also accepts ``a.list.0`` (:func:`normalize_keypath`).

Example::

    from speechkit.profiles.loader import load_yaml_file

    doc = load_yaml_file("rules/extra.yaml")
    if not doc.ok:
        raise RulePackError("规则包无效：extra.yaml", doc.problems)
    data = doc.data                          # plain Python
    where = doc.locate("rules[0].id")        # Location(file, line, column) or None
"""

from __future__ import annotations

from pathlib import Path

from speechkit.errors import Problem, display_path
from speechkit.profiles.source import (
    MAX_ALIASES,
    MAX_BYTES,
    MAX_DEPTH,
    MAX_LINES,
    MAX_NODES,
    MAX_VALUES,
    SourceDoc,
    join_key,
    normalize_keypath,
    parse_bytes,
    parse_text,
    read_source,
    translate_yaml_error,
    yaml_error_problem,
)

LoadedYaml = SourceDoc
"""What the loaders return: ``data``, ``values``/``keys`` (key path → Location), ``problems``,
``encoding``, ``empty``, ``ok`` (no error-level problem) and ``locate(keypath)``."""

__all__ = [
    "MAX_ALIASES",
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_LINES",
    "MAX_NODES",
    "MAX_VALUES",
    "LoadedYaml",
    "decode_text",
    "join_key",
    "load_yaml_bytes",
    "load_yaml_file",
    "load_yaml_text",
    "normalize_keypath",
    "translate_yaml_error",
    "yaml_error_problem",
]


def decode_text(raw: bytes) -> tuple[str, str]:
    """Decode a user's text file; return ``(text, encoding name shown to users)``.

    UTF-8 (a BOM is dropped), else GB18030 (superset of GBK/GB2312: what Chinese Windows
    editors save as "ANSI"). Raises ``ValueError`` with a Chinese reason (UTF-16, NUL bytes,
    undecodable byte with its 1-based offset); callers add the file name.
    """
    from speechkit.profiles.source import decode_bytes

    return decode_bytes(raw)


def load_yaml_text(text: str, *, shown: str = "<文本>", json_mode: bool = False) -> LoadedYaml:
    """Parse already-decoded YAML (or JSON when ``json_mode``) text with the loader's limits.

    ``shown`` is the file name used in locations. Never raises for bad content: syntax errors
    (translated to Chinese, located with a snippet), duplicate keys, full-width colons, hostile
    structure and empty documents are in ``.problems``.
    """
    return parse_text(text, SourceDoc(path=Path(shown)), shown, json_mode=json_mode)


def load_yaml_bytes(raw: bytes, *, shown: str = "<文本>", json_mode: bool = False) -> LoadedYaml:
    """Decode (see :func:`decode_text`) and parse ``raw``; size limit included. Never raises."""
    doc = SourceDoc(path=Path(shown))
    if len(raw) > MAX_BYTES:
        from speechkit.errors import Location

        doc.problems.append(
            Problem(Location(file=shown), f"文件过大（上限 {MAX_BYTES} 字节），已拒绝读取")
        )
        return doc
    return parse_bytes(raw, doc, shown, json_mode=json_mode)


def load_yaml_file(path: str | Path, *, shown: str | None = None) -> LoadedYaml:
    """Read and parse a YAML file (JSON when it ends in ``.json``). Never raises for bad content:
    a missing or unreadable file is a problem too. ``shown`` defaults to the display path."""
    return read_source(path, shown=shown or display_path(path))
