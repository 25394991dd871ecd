"""Validating profile files and folders: every problem of every file, in one run.

:func:`validate` accepts town files, city.yaml files and profiles folders (``profiles/`` with
``city.yaml`` and ``towns/``). It returns problems (errors and warnings) and never raises for
bad content. Folder-level checks: the sum of the towns' ``party.members`` against
``campaign.members`` (a warning naming both numbers) and town names used twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from speechkit.errors import Location, Problem, display_path
from speechkit.profiles import schema
from speechkit.profiles.model import (
    CITY_FILE,
    TOWNS_DIR,
    Profile,
    SourceContext,
    assemble,
    check_schema,
    cross_check,
    find_towns,
    missing_city_problem,
    sort_problems,
    unknown_key_warnings,
)
from speechkit.profiles.source import read_source


def validate(paths: Iterable[str | Path]) -> list[Problem]:
    """Validate profile files and folders; return every problem found (errors and warnings).

    A folder holding ``city.yaml`` or ``towns/`` is a profiles folder (the city file, every
    town, and the cross-town totals); any other folder is a folder of town files. A file named
    ``city.yaml`` is checked as a city file, any other as a town file (with its default
    city.yaml). Roster files (``*.members.*``) are skipped.
    """
    problems: list[Problem] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            problems += _validate_folder(path)
        elif path.is_file():
            if ".members." in path.name:
                continue
            if path.name == CITY_FILE:
                problems += validate_city(path)
            else:
                problems += assemble(path)[1]
        else:
            problems.append(Problem(Location(file=display_path(path)), "路径不存在"))
    return _dedupe(problems)


def has_errors(problems: Iterable[Problem]) -> bool:
    """True when any problem is an error (not only warnings)."""
    return any(p.severity == "error" for p in problems)


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen: set[Problem] = set()
    out = []
    for p in problems:
        if p not in seen:
            seen.add(p)
            out.append(p)
    return out


def validate_city(path: str | Path) -> list[Problem]:
    """Validate a city.yaml on its own: syntax, the city and campaign sections, phases."""
    doc = read_source(path)
    problems = list(doc.problems)
    if not isinstance(doc.data, dict):
        if doc.ok and not doc.empty:
            problems.append(
                Problem(
                    Location(file=display_path(path), line=1, column=1),
                    "文件顶层应是一组“键: 值”（映射）",
                )
            )
        return sort_problems(problems)
    ctx = SourceContext(doc, doc, Path(path), dict(doc.values), dict(doc.keys))
    city_part = {k: v for k, v in doc.data.items() if k in schema.CITY_SECTIONS}
    problems += unknown_key_warnings(doc.data, (), ctx)
    model, found = check_schema(city_part, ctx, schema.CityFileModel)
    problems += found
    if model is not None:
        problems += cross_check(model.model_dump(exclude_unset=True), ctx.locate)
    return sort_problems(problems)


def _validate_folder(folder: Path) -> list[Problem]:
    city = folder / CITY_FILE
    if city.is_file() or (folder / TOWNS_DIR).is_dir():
        problems: list[Problem] = []
        if city.is_file():
            problems += validate_city(city)
        else:
            problems.append(missing_city_problem(city))
        towns = find_towns(folder)
        if not towns:
            problems.append(
                Problem(
                    Location(file=display_path(folder / TOWNS_DIR)),
                    "没有任何乡镇资料（towns/*.yaml），可用 speechkit profiles new 新建",
                    severity="warning",
                )
            )
        profiles: list[Profile] = []
        failed = 0
        for town in towns:
            profile, found = assemble(town, city if city.is_file() else None)
            problems += found
            if profile is None:
                failed += 1
            else:
                profiles.append(profile)
        problems += totals(profiles, failed, city if city.is_file() else None)
        return problems
    problems = []
    for town in sorted(folder.glob("*.yaml")):
        if ".members." not in town.name and not town.name.startswith("."):
            problems += assemble(town)[1]
    if not problems and not any(folder.glob("*.yaml")):
        problems.append(
            Problem(
                Location(file=display_path(folder)),
                "文件夹中没有 .yaml 资料文件",
                severity="warning",
            )
        )
    return problems


def totals(
    profiles: list[Profile], failed: int = 0, city_path: Path | None = None
) -> list[Problem]:
    """Cross-town checks: town names used twice; the members sum against ``campaign.members``.

    ``failed`` is how many towns could not be loaded: the sum is then meaningless, so it is
    not compared, and a warning says so (at ``campaign.members`` in ``city_path`` when known).
    """
    out: list[Problem] = []
    names: dict[str, Profile] = {}
    for p in profiles:
        name = p.data["town"]["name"]
        if name in names:
            out.append(
                Problem(
                    p.locate("town.name") or Location(file=display_path(p.town_path)),
                    f"乡镇名称“{name}”与 {display_path(names[name].town_path)} 重复",
                    key="town.name",
                    severity="warning",
                )
            )
        names.setdefault(name, p)
    where = profiles[0].locate("campaign.members") if profiles else None
    if where is None and city_path is not None:
        where = Location(file=display_path(city_path))
    if failed:
        out.append(
            Problem(
                where or Location(),
                f"有 {failed} 个乡镇的资料有错误（见各自的错误），未核对各乡镇 party.members "
                "合计是否等于 campaign.members；改正后再校验",
                key="campaign.members",
                severity="warning",
            )
        )
        return out
    if not profiles:
        return out
    expected = profiles[0].data["campaign"]["members"]
    total = sum(p.data["party"]["members"] for p in profiles)
    if total != expected:
        out.append(
            Problem(
                where or Location(),
                f"各乡镇 party.members 合计 {total} 人，与 campaign.members 的 {expected} 人不符"
                f"（相差 {abs(total - expected)} 人）",
                key="campaign.members",
                severity="warning",
            )
        )
    return out
