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
    resolve_pack,
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
    return dedupe_problems(problems)


def has_errors(problems: Iterable[Problem]) -> bool:
    """True when any problem is an error (not only warnings)."""
    return any(p.severity == "error" for p in problems)


def dedupe_problems(problems: list[Problem]) -> list[Problem]:
    """The problems without repeats, in their first order."""
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
    pack, found = resolve_pack(doc.data, ctx)
    if pack is None:
        return sort_problems(problems + found)
    ctx.use_pack(pack)
    city_part = {k: v for k, v in doc.data.items() if k in pack.city_sections}
    problems += unknown_key_warnings(doc.data, (), ctx)
    model, found = check_schema(city_part, ctx, pack.city_model)
    problems += found
    if model is not None:
        problems += cross_check(model.model_dump(exclude_unset=True), ctx.locate, pack)
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
    profiles: list[Profile], failed: int = 0, city_path: Path | None = None, pack=None
) -> list[Problem]:
    """Cross-town checks of the pack's checks.yaml (``unique``: town names used twice;
    ``sum_equals``: the members sum against ``campaign.members``).

    ``failed`` is how many towns could not be loaded: sums are then meaningless, so they are
    not compared, and a warning says so (at the total's key in ``city_path`` when known).
    """
    from speechkit import campaigns
    from speechkit.campaigns.checks import folder_checks
    from speechkit.errors import CampaignPackError

    if pack is None:
        try:
            pack = (
                campaigns.get_pack(profiles[0].pack_id)
                if profiles and profiles[0].pack_id
                else campaigns.pack_of_profiles(_city_data(city_path))
            )
        except CampaignPackError:
            return []
    model = pack.profile_model

    def title_of(keypath: str) -> str | None:
        return schema.field_title(tuple(keypath.split(".")), model)

    return folder_checks(pack, profiles, failed, city_path, title_of)


def _city_data(city_path: Path | None) -> dict | None:
    if city_path is None or not city_path.is_file():
        return None
    data = read_source(city_path).data
    return data if isinstance(data, dict) else None
