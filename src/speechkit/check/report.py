"""Reporters: plain text (terminal), JSON (fixed shape), self-contained HTML, annotated Word."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path

from speechkit.check.model import (
    CATEGORY_NAMES,
    SEVERITIES,
    SEVERITY_NAMES,
    FileReport,
    Finding,
)
from speechkit.check.names import finding_name
from speechkit.check.tally import by_category, summary
from speechkit.errors import PART_NAMES, display_path

_SNIPPET_CONTEXT = 18
_COLORS = {"error": "red", "warning": "yellow", "info": "cyan"}


def place(report: FileReport, f: Finding) -> str:
    """``文件:行:列`` for text files; ``文件 页眉2 第1段 第3字`` (the paragraph's address, as
    every command prints it) for Word documents."""
    loc = f.location
    if loc.address is not None:
        return f"{_shown(report)} {loc.address} 第{loc.start + 1}字"
    part = "" if loc.part == "body" else f"{PART_NAMES.get(loc.part, loc.part)}:"
    return f"{_shown(report)}:{part}{loc.paragraph}:{loc.start + 1}"


def _shown(report: FileReport) -> str:
    return display_path(report.path) if report.path else "文本"


def _visible(s: str) -> str:
    return s.replace("\u3000", "␣").replace(" ", "␣").replace("\t", "⇥") or "∅"


def snippet(report: FileReport, f: Finding, color: bool = False) -> str:
    """The paragraph around the finding with the match marked (colour on a terminal)."""
    block = report.block(f.location.part, f.location.paragraph)
    if block is None:
        return ""
    text, s, e = block.text, f.location.start, f.location.end
    a, b = max(0, s - _SNIPPET_CONTEXT), min(len(text), e + _SNIPPET_CONTEXT)
    before, match, after = text[a:s], _visible(text[s:e]) if e > s else "", text[e:b]
    if a > 0:
        before = "…" + before
    if b < len(text):
        after += "…"
    if color:
        import click

        mark = click.style(match or "▏", fg=_COLORS[f.severity], bold=True, underline=True)
    else:
        mark = f"〖{match}〗"
    return (before + mark + after).replace("\n", " ")


def to_text(reports: Sequence[FileReport], *, color: bool = False, snippets: bool = True) -> str:
    """Findings grouped by file as ``文件:段:列 [级别] 规则名 说明〔规则编号〕``, snippets, then a
    summary (the id stays on the line for ``--ignore``)."""
    lines: list[str] = []
    for r in reports:
        head = _shown(r) + (f"（{r.label}）" if r.label else "")
        counts = r.counts()
        lines.append(f"{head}：" + ("没有发现问题" if not r.findings else _count_text(counts)))
        for f in r.findings:
            level = SEVERITY_NAMES[f.severity]
            if color:
                import click

                level = click.style(level, fg=_COLORS[f.severity], bold=True)
            hint = (
                f"（建议：{f.suggestion}）"
                if f.suggestion and f.suggestion not in f.message
                else ""
            )
            name = finding_name(f)
            lines.append(f"{place(r, f)} [{level}] {name} {f.message}{hint}〔{f.rule}〕")
            if snippets:
                snip = snippet(r, f, color)
                if snip:
                    lines.append(f"    {snip}")
        if r.coverage is not None:
            lines.append("  必备提法：")
            if r.doc_type is None:
                from speechkit.check.keywords import unknown_type_note

                lines.append(f"    {unknown_type_note(r.coverage)}")
            for rid, label, present in r.coverage:
                lines.append(f"    {'✓' if present else '✗'} {label}（{rid}）")
        if r.keywords:
            lines.append("  关键词：" + "、".join(w for w, _ in r.keywords))
        lines.append("")
    total = summary(reports)
    lines.append(f"共检查 {total['files']} 个文件：{_count_text(total)}")
    cats = by_category(reports)
    if cats:
        parts = []
        for cat, row in cats.items():
            n = sum(row.values())
            detail = "，".join(f"{SEVERITY_NAMES[s]}{row[s]}" for s in SEVERITIES if row[s])
            parts.append(f"{CATEGORY_NAMES.get(cat, cat)} {n}（{detail}）")
        lines.append("按类别：" + "；".join(parts))
    return "\n".join(lines) + "\n"


def _count_text(counts: dict) -> str:
    return "，".join(f"{SEVERITY_NAMES[s]} {counts[s]}" for s in SEVERITIES)


def to_dict(reports: Sequence[FileReport], *, extras: bool = False) -> dict:
    """The JSON document as a dict (issue 5's exact shape; ``extras`` adds keywords/coverage)."""
    files = []
    for r in reports:
        entry = {"path": r.path, "findings": [f.to_dict() for f in r.findings]}
        if extras and r.keywords is not None:
            entry["keywords"] = [{"word": w, "weight": s} for w, s in r.keywords]
        if extras and r.coverage is not None:
            entry["doc_type"] = r.doc_type
            entry["coverage"] = [
                {"rule": rid, "formulation": label, "present": present}
                for rid, label, present in r.coverage
            ]
        files.append(entry)
    return {"version": 1, "files": files, "summary": summary(reports)}


def to_json(reports: Sequence[FileReport], *, extras: bool = False, indent: int | None = 2) -> str:
    """``{"version": 1, "files": [...], "summary": {...}}`` as text (UTF-8, not escaped)."""
    return json.dumps(to_dict(reports, extras=extras), ensure_ascii=False, indent=indent) + "\n"


def to_html(reports: Sequence[FileReport], title: str = "规范表述检查报告") -> str:
    """One self-contained HTML page: summary table, severity filter, each document's text with
    its findings highlighted in place and listed. No network assets."""
    from speechkit.check.htmlreport import render

    return render(list(reports), title)


def annotate_docx(src: str | Path, findings: Iterable[Finding], out: str | Path) -> Path:
    """Write a copy of ``src`` with a Word comment (author "speechkit") on each finding,
    anchored on exactly the matched characters; ``src`` is not modified. Returns ``out``."""
    from speechkit.check.annotate import annotate

    return annotate(src, list(findings), out)
