"""Outputs in the towns' order, zips of one town or all, the planned total of a run."""

from __future__ import annotations

import io
import re
import zipfile

from tests.web.test_generate import _generate, _template_dir


def _client(profiles_dir, output_dir, tmp_path):
    from speechkit.web import create_app

    return create_app(profiles_dir, _template_dir(tmp_path), output_dir, batch_jobs=1).test_client()


def test_all_towns_in_list_order_and_zips(profiles_dir, output_dir, tmp_path, csrf_of):
    from docx import Document

    client = _client(profiles_dir, output_dir, tmp_path)
    _, page = _generate(client, csrf_of)
    index = client.get("/").get_data(as_text=True)
    town_order = re.findall(r'<td><a href="/towns/[a-z0-9_-]+">([^<]+)</a></td>', index)
    count = len(list((profiles_dir / "towns").glob("*.yaml")))
    assert len(town_order) == count > 10
    result_order = re.findall(r"<h2>(\S+) <a class=\"zip\"", page)
    assert result_order == town_order
    listing = client.get("/output").get_data(as_text=True)
    listed = re.findall(r"<h2>(\S+)\s*<a class=\"zip\"", listing)
    assert listed == town_order

    resp = client.get("/output.zip")
    assert resp.status_code == 200 and resp.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(resp.data)) as zf:
        names = zf.namelist()
        assert "东湖镇/讲话.docx" in names and len(names) == count
        text = "\n".join(
            p.text for p in Document(io.BytesIO(zf.read("东湖镇/讲话.docx"))).paragraphs
        )
    assert "东湖镇动员大会讲话" in text

    resp = client.get("/output/东湖镇.zip")
    with zipfile.ZipFile(io.BytesIO(resp.data)) as zf:
        assert zf.namelist() == ["讲话.docx"]
    assert client.get("/output/..%2F..%2Fetc.zip").status_code == 404
    assert client.get("/output/没有这个镇.zip").status_code == 404


def test_planned_total_counts_one_form_per_member(profiles_dir, tmp_path):
    from docx import Document

    from speechkit.batch.roster import find_roster, read_roster
    from speechkit.web.generate import planned_total

    folder = _template_dir(tmp_path)
    doc = Document()
    doc.add_paragraph("{{ member.name }}党性分析评议表")
    doc.save(folder / "评议表.docx")
    members = len(read_roster(find_roster(profiles_dir / "towns" / "donghu.yaml")).members)
    assert planned_total(folder, profiles_dir, "donghu") == 1 + members
    assert planned_total(folder, profiles_dir, "gushan") == 1  # no roster


def test_generate_page_names_the_documents_of_the_templates(client):
    html = client.get("/generate").get_data(as_text=True)
    doc = html.split('id="documents">', 1)[1].split("</p>", 1)[0]
    assert "动员讲话" in doc and "实施方案" in doc and "每名党员一份" in doc


def test_without_explicit_templates_the_given_folder_is_used_when_no_pack_library(
    profiles_dir, output_dir, tmp_path
):
    from speechkit.web import create_app

    folder = _template_dir(tmp_path)
    app = create_app(profiles_dir, folder, output_dir, templates_explicit=False)
    with app.app_context():
        from speechkit.web import settings

        chosen = settings().templates_for_run()
    try:
        import speechkit.campaigns  # noqa: F401
    except ImportError:
        assert chosen == folder.resolve()
    else:  # the pack named by the demo folder (or the folder itself) — a real folder
        assert chosen.is_dir()
    app.extensions["speechkit.checks"].close()
