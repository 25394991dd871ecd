"""A batch killed half-way (SIGKILL or Ctrl-C) leaves complete files and a matching manifest."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from batch_helpers import assert_consistent, members, options, write_roster

from speechkit.batch import run_batch

MEMBERS = 1500


def start(ws: Path) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "speechkit", "batch", "--profiles", str(ws / "profiles")]
    cmd += ["--templates", str(ws / "templates"), "--out", str(ws / "out"), "--jobs", "2"]
    cmd += ["--town", "donghu"]
    return subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        # as from a shell: Ctrl-C not ignored even if the test process ignores it (Python
        # leaves an inherited SIG_IGN in place, and then a SIGINT would do nothing)
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def wait_for_forms(ws: Path, proc: subprocess.Popen, count: int) -> None:
    forms = ws / "out" / "东湖镇" / "党性分析评议表"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if forms.is_dir() and sum(1 for _ in forms.rglob("*.docx")) >= count:
            return
        assert proc.poll() is None, proc.stderr.read().decode()
        time.sleep(0.01)
    raise AssertionError("batch produced nothing in 60 s")


def finish(ws: Path) -> None:
    """The next run completes the rest and reuses what the killed run wrote."""
    result = run_batch(
        options(
            ws,
            jobs=1,
            towns=("donghu",),
        )
    )
    assert result.exit_code == 0
    assert result.count("generated") + result.count("unchanged") == MEMBERS + 1
    assert result.count("unchanged") >= 100  # the killed run's outputs were kept
    assert result.count("skipped") == 0  # nothing of ours mistaken for an edit
    entries = assert_consistent(ws / "out")
    assert len(entries) == MEMBERS + 1


def test_sigkill_mid_run_leaves_no_partial_files(workspace: Path) -> None:
    write_roster(workspace / "profiles/towns/donghu.members.csv", members(MEMBERS))
    proc = start(workspace)
    wait_for_forms(workspace, proc, 100)
    os.kill(proc.pid, signal.SIGKILL)  # the parent only: its workers must not live on
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    deadline = time.monotonic() + 20
    while True:
        try:
            os.killpg(proc.pid, 0)  # anyone left in the batch's process group?
        except ProcessLookupError:
            break
        assert time.monotonic() < deadline, "worker processes outlived the killed batch"
        time.sleep(0.05)
    forms = list((workspace / "out/东湖镇/党性分析评议表").rglob("*.docx"))
    assert 100 <= len(forms) < MEMBERS
    assert_consistent(workspace / "out", allow_pending=True)
    finish(workspace)


def test_ctrl_c_stops_cleanly_with_exit_130(workspace: Path) -> None:
    write_roster(workspace / "profiles/towns/donghu.members.csv", members(MEMBERS))
    proc = start(workspace)
    wait_for_forms(workspace, proc, 100)
    os.kill(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err.decode()
    assert "已中止" in err.decode() and "Traceback" not in err.decode()
    assert_consistent(workspace / "out")  # nothing pending after a clean stop
    finish(workspace)


def test_a_worker_that_dies_mid_run_is_replaced_by_the_parent(workspace: Path) -> None:
    import multiprocessing

    write_roster(workspace / "profiles/towns/donghu.members.csv", members(600))
    killed = []

    def progress(event) -> None:
        if event.phase == "render" and not killed:
            children = multiprocessing.active_children()
            if children:
                os.kill(children[0].pid, signal.SIGKILL)  # as the OOM killer would
                killed.append(children[0].pid)

    result = run_batch(
        options(
            workspace,
            jobs=2,
            towns=("donghu",),
        ),
        progress,
    )
    assert killed and result.jobs == 1  # finished in the parent process
    assert result.exit_code == 0
    assert result.count("generated") + result.count("unchanged") == 601
    assert len(assert_consistent(workspace / "out")) == 601
