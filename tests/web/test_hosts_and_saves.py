"""Loopback host names, the persisted session secret, serialised saves, outside symlinks."""

from __future__ import annotations

import re
import threading

import pytest
from tests.web.conftest import TEMPLATES

SHA_RE = re.compile(r'name="sha256" value="([^"]+)"')
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.mark.parametrize(
    "host", ["LOCALHOST", "LocalHost:8000", "[::1]", "[::1]:8000", "127.0.0.1:80", "localhost."]
)
def test_loopback_names_are_accepted_in_any_case(client, host):
    assert client.get("/output", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize("host", ["evil.example", "localhost.evil.example", "[::2]", "127.0.0.2"])
def test_other_hosts_are_refused(client, host):
    resp = client.get("/output", headers={"Host": host})
    assert resp.status_code == 400
    assert "拒绝访问" in resp.get_data(as_text=True)


def test_a_form_opened_before_a_restart_still_saves(profiles_dir, output_dir):
    from speechkit.web import create_app

    first = create_app(profiles_dir, TEMPLATES, output_dir).test_client()
    html = first.get("/towns/donghu").get_data(as_text=True)
    token, sha = CSRF_RE.search(html)[1], SHA_RE.search(html)[1]
    cookie = first.get_cookie("session")
    # "restart": a new app over the same folder; the browser still has its cookie and form
    second = create_app(profiles_dir, TEMPLATES, output_dir).test_client()
    second.set_cookie("session", cookie.value)
    resp = second.post(
        "/towns/donghu", data={"csrf_token": token, "sha256": sha, "party.units": "36"}
    )
    assert resp.status_code == 303
    assert "units: 36" in (profiles_dir / "towns" / "donghu.yaml").read_text(encoding="utf-8")


def _save_at_once(app, values: list[str]) -> list[tuple[str, int, str]]:
    """Open the town form in one client per value, then post all saves at the same moment."""
    clients, posts = [], []
    for value in values:
        c = app.test_client()
        html = c.get("/towns/donghu").get_data(as_text=True)
        data = {
            "csrf_token": CSRF_RE.search(html)[1],
            "sha256": SHA_RE.search(html)[1],
            "party.units": value,
        }
        clients.append(c)
        posts.append(data)
    barrier = threading.Barrier(len(values))
    results: list = [None] * len(values)

    def save(i: int) -> None:
        barrier.wait()
        resp = clients[i].post("/towns/donghu", data=posts[i])
        results[i] = (posts[i]["party.units"], resp.status_code, resp.get_data(as_text=True))

    threads = [threading.Thread(target=save, args=(i,)) for i in range(len(values))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_concurrent_saves_of_one_town_one_wins_the_others_get_the_merge_view(app, profiles_dir):
    """Five saves started from the same version at once: exactly one is written, every
    other one gets the merge view (409), and the file holds the winner's value."""
    town = profiles_dir / "towns" / "donghu.yaml"
    for round_no in range(6):
        results = _save_at_once(app, [str(100 + round_no * 10 + i) for i in range(5)])
        winners = [value for value, code, _ in results if code == 303]
        assert len(winners) == 1, [(v, c) for v, c, _ in results]
        assert f"units: {winners[0]}" in town.read_text(encoding="utf-8")
        for value, code, html in results:
            if code != 303:
                assert "已被修改" in html and "本次没有保存" in html
                assert f'value="{value}"' in html  # the loser's typing is on the page


def test_output_list_hides_symlinks_pointing_outside(client, output_dir, tmp_path):
    secret = tmp_path / "secret.docx"
    secret.write_bytes(b"PK")
    (output_dir / "东湖镇").mkdir()
    (output_dir / "东湖镇" / "实施方案.docx").write_bytes(b"PK")
    (output_dir / "东湖镇" / "外面.docx").symlink_to(secret)
    (output_dir / "外面的文件夹").symlink_to(tmp_path, target_is_directory=True)
    html = client.get("/output").get_data(as_text=True)
    assert "实施方案.docx" in html
    assert "外面" not in html and "secret" not in html
    assert client.get("/files/东湖镇/外面.docx").status_code == 404


def test_hostile_values_in_a_form_never_give_a_500(app, profiles_dir):
    """Control characters, huge numbers, bidi marks, very long text: a message or a save."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    client = app.test_client()

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        field=st.sampled_from(["town.secretary", "party.members", "meeting.date", "slogans"]),
        value=st.one_of(
            st.text(max_size=300),
            st.sampled_from(["\x01", "\x1b[31m", "1" * 50, "\u202e镇", "〔待填〕", "-0", "1e9"]),
        ),
    )
    def run(field, value):
        html = client.get("/towns/donghu").get_data(as_text=True)
        data = {
            "csrf_token": CSRF_RE.search(html)[1],
            "sha256": SHA_RE.search(html)[1],
            field: value,
        }
        resp = client.post("/towns/donghu", data=data)
        assert resp.status_code in (303, 400, 409), resp.status_code
        assert "Traceback" not in resp.get_data(as_text=True)

    run()
