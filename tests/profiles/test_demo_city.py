"""The shipped demo city: every town loads cleanly and the totals add up."""

from __future__ import annotations

import functools
from collections import Counter

from speechkit.profiles import find_towns, load_profile
from tests.conftest import PROFILES

_FICTIONAL = (
    "示范",
    "样例",
    "演示",
    "范例",
    "虚构",
    "模拟",
    "测试",
    "假设",
    "示例",
    "样本",
    "参照",
    "设例",
    "拟定",
    "例证",
    "督导",
)


@functools.cache
def _loaded():
    return tuple(load_profile(p) for p in find_towns(PROFILES))


def _profiles():
    return list(_loaded())


def test_at_least_twelve_towns_of_every_kind_without_warnings():
    profiles = _profiles()
    assert len(profiles) >= 12
    kinds = Counter(p.data["town"]["kind"] for p in profiles)
    assert set(kinds) == {"镇", "区", "街道"}
    for p in profiles:
        assert p.warnings == [], (p.slug, [str(w) for w in p.warnings])
        assert p.data["town"]["name"].endswith(p.data["town"]["kind"])


def test_members_sum_to_campaign_total():
    profiles = _profiles()
    total = sum(p.data["party"]["members"] for p in profiles)
    assert total == profiles[0].data["campaign"]["members"] == 6919


def test_meetings_inside_campaign_and_plans_after_meetings():
    for p in _profiles():
        camp = p.data["campaign"]
        assert camp["start"] <= p.data["meeting"]["date"] <= camp["end"]
        assert p.data["meeting"]["date"] <= p.data["plan"]["date"] <= camp["end"]


def test_names_are_obviously_fictional_and_towns_distinct():
    profiles = _profiles()
    assert len({p.data["town"]["name"] for p in profiles}) == len(profiles)
    for p in profiles:
        lg = p.data["leading_group"]
        people = [p.data["town"]["secretary"], p.data["town"]["mayor"], lg["leader"]["name"]]
        people += [m["name"] for m in lg["members"] + lg["deputies"]]
        people += [p.data["supervision"]["leader"], *p.data["supervision"]["members"]]
        for name in people:
            assert name.endswith(_FICTIONAL), (p.slug, name)
        assert lg["leader"]["name"] == p.data["town"]["secretary"]


def test_supervision_groups_match_city_figures():
    profiles = _profiles()
    camp = profiles[0].data["campaign"]["supervision"]
    groups = {p.data["supervision"]["group"]: p.data["supervision"] for p in profiles}
    assert len(groups) == camp["groups"]
    assert sum(1 + len(g["members"]) for g in groups.values()) == camp["staff"]
