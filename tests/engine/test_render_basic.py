"""Rendering: values, split tags, loops, conditions, headers, escaping, line breaks."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import docx
import pytest

from speechkit.engine import Template
from speechkit.errors import InputFileError, RenderError, TemplateError


def test_variables_and_split_tags_keep_first_run_formatting(make_template, lines):
    path = make_template([["尊敬的{{ town.na", "me }}同志，", "到会", "{{ party.mem", "bers }}人"]])
    tpl = Template(path)
    out = tpl.render({"town": {"name": "东湖镇"}, "party": {"members": 612}})
    assert lines(out)[0] == "尊敬的东湖镇同志，到会612人"
    d = docx.Document(io.BytesIO(out))
    runs = d.paragraphs[0].runs
    # the first tag started in a plain run, the second in a bold one: the values keep that
    assert runs[0].text == "尊敬的东湖镇" and not runs[0].bold
    assert runs[1].text == "同志，" and runs[1].bold
    assert runs[3].text == "612" and runs[3].bold
    assert runs[4].text == "人" and not runs[4].bold


def test_values_are_xml_escaped_and_newlines_become_breaks(make_template, lines):
    tpl = Template(make_template(["{{ a }}|{{ b }}"]))
    out = tpl.render({"a": "A & B <C>", "b": "一\n二\t三"})
    assert lines(out)[0] == "A & B <C>|一\n二\t三"


def test_paragraph_loop_leaves_no_empty_paragraphs(make_template, lines):
    path = make_template(
        ["开始", "{%p for s in slogans %}", "口号：{{ s }}", "{%p endfor %}", "结束"]
    )
    out = Template(path).render({"slogans": ["建设生态东湖", "打造水产强镇"]})
    assert lines(out) == ["开始", "口号：建设生态东湖", "口号：打造水产强镇", "结束"]
    out = Template(path).render({"slogans": []})
    assert lines(out) == ["开始", "结束"]


def test_paragraph_conditional_with_is_defined(make_template, lines):
    path = make_template(
        [
            "{%p if member is defined %}",
            "姓名：{{ member.name }}",
            "{%p else %}",
            "姓名：",
            "{%p endif %}",
        ]
    )
    tpl = Template(path)
    assert lines(tpl.render({})) == ["姓名："]
    assert lines(tpl.render({"member": {"name": "张三"}})) == ["姓名：张三"]


def test_row_loop(make_template, rows):
    path = make_template(
        table=[
            ["{%tr for m in members %}", ""],
            ["{{ m.name }}", "{{ m.title }}"],
            ["{%tr endfor %}", ""],
        ]
    )
    out = Template(path).render(
        {"members": [{"name": "张", "title": "书记"}, {"name": "王", "title": "镇长"}]}
    )
    assert rows(out) == [["张", "书记"], ["王", "镇长"]]


def test_header_and_footer(make_template, lines):
    path = make_template(["正文"], header=["{{ town.name }}文件"], footer=["第{{ n }}页"])
    out = Template(path).render({"town": {"name": "东湖镇"}, "n": 1})
    assert lines(out, "header") == ["东湖镇文件"]
    assert lines(out, "footer") == ["第1页"]


def test_paragraphs_filter_keeps_style(make_template):
    path = make_template(["{{ tasks | paragraphs }}"], style="List Bullet")
    out = Template(path).render({"tasks": ["召开动员大会", "组织集中学习"]})
    d = docx.Document(io.BytesIO(out))
    assert [(p.text, p.style.name) for p in d.paragraphs] == [
        ("召开动员大会", "List Bullet"),
        ("组织集中学习", "List Bullet"),
    ]


def test_filters_available(make_template, lines):
    path = make_template(
        ["{{ d | cn_date }}，{{ d | cn_date(style='hanzi') }}，{{ names | cn_join }}"]
    )
    out = Template(path).render({"d": dt.date(2024, 7, 1), "names": ["甲", "乙", "丙"]})
    assert lines(out)[0] == "2024年7月1日，二〇二四年七月一日，甲、乙和丙"


def test_smart_quotes_inside_tags(make_template, lines):
    path = make_template(["{{ d | cn_date(style=“month”) }}"])
    assert lines(Template(path).render({"d": dt.date(2024, 7, 1)}))[0] == "2024年7月"


def test_undefined_variable_is_an_error_with_did_you_mean(make_template):
    path = make_template(["第一段", "{{ town.nmae }}镇"])
    with pytest.raises(RenderError) as info:
        Template(path).render({"town": {"name": "东湖镇"}})
    text = info.value.format_message()
    assert "第2段" in text and "正文" in text
    assert "town.nmae" in text and "town.name" in text


def test_undefined_top_level_did_you_mean(make_template):
    with pytest.raises(RenderError) as info:
        Template(make_template(["{{ metting.date }}"])).render({"meeting": {}})
    assert "metting" in str(info.value) and "meeting" in str(info.value)


def test_variables_property(make_template):
    path = make_template(
        ["{{ town.name }}", "{%p for m in members %}", "{{ m.name }}{{ sep }}", "{%p endfor %}"],
        header=["{{ city.name }}"],
    )
    assert Template(path).variables == {"town", "members", "sep", "city"}


def test_render_does_not_touch_template_and_copies_other_parts(make_template):
    path = make_template(["{{ x }}"])
    before = path.read_bytes()
    out = Template(path).render({"x": "值"})
    assert path.read_bytes() == before
    src, dst = zipfile.ZipFile(path), zipfile.ZipFile(io.BytesIO(out))
    assert src.namelist() == dst.namelist()
    for name in src.namelist():
        if name != "word/document.xml":
            assert src.read(name) == dst.read(name), name
    assert dst.testzip() is None


def test_save_is_atomic_and_overwrites(make_template, tmp_path, lines):
    tpl = Template(make_template(["{{ x }}"]))
    out = tmp_path / "sub" / "o.docx"
    tpl.save({"x": "一"}, out)
    tpl.save({"x": "二"}, out)
    assert lines(out) == ["二"]
    with pytest.raises(RenderError):
        tpl.save({}, out)
    assert lines(out) == ["二"]  # a failed render leaves the old file
    assert [p.name for p in out.parent.iterdir()] == ["o.docx"]


def test_missing_and_corrupt_files(tmp_path):
    with pytest.raises(InputFileError):
        Template(tmp_path / "nope.docx")
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(InputFileError) as info:
        Template(bad)
    assert "bad.docx" in str(info.value)


def test_malformed_tag_is_located_not_swallowed(make_template):
    path = make_template(["正文", "党员{{ party_ members }人", "{{ ok }}"])
    with pytest.raises(TemplateError) as info:
        Template(path)
    problems = info.value.problems
    assert len(problems) == 1
    assert problems[0].location.paragraph == 2
    assert "缺少“}}”" in problems[0].message


def test_none_prints_as_nothing(make_template, lines):
    path = make_template(["职务：{{ m.post }}；出生：{{ m.birth | cn_date(style='month') }}"])
    assert lines(Template(path).render({"m": {"post": None, "birth": None}})) == ["职务：；出生："]


def test_save_into_a_folder_or_unwritable_place_is_a_clear_error(make_template, tmp_path):
    from speechkit.errors import SpeechkitError

    tpl = Template(make_template(["{{ x }}"]))
    (tmp_path / "dir.docx").mkdir()
    with pytest.raises(SpeechkitError, match="文件夹"):
        tpl.save({"x": 1}, tmp_path / "dir.docx")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(SpeechkitError, match="无法写出"):
        tpl.save({"x": 1}, blocker / "sub" / "o.docx")


def test_paragraphs_filter_with_empty_list_leaves_no_blank_paragraph(make_template, lines, rows):
    path = make_template(
        ["前", "{{ tasks | paragraphs }}", "任务：{{ tasks | paragraphs }}", "后"],
        table=[["{{ tasks | paragraphs }}"]],
    )
    out = Template(path).render({"tasks": []})
    assert lines(out) == ["前", "任务：", "后", ""]  # the cell keeps one empty paragraph
    assert rows(out) == [[""]]
