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

_KINDS = {"镇": ("镇党委", "镇长", "镇政府会议室"), "区": ("区党委", "区长", "区机关会议室"),
          "街道": ("街道党工委", "街道办事处主任", "街道办事处会议室")}  # fmt: skip


def scaffold_text(slug: str, name: str | None = None, kind: str | None = None) -> str:
    """Return the commented YAML scaffold for town ``slug``."""
    p = PLACEHOLDER
    name_v = name or p
    kind_v = kind or p
    office, head, _venue = _KINDS.get(kind or "镇", _KINDS["镇"])
    return f"""\
# {name or slug}：本乡镇的资料。共用资料（城市、活动时间、方法步骤）见 ../city.yaml。
# 把每个“{p}”换成实际内容；日期写成 2024-07-05，人数写阿拉伯数字。
# 填好后运行 speechkit profiles validate 检查。
town:
  name: {name_v}                        # 全称，如 东湖镇、南港区、城关街道
  kind: {kind_v}                        # 镇 / 区 / 街道
  secretary: {p}                  # {office}书记
  mayor: {p}                      # {head}

party:
  members: {p}                    # 参加本批活动的党员数（各乡镇之和应等于 campaign.members）
  branches: {p}                   # 党支部数
  units: {p}                      # 参加活动的单位数

meeting:
  date: {p}                       # 动员大会日期（须在活动期间内）
  venue: {p}                      # 会议地点

supervision:                            # 市委派驻本乡镇的督导组
  group: {p}                      # 如 市委第一督导组
  leader: {p}                     # 督导组组长
  members: [{p}, {p}]       # 督导组成员

leading_group:                          # 本乡镇先进性教育活动领导小组
  leader: {{name: {p}, title: {p}}}
  deputies:
    - {{name: {p}, title: {p}}}
  members:
    - {{name: {p}, title: {p}}}
  office: {{name: {p}, title: {p}}}   # 领导小组办公室主任

plan:
  date: {p}                       # 实施方案印发日期

slogans:                                # 建设目标口号，每条一行
  - {p}
"""


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
    atomic_write_text(path, scaffold_text(slug, name, kind))
    return path
