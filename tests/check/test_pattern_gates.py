"""Pattern gates: the characters a rule's match needs, tested once per paragraph so that a rule
is not run where it cannot match. A gate may let too much through, never too little: every
shipped pattern's gate admits every text the pattern matches, and the findings on the corpus,
the seed and rendered documents are the same with the gates switched off."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import PROFILES, TEMPLATES

from speechkit.check import check, check_text, load_rules, prefilter
from speechkit.check.prefilter import Features, allows, gate_of, literal_gate
from speechkit.check.ruletypes.base import LazyPattern, literal_regex

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).resolve().parent / "corpus"


def _chars(gate) -> list[tuple[str, bool]]:
    return [("".join(sorted(chars)), digit) for chars, digit in gate]


def _shipped_patterns() -> list[LazyPattern]:
    pack = load_rules()
    out: dict[str, LazyPattern] = {}
    for rule in [*pack.rules, *pack.overrides.values()]:
        for value in vars(rule).values():
            items = value if isinstance(value, tuple | list) else (value,)
            for item in items:
                if isinstance(item, LazyPattern):
                    out.setdefault(item.pattern, item)
    return list(out.values())


PATTERNS = _shipped_patterns()


def test_literals_and_sequences_require_their_characters():
    assert _chars(gate_of("巳经")) == [("巳", False), ("经", False)]
    assert _chars(gate_of("[０-９]+")) == [("０１２３４５６７８９", False)]
    assert _chars(gate_of(r"第\d+次")) == [("次", False), ("第", False), ("", True)]


def test_alternatives_need_one_of_their_characters():
    (atom,) = gate_of("自已|巳经|¥¥")
    chars, digit = atom
    assert not digit and len(chars) == 3 and "¥" in chars


def test_what_cannot_be_reasoned_about_lets_everything_through():
    for pattern in (
        "(?i)abc",
        "(?i:ab)c?",
        "[^a]",
        ".",
        r"\w+",
        "a*",
        "(?!x)y?",
        "a|b*",
        "[一-龥]",
    ):
        assert gate_of(pattern) == (), pattern
    assert gate_of("(") == ()  # an invalid pattern is no reason to skip anything


def test_lookarounds_that_hold_add_requirements_and_negative_ones_none():
    assert ("志", False) in _chars(gate_of("(?<=同)志"))
    assert _chars(gate_of("(?<!同)志")) == [("志", False)]


def test_digits_of_any_script_count():
    gate = gate_of(r"\d+届")
    assert allows(gate, Features("第１２届"))
    assert allows(gate, Features("第١٢届"))  # \d matches every decimal digit
    assert not allows(gate, Features("第十二届"))


def test_literal_word_lists_need_one_character_of_each_word():
    gate = literal_gate(["自已", "巳经"])
    assert allows(gate, Features("自已"))
    assert allows(gate, Features("巳经"))
    assert not allows(gate, Features("已经完成"))
    assert literal_gate(["ok", ""]) == ()
    assert literal_regex(["自已", "巳经"]).gate == gate


def test_gates_survive_pickling():
    import pickle

    pat = literal_regex(["自已"])
    back = pickle.loads(pickle.dumps(pat))
    assert back.pattern == pat.pattern and back.gate == pat.gate
    assert back.search("他自已说").group() == "自已"


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_a_shipped_patterns_gate_admits_every_text_it_matches(data):
    pat = data.draw(st.sampled_from(PATTERNS))
    text = data.draw(st.from_regex(pat.compiled))
    if pat.search(text):
        assert allows(pat.gate, Features(text)), (pat.pattern, text)


def _texts() -> list[str]:
    texts = [(ROOT / "tests" / "data" / "seed.txt").read_text(encoding="utf-8")]
    for path in sorted(CORPUS.glob("*.txt")):
        texts.append(re.sub(r"⟦([^|⟧]*)\|[^|⟧]*\|[a-z]+⟧", r"\1", path.read_text("utf-8")))
    return texts


_BMP = frozenset(map(chr, range(0x10000)))


def _ungated(monkeypatch) -> None:
    """Make every paragraph look as if it held every character and a digit."""

    def features(text: str):
        feats = Features(text)
        feats.chars = _BMP | feats.chars
        feats.digit = True
        return feats

    monkeypatch.setattr(prefilter, "Features", features)


def _found(report) -> list[tuple]:
    return [(f.rule, f.location, f.suggestion, f.message) for f in report.findings]


def test_gates_change_no_finding_on_the_corpus_and_the_seed(monkeypatch):
    texts = _texts()
    gated = [_found(check_text(t, doc_type="speech")) for t in texts]
    assert sum(map(len, gated)) > 150  # the planted slips are found
    _ungated(monkeypatch)
    assert [_found(check_text(t, doc_type="speech")) for t in texts] == gated


@pytest.mark.parametrize("name", ["动员讲话", "实施方案"])
def test_gates_change_no_finding_with_a_profile(monkeypatch, tmp_path, name):
    """A town's document checked against another town's facts: many consistency findings."""
    from speechkit.engine import Template
    from speechkit.profiles import load_profile

    path = tmp_path / f"donghu-{name}.docx"
    own = load_profile(PROFILES / "towns" / "donghu.yaml")
    Template(TEMPLATES / f"{name}.docx").save(own.context(), path)
    other = load_profile(PROFILES / "towns" / "xishan.yaml")
    gated = _found(check(path, profile=other))
    assert sum(f[0].startswith("consistency.") for f in gated) >= 2
    _ungated(monkeypatch)
    assert _found(check(path, profile=other)) == gated


def test_gates_are_kept_with_the_validated_pack(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    fresh = load_rules()  # validated: gates worked out and written with the pack
    cached = load_rules()  # read back from the cache, gates included
    pairs = [
        (a, b)
        for ra, rb in zip(fresh.rules, cached.rules, strict=True)
        for a, b in zip(ra.lazy_patterns(), rb.lazy_patterns(), strict=True)
    ]
    assert len(pairs) > 50
    assert all(b._gate is not None for _, b in pairs)  # set from the cache, not parsed
    assert [b.gate for _, b in pairs] == [a.gate for a, _ in pairs]
