"""The end-of-run summary: one row per town × document, with counts, reasons and findings."""

from __future__ import annotations

from dataclasses import dataclass, field

from speechkit.batch.model import FAILED, GENERATED, SKIPPED, UNCHANGED, BatchResult


@dataclass
class SummaryRow:
    """Counts for one town and document (all forms of a town share one row)."""

    town: str
    document: str
    counts: dict[str, int] = field(
        default_factory=lambda: {GENERATED: 0, UNCHANGED: 0, SKIPPED: 0, FAILED: 0}
    )
    findings: int | None = None
    reasons: list[str] = field(default_factory=list)


def summary_rows(result: BatchResult) -> list[SummaryRow]:
    """Group a run's items by town and document, keeping the run's order; counts come from
    the result's tally (exact even when not every item is listed)."""
    rows: dict[tuple[str, str], SummaryRow] = {}
    for item in result.items:
        key = (item.town, item.document)
        row = rows.get(key)
        if row is None:
            row = rows[key] = SummaryRow(item.town, item.document)
        if not result.tally and item.status in row.counts:
            row.counts[item.status] += 1
        if item.findings is not None:
            row.findings = (row.findings or 0) + item.findings
        if (item.reason and item.status in (FAILED, SKIPPED)) or item.kept:
            where = item.member or item.output or ""
            row.reasons.append(f"{where}：{item.reason}" if where else item.reason)
    for (town, document), counts in result.tally.items():
        row = rows.get((town, document))
        if row is None:
            row = rows[(town, document)] = SummaryRow(town, document)
        for status in row.counts:
            row.counts[status] = counts.get(status, 0)
    order = {town: i for i, town in enumerate(dict.fromkeys(r.town for r in rows.values()))}
    return sorted(rows.values(), key=lambda r: order[r.town])  # stable: documents keep order


def totals(result: BatchResult) -> dict[str, int]:
    """Counts of every status over the whole run."""
    return {s: result.count(s) for s in (GENERATED, UNCHANGED, SKIPPED, FAILED)}


def render_summary(result: BatchResult, console, max_reasons: int = 5) -> None:
    """Print the summary table, the reasons for skipped/failed outputs and the warnings."""
    from rich.table import Table
    from rich.text import Text

    checked = any(item.findings is not None for item in result.items)
    table = Table(title="批量生成汇总", show_lines=False)
    table.add_column("乡镇")
    table.add_column("文档")
    for label in ("已生成", "未变化", "已跳过", "失败"):
        table.add_column(label, justify="right")
    if checked:
        table.add_column("检查发现", justify="right")
    rows = summary_rows(result)
    for row in rows:
        cells = [row.town, row.document] + [
            str(row.counts[s]) for s in (GENERATED, UNCHANGED, SKIPPED, FAILED)
        ]
        if checked:
            cells.append("" if row.findings is None else str(row.findings))
        style = "red" if row.counts[FAILED] else ("yellow" if row.counts[SKIPPED] else None)
        table.add_row(*(Text(cell) for cell in cells), style=style)  # names are not markup
    console.print(table)
    for row in rows:
        if not row.reasons:
            continue
        console.print(f"{row.town} · {row.document}：", markup=False)
        for reason in row.reasons[:max_reasons]:
            text = reason.replace("\n", "\n    ")
            console.print(f"  - {text}", markup=False, highlight=False, soft_wrap=True)
        if len(row.reasons) > max_reasons:
            console.print(f"  …… 另有 {len(row.reasons) - max_reasons} 条", markup=False)
    if result.warnings:
        console.print("警告（不算失败，不影响退出码）：", markup=False)
        for item in result.warnings[: max_reasons * 2]:
            text = f"{item.town} · {item.document}：{item.reason}".replace("\n", "\n    ")
            console.print(f"  - {text}", markup=False, highlight=False, soft_wrap=True)
        if len(result.warnings) > max_reasons * 2:
            console.print(f"  …… 另有 {len(result.warnings) - max_reasons * 2} 条", markup=False)
    t = totals(result)
    line = (
        f"共 {sum(t.values())} 项：已生成 {t[GENERATED]}，未变化 {t[UNCHANGED]}，"
        f"已跳过 {t[SKIPPED]}，失败 {t[FAILED]}；用时 {result.elapsed:.1f} 秒，{result.jobs} 个进程。"
    )
    if result.warnings:
        line += f"警告 {len(result.warnings)} 条。"
    if checked:
        found = sum(item.findings or 0 for item in result.items)
        line += f"检查发现 {found} 处。"
    if result.report_path is not None:
        line += f"报告：{result.report_path}"
    console.print(line, markup=False, highlight=False, soft_wrap=True)
