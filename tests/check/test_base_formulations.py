"""The base pack's standard formulations, each judged by the text's own date."""

from __future__ import annotations

import datetime as dt

import pytest

from speechkit.check import check_text
from speechkit.check.pack import load_rules

BASE = [r for r in load_rules().rules if r.id.startswith("base.")]


def _rules(text: str, year: int, month: int = 6) -> set[str]:
    report = check_text(text, as_of=dt.date(year, month, 1))
    return {f.rule for f in report.findings}


def test_every_base_formulation_has_a_source_and_examples():
    assert len(BASE) >= 13
    for rule in BASE:
        assert rule.source, rule.id
        assert rule.examples["bad"] and rule.examples["good"], rule.id


@pytest.mark.parametrize(
    ("text", "rule", "before", "after"),
    [
        ("紧密团结在以习近平同志为总书记的党中央周围", "base.core-central-committee", 2015, 2017),
        ("按照“两个务必”的要求，保持艰苦奋斗作风", "base.two-musts-outdated", 2005, 2023),
        ("坚定“三个自信”", "base.three-confidences-outdated", 2014, 2018),
        ("是马克思主义中国化最新成果", "base.sinicization-times", 2018, 2024),
        ("深刻领悟两个确立的决定性意义", "base.two-establishes", 2020, 2022),
        ("以新时代中国特色社会主义思想为指导", "base.thought-in-full", 2016, 2018),
    ],
)
def test_a_formulation_is_asked_for_only_from_its_date(text, rule, before, after):
    assert rule not in _rules(text, before)
    assert rule in _rules(text, after)


def test_a_2005_text_is_never_told_to_write_todays_formulations():
    text = (
        "按照“两个务必”和“八个坚持、八个反对”的要求，以“三个代表”重要思想为指导，"
        "全面贯彻党的十六大和十六届四中全会精神。"
    )
    assert not {r for r in _rules(text, 2005, 7) if r.startswith("base.")}


def test_a_current_text_written_the_standard_way_is_clean():
    text = (
        "坚持以习近平新时代中国特色社会主义思想为指导，深刻领悟“两个确立”的决定性意义，"
        "增强“四个意识”、坚定“四个自信”、做到“两个维护”，践行“三个务必”，"
        "紧密团结在以习近平同志为核心的党中央周围，深入贯彻党的二十大和二十届四中全会精神。"
        "海川市委书记林示范出席会议。"
    )
    assert not _rules(text, 2026, 3)


def test_doubled_titles_are_reported_with_the_single_form():
    report = check_text(
        "海川市市委书记林示范、东湖镇镇党委书记张示范出席", as_of=dt.date(2026, 3, 1)
    )
    found = [(f.match, f.suggestion) for f in report.findings if f.rule == "base.doubled-title"]
    assert found == [("市市", "市"), ("镇镇", "镇")]


@pytest.mark.parametrize(
    ("year", "month", "text"),
    [
        (2016, 3, "紧密团结在以习近平同志为总书记的党中央周围，坚定“三个自信”，牢记“两个务必”。"),
        (2019, 6, "增强“四个意识”、坚定“四个自信”、做到“两个维护”，是马克思主义中国化最新成果。"),
        (
            2023,
            5,
            "深刻领悟“两个确立”的决定性意义，践行“三个务必”，"
            "学习贯彻习近平新时代中国特色社会主义思想主题教育。",
        ),
    ],
)
def test_each_eras_own_wording_is_clean_at_its_date(year, month, text):
    assert not {r for r in _rules(text, year, month) if r.startswith("base.")}
