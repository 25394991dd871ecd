"""RichText, RichTextParagraph, Listing, InlineImage and Subdoc: what they print and what
they add to the package (relationships, media, styles); the result reopens in python-docx and
LibreOffice."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from docx.oxml.ns import qn
from tests.conftest import pdf_text, requires_soffice
from tests.engine.conftest import make_jpeg, make_png, numbered_subdoc

from speechkit.engine import (
    InlineImage,
    Listing,
    Mm,
    Pt,
    RichText,
    RichTextParagraph,
    Subdoc,
    Template,
)
from speechkit.errors import RenderError


def _runs(data: bytes) -> list[tuple[str, bool, str | None]]:
    d = docx.Document(io.BytesIO(data))
    out = []
    for p in d.paragraphs:
        for r in p.runs:
            color = str(r.font.color.rgb) if r.font.color and r.font.color.rgb else None
            out.append((r.text, bool(r.bold), color))
    return out


def test_richtext_with_r_tag_keeps_the_text_around(make_template, lines):
    tpl = Template(make_template(["前{{r rt }}后"]))
    rt = RichText("紧急", bold=True, color="C00000").add("通知", italic=True, size=32)
    data = tpl.render({"rt": rt})
    assert lines(data) == ["前紧急通知后"]
    runs = _runs(data)
    assert ("紧急", True, "C00000") in runs and ("通知", False, None) in runs
    assert docx.Document(io.BytesIO(data)).paragraphs[0].runs[2].font.size == Pt(16)


def test_richtext_in_plain_tag_and_plain_text_in_r_tag(make_template, lines):
    tpl = Template(make_template(["A{{ rt }}B", "C{{r s }}D"]))
    data = tpl.render({"rt": RichText("粗", bold=True), "s": "<&>"})
    assert lines(data) == ["A粗B", "C<&>D"]


def test_richtext_control_characters(make_template, lines):
    tpl = Template(make_template(["{{r rt }}"]))
    data = tpl.render({"rt": RichText("一\n二\t三\a四\f五")})
    assert lines(data) == ["一\n二\t三", "四", "\n五"]
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert 'w:type="page"' in xml


def test_richtext_hyperlink_adds_an_external_relationship(make_template, lines):
    tpl = Template(make_template(["见{{r rt }}"]))
    url = tpl.build_url_id("https://www.gov.cn/")
    data = tpl.render({"rt": RichText("中国政府网", url_id=url, underline=True)})
    assert lines(data) == ["见中国政府网"]
    z = zipfile.ZipFile(io.BytesIO(data))
    rels = z.read("word/_rels/document.xml.rels").decode()
    assert 'Target="https://www.gov.cn/"' in rels and 'TargetMode="External"' in rels
    assert "<w:hyperlink" in z.read("word/document.xml").decode()


def test_richtext_paragraph_replaces_its_paragraph(make_template, lines):
    tpl = Template(make_template(["前", "{{p rtp }}", "后"]))
    rtp = RichTextParagraph().add(RichText("一段", bold=True), parastyle="Heading1").add("二段")
    data = tpl.render({"rtp": rtp})
    assert lines(data) == ["前", "一段", "二段", "后"]
    styles = [p.style.name for p in docx.Document(io.BytesIO(data)).paragraphs]
    assert styles[1] == "Heading 1"


def test_plain_value_in_p_tag_keeps_paragraph_style(make_template, lines):
    path = make_template(["{{p v }}"], style="Heading 2")
    data = Template(path).render({"v": "标题"})
    assert lines(data) == ["标题"]
    assert docx.Document(io.BytesIO(data)).paragraphs[0].style.name == "Heading 2"


def test_listing_breaks_lines_and_paragraphs(make_template, lines):
    data = Template(make_template(["{{ l }}"])).render({"l": Listing("甲 <1>\n乙\a丙")})
    assert lines(data) == ["甲 <1>\n乙", "丙"]


@pytest.mark.parametrize(
    ("image", "width", "height", "want"),
    [
        (make_png(200, 100), Mm(40), None, (Mm(40), Mm(20))),
        (make_jpeg(30, 60), None, Mm(30), (Mm(15), Mm(30))),
        (make_png(72, 36), None, None, (914400, 457200)),  # no pHYs: 72 dpi, one inch
    ],
)
def test_inline_image_sizes(make_template, image, width, height, want):
    tpl = Template(make_template(["照片：{{ photo }}。"]))
    data = tpl.render({"photo": InlineImage(tpl, image, width=width, height=height)})
    shapes = docx.Document(io.BytesIO(data)).inline_shapes
    assert len(shapes) == 1
    assert abs(shapes[0].width - want[0]) <= 1 and abs(shapes[0].height - want[1]) <= 1
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert sum(n.startswith("word/media/sk_") for n in names) == 1


def test_same_image_twice_is_stored_once_and_works_in_headers_and_tables(
    make_template, lines, tmp_path
):
    (tmp_path / "seal.png").write_bytes(make_png())
    tpl = Template(
        make_template(["{{ img }}", "{{ img }}"], table=[["{{ img }}"]], header=["{{ img }}页眉"])
    )
    data = tpl.render({"img": InlineImage(tmp_path / "seal.png", width=Mm(10))})
    z = zipfile.ZipFile(io.BytesIO(data))
    assert sum(n.startswith("word/media/sk_") for n in z.namelist()) == 1
    assert "media/sk_" in z.read("word/_rels/header1.xml.rels").decode()
    assert 'Extension="png"' in z.read("[Content_Types].xml").decode()
    body = z.read("word/document.xml").decode()
    assert body.count("<w:drawing>") == 3
    ids = [int(x) for x in __import__("re").findall(r'<wp:docPr id="(\d+)"', body)]
    assert len(set(ids)) == 3


def test_subdoc_brings_its_body_styles_and_images(make_template, lines, tmp_path):
    d = docx.Document()
    style = d.styles.add_style("附件标题", 1)
    style.font.bold = True
    d.add_paragraph("附件一", style="附件标题")
    d.add_paragraph("第二段")
    d.add_picture(io.BytesIO(make_png()), width=Mm(10))
    t = d.add_table(rows=1, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text = "甲", "乙"
    sub = tmp_path / "附件.docx"
    d.save(sub)
    tpl = Template(make_template(["正文", "{{p sub }}", "结束"]))
    data = tpl.render({"sub": tpl.new_subdoc(sub)})
    assert lines(data) == ["正文", "附件一", "第二段", "", "甲", "乙", "结束"]
    out = docx.Document(io.BytesIO(data))
    assert out.paragraphs[1].style.name == "附件标题"
    assert len(out.inline_shapes) == 1 and len(out.tables) == 1


def test_empty_subdoc_filled_with_python_docx(make_template, lines):
    tpl = Template(make_template(["{{p sub }}"]))
    sub = tpl.new_subdoc()
    sub.add_paragraph("由程序生成")
    assert lines(tpl.render({"sub": sub})) == ["由程序生成"]


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (lambda: InlineImage(b"not an image"), "不是图片"),
        (lambda: InlineImage(make_png(), width="2cm"), "不是长度"),
        (lambda: Subdoc(b"PK not a zip"), "压缩包不完整"),
        (lambda: Subdoc(b"%PDF-1.4 x"), "PDF"),
        (lambda: RichText("x", color="红色"), "不是颜色"),
        (lambda: RichText("x", url_id="javascript:alert(1)"), "不是网址"),
    ],
)
def test_bad_objects_are_refused_in_chinese(value, words):
    with pytest.raises(ValueError, match=words):
        value()


def test_subdoc_in_a_plain_tag_is_a_located_error(make_template, tmp_path):
    sub = tmp_path / "s.docx"
    docx.Document().save(sub)
    tpl = Template(make_template(["前", "文{{ sub }}"]))
    with pytest.raises(RenderError, match=r"\{\{p 变量\}\}") as info:
        tpl.render({"sub": Subdoc(sub)})
    assert "第2段" in info.value.format_message()


def test_colour_from_data_in_cellbg_is_checked(make_template):
    tpl = Template(make_template(["x"], table=[["{% cellbg c %}格"]]))
    with pytest.raises(RenderError, match="不是颜色") as info:
        tpl.render({"c": "red"})
    assert "表格1 第1行第1列" in info.value.format_message()


@requires_soffice
@pytest.mark.soffice
def test_images_links_and_subdocs_open_in_libreoffice(make_template, tmp_path):
    from speechkit.typeset.pdf import convert_to_pdf

    sub = tmp_path / "sub.docx"
    d = docx.Document()
    d.add_paragraph("附件正文内容")
    d.add_picture(io.BytesIO(make_png()), width=Mm(10))
    d.save(sub)
    tpl = Template(
        make_template(
            ["标题{{r rt }}", "{{ img }}", "{{p sub }}", "{{p lst }}"], header=["{{ img }}"]
        )
    )
    numbered_subdoc(tmp_path / "list.docx", "decimal")
    ctx = {
        "rt": RichText("链接文字", url_id="https://www.gov.cn/", color="0000FF"),
        "img": InlineImage(make_png(), width=Mm(20)),
        "sub": Subdoc(sub),
        "lst": Subdoc(tmp_path / "list.docx"),
    }
    out = tpl.save(ctx, tmp_path / "o.docx")
    pdf = convert_to_pdf(out, tmp_path / "pdf")
    text = "".join(pdf_text(pdf, layout=False).split())
    assert "标题链接文字" in text and "附件正文内容" in text
    assert "（1）第一项" in text and "（2）第二项" in text  # the list's own numbering
    root = docx.Document(str(out)).element
    assert len(root.findall(".//" + qn("w:drawing"))) == 2


def test_subdoc_lists_keep_their_own_numbering(make_template, tmp_path, lines):
    sub = tmp_path / "list.docx"
    numbered_subdoc(sub, "chineseCounting")
    tpl = Template(make_template(["正文", "{{p sub }}"]))
    data = tpl.render({"sub": Subdoc(sub)})
    assert lines(data) == ["正文", "第一项", "第二项"]
    out = docx.Document(io.BytesIO(data))
    num_ids = {p._p.pPr.numPr.numId.val for p in out.paragraphs[1:]}
    assert len(num_ids) == 1
    (num_id,) = num_ids
    numbering = out.part.numbering_part.element
    num = next(n for n in numbering.findall(qn("w:num")) if n.get(qn("w:numId")) == str(num_id))
    abs_id = num.find(qn("w:abstractNumId")).get(qn("w:val"))
    abstract = next(
        a for a in numbering.findall(qn("w:abstractNum")) if a.get(qn("w:abstractNumId")) == abs_id
    )
    assert abstract.find(".//" + qn("w:numFmt")).get(qn("w:val")) == "chineseCounting"
    # the template's own list 1 is untouched
    assert num_id != 1


def test_subdoc_lists_into_a_template_without_numbering(make_template, tmp_path, lines):
    import re

    path = make_template(["正文", "{{p sub }}"])
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist() if n != "word/numbering.xml"}
    rels = members["word/_rels/document.xml.rels"].decode()
    members["word/_rels/document.xml.rels"] = re.sub(
        r"<Relationship [^>]*numbering[^>]*/>", "", rels
    ).encode()
    types = members["[Content_Types].xml"].decode()
    members["[Content_Types].xml"] = re.sub(r"<Override [^>]*numbering[^>]*/>", "", types).encode()
    with zipfile.ZipFile(path, "w") as z:
        for name, blob in members.items():
            z.writestr(name, blob)
    sub = tmp_path / "list.docx"
    numbered_subdoc(sub, "chineseCounting")
    data = Template(path).render({"sub": Subdoc(sub)})
    out = docx.Document(io.BytesIO(data))
    assert [p.text for p in out.paragraphs] == ["正文", "第一项", "第二项"]
    numbering = out.part.numbering_part.element
    assert numbering.find(".//" + qn("w:numFmt")).get(qn("w:val")) == "chineseCounting"
