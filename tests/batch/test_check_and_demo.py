"""--check/--report on produced documents, and the shipped templates with the demo profiles."""

from __future__ import annotations

from pathlib import Path

from batch_helpers import assert_consistent, options
from tests.conftest import PROFILES, TEMPLATES

from speechkit.batch import BatchOptions, run_batch


def test_check_reports_every_document_with_a_label_and_html(workspace: Path) -> None:
    report = workspace / "report.html"
    result = run_batch(
        options(
            workspace,
            towns=("donghu",),
            jobs=1,
            check=True,
            report=report,
        )
    )
    outputs = [i for i in result.items if i.output]
    assert len(result.reports) == len(outputs) == 5
    assert all(i.findings is not None for i in outputs)
    labels = {r.label for r in result.reports}
    assert "东湖镇 / 讲话" in labels and "东湖镇 / 党性分析评议表 / 王芳" in labels
    assert {r.doc_type for r in result.reports} == {"speech", "form"}
    html = report.read_text("utf-8")
    assert "批量生成检查报告" in html and "东湖镇 / 党性分析评议表 / 王芳" in html
    assert result.report_path == report


def test_shipped_templates_fill_forms_from_the_demo_roster(tmp_path: Path) -> None:
    from docx import Document

    out = tmp_path / "out"
    result = run_batch(
        BatchOptions(
            profiles=PROFILES,
            templates_dir=TEMPLATES,
            out=out,
            towns=("donghu", "xishan", "baiyang"),
            jobs=2,
        )
    )
    assert result.exit_code == 0, [i.reason for i in result.items if i.reason]
    rels = {i.output for i in result.items}
    for town in ("东湖镇", "西山镇", "白杨镇"):
        assert f"{town}/动员讲话.docx" in rels and f"{town}/实施方案.docx" in rels
    assert "白杨镇/党性分析评议表.docx" in rels  # no roster: one blank form
    assert sum(r.startswith("东湖镇/党性分析评议表/") for r in rels) == 12
    assert sum(r.startswith("西山镇/党性分析评议表/") for r in rels) == 7
    form = Document(str(out / "东湖镇/党性分析评议表/刘假名（湖滨村党支部）.docx"))
    cells = [c.text for t in form.tables for row in t.rows for c in row.cells]
    assert "刘假名" in cells and "女" in cells and "湖滨村党支部" in cells
    assert "1984年1月" in cells and "2008年6月" in cells
    speech = "\n".join(p.text for p in Document(str(out / "西山镇/动员讲话.docx")).paragraphs)
    assert "西山镇" in speech and "{{" not in speech
    assert_consistent(out)
