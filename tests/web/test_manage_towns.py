"""Towns made, renamed, deleted and restored from the page; a new town's form; the city page."""

from __future__ import annotations

import re
from html import unescape

from tests.web.conftest import CSRF_RE

SHA_RE = re.compile(r'name="sha256" value="([^"]+)"')


def _token(client, url="/"):
    return CSRF_RE.search(client.get(url).get_data(as_text=True))[1]


def _keys(html):
    """The hidden fields every save posts back: the CSRF token and the file's hash."""
    return {"csrf_token": CSRF_RE.search(html)[1], "sha256": SHA_RE.search(html)[1]}


def _save(client, url, fields):
    """Open the form at ``url`` and post ``fields`` with its hidden fields."""
    return client.post(url, data={**_keys(client.get(url).get_data(as_text=True)), **fields})


def _new(client, name="新河镇", kind="镇"):
    return client.post(
        "/towns/new", data={"csrf_token": _token(client), "name": name, "kind": kind}
    )


def test_a_new_town_gets_a_derived_file_name_and_an_empty_form_with_hints(client, profiles_dir):
    resp = _new(client)
    assert resp.status_code == 303 and resp.headers["Location"].endswith("/towns/xinhe")
    path = profiles_dir / "towns" / "xinhe.yaml"
    assert path.is_file()
    html = client.get("/towns/xinhe").get_data(as_text=True)
    assert "〔待填〕" not in html  # empty fields are empty ...
    assert 'name="town.name" id="town.name" value="新河镇" placeholder="如 东湖镇"' in html
    assert re.search(r'name="town.secretary" id="town.secretary" value=""', html)
    assert re.search(r'type="number"[^>]*name="party.members"[^>]*value=""', html)
    assert re.search(r'type="date" name="meeting.date" id="meeting.date" value=""', html)
    # ... messages speak of fields, not key paths or files
    assert "请填写党委（党工委）书记" in html
    visible = re.sub(r"<details class=\"detail\">.*?</details>", "", html, flags=re.S)
    visible = re.sub(r'<input type="hidden"[^>]*>|[a-z-]+="[^"]*"', "", visible)
    assert "town.secretary" not in visible and "xinhe.yaml" not in visible
    assert "--" not in visible.split("<main")[1]  # no command-line advice


def test_a_half_filled_new_town_can_be_saved(client, profiles_dir):
    _new(client)
    resp = _save(
        client, "/towns/xinhe", {"town.secretary": "李新", "party.members": "120", "town.mayor": ""}
    )
    assert resp.status_code == 303, resp.get_data(as_text=True)[:2000]
    text = (profiles_dir / "towns" / "xinhe.yaml").read_text(encoding="utf-8")
    assert "secretary: 李新" in text and "members: 120" in text
    assert "mayor: 〔待填〕" in text  # left empty: stays to be filled, with its comment
    # a wrong value in a field that was typed is still refused
    resp = _save(client, "/towns/xinhe", {"party.branches": "-2"})
    assert resp.status_code == 400
    assert "branches: 〔待填〕" in (profiles_dir / "towns" / "xinhe.yaml").read_text("utf-8")


def test_same_name_twice_and_bad_kind_are_refused(client, profiles_dir):
    before = sorted(p.name for p in (profiles_dir / "towns").iterdir())
    resp = _new(client, name="东湖镇")
    assert resp.status_code == 303
    page = client.get("/").get_data(as_text=True)
    assert "已经有名为“东湖镇”的乡镇" in page
    _new(client, name="新镇", kind="县")
    assert sorted(p.name for p in (profiles_dir / "towns").iterdir()) == before


def test_rename_delete_and_restore(client, profiles_dir):
    town = profiles_dir / "towns" / "donghu.yaml"
    roster = profiles_dir / "towns" / "donghu.members.csv"
    token = _token(client, "/towns/donghu")
    resp = client.post(
        "/towns/donghu/rename", data={"csrf_token": token, "name": "东湖新镇", "kind": "镇"}
    )
    assert resp.status_code == 303
    assert "name: 东湖新镇" in town.read_text(encoding="utf-8")
    assert "# 镇 / 区 / 街道" in town.read_text(encoding="utf-8")  # comments kept

    resp = client.post("/towns/donghu/delete", data={"csrf_token": token})
    assert resp.status_code == 303
    assert not town.exists() and not roster.exists()
    trash = list((profiles_dir / "回收站").iterdir())
    assert len(trash) == 1 and (trash[0] / "donghu.yaml").is_file()
    assert (trash[0] / "donghu.members.csv").is_file()
    page = client.get("/").get_data(as_text=True)
    assert "东湖新镇" in page and "回收站" in page and "恢复" in page

    resp = client.post(f"/trash/{trash[0].name}/restore", data={"csrf_token": token})
    assert resp.status_code == 303
    assert town.is_file() and roster.is_file()
    assert not trash[0].exists()
    assert (
        client.post("/trash/..%2F..%2Fetc/restore", data={"csrf_token": token}).status_code == 404
    )


def test_city_level_problems_show_on_the_town_list(client, profiles_dir):
    nangang = profiles_dir / "towns" / "nangang.yaml"
    nangang.write_text(
        nangang.read_text(encoding="utf-8").replace("name: 南港区", "name: 东湖镇", 1), "utf-8"
    )
    donghu = profiles_dir / "towns" / "donghu.yaml"
    donghu.write_text(
        donghu.read_text(encoding="utf-8").replace("members: 612", "members: 620", 1), "utf-8"
    )
    html = client.get("/").get_data(as_text=True)
    section = html.split('id="city-problems"', 1)[1].split("</section>", 1)[0]
    assert "6927" in section and "6919" in section  # the members total no longer matches
    assert "乡镇名称“东湖镇”与" in section  # the duplicate name


def test_city_page_saves_round_trip_and_refuses_bad_values(client, profiles_dir):
    city = profiles_dir / "city.yaml"
    before = city.read_text(encoding="utf-8")
    html = client.get("/city").get_data(as_text=True)
    assert 'name="campaign.members"' in html and 'value="6919"' in html
    assert 'type="date" name="campaign.start"' in html
    assert 'name="campaign.phases.0.tasks"' in html  # a phase's tasks, one per line
    data = _keys(html)
    resp = client.post("/city", data={**data, "campaign.members": "6927"})
    assert resp.status_code == 303
    after = city.read_text(encoding="utf-8")
    changed = [
        (a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b
    ]
    assert len(changed) == 1 and "members: 6927" in changed[0][1]
    assert "# 本批参加活动的党员总数" in changed[0][1]
    # now the towns do not add up: the list says so
    assert "6927" in client.get("/").get_data(as_text=True).split('id="city-problems"')[1]

    resp = _save(client, "/city", {"campaign.end": "2024-02-30"})
    assert resp.status_code == 400
    assert "不存在的日期" in resp.get_data(as_text=True)
    assert city.read_text(encoding="utf-8") == after


def test_city_phases_round_trip_unchanged(client, profiles_dir):
    city = profiles_dir / "city.yaml"
    before = city.read_bytes()
    html = client.get("/city").get_data(as_text=True)
    # post every field back as shown: nothing changes
    fields = dict(re.findall(r'name="([a-z_.0-9]+)" id="[^"]*" value="([^"]*)"', html))
    tasks = dict(
        re.findall(r'name="([a-z_.0-9]+)" id="[^"]*" rows="\d+"[^>]*>([^<]*)</textarea>', html)
    )
    data = _keys(html)
    data.update({k: unescape(v) for k, v in {**fields, **tasks}.items()})
    resp = client.post("/city", data=data)
    assert resp.status_code == 303
    assert city.read_bytes() == before


def test_the_campaign_pack_changes_only_through_its_own_form(client, profiles_dir):
    import pytest

    campaigns = pytest.importorskip("speechkit.campaigns")
    packs = [p.id for p in campaigns.list_packs(profiles_dir.parent)]
    if not packs:
        pytest.skip("no campaign packs found")
    html = client.get("/city").get_data(as_text=True)
    assert 'name="pack"' not in html.split('id="change-pack"')[0]  # not a field of the form
    city = profiles_dir / "city.yaml"
    resp = client.post("/city/pack", data={"csrf_token": CSRF_RE.search(html)[1], "pack": "nope"})
    assert resp.status_code == 303 and "pack: nope" not in city.read_text(encoding="utf-8")
    resp = client.post(
        "/city/pack", data={"csrf_token": CSRF_RE.search(html)[1], "pack": packs[-1]}
    )
    assert resp.status_code == 303
    assert f"pack: {packs[-1]}" in city.read_text(encoding="utf-8")
    assert packs[-1] in client.get("/").get_data(as_text=True)


def test_an_empty_folder_is_set_up_from_the_page(tmp_path):
    """No city.yaml, no towns: start the city, fill it in part by part, then add a town."""
    from tests.web.conftest import TEMPLATES

    from speechkit.web import create_app

    root = tmp_path / "profiles"
    root.mkdir()
    app = create_app(root, TEMPLATES, tmp_path / "out")
    client = app.test_client()
    index = client.get("/").get_data(as_text=True)
    assert 'id="no-city"' in index and "找不到" not in index
    assert "新建全市资料" in client.get("/city").get_data(as_text=True)
    token = _token(client, "/city")
    assert client.post("/towns/new", data={"csrf_token": token, "name": "新河镇", "kind": "镇"}
                       ).status_code == 303  # fmt: skip
    assert not (root / "towns" / "xinhe.yaml").exists()  # the city comes first

    assert client.post("/city/new", data={"csrf_token": token}).status_code == 303
    html = client.get("/city").get_data(as_text=True)
    assert "〔待填〕" not in html and 'name="city.name" id="city.name" value=""' in html
    data = _keys(html)
    resp = client.post(
        "/city", data={**data, "city.name": "新城市", "campaign.start": "2026-03-01"}
    )
    assert resp.status_code == 303, resp.get_data(as_text=True)[:3000]
    text = (root / "city.yaml").read_text(encoding="utf-8")
    assert "name: 新城市" in text and "start: 2026-03-01" in text and "end: 〔待填〕" in text

    assert _new(client).status_code == 303
    assert (root / "towns" / "xinhe.yaml").is_file()
    app.extensions["speechkit.checks"].close()
