"""A shipped template rendered for one town and made a template again writes, for every other
demo town, exactly the text the shipped template writes — also after the runs were merged."""

from __future__ import annotations

import pytest

from speechkit import Template
from speechkit.templatize import templatize_bytes
from speechkit.templatize.proof import compare_texts, document_texts, render_texts
from tests.conftest import TEMPLATES
from tests.templatize.conftest import merge_runs

TEXT_TEMPLATES = ["动员讲话.docx", "实施方案.docx"]
# a 镇, a 街道 and a 区: the words that differ by kind (党委/党工委, 本镇/本区) must follow the town
SOURCE_TOWNS = ["donghu", "chengguan", "linhai"]


def _differences(template_name: str, source: str, contexts: dict, *, merged: bool) -> dict:
    shipped = Template(TEMPLATES / template_name)
    finished = shipped.render(contexts[source])
    if merged:
        finished = merge_runs(finished)
    result = templatize_bytes(finished, contexts[source], file=template_name)
    out = {}
    for town, context in contexts.items():
        expected = document_texts(shipped.render(context))
        diffs = compare_texts(expected, render_texts(result.data, context, template_name))
        if diffs:
            out[town] = diffs[:2]
    return out


@pytest.mark.parametrize("template_name", TEXT_TEMPLATES)
@pytest.mark.parametrize("source", SOURCE_TOWNS)
def test_new_template_writes_the_shipped_text_for_every_town(template_name, source, demo_contexts):
    assert _differences(template_name, source, demo_contexts, merged=False) == {}


@pytest.mark.parametrize("template_name", TEXT_TEMPLATES)
def test_merged_runs_make_the_same_template(template_name, demo_contexts):
    assert _differences(template_name, "donghu", demo_contexts, merged=True) == {}


def test_the_source_document_is_written_again_for_its_own_profile(demo_contexts):
    context = demo_contexts["gushan"]
    finished = Template(TEMPLATES / "实施方案.docx").render(context)
    result = templatize_bytes(finished, context, file="plan")
    assert compare_texts(document_texts(finished), render_texts(result.data, context, "t")) == []
    # and it really is a template: the town's name is a tag, not text
    assert any(r.tag == "{{ town.name }}" for r in result.replacements)


def test_leading_group_and_task_lists_become_loops(demo_contexts):
    finished = Template(TEMPLATES / "实施方案.docx").render(demo_contexts["donghu"])
    result = templatize_bytes(finished, demo_contexts["donghu"], file="plan")
    loops = "\n".join(result.loops)
    assert 'leading_group.members|stroke_sort(attribute="name")' in loops
    assert "campaign.phases[0].tasks" in loops
