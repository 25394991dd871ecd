"""The template commands: template vars, template check, render (through cli.main)."""

from __future__ import annotations

import json

from tests.conftest import TEMPLATES


def test_template_vars_lists_paths_and_locations(cli, make_template):
    path = make_template(
        ["{{ town.name }}", "{%p for m in members %}", "{{ m.name }}", "{%p endfor %}"]
    )
    res = cli("template", "vars", path)
    assert res.exit_code == 0, res.output
    assert "town.name" in res.stdout
    assert "正文 第1段" in res.stdout
    assert "members" in res.stdout and "正文 第2段" in res.stdout
    assert "m.name" not in res.stdout  # loop variables are not template inputs


def test_template_check_ok_and_bad(cli, make_template):
    ok = make_template(["{{ x }}"], name="ok.docx")
    res = cli("template", "check", ok)
    assert res.exit_code == 0 and "没有发现问题" in res.stdout
    bad = make_template(["{{ x }", "{% if y %}"], name="bad.docx")
    res = cli("template", "check", bad)
    assert res.exit_code == 2
    assert "bad.docx" in res.stderr and "第1段" in res.stderr and "第2段" in res.stderr
    assert "Traceback" not in res.output


def test_template_check_missing_file(cli, tmp_path):
    res = cli("template", "check", tmp_path / "none.docx")
    assert res.exit_code == 2 and "不存在" in res.stderr


def test_render_with_data_file_and_force(cli, make_template, tmp_path, lines):
    tpl = make_template(["{{ title }}：{{ items | cn_join }}"])
    data = tmp_path / "d.json"
    data.write_text(json.dumps({"title": "清单", "items": ["甲", "乙", "丙"]}), encoding="utf-8")
    out = tmp_path / "o.docx"
    res = cli("render", tpl, "--data", data, "-o", out)
    assert res.exit_code == 0, res.output
    assert lines(out) == ["清单：甲、乙和丙"]
    before = out.read_bytes()
    res = cli("render", tpl, "--data", data, "-o", out)
    assert res.exit_code == 2 and "--force" in res.stderr
    assert out.read_bytes() == before
    data.write_text(json.dumps({"title": "新", "items": []}), encoding="utf-8")
    res = cli("render", tpl, "--data", data, "-o", out, "--force")
    assert res.exit_code == 0 and lines(out) == ["新："]


def test_render_with_profile(cli, make_template, tmp_path, lines, demo_profiles):
    tpl = make_template(["{{ town.committee }}：{{ party.members }}名党员，{{ city.name }}"])
    out = tmp_path / "o.docx"
    res = cli("render", tpl, "--profile", demo_profiles / "towns" / "donghu.yaml", "-o", out)
    assert res.exit_code == 0, res.output
    assert lines(out) == ["中共东湖镇委员会：612名党员，海川市"]


def test_render_undefined_variable_exit_2_nothing_written(cli, make_template, tmp_path):
    tpl = make_template(["{{ titel }}"])
    data = tmp_path / "d.yaml"
    data.write_text("title: 标题\n", encoding="utf-8")
    out = tmp_path / "o.docx"
    res = cli("render", tpl, "--data", data, "-o", out)
    assert res.exit_code == 2
    assert "titel" in res.stderr and "title" in res.stderr and "第1段" in res.stderr
    assert not out.exists()


def test_render_needs_exactly_one_source(cli, make_template, tmp_path):
    tpl = make_template(["x"])
    res = cli("render", tpl, "-o", tmp_path / "o.docx")
    assert res.exit_code == 2 and "--profile" in res.stderr


def test_shipped_templates_check_clean(cli):
    for name in ("动员讲话.docx", "实施方案.docx", "党性分析评议表.docx"):
        res = cli("template", "check", TEMPLATES / name)
        assert res.exit_code == 0, res.output


def test_template_check_with_data_lists_every_missing_variable(cli, make_template, tmp_path):
    tpl = make_template(
        [
            "{{ town.nmae }}",
            "{{ titel }}",
            "{% if member is defined %}{{ member.name }}{% endif %}",
            "{{ town.name }}",
        ]
    )
    data = tmp_path / "d.yaml"
    data.write_text("town: {name: 东湖镇}\ntitle: 标题\n", encoding="utf-8")
    res = cli("template", "check", tpl, "--data", data)
    assert res.exit_code == 2
    assert "2 个变量" in res.stderr
    assert "第1段" in res.stderr and "是不是 town.name" in res.stderr
    assert "第2段" in res.stderr and "是不是 title" in res.stderr
    assert "member" not in res.stderr  # guarded by `is defined`
    data.write_text("town: {name: 东湖镇, nmae: x}\ntitel: 标题\n", encoding="utf-8")
    res = cli("template", "check", tpl, "--data", data)
    assert res.exit_code == 0 and "试填成功" in res.stdout


def test_template_check_with_demo_profile(cli, demo_profiles):
    path = TEMPLATES / "动员讲话.docx"
    res = cli("template", "check", path, "--profile", demo_profiles / "towns" / "donghu.yaml")
    assert res.exit_code == 0, res.output
