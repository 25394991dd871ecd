"""Text/Markdown → blocks → laid-out document (speechkit.typeset.text)."""

from __future__ import annotations

import datetime
import re

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from speechkit.typeset.text import closing_lines, parse_text, text_width, typeset
from tests.conftest import SEED
from tests.typeset.helpers import W, attr, open_docx, part_xml

SPEECH = """在全镇动员大会上的讲话
——在东湖镇先进性教育活动动员大会上
（2024年7月5日）
同志们：今天，我们召开动员大会。
一、提高认识
（一）学习内容要吃透。学习是首要环节。
1.召开动员大会
（1）细目
{%p if town.kind == "镇" %}
{{ town.name }}要高度重视。
{%p endif %}
"""


def kinds(blocks):
    return [(b.kind, b.level) for b in blocks]


def test_speech_lines_are_classified():
    blocks, notices = parse_text(SPEECH)
    assert kinds(blocks) == [
        ("title", 0),
        ("subtitle", 0),
        ("speaker", 0),
        ("salutation", 0),
        ("body", 0),
        ("heading", 1),
        ("heading", 2),
        ("heading", 3),
        ("heading", 4),
        ("tag", 0),
        ("body", 0),
        ("tag", 0),
    ]
    assert notices == []
    assert blocks[3].text == "同志们："
    assert blocks[4].text == "今天，我们召开动员大会。"


def test_run_in_heading_is_split_at_the_first_full_stop():
    blocks, _ = parse_text(SPEECH)
    heading = blocks[6]
    assert heading.head == "（一）学习内容要吃透。"
    assert heading.text == "学习是首要环节。"


def test_run_in_heading_runs_get_heading_and_body_fonts():
    data = typeset(SPEECH).data
    doc = part_xml(data, "word/document.xml")
    para = [p for p in doc.iter(W + "p") if "学习内容要吃透" in "".join(p.itertext())][0]
    assert attr(para.find(f"{W}pPr/{W}pStyle"), "val") == "Heading2"
    runs = para.findall(W + "r")
    assert runs[0].findtext(W + "t") == "（一）学习内容要吃透。"
    assert runs[0].find(f"{W}rPr/{W}rStyle") is None  # heading font from the style (楷体)
    assert attr(runs[1].find(f"{W}rPr/{W}rStyle"), "val") == "BodyChar"  # 仿宋 body
    styles = part_xml(data, "word/styles.xml")
    body_char = styles.find(f"{W}style[@{W}styleId='BodyChar']")
    assert attr(body_char.find(f"{W}rPr/{W}rFonts"), "eastAsia") == "仿宋_GB2312"


def test_paragraph_styles_follow_the_kinds():
    doc = open_docx(typeset(SPEECH).data)
    styles = [(p.style.name, p.text) for p in doc.paragraphs]
    assert styles[0] == ("Title", "在全镇动员大会上的讲话")
    assert styles[1][0] == "Subtitle"
    assert styles[2] == ("讲话人", "（2024年7月5日）")
    assert styles[3] == ("称呼", "")  # one blank line under the title block (GB/T 9704 §7.3.3)
    assert styles[4] == ("称呼", "同志们：")
    assert [s for s, _ in styles[6:10]] == ["Heading 1", "Heading 2", "Heading 3", "Heading 4"]


NOTICE = """# 关于做好2024年度工作的通知

各村（社区）党组织：

## 一、总体要求

要充分认识**重要意义**，切实把思想统一到上级决策上来。{{ a ** 2 }}

- 第一项要求
* 第二项要求

1. 加强领导。各单位要高度重视。
"""


def test_markdown_notice_addressee_emphasis_and_list_items():
    result = typeset(NOTICE, markdown=True)
    doc = open_docx(result.data)
    paragraphs = doc.paragraphs
    assert [(p.style.name, p.text) for p in paragraphs[:3]] == [
        ("Title", "关于做好2024年度工作的通知"),
        ("称呼", ""),  # 标题下空一行
        ("称呼", "各村（社区）党组织："),  # 主送 flush left, no indent
    ]
    emphasis = paragraphs[4]
    assert emphasis.text == "要充分认识重要意义，切实把思想统一到上级决策上来。{{ a ** 2 }}"
    assert [(r.text, bool(r.bold)) for r in emphasis.runs][:3] == [
        ("要充分认识", False),
        ("重要意义", True),
        ("，切实把思想统一到上级决策上来。{{ a ** 2 }}", False),
    ]
    assert [(p.style.name, p.text) for p in paragraphs[5:7]] == [
        ("Normal", "第一项要求"),
        ("Normal", "第二项要求"),
    ]
    assert paragraphs[7].style.name == "Heading 3"  # "1." stays the official level-3 number
    assert [n.line for n in result.notices if "列表" in n.message] == [9, 10]
    assert "*" not in "".join(p.text for p in paragraphs[:8]).replace("a ** 2", "")


def test_output_properties_do_not_name_python_docx():
    data = typeset("标题\n正文。").data
    core = part_xml(data, "docProps/core.xml")
    text = b"".join(etree.tostring(n) for n in core).decode()
    assert "python-docx" not in text
    assert "2013-12-23" not in text  # python-docx's template date
    app = part_xml(data, "docProps/app.xml")
    assert "Macintosh" not in etree.tostring(app).decode()


def test_jinja_tags_pass_through_untouched():
    doc = open_docx(typeset(SPEECH).data)
    texts = [p.text for p in doc.paragraphs]
    assert '{%p if town.kind == "镇" %}' in texts
    assert "{{ town.name }}要高度重视。" in texts
    assert "{%p endif %}" in texts


def test_markdown_headings_set_the_level_explicitly():
    blocks, _ = parse_text(
        "# 方案\n\n## 指导思想\n\n### {{ loop.index|cn_ordinal(2) }}学习\n\n正文。", markdown=True
    )
    assert kinds(blocks) == [("title", 0), ("heading", 1), ("heading", 2), ("body", 0)]
    assert blocks[2].text == "{{ loop.index|cn_ordinal(2) }}学习"


def test_backslash_continues_the_title_after_a_line_break():
    blocks, _ = parse_text(
        "在东湖镇保持共产党员先进性教育活动\\\n动员大会上的讲话\n同志们：\n正文。", markdown=True
    )
    assert blocks[0].kind == "title"
    assert blocks[0].text == "在东湖镇保持共产党员先进性教育活动\n动员大会上的讲话"
    doc = part_xml(typeset("标题第一行\\\n第二行\n正文。", markdown=True).data, "word/document.xml")
    title = doc.find(f"{W}body/{W}p")
    assert len(title.findall(f"{W}r/{W}br")) == 1


def test_seed_preview_line_is_kept_unless_dropping_is_asked():
    text = SEED.read_text(encoding="utf-8")
    blocks, notices = parse_text(text)
    assert blocks[0].kind == "body" and blocks[0].text.endswith("讲几点...")
    assert blocks[1].kind == "salutation" and blocks[1].text == "同志们："
    messages = [str(n) for n in notices]
    assert any("第1行" in m and "已作为正文保留" in m for m in messages)
    blocks, notices = parse_text(text, drop_preview=True)
    assert blocks[0].kind == "salutation" and blocks[0].text == "同志们："
    assert blocks[1].text.startswith("今天，很高兴能够参加")
    messages = [str(n) for n in notices]
    assert any("第1行" in m and "略去" in m for m in messages)
    assert any("没有找到标题" in m for m in messages)


def test_seed_run_on_level_one_headings_are_reported_not_guessed():
    blocks, notices = parse_text(SEED.read_text(encoding="utf-8"), title="讲话")
    level1 = [b for b in blocks if b.kind == "heading" and b.level == 1]
    assert len(level1) == 3
    assert all(b.head == "" for b in level1)  # not cut at an arbitrary place
    assert level1[0].text.startswith("一、提高认识，切实把思想统一到中央和省市委重大决策上来在全党")
    run_on = [n for n in notices if "一级标题" in n.message]
    assert [n.line for n in run_on] == [4, 18, 28]
    level2 = [b for b in blocks if b.kind == "heading" and b.level == 2]
    assert level2[0].head == "（一）开展此次教育活动，是加强的党执政能力的一项重要举措。"


def test_closing_block_literal_padding_follows_gbt9704():
    name, date = closing_lines("中共东湖镇委员会", "2024年7月8日")
    pad_name = len(name) - len(name.lstrip("\u3000"))
    pad_date = len(date) - len(date.lstrip("\u3000"))
    assert pad_date - pad_name == 2  # the date starts two characters right of the name
    assert pad_name + text_width("中共东湖镇委员会") == 28 - 2  # name two characters from the right
    # A date longer than the name: the date keeps two characters on the right instead.
    name, date = closing_lines("中共某镇委", "2024年12月31日")
    pad_date = len(date) - len(date.lstrip("\u3000"))
    assert pad_date + text_width("2024年12月31日") == 26
    assert len(name) - len(name.lstrip("\u3000")) == pad_date - 2


def test_closing_block_is_detected_and_preceded_by_a_blank_line():
    result = typeset("方案\n正文。\n中共东湖镇委员会\n2024年7月8日\n")
    assert [b.kind for b in result.blocks] == ["title", "body", "closing", "closing"]
    doc = open_docx(result.data)
    tail = [(p.style.name, p.text) for p in doc.paragraphs[-3:]]
    assert tail[0] == ("落款", "")
    assert tail[1][1].strip("\u3000") == "中共东湖镇委员会"
    assert tail[2][1].strip("\u3000") == "2024年7月8日"


def test_closing_block_with_tags_computes_padding_at_render_time():
    name, date = closing_lines("{{ town.committee }}", "{{ plan.date|cn_date }}")
    from jinja2.sandbox import SandboxedEnvironment

    from speechkit.filters import FILTERS

    env = SandboxedEnvironment()
    env.filters.update(FILTERS)
    for committee, expected_pad in (("中共东湖镇委员会", 18), ("中共城关街道工作委员会", 15)):
        out = env.from_string(name + "\n" + date).render(
            town={"committee": committee}, plan={"date": datetime.date(2024, 7, 8)}
        )
        first, second = out.split("\n")
        assert first == "\u3000" * expected_pad + committee
        assert second == "\u3000" * (expected_pad + 2) + "2024年7月8日"


_line = st.text(
    alphabet=st.sampled_from(list("一二三、（）。，：同志们正文标题12.{}%#— \u3000")), max_size=30
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_line, max_size=12))
def test_parse_keeps_every_character_of_the_text(lines):
    text = "\n".join(lines)
    blocks, notices = parse_text(text)  # by default no line is ever dropped
    squash = lambda s: re.sub(r"[\s\u3000#\\\\]", "", s)  # noqa: E731
    kept = "".join(b.head + b.text for b in blocks)
    assert squash(kept) == squash(text)


def test_markdown_title_may_continue_on_the_next_line():
    blocks, _ = parse_text(
        "# 东湖镇开展第二批\\\n保持共产党员先进性教育活动实施方案\n\n正文。", markdown=True
    )
    assert blocks[0].kind == "title"
    assert blocks[0].text == "东湖镇开展第二批\n保持共产党员先进性教育活动实施方案"


def test_a_long_first_sentence_is_not_taken_for_a_title():
    blocks, notices = parse_text("今天我们在这里召开会议，研究部署下一阶段的工作。\n第二段。")
    assert [b.kind for b in blocks] == ["body", "body"]
    assert any("没有找到标题" in n.message for n in notices)


def test_salutation_is_only_recognised_before_the_first_heading():
    blocks, _ = parse_text("标题\n一、总体要求\n参会代表：\n正文。")
    assert [b.kind for b in blocks] == ["title", "heading", "body", "body"]


def test_core_xml_stays_valid_after_docxcompose_is_imported():
    """P1-1: docxcompose rebinds python-docx's "cp" prefix on import; typeset output written
    later in the same process must still carry lastModifiedBy in the core-properties namespace."""
    import speechkit.batch.merge  # noqa: F401  (imports docxcompose and undoes its rebinding)

    core = part_xml(typeset("标题\n正文。").data, "docProps/core.xml")
    cp = "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}"
    assert core.tag == cp + "coreProperties"
    assert core.find(cp + "lastModifiedBy").text == "speechkit"
    assert not [n for n in core.iter() if "custom-properties" in str(n.tag)]


def test_glued_heading_notice_quotes_the_heading_it_is_about():
    """The seed's 二、 line is named by its own words, not only by its level."""
    from speechkit.typeset.text import parse_text

    text = (
        "标题\n\n一、甲\n正文。\n二、突出重点，切实保证先进性教育活动质量中央20号文件和市委制定的"
        "实施方案对此次先进性教育活动的指导思想、目标要求、指导原则和方法步骤已经做出明确规定\n"
    )
    _, notices = parse_text(text)
    glued = [n for n in notices if "后面直接接了正文" in n.message]
    assert len(glued) == 1
    assert "“二、突出重点，切实保证先……”" in glued[0].message


def test_core_xml_stays_valid_after_docxcompose_is_imported_by_someone_else():
    """docxtpl imports docxcompose, which rebinds python-docx's "cp" prefix and never undoes it:
    typeset output written afterwards in the same process still has valid core properties."""
    from docx.oxml import ns

    cp_uri = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
    ns.nsmap["cp"] = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
    try:
        core = part_xml(typeset("标题\n正文。").data, "docProps/core.xml")
    finally:
        ns.nsmap["cp"] = cp_uri
    cp = "{" + cp_uri + "}"
    assert core.tag == cp + "coreProperties"
    assert core.find(cp + "lastModifiedBy").text == "speechkit"
    assert not [n for n in core.iter() if "custom-properties" in str(n.tag)]
