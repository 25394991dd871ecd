"""Checking time grows linearly with the text, findings are capped, sizes are limited."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from speechkit.check import check, check_text, engine, sources
from speechkit.errors import InputFileError

ROOT = Path(__file__).resolve().parents[2]
DONGHU = ROOT / "profiles" / "towns" / "donghu.yaml"

# Runs of one unit are what quadratic patterns re-scan: digits before 届/个/名, dots before a
# character, template braces, brackets, numerals, and the anchors of the consistency rules.
HOSTILE_UNITS = [
    "1", "0", ".", "{{", "{%", "（", "“", "…", "。", "十", "一", "×", "*", "〇", " ", "　",
    "1届", "届1", "党的1", "全镇1", "第1", "1个", "1名", "月1", "(1", '"中', "，,", "中.",
    "动员会", "督导组组长", "自己", "日，", "党党", "的的", "已已", "[", "_", "¥",
    "以身做则", "习近平新时", "[单击此处", "工作工作", "2024年1", "〔", "z",
]  # fmt: skip


@pytest.fixture(scope="module")
def profile():
    from speechkit.profiles import load_profile

    return load_profile(DONGHU)


@pytest.fixture(scope="module", autouse=True)
def warm(profile):
    check_text("预热", profile=profile)


@pytest.mark.parametrize("unit", HOSTILE_UNITS)
def test_runs_of_one_unit_check_in_linear_time(unit, profile):
    # 40,000 characters: a quadratic rule takes several seconds here, the pack well under one.
    text = unit * (40_000 // len(unit))
    t = time.perf_counter()
    check_text(text, profile=profile)
    took = time.perf_counter() - t
    assert took < 2.5, f"{unit!r}: {took:.2f} s"


def test_a_million_character_line_checks_in_seconds(profile):
    text = ("党的16大以来，工作己经开展（" * 80_000)[:1_000_000]
    t = time.perf_counter()
    report = check_text(text, profile=profile)
    assert time.perf_counter() - t < 30
    assert len(report.findings) <= engine.MAX_PER_DOCUMENT


def test_findings_capped_per_rule_with_a_summary():
    report = check_text("（" * 1000)
    got = [f for f in report.findings if f.rule == "punct.unbalanced"]
    assert len(got) == engine.MAX_PER_RULE + 1
    summary = got[-1]
    assert summary.message.startswith(f"另有 {1000 - engine.MAX_PER_RULE} 处同类问题")
    assert summary.location.start == engine.MAX_PER_RULE  # at the first one left out
    assert [f.location.start for f in got[:-1]] == list(range(engine.MAX_PER_RULE))
    assert report.counts()["warning"] == 1000  # totals still count what was left out


def test_findings_capped_per_document(monkeypatch):
    text = "党的16大，工作己经展开（\n" * 4
    full = len(check_text(text).findings)
    monkeypatch.setattr(engine, "MAX_PER_DOCUMENT", 5)
    report = check_text(text)
    assert len(report.findings) == 5
    last = report.findings[-1]
    assert last.rule == engine.SUMMARY_RULE
    assert last.message.startswith(f"另有 {full - 4} 处问题")


def test_too_long_text_refused_with_a_chinese_message(tmp_path, monkeypatch):
    monkeypatch.setattr(sources, "MAX_CHARS", 100)
    p = tmp_path / "长稿.txt"
    p.write_text("字" * 101, encoding="utf-8")
    with pytest.raises(InputFileError) as exc:
        check(p)
    assert "文档过长" in exc.value.format_message() and "长稿.txt" in exc.value.format_message()
    with pytest.raises(InputFileError, match="文档过长"):
        check_text("字" * 101)
    p.write_text("字" * 100, encoding="utf-8")
    check(p)


def test_too_large_text_file_refused_before_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(sources, "MAX_TEXT_BYTES", 1000)
    p = tmp_path / "大文件.txt"
    p.write_bytes(b"a" * 1001)
    with pytest.raises(InputFileError, match="文件过大"):
        check(p)


def test_too_long_docx_refused(tmp_path, make_docx, monkeypatch):
    monkeypatch.setattr(sources, "MAX_CHARS", 50)
    path = make_docx(tmp_path / "x.docx", body=["字" * 30, "字" * 30])
    with pytest.raises(InputFileError, match="文档过长"):
        check(path)


@pytest.mark.parametrize(
    "encoding", ["utf-16", "utf-16-le", "utf-16-be"]
)  # BOM written by "utf-16"; the other two without one
def test_utf16_text_is_read(tmp_path, encoding):
    text = "同志们：\nThe 党的16大 line\n以经完成"
    p = tmp_path / "稿.txt"
    p.write_bytes(text.encode(encoding))
    doc = sources.read_document(p)
    assert [b.text for b in doc.blocks] == text.split("\n")
    rules = {f.rule for f in check(p).findings}
    assert {"forbidden.congress-numerals", "typo.yi-ji"} <= rules


PACK_RULES = sorted((ROOT / "src" / "speechkit" / "packs").glob("*/rules.yaml"))


@pytest.mark.parametrize("pack", PACK_RULES, ids=lambda p: p.parent.name)
def test_campaign_pack_rules_check_in_linear_time(pack, profile):
    from speechkit.check import load_rules

    rules = load_rules([pack])
    for unit in ["1", ".", "“", "十", "抽调了", "组成了", "市直", "每周", "{{"]:
        text = unit * (40_000 // len(unit))
        t = time.perf_counter()
        check_text(text, profile=profile, rules=rules)
        took = time.perf_counter() - t
        assert took < 2.5, f"{pack.parent.name} {unit!r}: {took:.2f} s"
