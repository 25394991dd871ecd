"""Making a template from a model document in the browser: upload, choose the town, get the
template and the review; bad uploads get a message in the page's words."""

from __future__ import annotations

import base64
import io
import re

from tests.web.conftest import TEMPLATES

from speechkit import Template, load_profile


def _finished_plan(profiles_dir) -> bytes:
    """The shipped plan rendered for 东湖镇 (the town file donghu.yaml)."""
    context = load_profile(profiles_dir / "towns" / "donghu.yaml").context()
    plan = next(p for p in sorted(TEMPLATES.glob("*.docx")) if "方案" in p.name)
    return Template(plan).render(context)


def _post(client, csrf_of, data: bytes, name: str, **form):
    token = csrf_of(client, "/template-from")
    return client.post(
        "/template-from",
        data={"csrf_token": token, "model": (io.BytesIO(data), name), **form},
        content_type="multipart/form-data",
    )


def test_upload_gives_the_template_and_the_review(client, csrf_of, profiles_dir, tmp_path):
    page = _post(client, csrf_of, _finished_plan(profiles_dir), "东湖镇方案.docx", town="donghu")
    html = page.get_data(as_text=True)
    assert page.status_code == 200, html
    assert "往返检验：新模板用同一份资料填写后，与范文逐段一致。" in html
    assert "{{ town.name }}" in html
    b64 = re.search(r"base64,([A-Za-z0-9+/=]+)", html).group(1)
    template = tmp_path / "模板.docx"
    template.write_bytes(base64.b64decode(b64))
    other = load_profile(profiles_dir / "towns" / "linhai.yaml").context()
    assert "town" in Template(template).variables
    assert Template(template).render(other)


def test_saving_into_the_templates_folder_never_overwrites_silently(
    app, client, csrf_of, profiles_dir, tmp_path
):
    from speechkit.web import Settings

    folder = tmp_path / "templates"
    folder.mkdir()
    old = app.extensions["speechkit"]
    app.extensions["speechkit"] = Settings(old.profiles_dir, folder, old.output_dir)
    data = _finished_plan(profiles_dir)
    first = _post(client, csrf_of, data, "方案.docx", town="donghu", save="1")
    assert first.status_code == 200 and (folder / "方案（模板）.docx").exists()
    (folder / "方案（模板）.docx").write_bytes(b"mine")
    second = _post(client, csrf_of, data, "方案.docx", town="donghu", save="1")
    assert second.status_code == 409 and "覆盖同名模板" in second.get_data(as_text=True)
    assert (folder / "方案（模板）.docx").read_bytes() == b"mine"


def test_a_file_that_is_not_a_document_gets_a_message(client, csrf_of):
    page = _post(client, csrf_of, b"not a document", "范文.docx", town="donghu")
    html = page.get_data(as_text=True)
    assert page.status_code == 400 and "范文.docx" in html and "Traceback" not in html


def test_a_town_must_be_chosen(client, csrf_of, profiles_dir):
    page = _post(client, csrf_of, _finished_plan(profiles_dir), "方案.docx", town="")
    assert page.status_code == 400 and "请选择这份范文所写的乡镇" in page.get_data(as_text=True)
