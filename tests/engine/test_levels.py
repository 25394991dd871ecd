"""Run and cell level tags, nested loops, comments, footnotes."""

from __future__ import annotations

import io
import zipfile

import docx

from speechkit.engine import Template


def test_run_tags_remove_their_run_and_keep_neighbours(make_template, lines):
    path = make_template([["前文", "{%r if show %}", "加粗", "{%r endif %}", "后文"]])
    tpl = Template(path)
    assert lines(tpl.render({"show": True})) == ["前文加粗后文"]
    assert lines(tpl.render({"show": False})) == ["前文后文"]
    d = docx.Document(io.BytesIO(tpl.render({"show": True})))
    assert [(r.text, bool(r.bold)) for r in d.paragraphs[0].runs] == [
        ("前文", False),
        ("加粗", False),
        ("后文", False),
    ]  # the bold runs that held the tags are gone, no empty run is left


def test_run_tag_inside_text_splits_the_run(make_template, lines):
    path = make_template(["甲{%r if x %}乙{%r endif %}丙"])
    tpl = Template(path)
    assert lines(tpl.render({"x": 1})) == ["甲乙丙"]
    assert lines(tpl.render({"x": 0})) == ["甲丙"]


def test_cell_loop_adds_columns_and_grid(make_template, rows):
    path = make_template(
        table=[
            ["姓名", "{%tc for y in years %}", "{{ y }}年", "{%tc endfor %}"],
            ["张", "", "", ""],
        ]
    )
    out = Template(path).render({"years": [2022, 2023, 2024, 2025, 2026]})
    got = rows(out)
    assert got[0] == ["姓名", "2022年", "2023年", "2024年", "2025年", "2026年"]
    d = docx.Document(io.BytesIO(out))
    grid = d.tables[0]._tbl.tblGrid.findall(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}gridCol"
    )
    assert len(grid) == 6


def test_nested_loops_over_paragraphs(make_template, lines):
    path = make_template(
        [
            "{%p for ph in phases %}",
            "{{ loop.index | cn_ordinal(2) }}{{ ph.name }}",
            "{%p for t in ph.tasks %}",
            "{{ loop.index }}. {{ t }}",
            "{%p endfor %}",
            "{%p endfor %}",
        ]
    )
    ctx = {
        "phases": [
            {"name": "学习动员", "tasks": ["甲", "乙"]},
            {"name": "分析评议", "tasks": ["丙"]},
        ]
    }
    assert lines(Template(path).render(ctx)) == [
        "（一）学习动员",
        "1. 甲",
        "2. 乙",
        "（二）分析评议",
        "1. 丙",
    ]


def test_comments_vanish(make_template, lines):
    path = make_template(["正文{# 说明 #}结束", "{#p 整段说明 #}", "末段"])
    assert lines(Template(path).render({})) == ["正文结束", "末段"]


def test_inline_conditional_across_runs(make_template, lines):
    path = make_template([["{% if a %}", "有", "{% else %}", "无", "{% endif %}"]])
    tpl = Template(path)
    assert lines(tpl.render({"a": True})) == ["有"]
    assert lines(tpl.render({"a": False})) == ["无"]


def _add_footnote_part(path, text, kind="footnote"):
    """Give a python-docx file a footnotes (or endnotes) part holding ``text``."""
    src = zipfile.ZipFile(path)
    items = {n: src.read(n) for n in src.namelist()}
    src.close()
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    items[f"word/{kind}s.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:{kind}s xmlns:w="{w}">'
        f'<w:{kind} w:id="1"><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:{kind}>'
        f"</w:{kind}s>"
    ).encode()
    ct = items["[Content_Types].xml"].decode()
    ct = ct.replace(
        "</Types>",
        f'<Override PartName="/word/{kind}s.xml" ContentType="application/vnd.openxmlformats-'
        f'officedocument.wordprocessingml.{kind}s+xml"/></Types>',
    )
    items["[Content_Types].xml"] = ct.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in items.items():
            dst.writestr(name, data)


def test_footnotes_are_rendered(make_template):
    path = make_template(["正文"])
    _add_footnote_part(path, "资料来源：{{ source }}")
    out = Template(path).render({"source": "市委办"})
    xml = zipfile.ZipFile(io.BytesIO(out)).read("word/footnotes.xml").decode()
    assert "资料来源：市委办" in xml


def test_endnotes_are_rendered(make_template):
    path = make_template(["正文"])
    _add_footnote_part(path, "{{ n | cn_number }}", kind="endnote")
    out = Template(path).render({"n": 12})
    assert "十二" in zipfile.ZipFile(io.BytesIO(out)).read("word/endnotes.xml").decode()


def test_footnote_errors_name_the_part(make_template):
    path = make_template(["正文"])
    _add_footnote_part(path, "{{ source }")
    try:
        Template(path)
    except Exception as exc:  # noqa: BLE001 - asserting on the message
        assert "脚注1 第1段" in str(exc)
    else:
        raise AssertionError("expected a TemplateError")
