"""The profile schema: pydantic v2 models, one per section, every field with a Chinese title.

A town's profile is ``profiles/city.yaml`` deep-merged with ``profiles/towns/<slug>.yaml``;
:class:`ProfileModel` describes the merged result. Sections in :data:`CITY_SECTIONS` belong in
city.yaml, all others in the town file (a town may still override a city value).

Models are strict (a count must be an integer, a name must be text) and allow extra keys (a
custom template may read them); unknown keys close to a known one are reported as warnings by
the validator. Dates accept YAML dates, ``"2024-07-05"`` and ``"2024年7月5日"``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from speechkit.cnnum import parse_date

PLACEHOLDER = "〔待填〕"
"""What ``speechkit profiles new`` writes where a value is still to be filled in."""


def _to_date(value: Any) -> Any:
    """Accept date, datetime (date part), ``2024-07-05`` and ``2024年7月5日``; else pass through."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        parsed = parse_date(value)  # raises, in Chinese, for a date that does not exist
        if parsed is not None:
            return parsed
    return value


Date = Annotated[dt.date, BeforeValidator(_to_date)]
MAX_COUNT = 100_000_000
"""Largest count a profile may give (a province has a few million members): more is a slip."""
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]


def _not_placeholder(value: Any) -> Any:
    """Reject text still holding the scaffold's placeholder."""
    if isinstance(value, str) and PLACEHOLDER in value:
        raise ValueError("尚未填写")
    return value


Text = Annotated[str, Field(min_length=1), AfterValidator(_not_placeholder)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True, defer_build=True)


class CityInfo(_Section):
    """The city itself."""

    name: Text = Field(title="市名（如 海川市）")
    short_name: Text = Field(None, title="简称（如 海川）")
    committee: Text = Field(None, title="市委全称")
    parent: Text = Field(None, title="上级市")
    secretary: Text = Field(None, title="市委书记")


class Phase(_Section):
    """One phase of the campaign, in time order."""

    name: Text = Field(title="阶段名称")
    start: Date = Field(title="开始日期")
    end: Date = Field(title="结束日期")
    tasks: list[Text] = Field(None, title="主要任务")


class Campaign(_Section):
    """The campaign shared by all towns."""

    name: Text = Field(title="活动名称")
    start: Date = Field(title="开始日期")
    end: Date = Field(title="结束日期")
    members: Count = Field(title="本批参加活动的党员总数")
    phases: list[Phase] = Field(None, title="方法步骤（按时间先后）")


class TownInfo(_Section):
    """The town (镇), district (区) or sub-district (街道)."""

    name: Text = Field(title="乡镇名称（如 东湖镇）")
    kind: Literal["镇", "区", "街道"] = Field(title="类别（镇 / 区 / 街道）")
    secretary: Text = Field(title="党委（党工委）书记")
    mayor: Text = Field(None, title="镇长（区长、街道办事处主任）")
    committee: Text = Field(None, title="党委全称（不写则为 中共＜名称＞委员会）")


class Party(_Section):
    """Party organisation figures of the town."""

    members: Count = Field(title="参加本批活动的党员数")
    branches: Count = Field(title="党支部数")
    units: Count = Field(None, title="参加活动的单位数")


class Meeting(_Section):
    """The town's mobilization meeting."""

    date: Date = Field(title="动员大会日期")
    venue: Text = Field(None, title="会议地点")


class TownSupervision(_Section):
    """The supervision group sent to the town."""

    group: Text = Field(None, title="督导组名称")
    leader: Text = Field(None, title="督导组组长")
    members: list[Text] = Field(None, title="督导组成员")


class Person(_Section):
    """A person with a title."""

    name: Text = Field(title="姓名")
    title: Text = Field(title="职务")


class LeadingGroup(_Section):
    """The town's leading group for the campaign."""

    leader: Person = Field(None, title="组长")
    deputies: list[Person] = Field(None, title="副组长")
    members: list[Person] = Field(None, title="成员")
    office: Person = Field(None, title="领导小组办公室主任")


class PlanInfo(_Section):
    """The implementation plan."""

    date: Date = Field(None, title="实施方案印发日期")


class ProfileModel(_Section):
    """A town's merged profile (city.yaml deep-merged with the town file): the core fields
    every campaign has; a campaign pack extends it (see :mod:`speechkit.campaigns`)."""

    pack: Text = Field(None, title="活动包（如 xianjinxing-2005）")
    city: CityInfo = Field(title="城市")
    campaign: Campaign = Field(title="活动")
    town: TownInfo = Field(title="乡镇")
    party: Party = Field(title="党组织")
    meeting: Meeting = Field(title="动员大会")
    supervision: TownSupervision = Field(None, title="督导组")
    leading_group: LeadingGroup = Field(None, title="领导小组")
    plan: PlanInfo = Field(None, title="实施方案")
    slogans: list[Text] = Field(title="口号（建设目标）")


class CityFileModel(_Section):
    """What city.yaml must hold on its own (validated without any town)."""

    pack: Text = Field(None, title="活动包（如 xianjinxing-2005）")
    city: CityInfo = Field(title="城市")
    campaign: Campaign = Field(title="活动")


CITY_SECTIONS = frozenset({"city", "campaign", "pack"})
"""Top-level sections that belong in city.yaml; every other section belongs in the town file."""


def __getattr__(name: str) -> Any:
    if name == "TEMPLATE_KEYS":  # derived from the 2005 pack's schema and templates
        from speechkit.campaigns import LEGACY_ID, template_keys

        return template_keys(LEGACY_ID)
    raise AttributeError(name)


def section_file(keypath: str, city_sections: frozenset[str] = CITY_SECTIONS) -> str:
    """Return ``"city"`` or ``"town"``: which file a key path belongs in."""
    return "city" if keypath.split(".", 1)[0].split("[", 1)[0] in city_sections else "town"


def model_for(
    keypath_parts: tuple[Any, ...], root: type[BaseModel] | None = None
) -> type[BaseModel] | None:
    """Return the model class describing the mapping at ``keypath_parts`` (None if not a model)
    below ``root`` (default :class:`ProfileModel`; a pack's extended model)."""
    model: Any = root or ProfileModel
    for part in keypath_parts:
        if isinstance(part, int):
            continue
        info = model.model_fields.get(part) if model else None
        if info is None:
            return None
        model = _model_in(info.annotation)
    return model


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def field_title(parts: tuple[Any, ...], root: type[BaseModel] | None = None) -> str | None:
    """Return the Chinese title of the field at ``parts`` (e.g. ``('party', 'members')``)."""
    names = [p for p in parts if not isinstance(p, int)]
    if not names:
        return None
    parent = model_for(tuple(names[:-1]), root)
    if parent is None:
        return None
    info = parent.model_fields.get(names[-1])
    return info.title if info else None


__all__ = [
    "PLACEHOLDER",
    "Date",
    "Count",
    "Text",
    "CityInfo",
    "Phase",
    "Campaign",
    "TownInfo",
    "Party",
    "Meeting",
    "TownSupervision",
    "Person",
    "LeadingGroup",
    "PlanInfo",
    "ProfileModel",
    "CityFileModel",
    "CITY_SECTIONS",
    "section_file",
    "model_for",
    "field_title",
]
