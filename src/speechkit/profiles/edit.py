"""Editing a town file in place: round-trip YAML so comments, order and untouched lines stay.

Used by the web form. The edit is checked against the sha256 the editor started from
(:class:`ConcurrentEditError` when someone else saved in between) and validated before
anything is written (:class:`~speechkit.errors.ProfileError`, file untouched).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from speechkit.errors import (
    Location,
    Problem,
    ProfileError,
    SpeechkitError,
    describe_os_error,
    display_path,
)
from speechkit.fsutil import atomic_write_bytes, sha256_bytes
from speechkit.profiles.model import assemble, normalize_keypath
from speechkit.profiles.source import decode_bytes

_INDENTS = ((2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 6, 4), (4, 4, 0))


class ConcurrentEditError(SpeechkitError):
    """Raised when a town file changed on disk since the editor read it (sha256 differs)."""


def _split_keypath(keypath: str) -> list[str | int]:
    """``a.b[0].c`` / ``a.b.0.c`` → ``['a', 'b', 0, 'c']``."""
    parts: list[str | int] = []
    for piece in normalize_keypath(keypath).replace("[", ".[").split("."):
        if not piece:
            continue
        if piece.startswith("[") and piece.endswith("]") and piece[1:-1].isdigit():
            parts.append(int(piece[1:-1]))
        else:
            parts.append(piece)
    return parts


def _yaml(indent: tuple[int, int, int]):
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt", pure=True)
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=indent[0], sequence=indent[1], offset=indent[2])
    return yaml


def _dump(yaml: Any, data: Any) -> str:
    buf = io.StringIO()
    yaml.dump(data, buf)
    return buf.getvalue()


def _load_round_trip(text: str) -> tuple[Any, Any]:
    """Return (yaml instance, data) using the indentation that reproduces ``text`` exactly."""
    from ruamel.yaml.util import load_yaml_guess_indent

    candidates = list(_INDENTS)
    try:
        _, ind, bsi = load_yaml_guess_indent(text)
        if ind is not None:
            candidates.insert(0, (ind, ind, bsi or 0))
    except Exception:  # guessing is best effort; the real load below reports errors
        pass
    first = None
    for indent in candidates:
        yaml = _yaml(indent)
        data = yaml.load(text)
        if first is None:
            first = (yaml, data)
        if _dump(yaml, data) == text:
            return yaml, data
    return first


def _assign(container: Any, key: str | int, value: Any) -> None:
    """Set ``container[key] = value``, updating lists and mappings in place to keep styles."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    current = container[key] if _has(container, key) else None
    if isinstance(current, CommentedSeq) and isinstance(value, list | tuple):
        del current[:]
        current.extend(value)
    elif isinstance(current, CommentedMap) and isinstance(value, dict):
        for k in [k for k in current if k not in value]:
            del current[k]
        for k, v in value.items():
            _assign(current, k, v)
    elif isinstance(container, list) and isinstance(key, int) and key == len(container):
        container.append(value)
    else:
        container[key] = value


def _has(container: Any, key: str | int) -> bool:
    if isinstance(container, dict):
        return key in container
    return isinstance(key, int) and 0 <= key < len(container)


def apply_changes(data: Any, changes: dict[str, object]) -> None:
    """Apply ``{keypath: value}`` to round-trip ``data``; ``None`` removes the key."""
    from ruamel.yaml.comments import CommentedMap

    for keypath, value in changes.items():
        parts = _split_keypath(keypath)
        if not parts:
            continue
        node = data
        for i, part in enumerate(parts[:-1]):
            if not _has(node, part):
                if value is None:
                    break
                if not isinstance(node, dict):
                    raise ProfileError(
                        "无法修改乡镇资料：",
                        [Problem(Location(), f"键路径 {keypath} 中的 {part} 不存在", key=keypath)],
                    )
                node[part] = CommentedMap()
            node = node[part]
            if not isinstance(node, dict | list):
                raise ProfileError(
                    "无法修改乡镇资料：",
                    [
                        Problem(
                            Location(),
                            f"键路径 {keypath} 经过的 {'.'.join(map(str, parts[: i + 1]))} 不是映射或列表",
                            key=keypath,
                        )
                    ],
                )
        else:
            last = parts[-1]
            if value is None:
                if _has(node, last):
                    del node[last]
            else:
                _assign(node, last, value)


def update_town_file(
    path: str | Path, changes: dict[str, object], expected_sha256: str | None
) -> None:
    """Change values in a town file, keeping comments, key order and untouched lines.

    ``changes`` maps key paths (``party.members``, ``slogans``, ``leading_group.members[0].name``)
    to new plain values (str/int/date/list/dict); ``None`` removes the key. Raises
    :class:`ConcurrentEditError` when the file's sha256 is not ``expected_sha256`` (skip the
    check with None), and :class:`ProfileError` — leaving the file untouched — when the file
    cannot be read or the result would not validate.
    """
    path = Path(path)
    shown = display_path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ProfileError(
            "无法修改乡镇资料：",
            [Problem(Location(file=shown), f"无法读取文件（{describe_os_error(exc)}）")],
        ) from None
    if expected_sha256 is not None and sha256_bytes(raw) != expected_sha256:
        raise ConcurrentEditError(
            f"{shown} 在您编辑期间已被他人修改，为避免覆盖对方的改动，本次未保存；请重新打开后再改。"
        )
    # the file as it stands must at least parse; reuse the loader's located messages
    _profile, before = assemble(path)
    try:
        text, encoding = decode_bytes(raw)
        bom = raw.startswith(b"\xef\xbb\xbf")
        yaml, data = _load_round_trip(text)
    except Exception:
        errors = [p for p in before if p.severity == "error"] or [
            Problem(Location(file=shown), "文件无法按 YAML 读取")
        ]
        raise ProfileError(f"{shown} 本身有错误，无法修改：", errors) from None
    if not isinstance(data, dict):
        raise ProfileError(
            f"{shown} 本身有错误，无法修改：",
            [Problem(Location(file=shown, line=1, column=1), "文件顶层应是一组“键: 值”（映射）")],
        )
    apply_changes(data, changes)
    new_text = _dump(yaml, data)
    codec = "gb18030" if encoding == "GB18030" else "utf-8"
    new_raw = (b"\xef\xbb\xbf" if bom else b"") + new_text.encode(codec)
    _profile, after = assemble(path, town_bytes=new_raw)
    errors = [p for p in after if p.severity == "error"]
    if errors:
        raise ProfileError(f"修改后的资料有 {len(errors)} 处错误，{shown} 未改动：", errors)
    if expected_sha256 is not None and sha256_bytes(path.read_bytes()) != expected_sha256:
        raise ConcurrentEditError(
            f"{shown} 在您编辑期间已被他人修改，为避免覆盖对方的改动，本次未保存；请重新打开后再改。"
        )
    if new_raw != raw:
        atomic_write_bytes(path, new_raw)
