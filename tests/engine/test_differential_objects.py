"""Differential tests for docxtpl's objects and document properties: the same template and
the same data, built with each library's own classes, give the same text, runs and pictures."""

from __future__ import annotations

import io

import pytest

docxtpl = pytest.importorskip("docxtpl")

import docx  # noqa: E402
from docx.shared import Mm  # noqa: E402
from jinja2 import Environment  # noqa: E402
from tests.engine.conftest import make_png  # noqa: E402

import speechkit.engine as sk  # noqa: E402

PNG = make_png(60, 30)


def _context(lib, tpl, sub_path):
    rt = lib.RichText("紧急", bold=True, color="C00000")
    rt.add("通知", italic=True)  # docxtpl's add returns None: no chaining here
    rtp = lib.RichTextParagraph()
    rtp.add(lib.RichText("一段", bold=True))
    rtp.add(lib.RichText("二段"))
    return {
        "rt_font": lib.RichText("测试TEST", font="eastAsia:微软雅黑"),
        "rt": rt,
        "rtp": rtp,
        "listing": lib.Listing("甲 <1>\n乙\a丙"),
        "img": lib.InlineImage(tpl, io.BytesIO(PNG), width=Mm(20)),
        "sub": tpl.new_subdoc(str(sub_path)),
        "title": "东湖镇动员讲话",
    }


CASES = {
    "richtext": dict(body=["前{{r rt }}后"]),
    "richtext_and_if": dict(
        body=["{% if rt %}{{r rt }}{% endif %}后", "{% if not rt %}无{% endif %}"]
    ),
    "richtext_east_asian_font": dict(body=["字体：{{r rt_font }}"]),
    "richtext_in_table": dict(body=["x"], table=[["{{r rt }}", "b"]]),
    "richtext_paragraph": dict(body=["前", "{{p rtp }}", "后"]),
    "listing": dict(body=["{{ listing }}"]),
    "inline_image": dict(body=["图：{{ img }}完"], header=["{{ img }}"]),
    "subdoc": dict(body=["正文", "{{p sub }}", "结束"]),
}


def _theirs(path, sub_path):
    tpl = docxtpl.DocxTemplate(str(path))
    tpl.render(
        _context(docxtpl, tpl, sub_path), jinja_env=Environment(autoescape=True), autoescape=True
    )
    buf = io.BytesIO()
    tpl.save(buf)
    return buf.getvalue()


def _ours(path, sub_path):
    tpl = sk.Template(path)
    return tpl.render(_context(sk, tpl, sub_path))


def _shape(data: bytes, part: str = "body"):
    d = docx.Document(io.BytesIO(data))
    root = d.element.body if part == "body" else d.sections[0].header._element
    runs = [
        (r.text, bool(r.bold), bool(r.italic)) for p in root.iter(docx.oxml.ns.qn("w:p"))
        for r in docx.text.paragraph.Paragraph(p, None).runs if r.text
    ]  # fmt: skip
    sizes = [(s.width, s.height) for s in d.inline_shapes]
    return runs, sizes


@pytest.fixture
def sub_path(tmp_path):
    d = docx.Document()
    d.add_paragraph("附件第一段")
    t = d.add_table(rows=1, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text = "甲", "乙"
    d.add_paragraph("附件末段")
    path = tmp_path / "sub.docx"
    d.save(path)
    return path


@pytest.mark.parametrize("case", sorted(CASES))
def test_same_result_as_docxtpl(case, make_template, lines, rows, sub_path):
    spec = CASES[case]
    path = make_template(**spec)
    ours, theirs = _ours(path, sub_path), _theirs(path, sub_path)
    for part in ("body", "header"):
        assert lines(ours, part) == lines(theirs, part), part
    assert _shape(ours) == _shape(theirs)
    if "table" in spec:
        assert rows(ours) == rows(theirs)
    assert _east_asian_fonts(ours) == _east_asian_fonts(theirs)
    assert any(line.strip() for line in lines(ours)) or "table" in spec


def test_core_properties_rendered_like_docxtpl(make_template):
    path = make_template(["正文"])
    d = docx.Document(path)
    d.core_properties.title = "{{ title }}"
    d.core_properties.subject = "{{ title }}的主题"
    d.core_properties.author = "{% if title %}党政办{% endif %}"
    d.core_properties.keywords = "{{ title }}"  # docxtpl leaves keywords as they are
    d.save(path)
    ctx = {"title": "东湖镇动员讲话"}
    ours = sk.Template(path).render(ctx)
    tpl = docxtpl.DocxTemplate(str(path))
    tpl.render(ctx, autoescape=True)
    buf = io.BytesIO()
    tpl.save(buf)
    want = ("东湖镇动员讲话", "东湖镇动员讲话的主题", "党政办")
    for data in (ours, buf.getvalue()):
        cp = docx.Document(io.BytesIO(data)).core_properties
        assert (cp.title, cp.subject, cp.author) == want
    assert docx.Document(io.BytesIO(ours)).core_properties.keywords == "东湖镇动员讲话"


def _east_asian_fonts(data: bytes) -> list[str]:
    d = docx.Document(io.BytesIO(data))
    fonts = d.element.body.iter(docx.oxml.ns.qn("w:rFonts"))
    return [f.get(docx.oxml.ns.qn("w:eastAsia")) for f in fonts]
