"""Labelled corpus: the seed's known slips, the rendered demo documents (clean), and errors of
every category injected at known places into a rendered speech (found exactly there)."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from tests.conftest import PROFILES, TEMPLATES

from speechkit.check import check
from speechkit.check import docxparts as dx

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "tests" / "data" / "seed.txt"
TOWNS = sorted(
    p.stem for p in (PROFILES / "towns").glob("*.yaml") if ".members." not in p.name
)  # every demo town: 镇, 街道 and 区
DOCS = ["动员讲话", "实施方案", "党性分析评议表"]


def _seed_lines() -> list[str]:
    return SEED.read_text(encoding="utf-8").split("\n")


def _find(needle: str, nth: int = 0) -> tuple[int, int]:
    """(1-based line, 0-based column) of the nth occurrence of ``needle`` in the seed."""
    seen = 0
    for i, line in enumerate(_seed_lines(), start=1):
        j = line.find(needle)
        while j >= 0:
            if seen == nth:
                return i, j
            seen += 1
            j = line.find(needle, j + 1)
    raise AssertionError(f"{needle} not in seed")


@pytest.fixture(scope="module")
def seed_report():
    return check(SEED, doc_type="speech")


@pytest.mark.parametrize(
    ("needle", "offset", "length", "rule"),
    [
        ("己对市直", 0, 2, "typo.yi-ji"),
        ("加强的党执政能力", 0, 4, "typo.word-order"),
        ("会后,***", 2, 1, "punct.halfwidth"),
        ("会后,***", 3, 3, "placeholder.stars"),
        ("6月28日，**市委", 6, 2, "placeholder.stars"),
        ("我们　镇（区）", 2, 1, "placeholder.blank-name"),
        ("，　 同志代表", 1, 2, "placeholder.blank-name"),
        ("我们　镇（区）", 3, 4, "placeholder.either-or"),
        ("希望 镇（区）", 2, 1, "placeholder.blank-name"),
        ("省委书记***同志", 4, 3, "placeholder.stars"),
    ],
)
def test_seed_slips_found_exactly(seed_report, needle, offset, length, rule):
    line, col = _find(needle)
    want = (line, col + offset, col + offset + length)
    got = {
        (f.location.paragraph, f.location.start, f.location.end)
        for f in seed_report.findings
        if f.rule == rule
    }
    assert want in got
    f = next(
        f
        for f in seed_report.findings
        if f.rule == rule and (f.location.paragraph, f.location.start) == want[:2]
    )
    assert f.match == _seed_lines()[line - 1][want[1] : want[2]]


def test_seed_every_star_placeholder_found(seed_report):
    import re

    expected = {
        (i, m.start(), m.end())
        for i, line in enumerate(_seed_lines(), start=1)
        for m in re.finditer(r"\*{2,}", line)
    }
    got = {
        (f.location.paragraph, f.location.start, f.location.end)
        for f in seed_report.findings
        if f.rule == "placeholder.stars"
    }
    assert got == expected
    assert len(expected) == 14


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """The shipped templates rendered for three demo towns: {(town, doc): (path, profile)}."""
    from speechkit.engine import Template
    from speechkit.profiles import load_profile

    out = tmp_path_factory.mktemp("rendered")
    docs = {}
    templates = {name: Template(TEMPLATES / f"{name}.docx") for name in DOCS}
    for town in TOWNS:
        profile = load_profile(PROFILES / "towns" / f"{town}.yaml")
        for name, template in templates.items():
            path = out / f"{town}-{name}.docx"
            template.save(profile.context(), path)
            docs[(town, name)] = (path, profile)
    return docs


@pytest.mark.parametrize("town", TOWNS)
@pytest.mark.parametrize("name", DOCS)
def test_rendered_demo_documents_check_clean(rendered, town, name):
    path, profile = rendered[(town, name)]
    report = check(path, profile=profile)
    errors = [(f.rule, f.match, f.location) for f in report.findings if f.severity == "error"]
    assert errors == []
    assert report.doc_type in ("speech", "plan", "form")


def test_rendered_speech_against_another_towns_profile(rendered):
    from speechkit.profiles import load_profile

    path, _ = rendered[("donghu", "动员讲话")]
    other = load_profile(PROFILES / "towns" / "xishan.yaml")
    report = check(path, profile=other)
    rules = {f.rule for f in report.findings}
    assert {"consistency.town-name", "consistency.town-members", "consistency.doc-date"} <= rules
    f = next(f for f in report.findings if f.rule == "consistency.town-members")
    assert "612" in f.message and str(other.data["party"]["members"]) in f.message
    assert "xishan.yaml:" in f.message


# (paragraph, snippet, rule, offset of the match in the snippet, match)
INJECTIONS = [
    (8, "要求***同志", "placeholder.stars", 2, "***"),
    (9, "认真布署工作", "typo.common", 2, "布署"),
    (10, "工作己经展开", "typo.yi-ji", 2, "己经"),
    (11, "贯彻党的16大精神", "forbidden.congress-numerals", 2, "党的16大"),
    (12, "学习三个代表思想", "required.three-represents", 2, "三个代表思想"),
    (13, "会后,要求", "punct.halfwidth", 2, ","),
    (14, '完成好"规定动作"任务', "punct.straight-quotes", 3, '"规定动作"'),
    (17, "于24年7月召开", "number.two-digit-year", 1, "24年"),
    (18, "于2024年07月召开", "number.zero-padded", 6, "07月"),
    (19, "党员６１２名", "number.fullwidth-digits", 2, "６１２"),
    (20, "我们的的工作", "typo.doubled", 2, "的的"),
    (21, "下发了《通知", "punct.unbalanced", 3, "《"),
]


def _inject(src: Path, dest: Path, edits: dict[tuple[str, int], tuple[int, str]]) -> None:
    """Insert text into paragraphs (part, index) at a character offset, inside the run there."""
    from lxml import etree

    from speechkit.docx.package import open_docx

    zin = zipfile.ZipFile(src)
    files = dx.checked_parts(open_docx(src))
    for part, index, p, _address in dx.iter_part_paragraphs(files):
        if (part, index) not in edits:
            continue
        offset, text = edits[(part, index)]
        pos = 0
        for r in dx.paragraph_runs(p):
            for t in r:
                n = dx.run_piece_length(t)
                if t.tag == dx.W_T and pos <= offset <= pos + n:
                    k = offset - pos
                    t.text = t.text[:k] + text + t.text[k:]
                    break
                pos += n
            else:
                continue
            break
        else:
            raise AssertionError(f"offset {offset} not in {part} {index}")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        roots = {pf.name: pf.root for pf in files}
        for info in zin.infolist():
            if info.filename in roots:
                zout.writestr(
                    info.filename,
                    etree.tostring(
                        roots[info.filename],
                        xml_declaration=True,
                        encoding="UTF-8",
                        standalone=True,
                    ),
                )
            else:
                zout.writestr(info, zin.read(info.filename))
    dest.write_bytes(buf.getvalue())


@pytest.fixture(scope="module")
def injected(rendered, tmp_path_factory):
    from speechkit.check.sources import read_document

    path, profile = rendered[("donghu", "动员讲话")]
    blocks = {(b.part, b.index): b.text for b in read_document(path).blocks}
    edits, expected = {}, []
    for para, snippet, rule, rel, match in INJECTIONS:
        text = blocks[("body", para)]
        offset = text.index("，") + 1
        edits[("body", para)] = (offset, snippet)
        expected.append((rule, "body", para, offset + rel, offset + rel + len(match), match))
    # a consistency slip: the town's member count changed in the text
    para = next(i for (part, i), t in blocks.items() if part == "body" and "612名党员" in t)
    assert para not in {p for p, *_ in INJECTIONS}
    k = blocks[("body", para)].index("612名党员")
    edits[("body", para)] = (k, "5")  # 612 -> 5612
    expected.append(("consistency.town-members", "body", para, k, k + 4, "5612"))
    # a placeholder in the footer
    edits[("footer", 1)] = (0, "××镇")
    expected.append(("placeholder.crosses", "footer", 1, 0, 2, "××"))
    dest = tmp_path_factory.mktemp("inj") / "东湖镇-动员讲话.docx"
    _inject(path, dest, edits)
    return dest, profile, expected


def test_every_injected_error_found_at_its_place(injected):
    path, profile, expected = injected
    report = check(path, profile=profile)
    got = {
        (f.rule, f.location.part, f.location.paragraph, f.location.start, f.location.end, f.match)
        for f in report.findings
    }
    missing = [e for e in expected if e not in got]
    assert missing == []


def test_no_error_beyond_the_injected_ones(injected):
    path, profile, expected = injected
    report = check(path, profile=profile)
    places = {(e[1], e[2]) for e in expected}
    extra = [
        (f.rule, f.location, f.match)
        for f in report.findings
        if f.severity == "error" and (f.location.part, f.location.paragraph) not in places
    ]
    assert extra == []


def test_injected_copy_keeps_the_template_untouched(rendered):
    path, _ = rendered[("donghu", "动员讲话")]
    before = path.read_bytes()
    shutil.copy(path, path.with_suffix(".bak"))
    check(path)
    assert path.read_bytes() == before


def test_missing_required_sections_reported(rendered):
    from speechkit.check import check_text
    from speechkit.check.sources import read_document

    path, profile = rendered[("donghu", "实施方案")]
    text = "\n".join(b.text for b in read_document(path).blocks if b.part == "body")
    assert check_text(text, doc_type="plan", profile=profile).findings == []
    cut = text.replace("五、组织领导", "五、工作力量").replace("组织领导", "领导")
    report = check_text(cut, doc_type="plan", profile=profile)
    assert [
        (f.rule, f.location.paragraph, f.location.start, f.location.end) for f in report.findings
    ] == [("required.plan.leadership", 1, 0, 0)]
    assert report.findings[0].suggestion == "组织领导"
