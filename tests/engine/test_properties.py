"""Properties of the whole pipeline: text is never lost, wherever Word splits the runs."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.engine.conftest import build_docx, doc_lines

from speechkit.engine import Template

_DELIMS = re.compile(r"\{\{|\{%|\{#|\}\}|%\}|#\}")
_literal = st.text(alphabet="甲乙，。 ab<&>\"'{}%#“”", max_size=8).filter(
    lambda s: not _DELIMS.search(s)
)
_value = st.text(alphabet="东湖镇 <&>\"'\n{}%", max_size=6)


@st.composite
def paragraph(draw):
    """(runs as written in Word, context, expected text) for one paragraph."""
    pieces, expected, ctx = [], [], {}
    for i in range(draw(st.integers(1, 4))):
        lit = draw(_literal)
        pieces.append(lit)
        expected.append(lit)
        if draw(st.booleans()):
            name = f"v{draw(st.integers(0, 10**6))}_{i}"
            ctx[name] = draw(_value)
            pieces.append(f"{{{{ {name} }}}}")
            expected.append(ctx[name])
    text = "".join(pieces)
    cuts = sorted(draw(st.sets(st.integers(1, max(len(text) - 1, 1)), max_size=4)))
    runs = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True) if text[a:b]]
    return runs or [""], ctx, "".join(expected), text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(paragraph(), min_size=1, max_size=4))
def test_split_runs_render_like_the_joined_text(paras):
    from speechkit.engine.tags import scan

    # only draws whose joined text scans into exactly the intended tags (a literal "{" just
    # before a tag makes "{{{", which is a located error, tested elsewhere)
    for _runs, ctx, _expected, text in paras:
        tags, errors = scan(text)
        if errors or [t.body for t in tags] != list(ctx):
            return
    names = [k for _, ctx, _, _ in paras for k in ctx]
    if len(names) != len(set(names)):
        return
    with tempfile.TemporaryDirectory(prefix="engine-prop-") as tmp:
        path = build_docx(Path(tmp) / "t.docx", [runs for runs, *_ in paras])
        context = {k: v for _, ctx, _, _ in paras for k, v in ctx.items()}
        out = Template(path).render(context)
    assert doc_lines(out) == [expected for _, _, expected, _ in paras]
