"""The self-contained HTML report (inline CSS and a few lines of JS, no network assets).

The page is the Jinja template ``check/templates/report.html`` (autoescaped); this module only
prepares the data it shows: totals, the findings table and each paragraph cut into segments,
each segment under the findings that cover it (the web check page shows the same report).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from speechkit.check.model import (
    CATEGORY_NAMES,
    PARTS,
    SEVERITIES,
    SEVERITY_NAMES,
    SEVERITY_RANK,
    Block,
    FileReport,
    Finding,
)
from speechkit.check.names import finding_name
from speechkit.check.tally import by_category, summary
from speechkit.errors import PART_NAMES, display_path

_TEMPLATE = Path(__file__).with_name("templates") / "report.html"


@cache
def _template():
    from jinja2 import Environment, FileSystemLoader

    env = Environment(autoescape=True, loader=FileSystemLoader(_TEMPLATE.parent))
    return env.get_template(_TEMPLATE.name)


def render(reports: list[FileReport], title: str) -> str:
    """The whole page."""
    total = summary(reports)
    return _template().render(
        title=title,
        severities=SEVERITIES,
        severity_names=SEVERITY_NAMES,
        total=total,
        grand_total=sum(total[s] for s in SEVERITIES),
        categories=[(CATEGORY_NAMES.get(c, c), row) for c, row in by_category(reports).items()],
        docs=[_document(i, r) for i, r in enumerate(reports)],
    )


def _name(r: FileReport) -> str:
    return r.label or (display_path(r.path) if r.path else "文本")


def where(report: FileReport, f: Finding) -> str:
    """The finding's place as the report's table shows it."""
    loc = f.location
    if report.path.lower().endswith((".txt", ".md")):
        return f"第{loc.paragraph}行 第{loc.start + 1}字"
    if loc.address is not None:
        return f"{loc.address} 第{loc.start + 1}字"
    return f"{PART_NAMES.get(loc.part, loc.part)} 第{loc.paragraph}段 第{loc.start + 1}字"


def _document(i: int, r: FileReport) -> dict:
    ids = {id(f): f"d{i}f{k}" for k, f in enumerate(r.findings)}
    note = None
    if r.coverage is not None and r.doc_type is None:
        from speechkit.check.keywords import unknown_type_note

        note = unknown_type_note(r.coverage)
    return {
        "index": i,
        "name": _name(r),
        "path_shown": display_path(r.path) if r.label and r.path else None,
        "counts": r.counts(),
        "findings": [
            {"f": f, "id": ids[id(f)], "where": where(r, f), "name": finding_name(f)}
            for f in r.findings
        ],
        "coverage": r.coverage,
        "coverage_note": note,
        "keywords": [w for w, _ in r.keywords or []],
        "lines": _lines(r, ids),
    }


def _lines(r: FileReport, ids: dict[int, str]) -> list[dict]:
    """The document's text: a heading per part, then each paragraph's label and segments."""
    by_block: dict[tuple[str, int], list[Finding]] = {}
    for f in r.findings:
        by_block.setdefault((f.location.part, f.location.paragraph), []).append(f)
    out: list[dict] = []
    current = None
    for b in sorted(
        r.blocks, key=lambda b: (PARTS.index(b.part) if b.part in PARTS else 9, b.index)
    ):
        found = by_block.get((b.part, b.index), [])
        if not b.text.strip() and not found:
            continue
        heading, label = _labels(b)
        if heading != current:
            current = heading
            out.append({"part": heading})
        out.append({"label": label, "pieces": _segments(b.text, found, ids)})
    return out


def _labels(b: Block) -> tuple[str, str]:
    """(part heading, paragraph label) of a block: ``页眉2`` and ``第1段`` for a .docx."""
    if b.address is None:
        return PART_NAMES.get(b.part, b.part), str(b.index)
    text = str(b.address)
    head = b.address.part_label
    return head, text[len(head) :].strip()


def _segments(text: str, findings: list[Finding], ids: dict[int, str]) -> list[dict]:
    """``text`` cut at every finding's ends: each piece is a point finding (``gap``) or a
    segment with the findings covering it (``marks``, least severe first, the first piece of
    each finding carrying its anchor id)."""
    if not findings:
        return [{"text": text, "marks": []}]
    cuts = {0, len(text)}
    for f in findings:
        cuts.update((f.location.start, f.location.end))
    cuts = sorted(c for c in cuts if 0 <= c <= len(text))
    first_seen: set[int] = set()
    pieces: list[dict] = []
    for a, b in zip(cuts, cuts[1:] + [None], strict=False):
        for f in findings:  # empty findings (a missing formulation) sit at a point
            loc = f.location
            if loc.start == loc.end == a and id(f) not in first_seen:
                first_seen.add(id(f))
                pieces.append({"gap": f, "id": ids[id(f)]})
        if b is None:
            break
        covering = [
            f
            for f in findings
            if f.location.start <= a and b <= f.location.end and f.location.end > f.location.start
        ]
        covering.sort(key=lambda f: SEVERITY_RANK[f.severity])
        marks = []
        for f in covering:
            anchor = None
            if id(f) not in first_seen:
                first_seen.add(id(f))
                anchor = ids[id(f)]
            marks.append({"f": f, "id": anchor})
        pieces.append({"text": text[a:b], "marks": marks})
    return pieces
