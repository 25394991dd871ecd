"""Reading documents: paragraphs per part in document order, the same text model everywhere."""

from __future__ import annotations

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from speechkit.check.sources import mask_markdown, read_document
from speechkit.errors import InputFileError


def test_txt_lines_are_paragraphs_with_line_numbers(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("第一行\r\n\r\n第三行", encoding="utf-8")
    doc = read_document(p)
    assert [(b.part, b.index, b.text) for b in doc.blocks] == [
        ("body", 1, "第一行"),
        ("body", 2, ""),
        ("body", 3, "第三行"),
    ]


def test_txt_gb18030_and_bom(tmp_path):
    p = tmp_path / "gbk.txt"
    p.write_bytes("布署工作".encode("gb18030"))
    assert read_document(p).blocks[0].text == "布署工作"
    q = tmp_path / "bom.txt"
    q.write_bytes("\ufeff已经".encode())
    assert read_document(q).blocks[0].text == "已经"


def test_markdown_emphasis_masked_but_placeholders_kept():
    assert mask_markdown("这是**重点**内容") == "这是\u2060\u2060重点\u2060\u2060内容"
    assert mask_markdown("**市委召开会议") == "**市委召开会议"
    assert len(mask_markdown("a **b** c")) == len("a **b** c")


def test_docx_parts_order_tables_and_notes(tmp_path, make_docx):
    path = make_docx(
        tmp_path / "t.docx",
        body=["甲段", {"table": [["格一", ["格二上", "格二下"]]]}, [("乙", True), "段\t尾"]],
        header=["页眉段"],
        footer=["页脚一", "页脚二"],
        footnotes=["脚注一", ["脚注二上", "脚注二下"]],
    )
    blocks = [(b.part, b.index, b.text) for b in read_document(path).blocks]
    assert blocks == [
        ("body", 1, "甲段"),
        ("body", 2, "格一"),
        ("body", 3, "格二上"),
        ("body", 4, "格二下"),
        ("body", 5, "乙段\t尾"),
        ("header", 1, "页眉段"),
        ("footer", 1, "页脚一"),
        ("footer", 2, "页脚二"),
        ("footnote", 1, "脚注一"),
        ("footnote", 2, "脚注二上"),
        ("footnote", 3, "脚注二下"),
    ]


def test_python_docx_document_matches_its_own_paragraphs(tmp_path):
    d = docx.Document()
    d.add_paragraph("第一段")
    t = d.add_table(rows=2, cols=2)
    t.cell(1, 1).text = "表格里的字"
    p = d.add_paragraph("前")
    p.add_run("粗体").bold = True
    path = tmp_path / "p.docx"
    d.save(path)
    texts = [b.text for b in read_document(path).blocks if b.part == "body"]
    assert texts == ["第一段", "", "", "", "表格里的字", "前粗体"]


_TEXT = st.text(alphabet=st.sampled_from(list("党员同志镇区己经，。“”*　 \tab<&>")), max_size=12)
_RUNS = st.lists(st.tuples(_TEXT, st.booleans()), min_size=0, max_size=4)
_BLOCK = st.one_of(
    _RUNS,
    st.lists(
        st.lists(st.lists(_RUNS, min_size=1, max_size=2), min_size=1, max_size=3),
        min_size=1,
        max_size=2,
    ).map(lambda rows: {"table": rows}),
)


def _expected(body):
    out = []
    for item in body:
        if isinstance(item, dict):
            for row in item["table"]:
                for cell in row:
                    for para in cell:
                        out.append("".join(t for t, _ in para))
        else:
            out.append("".join(t for t, _ in item))
    return out


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=st.lists(_BLOCK, min_size=1, max_size=6), header=st.lists(_RUNS, max_size=2))
def test_docx_text_model_property(tmp_path_factory, make_docx, body, header):
    path = make_docx(tmp_path_factory.mktemp("h") / "x.docx", body=body, header=header)
    doc = read_document(path)
    got_body = [b.text for b in doc.blocks if b.part == "body"]
    assert got_body == _expected(body)
    assert [b.index for b in doc.blocks if b.part == "body"] == list(range(1, len(got_body) + 1))
    assert [b.text for b in doc.blocks if b.part == "header"] == [
        "".join(t for t, _ in h) for h in header
    ]


@pytest.mark.parametrize(
    ("name", "content", "needle"),
    [
        ("x.docx", b"not a zip", "Word"),
        ("x.xyz", b"old", "不支持的文件类型"),
        ("x.txt", b"\x00\x01binary", "不是文本文件"),
    ],
)
def test_bad_inputs_raise_located_chinese_errors(tmp_path, name, content, needle):
    p = tmp_path / name
    p.write_bytes(content)
    with pytest.raises(InputFileError) as exc:
        read_document(p)
    assert needle in exc.value.format_message()
    assert name in exc.value.format_message()


def test_missing_file(tmp_path):
    with pytest.raises(InputFileError, match="文件不存在"):
        read_document(tmp_path / "none.txt")


def test_docx_with_broken_xml(tmp_path):
    import zipfile

    from speechkit.docx.package import CT_NS

    p = tmp_path / "broken.docx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("[Content_Types].xml", f'<Types xmlns="{CT_NS}"/>')
        z.writestr("word/document.xml", "<w:document><w:body>")
    with pytest.raises(InputFileError, match="word/document.xml 不是合法的 XML"):
        read_document(p)


def test_markdown_code_and_urls_are_not_checked(tmp_path):
    from speechkit.check import check

    p = tmp_path / "a.md"
    p.write_text(
        "正文里布署了\n"
        "```\n"
        "代码里布署,不查\n"
        "```\n"
        "行内 `{{ town.name }}` 不查，见 https://example.cn/a,b 说明\n"
        "~~~yaml\n"
        "x: 己经\n"
        "~~~\n"
        "最后,有问题\n",
        encoding="utf-8",
    )
    got = [(f.rule, f.location.paragraph, f.match) for f in check(p).findings]
    assert got == [("typo.common", 1, "布署"), ("punct.halfwidth", 9, ",")]
    txt = tmp_path / "a.txt"
    txt.write_text("代码`{{ x }}`在文本文件里要查\n", encoding="utf-8")
    assert [f.rule for f in check(txt).findings] == ["placeholder.template-tag"]


def test_docx_markup_hyperlinks_revisions_fields_textboxes(tmp_path, make_docx):
    def r(text):
        return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'

    xml = (
        "<w:p>"
        + r("甲")
        + f'<w:hyperlink r:id="rIdX">{r("链接")}</w:hyperlink>'
        + f"<w:ins>{r('插入')}</w:ins>"
        + "<w:del><w:r><w:delText>删除</w:delText></w:r></w:del>"
        + '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        + '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        + '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        + r("7")
        + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        + "<w:r><w:t>乙</w:t><w:br/><w:t>丙</w:t></w:r>"
        + '<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent>'
        + "<w:p>"
        + r("文本框")
        + "</w:p>"
        + "</w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent>"
        + "<w:p>"
        + r("文本框")
        + "</w:p>"
        + "</w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
        + r("丁")
        + "</w:p>"
    )
    path = make_docx(tmp_path / "m.docx", body=[{"xml": xml}, "后一段"])
    blocks = [(b.index, b.text) for b in read_document(path).blocks]
    assert blocks == [(1, "甲链接插入7乙\n丙丁"), (2, "文本框"), (3, "后一段")]


def test_strict_ooxml_is_refused(tmp_path, make_docx):
    import zipfile

    src = make_docx(tmp_path / "s.docx", body=["正文"])
    strict = tmp_path / "strict.docx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(strict, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "word/document.xml":
                data = data.replace(
                    b"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
                    b"http://purl.oclc.org/ooxml/wordprocessingml/main",
                )
            zout.writestr(info, data)
    with pytest.raises(InputFileError, match="Strict Open XML"):
        read_document(strict)
