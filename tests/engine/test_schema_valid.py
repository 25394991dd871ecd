"""Rendered documents stay valid OOXML (openxml-audit): rich objects, merged and shaded cells,
merged paragraphs add no schema finding the template did not already have."""

from __future__ import annotations

import io

import docx
from tests.engine.conftest import make_png, numbered_subdoc
from tests.typeset.helpers import schema_findings

from speechkit.engine import InlineImage, Listing, Mm, RichText, RichTextParagraph, Subdoc, Template


def test_every_feature_renders_valid_ooxml(make_template, tmp_path):
    sub = docx.Document()
    sub.add_paragraph("附件第一段")
    sub.add_picture(io.BytesIO(make_png()), width=Mm(10))
    t = sub.add_table(rows=1, cols=2)
    t.cell(0, 0).text = "甲"
    sub.add_paragraph("附件末段")
    sub_path = tmp_path / "sub.docx"
    sub.save(sub_path)
    numbered = tmp_path / "numbered.docx"
    numbered_subdoc(numbered, "chineseCounting")
    path = make_template(
        [
            "标题{{r rt }}，{{ lst }}",
            "{{p rtp }}",
            "照片{{ img }}",
            "开头",
            "{%- if flag -%}",
            "合并",
            "{%- endif -%}",
            "{{p sub }}",
            "{{p numbered }}",
        ],
        table=[
            ["部门", "{% colspan 2 %}姓名{% cellbg 'FFCC00' %}", ""],
            ["{%tr for s in staff %}", "", ""],
            ["{% vm %}{{ s.dept }}", "{{ s.name }}", "{{r rt }}"],
            ["{%tr endfor %}", "", ""],
        ],
        header=["{{ img }}页眉"],
    )
    rtp = RichTextParagraph()
    rtp.add(RichText("一段", bold=True))
    ctx = {
        "rt": RichText("链接", url_id="https://www.gov.cn/", color="0000FF"),
        "lst": Listing("甲\n乙"),
        "rtp": rtp,
        "img": InlineImage(make_png(), width=Mm(15)),
        "flag": True,
        "sub": Subdoc(sub_path),
        "numbered": Subdoc(numbered),
        "staff": [{"dept": "办公室", "name": "甲"}, {"dept": "办公室", "name": "乙"}],
    }
    before = set(schema_findings(path))
    after = set(schema_findings(Template(path).render(ctx)))
    assert after - before == set()


def test_subdoc_ending_with_a_table_in_a_cell_stays_valid(make_template, tmp_path, rows):
    sub = docx.Document()
    sub.add_paragraph("附件")
    t = sub.add_table(rows=1, cols=1)
    t.cell(0, 0).text = "内表"
    sub_path = tmp_path / "sub.docx"
    sub.save(sub_path)
    # python-docx's default document ends its body with the section properties only
    body = sub.element.body
    assert body[-2].tag.endswith("}tbl")
    path = make_template(["x"], table=[["{{p sub }}", "乙"]])
    data = Template(path).render({"sub": Subdoc(sub_path)})
    before = set(schema_findings(path))
    assert set(schema_findings(data)) - before == set()
    cell = docx.Document(io.BytesIO(data)).tables[0].cell(0, 0)
    assert cell.paragraphs[0].text == "附件" and cell.tables[0].cell(0, 0).text == "内表"
    # Word requires a paragraph as the last element of every cell (as python-docx notes)
    assert cell._tc[-1].tag.endswith("}p")
