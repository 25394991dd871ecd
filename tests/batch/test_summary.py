"""The summary table: one row per town and document, counts, reasons, findings."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from speechkit.batch.model import BatchResult, ItemResult
from speechkit.batch.summary import render_summary, summary_rows


def result() -> BatchResult:
    items = [
        ItemResult(
            "东湖镇",
            "donghu",
            "党性分析评议表",
            "东湖镇/党性分析评议表/甲.docx",
            "generated",
            member="甲",
            findings=2,
        ),
        ItemResult(
            "东湖镇",
            "donghu",
            "党性分析评议表",
            "东湖镇/党性分析评议表/乙.docx",
            "skipped",
            "已被修改",
            member="乙",
            findings=1,
        ),
        ItemResult("东湖镇", "donghu", "名册", "", "failed", "a.csv:第3行:姓名列 姓名为空"),
        ItemResult("西山镇", "xishan", "动员讲话", "西山镇/动员讲话.docx", "unchanged"),
        ItemResult(
            "东湖镇", "donghu", "动员讲话", "东湖镇/动员讲话.docx", "failed", "第一行\n第二行"
        ),
    ]
    return BatchResult(out=Path("out"), items=items, elapsed=1.25, jobs=2)


def test_rows_group_by_town_then_document() -> None:
    rows = summary_rows(result())
    assert [(r.town, r.document) for r in rows] == [
        ("东湖镇", "党性分析评议表"),
        ("东湖镇", "名册"),
        ("东湖镇", "动员讲话"),
        ("西山镇", "动员讲话"),
    ]
    forms = rows[0]
    assert forms.counts == {"generated": 1, "unchanged": 0, "skipped": 1, "failed": 0}
    assert forms.findings == 3 and forms.reasons == ["乙：已被修改"]


def test_rendered_summary_has_counts_reasons_and_totals() -> None:
    console = Console(width=120, record=True)
    render_summary(result(), console)
    text = console.export_text()
    assert "批量生成汇总" in text and "检查发现" in text
    assert "东湖镇 · 名册：" in text and "a.csv:第3行:姓名列 姓名为空" in text
    assert "  - 东湖镇/动员讲话.docx：第一行\n    第二行" in text
    assert (
        "共 5 项：已生成 1，未变化 1，已跳过 1，失败 2；用时 1.2 秒，2 个进程。检查发现 3 处。"
        in text
    )


def test_names_are_printed_as_written_never_as_markup() -> None:
    items = [
        ItemResult("[/]镇", "a", "讲话", "a/讲话.docx", "generated"),
        ItemResult("[link=https://example.com]点我[/link]", "b", "讲话", "", "failed", "[b]原因"),
    ]
    console = Console(width=160, record=True)
    render_summary(BatchResult(out=Path("out"), items=items), console)
    text = console.export_text()
    assert "[/]镇" in text and "[link=https://example.com]点我[/link]" in text
    assert "[b]原因" in text
    assert "href" not in console.export_html()  # no link was made


def test_counts_come_from_the_tally_when_items_are_not_all_listed() -> None:
    result = BatchResult(out=Path("out"), keep=1)
    for i in range(5):
        result.add(ItemResult("东湖镇", "donghu", "表", f"东湖镇/表/{i}.docx", "generated"))
    result.add(ItemResult("东湖镇", "donghu", "表", "东湖镇/表/x.docx", "failed", "坏"))
    assert len(result.items) == 2 and result.dropped == 4
    assert result.count("generated") == 5 and result.count("failed") == 1
    rows = summary_rows(result)
    assert rows[0].counts["generated"] == 5 and rows[0].reasons == ["东湖镇/表/x.docx：坏"]
