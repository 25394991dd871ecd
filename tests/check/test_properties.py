"""Property tests: the trie regex, number parsing, and comment anchoring on random run splits."""

from __future__ import annotations

import io
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from speechkit.check.model import Finding, TextLocation
from speechkit.check.report import annotate_docx
from speechkit.check.ruletypes.base import literal_regex
from speechkit.check.sources import read_document
from speechkit.cnnum import parse_number
from speechkit.cnnum import small_hanzi as _hanzi_number

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
ALPHA = st.sampled_from(list("己经已布署部再接励厉"))


def naive_scan(words: list[str], text: str) -> list[tuple[int, int]]:
    """Leftmost, then longest, non-overlapping matches."""
    out, i = [], 0
    while i < len(text):
        hits = [w for w in words if text.startswith(w, i)]
        if hits:
            w = max(hits, key=len)
            out.append((i, i + len(w)))
            i += len(w)
        else:
            i += 1
    return out


@given(
    words=st.lists(st.text(ALPHA, min_size=1, max_size=4), min_size=1, max_size=8, unique=True),
    text=st.text(ALPHA, max_size=40),
)
def test_trie_regex_is_leftmost_longest(words, text):
    pat = literal_regex(words)
    assert [m.span() for m in pat.finditer(text)] == naive_scan(words, text)


@given(st.integers(min_value=0, max_value=99))
def test_hanzi_numbers_parse_back(n):
    assert parse_number(_hanzi_number(n)) == n
    assert parse_number(str(n)) == n
    assert parse_number(str(n).translate({0x30 + i: 0xFF10 + i for i in range(10)})) == n


def test_parse_number_examples():
    assert parse_number("一百零五") == 105
    assert parse_number("两千三百") == 2300
    assert parse_number("一万二千") == 12000
    assert parse_number("二〇二四") == 2024
    assert parse_number("六千九百一十九") == 6919
    assert parse_number("许多") is None


_RUN = st.tuples(
    st.text(st.sampled_from(list("甲乙丙丁戊己庚")), min_size=1, max_size=6), st.booleans()
)
_PARA = st.lists(_RUN, min_size=1, max_size=4)


@st.composite
def doc_and_spans(draw):
    paras = draw(st.lists(_PARA, min_size=1, max_size=4))
    spans = []
    for idx, para in enumerate(paras, start=1):
        n = sum(len(t) for t, _ in para)
        for _ in range(draw(st.integers(0, 3))):
            a = draw(st.integers(0, n))
            b = draw(st.integers(a, n))
            spans.append((idx, a, b))
    return paras, spans


def _bold_map(docx_bytes: bytes) -> list[list[bool]]:
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(docx_bytes)).read("word/document.xml"))
    out = []
    for p in root.iter(f"{{{W}}}p"):
        flags = []
        for r in p.iter(f"{{{W}}}r"):
            bold = r.find(f"{{{W}}}rPr/{{{W}}}b") is not None
            for t in r.iter(f"{{{W}}}t"):
                flags.extend([bold] * len(t.text or ""))
        out.append(flags)
    return out


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(case=doc_and_spans())
def test_comments_anchor_exact_spans_and_keep_formatting(tmp_path_factory, make_docx, case):
    paras, spans = case
    folder = tmp_path_factory.mktemp("p")
    src = make_docx(folder / "s.docx", body=paras)
    texts = ["".join(t for t, _ in p) for p in paras]
    findings = [
        Finding("x", "typo", "error", "m", texts[i - 1][a:b], None, TextLocation("body", i, a, b))
        for i, a, b in spans
    ]
    out = annotate_docx(src, findings, folder / "o.docx")
    data = out.read_bytes()
    assert [b.text for b in read_document(out).blocks] == texts
    assert _bold_map(data) == _bold_map(src.read_bytes())
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    active: set[int] = set()
    got: dict[int, str] = {}
    for el in root.iter():
        if el.tag == f"{{{W}}}commentRangeStart":
            active.add(int(el.get(f"{{{W}}}id")))
            got.setdefault(int(el.get(f"{{{W}}}id")), "")
        elif el.tag == f"{{{W}}}commentRangeEnd":
            active.discard(int(el.get(f"{{{W}}}id")))
        elif el.tag == f"{{{W}}}t":
            for cid in active:
                got[cid] += el.text or ""
    assert sorted(got.values()) == sorted(f.match for f in findings)
    refs = [int(e.get(f"{{{W}}}id")) for e in root.iter(f"{{{W}}}commentReference")]
    assert sorted(refs) == list(range(len(findings)))


_MD_ALPHA = st.sampled_from(
    list("党员*_`~ \t镇,，“”（）已己") + ["```", "**", "http://a.cn/x", "\r\n", "\n"]
)


@given(st.lists(_MD_ALPHA, max_size=40).map("".join), st.booleans())
def test_text_blocks_keep_lines_and_offsets(text, markdown):
    from speechkit.check.sources import text_blocks

    blocks = text_blocks(text, markdown=markdown)
    assert "\n".join(b.text for b in blocks) == text.replace("\r\n", "\n")
    assert [b.index for b in blocks] == list(range(1, len(blocks) + 1))
    for b in blocks:
        assert len(b.scan_text) == len(b.text)
        # masking only ever replaces characters by the neutral mark
        assert all(s == t or s == "\u2060" for s, t in zip(b.scan_text, b.text, strict=True))


_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.sampled_from(
        ["existence", "substitution", "formulation", "required", "repetition", "balance"]
        + ["consistency", "typo", "error", "warning", "x", "(", "布署", "{match}", "a.b"]
    ),
    st.lists(st.sampled_from(["布署", "(", "x", "", "(?P<value>\\d+)"]), max_size=3),
    st.dictionaries(
        st.sampled_from(["布署", "(", "x", ""]), st.sampled_from(["部署", "x"]), max_size=2
    ),
)
_KEYS = st.sampled_from(
    ["id", "type", "category", "severity", "message", "literal", "regex", "swap", "standard"]
    + ["tokens", "pairs", "field", "replacement", "scope", "doc_types", "examples", "colour"]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.dictionaries(_KEYS, _VALUES, max_size=8), min_size=1, max_size=3))
def test_any_rule_pack_loads_or_lists_located_problems(tmp_path_factory, rules):
    """Whatever a pack holds, loading gives rules or a RulePackError whose every problem has a
    line; no other exception escapes, and each bad rule is reported."""
    import json

    from speechkit.check.pack import load_pack_file
    from speechkit.errors import RulePackError

    path = tmp_path_factory.mktemp("pack") / "p.yaml"
    path.write_text(json.dumps({"rules": rules}, ensure_ascii=False, indent=2), encoding="utf-8")
    try:
        _, _, built = load_pack_file(path)
    except RulePackError as exc:
        assert exc.problems
        assert all(p.location.line for p in exc.problems)
        return
    assert len(built) == len(rules)
