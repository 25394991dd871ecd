"""End-to-end in headless Chromium: edit a town, generate, download, check a draft.

The app runs on 127.0.0.1 (a free port) in a thread over a copy of the demo profiles and the
shipped templates; Playwright drives Debian's chromium. A screenshot of every page visited is
saved under output/screenshots/ as a CI artifact.
"""

from __future__ import annotations

import difflib
import shutil
import threading
from pathlib import Path

import pytest
from tests.conftest import PROFILES, TEMPLATES

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "output" / "screenshots"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="未安装 chromium（/usr/bin/chromium），跳过浏览器测试"
    ),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The app serving a copy of the demo profiles on loopback; yields (url, profiles, output)."""
    from speechkit.web.server import make_web_server

    base = tmp_path_factory.mktemp("site")
    profiles = base / "profiles"
    shutil.copytree(PROFILES, profiles)
    output = base / "output"
    server = make_web_server("127.0.0.1", 0, profiles, TEMPLATES, output, batch_jobs=1)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.url.rstrip("/"), profiles, output
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(
        accept_downloads=True, locale="zh-CN", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "request",
        lambda req: (
            errors.append(f"network: {req.url}")
            if not req.url.startswith(("http://127.0.0.1", "data:", "blob:", "about:"))
            else None
        ),
    )
    yield page
    context.close()
    assert not errors, errors  # no script errors, nothing fetched from outside


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def test_edit_a_count_changes_only_that_line(site, page):
    url, profiles, _ = site
    town_file = profiles / "towns" / "donghu.yaml"
    before = town_file.read_text(encoding="utf-8")

    page.goto(url + "/")
    assert page.locator("#towns").is_visible()
    shot(page, "01-乡镇列表")
    page.get_by_role("link", name="东湖镇").click()
    page.wait_for_url("**/towns/donghu")
    assert page.get_by_label("参加本批活动的党员数").input_value() == "612"
    assert page.get_by_label("动员大会日期").get_attribute("type") == "date"
    shot(page, "02-乡镇资料表单")

    page.get_by_label("参加本批活动的党员数").fill("613")
    page.get_by_role("button", name="保存").click()
    page.wait_for_selector(".flash.ok")
    assert "已保存" in page.locator(".flash.ok").inner_text()
    assert page.get_by_label("参加本批活动的党员数").input_value() == "613"
    shot(page, "03-保存之后")

    changed = _changed_lines(before, town_file.read_text(encoding="utf-8"))
    assert len(changed) == 2, changed
    assert changed[0].startswith("-  members: 612") and changed[1].startswith("+  members: 613")
    assert "# 参加本批活动的党员数" in changed[1]  # the comment stays on its line


def test_slogan_added_in_the_list_is_saved(site, page):
    url, profiles, _ = site
    from speechkit.profiles import load_profile

    page.goto(url + "/towns/donghu")
    page.locator('[data-key="slogans"]').get_by_role("button", name="添加一条").click()
    page.locator('input[name="slogans"]').last.fill("发展生态旅游")
    page.get_by_role("button", name="保存").click()
    page.wait_for_selector(".flash.ok")
    slogans = load_profile(profiles / "towns" / "donghu.yaml").data["slogans"]
    assert slogans[-1] == "发展生态旅游"


def test_invalid_entry_shows_the_message_next_to_the_field(site, page):
    url, profiles, _ = site
    town_file = profiles / "towns" / "donghu.yaml"
    before = town_file.read_bytes()
    page.goto(url + "/towns/donghu")
    page.get_by_label("党支部数").fill("-3")
    page.get_by_role("button", name="保存").click()
    page.wait_for_selector("#problems")
    problem = page.locator(".field.has-problem .field-problem").first.inner_text()
    assert "党支部数" in problem
    shot(page, "04-校验错误")
    assert town_file.read_bytes() == before


def test_generate_and_download_a_docx(site, page, tmp_path):
    from docx import Document

    url, _, output = site
    page.goto(url + "/generate")
    page.select_option("#town-select", "donghu")
    shot(page, "05-生成文档")
    page.get_by_role("button", name="开始生成").click()
    page.wait_for_url("**/jobs/*")
    page.wait_for_selector("#results", timeout=180_000)
    shot(page, "06-生成结果")
    assert page.locator("#job-status").inner_text() == "已完成"

    row = page.locator("tr", has_text="动员讲话").first
    with page.expect_download() as info:
        row.get_by_role("link", name="Word").click()
    download = info.value
    assert download.suggested_filename == "动员讲话.docx"
    saved = tmp_path / "动员讲话.docx"
    download.save_as(saved)
    text = "\n".join(p.text for p in Document(saved).paragraphs)
    from speechkit.profiles import load_profile

    members = load_profile(site[1] / "towns" / "donghu.yaml").data["party"]["members"]
    assert "东湖镇" in text and str(members) in text  # the (edited) count reached the document
    assert (output / "东湖镇" / "动员讲话.docx").is_file()

    page.goto(url + "/output")
    town = page.locator("section.card", has_text="东湖镇")
    assert town.get_by_role("link", name="实施方案.docx", exact=True).is_visible()
    shot(page, "07-已生成的文件")


def _draft_with_placeholder(path: Path) -> Path:
    from docx import Document

    doc = Document()
    doc.add_paragraph("同志们：")
    doc.add_paragraph("今天召开全镇保持共产党员先进性教育活动动员大会，会后，***要抓好落实。")
    doc.save(path)
    return path


def test_check_a_draft_highlights_the_placeholder(site, page, tmp_path):
    from docx import Document

    url, _, _ = site
    draft = _draft_with_placeholder(tmp_path / "东湖镇动员讲话草稿.docx")
    page.goto(url + "/check")
    page.set_input_files('input[name="draft"]', str(draft))
    page.select_option('select[name="town"]', "donghu")
    shot(page, "08-检查文稿")
    page.get_by_role("button", name="开始检查").click()
    page.wait_for_selector("#report")
    assert int(page.locator("#finding-total").inner_text()) >= 2

    report = page.frame_locator("#report")
    marks = report.locator("mark.sev-error")
    marks.first.wait_for()
    texts = [marks.nth(i).inner_text() for i in range(marks.count())]
    assert any("***" in t for t in texts), texts
    shot(page, "09-检查结果")

    # the report's own severity filter works inside the page
    report.locator('input[data-sev="error"]').uncheck()
    assert not marks.first.is_visible() or "hide" in (
        report.locator("body").get_attribute("class") or ""
    )
    report.locator('input[data-sev="error"]').check()

    # a finding's location link jumps inside the report (the frame stays on the report)
    report.locator('a[href^="#"]').last.click()
    page.wait_for_timeout(200)
    frame = next(f for f in page.frames if f is not page.main_frame)
    assert frame.url == "about:srcdoc"
    assert "/tmp/" not in report.locator("body").inner_text()  # no server temp path shown

    with page.expect_download() as info:
        page.locator("#annotated-download").click()
    saved = tmp_path / "annotated.docx"
    info.value.save_as(saved)
    assert info.value.suggested_filename == "批注-东湖镇动员讲话草稿.docx"
    import zipfile

    annotated = Document(saved)  # opens as a Word document
    assert "会后" in "\n".join(p.text for p in annotated.paragraphs)
    with zipfile.ZipFile(saved) as zf:
        comments = zf.read("word/comments.xml").decode("utf-8")
        body = zf.read("word/document.xml").decode("utf-8")
    assert 'w:author="speechkit"' in comments
    assert "commentRangeStart" in body


def test_two_tabs_editing_the_same_town_do_not_overwrite_each_other(site, browser):
    url, profiles, _ = site
    town_file = profiles / "towns" / "donghu.yaml"
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    first, second = context.new_page(), context.new_page()
    try:
        first.goto(url + "/towns/donghu")
        second.goto(url + "/towns/donghu")
        first.get_by_label("党支部数").fill("31")
        first.get_by_role("button", name="保存").click()
        first.wait_for_selector(".flash.ok")

        second.get_by_label("参加活动的单位数").fill("40")
        second.get_by_role("button", name="保存").click()
        second.wait_for_selector("#notice")
        notice = second.locator("#notice").inner_text()
        assert "已被修改" in notice and "党支部数" in notice
        assert second.get_by_label("参加活动的单位数").input_value() == "40"  # input kept
        assert second.get_by_label("党支部数").input_value() == "31"  # the other save merged in
        shot(second, "10-同时修改")
        text = town_file.read_text(encoding="utf-8")
        assert "branches: 31" in text and "units: 35" in text  # first save kept, second not

        second.get_by_role("button", name="保存").click()  # reviewed: save both
        second.wait_for_selector(".flash.ok")
        text = town_file.read_text(encoding="utf-8")
        assert "branches: 31" in text and "units: 40" in text
    finally:
        context.close()
