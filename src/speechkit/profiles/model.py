"""Loading a town profile: read city.yaml and the town file, deep-merge, validate, locate.

Pipeline: :func:`~speechkit.profiles.source.read_source` for each file → :func:`deep_merge`
(town wins, lists replace) → :class:`~speechkit.profiles.schema.ProfileModel` → cross-field
checks. Every problem keeps the file, line and column where the value was written.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from speechkit.errors import InputFileError, Location, Problem, ProfileError, display_path
from speechkit.profiles import schema
from speechkit.profiles.source import (
    SourceDoc,
    join_key,
    normalize_keypath,
    path_from_loc,
    read_source,
)

TOWNS_DIR = "towns"
CITY_FILE = "city.yaml"


@dataclass
class Profile:
    """A town's merged, validated profile.

    ``data`` is plain Python (dict/list/str/int/``datetime.date``), city values deep-merged
    with the town's. ``warnings`` holds the non-fatal problems found while loading.
    """

    slug: str
    town_path: Path
    city_path: Path | None
    data: dict[str, Any]
    warnings: list[Problem] = field(default_factory=list)
    pack_id: str | None = None
    value_locations: dict[str, Location] = field(default_factory=dict, repr=False)
    key_locations: dict[str, Location] = field(default_factory=dict, repr=False)

    def context(self) -> dict[str, Any]:
        """Return what templates see: a fresh copy of ``data`` plus derived keys.

        Derived (only when not written): ``town.committee`` (中共<name>委员会; for 街道
        中共<name>工作委员会), ``town.short_name`` (name without 镇/区/街道),
        ``city.committee`` (中共<name>委员会).
        """
        ctx = copy.deepcopy(self.data)
        town = ctx.get("town")
        if isinstance(town, dict) and isinstance(town.get("name"), str):
            name, kind = town["name"], town.get("kind")
            if "committee" not in town:
                suffix = "工作委员会" if kind == "街道" else "委员会"
                town["committee"] = f"中共{name}{suffix}"
            if "short_name" not in town:
                short = (
                    name[: -len(kind)] if isinstance(kind, str) and name.endswith(kind) else name
                )
                town["short_name"] = short or name
        city = ctx.get("city")
        if isinstance(city, dict) and isinstance(city.get("name"), str):
            city.setdefault("committee", f"中共{city['name']}委员会")
        return ctx

    def locate(self, keypath: str) -> Location | None:
        """Return where the value at ``keypath`` is written (``party.members``, ``slogans[0]``,
        ``slogans.0``), or None when it is not written in either file."""
        path = normalize_keypath(keypath)
        return self.value_locations.get(path) or self.key_locations.get(path)

    def digest(self) -> str:
        """Return the sha256 of the canonical JSON of the merged data."""
        from speechkit.fsutil import sha256_bytes

        return sha256_bytes(canonical_json(self.data).encode("utf-8"))


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def canonical_json(data: Any) -> str:
    """Return ``data`` as canonical JSON (sorted keys, no spaces, dates as ISO text)."""
    return json.dumps(
        data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_json_default
    )


def deep_merge(base: Any, over: Any) -> Any:
    """Return ``over`` deep-merged onto ``base``: mappings merge key by key, anything else
    (lists included) is replaced by ``over``. Inputs are not modified."""
    if isinstance(base, dict) and isinstance(over, dict):
        out = copy.deepcopy(base)
        for key, value in over.items():
            out[key] = deep_merge(base[key], value) if key in base else copy.deepcopy(value)
        return out
    return copy.deepcopy(over)


def default_city_path(town_path: str | Path) -> Path:
    """Return ``<town_path>/../../city.yaml`` (whether or not it exists).

    Lexically normalised, so a bare ``donghu.yaml`` gives ``../city.yaml`` (the parent of the
    folder holding the town file), as ``profiles/towns/donghu.yaml`` gives ``profiles/city.yaml``.
    """
    return Path(os.path.normpath(os.path.join(Path(town_path).parent, os.pardir, CITY_FILE)))


def missing_city_problem(city_path: str | Path) -> Problem:
    """The one error reported when a profiles folder or a town file has no city.yaml."""
    where = display_path(Path(city_path).resolve())
    return Problem(
        Location(file=display_path(city_path)),
        f"找不到 {CITY_FILE}（应在 {where}）：全市共用的资料（city、campaign 两节）"
        f"要写在这个文件里；可复制示例 profiles/{CITY_FILE} 再修改",
    )


def find_towns(profiles_dir: str | Path) -> list[Path]:
    """Return ``profiles_dir/towns/*.yaml`` sorted, without roster files (``*.members.*``).

    Raises :class:`InputFileError` when the folder does not exist.
    """
    root = Path(profiles_dir)
    towns = root / TOWNS_DIR
    if not root.is_dir():
        raise InputFileError(f"找不到乡镇资料文件夹：{display_path(root)}")
    if not towns.is_dir():
        return []
    return sorted(
        p
        for p in towns.glob("*.yaml")
        if p.is_file() and ".members." not in p.name and not p.name.startswith(".")
    )


def load_data_file(path: str | Path) -> dict[str, Any]:
    """Read any YAML/JSON mapping (no schema), e.g. for ``render --data``.

    Raises :class:`ProfileError` with every problem located when the file cannot be read or
    is not a mapping.
    """
    doc = read_source(path)
    problems = [p for p in doc.problems if p.severity == "error"]
    shown = display_path(path)
    if not problems and not isinstance(doc.data, dict):
        problems.append(Problem(Location(file=shown, line=1, column=1), _not_mapping(doc.data)))
    if problems:
        raise ProfileError(f"数据文件 {shown} 无法使用：", problems)
    return doc.data


def _not_mapping(data: Any) -> str:
    message = "文件顶层应是一组“键: 值”（映射）"
    if isinstance(data, str) and "：" in data:
        message += "；看起来用了全角冒号“：”，键后面要用半角冒号“:”加空格"
    elif isinstance(data, list):
        message += "，而不是列表"
    return message


def load_profile(town_path: str | Path, city_path: str | Path | None = None) -> Profile:
    """Load, merge and validate a town profile.

    ``city_path`` defaults to ``<town_path>/../../city.yaml`` when that file exists. Raises
    :class:`ProfileError` listing every problem (``file:line:col key-path message``).
    """
    profile, problems = assemble(town_path, city_path)
    errors = [p for p in problems if p.severity == "error"]
    if errors or profile is None:
        shown = display_path(town_path)
        raise ProfileError(f"乡镇资料 {shown} 有 {len(errors)} 处错误：", problems)
    return profile


def assemble(
    town_path: str | Path,
    city_path: str | Path | None = None,
    *,
    town_bytes: bytes | None = None,
    pack=None,
) -> tuple[Profile | None, list[Problem]]:
    """Build a :class:`Profile` and return it with every problem found (errors and warnings).

    The profile is None when an error prevents building it; ``town_bytes`` stands in for the
    town file's content. The campaign pack is ``pack`` (a :class:`~speechkit.campaigns.Pack`
    or id), else the one city.yaml names (``pack:``), else ``--campaign``, else the 2005 pack.
    Never raises for bad content.
    """
    town_path = Path(town_path)
    guess = default_city_path(town_path)
    if city_path is None:
        city_path = guess if guess.is_file() else None
    no_city = city_path is None
    city_path = Path(city_path) if city_path is not None else None

    town_doc = read_source(town_path, raw=town_bytes)
    city_doc = read_source(city_path) if city_path is not None else None
    problems = list(town_doc.problems) + (list(city_doc.problems) if city_doc else [])
    docs = [d for d in (city_doc, town_doc) if d is not None]
    usable = True
    for doc in docs:
        if doc.ok and not doc.empty and not isinstance(doc.data, dict):
            problems.append(
                Problem(
                    Location(file=display_path(doc.path), line=1, column=1), _not_mapping(doc.data)
                )
            )
        usable = usable and isinstance(doc.data, dict)
    if not usable:  # syntax error, empty file, ...: nothing sensible to validate further
        return None, sort_problems(problems)

    merged: dict[str, Any] = {}
    for doc in docs:
        merged = deep_merge(merged, doc.data)
    values, keys = _merge_locations(city_doc, town_doc)
    ctx = SourceContext(town_doc, city_doc, city_path or default_city_path(town_path), values, keys)
    the_pack, pack_problems = resolve_pack(merged, ctx, pack)
    if the_pack is None:
        return None, sort_problems(problems + pack_problems)
    ctx.use_pack(the_pack)

    problems += unknown_key_warnings(merged, (), ctx)
    model, schema_problems = check_schema(merged, ctx)
    problems += _missing_template_keys(merged, ctx, schema_problems)
    absent = (
        [s for s in sorted(schema.CITY_SECTIONS) if s not in merged and s != "pack"]
        if no_city
        else []
    )
    if absent:  # one clear message instead of one per missing city section and key
        problems.append(missing_city_problem(guess))
        schema_problems = [p for p in schema_problems if _section(p.key) not in absent]
        problems = [p for p in problems if _section(p.key) not in absent]
    problems += schema_problems
    if model is None:
        return None, sort_problems(problems)
    data = model.model_dump(exclude_unset=True)
    problems += cross_check(data, ctx.locate, the_pack)
    profile = Profile(
        slug=town_path.stem,
        town_path=town_path,
        city_path=city_path,
        data=data,
        warnings=[p for p in problems if p.severity != "error"],
        pack_id=the_pack.id,
        value_locations=values,
        key_locations=keys,
    )
    return profile, sort_problems(problems)


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Return ``problems`` ordered by file, line and column."""
    return sorted(
        problems,
        key=lambda p: (p.location.file or "", p.location.line or 0, p.location.column or 0),
    )


def _merge_locations(
    city: SourceDoc | None, town: SourceDoc
) -> tuple[dict[str, Location], dict[str, Location]]:
    """Merge key-path → location maps like the data: town wins, replaced lists drop city items."""
    if city is None:
        return dict(town.values), dict(town.keys)
    replaced = [p for p, _ in _leaves(town.data, "")]

    def shadowed(path: str) -> bool:
        return any(path.startswith(r + ".") or path.startswith(r + "[") for r in replaced)

    values = {p: loc for p, loc in city.values.items() if not shadowed(p)}
    keys = {p: loc for p, loc in city.keys.items() if not shadowed(p)}
    values.update(town.values)
    keys.update(town.keys)
    return values, keys


def _leaves(data: Any, prefix: str):
    """Yield (path, value) for every non-mapping value below ``data``."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _leaves(value, join_key(prefix, key))
    elif prefix:
        yield prefix, data


def resolve_pack(data: dict, ctx: SourceContext, pack=None) -> tuple[Any, list[Problem]]:
    """(campaign pack, problems) of a merged profile: ``pack`` when given, else its ``pack``
    key, else ``--campaign``, else the 2005 pack. An unknown or invalid pack is an error
    located at the ``pack`` key."""
    from speechkit import campaigns
    from speechkit.errors import CampaignPackError

    near = ctx.city_path.parent.parent
    try:
        if pack is not None:
            found = pack if isinstance(pack, campaigns.Pack) else campaigns.get_pack(pack, near)
            named = data.get("pack")
            if isinstance(named, str) and named and named != found.id:
                return None, [
                    Problem(
                        ctx.locate("pack") or Location(file=display_path(ctx.city_path)),
                        f"资料属于活动包“{named}”，与指定的 --campaign {found.id} 不一致",
                        key="pack",
                    )
                ]
            return found, []
        return campaigns.pack_of_profiles(data, near), []
    except CampaignPackError as exc:
        where = ctx.locate("pack") or Location(file=display_path(ctx.city_path))
        return None, [Problem(where, exc.message, key="pack"), *exc.problems]


@dataclass
class SourceContext:
    """The files behind one merged profile and where each key path was written."""

    town: SourceDoc
    city: SourceDoc | None
    city_path: Path
    values: dict[str, Location]
    keys: dict[str, Location]
    model: Any = None
    city_sections: frozenset[str] = schema.CITY_SECTIONS
    pack: Any = None

    def use_pack(self, pack) -> None:
        """Validate against ``pack``'s model (core plus the pack's fields)."""
        self.pack = pack
        self.model = pack.profile_model
        self.city_sections = pack.city_sections

    def locate(self, path: str) -> Location | None:
        return self.values.get(path) or self.keys.get(path)

    def home(self, path: str) -> tuple[str, SourceDoc | None]:
        """Return (shown file name, doc) of the file that should hold ``path``: the town file
        when there is no city file (a self-contained town)."""
        if schema.section_file(path, self.city_sections) == "city" and self.city is not None:
            return display_path(self.city_path), self.city
        return display_path(self.town.path), self.town

    def missing_location(self, path: str) -> Location:
        """Where to point for a key that is not written: its nearest written parent, if any."""
        shown, doc = self.home(path)
        parts = path.split(".")
        while len(parts) > 1 and doc is not None:
            parts.pop()
            parent = ".".join(parts)
            loc = doc.keys.get(parent) or doc.values.get(parent)
            if loc is not None:
                return loc
        return Location(file=shown)


def unknown_key_warnings(data: Any, parts: tuple[Any, ...], ctx: SourceContext) -> list[Problem]:
    """Warn about unknown keys that look like a typo of a known one."""
    out: list[Problem] = []
    model = schema.model_for(parts, ctx.model)
    if model is None:
        return out
    if isinstance(data, list):
        for i, item in enumerate(data):
            out += unknown_key_warnings(item, (*parts, i), ctx)
        return out
    if not isinstance(data, dict):
        return out
    known = list(model.model_fields)
    for key, value in data.items():
        path = path_from_loc((*parts, key))
        if key in model.model_fields:
            out += unknown_key_warnings(value, (*parts, key), ctx)
            continue
        close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
        if not close:
            close = [k for k in known if k.lower() == str(key).lower().strip()]
        if close:
            suggestion = path_from_loc((*parts, close[0]))
            loc = ctx.keys.get(path) or ctx.locate(path) or Location(file=ctx.home(path)[0])
            out.append(
                Problem(
                    loc,
                    f"未知的键“{key}”，您是不是要写 {suggestion}？",
                    key=path,
                    severity="warning",
                )
            )
    return out


def _get(data: Any, path: str) -> tuple[bool, Any]:
    cur = data
    for part in path.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return False, None
        cur = cur[part]
    return True, cur


def _section(keypath: str) -> str:
    """Return the top-level section of a key path (``campaign.phases[0]`` → ``campaign``)."""
    return keypath.split(".", 1)[0].split("[", 1)[0]


def _related(a: str, b: str) -> bool:
    """True when key paths ``a`` and ``b`` are equal or one lies below the other."""
    return a == b or any(x.startswith(y) and x[len(y)] in ".[" for x, y in ((a, b), (b, a)))


def _missing_template_keys(
    data: dict[str, Any], ctx: SourceContext, errors: Sequence[Problem] = ()
) -> list[Problem]:
    """Warn about optional keys the shipped templates read but the profile lacks.

    A whole missing section is reported once, not key by key; a key already reported in
    ``errors`` (e.g. a required key found missing by the schema) is not warned about again.
    """
    out = []
    reported: set[str] = set()
    from speechkit.campaigns import template_keys

    for path in template_keys(ctx.pack) if ctx.pack is not None else ():
        if _get(data, path)[0]:
            continue
        section = path.split(".", 1)[0]
        if section not in data:
            if section in reported:
                continue
            reported.add(section)
            path = section
        if any(p.key and _related(p.key, path) for p in errors):
            continue
        shown, _doc = ctx.home(path)
        title = schema.field_title(tuple(path.split(".")), ctx.model) or ""
        out.append(
            Problem(
                ctx.missing_location(path),
                f"缺少 {path}（{title}），模板会用到它，请写在 {shown} 中",
                key=path,
                severity="warning",
            )
        )
    return out


_TYPE_NAMES = {
    str: "文字",
    int: "整数",
    float: "小数",
    bool: "是/否",
    list: "列表",
    dict: "映射",
    dt.date: "日期",
    type(None): "空值",
}


def _shown_input(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict | list):
        kind = _TYPE_NAMES[type(value)]
        return f"一个{kind}"
    text = str(value)
    return f"“{text[:40]}”"


def _translate(err: dict[str, Any], title: str | None, path: str, ctx: SourceContext) -> str:
    kind = err["type"]
    value = err.get("input")
    if kind == "missing":
        shown, _ = ctx.home(path)
        named = f"{path}（{title}）" if title else path
        return f"缺少必填键 {named}，应写在 {shown} 中"
    what = title or "此值"
    if value is None:
        return f"{what}尚未填写（值为空）"
    if isinstance(value, str) and schema.PLACEHOLDER in value:
        return f"{what}尚未填写（请把“{schema.PLACEHOLDER}”换成实际内容）"
    shown = _shown_input(value)
    ctx_info = err.get("ctx") or {}
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"{what}应为整数（阿拉伯数字，如 612），实际写的是{shown}"
    if kind == "greater_than_equal":
        limit = ctx_info.get("ge")
        if limit == 0:
            return f"{what}不能为负数，实际写的是{shown}"
        return f"{what}不能小于 {limit}，实际写的是{shown}"
    if kind == "less_than_equal":
        return f"{what}不能大于 {ctx_info.get('le')}，实际写的是{shown}"
    if kind in (
        "date_type",
        "date_parsing",
        "date_from_datetime_inexact",
        "date_from_datetime_parsing",
    ):
        return f"{what}应为日期（如 2024-07-05），实际写的是{shown}"
    if kind == "value_error":
        reason = str(ctx_info.get("error") or err.get("msg", "")).removeprefix("Value error, ")
        return f"{what}{reason}，写的是{shown}"
    if kind == "string_type":
        hint = "；数字要当作文字时请加引号" if isinstance(value, int | float) else ""
        return f"{what}应为文字，实际写的是{shown}{hint}"
    if kind == "string_unicode":
        return f"{what}含有无法识别的字符（文件中的汉字编码已损坏），请删去后重新输入"
    if kind == "string_too_short":
        return f"{what}不能为空"
    if kind == "literal_error":
        expected = str(ctx_info.get("expected", "")).replace(" or ", ", ").replace("'", "")
        return f"{what}只能是{'、'.join(expected.split(', '))}，实际写的是{shown}"
    if kind == "list_type":
        return f"{what}应为列表（每项一行，以“- ”开头），实际写的是{shown}"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"{what}应为一组“键: 值”（映射），实际写的是{shown}"
    return f"{what}不符合要求：{err.get('msg')}（写的是{shown}）"


def check_schema(
    data: dict[str, Any], ctx: SourceContext, model: type[Any] | None = None
) -> tuple[Any, list[Problem]]:
    """Validate ``data`` against ``model`` (default: the context's pack model); return (model
    instance or None, located problems)."""
    from pydantic import ValidationError

    model = model or ctx.model or schema.ProfileModel
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        out = []
        for err in exc.errors(include_url=False):
            loc = tuple(err["loc"])
            path = path_from_loc(loc)
            title = schema.field_title(loc, model)
            message = _translate(err, title, path, ctx)
            where = ctx.missing_location(path) if err["type"] == "missing" else ctx.locate(path)
            out.append(Problem(where or ctx.missing_location(path), message, key=path))
        return None, out


def cross_check(data: dict[str, Any], locate, pack=None) -> list[Problem]:
    """Return cross-field problems of a schema-valid profile: the campaign window and the
    pack's per-profile checks (date_within_campaign, phases_ordered; see checks.yaml)."""
    from speechkit.campaigns.checks import profile_checks

    model = pack.profile_model if pack is not None else schema.ProfileModel

    def title_of(keypath: str) -> str | None:
        return schema.field_title(tuple(keypath.split(".")), model)

    return profile_checks(pack, data, locate, title_of)
