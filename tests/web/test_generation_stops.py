"""A generation run from the web page always ends: a template past its time or memory budget
stops the run with a located message, the 取消 button stops it at once, and the next run works."""

from __future__ import annotations

import io
import os
import re
import sys
import threading
import time
from pathlib import Path

import pytest

GOOD = "{{ town.name }}动员大会讲话"
# about 0.2-1 s per document: slow enough to cancel in the middle of a 14-town run
SLOW = "{% for k in range(6) %}{% for i in range(100000) %}{% endfor %}{% endfor %}"
HOSTILE = {
    "nested-loops": "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "doubling-macro": (
        "{% macro d(n) %}{% if n %}{{ d(n - 1) }}{{ d(n - 1) }}{% else %}x{% endif %}{% endmacro %}"
        "{{ d(60) }}"
    ),
    "growing-list": (
        "{% set l = [] %}{% for i in range(100000) %}"
        "{% set _ = l.append('x' * 200000) %}{% endfor %}"
    ),
}


def _write_template(folder: Path, body: str) -> None:
    from docx import Document

    doc = Document()
    doc.add_paragraph(GOOD)
    doc.add_paragraph(body)
    doc.save(folder / "讲话.docx")


@pytest.fixture
def site(profiles_dir, output_dir, tmp_path):
    """``(client, templates folder)``: an app whose generation has a 3 s / 128 MB budget,
    rendering in 2 worker processes (as ``serve`` does by default on this machine)."""
    from speechkit.web import create_app
    from speechkit.web.batchjob import JobLimits

    folder = tmp_path / "tpl"
    folder.mkdir()
    app = create_app(
        profiles_dir,
        folder,
        output_dir,
        batch_jobs=2,
        job_limits=JobLimits(seconds=3, memory_mb=128),
    )
    yield app.test_client(), folder
    app.extensions["speechkit.jobs"].cancel_all()


def _start(client, csrf_of, **form) -> str:
    token = csrf_of(client, "/generate")
    resp = client.post("/generate", data={"csrf_token": token, "town": "", **form})
    assert resp.status_code == 303, resp.get_data(as_text=True)
    return resp.headers["Location"]


def _wait(client, job_url: str, until=lambda s: s["finished"], timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = client.get(job_url + "/progress").get_json()
        if until(state):
            return state
        time.sleep(0.05)
    raise AssertionError(f"job did not get there in {timeout} s: {state}")


def _visible(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<script.*?</script>|<[^>]+>", " ", html, flags=re.S))


def _good_run_succeeds(client, csrf_of, folder: Path, output_dir: Path) -> None:
    from docx import Document

    _write_template(folder, "全镇{{ party.members }}名党员参加。")
    job_url = _start(client, csrf_of)
    state = _wait(client, job_url)
    assert state["status"] == "done", state
    page = client.get(job_url).get_data(as_text=True)
    assert "失败 0 份" in page and "已跳过" not in page, _visible(page)
    text = "\n".join(p.text for p in Document(output_dir / "东湖镇" / "讲话.docx").paragraphs)
    assert "东湖镇动员大会讲话" in text and "612名党员参加" in text


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_template_past_its_budget_stops_the_run_and_the_next_run_works(
    site, output_dir, csrf_of, name
):
    client, folder = site
    _write_template(folder, HOSTILE[name])
    started = time.monotonic()
    job_url = _start(client, csrf_of)
    state = _wait(client, job_url, timeout=60)
    elapsed = time.monotonic() - started
    # 14 towns at 3 s each would take 21 s on 2 workers: the run stops at the first one
    assert elapsed < 15, elapsed
    assert state["status"] == "failed", state
    page = _visible(client.get(job_url).get_data(as_text=True))
    assert "已停止本次生成" in page and "模板超出了资源限制" in page
    assert "讲话.docx" in page and re.search(r"为\S+镇生成", page)  # which template, which town
    limit = "内存超过了限制（128 MB）" if name == "growing-list" else "时间限制（3 秒）"
    assert limit in page, page
    assert "Traceback" not in page
    assert not list(output_dir.rglob("讲话.docx"))  # nothing half-written
    _good_run_succeeds(client, csrf_of, folder, output_dir)


def test_cancel_keeps_what_was_written_and_a_new_run_starts_at_once(site, output_dir, csrf_of):
    from docx import Document

    from speechkit.fsutil import TEMP_PREFIX

    client, folder = site
    _write_template(folder, SLOW)
    job_url = _start(client, csrf_of)
    running = client.get(job_url).get_data(as_text=True)
    assert f'action="{job_url}/cancel"' in running and ">取消</button>" in running

    def rendering(s: dict) -> bool:
        return (s["phase"] == "生成文档" and s["done"] >= 2) or s["finished"]

    _wait(client, job_url, until=rendering)

    # the button's form carries the CSRF token; without it the POST is refused
    assert client.post(job_url + "/cancel").status_code == 400
    token = re.search(r'name="csrf_token" value="([^"]+)"', running).group(1)
    resp = client.post(job_url + "/cancel", data={"csrf_token": token})
    assert resp.status_code == 303
    state = client.get(job_url + "/progress").get_json()
    assert state["status"] == "cancelled" and state["status_name"] == "已取消", state
    assert state["done"] < state["total"], state

    html = client.get(job_url).get_data(as_text=True)
    page = _visible(html)
    assert "已取消本次生成" in page and ">取消</button>" not in html
    listed = re.findall(r'class="dl" href="(/files/[^"]+)"', html)
    assert listed, page
    assert f"停止前已生成的文件（{len(listed)} 份）" in page
    for link in listed:  # every file listed is complete
        data = client.get(link).data
        assert "动员大会讲话" in Document(io.BytesIO(data)).paragraphs[0].text
    written = [p for p in output_dir.rglob("*.docx")]
    assert len(written) >= len(listed)  # a worker may have finished one more before the kill
    for path in written:
        Document(path)  # never half-written
    _good_run_succeeds(client, csrf_of, folder, output_dir)
    assert not [p for p in output_dir.rglob("*") if p.name.startswith(TEMP_PREFIX)]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie (not yet reaped by its parent) is dead for our purpose
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def test_silent_run_is_killed_with_everything_it_started(tmp_path, monkeypatch):
    """A job process that reports nothing (a worker stuck where the budget cannot reach) is
    killed after ``silence`` seconds, with the processes it started."""
    from speechkit.batch import BatchOptions
    from speechkit.web import batchjob

    pids = tmp_path / "pids"
    stuck = (
        "import os, subprocess, sys, time\n"
        f"child = subprocess.Popen([{sys.executable!r}, '-c', 'import time; time.sleep(600)'])\n"
        f"open({str(pids)!r}, 'w').write(f'{{os.getpid()}} {{child.pid}}')\n"
        "time.sleep(600)\n"
    )
    monkeypatch.setattr(batchjob, "_CHILD", ("-c", stuck))
    limits = batchjob.JobLimits(silence=1.5)
    started = time.monotonic()
    with pytest.raises(batchjob.JobStopped, match="1.5 秒没有任何进展") as stopped:
        batchjob.run_batch_process(
            BatchOptions(out=tmp_path), lambda e: None, threading.Event(), limits
        )
    assert time.monotonic() - started < 20
    assert not stopped.value.cancelled and stopped.value.generated == []
    job_pid, grandchild = map(int, pids.read_text().split())
    deadline = time.monotonic() + 5
    while _alive(grandchild) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(job_pid) and not _alive(grandchild)


def test_job_process_that_dies_gives_a_message(tmp_path, monkeypatch):
    from speechkit.batch import BatchOptions
    from speechkit.errors import SpeechkitError
    from speechkit.web import batchjob

    monkeypatch.setattr(
        batchjob, "_CHILD", ("-c", "import sys; sys.stderr.write('boom'); sys.exit(3)")
    )
    with pytest.raises(SpeechkitError, match="意外退出") as failed:
        batchjob.run_batch_process(BatchOptions(out=tmp_path), lambda e: None, threading.Event())
    assert "boom" in failed.value.format_message()
