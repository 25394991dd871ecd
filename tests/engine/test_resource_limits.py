"""Template resource limits: huge sizes are refused before they are built, and a render past
its time or memory budget stops with a located Chinese message."""

from __future__ import annotations

import time

import pytest

from speechkit.engine import Template
from speechkit.engine.limits import RenderLimits
from speechkit.errors import RenderError

HOSTILE = [
    ("{{ 'x'.center(10**10) }}", "center()"),
    ("{{ 'x'|center(10**10) }}", "过滤器 center"),
    ("{{ lipsum(10**6) }}", "lipsum()"),
    ("{{ 10**(10**8) }}", "乘方"),
    ("{{ 9**(9**9) }}", "乘方"),
    ("{{ [1]*10**9 }}", "重复"),
    ("{{ 'x'*10**9 }}", "重复"),
    ("{{ '{:>9999999999}'.format(1) }}", "宽度"),
    ("{{ '{:{w}d}'.format(1, w=10**10) }}", "宽度"),
    ("{{ '%99999999d' % 1 }}", "宽度"),
    ("{{ [1, 2]|batch(10**9, 0)|list }}", "过滤器 batch"),
    ("{{ range(10**9)|list|length }}", "range()"),
    ("{% set s = 'x'*9000000 %}{{ s ~ s }}", "连接"),
    ("{% set s = 'x'*9000000 %}{{ s + s }}", "相加"),
    ("{% set s = ['x'*1000000]*100 %}{{ s|join }}", "join"),
    (
        "{% set ns = namespace(s='ab') %}{% for i in range(40) %}"
        "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}",
        "连接",
    ),
    (
        "{% set s = 'x'*1000000 %}{% for i in range(100000) %}{{ s }}{% endfor %}",
        "输出的文字",
    ),
    (
        "{% macro d(n) %}{% if n %}{{ d(n-1) }}{{ d(n-1) }}{% else %}{{ 'x'*1000 }}"
        "{% endif %}{% endmacro %}{{ d(40) }}",
        "限制",
    ),
]


@pytest.mark.parametrize(("text", "what"), HOSTILE)
def test_hostile_template_is_refused_quickly(make_template, text, what):
    tpl = Template(make_template(["前文", text]), limits=RenderLimits(seconds=5))
    start = time.monotonic()
    with pytest.raises(RenderError) as info:
        tpl.render({})
    assert time.monotonic() - start < 8
    msg = info.value.format_message()
    assert "资源限制" in msg and what in msg
    assert "第2段" in msg  # located at the tag's paragraph


def test_time_budget_stops_nested_loops(make_template):
    text = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    tpl = Template(make_template([text]), limits=RenderLimits(seconds=0.5))
    start = time.monotonic()
    with pytest.raises(RenderError, match="时间限制（0.5 秒）"):
        tpl.render({})
    assert time.monotonic() - start < 3


def test_time_budget_stops_loops_over_data_without_calls(make_template):
    text = "{% for a in xs %}{% for b in xs %}{% for c in xs %}{% endfor %}{% endfor %}{% endfor %}"
    tpl = Template(make_template([text]), limits=RenderLimits(seconds=0.5))
    with pytest.raises(RenderError, match="时间限制"):
        tpl.render({"xs": list(range(2000))})


def test_memory_budget_stops_a_growing_render(make_template):
    row = "{% for i in range(100000) %}<{{ i }}>" + "字" * 200 + "{% endfor %}"
    text = "{% for j in range(100) %}" + row + "{% endfor %}"
    tpl = Template(make_template([text]), limits=RenderLimits(seconds=60, memory_mb=64))
    with pytest.raises(RenderError, match="内存超过了限制（64 MB）"):
        tpl.render({})


def test_recursion_is_explained(make_template):
    tpl = Template(make_template(["{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}"]))
    with pytest.raises(RenderError, match="递归层数太多"):
        tpl.render({})


def test_ordinary_uses_stay_allowed(make_template, lines):
    text = (
        "{{ '%05d' % 42 }} {{ '{:>6}'.format('甲') }} {{ 'ab' * 3 }} {{ 2 ** 10 }} "
        "{{ [0] * 3 }} {{ 'x'|center(5) }}|{% for i in range(3) %}{{ i }}{% endfor %}"
        "|{{ missing | default(15000000) }}|{{ 123456789 | cn_number }}"
    )
    data = Template(make_template([text])).render({})
    assert lines(data) == [
        "00042      甲 ababab 1024 [0, 0, 0]   x  |012|15000000|一亿二千三百四十五万六千七百八十九"
    ]


def test_limits_do_not_leak_into_the_next_render(make_template):
    tpl = Template(make_template(["{{ n }}"]), limits=RenderLimits(seconds=0.2))
    tpl.render({"n": 1})
    time.sleep(0.3)
    tpl.render({"n": 2})  # a new deadline per render
