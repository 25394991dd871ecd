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
        accept_downloads=True, locale="zh-CN", viewport={"width": 1366, "height": 768}
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
    page.wait_for_selector("#findings")
    assert int(page.locator("#finding-total").inner_text()) >= 2
    assert page.locator("iframe").count() == 0  # the report is the page

    # the findings table is above the fold at 1366x768 (the page is read from the top)
    box = page.locator("#findings tbody tr").first.bounding_box()
    assert box is not None and box["y"] + box["height"] < 768
    level = page.locator("#findings tbody tr td:nth-child(2)").first
    assert level.bounding_box()["height"] < 40  # 级别 does not wrap character by character
    kind = page.locator("#findings .rule").first
    assert kind.inner_text() in (
        "占位符",
        "规范提法",
        "不规范提法",
        "错别字",
        "标点",
        "数字",
        "与资料不符",
    )
    assert kind.get_attribute("title").startswith("规则编号：")

    marks = page.locator("#doc-text mark.sev-error")
    texts = [marks.nth(i).inner_text() for i in range(marks.count())]
    assert any("***" in t for t in texts), texts
    shot(page, "09-检查结果")

    # severity filter
    rows = page.locator("#findings tbody tr.sev-error")
    assert rows.first.is_visible()
    page.locator('input[data-sev="error"]').uncheck()
    assert not rows.first.is_visible()
    page.locator('input[data-sev="error"]').check()
    assert rows.first.is_visible()

    # a finding's location link jumps to the marked text in the same page
    page.locator('#findings a[href^="#"]').first.click()
    page.wait_for_timeout(200)
    assert "/check" in page.url
    assert "/tmp/" not in page.locator("main").inner_text()  # no server temp path shown

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
        assert not second.locator("#draft-offer").is_visible()  # the page is the newest typing
        assert "donghu.yaml" not in notice  # no file names in sentences for people
        shot(second, "10-同时修改")
        text = town_file.read_text(encoding="utf-8")
        assert "branches: 31" in text and "units: 35" in text  # first save kept, second not

        second.get_by_role("button", name="保存").click()  # reviewed: save both
        second.wait_for_selector(".flash.ok")
        text = town_file.read_text(encoding="utf-8")
        assert "branches: 31" in text and "units: 40" in text
    finally:
        context.close()


def test_create_a_town_fill_save_generate_and_download_the_zip(site, page, tmp_path):
    import io
    import zipfile

    from docx import Document

    url, profiles, _ = site
    page.goto(url + "/")
    page.get_by_label("乡镇名称").fill("新河镇")
    page.get_by_label("类别").select_option("镇")
    shot(page, "11-新建乡镇")
    page.get_by_role("button", name="新建").click()
    page.wait_for_url("**/towns/xinhe")
    assert page.locator(".flash.ok").inner_text().startswith("已新建")
    secretary = page.get_by_label("党委（党工委）书记")
    assert secretary.input_value() == ""  # empty, not 〔待填〕
    assert page.get_by_label("参加本批活动的党员数").get_attribute("type") == "number"
    assert page.get_by_label("动员大会日期").get_attribute("type") == "date"
    assert "还有 20 项没有填写" in page.locator("#problems").inner_text()
    field_problem = page.locator('[id="problem-town.secretary"]')
    assert field_problem.inner_text() == "请填写党委（党工委）书记"
    page.locator("#problems details.todo-list > summary").click()
    first = page.locator("#problems li").first.inner_text()
    assert first.startswith("待填写：乡镇 · 请填写党委（党工委）书记"), first
    assert "xinhe.yaml" not in first.split("详细信息")[0]
    shot(page, "12-新乡镇表单")

    fill = {
        "党委（党工委）书记": "李新河",
        "镇长（区长、街道办事处主任）": "陈新河",
        "参加本批活动的党员数": "120",
        "党支部数": "9",
        "参加活动的单位数": "12",
        "会议地点": "镇政府会议室",
        "督导组名称": "市委第九督导组",
        "督导组组长": "冯督导",
    }
    for label, value in fill.items():
        page.get_by_label(label).fill(value)
    import datetime as dt

    from speechkit.profiles import load_data_file

    start = load_data_file(profiles / "city.yaml")["campaign"]["start"]  # dates in the campaign
    page.get_by_label("动员大会日期").fill((start + dt.timedelta(days=5)).isoformat())
    page.get_by_label("实施方案印发日期").fill((start + dt.timedelta(days=8)).isoformat())
    page.locator('input[name="slogans"]').first.fill("建设新河")
    page.locator('input[name="supervision.members"]').first.fill("褚督导")
    for key in ("leader", "office"):
        page.locator(f'input[name="leading_group.{key}.name"]').fill("李新河")
        page.locator(f'input[name="leading_group.{key}.title"]').fill("镇党委书记")
    for key in ("deputies", "members"):
        page.locator(f'input[name="leading_group.{key}.0.name"]').fill("陈新河")
        page.locator(f'input[name="leading_group.{key}.0.title"]').fill("镇长")
    page.get_by_role("button", name="保存").click()
    page.wait_for_selector(".flash.ok")
    from speechkit.profiles import validate

    problems = [
        p
        for p in validate([profiles / "towns" / "xinhe.yaml"])
        if p.severity == "error" and "xinhe" in str(p.location.file)
    ]
    assert problems == [], [str(p) for p in problems]
    shot(page, "13-新乡镇保存后")

    page.goto(url + "/generate")
    page.select_option("#town-select", "xinhe")
    page.get_by_role("button", name="开始生成").click()
    page.wait_for_url("**/jobs/*")
    page.wait_for_selector("#results", timeout=180_000)
    with page.expect_download() as info:
        page.locator("#results a.zip").first.click()
    assert info.value.suggested_filename == "新河镇.zip"
    data = (tmp_path / "x.zip").write_bytes(info.value.path().read_bytes()) and (
        tmp_path / "x.zip"
    ).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        speech = next(n for n in zf.namelist() if n.endswith("动员讲话.docx"))
        text = "\n".join(p.text for p in Document(io.BytesIO(zf.read(speech))).paragraphs)
    assert "新河镇" in text and "120" in text
    shot(page, "14-新乡镇生成结果")

    # delete it again (to the trash) so the other tests see the demo city
    page.goto(url + "/towns/xinhe")
    page.locator("#manage summary").click()
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="删除本乡镇（移到回收站）").click()
    page.wait_for_selector("#trash")
    assert "新河镇" in page.locator("#trash").inner_text()
    shot(page, "15-回收站")


def test_upload_a_roster_with_a_bad_row_and_see_it(site, page, tmp_path):
    url, profiles, _ = site
    roster = tmp_path / "名册.csv"
    roster.write_text(
        "姓名,性别,出生年月,入党时间,所在支部,职务\n"
        "林一,男,1970.01,1995.07,机关支部,书记\n"
        ",女,1980.02,2001.07,机关支部,委员\n",
        encoding="utf-8",
    )
    page.goto(url + "/towns/gushan/roster")
    assert page.locator("#no-roster").is_visible()
    page.get_by_label("名册文件（.xlsx 或 .csv）").set_input_files(str(roster))
    page.get_by_role("button", name="上传").click()
    page.wait_for_selector("#roster")
    assert "已换上名册" in page.locator(".flash.ok").inner_text()
    bad = page.locator("#row-3")
    assert "bad" in (bad.get_attribute("class") or "")
    assert "第 3 行“姓名”：姓名为空" in page.locator("#roster").inner_text()
    shot(page, "16-名册问题行")
    (profiles / "towns" / "gushan.members.csv").unlink()


def test_change_the_city_total_and_see_the_warning(site, page):
    url, profiles, _ = site
    city = profiles / "city.yaml"
    before = city.read_bytes()
    try:
        page.goto(url + "/city")
        field = page.get_by_label("本批参加活动的党员总数")
        assert field.get_attribute("type") == "number"
        shot(page, "17-全市资料")
        field.fill(str(int(field.input_value()) + 8))
        page.get_by_role("button", name="保存").click()
        page.wait_for_selector(".flash.ok")
        page.goto(url + "/")
        box = page.locator("#city-problems")
        assert box.is_visible()
        assert "合计" in box.inner_text()
        shot(page, "18-全市合计不符")
    finally:
        city.write_bytes(before)


def test_restart_the_server_in_the_middle_of_an_edit_and_save(tmp_path, browser):
    """Type, the server restarts (new process state, same profiles folder), then save: the
    save goes through; and typing left unsaved when the tab closed is offered back."""
    from speechkit.web.server import make_web_server

    profiles = tmp_path / "profiles"
    shutil.copytree(ROOT / "profiles", profiles)

    def start(port=0):
        server = make_web_server("127.0.0.1", port, profiles, ROOT / "templates", tmp_path / "o")
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server

    server = start()
    port = server.port
    url = server.url.rstrip("/")
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768})
    page = context.new_page()
    try:
        page.goto(url + "/towns/donghu")
        page.get_by_label("会议地点").fill("镇文化中心")
        server.shutdown()
        server.server_close()
        server.app.extensions["speechkit.checks"].close()
        server = start(port)  # restarted on the same address
        page.get_by_role("button", name="保存").click()
        page.wait_for_selector(".flash.ok")
        assert "venue: 镇文化中心" in (profiles / "towns" / "donghu.yaml").read_text("utf-8")

        # typing, then the tab is closed without saving: the next visit offers it back
        page.get_by_label("党支部数").fill("29")
        page.wait_for_timeout(400)
        page.close()
        page = context.new_page()
        page.goto(url + "/towns/donghu")
        offer = page.locator("#draft-offer")
        offer.wait_for(state="visible")
        shot(page, "19-恢复未保存的内容")
        page.get_by_role("button", name="恢复这些内容").click()
        assert page.get_by_label("党支部数").input_value() == "29"
        page.get_by_role("button", name="保存").click()
        page.wait_for_selector(".flash.ok")
        assert "branches: 29" in (profiles / "towns" / "donghu.yaml").read_text("utf-8")
        page.goto(url + "/towns/donghu")
        assert not page.locator("#draft-offer").is_visible()  # saved: nothing to offer
    finally:
        context.close()
        server.shutdown()
        server.server_close()
        server.app.extensions["speechkit.checks"].close()


def test_keyboard_only_edit_and_labels(site, page):
    url, _, _ = site
    page.goto(url + "/towns/donghu")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "跳到正文"
    # every visible input has an accessible name (label, aria-label or aria-labelledby)
    unnamed = page.evaluate(
        """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
             .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                           && !el.getAttribute('aria-labelledby'))
             .map(el => el.name)"""
    )
    assert unnamed == []
    page.get_by_label("参加活动的单位数").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("35")
    page.keyboard.press("Enter")  # Enter in a field submits the form
    page.wait_for_selector(".flash")
    # nothing overflows sideways at 1366 px, on any page
    for path in ("/towns/donghu", "/", "/city", "/towns/donghu/roster", "/generate", "/check"):
        page.goto(url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 1366, (path, width)


def test_print_stylesheet_hides_the_page_chrome(site, page):
    url, _, _ = site
    page.goto(url + "/output")
    page.emulate_media(media="print")
    assert not page.locator("header.top").is_visible()
    page.emulate_media(media="screen")
    assert page.locator("header.top").is_visible()


def test_cancel_a_running_generation_then_generate_again(browser, tmp_path):
    """取消 stops a slow run at once: the page lists what was written (complete files), and
    the next run starts right away and finishes."""
    from docx import Document

    from speechkit.web.server import make_web_server

    profiles = tmp_path / "profiles"
    shutil.copytree(PROFILES, profiles)
    templates = tmp_path / "tpl"
    templates.mkdir()
    output = tmp_path / "output"

    def template(body: str) -> None:
        doc = Document()
        doc.add_paragraph("{{ town.name }}动员大会讲话")
        doc.add_paragraph(body)
        doc.save(templates / "讲话.docx")

    template("{% for k in range(15) %}{% for i in range(100000) %}{% endfor %}{% endfor %}")
    server = make_web_server("127.0.0.1", 0, profiles, templates, output, batch_jobs=2)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    try:
        url = server.url.rstrip("/")
        page.goto(url + "/generate")
        page.get_by_role("button", name="开始生成").click()
        page.wait_for_url("**/jobs/*")
        page.wait_for_function(
            "() => document.getElementById('job-phase').textContent === '生成文档'"
            " && /^[1-9]\\d* \\/ 14$/.test(document.getElementById('job-count').textContent)",
            timeout=60_000,
        )
        shot(page, "08-生成中可取消")
        page.get_by_role("button", name="取消").click()
        page.wait_for_selector("#stopped", timeout=30_000)
        shot(page, "09-已取消")
        assert page.locator("#job-status").inner_text() == "已取消"
        assert "已取消本次生成" in page.locator("[role=alert]").inner_text()
        links = page.locator("#stopped a.dl")
        assert links.count() >= 1
        for path in output.rglob("讲话.docx"):
            assert "动员大会讲话" in Document(path).paragraphs[0].text  # complete files
        assert page.get_by_role("button", name="取消").count() == 0

        template("全镇{{ party.members }}名党员参加。")
        page.goto(url + "/generate")
        page.get_by_role("button", name="开始生成").click()
        page.wait_for_url("**/jobs/*")
        page.wait_for_selector("#results", timeout=180_000)
        assert page.locator("#job-status").inner_text() == "已完成"
        assert "失败 0 份" in page.locator("#results .summary").inner_text()
    finally:
        context.close()
        server.shutdown()
        server.server_close()
        server.app.extensions["speechkit.jobs"].cancel_all()
