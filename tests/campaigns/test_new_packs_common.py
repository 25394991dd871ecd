"""What every pack written for this session must do: rules with sources that pass their
examples, a six-town demo city with consistent totals, demo documents that render, check clean
and pass format-check (speeches of real length, per-member forms carrying the member)."""

from __future__ import annotations

import pytest

from tests.campaigns import pack_tests

NEW_PACKS = ["zhengjiguan-2026", "baxiang-2025", "minzhu-pingyi"]
WITH_SPEECH = {"zhengjiguan-2026", "baxiang-2025"}


@pytest.mark.parametrize("pack", NEW_PACKS)
def test_rules_have_sources_and_pass_their_examples(pack):
    pack_tests.rules_self_test(pack)


@pytest.mark.parametrize("pack", NEW_PACKS)
def test_demo_city_has_six_towns_of_every_kind_and_consistent_totals(pack):
    pack_tests.demo_city_shape(pack)


@pytest.mark.parametrize("pack", NEW_PACKS)
def test_every_demo_document_renders_checks_clean_and_passes_format_check(pack, pack_outputs):
    outputs = pack_outputs(pack)
    if pack in WITH_SPEECH:
        pack_tests.speech_length(outputs)
    pack_tests.member_forms_carry_the_member(outputs)
