"""Rosters on the page: view with row problems in place, upload, replace, remove, template."""

from __future__ import annotations

import io

from tests.web.conftest import CSRF_RE


def _token(client, url):
    return CSRF_RE.search(client.get(url).get_data(as_text=True))[1]


def _upload(client, slug, data: bytes, name: str):
    token = _token(client, f"/towns/{slug}/roster")
    return client.post(
        f"/towns/{slug}/roster",
        data={"csrf_token": token, "roster": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


GOOD = "姓名,性别,出生年月,入党时间,所在支部,职务\n李一,男,1970.01,1995.07,机关支部,书记\n"
BAD_ROW = GOOD + ",女,1980.02,2001.07,机关支部,委员\n王二,女,1981.03,2099.13,机关支部,委员\n"


def test_existing_roster_is_shown_as_a_table(client):
    html = client.get("/towns/donghu/roster").get_data(as_text=True)
    assert 'id="roster"' in html and "张示范" in html and "镇机关党支部" in html
    assert '<th scope="col">入党时间</th>' in html


def test_upload_with_a_bad_row_shows_the_row_and_its_problem(client, profiles_dir):
    resp = _upload(client, "gushan", BAD_ROW.encode("utf-8"), "名册.csv")
    assert resp.status_code == 303
    saved = profiles_dir / "towns" / "gushan.members.csv"
    assert saved.read_bytes() == BAD_ROW.encode("utf-8")
    html = client.get("/towns/gushan/roster").get_data(as_text=True)
    assert 'id="row-3"' in html and "第 3 行“姓名”：姓名为空" in html
    assert 'class="bad"' in html
    assert "gushan.members.csv" in html and "/tmp" not in html


def test_replace_keeps_the_old_roster_in_the_trash_and_remove_moves_it(client, profiles_dir):
    csv = profiles_dir / "towns" / "donghu.members.csv"
    old = csv.read_bytes()
    # an unreadable upload does not replace anything
    resp = _upload(client, "donghu", b"\x00\x01garbage", "x.xlsx")
    assert resp.status_code == 303
    page = client.get("/towns/donghu/roster").get_data(as_text=True)
    assert "没有换上这份名册" in page and csv.read_bytes() == old
    # an .xlsx replaces the .csv; the .csv goes to the trash
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["姓名", "性别", "出生年月", "入党时间", "所在支部", "职务"])
    wb.active.append(["赵三", "男", "1975.05", "2000.07", "镇机关党支部", "委员"])
    buf = io.BytesIO()
    wb.save(buf)
    assert _upload(client, "donghu", buf.getvalue(), "新名册.xlsx").status_code == 303
    assert not csv.exists() and (profiles_dir / "towns" / "donghu.members.xlsx").is_file()
    trashed = list((profiles_dir / "回收站" / "名册").rglob("donghu.members.csv"))
    assert len(trashed) == 1 and trashed[0].read_bytes() == old
    assert "赵三" in client.get("/towns/donghu/roster").get_data(as_text=True)

    token = _token(client, "/towns/donghu/roster")
    assert client.post("/towns/donghu/roster/remove", data={"csrf_token": token}).status_code == 303
    assert not (profiles_dir / "towns" / "donghu.members.xlsx").exists()
    assert "还没有党员名册" in client.get("/towns/donghu/roster").get_data(as_text=True)


def test_wrong_kind_of_file_is_refused(client, profiles_dir):
    _upload(client, "gushan", b"a", "名册.xls")
    assert "只能是 .xlsx 或 .csv" in client.get("/towns/gushan/roster").get_data(as_text=True)
    assert not list((profiles_dir / "towns").glob("gushan.members.*"))


def test_empty_roster_templates_have_the_right_columns(client):
    from openpyxl import load_workbook

    from speechkit.batch.roster import COLUMNS

    resp = client.get("/roster-template.xlsx")
    assert resp.status_code == 200
    ws = load_workbook(io.BytesIO(resp.data)).active
    assert tuple(c.value for c in ws[1]) == COLUMNS and ws.max_row == 1
    csv = client.get("/roster-template.csv")
    assert csv.data.decode("utf-8-sig").strip() == ",".join(COLUMNS)
    assert client.get("/roster-template.exe").status_code == 404
