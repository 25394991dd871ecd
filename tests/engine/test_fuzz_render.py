"""Fuzzing the render command: any template text and any data values end with exit 0, 1 or 2,
a message and no traceback, within a time bound; a failed render writes nothing."""

from __future__ import annotations

import json
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import run_cli
from tests.engine.conftest import build_docx

# Pieces that make tags, near-tags and hostile expressions likely.
PIECES = [
    "{{", "}}", "{%", "%}", "{#", "#}", "{_{", "}_}", "{{p ", "{{r ", "{%p ", "{%tr ", "{%tc ",
    "{%r ", "{%-", "-%}", " if ", " for ", " in ", " endfor ", " endif ", " else ", " set ",
    " vm ", " hm ", " colspan ", " cellbg ", "x", "v", "v.a", "vs", "|", " | paragraphs",
    " | cn_date", " | cn_number", "(", ")", "[", "]", "'", '"', "“", "，", "**", "*", "~", "+",
    "10", "9", "range(", "lipsum(", ".center(", "loop.", "macro ", "endmacro", "党委",
]  # fmt: skip

paragraph = st.lists(st.sampled_from(PIECES), max_size=12).map("".join)
text_value = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30
)  # controls and all
value = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**20), 10**20) | text_value,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(["a", "b", "$image", "$docx", "$text", "width_mm"]), inner
        )
    ),
    max_leaves=8,
)


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    paras=st.lists(paragraph, min_size=1, max_size=5),
    cell=paragraph,
    data=st.fixed_dictionaries({"v": value, "vs": st.lists(value, max_size=3), "x": text_value}),
)
def test_any_template_and_data_render_or_fail_cleanly(tmp_path_factory, paras, cell, data):
    folder = tmp_path_factory.mktemp("fuzz")
    tpl = build_docx(folder / "t.docx", paras, table=[[cell, "格"]])
    data_file = folder / "d.json"
    data_file.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out = folder / "o.docx"
    start = time.monotonic()
    res = run_cli("render", tpl, "--data", data_file, "-o", out, "--time-limit", "2")
    assert time.monotonic() - start < 20
    assert res.exit_code in (0, 1, 2), res.output
    assert "Traceback" not in res.output
    if res.exit_code == 0:
        import docx

        docx.Document(str(out))  # reopens
    else:
        assert res.stderr.strip()
        assert not out.exists()


PROFILE_TEMPLATE = [
    "{{ town.name }}{{ town.kind }}：{{ meeting.venue }}",
    "{{ slogans | paragraphs }}",
    "{% for s in slogans %}{{ s }}；{% endfor %}",
    "{{r town.name }}",
]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(name=text_value, venue=text_value, slogans=st.lists(text_value, max_size=3))
def test_any_profile_values_render_or_fail_cleanly(tmp_path_factory, name, venue, slogans):
    import shutil

    from tests.conftest import PROFILES

    folder = tmp_path_factory.mktemp("fuzzp")
    profiles = folder / "profiles"
    shutil.copytree(PROFILES, profiles)
    town = profiles / "towns" / "donghu.yaml"
    text = town.read_text(encoding="utf-8")
    text = text.replace("  name: 东湖镇", f"  name: {json.dumps(name)}", 1)
    text = text.replace("  venue: 镇政府三楼会议室", f"  venue: {json.dumps(venue)}", 1)
    text = text.replace("slogans:\n", f"slogans: {json.dumps(slogans)}\nold_slogans:\n", 1)
    town.write_text(text, encoding="utf-8")
    tpl = build_docx(folder / "t.docx", PROFILE_TEMPLATE, header=["{{ town.name }}"])
    out = folder / "o.docx"
    start = time.monotonic()
    res = run_cli("render", tpl, "--profile", town, "-o", out, "--time-limit", "2")
    assert time.monotonic() - start < 20
    assert res.exit_code in (0, 2), res.output
    assert "Traceback" not in res.output
    if res.exit_code == 0:
        import docx

        d = docx.Document(str(out))
        body = "\n".join(p.text for p in d.paragraphs)
        kept = "".join(c for c in name if c.isprintable() and not c.isspace())
        assert all(c in body for c in kept)  # no printable character of the value lost
    else:
        assert res.stderr.strip() and not out.exists()
