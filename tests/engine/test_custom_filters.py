"""Custom filters and globals passed to ``Template``: usable in tags, still sandboxed and
bounded; the CLI's --time-limit stops a runaway template with exit 2."""

from __future__ import annotations

import pytest

from speechkit.engine import Template
from speechkit.errors import RenderError, SpeechkitError


def test_custom_filter_and_global(make_template, lines):
    path = make_template(["{{ name | shout }}，{{ greet(name) }}，{{ unit }}"])
    tpl = Template(
        path,
        filters={"shout": lambda s: s + "！"},
        globals={"greet": lambda s: f"你好{s}", "unit": "东湖镇"},
    )
    assert lines(tpl.render({"name": "张三"})) == ["张三！，你好张三，东湖镇"]


def test_custom_filter_is_unknown_without_registration(make_template):
    with pytest.raises(SpeechkitError, match="shout"):
        Template(make_template(["{{ name | shout }}"]))


def test_custom_globals_stay_sandboxed(make_template):
    class Unit:
        name = "东湖镇"

    tpl = Template(make_template(["{{ u.__class__.__mro__ }}"]), globals={"u": Unit()})
    with pytest.raises(RenderError, match="u.__class__ 未定义"):
        tpl.render({})  # the sandbox hides the attribute


def test_custom_filter_results_are_bounded(make_template):
    tpl = Template(make_template(["{{ 1 | big }}"]), filters={"big": lambda _: "x" * 20_000_000})
    with pytest.raises(RenderError, match="过滤器 big 的结果"):
        tpl.render({})


def test_custom_filter_failure_is_located(make_template):
    def boom(_):
        raise ValueError("数据不对")

    tpl = Template(make_template(["前", "{{ 1 | boom }}"]), filters={"boom": boom})
    with pytest.raises(RenderError, match="数据不对") as info:
        tpl.render({})
    assert "第2段" in info.value.format_message()


def test_bad_filter_name_is_refused(make_template):
    with pytest.raises(SpeechkitError, match="过滤器名称"):
        Template(make_template(["x"]), filters={"bad name": str})


def test_cli_time_limit_stops_a_runaway_template(cli, make_template, tmp_path):
    loop = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    tpl = make_template(["标题", loop])
    data = tmp_path / "d.yaml"
    data.write_text("a: 1\n", encoding="utf-8")
    out = tmp_path / "o.docx"
    res = cli("render", tpl, "--data", data, "-o", out, "--time-limit", "0.5")
    assert res.exit_code == 2, res.output
    assert "时间限制（0.5 秒）" in res.stderr and "第2段" in res.stderr
    assert "Traceback" not in res.output
    assert not out.exists()


def test_chinese_filter_and_global_names_as_in_the_readme(make_template, lines):
    path = make_template(["{{ year | 落款 }}，{{ 单位 }}"])
    tpl = Template(path, filters={"落款": lambda d: f"{d}年"}, globals={"单位": "东湖镇"})
    assert lines(tpl.render({"year": 2024})) == ["2024年，东湖镇"]
