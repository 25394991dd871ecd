"""Planted-slip corpus: texts written here in the register of 2005–2025 讲话、方案、对照检查材料,
with slips of every kind planted as ``⟦wrong|right|category⟧``. The clean version (every slip
put right) must raise at most one false error per 10,000 characters; the slips must be found
at ≥ 90% overall and ≥ 75% in each category. Run with ``-s`` to see the figures."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from speechkit.check import check_text

CORPUS = Path(__file__).resolve().parent / "corpus"
_SLIP = re.compile(r"⟦([^|⟧]*)\|([^|⟧]*)\|([a-z]+)⟧")
CATEGORIES = {
    "idiom": "成语、固定短语近音近形误写",
    "doubled": "字词重复",
    "yiji": "己、已、巳",
    "term": "音近的规范用语",
    "formulation": "规范表述错一字",
    "placeholder": "占位符",
    "punct": "标点",
    "number": "数字",
}


@dataclass(frozen=True)
class Slip:
    """One planted slip: where it is in the dirty text and what it should be."""

    doc: str
    line: int
    start: int
    end: int
    wrong: str
    right: str
    category: str


def parse(path: Path) -> tuple[str, str, list[Slip]]:
    """(dirty text, clean text, slips) of one corpus file."""
    dirty_lines, clean_lines, slips = [], [], []
    for n, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        dirty, clean, pos = [], [], 0
        col = 0
        for m in _SLIP.finditer(line):
            plain = line[pos : m.start()]
            dirty.append(plain)
            clean.append(plain)
            col += len(plain)
            wrong, right, cat = m.groups()
            assert cat in CATEGORIES, f"{path.name}:{n}: unknown category {cat}"
            assert wrong, f"{path.name}:{n}: empty slip"
            slips.append(Slip(path.name, n, col, col + len(wrong), wrong, right, cat))
            dirty.append(wrong)
            clean.append(right)
            col += len(wrong)
            pos = m.end()
        dirty.append(line[pos:])
        clean.append(line[pos:])
        dirty_lines.append("".join(dirty))
        clean_lines.append("".join(clean))
    return "\n".join(dirty_lines), "\n".join(clean_lines), slips


def _files() -> list[Path]:
    return sorted(CORPUS.glob("*.txt"))


@pytest.fixture(scope="module")
def scored():
    found_by_cat: Counter = Counter()
    total_by_cat: Counter = Counter()
    missed: list[Slip] = []
    false_errors, false_warnings, chars = [], [], 0
    for path in _files():
        dirty, clean, slips = parse(path)
        report = check_text(dirty, name="语料")
        for slip in slips:
            total_by_cat[slip.category] += 1
            hit = any(
                f.location.paragraph == slip.line
                and f.location.start < slip.end
                and slip.start < f.location.end
                for f in report.findings
            )
            if hit:
                found_by_cat[slip.category] += 1
            else:
                missed.append(slip)
        chars += len(clean.replace("\n", ""))
        for f in check_text(clean, name="语料").findings:
            entry = (path.name, f.location.paragraph, f.rule, f.match)
            (false_errors if f.severity == "error" else false_warnings).append(entry)
    return found_by_cat, total_by_cat, missed, false_errors, false_warnings, chars


def test_corpus_size():
    slips = [s for p in _files() for s in parse(p)[2]]
    chars = sum(len(parse(p)[1].replace("\n", "")) for p in _files())
    assert chars >= 20_000, chars
    assert len(slips) >= 150, len(slips)
    assert {s.category for s in slips} == set(CATEGORIES)
    for p in _files():
        dirty, clean, slips = parse(p)
        assert "⟦" not in dirty and "⟦" not in clean, p.name


def test_planted_slips_found_and_clean_text_clean(scored):
    found, total, missed, false_errors, false_warnings, chars = scored
    print(f"\n语料：{len(_files())} 篇，{chars} 字（不含换行），预埋差错 {sum(total.values())} 处")
    for cat, name in CATEGORIES.items():
        print(f"  {name:<16} {found[cat]:>3}/{total[cat]:<3} 召回 {found[cat] / total[cat]:.0%}")
    overall = sum(found.values()) / sum(total.values())
    per10k_e = len(false_errors) * 10_000 / chars
    per10k_w = len(false_warnings) * 10_000 / chars
    print(f"  合计召回 {overall:.1%}")
    print(f"  干净文本误报：错误 {len(false_errors)} 处（每万字 {per10k_e:.2f}），")
    print(f"               警告及提示 {len(false_warnings)} 处（每万字 {per10k_w:.2f}）")
    for s in missed:
        print(f"  漏报 {s.doc}:{s.line} [{s.category}] {s.wrong} → {s.right}")
    for entry in false_errors + false_warnings:
        print("  误报", *entry)
    assert overall >= 0.90
    for cat in CATEGORIES:
        assert found[cat] / total[cat] >= 0.75, cat
    assert per10k_e <= 1.0
