"""Every shipped speech, plan and material template of every campaign pack, rendered for one
demo town and made a template again, writes for every other demo town exactly the text the
shipped template writes — also after the runs were merged (as after a copy-paste in Word)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from speechkit import Template, campaigns, load_profile
from speechkit.templatize import templatize_bytes
from speechkit.templatize.proof import compare_texts, document_texts, render_texts
from tests.conftest import TEMPLATES
from tests.templatize.conftest import merge_runs

KINDS_ORDER = ("镇", "街道", "区")


def _shipped_documents() -> list[tuple[str, str]]:
    """(pack id, template file) of every text document (not per-member forms) of every pack."""
    out = []
    for pack in campaigns.list_packs():
        if pack.shipped:
            out += [(pack.id, d.template) for d in pack.documents if not d.per_member]
    return out


@cache
def _contexts(pack_id: str) -> dict[str, dict]:
    pack = campaigns.get_pack(pack_id)
    towns = sorted((pack.demo_dir / "towns").glob("*.yaml"))
    return {path.stem: load_profile(path).context() for path in towns}


@cache
def _sources(pack_id: str, template: str) -> list[str]:
    """One demo town of each kind (镇, 街道, 区) present: the words that differ by kind
    (党委/党工委, 本镇/本区) must follow the town.

    Of each kind, the town whose document says the most (the longest text): a sentence or a
    branch its document does not hold cannot be inferred from it — 东湖镇 fixed every problem
    of last year, so its 对照检查材料 says only 已全部整改完成 and never shows the words written
    when some are still open; 青石镇's shows them (and 已全部… follows from its own words).
    """
    shipped = Template(campaigns.get_pack(pack_id).templates_dir / template)
    picked: dict[str, tuple[int, str]] = {}
    for stem, context in _contexts(pack_id).items():
        size = sum(len(t) for t in document_texts(shipped.render(context)))
        kind = context["town"]["kind"]
        if kind not in picked or size > picked[kind][0]:
            picked[kind] = (size, stem)
    return [picked[k][1] for k in KINDS_ORDER if k in picked]


def _differences(pack_id: str, template: str, source: str, *, merged: bool = False) -> dict:
    path = campaigns.get_pack(pack_id).templates_dir / template
    shipped = Template(path)
    contexts = _contexts(pack_id)
    finished = shipped.render(contexts[source])
    if merged:
        finished = merge_runs(finished)
    result = templatize_bytes(finished, contexts[source], file=template)
    out = {}
    for town, context in contexts.items():
        expected = document_texts(shipped.render(context))
        diffs = compare_texts(expected, render_texts(result.data, context, template))
        if diffs:
            out[town] = diffs[:2]
    return out


# Packs whose round trip is not exact yet (strict: the test fails loudly once it passes).
NOT_YET_EXACT: set[str] = set()


def _exact_cases():
    for pack_id, template in _shipped_documents():
        marks = []
        if pack_id in NOT_YET_EXACT:
            marks = [pytest.mark.xfail(strict=True, reason="条件句和循环首项前缀尚不能推断")]
        yield pytest.param(pack_id, template, marks=marks)


@pytest.mark.parametrize("pack_id, template", list(_exact_cases()))
def test_new_template_writes_the_shipped_text_for_every_town(pack_id, template):
    for source in _sources(pack_id, template):
        assert _differences(pack_id, template, source) == {}, source


@pytest.mark.parametrize("pack_id, template", list(_exact_cases()))
def test_merged_runs_make_the_same_template(pack_id, template):
    source = _sources(pack_id, template)[0]
    assert _differences(pack_id, template, source, merged=True) == {}


@pytest.mark.parametrize("pack_id, template", _shipped_documents())
def test_new_template_renders_for_every_town_and_mostly_the_same(pack_id, template):
    """Never a render error for another town; most paragraphs the same (85% and up today)."""
    path = campaigns.get_pack(pack_id).templates_dir / template
    shipped, contexts = Template(path), _contexts(pack_id)
    source = _sources(pack_id, template)[0]
    result = templatize_bytes(shipped.render(contexts[source]), contexts[source], file=template)
    same = total = 0
    for context in contexts.values():
        expected = document_texts(shipped.render(context))
        diffs = compare_texts(expected, render_texts(result.data, context, template))
        total += len(expected)
        same += len(expected) - len({d.number for d in diffs})
    print(f"\n{pack_id} {template}：{same}/{total} 段与原模板相同")
    assert same / total >= 0.85


def test_every_shipped_pack_is_covered():
    covered = {pack_id for pack_id, _ in _shipped_documents()}
    assert "xianjinxing-2005" in covered
    assert covered == {p.id for p in campaigns.list_packs() if p.shipped}


def test_the_source_document_is_written_again_for_its_own_profile():
    context = load_profile(
        Path(campaigns.get_pack("xianjinxing-2005").demo_dir) / "towns" / "gushan.yaml"
    ).context()
    finished = Template(TEMPLATES / "实施方案.docx").render(context)
    result = templatize_bytes(finished, context, file="plan")
    assert compare_texts(document_texts(finished), render_texts(result.data, context, "t")) == []
    # and it really is a template: the town's name is a tag, not text
    assert any(r.tag == "{{ town.name }}" for r in result.replacements)


def test_leading_group_and_task_lists_become_loops():
    context = _contexts("xianjinxing-2005")["donghu"]
    finished = Template(TEMPLATES / "实施方案.docx").render(context)
    result = templatize_bytes(finished, context, file="plan")
    loops = "\n".join(result.loops)
    assert 'leading_group.members|stroke_sort(attribute="name")' in loops
    assert "campaign.phases[0].tasks" in loops
