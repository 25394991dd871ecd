"""typeset on drafts as people write them: numbering variants, lead sentences, header lines,
titles broken between words, and every character kept."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from speechkit.typeset.text import break_title, parse_text, typeset
from tests.typeset.helpers import open_docx

DRAFT = """关于进一步加强和改进农村基层党组织建设工作的实施意见
（2024年3月18日）
赵示例
各村党支部：
为推动基层党组织全面进步、全面过硬，现提出如下意见。
一、总体要求：
坚持以问题为导向，着力补短板、强弱项。
㈠加强组织领导。各村要把党建工作摆上重要议事日程。
第一，要明确责任。村党支部书记是第一责任人，要亲自抓、负总责。
第二，要完善制度。
1、建立工作台账
2、定期督查通报：每季度通报一次进展情况，年底纳入考核。
㈡强化督促检查，各镇要结合本地实际，对照任务清单逐项检查落实情况，发现问题及时督促整改，确保各项任务落地见效，对工作不力的要严肃追责。检查结果作为年度考核的重要依据。
"""


def doc_text(data: bytes) -> str:
    """Every paragraph's text of a .docx, tables included."""
    doc = open_docx(data)
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [c.text for row in table.rows for c in row.cells]
    return "".join(parts)


def test_draft_structure_is_found():
    blocks, notices = parse_text(DRAFT)
    got = [(b.kind, b.level, (b.head or b.text)[:8]) for b in blocks]
    assert got == [
        ("title", 0, "关于进一步加强和"),
        ("speaker", 0, "（2024年3月"),
        ("speaker", 0, "赵示例"),
        ("salutation", 0, "各村党支部："),
        ("body", 0, "为推动基层党组织"),
        ("heading", 1, "一、总体要求："),
        ("body", 0, "坚持以问题为导向"),
        ("heading", 2, "㈠加强组织领导。"),
        ("heading", 3, "第一，要明确责任"),
        ("heading", 3, "第二，要完善制度"),
        ("heading", 3, "1、建立工作台账"),
        ("heading", 3, "2、定期督查通报"),
        ("body", 0, "㈡强化督促检查，"),
    ]
    colon = blocks[11]
    assert colon.head == "2、定期督查通报：" and colon.text.startswith("每季度通报")
    messages = [str(n) for n in notices]
    assert any("第8行" in m and "（一）" in m for m in messages)  # ㈠ is a guess
    assert sum("“1.”" in m for m in messages) == 2  # each 1、 reported
    assert sum("引导句" in m for m in messages) == 2
    assert any("第13行" in m and "按正文排版" in m for m in messages)  # long first sentence
    assert any("第1行" in m and "分为2行" in m for m in messages)


def test_a_date_line_above_the_title_never_becomes_the_title():
    blocks, _ = parse_text("2024年3月18日\n在全镇安全生产工作会议上的讲话\n同志们：\n正文。")
    assert [b.kind for b in blocks][:3] == ["speaker", "title", "salutation"]


def test_long_titles_break_between_words_into_balanced_lines():
    title = "关于进一步加强和改进农村基层党组织建设工作的实施意见"
    lines = break_title(title)
    assert "".join(lines) == title and len(lines) == 2
    assert all(len(line) <= 20 for line in lines)
    assert abs(len(lines[0]) - len(lines[1])) <= 6
    assert any("基层党组织" in line for line in lines)  # a set phrase is not split
    # never inside a word: the break falls where jieba puts a word boundary
    from speechkit.check.tokens import tokenizer

    ends = {0}
    for word in tokenizer().cut(title, HMM=True):
        ends.add(max(ends) + len(word))
    assert len(lines[0]) in ends
    assert break_title("短标题") == ["短标题"]
    speech = "在全市深入开展树立和践行正确政绩观学习教育动员部署会议上的讲话"
    lines = break_title(speech)
    assert len(lines) == 2 and "".join(lines) == speech
    assert len(lines[1]) >= 8  # balanced, not a 20 + 11 split
    assert not lines[1].startswith(("的", "上"))
    # a book title stays whole, an unknown place name is not cut into lone characters
    notice = "关于印发《海川市2024年度基层党建工作要点》的通知"
    assert break_title(notice) == ["关于印发", "《海川市2024年度基层党建工作要点》的通知"]


def test_broken_title_is_one_paragraph_with_a_line_break():
    data = typeset("关于进一步加强和改进农村基层党组织建设工作的实施意见\n正文。").data
    title = open_docx(data).paragraphs[0]
    assert title.style.name == "Title"
    assert len(title._p.findall(".//{*}br")) == 1


def test_plain_text_keeps_asterisks_hashes_dashes_and_backslashes():
    text = "标题\n1月**日，市委***书记出席。\n# 不是标题\n- 不是列表\n行末反斜杠\\\n"
    data = typeset(text).data
    kept = doc_text(data)
    assert "1月**日，市委***书记出席。" in kept
    assert "# 不是标题" in kept and "- 不是列表" in kept and "行末反斜杠\\" in kept


def test_markdown_is_read_only_when_asked():
    text = "# 标题\n要**突出重点**。\n"
    assert "**突出重点**" in doc_text(typeset(text).data)
    assert "**" not in doc_text(typeset(text, markdown=True).data)


def test_control_characters_are_left_out_with_a_notice_and_nothing_else_is():
    text = "标题\n正文\x01第一\x08段\x1b。\n第二段。\n"
    result = typeset(text)
    kept = doc_text(result.data)
    assert "正文第一段。" in kept and "第二段。" in kept
    (notice,) = [n for n in result.notices if "控制字符" in n.message]
    assert notice.line == 2 and "3 个" in notice.message and "\\x1b" in notice.message
    titled = typeset("正文。", title="标\x07题")
    assert doc_text(titled.data).startswith("标题")


def _squash(text: str) -> str:
    """Text minus whitespace and the characters a .docx cannot hold."""
    return "".join(
        ch
        for ch in text
        if not ch.isspace()
        and unicodedata.category(ch) not in ("Cc", "Cs")
        and ch not in "\ufffe\uffff"
    )


_DRAFT_CHARS = list(
    "一二三四五六七八九十、（）()㈠㈡。，：:；！？“”《》第同志们标题正文年月日*#-\\{}%—… \u3000\t"
) + [
    "1",
    "2",
    ".",
    "\x01",
    "\x1b",
    "a",
]
_line = st.text(alphabet=st.sampled_from(_DRAFT_CHARS), max_size=40)


@settings(max_examples=120, deadline=None)
@given(st.lists(_line, min_size=1, max_size=10))
def test_the_docx_text_equals_the_input_minus_whitespace(lines):
    text = "\n".join(lines)
    if not _squash(text):
        return  # an empty text is refused, tested elsewhere
    data = typeset(text).data
    assert _squash(doc_text(data)) == _squash(text)


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=200))
def test_any_text_keeps_every_printable_character(text):
    if not _squash(text):
        return
    assert _squash(doc_text(typeset(text).data)) == _squash(text)


def test_no_traceback_on_control_characters_through_the_cli(tmp_path):
    from tests.conftest import run_cli

    src = tmp_path / "稿.txt"
    src.write_bytes("标题\n正文\x01\x08\x1b。\n".encode())
    result = run_cli("typeset", src, "-o", tmp_path / "稿.docx")
    assert result.exit_code == 0, result.output
    assert "控制字符" in result.stderr and "Traceback" not in result.output
    assert re.search("正文。", doc_text((tmp_path / "稿.docx").read_bytes()))
