"""Checking in a batch: labels tell same-name members apart; unchanged outputs reuse cached results."""

from __future__ import annotations

from pathlib import Path

from batch_helpers import options

from speechkit.batch import run_batch


def test_report_labels_tell_same_name_members_apart(workspace: Path):
    result = run_batch(
        options(
            workspace,
            towns=("donghu",),
            check=True,
            jobs=1,
        )
    )
    labels = [r.label for r in result.reports]
    zhang = [label for label in labels if "张三" in label]
    assert len(zhang) == 2 and len(set(zhang)) == 2, labels
    assert "东湖镇 / 党性分析评议表 / 张三（一支部）" in zhang


def test_unchanged_outputs_reuse_their_check_results(workspace: Path, monkeypatch):
    from docx import Document

    from speechkit.batch import worker
    from speechkit.check.report import to_json

    doc = Document(str(workspace / "templates/讲话.docx"))
    doc.add_paragraph("请填写XXX单位的情况。")
    doc.save(str(workspace / "templates/讲话.docx"))
    opts = options(
        workspace,
        check=True,
        jobs=1,
    )
    first = run_batch(opts)
    speech = [i for i in first.items if i.output == "东湖镇/讲话.docx"][0]
    assert speech.findings_by_severity["error"] == 1  # the XXX placeholder
    before = speech.findings

    def refuse(*args, **kwargs):
        raise AssertionError("an unchanged output was checked again")

    monkeypatch.setattr(worker, "check_chunk", refuse)
    second = run_batch(opts)
    assert to_json(second.reports) == to_json(first.reports)
    assert [(i.output, i.findings) for i in second.items] == [
        (i.output, i.findings) for i in first.items
    ]
    report = [r for r in second.reports if r.label == "东湖镇 / 讲话"][0]
    assert "XXX" in report.blocks[-1].text  # the text is there for the HTML report
    # an output edited by hand is checked again
    monkeypatch.undo()
    edited = workspace / "out/东湖镇/讲话.docx"
    doc = Document(str(edited))
    doc.add_paragraph("共有党员１２３名。")
    doc.save(str(edited))
    third = run_batch(opts)
    speech = [i for i in third.items if i.output == "东湖镇/讲话.docx"][0]
    assert speech.findings == before + 1  # the full-width digits were found
