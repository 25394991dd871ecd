"""The cross-field checks a pack declares in checks.yaml.

Per profile: ``date_within_campaign`` (a date inside the profile's campaign.start … end) and
``phases_ordered`` (phases in time order, not overlapping, inside the campaign). Over all towns
of a profiles folder: ``sum_equals`` (the towns' values add up to a city total) and ``unique``
(no two towns share the value). The campaign window itself (start not after end) is checked
for every pack.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from speechkit.errors import Location, Problem, display_path

Locate = Callable[[str], Location | None]


def get(data: Any, keypath: str) -> tuple[bool, Any]:
    """(found, value) at a dotted key path of plain data."""
    cur = data
    for part in keypath.split("."):
        if isinstance(cur, dict) and part in cur:
            cur = cur[part]
        elif isinstance(cur, list) and part.isdigit() and int(part) < len(cur):
            cur = cur[int(part)]
        else:
            return False, None
    return True, cur


def _short(title: str | None, key: str) -> str:
    """A field title without its parenthesised hint (乡镇名称（如 东湖镇） → 乡镇名称)."""
    return re.sub(r"（[^（）]*）$", "", title or "") or key


def profile_checks(pack, data: dict, locate: Locate, title_of) -> list[Problem]:
    """Problems of one schema-valid profile: the campaign window and the pack's per-profile
    checks. ``title_of(keypath)`` gives a field's Chinese title."""
    out: list[Problem] = []

    def add(path: str, message: str, severity: str = "error") -> None:
        out.append(Problem(locate(path) or Location(), message, key=path, severity=severity))

    camp = data.get("campaign") or {}
    start, end = camp.get("start"), camp.get("end")
    if not isinstance(start, dt.date) or not isinstance(end, dt.date):
        return out
    if start > end:
        add("campaign.end", f"活动结束日期 {end} 早于开始日期 {start}")
        return out
    window = f"活动期间（{start} 至 {end}）"
    for check in pack.checks if pack is not None else ():
        if check.kind == "date_within_campaign":
            found, value = get(data, check.field)
            if found and isinstance(value, dt.date) and not start <= value <= end:
                title = _short(title_of(check.field), check.field)
                add(check.field, f"{title} {value} 不在{window}内", check.severity)
        elif check.kind == "phases_ordered":
            out += _phases(get(data, check.field)[1] or [], check.field, start, end, window, add)
    return out


def _phases(phases, base_key, start, end, window, add) -> list[Problem]:
    previous = None
    for i, phase in enumerate(phases):
        if not isinstance(phase, dict) or not {"start", "end", "name"} <= set(phase):
            continue
        base = f"{base_key}[{i}]"
        name = f"第{i + 1}阶段“{phase['name']}”"
        if phase["start"] > phase["end"]:
            add(f"{base}.end", f"{name}结束日期 {phase['end']} 早于开始日期 {phase['start']}")
            continue
        if phase["start"] < start or phase["end"] > end:
            add(f"{base}.start", f"{name}（{phase['start']} 至 {phase['end']}）超出了{window}")
        if previous is not None and phase["start"] <= previous["end"]:
            add(
                f"{base}.start",
                f"{name}开始于 {phase['start']}，不晚于上一阶段“{previous['name']}”"
                f"的结束日期 {previous['end']}；各阶段应按时间先后排列、互不重叠",
            )
        previous = phase
    return []


def folder_checks(pack, profiles: list, failed: int = 0, city_path=None, title_of=None) -> list:
    """Problems across the towns of a profiles folder (``unique`` and ``sum_equals`` checks).

    ``failed`` towns could not be loaded: sums are then not compared, and a warning says so.
    """
    out: list[Problem] = []
    title_of = title_of or (lambda key: None)
    for check in pack.checks if pack is not None else ():
        if check.kind == "unique":
            seen: dict[Any, Any] = {}
            for p in profiles:
                found, value = get(p.data, check.field)
                if not found or value is None:
                    continue
                hashable = value if isinstance(value, str | int | dt.date) else repr(value)
                if hashable in seen:
                    title = _short(title_of(check.field), check.field)
                    out.append(
                        Problem(
                            p.locate(check.field) or Location(file=display_path(p.town_path)),
                            f"{title}“{value}”与 {display_path(seen[hashable].town_path)} 重复",
                            key=check.field,
                            severity="warning",
                        )
                    )
                seen.setdefault(hashable, p)
        elif check.kind == "sum_equals":
            out += _sum(check, profiles, failed, city_path)
    return out


def _sum(check, profiles, failed, city_path) -> list[Problem]:
    total_key = check.total or ""
    where = profiles[0].locate(total_key) if profiles else None
    if where is None and city_path is not None:
        where = Location(file=display_path(city_path))
    if failed:
        return [
            Problem(
                where or Location(),
                f"有 {failed} 个乡镇的资料有错误（见各自的错误），未核对各乡镇 {check.field} "
                f"合计是否等于 {total_key}；改正后再校验",
                key=total_key,
                severity="warning",
            )
        ]
    if not profiles:
        return []
    found, expected = get(profiles[0].data, total_key)
    values = [get(p.data, check.field) for p in profiles]
    if not found or not isinstance(expected, int) or not all(f for f, _ in values):
        return []
    total = sum(v for _, v in values if isinstance(v, int))
    if total == expected:
        return []
    unit = " 人" if "members" in check.field else ""
    return [
        Problem(
            where or Location(),
            f"各乡镇 {check.field} 合计 {total}{unit}，与 {total_key} 的 {expected}{unit}不符"
            f"（相差 {abs(total - expected)}{unit}）",
            key=total_key,
            severity="warning",
        )
    ]
