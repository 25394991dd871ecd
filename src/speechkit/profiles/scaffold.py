"""A commented scaffold for a new town file (``speechkit profiles new``).

Every value to be filled in reads ``〔待填〕``; the validator reports each one as "尚未填写" at its
line until it is replaced, after which the file validates.
"""

from __future__ import annotations

import re
from pathlib import Path

from speechkit.errors import InputFileError, OutputExistsError, display_path
from speechkit.fsutil import atomic_write_text
from speechkit.profiles.model import CITY_FILE, TOWNS_DIR
from speechkit.profiles.schema import PLACEHOLDER

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")

_KINDS = ("镇", "区", "街道")


def scaffold_text(slug: str, name: str | None = None, kind: str | None = None, pack=None) -> str:
    """Return the commented YAML scaffold for town ``slug``: every town-file field of the core
    and of the campaign pack (``pack``: a Pack or id; default the 2005 pack), in schema order,
    each with its Chinese title as a comment."""
    from speechkit import campaigns

    pack = (
        pack
        if isinstance(pack, campaigns.Pack)
        else campaigns.get_pack(pack or campaigns.LEGACY_ID)
    )
    p = PLACEHOLDER
    given = {"town.name": name, "town.kind": kind}
    lines = [
        f"# {name or slug}：本乡镇的资料（{pack.name}）。共用资料见 ../city.yaml。",
        f"# 把每个“{p}”换成实际内容；日期写成 2024-07-05，人数写阿拉伯数字。",
        "# 填好后运行 speechkit profiles validate 检查。",
    ]
    opened: list[str] = []
    for f in campaigns.form_fields(pack, file="town"):
        if f.key in campaigns.DERIVED_KEYS:
            continue
        parts = f.key.split(".")
        common = 0
        while common < min(len(opened), len(parts) - 1) and opened[common] == parts[common]:
            common += 1
        if common == 0 and opened and lines[-1] != "":
            lines.append("")
        for depth in range(common, len(parts) - 1):
            lines.append("  " * depth + f"{parts[depth]}:")
        opened = parts[:-1]
        indent = "  " * (len(parts) - 1)
        value = _value(f, given.get(f.key))
        comment = f"  # {f.title}" + (f"；{f.help}" if f.help else "")
        if f.type in ("list", "people") and not value.startswith("["):
            lines.append(f"{indent}{parts[-1]}:{comment}")
            lines += [f"{indent}  {line}" for line in value.splitlines()]
        else:
            lines.append(f"{indent}{parts[-1]}: {value}{comment}")
    return "\n".join(lines) + "\n"


def _value(field, given: str | None) -> str:
    """The placeholder YAML of one field (a block for lists of records)."""
    p = PLACEHOLDER
    if given:
        return given
    if field.type == "person":
        return f"{{name: {p}, title: {p}}}"
    if field.type == "people":
        return f"- {{name: {p}, title: {p}}}"
    if field.type == "list":
        if field.items:
            first, *rest = field.items
            return "\n".join([f"- {first.key}: {p}"] + [f"  {item.key}: {p}" for item in rest])
        return f"- {p}"
    return p


def new_town(
    profiles_dir: str | Path, slug: str, name: str | None = None, kind: str | None = None
) -> Path:
    """Write ``profiles_dir/towns/<slug>.yaml`` from the scaffold; return its path.

    Raises :class:`InputFileError` for a bad slug or kind, when ``profiles_dir`` does not exist
    or holds no ``city.yaml`` (nothing is created then), and :class:`OutputExistsError` when
    the file exists (never overwrites).
    """
    if not SLUG_RE.match(slug):
        raise InputFileError(
            f"乡镇代号“{slug}”不可用：只能用小写英文字母、数字、“-”和“_”（如 donghu），作文件名用"
        )
    if kind is not None and kind not in _KINDS:
        raise InputFileError(f"类别“{kind}”不可用：只能是 镇、区 或 街道")
    root = Path(profiles_dir)
    if not root.is_dir():
        what = "不是文件夹" if root.exists() else "不存在"
        raise InputFileError(
            f"资料文件夹 {display_path(root)} {what}；请用 --profiles 指定含 city.yaml 的资料文件夹"
        )
    if not (root / CITY_FILE).is_file():
        raise InputFileError(
            f"{display_path(root)} 不是资料文件夹：其中没有 {CITY_FILE}（全市共用资料）。"
            f"请用 --profiles 指定含 {CITY_FILE} 的文件夹，或先建好 {display_path(root / CITY_FILE)}"
        )
    path = root / TOWNS_DIR / f"{slug}.yaml"
    if path.exists():
        raise OutputExistsError(f"{display_path(path)} 已存在，未覆盖；如要重写请先删除或改名")
    from speechkit.campaigns import pack_of_folder

    atomic_write_text(path, scaffold_text(slug, name, kind, pack_of_folder(root)))
    return path
