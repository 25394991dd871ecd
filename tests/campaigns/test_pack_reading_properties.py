"""Reading a pack never raises on bad content: every mistake becomes a located problem."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from speechkit.campaigns import read_pack

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 5), st.text(max_size=6), st.dates().map(str)
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.sampled_from(["id", "name", "key", "type", "kind", "field", "template", "x"]),
            inner,
            max_size=4,
        ),
    ),
    max_leaves=12,
)
top = st.dictionaries(
    st.sampled_from(
        ["id", "name", "start", "end", "documents", "fields", "checks", "rules", "phases", "names"]
    ),
    values,
    max_size=6,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(campaign=top, schema=top, checks=top, rules=top)
def test_any_pack_content_gives_problems_not_exceptions(
    tmp_path_factory, campaign, schema, checks, rules
):
    root = tmp_path_factory.mktemp("pack") / "p"
    root.mkdir()
    for name, data in (
        ("campaign.yaml", campaign),
        ("schema.yaml", schema),
        ("checks.yaml", checks),
        ("rules.yaml", rules),
    ):
        (root / name).write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    pack, problems = read_pack(root)
    for problem in problems:
        assert problem.location.file and problem.message
    if pack is None or any(p.severity == "error" for p in problems):
        assert problems


def test_a_list_or_mapping_where_a_name_belongs_is_a_problem(tmp_path):
    """kind / type / file given as a list or a mapping (found by the property above once):
    a located problem each, no TypeError."""
    root = tmp_path / "p"
    root.mkdir()
    campaign = {"id": "x", "name": "x", "documents": [{"id": "a", "name": "甲", "kind": []}]}
    schema = {
        "fields": [
            {"key": "k", "type": {"a": 1}},
            {"key": "j", "type": "text", "title": "乙", "file": []},
        ]
    }
    checks = {"checks": [{"kind": ["sum_equals"], "field": "k"}]}
    for name, data in (
        ("campaign.yaml", campaign),
        ("schema.yaml", schema),
        ("checks.yaml", checks),
    ):
        (root / name).write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    _pack, problems = read_pack(root)
    places = " ".join(str(p.location) for p in problems) + " ".join(p.message for p in problems)
    assert "kind" in places and "类型" in places and "file" in places
