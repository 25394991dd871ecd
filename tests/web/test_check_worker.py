"""The check worker: a slow check neither blocks other pages nor outlives its time limit."""

from __future__ import annotations

import threading
import time

from speechkit.web.checkworker import CheckFailed, CheckTask, CheckWorker


def sleepy_task(task: CheckTask):
    """Stands in for a check that takes long (runs in the spawned worker)."""
    time.sleep(float(task.shown))
    return "done"


def hungry_task(task: CheckTask):
    """Stands in for a file that inflates to gigabytes."""
    return len(bytearray(4 * 1024**3))


def test_a_check_past_its_time_limit_is_stopped_and_the_next_one_runs():
    worker = CheckWorker(timeout=1.5, target=sleepy_task)
    try:
        start = time.monotonic()
        try:
            worker.run(CheckTask(src="", shown="30"))
            raise AssertionError("not stopped")
        except CheckFailed as exc:
            assert "超过 1.5 秒" in exc.format_message()
        assert time.monotonic() - start < 10
        assert worker.run(CheckTask(src="", shown="0")) == "done"
    finally:
        worker.close()


def test_a_check_past_its_memory_limit_ends_in_a_message():
    worker = CheckWorker(timeout=60, memory_limit=1024**3, target=hungry_task)
    try:
        try:
            worker.run(CheckTask(src="", shown="x"))
            raise AssertionError("no message")
        except CheckFailed as exc:
            assert "内存" in exc.format_message()
    finally:
        worker.close()


def test_other_pages_answer_while_a_check_runs(app, client, csrf_of):
    """While the worker is busy for 4 s, the town list still answers at once."""
    app.extensions["speechkit.checks"].close()
    app.extensions["speechkit.checks"] = CheckWorker(timeout=30, target=sleepy_task)
    busy = threading.Thread(
        target=lambda: app.extensions["speechkit.checks"].run(CheckTask(src="", shown="4"))
    )
    busy.start()
    try:
        time.sleep(0.5)
        start = time.monotonic()
        assert client.get("/").status_code == 200
        assert time.monotonic() - start < 3
        assert busy.is_alive()
    finally:
        busy.join()
        app.extensions["speechkit.checks"].close()
