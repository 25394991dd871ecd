"""Data passed in and out of a batch run: options, progress events, per-output results."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from speechkit.errors import Problem

# Status of one planned output. Chinese labels are what users see.
GENERATED = "generated"
UNCHANGED = "unchanged"
SKIPPED = "skipped"
FAILED = "failed"
# not an output's status: a note in ``BatchResult.warnings`` (a roster field left blank)
WARNING = "warning"

STATUS_LABELS = {
    GENERATED: "已生成",
    UNCHANGED: "未变化",
    SKIPPED: "已跳过",
    FAILED: "失败",
    WARNING: "警告",
}


@dataclass
class BatchOptions:
    """What to generate and how; every field has the CLI's default.

    ``towns`` are profile slugs (file stems under ``profiles/towns``), ``templates`` are template
    names (file stems, ``.docx`` optional); empty means all. ``jobs`` ``None`` means the CPU
    count; 1 renders in the calling process. ``now`` fixes the timestamp used for the names of
    kept edited files (tests). ``keep_items`` bounds how many generated/unchanged items
    ``BatchResult.items`` keeps (memory stays flat at a million forms; counts stay exact);
    with ``merge``, ``check``, ``report`` or ``pdf`` every item is kept. ``zip`` writes each
    town's per-member forms into one ``<template>.zip`` instead of one file each.
    """

    profiles: Path = Path("profiles")
    templates_dir: Path = Path("templates")
    out: Path = Path("output")
    towns: tuple[str, ...] = ()
    templates: tuple[str, ...] = ()
    jobs: int | None = None
    force: bool = False
    check: bool = False
    report: Path | None = None
    merge: bool = False
    pdf: bool = False
    now: dt.datetime | None = None
    keep_items: int = 20_000
    zip: bool = False


@dataclass(frozen=True)
class ProgressEvent:
    """One progress tick: ``done`` of ``total`` items of ``phase`` finished, ``current`` the last.

    ``phase`` is one of ``plan`` (town profiles and rosters read), ``render`` (documents and
    forms), ``merge``, ``check``, ``pdf``.
    ``status`` is the finished item's status (``generated``/``unchanged``/``skipped``/``failed``)
    or ``""`` for phases without one. ``town`` and ``reason`` are the finished item's town
    name and, for a failure, its message (the web page stops a run whose template went past
    a resource limit).
    """

    phase: str
    done: int
    total: int
    current: str = ""
    status: str = ""
    town: str = ""
    reason: str = ""


ProgressCallback = Callable[[ProgressEvent], None]


@dataclass
class ItemResult:
    """What happened to one planned output (or to one input that could not be planned).

    ``output`` is the path relative to ``--out`` using ``/`` (``东湖镇/动员讲话.docx``);
    empty for problems that have no output (a broken roster row). ``document`` is the template
    name (``党性分析评议表`` for each form); ``member`` the roster name for forms. ``kept`` is the
    relative path an edited file was moved to under ``--force``. ``findings`` counts check
    findings (None when not checked).
    """

    town: str
    town_slug: str
    document: str
    output: str
    status: str
    reason: str = ""
    member: str = ""
    kept: str = ""
    findings: int | None = None
    findings_by_severity: dict[str, int] = field(default_factory=dict)


@dataclass
class BatchResult:
    """The outcome of :func:`speechkit.batch.run_batch`.

    ``items`` lists every planned output plus every failure that has no output (a roster row,
    a town whose profile does not load), in plan order; past ``BatchOptions.keep_items``
    generated and unchanged items are only counted (``tally``; ``dropped`` says how many are
    not listed), failed and skipped ones are always listed. ``warnings`` are notes that fail nothing (status
    ``warning``: a roster column or a row's last fields missing, left blank). ``reports`` are the check's ``FileReport`` objects
    (``--check``), ``report_path`` the HTML report written (``--report``).
    """

    out: Path
    items: list[ItemResult] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[ItemResult] = field(default_factory=list)
    reports: list[Any] = field(default_factory=list)
    report_path: Path | None = None
    elapsed: float = 0.0
    jobs: int = 1
    tally: dict[tuple[str, str], dict[str, int]] = field(default_factory=dict)
    dropped: int = 0
    keep: int | None = None

    def add(self, item: ItemResult, order: int = 0) -> None:
        """Count ``item`` under its town and document; list it unless the list is full."""
        counts = self.tally.setdefault((item.town, item.document), {})
        counts[item.status] = counts.get(item.status, 0) + 1
        if (
            self.keep is not None
            and item.status in (GENERATED, UNCHANGED)
            and not item.kept
            and self._listed >= self.keep
        ):
            self.dropped += 1
            return
        if item.status in (GENERATED, UNCHANGED):
            self._listed += 1
        self.items.append(item)
        self._order.append(order)

    def sort(self) -> None:
        """Put the listed items back in plan order (they are added as they finish)."""
        if len(self._order) == len(self.items):
            ranked = sorted(range(len(self.items)), key=self._order.__getitem__)
            self.items = [self.items[i] for i in ranked]
            self._order = [self._order[i] for i in ranked]

    def __post_init__(self) -> None:
        self._listed = 0
        self._order: list[int] = []

    def count(self, status: str) -> int:
        """Number of items with ``status`` (listed or only counted)."""
        if not self.tally:
            return sum(1 for item in self.items if item.status == status)
        return sum(counts.get(status, 0) for counts in self.tally.values())

    @property
    def failed(self) -> bool:
        """True when anything failed (the CLI then exits 1)."""
        return any(item.status == FAILED for item in self.items)

    @property
    def exit_code(self) -> int:
        """0 when nothing failed, else 1."""
        return 1 if self.failed else 0
