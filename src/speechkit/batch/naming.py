"""Safe file and folder names: whatever a profile or roster says, nothing lands outside ``--out``."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from speechkit.errors import SpeechkitError

# Path separators, characters Windows reserves, and control characters.
_BAD = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f-\x9f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{p}{i}" for p in ("COM", "LPT") for i in range(1, 10)}
# Bytes of a name (UTF-8) before its extension: ext4 and most file systems allow 255 bytes;
# the rest is left for ``.docx``, ``（合订本）`` and ``.修改稿-<stamp>-<n>`` of kept files.
MAX_BYTES = 180
# Categories removed from names: format characters (bidi controls such as U+202E, zero-width
# spaces and joiners, BOM, soft hyphen), line/paragraph separators, private use, surrogates.
_INVISIBLE = {"Cf", "Zl", "Zp", "Co", "Cs", "Cn"}


def cut_bytes(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` bytes of UTF-8, at a character boundary."""
    data = text.encode("utf-8", "surrogatepass")
    if len(data) <= limit:
        return text
    return data[:limit].decode("utf-8", "ignore")


def sanitize(name: str, fallback: str = "未命名", limit: int = MAX_BYTES) -> str:
    """Return ``name`` usable as one file or folder name on Linux, macOS and Windows.

    Separators and reserved characters become ``_``; bidi controls and other invisible
    characters are removed; whitespace runs collapse to one space; leading/trailing dots and
    spaces go (so ``..`` and hidden names are impossible); reserved device names (``CON``,
    ``NUL``, ...) get a trailing ``_``; the result is at most ``limit`` bytes of UTF-8 and never
    empty (``fallback``).
    """
    text = unicodedata.normalize("NFC", str(name))
    text = "".join(c for c in text if unicodedata.category(c) not in _INVISIBLE)
    text = re.sub(r"\s+", " ", text)
    text = _BAD.sub("_", text).strip(" .")
    text = cut_bytes(text, limit).rstrip(" .")
    if not text:
        text = fallback
    if text.split(".")[0].upper() in _RESERVED:
        text += "_"
    return text


def with_suffix(base: str, suffix: str, limit: int = MAX_BYTES) -> str:
    """``base`` + ``suffix`` within ``limit`` bytes: the base is cut, never the suffix."""
    room = limit - len(suffix.encode("utf-8"))
    return cut_bytes(base, max(room, 1)).rstrip(" .") + suffix


def unique(names: list[str], limit: int = MAX_BYTES) -> list[str]:
    """``names`` made unique (ignoring case) by construction: a repeat gets ``（2）``,
    ``（3）``... with its base cut so that the suffix always fits ``limit`` bytes."""
    seen: set[str] = set()
    result = []
    for name in names:
        label = name
        n = 1
        while label.casefold() in seen:
            n += 1
            label = with_suffix(name, f"（{n}）", limit)
        seen.add(label.casefold())
        result.append(label)
    return result


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


def disambiguate(names: list[str], details: list[list[str]], limit: int = MAX_BYTES) -> list[str]:
    """Give every entry of ``names`` (already sanitised) a unique label, stable across re-runs.

    Unique names stay as they are. Same names get the first of their ``details`` (e.g. branch,
    birth month) that tells them apart, as ``张三（第一支部）``; when no detail does, the position
    among the namesakes is added (``张三（2）``). Comparison ignores case. Every label fits
    ``limit`` bytes with its suffix whole (the name is cut, never the suffix), and labels are
    unique by construction (:func:`unique` settles any remaining clash).
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
            suffix = sanitize(chosen[n - 1], fallback="", limit=limit // 2) or str(n)
            labels[i] = with_suffix(names[i], f"（{suffix}）", limit)
    # a detail-based label may collide with another real name: numbered then
    return unique(labels, limit)


def kept_name(path: Path, stamp: str) -> Path:
    """A free name beside ``path`` for the edited version it replaces: ``讲话.修改稿-<stamp>.docx``."""
    candidate = path.with_name(f"{path.stem}.修改稿-{stamp}{path.suffix}")
    n = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}.修改稿-{stamp}-{n}{path.suffix}")
        n += 1
    return candidate
