"""Plain text or Markdown → a laid-out .docx (``speechkit typeset``).

Two stages: :func:`parse_text` classifies source lines into :class:`SourceBlock` records (pure, no
XML), :func:`build_document` writes them into a :func:`~speechkit.typeset.layout.new_document`.

Rules, in order (blank lines only separate paragraphs):

* Plain text (``.txt``) is taken literally: every character is kept. Markdown (``.md`` or
  ``markdown=True``) adds ``# 标题`` … ``##### 标题`` (title, heading levels 1–4), ``**强调**``,
  list markers and a trailing backslash as a line break.
* Control characters Word cannot hold (\x01, \x08, \x1b …) are left out with a notice;
  every printable character is kept.
* A line holding only a Jinja statement (``{%p for … %}``, ``{% endif %}``, ``{#p … #}``) is
  kept as its own paragraph, untouched; tags inside text pass through as text.
* Header zone (before the first body line): the first line is the title when it is short and
  does not end in punctuation (otherwise the text has no title: a notice); a date line
  (“（2024年7月5日）”) or a speaker line is never the title; a line starting with “——” is the
  subtitle; another short line (speaker, date) is centred in 楷体. A title longer than one line
  (20 characters of 二号) is broken between words (jieba) into lines of balanced length. A first line that
  merely previews the text that follows (ends with “...”/“……” and repeats it) is kept as body
  text and reported; it is dropped only when asked (``drop_preview=True``), and reported then too.
* “同志们：” and similar salutations are set flush left; when the text runs on after the colon,
  the rest becomes the first body paragraph. A short line ending in a colon before any heading or
  body text (the 主送 line of a notice, “各村（社区）党组织：”) is set flush left as well.
* One blank line separates the title block from what follows (GB/T 9704 §7.3.3: 主送 “标题下空一行”).
* Markdown emphasis ``**重要意义**`` becomes a bold run without the asterisks; Markdown list items
  (``- ``, ``* ``, ``+ ``) lose their marker and become body paragraphs (reported). ``1. `` keeps
  its meaning as the official level-3 heading number.
* Headings by numbering: 一、 （一） 1. （1）, and the numbers drafts use instead: ㈠ (level 2)
  and 1、 (level 3), each with a notice naming the GB/T 9704 form. A paragraph opening with
  “第一，” “第二，” … is a lead sentence: one level below the heading above it. When the heading
  sentence runs into its paragraph (“（一）学习内容要吃透。学习是……”), the sentence up to the
  first 。？！ or ： is set in the heading font and the rest as body text in the same paragraph.
  A first sentence longer than :data:`MAX_HEAD` leaves a level-2 to 4 paragraph as numbered
  body text (notice). A level-1 heading line with no sentence end in reach, or a level-2 one
  with none at all (the seed's 一、
  lines, where extraction glued the body on) is set whole as a heading and reported in
  :attr:`Typeset.notices`: where the heading ends cannot be known.
* The last two lines form an unsealed closing block (issuing body, then date) when the last
  one is a date (“2024年7月8日” or a tag using ``cn_date``); they are placed per GB/T 9704 §7.3.5:
  body name two characters in from the right, the date starting two characters right of it.
* Everything else is body text. A line ending in a backslash continues after a line break
  in the same paragraph (as in Markdown), e.g. to break a long title into a trapezoid.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import UTC

from speechkit.typeset import oxml
from speechkit.typeset import spec as S

MAX_HEAD = 60  # longest run-in heading sentence (characters) taken as a heading
_WS = " \t\u3000\ufeff"
_MD_HEADING = re.compile(r"^(#{1,5})\s+(.*)$", re.S)
_TAG_LINE = re.compile(r"^(\{%(?:(?!%\}).)*%\}|\{#(?:(?!#\}).)*#\})$")
_SALUTATION = re.compile(
    r"^((?:尊敬的|各位|亲爱的)?[^，。：:！？\s]{0,16}"
    r"(?:同志们|同志|领导|代表|朋友们|来宾|同学们|们))[：:]"
)
_SENTENCE_END = re.compile(r"[。？！]")
_HEAD_END = re.compile(r"[。？！：:]")
_LEAD = re.compile(r"^第[一二三四五六七八九十]{1,3}[，,、]")
_DATE_ONLY = re.compile(
    r"^[（(]?\s*(\d{4}|[〇零一二三四五六七八九○]{4})\s*年[\d〇零一二三四五六七八九十○]{1,3}月"
    r"([\d〇零一二三四五六七八九十○]{1,3}日)?\s*[）)]?$"
)
_ADDED_NUMBERS = {
    3: (re.compile(r"^[0-9０-９]+、"), "“1、”这样的编号按三级标题排；GB/T 9704 的三级标题用“1.”"),
    2: (
        re.compile(r"^[\u3220-\u3229]"),
        "“㈠”这样的编号按二级标题排；GB/T 9704 的二级标题用“（一）”",
    ),
}
# Characters Word cannot hold (XML 1.0): C0 controls other than tab and line ends, U+FFFE/FFFF
# and lone surrogates.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
TITLE_CHARS = S.TEXT_WIDTH // (S.TITLE_SIZE * 10)  # 20 characters of 二号 on a line
_DATE_LINE = re.compile(r"^(\d{4}年\d{1,2}月\d{1,2}日|.*\{\{[^}]*cn_date[^}]*\}\}.*)$")
_PREVIEW_TAIL = re.compile(r"(\.{3,}|…+)$")
_ADDRESSEE = re.compile(r"^[^。？！；\s]{2,40}[：:]$")
_BULLET = re.compile(r"^[-*+][ \t\u3000]+(?=\S)")
_EMPHASIS = re.compile(r"\*\*(?=\S)((?:(?!\*\*).)+?)(?<=\S)\*\*")
HEADER_KINDS = ("title", "subtitle", "speaker")


@dataclass(frozen=True)
class SourceBlock:
    """One paragraph to typeset.

    ``kind`` is one of title, subtitle, speaker, salutation, heading, body, closing, tag.
    For a run-in heading ``head`` is the heading sentence and ``text`` the body text after it.
    ``line`` is the 1-based source line.
    """

    kind: str
    text: str
    level: int = 0
    head: str = ""
    line: int = 0


@dataclass(frozen=True)
class Notice:
    """Something typeset did that the author should look at (source line, Chinese message)."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"第{self.line}行：{self.message}"


@dataclass
class Typeset:
    """Result of :func:`typeset`: the .docx bytes, the blocks laid out and the notices."""

    data: bytes
    blocks: list[SourceBlock] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)


_EXPR = re.compile(r"\{\{.*?\}\}")
_STMT = re.compile(r"\{%.*?%\}|\{#.*?#\}")


def visible_len(text: str) -> int:
    """Length of ``text`` as it will print: each ``{{ }}`` counted as 4 characters, statements 0."""
    return len(_STMT.sub("", _EXPR.sub("某某某某", text)))


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text.replace("\u3000", ""))


def _heading_block(text: str, level: int, line: int, notices: list[Notice]) -> SourceBlock:
    """A heading, split into heading sentence and body when the sentence runs on.

    A first sentence longer than :data:`MAX_HEAD` makes the paragraph numbered body text.
    """
    match = _HEAD_END.search(text)
    if match and match.end() <= MAX_HEAD:
        head, rest = text[: match.end()], text[match.end() :].strip(_WS)
        if rest:
            return SourceBlock("heading", rest, level=level, head=head, line=line)
        return SourceBlock("heading", head, level=level, line=line)
    if visible_len(text) <= MAX_HEAD:
        return SourceBlock("heading", text, level=level, line=line)
    if level == 1 or (match is None and level == 2):
        notices.append(
            Notice(
                line,
                f"{S.HEADING_NAMES[level]}“{text[:12]}……”后面直接接了正文，"
                f"且前{MAX_HEAD}字内没有句末标点，"
                "无法判断标题在哪里结束，已整段按标题排版；请在标题末尾换行。",
            )
        )
        return SourceBlock("heading", text, level=level, line=line)
    notices.append(
        Notice(
            line,
            f"“{text[:12]}……”有{S.HEADING_NAMES[level][:4]}编号，但第一句超过{MAX_HEAD}字，"
            "不像标题，已按正文排版；若是标题，请在标题末尾加句号或换行。",
        )
    )
    return SourceBlock("body", text, line=line)


def _number_level(text: str, notices: list[Notice], line: int) -> int | None:
    """Heading level of a numbered line: GB/T 9704's numbers, then the variants drafts use."""
    level = S.heading_level(text)
    if level is not None:
        return level
    for variant, (pattern, message) in _ADDED_NUMBERS.items():
        if pattern.match(text):
            notices.append(Notice(line, message + "。"))
            return variant
    return None


def strip_controls(text: str) -> tuple[str, list[Notice]]:
    """``text`` without the characters Word cannot hold, and a notice per line that had any."""
    notices = []
    if not _ILLEGAL.search(text):
        return text, notices
    for n, raw in enumerate(text.split("\n"), start=1):
        found = _ILLEGAL.findall(raw)
        if found:
            shown = "、".join(
                sorted({f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"U+{ord(c):04X}" for c in found})
            )
            notices.append(
                Notice(
                    n,
                    f"含有 {len(found)} 个控制字符（{shown}），Word 文档不能容纳，已略去；"
                    "其余文字全部保留。",
                )
            )
    return _ILLEGAL.sub("", text), notices


def parse_text(
    text: str,
    *,
    title: str | None = None,
    drop_preview: bool = False,
    markdown: bool = False,
) -> tuple[list[SourceBlock], list[Notice]]:
    """Classify the lines of ``text`` into blocks (see the module docstring for the rules).

    ``title`` supplies a title when the text has none (its first line is then not taken as one).
    ``drop_preview`` drops a first line that only previews the text after it; by default it is
    kept as body text. Either way a notice says so: no line of the author's is lost silently.
    ``markdown`` reads ``#`` headings, ``**emphasis**``, list markers and line-end backslashes;
    without it every character of the text is kept as written.
    """
    text, notices = strip_controls(text)
    lines = [(n, raw.strip(_WS)) for n, raw in enumerate(text.splitlines(), start=1)]
    lines = _join_breaks(lines) if markdown else [(n, t) for n, t in lines if t]
    blocks: list[SourceBlock] = []
    if title and _ILLEGAL.sub("", title).strip(_WS):
        blocks.append(SourceBlock("title", _ILLEGAL.sub("", title).strip(_WS), line=0))
    # A first line that previews the text after it (extraction artefact): kept unless asked.
    preview_at = None
    if lines and _PREVIEW_TAIL.search(lines[0][1]):
        preview = _squash(_PREVIEW_TAIL.sub("", lines[0][1]))
        following = _squash("".join(t for _, t in lines[1:]))
        if preview and following.startswith(preview):
            if drop_preview:
                notices.append(
                    Notice(lines[0][0], "首行是后文开头的摘录（以省略号结尾），已按要求略去。")
                )
                lines = lines[1:]
            else:
                notices.append(
                    Notice(
                        lines[0][0],
                        "首行像是后文开头的摘录（以省略号结尾），已作为正文保留；"
                        "确认多余时请删去，或加 --drop-preview 略去。",
                    )
                )
                preview_at = lines[0][0]
    closing_at = _closing_start(lines)
    in_header = True
    saluted = False
    current_level = 0  # level of the last heading, for 第一， lead sentences
    for index, (n, t) in enumerate(lines):
        md = _MD_HEADING.match(t) if markdown else None
        if md:
            depth, content = len(md.group(1)), md.group(2).strip(_WS)
            if depth == 1:
                blocks.append(SourceBlock("title", content, line=n))
            else:
                blocks.append(_heading_block(content, depth - 1, n, notices))
                current_level = depth - 1
                in_header = False
            continue
        if _TAG_LINE.match(t):
            blocks.append(SourceBlock("tag", t, line=n))
            continue
        if n == preview_at:
            blocks.append(SourceBlock("body", t, line=n))
            in_header = False
            continue
        bullet = _BULLET.match(t) if markdown else None
        if bullet:
            notices.append(
                Notice(
                    n, "Markdown 列表项：已去掉开头的列表符号，按正文段落排版（公文不用项目符号）。"
                )
            )
            blocks.append(SourceBlock("body", t[bullet.end() :], line=n))
            in_header = False
            continue
        if closing_at is not None and index >= closing_at:
            blocks.append(SourceBlock("closing", t, line=n))
            continue
        seen_heading = any(b.kind == "heading" for b in blocks)
        sal = None if saluted or seen_heading else _SALUTATION.match(t)
        if sal and not S.heading_level(t):
            saluted, in_header = True, False
            blocks.append(SourceBlock("salutation", t[: sal.end()], line=n))
            rest = t[sal.end() :].strip(_WS)
            if rest:
                blocks.append(SourceBlock("body", rest, line=n))
            continue
        guesses: list[Notice] = []
        level = _number_level(t, guesses, n)
        if level is None and not seen_heading and not _has_body(blocks) and _ADDRESSEE.match(t):
            blocks.append(SourceBlock("salutation", t, line=n))  # 主送: flush left, no indent
            in_header = False
            continue
        if in_header and level is None:
            header = _header_block(t, n, blocks)
            if header is not None:
                blocks.append(header)
                continue
        in_header = False
        if level is None and _LEAD.match(t):
            level = min(current_level + 1, 4) if current_level else 3
            end = _HEAD_END.search(t)
            if (end is None or end.end() > MAX_HEAD) and visible_len(t) > MAX_HEAD:
                notices.extend(guesses)
                blocks.append(SourceBlock("body", t, line=n))  # no lead sentence in reach
                continue
            block = _heading_block(t, level, n, guesses)
            if block.kind == "heading":
                guesses.append(
                    Notice(
                        n,
                        f"“{t[:3]}”开头的引导句按{S.HEADING_NAMES[level][:4]}排"
                        "（句子用标题字体，其后文字用正文字体）。",
                    )
                )
            notices.extend(guesses)
            blocks.append(block)
            continue
        notices.extend(guesses)
        if level is not None:
            block = _heading_block(t, level, n, notices)
            if block.kind == "heading":
                current_level = level
            blocks.append(block)
        else:
            blocks.append(SourceBlock("body", t, line=n))
    if not any(b.kind == "title" for b in blocks):
        notices.append(Notice(1, "没有找到标题（首行是称呼或标题编号）；可以用 --title 指定标题。"))
    return _break_titles(blocks, notices), notices


def _header_block(t: str, n: int, blocks: list[SourceBlock]) -> SourceBlock | None:
    """Title, subtitle or speaker/date line in the header zone; None for body text."""
    has_title = any(b.kind == "title" for b in blocks)
    if _DATE_ONLY.match(t):
        return SourceBlock("speaker", t, line=n)  # a date is never the title
    if t.startswith("——"):
        return SourceBlock("subtitle", t, line=n)
    if not has_title and _looks_like_title(t):
        return SourceBlock("title", t, line=n)
    if visible_len(t) <= 40 and not _SENTENCE_END.search(t):
        return SourceBlock("speaker", t, line=n)
    return None


def _break_titles(blocks: list[SourceBlock], notices: list[Notice]) -> list[SourceBlock]:
    """Titles longer than one line broken between words into balanced lines (with a notice)."""
    out = []
    for block in blocks:
        if block.kind == "title" and "\n" not in block.text and "{" not in block.text:
            lines = break_title(block.text)
            if len(lines) > 1:
                notices.append(
                    Notice(
                        block.line or 1,
                        f"标题较长，已在词与词之间分为{len(lines)}行"
                        f"（{'／'.join(lines)}）；需要别的断法时请在标题中换行。",
                    )
                )
                block = SourceBlock("title", "\n".join(lines), line=block.line)
        out.append(block)
    return out


_NO_LINE_START = set("，。、；：！？）》」』”’…—·")
_NO_LINE_END = set("（《「『“‘")
_PAIRS = {"（": "）", "《": "》", "“": "”", "「": "」", "〔": "〕"}
_FUNCTION_WORDS = set("的和与及在对于把为是了上")
_TITLE_TOKENIZER = None


def _title_tokenizer():
    """A jieba ``Tokenizer`` of its own: the checker adds its rules' terms (whole campaign names)
    to its tokenizer, which must not change where a title breaks."""
    global _TITLE_TOKENIZER
    if _TITLE_TOKENIZER is None:
        import jieba

        from speechkit.check.tokens import cache_dir

        tk = jieba.Tokenizer()
        tk.tmp_dir = str(cache_dir())
        tk.initialize()
        _TITLE_TOKENIZER = tk
    return _TITLE_TOKENIZER


# Set phrases of party documents a title break should not split (jieba cuts some of them).
TITLE_PHRASES = (
    "习近平新时代中国特色社会主义思想",
    "中国特色社会主义",
    "新时代",
    "新征程",
    "先进性教育活动",
    "主题教育",
    "学习教育",
    "党史学习教育",
    "全面从严治党",
    "党风廉政建设",
    "基层党组织",
    "不忘初心、牢记使命",
    "两学一做",
    "正确政绩观",
    "三个代表",
)


def _break_penalty(before: str, after: str, depth: int) -> int:
    """How bad a line break between the words ``before`` and ``after`` is (0: a good place)."""
    penalty = 20 if depth else 0  # inside 《》 “” （）: keep a name or quotation whole
    single_before = len(before) == 1 and before not in _FUNCTION_WORDS
    single_after = len(after) == 1 and after not in _FUNCTION_WORDS
    if single_before and single_after:
        penalty += 8  # two lone characters: most likely one word jieba does not know (海|川)
    elif single_before or single_after:
        penalty += 3
    if after[0] == "的":
        penalty += 8
    return penalty


def break_title(title: str, width: int = TITLE_CHARS) -> list[str]:
    """``title`` as lines of at most ``width`` characters, broken only between jieba words.

    The lines are as even as the words allow; breaks inside 《》 “” （）, inside a set phrase
    (:data:`TITLE_PHRASES`), next to a lone character or before “的” cost extra, so names,
    quotations and phrases stay whole where possible; a third line is tried when two lines
    cannot avoid that. No
    line starts with closing punctuation or ends with an opening one. A title that fits is one
    line.
    """
    from itertools import combinations

    if text_width(title) <= width:
        return [title]

    # HMM on: unknown names (海川) stay one word instead of lone characters
    words = list(_title_tokenizer().cut(title, HMM=True))
    places: dict[int, int] = {}  # break offset -> penalty
    pos, depth = 0, 0
    for a, b in zip(words, words[1:], strict=False):
        pos += len(a)
        depth += sum(ch in _PAIRS for ch in a) - sum(ch in _PAIRS.values() for ch in a)
        if b[0] not in _NO_LINE_START and a[-1] not in _NO_LINE_END:
            places[pos] = _break_penalty(a, b, max(depth, 0))
    for phrase in TITLE_PHRASES:
        start = title.find(phrase)
        while start >= 0:
            for offset in range(start + 1, start + len(phrase)):
                if offset in places:
                    places[offset] += 20
            start = title.find(phrase, start + 1)
    count = -(-text_width(title) // width)
    best = None
    for lines_wanted in range(count, count + 2):
        extra = 8 * (lines_wanted - count)  # one line more than needed: only to keep words whole
        for cuts in combinations(sorted(places), lines_wanted - 1):
            bounds = (0, *cuts, len(title))
            parts = [title[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]
            widths = [text_width(p) for p in parts]
            if max(widths) > width:
                continue
            cost = max(widths) - min(widths) + sum(places[c] for c in cuts) + extra
            key = (cost, -widths[0])
            if best is None or key < best[0]:
                best = (key, parts)
        if best is not None and best[0][0] < 20:
            return best[1]
    return best[1] if best is not None else [title]  # nothing fits: the renderer wraps


def _has_body(blocks: list[SourceBlock]) -> bool:
    return any(b.kind in ("body", "salutation") for b in blocks)


def _looks_like_title(line: str) -> bool:
    """A title is short and does not end a sentence (GB/T 9704: no full stop after titles)."""
    return visible_len(line) <= MAX_HEAD and not re.search(r"[。？！；，]$", line)


def _join_breaks(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Drop blank lines; a line ending in a backslash continues on the next after a line break."""
    out: list[tuple[int, str]] = []
    pending: tuple[int, str] | None = None
    for n, t in lines:
        if pending is not None:
            n, t = pending[0], pending[1] + "\n" + t
            pending = None
        if t.endswith("\\") and not t.endswith("\\\\"):
            pending = (n, t[:-1].rstrip(_WS))
            continue
        if t:
            out.append((n, t))
    if pending is not None:
        out.append(pending)
    return out


def _closing_start(lines: list[tuple[int, str]]) -> int | None:
    """Index of the closing block's first line (issuing body), or None."""
    content = [i for i, (_, t) in enumerate(lines) if not _TAG_LINE.match(t)]
    if len(content) < 3:
        return None
    last, before = content[-1], content[-2]
    name = lines[before][1]
    if (
        _DATE_LINE.match(lines[last][1])
        and visible_len(name) <= 40
        and not re.search(r"[，。；：！？]", name)
        and not S.heading_level(name)
        and not _MD_HEADING.match(name)
    ):
        return before
    return None


def text_width(text: str) -> int:
    """Width of literal text in characters: ASCII counts half, rounded up."""
    halves = sum(1 if ord(ch) < 0x2000 else 2 for ch in text)
    return (halves + 1) // 2


def closing_lines(name: str, date: str) -> tuple[str, str]:
    """The two closing-block lines padded with full-width spaces (GB/T 9704 §7.3.5.2).

    Literal text gets its padding computed here; text holding Jinja tags gets Jinja that
    computes the same padding at render time, so the block stays right for every town.
    """
    if "{{" in name or "{%" in name or "{{" in date or "{%" in date:
        setup = (
            f"{{% set sk_name %}}{name}{{% endset %}}"
            f"{{% set sk_date %}}{date}{{% endset %}}"
            '{% set sk_width = sk_date|length - (sk_date|select("in", "0123456789")|list|length) // 2 %}'
            f"{{% set sk_start = [{S.CHARS_PER_LINE} - sk_name|length, "
            f"{S.CHARS_PER_LINE - 2} - sk_width]|min %}}"
        )
        return (
            setup + '{{ "\\u3000" * (sk_start - 2) }}{{ sk_name }}',
            '{{ "\\u3000" * sk_start }}{{ sk_date }}',
        )
    start = min(S.CHARS_PER_LINE - text_width(name), S.CHARS_PER_LINE - 2 - text_width(date))
    return "\u3000" * max(start - 2, 0) + name, "\u3000" * max(start, 0) + date


_STYLE_FOR = {
    "title": S.STYLE_TITLE,
    "subtitle": S.STYLE_SUBTITLE,
    "speaker": S.STYLE_SPEAKER,
    "salutation": S.STYLE_SALUTATION,
    "closing": S.STYLE_CLOSING,
    "body": "Normal",
    "tag": "Normal",
}


def _run_pr(body_char: bool, bold: bool = False):
    """``<w:rPr>`` of a run: the body character style and/or bold; None when neither."""
    if not body_char and not bold:
        return None
    node = oxml.el("w:rPr")
    if body_char:
        node.append(oxml.el("w:rStyle", {"w:val": "BodyChar"}))
    if bold:
        node.append(oxml.el("w:b"))
        node.append(oxml.el("w:bCs"))
    return node


def emphasis_pieces(text: str) -> list[tuple[str, bool]]:
    """Split ``text`` at Markdown ``**strong**`` marks into (text, bold) pieces, marks removed.

    Marks inside a Jinja tag, or with a space next to the text they enclose, are left alone.
    """
    pieces: list[tuple[str, bool]] = []
    pos = 0
    for m in _EMPHASIS.finditer(text):
        if "{{" in m.group(1) or "}}" in m.group(1) or "{%" in m.group(1):
            continue
        if m.start() > pos:
            pieces.append((text[pos : m.start()], False))
        pieces.append((m.group(1), True))
        pos = m.end()
    if pos < len(text):
        pieces.append((text[pos:], False))
    return pieces


def _add_text(p, text: str, body_char: bool = False, markdown: bool = False) -> None:
    """Append ``text`` as runs to ``<w:p>``; "\\n" becomes a line break; with ``markdown``,
    ``**x**`` a bold run."""
    for i, line in enumerate(text.split("\n")):
        if i:
            p.append(oxml.line_break_run(_run_pr(body_char)))
        pieces = emphasis_pieces(line) if markdown else [(line, False)]
        for piece, bold in pieces:
            p.append(oxml.text_run(piece, _run_pr(body_char, bold)))


def build_document(blocks: list[SourceBlock], *, markdown: bool = False):
    """A python-docx Document holding ``blocks`` in the official layout (``markdown``: bold
    ``**emphasis**``)."""
    from speechkit.typeset.layout import new_document

    document = new_document()
    closing = [b for b in blocks if b.kind == "closing"]
    closing_text = {}
    if len(closing) >= 2:
        first, second = closing_lines(closing[-2].text, closing[-1].text)
        closing_text = {id(closing[-2]): first, id(closing[-1]): second}
    last_header = None  # the title block's last paragraph, followed by one blank line
    for block in blocks:
        if last_header is not None and block.kind not in (*HEADER_KINDS, "tag"):
            spacer = document.add_paragraph(style=S.STYLE_SALUTATION)._p
            spacer.getparent().remove(spacer)
            last_header.addnext(spacer)
            last_header = None
        if block.kind == "heading":
            paragraph = document.add_paragraph(style=S.STYLE_HEADINGS[block.level])
            if block.head:
                _add_text(paragraph._p, block.head, markdown=markdown)
                _add_text(paragraph._p, block.text, body_char=True, markdown=markdown)
            else:
                _add_text(paragraph._p, block.text, markdown=markdown)
            continue
        if block.kind == "closing" and id(block) == id(closing[0]):
            document.add_paragraph(style=S.STYLE_CLOSING)  # one blank line above the block
        paragraph = document.add_paragraph(style=_STYLE_FOR[block.kind])
        _add_text(paragraph._p, closing_text.get(id(block), block.text), markdown=markdown)
        if block.kind in HEADER_KINDS:
            last_header = paragraph._p
    return document


def typeset(
    text: str, *, title: str | None = None, drop_preview: bool = False, markdown: bool = False
) -> Typeset:
    """Lay ``text`` out; returns the .docx bytes, the blocks and any notices.

    Raises :class:`~speechkit.errors.InputFileError` when ``text`` holds no visible character
    (an empty document is never written). ``drop_preview`` and ``markdown``: see
    :func:`parse_text`.
    """
    from datetime import datetime

    from speechkit.errors import InputFileError

    if not _ILLEGAL.sub("", text).strip(_WS + "\r\n\v\f"):
        raise InputFileError("文稿是空的（没有任何文字），未生成文档。")
    blocks, notices = parse_text(text, title=title, drop_preview=drop_preview, markdown=markdown)
    document = build_document(blocks, markdown=markdown)
    from speechkit.typeset.layout import core_properties

    props = core_properties(document)
    props.created = props.modified = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    if blocks and blocks[0].kind == "title":
        props.title = blocks[0].text.replace("\n", "")
    buffer = io.BytesIO()
    document.save(buffer)
    return Typeset(buffer.getvalue(), blocks, notices)


def typeset_text(
    text: str, *, title: str | None = None, drop_preview: bool = False, markdown: bool = False
) -> bytes:
    """Plain text or Markdown → the bytes of a laid-out .docx (see :func:`typeset`)."""
    return typeset(text, title=title, drop_preview=drop_preview, markdown=markdown).data
