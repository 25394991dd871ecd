"""Counting findings: totals per severity and per category, for every reporter."""

from __future__ import annotations

from collections.abc import Sequence

from speechkit.check.model import CATEGORIES, SEVERITIES, FileReport


def summary(reports: Sequence[FileReport]) -> dict:
    """``{"files": n, "error": n, "warning": n, "info": n}``."""
    out = {"files": len(reports)} | dict.fromkeys(SEVERITIES, 0)
    for r in reports:
        for f in r.findings:
            out[f.severity] += f.weight
    return out


def by_category(reports: Sequence[FileReport]) -> dict[str, dict[str, int]]:
    """Counts per category and severity (categories in their fixed order, empty ones left out)."""
    table: dict[str, dict[str, int]] = {}
    for r in reports:
        for f in r.findings:
            row = table.setdefault(f.category, dict.fromkeys(SEVERITIES, 0))
            row[f.severity] += f.weight
    return {c: table[c] for c in CATEGORIES if c in table} | {
        c: v for c, v in table.items() if c not in CATEGORIES
    }
