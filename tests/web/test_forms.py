"""The schema-driven form: field kinds, and post → changes round trips (hypothesis)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from speechkit.web import forms


def _as_post(values: dict) -> MultiDict:
    """What a browser posts for the form showing ``values`` (plus the empty extra inputs)."""
    post = MultiDict()
    for key, value in values.items():
        if isinstance(value, list) and (not value or isinstance(value[0], dict)):
            rows = value + [{"name": "", "title": ""}]
            for i, row in enumerate(rows):
                for col in ("name", "title"):
                    post.add(f"{key}.{i}.{col}", row.get(col, ""))
        elif isinstance(value, list):
            for item in [*value, ""]:
                post.add(key, item)
        else:
            post.add(key, value)
    return post


def test_field_kinds_follow_the_schema():
    fields = {f.key: f for top in forms.build_form() for f in top.leaves()}
    assert fields["party.members"].kind == forms.NUMBER and fields["party.members"].minimum == 0
    assert fields["meeting.date"].kind == forms.DATE
    assert fields["town.kind"].choices == ("镇", "区", "街道")
    assert fields["slogans"].kind == forms.LIST and fields["slogans"].required
    assert fields["leading_group.members"].kind == forms.ROWS
    assert [c.title for c in fields["leading_group.members"].children] == ["姓名", "职务"]
    assert fields["leading_group.leader.name"].title == "姓名"
    assert not any(k.startswith(("city.", "campaign.")) for k in fields)
    assert fields["party.members"].title == "参加本批活动的党员数"


text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp")),
    min_size=1,
    max_size=12,
)
person = st.fixed_dictionaries({"name": text, "title": text})
town_data = st.fixed_dictionaries(
    {
        "town": st.fixed_dictionaries(
            {"name": text, "kind": st.sampled_from(["镇", "区", "街道"]), "secretary": text}
        ),
        "party": st.fixed_dictionaries(
            {"members": st.integers(0, 10**6), "branches": st.integers(0, 999)}
        ),
        "meeting": st.fixed_dictionaries(
            {"date": st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31)), "venue": text}
        ),
        "leading_group": st.fixed_dictionaries(
            {"leader": person, "members": st.lists(person, max_size=4)}
        ),
        "slogans": st.lists(text, min_size=1, max_size=4),
    }
)


@settings(max_examples=150, deadline=None)
@given(town_data)
def test_an_untouched_form_changes_nothing(data):
    fields = forms.build_form()
    post = _as_post(forms.form_values(fields, data))
    assert forms.changes_between(fields, forms.read_submission(fields, post), data) == {}


@settings(max_examples=150, deadline=None)
@given(town_data, st.integers(0, 10**6), st.lists(text, min_size=1, max_size=3))
def test_edits_give_exactly_the_changed_keys(data, members, slogans):
    fields = forms.build_form()
    values = forms.form_values(fields, data)
    values["party.members"] = str(members)
    values["slogans"] = slogans
    changes = forms.changes_between(fields, forms.read_submission(fields, _as_post(values)), data)
    expected = {}
    if members != data["party"]["members"]:
        expected["party.members"] = members
    if slogans != data["slogans"]:
        expected["slogans"] = slogans
    assert changes == expected


def test_unparseable_entries_are_passed_on_as_text():
    fields = forms.build_form()
    data = {"party": {"members": 612}, "meeting": {"date": dt.date(2024, 7, 5)}}
    post = MultiDict({"party.members": "六千九", "meeting.date": "2024-02-30"})
    changes = forms.changes_between(fields, forms.read_submission(fields, post), data)
    assert changes == {"party.members": "六千九", "meeting.date": "2024-02-30"}


def test_blanking_an_optional_value_removes_it_and_rows_keep_extra_keys():
    fields = forms.build_form()
    data = {
        "meeting": {"venue": "礼堂"},
        "leading_group": {"members": [{"name": "甲", "title": "委员", "phone": "123"}]},
    }
    post = MultiDict(
        [
            ("meeting.venue", ""),
            ("leading_group.members.0.name", "乙"),
            ("leading_group.members.0.title", "委员"),
        ]
    )
    changes = forms.changes_between(fields, forms.read_submission(fields, post), data)
    assert changes == {
        "meeting.venue": None,
        "leading_group.members": [{"name": "乙", "title": "委员", "phone": "123"}],
    }


def test_problem_keys_map_to_form_fields():
    fields = forms.build_form()
    assert forms.field_for_problem(fields, "party.members") == "party.members"
    assert forms.field_for_problem(fields, "leading_group.members[1].name") == (
        "leading_group.members"
    )
    assert forms.field_for_problem(fields, "slogans[0]") == "slogans"
    assert forms.field_for_problem(fields, "campaign.start") is None


def test_concurrent_merge_takes_untouched_values_from_the_file():
    fields = forms.build_form()
    base = {"party.members": "612", "party.branches": "28", "slogans": ["甲"]}
    mine = {"party.members": "700", "party.branches": "28", "slogans": ["甲", "乙"]}
    theirs = {"party.members": "612", "party.branches": "29", "slogans": ["丙"]}
    merged, taken, conflicts = forms.merge_concurrent(fields, base, mine, theirs)
    assert merged == {"party.members": "700", "party.branches": "29", "slogans": ["甲", "乙"]}
    assert taken == ["party.branches"] and conflicts == ["slogans"]


def test_form_from_pack_descriptors_groups_and_types():
    from speechkit.web import forms

    descriptors = [
        {"key": "town.name", "type": "text", "title": "乡镇名称", "required": True,
         "help": "东湖镇", "file": "town"},
        {"key": "town.kind", "type": "choice", "title": "类别", "required": True,
         "choices": ["镇", "区", "街道"], "file": "town"},
        {"key": "party.members", "type": "count", "title": "党员数", "file": "town"},
        {"key": "study.start", "type": "date", "title": "学习开始", "file": "town"},
        {"key": "study.topics", "type": "list", "title": "专题", "file": "town"},
        {"key": "leading_group.leader", "type": "person", "title": "组长", "file": "town"},
        {"key": "leading_group.members", "type": "people", "title": "成员", "file": "town"},
        {"key": "campaign.name", "type": "text", "title": "活动名称", "file": "city"},
        {"key": "campaign.events.city_meeting", "type": "date", "title": "本市会议", "file": "city"},
        {"key": "campaign.phases", "type": "list", "title": "阶段", "file": "city", "items": [
            {"key": "name", "type": "text", "title": "阶段名称", "required": True},
            {"key": "start", "type": "date", "title": "开始日期", "required": True},
            {"key": "tasks", "type": "list", "title": "主要任务"},
        ]},
    ]  # fmt: skip
    town = forms.from_descriptors(descriptors, "town", sections={"party": "党组织"})
    assert [f.key for f in town] == ["town", "party", "study", "leading_group"]
    assert town[1].title == "党组织" and town[0].title == "town"
    leaves = {leaf.key: leaf for top in town for leaf in top.leaves()}
    assert leaves["town.name"].title == "乡镇名称（如 东湖镇）" and leaves["town.name"].required
    assert leaves["town.kind"].choices == ("镇", "区", "街道")
    assert leaves["party.members"].kind == forms.NUMBER and leaves["party.members"].minimum == 0
    assert leaves["study.start"].kind == forms.DATE
    assert leaves["study.topics"].kind == forms.LIST
    assert "leading_group.leader.name" in leaves and "leading_group.leader.title" in leaves
    rows = leaves["leading_group.members"]
    assert rows.kind == forms.ROWS and [c.name for c in rows.children] == ["name", "title"]
    sections = {"campaign": "活动", "campaign.events": "动员部署时间节点"}
    city = forms.from_descriptors(descriptors, "city", sections=sections)
    keys = [leaf.key for top in city for leaf in top.leaves()]
    assert keys == ["campaign.name", "campaign.events.city_meeting", "campaign.phases"]
    assert city[0].title == "活动" and city[0].children[1].title == "动员部署时间节点"
    phases = city[0].children[2]
    assert phases.kind == forms.ROWS
    assert [(c.name, c.kind) for c in phases.children] == [
        ("name", forms.TEXT), ("start", forms.DATE), ("tasks", forms.LIST)
    ]  # fmt: skip
    values = forms.form_values(
        city, {"campaign": {"phases": [{"name": "学习", "tasks": ["a", "b"]}]}}
    )
    assert values["campaign.phases"] == [{"name": "学习", "start": "", "tasks": "a\nb"}]
    # values read and written through the same form
    values = forms.form_values(town, {"party": {"members": 5}, "study": {"topics": ["a", "b"]}})
    assert values["party.members"] == "5" and values["study.topics"] == ["a", "b"]


def test_without_a_packs_library_the_core_schema_makes_the_form():
    from speechkit.web import forms

    assert forms.pack_descriptors("no-such-pack") is None or forms.pack_descriptors("x") == []
    town = forms.form_for("town", None)
    assert [f.key for f in town][:3] == ["town", "party", "meeting"]
    assert [f.key for f in forms.form_for("city", None)] == ["city", "campaign"]


def test_the_packs_library_forms_match_the_core_for_the_2005_pack():
    """With the packs library: the 2005 pack's town form has the core form's fields."""
    pytest = __import__("pytest")
    campaigns = pytest.importorskip("speechkit.campaigns")
    from speechkit.web import forms

    pack = "xianjinxing-2005"
    if not hasattr(campaigns, "form_fields"):
        pytest.skip("packs library without form_fields")
    town = forms.form_for("town", pack)
    core = forms.form_for("town", None)
    leaves = [leaf.key for top in town for leaf in top.leaves()]
    for key in [leaf.key for top in core for leaf in top.leaves()]:
        assert key in leaves
    assert [f.key for f in town][:2] == ["town", "party"] and town[0].title == "乡镇"
