"""Towns list and the schema-driven town form through Flask's test client."""

from __future__ import annotations

import difflib
import re
from html import unescape

import pytest


def _form_fields(html: str) -> dict[str, list[str]]:
    """Every named input/select of the town form and its value(s), as a browser would post."""
    form = html[html.index('id="town-form"') :]
    fields: dict[str, list[str]] = {}
    for m in re.finditer(r"<input([^>]*)>", form):
        attrs = dict(re.findall(r'(\w[\w-]*)="([^"]*)"', m.group(1)))
        if "name" in attrs:
            fields.setdefault(attrs["name"], []).append(unescape(attrs.get("value", "")))
    for m in re.finditer(r'<select name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        sel = re.search(r'<option value="([^"]*)" selected>', m.group(2))
        fields.setdefault(m.group(1), []).append(unescape(sel.group(1)) if sel else "")
    return fields


def _post_form(client, slug: str, **overrides):
    page = client.get(f"/towns/{slug}").get_data(as_text=True)
    data = _form_fields(page)
    for key, value in overrides.items():
        data[key.replace("__", ".")] = value if isinstance(value, list) else [value]
    return client.post(f"/towns/{slug}", data=data)


def _diff(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def test_index_lists_towns_with_status(client):
    html = client.get("/").get_data(as_text=True)
    assert "东湖镇" in html and "donghu" in html
    assert "通过" in html or "警告" in html or "错误" in html


def test_town_form_is_generated_from_the_schema(client, profiles_dir):
    from speechkit.profiles import load_data_file

    date = load_data_file(profiles_dir / "towns" / "donghu.yaml")["meeting"]["date"]
    html = client.get("/towns/donghu").get_data(as_text=True)
    assert "参加本批活动的党员数" in html  # Chinese title from the schema
    assert re.search(r'type="number"[^>]*name="party.members"[^>]*value="612"', html)
    assert re.search(rf'type="date" name="meeting.date"[^>]*value="{date.isoformat()}"', html)
    assert re.search(r'<select name="town.kind"', html) and ">街道<" in html
    slogans = re.findall(r'name="slogans" value="([^"]*)"', html)
    assert slogans[:2] == ["建设生态东湖", "打造水产强镇"]
    assert re.search(r'name="leading_group.deputies.0.title"[^>]*value="镇党委副书记、镇长"', html)
    assert 'name="sha256"' in html
    assert "campaign.start" not in html  # city sections are not in the town form


def test_saving_one_count_changes_only_that_line(client, profiles_dir):
    path = profiles_dir / "towns" / "donghu.yaml"
    before = path.read_text(encoding="utf-8")
    resp = _post_form(client, "donghu", party__members="613")
    assert resp.status_code == 303, resp.get_data(as_text=True)
    after = path.read_text(encoding="utf-8")
    assert _diff(before, after) == [
        "-  members: 612                          # 参加本批活动的党员数",
        "+  members: 613                          # 参加本批活动的党员数",
    ]
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "已保存：参加本批活动的党员数" in page


def test_unchanged_form_does_not_touch_the_file(client, profiles_dir):
    path = profiles_dir / "towns" / "donghu.yaml"
    before, mtime = path.read_bytes(), path.stat().st_mtime_ns
    resp = _post_form(client, "donghu")
    assert resp.status_code == 303
    assert path.read_bytes() == before and path.stat().st_mtime_ns == mtime


def test_slogans_are_edited_as_a_list(client, profiles_dir):
    path = profiles_dir / "towns" / "donghu.yaml"
    resp = _post_form(client, "donghu", slogans=["建设生态东湖", "", "发展文旅产业"])
    assert resp.status_code == 303
    from speechkit.profiles import load_profile

    assert load_profile(path).data["slogans"] == ["建设生态东湖", "发展文旅产业"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("party__members", "-5"), ("party__members", "六千九"), ("meeting__date", "2024-02-30")],
)
def test_invalid_values_are_refused_with_the_validator_message(
    client, profiles_dir, tmp_path, field, value
):
    import shutil
    from html import escape

    from speechkit.errors import ProfileError
    from speechkit.fsutil import sha256_file
    from speechkit.profiles import update_town_file

    path = profiles_dir / "towns" / "donghu.yaml"
    before = path.read_bytes()
    resp = _post_form(client, "donghu", **{field: value})
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert path.read_bytes() == before  # file untouched
    # the very messages the library gives the CLI for the same change
    twin = tmp_path / "twin"
    shutil.copytree(profiles_dir, twin)
    twin_file = twin / "towns" / "donghu.yaml"
    key = field.replace("__", ".")
    new = int(value) if value.lstrip("-").isdigit() else value
    with pytest.raises(ProfileError) as info:
        update_town_file(twin_file, {key: new}, sha256_file(twin_file))
    assert info.value.problems
    for problem in info.value.problems:
        # the file:line:col only in the collapsible 详细信息, the sentence without key paths
        detail = f"{problem.location} {problem.key}".replace(str(twin), str(profiles_dir))
        assert escape(detail, quote=True) in html
        assert "<summary>详细信息</summary>" in html
        assert escape(problem.message, quote=True) in html  # also next to the field
    # the refused entry is shown as typed (a number/date input would blank what does not parse)
    kind = "number" if isinstance(new, int) else "text"
    assert re.search(
        rf'type="{kind}"[^>]*name="{re.escape(key)}"[^>]*value="{re.escape(value)}"', html
    )
    assert 'class="field has-problem"' in html


def test_fields_missing_from_the_post_are_left_alone(client, profiles_dir, csrf_of):
    path = profiles_dir / "towns" / "donghu.yaml"
    before = path.read_text(encoding="utf-8")
    page = client.get("/towns/donghu").get_data(as_text=True)
    sha = re.search(r'name="sha256" value="([^"]+)"', page).group(1)
    resp = client.post(
        "/towns/donghu",
        data={"csrf_token": csrf_of(client), "sha256": sha, "party.branches": "30"},
    )
    assert resp.status_code == 303
    diff = _diff(before, path.read_text(encoding="utf-8"))
    assert len(diff) == 2 and "branches: 30" in diff[1]


def test_concurrent_edit_is_detected_and_merged_for_review(client, profiles_dir):
    path = profiles_dir / "towns" / "donghu.yaml"
    page = client.get("/towns/donghu").get_data(as_text=True)
    data = _form_fields(page)
    # someone else edits the file after our form was loaded
    other = path.read_text(encoding="utf-8").replace("branches: 28", "branches: 29")
    path.write_text(other, encoding="utf-8")
    data["party.members"] = ["700"]
    resp = client.post("/towns/donghu", data=data)
    assert resp.status_code == 409
    html = resp.get_data(as_text=True)
    assert "已被修改" in html and "本次没有保存" in html
    assert path.read_text(encoding="utf-8") == other  # their edit kept, ours not written
    assert re.search(r'name="party.members"[^>]*value="700"', html)  # our change kept
    assert re.search(r'name="party.branches"[^>]*value="29"', html)  # their change taken
    assert "已换成文件中的新内容（您没有改动这些栏目）：党组织 · 党支部数" in html
    assert "双方都改动了" not in html

    # saving the reviewed form now writes our change on top of theirs
    again = client.post("/towns/donghu", data=_form_fields(html))
    assert again.status_code == 303
    text = path.read_text(encoding="utf-8")
    assert "members: 700" in text and "branches: 29" in text


def test_both_sides_changing_a_value_is_a_named_conflict(client, profiles_dir):
    path = profiles_dir / "towns" / "donghu.yaml"
    data = _form_fields(client.get("/towns/donghu").get_data(as_text=True))
    other = path.read_text(encoding="utf-8").replace("members: 612", "members: 650")
    path.write_text(other, encoding="utf-8")
    data["party.members"] = ["700"]
    html = client.post("/towns/donghu", data=data).get_data(as_text=True)
    assert "双方都改动了、下面显示的是您填写的值：党组织 · 参加本批活动的党员数" in html
    assert re.search(r'name="party.members"[^>]*value="700"', html)
    assert path.read_text(encoding="utf-8") == other


def test_unknown_town_is_404(client):
    assert client.get("/towns/nosuch").status_code == 404


def test_town_with_yaml_syntax_error_is_explained(client, profiles_dir):
    path = profiles_dir / "towns" / "donghu.yaml"
    path.write_text("town:\n  name: 东湖镇\n  kind: [镇\n", encoding="utf-8")
    resp = client.get("/towns/donghu")
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert "donghu.yaml:" in html and "Traceback" not in html
    index = client.get("/").get_data(as_text=True)
    row = re.search(r"<tr class=\"bad\">.*?</tr>", index, re.S)
    assert row and "donghu" in row.group(0) and "错误" in row.group(0)


def test_an_invalid_file_can_be_fixed_in_the_form(client, profiles_dir):
    path = profiles_dir / "towns" / "donghu.yaml"
    broken = path.read_text(encoding="utf-8").replace("branches: 28", "branches: -28")
    path.write_text(broken, encoding="utf-8")
    page = client.get("/towns/donghu").get_data(as_text=True)
    assert 'class="field has-problem"' in page and "党支部数不能为负数" in page
    resp = _post_form(client, "donghu", party__branches="28")
    assert resp.status_code == 303
    diff = _diff(broken, path.read_text(encoding="utf-8"))
    assert len(diff) == 2
    assert diff[0].startswith("-  branches: -28 ") and diff[1].startswith("+  branches: 28 ")
    assert diff[1].endswith("# 党支部数")


def test_city_problems_are_shown_on_the_list(client, profiles_dir):
    city = profiles_dir / "city.yaml"
    city.write_text(
        city.read_text(encoding="utf-8").replace("members: 6919", "members: 7000"),
        encoding="utf-8",
    )
    html = client.get("/").get_data(as_text=True)
    assert "全市层面的问题" in html and "7000" in html
