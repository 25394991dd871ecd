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


def _inflating_docx(megabytes: int) -> bytes:
    """A small .docx whose body inflates to ``megabytes`` MB of text."""
    import io
    import zipfile

    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    body = b"x" * (megabytes * 1024 * 1024)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxml'
            'formats-package.relationships+xml"/><Override PartName="/word/document.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.'
            'document.main+xml"/></Types>',
        )
        zf.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="word/document.xml"/></Relationships>',
        )
        zf.writestr(
            "word/document.xml",
            f"<w:document {ns}><w:body><w:p><w:r><w:t>".encode() + body
            + b"</w:t></w:r></w:p></w:body></w:document>",
        )  # fmt: skip
    return buf.getvalue()


def test_an_inflating_docx_ends_in_a_message_and_the_page_stays_up(
    profiles_dir, output_dir, tmp_path
):
    """A .docx of a few hundred KB that inflates to 400 MB: a Chinese message (a limit, the
    memory cap or the time limit), never a 500; the town list answers meanwhile."""
    import io
    import re

    from tests.web.conftest import TEMPLATES

    from speechkit.web import create_app

    app = create_app(profiles_dir, TEMPLATES, output_dir, max_upload=8 * 1024 * 1024)
    app.extensions["speechkit.checks"] = CheckWorker(timeout=60, memory_limit=1024**3)
    client = app.test_client()
    try:
        data = _inflating_docx(400)
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/check").text)[1]
        start = time.monotonic()
        resp = client.post(
            "/check",
            data={"csrf_token": token, "draft": (io.BytesIO(data), "炸弹.docx")},
            content_type="multipart/form-data",
        )
        assert time.monotonic() - start < 90
        html = resp.get_data(as_text=True)
        assert resp.status_code in (200, 400)
        assert "Traceback" not in html and "内部错误" not in html
        if resp.status_code == 400:
            assert "炸弹.docx" in html
        assert client.get("/").status_code == 200
    finally:
        app.extensions["speechkit.checks"].close()
