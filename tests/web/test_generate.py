"""Generation through the web app: background job, progress JSON, results, manifest rules."""

from __future__ import annotations

import io
import re
import threading
import time
from pathlib import Path

import pytest


def _template_dir(tmp_path: Path) -> Path:
    """A templates folder with one small .docx template (no per-member form: no roster needed)."""
    from docx import Document

    folder = tmp_path / "tpl"
    folder.mkdir()
    doc = Document()
    doc.add_paragraph("{{ town.name }}动员大会讲话")
    doc.add_paragraph("全镇{{ party.members }}名党员参加。")
    doc.save(folder / "讲话.docx")
    return folder


@pytest.fixture
def gen_client(profiles_dir, output_dir, tmp_path):
    from speechkit.web import create_app

    app = create_app(profiles_dir, _template_dir(tmp_path), output_dir, batch_jobs=1)
    return app.test_client()


def _wait(client, job_url: str, timeout: float = 180) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = client.get(job_url + "/progress").get_json()
        if state["finished"]:
            return state
        time.sleep(0.05)
    raise AssertionError("generation did not finish")


def _generate(client, csrf_of, **form) -> tuple[str, str]:
    token = csrf_of(client, "/generate")
    resp = client.post("/generate", data={"csrf_token": token, **form})
    assert resp.status_code == 303, resp.get_data(as_text=True)
    job_url = resp.headers["Location"]
    state = _wait(client, job_url)
    assert state["status"] == "done", state
    return job_url, client.get(job_url).get_data(as_text=True)


def test_generate_one_town_lists_downloads(gen_client, output_dir, csrf_of):
    from docx import Document

    job_url, page = _generate(gen_client, csrf_of, town="donghu")
    assert "已生成" in page
    links = re.findall(r'href="(/files/[^"]+)"', page)
    assert links, page
    resp = gen_client.get(links[0])
    assert resp.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(resp.data)).paragraphs)
    assert "东湖镇动员大会讲话" in text and "612名党员" in text
    assert (output_dir / ".speechkit-manifest.json").is_file()
    state = gen_client.get(job_url + "/progress").get_json()
    assert state["done"] == state["total"] == 1 and state["status_name"] == "已完成"
    listing = gen_client.get("/output").get_data(as_text=True)
    assert re.search(r'href="/files/[^"]+">讲话.docx</a>', listing)
    assert 'href="/files/%E6%A3%80%E6%9F%A5%E6%8A%A5%E5%91%8A' not in page  # not checked


def test_checked_run_links_its_own_report(gen_client, output_dir, csrf_of):
    _, page = _generate(gen_client, csrf_of, town="donghu", check="1")
    assert "打开检查报告" in page
    report = output_dir / "检查报告（东湖镇）.html"
    assert report.is_file()
    link = re.search(r'href="(/files/[^"]+\.html)"', page).group(1)
    resp = gen_client.get(link)
    assert resp.status_code == 200 and "东湖镇" in resp.get_data(as_text=True)
    assert "attachment" not in resp.headers.get("Content-Disposition", "")


def test_edited_output_is_never_overwritten_silently(gen_client, output_dir, csrf_of):
    from docx import Document

    _generate(gen_client, csrf_of, town="donghu")
    target = output_dir / "东湖镇" / "讲话.docx"
    doc = Document(target)
    doc.add_paragraph("书记亲自改过的一段。")
    doc.save(target)
    edited = target.read_bytes()

    _, page = _generate(gen_client, csrf_of, town="donghu")
    assert "已跳过" in page and "已被修改" in page
    assert "勾选“覆盖生成后被修改过的文件”后重新生成" in page and "--force" not in page
    assert target.read_bytes() == edited

    _, page = _generate(gen_client, csrf_of, town="donghu", force="1")
    assert "另存为" in page
    kept = [p for p in (output_dir / "东湖镇").glob("讲话.修改稿-*.docx")]
    assert len(kept) == 1 and kept[0].read_bytes() == edited
    assert target.read_bytes() != edited


def test_unknown_town_is_refused(gen_client, csrf_of):
    token = csrf_of(gen_client, "/generate")
    assert (
        gen_client.post("/generate", data={"csrf_token": token, "town": "../x"}).status_code == 404
    )


def test_job_progress_and_busy_refusal():
    from speechkit.web.jobs import JobBusyError, JobManager

    manager = JobManager()
    gate = threading.Event()

    def work(progress):
        progress({"phase": "render", "done": 1, "total": 3, "current": "东湖镇/讲话.docx"})
        gate.wait(5)
        return "结果"

    job = manager.start("东湖镇", work)
    deadline = time.monotonic() + 5
    while job.done != 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    snap = job.snapshot()
    assert snap["status"] == "running" and snap["phase"] == "生成文档"
    assert (snap["done"], snap["total"], snap["current"]) == (1, 3, "东湖镇/讲话.docx")
    with pytest.raises(JobBusyError, match="已有生成任务在运行"):
        manager.start("全部乡镇", work)
    gate.set()
    while not job.snapshot()["finished"] and time.monotonic() < deadline:
        time.sleep(0.01)
    assert job.status == "done" and job.result == "结果"


def test_failed_job_shows_the_message():
    from speechkit.errors import SpeechkitError
    from speechkit.web.jobs import JobManager

    def work(progress):
        raise SpeechkitError("没有找到乡镇资料")

    job = JobManager().start("全部乡镇", work)
    deadline = time.monotonic() + 5
    while not job.snapshot()["finished"] and time.monotonic() < deadline:
        time.sleep(0.01)
    assert job.status == "failed" and job.error == "没有找到乡镇资料"


def test_unknown_job_is_404(gen_client):
    assert gen_client.get("/jobs/999").status_code == 404
    assert gen_client.get("/jobs/999/progress").status_code == 404


@pytest.mark.soffice
@pytest.mark.skipif(
    __import__("shutil").which("soffice") is None,
    reason="未安装 LibreOffice（soffice），跳过 PDF 测试",
)
def test_pdf_is_offered_and_linked_next_to_the_docx(gen_client, output_dir, csrf_of):
    assert 'name="pdf" value="1" >' in gen_client.get("/generate").get_data(as_text=True)
    _, page = _generate(gen_client, csrf_of, town="donghu", pdf="1")
    links = re.findall(r'class="dl-pdf" href="(/files/[^"]+)"', page)
    assert len(links) == 1, page
    resp = gen_client.get(links[0])
    assert resp.status_code == 200 and resp.data.startswith(b"%PDF")
    assert (output_dir / "东湖镇" / "讲话.pdf").is_file()
    assert "讲话（PDF）" not in page  # the PDF sits in its document's row, not a row of its own


def test_pdf_option_is_disabled_without_libreoffice(gen_client, monkeypatch):
    import speechkit.typeset.pdf as pdf

    monkeypatch.setattr(pdf, "soffice_path", lambda: None)
    html = gen_client.get("/generate").get_data(as_text=True)
    assert re.search(r'name="pdf" value="1"\s+disabled', html)
    assert "未安装 LibreOffice" in html


def test_only_recent_jobs_are_kept():
    from speechkit.web.jobs import JobManager

    manager = JobManager(keep=2)
    jobs = []
    for n in range(3):
        job = manager.start(f"第{n}次", lambda progress: None)
        deadline = time.monotonic() + 5
        while not job.snapshot()["finished"] and time.monotonic() < deadline:
            time.sleep(0.01)
        jobs.append(job)
    assert manager.get(jobs[0].id) is None
    assert manager.get(jobs[2].id) is jobs[2] and manager.latest() is jobs[2]


def test_second_generation_while_one_runs_is_refused(app, csrf_of):
    from speechkit.web.jobs import JobManager

    client = app.test_client()
    manager: JobManager = app.extensions["speechkit.jobs"]
    gate = threading.Event()
    running = manager.start("东湖镇", lambda progress: gate.wait(5))
    try:
        page = client.get("/generate").get_data(as_text=True)
        assert "正在生成：东湖镇" in page and re.search(r'type="submit"\s+disabled', page)
        token = csrf_of(client, "/check")
        resp = client.post("/generate", data={"csrf_token": token, "town": ""})
        assert resp.status_code == 400
        assert "已有生成任务在运行（东湖镇）" in resp.get_data(as_text=True)
    finally:
        gate.set()
    deadline = time.monotonic() + 5
    while not running.snapshot()["finished"] and time.monotonic() < deadline:
        time.sleep(0.01)


def test_roster_warnings_are_shown_on_the_result_page(profiles_dir, output_dir, tmp_path, csrf_of):
    """A roster without an optional column generates the forms and says what was left blank."""
    import shutil

    from speechkit.web import create_app

    folder = tmp_path / "forms"
    folder.mkdir()
    from tests.conftest import TEMPLATES

    shutil.copy(TEMPLATES / "党性分析评议表.docx", folder)
    (profiles_dir / "towns" / "donghu.members.csv").write_text(
        "姓名,性别,出生年月,所在支部,职务\n李明,男,1970.03,一支部,书记\n", "utf-8"
    )
    client = create_app(profiles_dir, folder, output_dir, batch_jobs=1).test_client()
    _, page = _generate(client, csrf_of, town="donghu")
    assert 'id="warnings"' in page
    assert "名册缺少“入党时间”列，评议表中此项将留空" in page
    assert (output_dir / "东湖镇" / "党性分析评议表" / "李明.docx").is_file()
