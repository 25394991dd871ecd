"""Values and template files that once produced a misleading failure or silent loss."""

from __future__ import annotations

import zipfile

import pytest

from speechkit.engine import Template
from speechkit.errors import InputFileError
from speechkit.filters import paragraphs


@pytest.mark.parametrize("ch", ["\x01", "\x07", "\x08", "\x0b", "\x1f", "\ufffe"])
def test_paragraphs_filter_drops_xml_illegal_characters(make_template, lines, ch):
    tpl = Template(make_template(["{{ items | paragraphs }}"]))
    data = tpl.render({"items": [f"第一{ch}条", "第二条"]})
    assert lines(data) == ["第一条", "第二条"]  # no split at BEL, no invalid XML


def test_paragraphs_filter_keeps_every_legal_character():
    text = "甲\t乙 <丙> & 丁"
    assert paragraphs([text]) == "甲\t乙 &lt;丙&gt; &amp; 丁"


def test_control_character_in_a_plain_value_is_dropped(make_template, lines):
    data = Template(make_template(["[{{ v }}]"])).render({"v": "a\x01b\x07c"})
    assert lines(data) == ["[abc]"]


def _with_dtd(path):
    """Rewrite word/document.xml with an internal DTD and an entity before a tag."""
    with zipfile.ZipFile(path) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    xml = members["word/document.xml"].decode("utf-8")
    head, rest = xml.split("?>", 1)
    xml = head + '?><!DOCTYPE w:document [<!ENTITY e "实体">]>' + rest
    xml = xml.replace("甲", "&e;甲", 1)
    members["word/document.xml"] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w") as zf:
        for name, blob in members.items():
            zf.writestr(name, blob)
    return path


def test_dtd_in_a_template_part_is_refused_not_silently_dropping_tags(make_template):
    path = _with_dtd(make_template(["甲{{ name }}乙"]))
    with pytest.raises(InputFileError, match="DTD") as info:
        Template(path)
    assert "word/document.xml" in info.value.format_message()  # refused by the document layer
