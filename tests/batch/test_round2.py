"""Round-2 QA findings: roster warnings, report labels, whole-run errors before workers start."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from batch_helpers import ROOT, args

from speechkit.batch import WARNING, BatchOptions, run_batch
from speechkit.batch.manifest import MANIFEST_NAME


def roster(ws: Path) -> Path:
    return ws / "profiles/towns/donghu.members.csv"


def test_bad_roster_row_does_not_fail_a_run_without_forms(cli, workspace: Path):  # P2-7
    roster(workspace).write_text(
        roster(workspace).read_text("utf-8") + "赵六,男,1970.02,一九九五,一支部,\n", "utf-8"
    )
    result = cli(*args(workspace, "--template", "讲话"))
    assert result.exit_code == 0, result.output
    assert "名册" not in result.stdout and "失败 0" in result.stdout
    with_forms = cli(*args(workspace))
    assert with_forms.exit_code == 1 and "第6行:入党时间列" in with_forms.stdout


def test_unreadable_roster_is_not_read_without_forms(workspace: Path):  # P2-7
    roster(workspace).write_bytes(b"")  # empty: a RosterError when read
    result = run_batch(
        BatchOptions(
            profiles=workspace / "profiles",
            templates_dir=workspace / "templates",
            out=workspace / "out",
            templates=("讲话",),
            jobs=1,
        )
    )
    assert result.exit_code == 0 and result.warnings == []
    assert [i.output for i in result.items] == ["东湖镇/讲话.docx", "西山镇/讲话.docx"]


def test_missing_optional_column_is_a_warning_not_a_failure(cli, workspace: Path):  # P2-7
    roster(workspace).write_text(
        "姓名,性别,出生年月,所在支部,职务\n李明,男,1970.03,一支部,书记\n王芳,女,1980.05,二支部,\n",
        "utf-8",
    )
    result = cli(*args(workspace))
    assert result.exit_code == 0, result.output
    assert "失败 0" in result.stdout and "警告 1 条" in result.stdout
    assert "警告（不算失败，不影响退出码）" in result.stdout
    assert "名册缺少“入党时间”列，评议表中此项将留空" in result.stdout
    assert (workspace / "out/东湖镇/党性分析评议表/王芳.docx").is_file()


def test_short_roster_row_is_a_located_warning(cli, workspace: Path):  # P3-14
    roster(workspace).write_text(
        roster(workspace).read_text("utf-8") + "吴范例,男,1970.02,1993.12,镇机关党支部\n", "utf-8"
    )
    result = cli(*args(workspace))
    assert result.exit_code == 0, result.output
    assert "donghu.members.csv:第6行" in result.stdout
    assert "此行只有 5 列，缺少“职务”" in result.stdout
    assert (workspace / "out/东湖镇/党性分析评议表/吴范例.docx").is_file()
    run = run_batch(
        BatchOptions(
            profiles=workspace / "profiles",
            templates_dir=workspace / "templates",
            out=workspace / "out",
            jobs=1,
        )
    )
    assert [w.status for w in run.warnings] == [WARNING]
    assert run.exit_code == 0


def test_report_labels_tell_same_name_members_apart(workspace: Path):  # P2-11
    result = run_batch(
        BatchOptions(
            profiles=workspace / "profiles",
            templates_dir=workspace / "templates",
            out=workspace / "out",
            towns=("donghu",),
            check=True,
            jobs=1,
        )
    )
    labels = [r.label for r in result.reports]
    zhang = [label for label in labels if "张三" in label]
    assert len(zhang) == 2 and len(set(zhang)) == 2, labels
    assert "东湖镇 / 党性分析评议表 / 张三（一支部）" in zhang


def test_corrupt_manifest_fails_before_any_worker_starts(cli, workspace: Path):  # P2-13
    (workspace / "out").mkdir()
    (workspace / "out" / MANIFEST_NAME).write_text("{bad", "utf-8")
    argv = args(workspace)
    argv[argv.index("--jobs") + 1] = "2"
    result = cli(*argv)
    assert result.exit_code == 2
    assert "清单文件" in result.stderr and "已损坏" in result.stderr
    assert "Traceback" not in result.stderr
    assert "读取资料" not in result.stderr  # planning (and the pool) never started


def test_script_without_main_guard_gets_a_chinese_message(workspace: Path, tmp_path: Path):  # P2-9
    script = tmp_path / "snip.py"
    script.write_text(
        "from pathlib import Path\n"
        "from speechkit.batch import BatchOptions, run_batch\n"
        f"ws = Path({str(workspace)!r})\n"
        "r = run_batch(BatchOptions(profiles=ws / 'profiles', templates_dir=ws / 'templates',"
        " out=ws / 'out', towns=('donghu',), jobs=2))\n"
        "print('exit', r.exit_code)\n",
        "utf-8",
    )
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert 'if __name__ == "__main__":' in done.stderr  # the workers say why they stopped
    assert "BrokenProcessPool" not in done.stderr
    assert done.returncode == 0 and "exit 0" in done.stdout  # the parent finished by itself


def test_unchanged_outputs_reuse_their_check_results(workspace: Path, monkeypatch):  # P3-4
    from docx import Document

    from speechkit.batch import worker
    from speechkit.check.report import to_json

    doc = Document(str(workspace / "templates/讲话.docx"))
    doc.add_paragraph("请填写XXX单位的情况。")
    doc.save(str(workspace / "templates/讲话.docx"))
    options = BatchOptions(
        profiles=workspace / "profiles",
        templates_dir=workspace / "templates",
        out=workspace / "out",
        check=True,
        jobs=1,
    )
    first = run_batch(options)
    speech = [i for i in first.items if i.output == "东湖镇/讲话.docx"][0]
    assert speech.findings_by_severity["error"] == 1  # the XXX placeholder
    before = speech.findings

    def refuse(*args, **kwargs):
        raise AssertionError("an unchanged output was checked again")

    monkeypatch.setattr(worker, "check_chunk", refuse)
    second = run_batch(options)
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
    third = run_batch(options)
    speech = [i for i in third.items if i.output == "东湖镇/讲话.docx"][0]
    assert speech.findings == before + 1  # the full-width digits were found
