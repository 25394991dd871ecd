"""Security rules through Flask's test client: CSRF, origin, traversal, upload limits."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st


def test_town_save_without_csrf_token_saves_nothing_and_gives_the_form_back(client, profiles_dir):
    before = (profiles_dir / "towns" / "donghu.yaml").read_bytes()
    resp = client.post("/towns/donghu", data={"party.members": "1"})
    assert resp.status_code == 409
    html = resp.get_data(as_text=True)
    assert "本页已过期" in html and "本次没有保存" in html
    assert 'name="party.members" id="party.members" value="1"' in html  # typing kept
    assert (profiles_dir / "towns" / "donghu.yaml").read_bytes() == before


def test_post_with_wrong_csrf_token_is_refused(client, csrf_of):
    csrf_of(client)  # the session has a token, but we send another one
    resp = client.post("/check", data={"csrf_token": "forged"})
    assert resp.status_code == 400
    assert "安全令牌" in resp.get_data(as_text=True)


def test_cross_site_origin_is_refused_even_with_token(client, csrf_of):
    token = csrf_of(client)
    resp = client.post(
        "/generate", data={"csrf_token": token}, headers={"Origin": "http://evil.example"}
    )
    assert resp.status_code == 403
    assert "其他网站" in resp.get_data(as_text=True)


def test_pages_carry_security_headers(client):
    resp = client.get("/")
    csp = resp.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert resp.headers["X-Frame-Options"] == "DENY"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"


def test_pages_load_no_network_assets(client):
    for url in ("/", "/towns/donghu", "/generate", "/check", "/output"):
        html = client.get(url).get_data(as_text=True)
        assert "http://" not in html and "https://" not in html, url


@pytest.mark.parametrize(
    "url",
    [
        "/files/../profiles/city.yaml",
        "/files/%2e%2e/profiles/city.yaml",
        "/files/..%2fprofiles%2fcity.yaml",
        "/files//etc/passwd",
        "/files/%2fetc%2fpasswd",
        "/files/a/../../profiles/city.yaml",
        "/files/..\\profiles\\city.yaml",
        "/files/.speechkit-manifest.json",
        "/towns/..%2fcity",
        "/towns/../city",
        "/towns/nosuchtown",
    ],
)
def test_request_paths_cannot_leave_their_folder(client, output_dir, url):
    (output_dir / ".speechkit-manifest.json").write_text("{}", encoding="utf-8")
    resp = client.get(url, follow_redirects=True)  # werkzeug merges "//" with a redirect
    assert resp.status_code == 404, url
    body = resp.get_data(as_text=True)
    assert "campaign" not in body and "root:" not in body


def test_symlink_out_of_output_is_not_followed(client, output_dir, profiles_dir):
    town = output_dir / "东湖镇"
    town.mkdir()
    (town / "秘密.docx").symlink_to(profiles_dir / "city.yaml")
    assert client.get("/files/东湖镇/秘密.docx").status_code == 404


def test_files_inside_output_are_served(client, output_dir):
    (output_dir / "东湖镇").mkdir()
    (output_dir / "东湖镇" / "动员讲话.docx").write_bytes(b"PK-test")
    resp = client.get("/files/东湖镇/动员讲话.docx")
    assert resp.status_code == 200
    assert resp.data == b"PK-test"
    assert "attachment" in resp.headers["Content-Disposition"]
    assert client.get("/files/东湖镇/nothing.docx").status_code == 404


def test_upload_over_the_limit_gets_a_chinese_message(client, csrf_of):
    token = csrf_of(client)
    big = io.BytesIO(b"x" * (300 * 1024))
    resp = client.post(
        "/check",
        data={"csrf_token": token, "draft": (big, "大文件.txt")},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 413
    text = resp.get_data(as_text=True)
    assert "上传的文件太大" in text and "0.25 MB" in text


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("讲话.docx", b"this is not a zip file at all", "不是有效的 Word 文件"),
        ("讲话.docx", b"", "是空文件"),
        ("讲话.pdf", b"%PDF-1.4", "只能检查 Word/WPS 文档"),
        ("run.exe", b"MZ", "只能检查 Word/WPS 文档"),
    ],
)
def test_bad_uploads_get_a_clear_message(client, name, content, expected, csrf_of):
    token = csrf_of(client)
    resp = client.post(
        "/check",
        data={"csrf_token": token, "draft": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 400
    assert expected in resp.get_data(as_text=True)


def test_zip_that_is_not_word_is_refused(client, csrf_of):
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "hi")
    token = csrf_of(client)
    resp = client.post(
        "/check",
        data={"csrf_token": token, "draft": (io.BytesIO(buf.getvalue()), "假文档.docx")},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 400
    assert "没有正文部分" in resp.get_data(as_text=True)


def test_missing_upload_is_explained(client, csrf_of):
    token = csrf_of(client)
    resp = client.post("/check", data={"csrf_token": token}, content_type="multipart/form-data")
    assert resp.status_code == 400
    assert "请选择要检查的文稿" in resp.get_data(as_text=True)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_resolve_inside_never_leaves_base(tmp_path_factory, relative):
    from flask import Flask
    from werkzeug.exceptions import NotFound

    from speechkit.web.security import resolve_inside

    base = tmp_path_factory.getbasetemp() / "base"
    base.mkdir(exist_ok=True)
    with Flask(__name__).app_context():
        try:
            target = resolve_inside(base, relative)
        except NotFound:
            return
        except (ValueError, OSError):  # unrepresentable names never reach the file system
            return
    assert target == base.resolve() or target.is_relative_to(base.resolve())


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_clean_upload_name_is_a_plain_base_name(name):
    from speechkit.web.drafts import clean_upload_name

    cleaned = clean_upload_name(name)
    assert cleaned and "/" not in cleaned and "\\" not in cleaned and "\x00" not in cleaned
    assert not cleaned.startswith(".")
    assert cleaned not in (".", "..")
    assert len(cleaned) <= 80 + len(os.path.splitext(cleaned)[1])
    assert Path(cleaned).name == cleaned


def test_clean_upload_name_keeps_chinese_and_suffix():
    from speechkit.web.drafts import clean_upload_name

    assert clean_upload_name("C:\\用户\\桌面\\动员讲话.DOCX") == "动员讲话.docx"
    assert clean_upload_name("../../etc/passwd") == "passwd"
    assert clean_upload_name(".docx") == "文稿.docx"


def test_foreign_host_header_is_refused(client):
    """A page that rebinds its DNS name to 127.0.0.1 still sends its own Host: refused."""
    resp = client.get("/", headers={"Host": "evil.example:8000"})
    assert resp.status_code == 400 and "拒绝访问" in resp.get_data(as_text=True)
    assert client.get("/", headers={"Host": "127.0.0.1:8000"}).status_code == 200
    assert client.get("/", headers={"Host": "localhost"}).status_code == 200
