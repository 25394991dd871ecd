"""Safe file and folder names: whatever a profile or roster says, nothing lands outside ``--out``."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from speechkit.errors import SpeechkitError

# Path separators, characters Windows reserves, and control characters.
_BAD = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{p}{i}" for p in ("COM", "LPT") for i in range(1, 10)}
MAX_CHARS = 80


def sanitize(name: str, fallback: str = "未命名") -> str:
    """Return ``name`` usable as one file or folder name on Linux, macOS and Windows.

    Separators and reserved characters become ``_``; whitespace runs collapse to one space;
    leading/trailing dots and spaces go (so ``..`` and hidden names are impossible); reserved
    device names (``CON``, ``NUL``, ...) get a trailing ``_``; the result is at most
    :data:`MAX_CHARS` characters and never empty (``fallback``).
    """
    text = unicodedata.normalize("NFC", str(name))
    text = re.sub(r"\s+", " ", text)
    text = _BAD.sub("_", text).strip(" .")
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS].rstrip(" .")
    if not text:
        text = fallback
    if text.split(".")[0].upper() in _RESERVED:
        text += "_"
    return text


def safe_join(root: Path, *parts: str) -> Path:
    """Join sanitised ``parts`` below ``root``; raise if the result would leave ``root``.

    Each part is passed through :func:`sanitize`; the resolved result (symlinks followed) must
    still be inside the resolved ``root``.
    """
    base = Path(root).resolve()
    path = base.joinpath(*(sanitize(p) for p in parts))
    resolved = path.resolve()
    if resolved != base and base not in resolved.parents:
        raise SpeechkitError(f"输出路径 {path} 不在输出文件夹 {base} 之内，已拒绝写入。")
    return path


def disambiguate(names: list[str], details: list[list[str]]) -> list[str]:
    """Give every entry of ``names`` a unique label, stable across re-runs.

    Unique names stay as they are. Same names get the first of their ``details`` (e.g. branch,
    birth month) that tells them apart, as ``张三（第一支部）``; when no detail does, the position
    among the namesakes is added (``张三（2）``). Comparison ignores case.
    """
    labels = list(names)
    groups: dict[str, list[int]] = {}
    for i, name in enumerate(names):
        groups.setdefault(name.casefold(), []).append(i)
    for idxs in groups.values():
        if len(idxs) < 2:
            continue
        chosen = [""] * len(idxs)
        depth = max(len(details[i]) for i in idxs)
        for level in range(1, depth + 1):
            keys = ["，".join(d for d in details[i][:level] if d) for i in idxs]
            if all(keys) and len(set(keys)) == len(keys):
                chosen = keys
                break
        for n, i in enumerate(idxs, start=1):
            suffix = chosen[n - 1] or str(n)
            labels[i] = f"{names[i]}（{suffix}）"
    # a detail-based label may collide with another real name; fall back to numbering
    seen: dict[str, int] = {}
    for i, label in enumerate(labels):
        key = label.casefold()
        if key in seen:
            seen[key] += 1
            labels[i] = f"{label}（{seen[key]}）"
        else:
            seen[key] = 1
    return labels


def kept_name(path: Path, stamp: str) -> Path:
    """A free name beside ``path`` for the edited version it replaces: ``讲话.修改稿-<stamp>.docx``."""
    candidate = path.with_name(f"{path.stem}.修改稿-{stamp}{path.suffix}")
    n = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}.修改稿-{stamp}-{n}{path.suffix}")
        n += 1
    return candidate
