"""``campaigns new`` (a commented skeleton pack) and ``campaigns demo`` (a pack's demo city
written out as a profiles folder a user can start from)."""

from __future__ import annotations

import shutil
from pathlib import Path

from speechkit.errors import InputFileError, OutputExistsError, display_path
from speechkit.fsutil import atomic_write_text


def _empty_target(folder: Path) -> None:
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise OutputExistsError(
            f"{display_path(folder)} 已存在且不是空文件夹，未写入任何文件；请换一个文件夹名"
        )


def write_demo(pack_id: str, folder: str | Path) -> list[Path]:
    """Copy pack ``pack_id``'s demo city into ``folder`` (must be new or empty); return the
    files written. city.yaml keeps its ``pack:`` so the folder stays bound to the campaign."""
    from speechkit import campaigns

    pack = campaigns.get_pack(pack_id)
    src = pack.demo_dir
    if not (src / "city.yaml").is_file():
        raise InputFileError(f"活动包 {pack.id} 没有示例城市（{display_path(src)}）")
    folder = Path(folder)
    _empty_target(folder)
    files = sorted(p for p in src.rglob("*") if p.is_file() and not p.name.startswith("."))
    staging = folder.with_name(f".{folder.name}.tmp-demo")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        for path in files:
            target = staging / path.relative_to(src)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
        city = staging / "city.yaml"
        text = city.read_text("utf-8")
        if not any(line.startswith("pack:") for line in text.splitlines()):
            city.write_text(f"pack: {pack.id}\n{text}", "utf-8")
        if folder.exists():
            folder.rmdir()
        staging.rename(folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [folder / p.relative_to(src) for p in files]


def new_pack(root: str | Path, name: str | None = None) -> Path:
    """Write a commented skeleton pack at ``root`` (its folder name is the pack id): YAML files,
    one placeholder speech template (built) and a demo city that validates. Returns ``root``."""
    from speechkit.campaigns.pack import ID_RE

    root = Path(root)
    pack_id = root.name
    if not ID_RE.match(pack_id):
        raise InputFileError(
            f"活动包代号“{pack_id}”不可用：只能用小写英文字母、数字、“-”和“_”（如 my-campaign-2026）"
        )
    _empty_target(root)
    title = name or "某某学习教育"
    files = {
        "campaign.yaml": _CAMPAIGN.format(id=pack_id, name=title),
        "schema.yaml": _SCHEMA,
        "checks.yaml": _CHECKS,
        "rules.yaml": _RULES,
        "templates/src/动员讲话.txt": _SPEECH,
        "demo/city.yaml": _CITY.format(id=pack_id, name=title),
        "demo/towns/demo.yaml": _TOWN,
    }
    staging = root.with_name(f".{root.name}.tmp-new")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        for rel, text in files.items():
            atomic_write_text(staging / rel, text)
        from speechkit.campaigns.build import build_pack

        build_pack(staging)
        if root.exists():
            root.rmdir()
        root.parent.mkdir(parents=True, exist_ok=True)
        staging.rename(root)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return root


_CAMPAIGN = """\
# 活动包：{name}。把各项改成实际内容；日期写成 2026-03-01。
id: {id}                      # 与文件夹名相同
name: {name}                  # 正式全称（规则、文稿识别都用它）
short_name: {name}            # 简称
names: [{name}]               # 文中出现这些名称之一，即认为是本活动的文稿
start: 2026-03-01
end: 2026-07-31
scope: 全体党员               # 范围
requirement: 学查改一体推进    # 总要求
phases: []                    # 阶段：[{{name: 学习研讨, tasks: [..]}}]；没有阶段写 []
documents:                    # 本活动产出的文档，每种一个模板（templates/ 中）
  - id: speech
    name: 动员讲话
    kind: speech              # speech 讲话 / plan 方案 / form 表格 / material 材料
    hints: [讲话]             # 文件名含这些字时，检查器认出是这种文档
    template: 动员讲话.docx    # 由 source 构建：speechkit campaigns build
    source: src/动员讲话.txt
    per_member: false         # true：名册中每人一份（模板中可用 member）
roster:
  columns: [姓名, 性别, 出生年月, 入党时间, 所在支部, 职务]
"""

_SCHEMA = """\
# 本活动在核心资料之外的字段。type 可选：text、count、date、choice、list、person、people。
# 例：
#   - key: campaign.focus_units   # 资料中的键路径
#     type: count
#     title: 重点单位数            # 中文名称（出错信息、网页表单都用它）
#     required: false
#     help: 本次学习教育确定的重点单位数量
#     file: city                  # city：写在 city.yaml；town：写在乡镇文件（默认）
fields: []
"""

_CHECKS = """\
# 跨字段核对。kind 可选：date_within_campaign、phases_ordered、sum_equals、unique。
checks:
  - {kind: date_within_campaign, field: meeting.date}
  - {kind: phases_ordered, field: campaign.phases}
  - {kind: sum_equals, field: party.members, total: campaign.members}
  - {kind: unique, field: town.name}
"""

_RULES = """\
# 本活动的必备提法和一致性规则（格式同 src/speechkit/rules/default.yaml），只对本活动的文稿生效。
# 每条规则必须写 source（依据：网址或文件、页码）；可写 valid_from / valid_until。
# 例：
#   - id: campaign.name
#     type: required
#     category: required
#     severity: warning
#     message: 全文没有出现活动全称“{suggestion}”。
#     doc_types: [speech]
#     literal: 某某学习教育
#     source: https://www.example.gov.cn/……
rules: []
"""

_SPEECH = """\
在{{ town.name }}{{ campaign.name }}动员部署会上的讲话
{{ town.secretary }}
（{{ meeting.date | cn_date }}）
同志们：
今天召开全{{ town.kind }}{{ campaign.name }}动员部署会，主要任务是传达上级部署，对全{{ town.kind }}工作作出安排。
一、提高思想认识
全{{ town.kind }}{{ party.branches }}个党支部、{{ party.members }}名党员要按照要求，认真组织学习。
二、加强组织领导
各党支部要把责任落实到位，确保学习教育取得实效。
{{ town.committee }}
{{ meeting.date | cn_date }}
"""

_CITY = """\
pack: {id}                    # 本资料文件夹属于哪个活动包
city:
  name: 示例市
campaign:
  name: {name}
  start: 2026-03-01
  end: 2026-07-31
  members: 120                # 各乡镇 party.members 之和
"""

_TOWN = """\
town:
  name: 示例镇
  kind: 镇
  secretary: 张示例
party:
  members: 120
  branches: 8
meeting:
  date: 2026-03-10
slogans:
  - 建设美丽示例镇
"""
