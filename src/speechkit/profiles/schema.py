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
Count = Annotated[int, Field(ge=0)]


def _not_placeholder(value: Any) -> Any:
    """Reject text still holding the scaffold's placeholder."""
    if isinstance(value, str) and PLACEHOLDER in value:
        raise ValueError("尚未填写")
    return value


Text = Annotated[str, Field(min_length=1), AfterValidator(_not_placeholder)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)


class IdeaPoint(_Section):
    """One point of the city's development idea."""

    name: Text = Field(title="要点")
    meaning: Text = Field(title="含义")


class CityInfo(_Section):
    """The city itself."""

    name: Text = Field(title="市名（如 海川市）")
    short_name: Text = Field(None, title="简称（如 海川）")
    committee: Text = Field(None, title="市委全称")
    parent: Text = Field(None, title="上级市")
    secretary: Text = Field(None, title="市委书记")
    idea: Text = Field(None, title="发展思路")
    idea_points: list[IdeaPoint] = Field(None, title="发展思路要点")
    reform_years: Count = Field(None, title="综合体制改革以来的年数")


class FirstBatch(_Section):
    """The first batch of the campaign (city-level units)."""

    units: Count = Field(None, title="第一批单位数")
    members: Count = Field(None, title="第一批党员数")


class Events(_Section):
    """Dates of the meetings that launched the campaign."""

    central_meeting: Date = Field(None, title="中央电视电话会议日期")
    parent_meeting: Date = Field(None, title="上级市委工作会议日期")
    city_meeting: Date = Field(None, title="本市工作会议日期")


class CampaignSupervision(_Section):
    """The city's supervision groups."""

    groups: Count = Field(None, title="督导组数")
    staff: Count = Field(None, title="督导人员数")


class Phase(_Section):
    """One phase of the campaign, in time order."""

    name: Text = Field(title="阶段名称")
    start: Date = Field(title="开始日期")
    end: Date = Field(title="结束日期")
    tasks: list[Text] = Field(None, title="主要任务")


class Campaign(_Section):
    """The campaign shared by all towns."""

    name: Text = Field(title="活动名称")
    batch: Text = Field(None, title="批次（如 第二批）")
    start: Date = Field(title="开始日期")
    end: Date = Field(title="结束日期")
    members: Count = Field(title="本批参加活动的党员总数")
    first_batch: FirstBatch = Field(None, title="第一批情况")
    events: Events = Field(None, title="动员部署时间节点")
    supervision: CampaignSupervision = Field(None, title="市委督导组")
    report_weekday: Annotated[int, Field(ge=1, le=7)] = Field(
        None, title="信息员每周几报送（1=周一 … 7=周日）"
    )
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
    """A town's merged profile (city.yaml deep-merged with the town file)."""

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

    city: CityInfo = Field(title="城市")
    campaign: Campaign = Field(title="活动")


CITY_SECTIONS = frozenset({"city", "campaign"})
"""Top-level sections that belong in city.yaml; every other section belongs in the town file."""

TEMPLATE_KEYS: tuple[str, ...] = (
    "city.short_name",
    "city.committee",
    "city.parent",
    "city.secretary",
    "city.idea",
    "city.idea_points",
    "city.reform_years",
    "campaign.batch",
    "campaign.first_batch.units",
    "campaign.first_batch.members",
    "campaign.events.central_meeting",
    "campaign.events.parent_meeting",
    "campaign.events.city_meeting",
    "campaign.supervision.groups",
    "campaign.supervision.staff",
    "campaign.report_weekday",
    "campaign.phases",
    "town.mayor",
    "party.units",
    "meeting.venue",
    "supervision.group",
    "supervision.leader",
    "supervision.members",
    "leading_group.leader",
    "leading_group.deputies",
    "leading_group.members",
    "leading_group.office",
    "plan.date",
)
"""Optional keys the shipped templates read: missing ones are warnings, not errors."""


def section_file(keypath: str) -> str:
    """Return ``"city"`` or ``"town"``: which file a key path belongs in."""
    return "city" if keypath.split(".", 1)[0].split("[", 1)[0] in CITY_SECTIONS else "town"


def model_for(keypath_parts: tuple[Any, ...]) -> type[BaseModel] | None:
    """Return the model class describing the mapping at ``keypath_parts`` (None if not a model)."""
    model: Any = ProfileModel
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


def field_title(parts: tuple[Any, ...]) -> str | None:
    """Return the Chinese title of the field at ``parts`` (e.g. ``('party', 'members')``)."""
    names = [p for p in parts if not isinstance(p, int)]
    if not names:
        return None
    parent = model_for(tuple(names[:-1]))
    if parent is None:
        return None
    info = parent.model_fields.get(names[-1])
    return info.title if info else None


__all__ = [
    "PLACEHOLDER",
    "Date",
    "Count",
    "Text",
    "IdeaPoint",
    "CityInfo",
    "FirstBatch",
    "Events",
    "CampaignSupervision",
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
    "TEMPLATE_KEYS",
    "section_file",
    "model_for",
    "field_title",
]
