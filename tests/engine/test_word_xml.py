"""Tags as Word really stores them: split by proofing marks, bookmarks, revisions; empty cells."""

from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from speechkit.engine import Template
from speechkit.engine.tags import scan

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def write_body(path, body_xml: str) -> None:
    """Replace the body of python-docx's default document with ``body_xml``."""
    import docx

    docx.Document().save(path)
    src = zipfile.ZipFile(path)
    items = {n: src.read(n) for n in src.namelist()}
    src.close()
    items["word/document.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:document xmlns:w="{W}"><w:body>{body_xml}<w:sectPr/></w:body></w:document>'
    ).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in items.items():
            dst.writestr(name, data)


def test_tag_split_by_proofing_marks_bookmarks_and_revisions(tmp_path, lines):
    path = tmp_path / "t.docx"
    write_body(
        path,
        "<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>尊敬的{{ town</w:t></w:r>"
        '<w:proofErr w:type="spellStart"/><w:bookmarkStart w:id="0" w:name="x"/>'
        '<w:r><w:t>.na</w:t></w:r><w:bookmarkEnd w:id="0"/><w:proofErr w:type="spellEnd"/>'
        '<w:ins w:id="1" w:author="a"><w:r><w:t>me }}同志</w:t></w:r></w:ins></w:p>',
    )
    out = Template(path).render({"town": {"name": "东湖镇"}})
    assert lines(out) == ["尊敬的东湖镇同志"]
    xml = zipfile.ZipFile(io.BytesIO(out)).read("word/document.xml").decode()
    # the value sits in the bold run where the tag started
    assert '<w:b/></w:rPr><w:t xml:space="preserve">尊敬的东湖镇</w:t>' in xml
    assert "bookmarkStart" in xml  # nothing else of the paragraph is lost


def test_empty_cell_after_false_condition_gets_a_paragraph(tmp_path, rows):
    path = tmp_path / "t.docx"
    write_body(
        path,
        '<w:tbl><w:tblGrid><w:gridCol w:w="2000"/></w:tblGrid><w:tr><w:tc>'
        "<w:p><w:r><w:t>{%p if x %}</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>有</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>{%p endif %}</w:t></w:r></w:p>"
        "</w:tc></w:tr></w:tbl>",
    )
    tpl = Template(path)
    assert rows(tpl.render({"x": True})) == [["有"]]
    out = tpl.render({"x": False})
    xml = zipfile.ZipFile(io.BytesIO(out)).read("word/document.xml").decode()
    assert "<w:tc><w:p/></w:tc>" in xml
    assert rows(out) == [[""]]


def test_illegal_characters_in_values_are_dropped(tmp_path, lines):
    path = tmp_path / "t.docx"
    write_body(path, "<w:p><w:r><w:t>{{ v }}</w:t></w:r></w:p>")
    assert lines(Template(path).render({"v": "甲\x0b乙\x00"})) == ["甲乙"]


def test_markup_that_breaks_xml_is_refused_before_writing(tmp_path):
    from speechkit.errors import RenderError

    path = tmp_path / "t.docx"
    write_body(path, "<w:p><w:r><w:t>{{ v | safe }}</w:t></w:r></w:p>")
    out = tmp_path / "o.docx"
    with pytest.raises(RenderError, match="不是合法的 XML"):
        Template(path).save({"v": "</w:t>"}, out)
    assert not out.exists()


# --- the scanner on arbitrary text -----------------------------------------------------------

_pieces = st.lists(
    st.one_of(
        st.sampled_from(["{{", "}}", "{%", "%}", "{#", "#}", "{", "}", "%", "#", " "]),
        st.text(alphabet="甲乙 x.|_'\"“”", max_size=4),
    ),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(_pieces)
def test_scanner_never_loses_text(pieces):
    text = "".join(pieces)
    tags, errors = scan(text)
    # tags are ordered, disjoint and exactly the text they cover
    prev = 0
    for tag in tags:
        assert tag.start >= prev and text[tag.start : tag.end] == tag.text
        prev = tag.end
    # every delimiter is either inside a tag or reported
    covered = [(t.start, t.end) for t in tags]
    for i in range(len(text) - 1):
        pair = text[i : i + 2]
        if pair in ("{{", "{%", "{#", "}}", "%}", "#}"):
            inside = any(s <= i < e for s, e in covered)
            reported = any(e.start <= i for e in errors)
            assert inside or reported, (text, i)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="甲乙丙 ，。x_.", min_size=0, max_size=20))
def test_scanner_wellformed_var_tags(name):
    text = f"前{{{{ {name} }}}}后"
    tags, errors = scan(text)
    assert not errors
    assert len(tags) == 1 and tags[0].kind == "var" and tags[0].body == name.strip()


def test_table_left_without_rows_is_removed(tmp_path, lines):
    path = tmp_path / "t.docx"
    write_body(
        path,
        "<w:p><w:r><w:t>前</w:t></w:r></w:p>"
        '<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr>'
        '<w:tblGrid><w:gridCol w:w="2000"/></w:tblGrid>'
        "<w:tr><w:tc><w:p><w:r><w:t>{%tr for m in ms %}</w:t></w:r></w:p></w:tc></w:tr>"
        "<w:tr><w:tc><w:p><w:r><w:t>{{ m }}</w:t></w:r></w:p></w:tc></w:tr>"
        "<w:tr><w:tc><w:p><w:r><w:t>{%tr endfor %}</w:t></w:r></w:p></w:tc></w:tr>"
        "</w:tbl><w:p><w:r><w:t>后</w:t></w:r></w:p>",
    )
    tpl = Template(path)
    assert lines(tpl.render({"ms": ["甲"]})) == ["前", "甲", "后"]
    out = tpl.render({"ms": []})
    assert "<w:tbl>" not in zipfile.ZipFile(io.BytesIO(out)).read("word/document.xml").decode()
    assert lines(out) == ["前", "后"]


def test_paragraph_tag_on_section_break_or_picture_is_refused(tmp_path):
    from speechkit.errors import TemplateError

    path = tmp_path / "t.docx"
    write_body(
        path,
        "<w:p><w:r><w:t>{%p if x %}</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>内容</w:t></w:r></w:p>"
        "<w:p><w:pPr><w:sectPr/></w:pPr><w:r><w:t>{%p endif %}</w:t></w:r></w:p>"
        "<w:p><w:r><w:drawing/><w:t>{%p if y %}</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>{%p endif %}</w:t></w:r></w:p>",
    )
    with pytest.raises(TemplateError) as info:
        Template(path)
    messages = [p.message for p in info.value.problems]
    assert any("分节符" in m for m in messages)
    assert any("图片" in m for m in messages)


def test_runs_emptied_by_joining_a_tag_are_removed(make_template):
    import docx

    path = make_template([["{{ to", "wn.na", "me }}", "镇"]])
    out = Template(path).render({"town": {"name": "东湖"}})
    runs = docx.Document(io.BytesIO(out)).paragraphs[0].runs
    assert [r.text for r in runs] == ["东湖", "镇"]
