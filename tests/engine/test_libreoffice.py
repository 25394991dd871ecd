"""Rendered files open in LibreOffice: render → convert_to_pdf → pdftotext."""

from __future__ import annotations

import pytest
from tests.conftest import PROFILES, TEMPLATES, pdf_text, requires_soffice

from speechkit.engine import Template


@requires_soffice
@pytest.mark.soffice
def test_rendered_docx_converts_to_pdf_with_its_text(make_template, tmp_path):
    from speechkit.typeset.pdf import convert_to_pdf

    path = make_template(
        ["{{ town.name }}动员大会", "{%p for s in slogans %}", "口号：{{ s }}", "{%p endfor %}"],
        table=[
            ["{%tr for m in members %}", ""],
            ["{{ m.name }}", "{{ m.title }}"],
            ["{%tr endfor %}", ""],
        ],
        header=["{{ city }}文件"],
    )
    ctx = {
        "town": {"name": "东湖镇"},
        "city": "海川市",
        "slogans": ["建设生态东湖", "打造水产强镇"],
        "members": [{"name": "周演示", "title": "组织委员"}],
    }
    out = Template(path).save(ctx, tmp_path / "out.docx")
    pdf = convert_to_pdf(out, tmp_path / "pdf")
    text = "".join(pdf_text(pdf, layout=False).split())
    for expected in (
        "东湖镇动员大会",
        "口号：建设生态东湖",
        "口号：打造水产强镇",
        "周演示",
        "组织委员",
        "海川市文件",
    ):
        assert expected in text
    assert "{{" not in text and "{%" not in text


@requires_soffice
@pytest.mark.soffice
def test_shipped_speech_renders_for_demo_town(tmp_path):
    from speechkit.profiles import load_profile
    from speechkit.typeset.pdf import convert_to_pdf

    template = TEMPLATES / "动员讲话.docx"  # committed; tests/typeset checks it is current
    profile = load_profile(PROFILES / "towns" / "donghu.yaml")
    out = Template(template).save(profile.context(), tmp_path / "speech.docx")
    text = "".join(pdf_text(convert_to_pdf(out, tmp_path), layout=False).split())
    assert "东湖镇" in text and "{{" not in text


@requires_soffice
@pytest.mark.soffice
def test_render_command_writes_pdf_too(cli, make_template, tmp_path):
    path = make_template(["{{ title }}"])
    data = tmp_path / "d.yaml"
    data.write_text("title: 关于开展学习活动的通知\n", encoding="utf-8")
    out = tmp_path / "out" / "通知.docx"
    res = cli("render", path, "--data", data, "-o", out, "--pdf")
    assert res.exit_code == 0, res.output
    pdf = out.with_suffix(".pdf")
    assert "关于开展学习活动的通知" in "".join(pdf_text(pdf, layout=False).split())
    res = cli("render", path, "--data", data, "-o", out, "--pdf")
    assert res.exit_code == 2  # both files exist: refused without --force
