"""Recognising the elements of a 公文 (GB/T 9704—2012 §7): 版头, 主体 and 版记.

``read_paragraphs`` gives every paragraph of the body once — text boxes are read from Word's
``mc:Choice`` copy only, a paragraph's own text excludes the text boxes it anchors, and a number
Word or WPS draws by automatic numbering (``w:numPr``) is put in front of the text as the reader
sees it. ``classify`` then names each paragraph by position, text pattern and formatting: 份号,
密级, 紧急程度, 发文机关标志, 发文字号, 签发人, 标题, 主送机关, 正文 and its headings, 附件说明,
发文机关署名, 成文日期, 附注, 抄送机关, 印发机关和印发日期; and tells the document's layout:
an ordinary 公文, a 信函 (函), a 命令（令） or a 纪要 (§10).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from docx.oxml.ns import qn

from speechkit.docx.address import Address
from speechkit.docx.paragraphs import iter_paragraphs
from speechkit.typeset import oxml
from speechkit.typeset import spec as S

W_TXBX = qn("w:txbxContent")

# The clauses of GB/T 9704—2012 a finding rests on.
CLAUSES = {
    "copy_number": "7.2.1",
    "secrecy": "7.2.2",
    "urgency": "7.2.3",
    "organ_mark": "7.2.4",
    "doc_number": "7.2.5",
    "signer": "7.2.6",
    "title": "7.3.1",
    "addressee": "7.3.2",
    "body": "7.3.3",
    "heading": "7.3.3",
    "attachment_note": "7.3.4",
    "signature": "7.3.5",
    "closing": "7.3.5",
    "date": "7.3.5",
    "note": "7.3.7",
    "copy_to": "7.4.2",
    "printer": "7.4.3",
    "page": "5.2",
    "page_number": "7.5",
    "letter": "10.1",
    "order": "10.2",
    "minutes": "10.3",
}
ELEMENT_NAMES = {
    "copy_number": "份号",
    "secrecy": "密级和保密期限",
    "urgency": "紧急程度",
    "organ_mark": "发文机关标志",
    "doc_number": "发文字号",
    "signer": "签发人",
    "order_number": "令号",
    "issue_number": "期号",
    "title": "标题",
    "centered": "标题下居中的行",
    "addressee": "主送机关",
    "salutation": "称呼",
    "heading": "标题层次",
    "body": "正文",
    "attachment_note": "附件说明",
    "signature": "发文机关署名",
    "closing": "落款",
    "date": "成文日期",
    "note": "附注",
    "copy_to": "抄送机关",
    "printer": "印发机关和印发日期",
    "table": "表格",
    "minutes_names": "出席、请假、列席人员",
}

_COPY_NUMBER = re.compile(r"^[0-9０-９]{1,6}$")
_SECRECY = re.compile(r"^(绝密|机密|秘密)(\s*★\s*\S*)?$")
_URGENCY = re.compile(r"^(特急|加急|特提|平急)$")
_DOC_NUMBER = re.compile(
    r"^(?P<code>[\u4e00-\u9fff]{1,20})\s*(?P<open>[〔\[【(（［])\s*(?P<year>\d{4})\s*"
    r"(?P<close>[〕\]】)）］])\s*(?P<di>第)?(?P<num>\d+)\s*号"
)
_SIGNER = re.compile(r"签\s*发\s*人\s*[：:]")
_DATE = re.compile(
    r"^[（(]?\s*(\d{4}|[〇零一二三四五六七八九]{4})\s*年\s*([0-9]{1,2}|[〇一二三四五六七八九十]{1,3})"
    r"\s*月\s*([0-9]{1,2}|[〇一二三四五六七八九十]{1,3})\s*日\s*[）)]?$"
)
_ATTACHMENT = re.compile(r"^附\s*件\s*([0-9０-９]*)\s*[：:]?")
_NOTE = re.compile(r"^[（(][^（）()]{2,40}[）)]$")
_COPY_TO = re.compile(r"^抄\s*送\s*[：:]")
_PRINTER = re.compile(r"印\s*发\s*$")
_MINUTES_NAMES = re.compile(r"^(出\s*席|请\s*假|列\s*席)\s*[：:]")
_SALUTATION = re.compile(r"^[^。；！？]{1,80}[：:]$")
_ISSUE_NUMBER = re.compile(
    r"^([〔\[【(（]\d{4}[〕\]】)）])?\s*第\s*[0-9一二三四五六七八九十百〇零]+\s*期$"
)
_SENTENCE = re.compile(r"[，。；！？]")
# A template line holding only a block tag ({%p for … %}): not text of the document.
TAG_ONLY = re.compile(r"^\s*(\{%(?:(?!%\}).)*%\}|\{#(?:(?!#\}).)*#\})\s*$")
_ORDER_NUMBER = re.compile(r"^第\s*[0-9一二三四五六七八九十百〇零]+\s*号$")


@dataclass
class Para:
    """One body paragraph as a reader sees it, with what recognition needs."""

    number: int  # in document order over the whole body, tables and text boxes included
    address: Address  # as every command prints it: 正文 第3段, 正文 表格1 第2行第3列
    element: Any
    text: str  # own text, with an automatic number drawn in front
    label: str  # the automatic number (一、) or ""
    props: oxml.ParaProps
    in_table: bool
    in_textbox: bool
    red: bool
    size: int | None
    east_asia: str | None
    border_bottom_red: bool = False


@dataclass
class Element:
    """A paragraph named as an element of the 公文 (``kind`` is a key of ELEMENT_NAMES)."""

    kind: str
    para: Para
    level: int | None = None


@dataclass
class Recognised:
    """The document's layout and its elements in order."""

    layout: str  # document | letter | order | minutes
    elements: list[Element] = field(default_factory=list)

    def of(self, kind: str) -> list[Element]:
        """The elements of one kind."""
        return [e for e in self.elements if e.kind == kind]


# --- reading -------------------------------------------------------------------------------


def own_runs(p) -> list:
    """The text runs of ``p`` itself: not those of paragraphs inside text boxes it anchors."""
    out = []
    for r in oxml.paragraph_runs(p):
        owner = next(a for a in r.iterancestors() if a.tag == qn("w:p"))
        if owner is p:
            out.append(r)
    return out


class Numbering:
    """Draws the numbers of automatic numbering (``w:numPr``) as Word shows them."""

    def __init__(self, document, sheet: oxml.StyleSheet) -> None:
        self.sheet = sheet
        self.levels: dict[tuple[str, int], tuple[str, str, int]] = {}
        self.counters: dict[str, list[int]] = {}
        try:
            numbering = document.part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError):
            return
        abstract = {}
        for node in numbering.findall(qn("w:abstractNum")):
            lvls = {}
            for lvl in node.findall(qn("w:lvl")):
                ilvl = int(lvl.get(qn("w:ilvl"), "0"))
                fmt = oxml.wval(lvl.find(qn("w:numFmt"))) or "decimal"
                text = oxml.wval(lvl.find(qn("w:lvlText"))) or ""
                start = int(oxml.wval(lvl.find(qn("w:start"))) or "1")
                lvls[ilvl] = (fmt, text, start)
            abstract[node.get(qn("w:abstractNumId"))] = lvls
        for num in numbering.findall(qn("w:num")):
            ref = oxml.wval(num.find(qn("w:abstractNumId")))
            for ilvl, value in abstract.get(ref, {}).items():
                self.levels[(num.get(qn("w:numId")), ilvl)] = value

    def _num_pr(self, p) -> tuple[str, int] | None:
        found = oxml.xpath(p, "w:pPr/w:numPr")
        nodes = found + [
            n
            for s in self.sheet.chain(self.sheet.para_style_id(p))
            for n in s.findall(".//" + qn("w:numPr"))
        ]
        num_id, ilvl = None, None
        for node in nodes:
            if num_id is None:
                num_id = oxml.wval(node.find(qn("w:numId")))
            if ilvl is None:
                ilvl = oxml.wval(node.find(qn("w:ilvl")))
        if num_id in (None, "0"):
            return None
        return num_id, int(ilvl or 0)

    def label(self, p) -> str:
        """The number drawn before ``p`` (advancing the counters), or ""."""
        key = self._num_pr(p)
        if key is None or key not in self.levels:
            return ""
        num_id, ilvl = key
        counts = self.counters.setdefault(num_id, [0] * 9)
        fmt, text, start = self.levels[key]
        counts[ilvl] = counts[ilvl] + 1 if counts[ilvl] else start
        for deeper in range(ilvl + 1, 9):
            counts[deeper] = 0

        def draw(m: re.Match) -> str:
            level = int(m.group(1)) - 1
            lfmt = self.levels.get((num_id, level), (fmt, "", 1))[0]
            return _format_number(counts[level] or 1, lfmt)

        return re.sub(r"%([1-9])", draw, text)


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "ideographTraditional",
               "chineseLegalSimplified", "taiwaneseCounting"):  # fmt: skip
        from speechkit.filters import cn_number

        return cn_number(n)
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if fmt == "decimalEnclosedParen":
        return f"({n})"
    return str(n)


def _is_red(color: str | None) -> bool:
    if not color or color == "auto" or len(color) != 6:
        return False
    try:
        r, g, b = (int(color[i : i + 2], 16) for i in (0, 2, 4))
    except ValueError:
        return False
    return r >= 0xB0 and g <= 0x60 and b <= 0x60


def _run_color(r, p, sheet: oxml.StyleSheet) -> str | None:
    for node in [r.find(qn("w:rPr"))] + [
        s.find(qn("w:rPr")) for s in sheet.chain(sheet.para_style_id(p))
    ]:
        if node is not None and node.find(qn("w:color")) is not None:
            return node.find(qn("w:color")).get(qn("w:val"))
    return None


def read_paragraphs(document, sheet: oxml.StyleSheet) -> list[Para]:
    """Every body paragraph, numbered in document order (text boxes once)."""
    numbering = Numbering(document, sheet)
    out: list[Para] = []
    for number, place in enumerate(iter_paragraphs(document.element, "body"), start=1):
        p = place.element
        runs = own_runs(p)
        label = numbering.label(p)
        text = label + "".join(oxml.run_text(r) for r in runs)
        first = next((r for r in runs if re.search(r"[\u3400-\u9fff]", oxml.run_text(r))), None)
        first = first if first is not None else (runs[0] if runs else None)
        rp = sheet.run_props(first, p) if first is not None else oxml.RunProps()
        bottom = oxml.xpath(p, "w:pPr/w:pBdr/w:bottom")
        out.append(
            Para(
                number=number,
                address=place.address,
                element=p,
                text=text,
                label=label,
                props=sheet.para_props(p),
                in_table=bool(oxml.xpath(p, "ancestor::w:tbl")),
                in_textbox=any(a.tag == W_TXBX for a in p.iterancestors()),
                red=first is not None and _is_red(_run_color(first, p, sheet)),
                size=rp.size,
                east_asia=rp.east_asia,
                border_bottom_red=bool(bottom) and _is_red(bottom[0].get(qn("w:color"))),
            )
        )
    return out


# --- recognising ---------------------------------------------------------------------------


def _stripped(text: str) -> str:
    return text.strip(" \u3000\t")


def _header_kind(para: Para) -> str | None:
    text = _stripped(para.text)
    if _COPY_NUMBER.match(text):
        return "copy_number"
    if _SECRECY.match(text):
        return "secrecy"
    if _URGENCY.match(text):
        return "urgency"
    if _SIGNER.search(text):
        return "signer"
    if _DOC_NUMBER.match(text):
        return "doc_number"
    if _ORDER_NUMBER.match(text):
        return "order_number"
    if _ISSUE_NUMBER.match(text):
        return "issue_number"
    if (
        para.red
        or para.in_textbox
        or text.endswith("文件")
        or (para.size is not None and para.size > S.TITLE_SIZE)
    ):
        return "organ_mark"
    return None


def _is_title(para: Para) -> bool:
    return (para.props.jc == "center" or para.props.style_id == S.STYLE_TITLE) and not para.in_table


def classify(paras: list[Para]) -> Recognised:
    """Name each paragraph of a 公文 (see the module docstring)."""
    visible = [p for p in paras if _stripped(p.text) and not TAG_ONLY.match(p.text)]
    elements: list[Element] = []
    i = 0
    # 版头: everything recognisable as a header element before the title
    while i < len(visible):
        kind = _header_kind(visible[i])
        if kind is None:
            break
        elements.append(Element(kind, visible[i]))
        i += 1
    layout = _layout(elements, visible)
    # 标题: consecutive centred lines; lines right under it (speaker, date) are "centered"
    if i < len(visible) and _is_title(visible[i]) and not _header_kind_only_number(visible[i]):
        elements.append(Element("title", visible[i]))
        i += 1
        while (
            i < len(visible)
            and _is_title(visible[i])
            and visible[i].size == elements[-1].para.size
            and not _DATE.match(_stripped(visible[i].text))
            and elements[-1].kind == "title"
        ):
            elements.append(Element("title", visible[i]))
            i += 1
        while i < len(visible) and visible[i].props.jc == "center" and not visible[i].in_table:
            elements.append(Element("centered", visible[i]))
            i += 1
    rest = visible[i:]
    tail = _tail(rest)
    first_body = True
    after_title = False
    for k, para in enumerate(rest):
        if k in tail:
            elements.append(Element(tail[k], para))
            continue
        if para.props.style_id == S.STYLE_TITLE and not para.in_table:
            # a later title (documents merged one after another) opens a new title block
            elements.append(Element("title", para))
            after_title = first_body = True
            continue
        if after_title and para.props.jc == "center" and not para.in_table:
            elements.append(Element("centered", para))
            continue
        after_title = False
        text = _stripped(para.text)
        if para.in_table:
            elements.append(Element("table", para))
            continue
        if first_body and _SALUTATION.match(text) and not S.heading_level(text):
            first_body = False
            kind = (
                "addressee" if layout != "speech" and not text.startswith("同志") else "salutation"
            )
            elements.append(Element(kind, para))
            continue
        first_body = False
        if layout == "minutes" and _MINUTES_NAMES.match(text):
            elements.append(Element("minutes_names", para))
            continue
        level = _heading_level(para)
        if level is not None:
            elements.append(Element("heading", para, level))
            continue
        if (
            para.props.style_id in ("Closing", S.STYLE_CLOSING)
            or para.text.startswith("\u3000\u3000")
            or para.props.jc in ("right", "end")
        ):
            elements.append(Element("closing", para))  # a right-set line (本人签名：… 年 月 日)
            continue
        elements.append(Element("body", para))
    return Recognised(layout, elements)


def _header_kind_only_number(para: Para) -> bool:
    return _header_kind(para) in (
        "copy_number", "secrecy", "urgency", "doc_number", "signer", "issue_number"
    )  # fmt: skip


def _heading_level(para: Para) -> int | None:
    text = _stripped(para.text)
    level = S.heading_level(text)
    if level is not None:
        return level
    style = para.props.style_id or ""
    m = re.fullmatch(r"Heading([1-4])", style)
    if m and text.startswith("{"):
        return int(m.group(1))
    return None


def _layout(header: list[Element], visible: list[Para]) -> str:
    marks = "".join(_stripped(e.para.text) for e in header if e.kind == "organ_mark")
    numbers = "".join(_stripped(e.para.text) for e in header if e.kind == "doc_number")
    if marks.endswith("令") or any(e.kind == "order_number" for e in header):
        return "order"
    if "纪要" in marks:
        return "minutes"
    m = _DOC_NUMBER.match(numbers)
    if (m and m.group("code").endswith("函")) or (
        marks and not marks.endswith("文件") and m and "函" in m.group("code")
    ):
        return "letter"
    if not header:
        titles = [p for p in visible[:3] if _is_title(p)]
        if titles and "讲话" in _stripped(titles[0].text) + "".join(
            _stripped(p.text) for p in visible[1:3]
        ):
            return "speech"
        if titles and _stripped(titles[0].text).endswith("的函"):
            return "letter"
    return "document"


def _tail(rest: list[Para]) -> dict[int, str]:
    """The 落款, 附注, 附件说明 and 版记 at the end of the body, by index into ``rest``."""
    kinds: dict[int, str] = {}
    n = len(rest)
    # 版记: from the first 抄送 / …印发 line (often in a table) to the end
    start = None
    for k in range(n - 1, -1, -1):
        text = _stripped(rest[k].text)
        if _COPY_TO.match(text) or (_PRINTER.search(text) and re.search(r"\d{4}\s*年", text)):
            start = k
        elif start is not None and not rest[k].in_table:
            break
    end = n if start is None else start
    if start is not None:
        for k in range(start, n):
            text = _stripped(rest[k].text)
            kinds[k] = "copy_to" if _COPY_TO.match(text) else "printer"
    # 附注 right after the date
    k = end - 1
    if (
        k >= 0
        and _NOTE.match(_stripped(rest[k].text))
        and k - 1 >= 0
        and _DATE.match(_stripped(rest[k - 1].text))
    ):
        kinds[k] = "note"
        k -= 1
    if k >= 0 and _DATE.match(_stripped(rest[k].text)) and not rest[k].in_table:
        kinds[k] = "date"
        j = k - 1
        while j >= 0 and not rest[j].in_table and _is_signature(rest[j]):
            kinds[j] = "signature"
            j -= 1
            if j >= 0 and _stripped(rest[j].text) and not _is_signature(rest[j]):
                break
        k = j
    # 附件说明: 附件： lines just before the 落款 (and their continuation lines 2. …)
    for j in range(min(k, end - 1), -1, -1):
        text = _stripped(rest[j].text)
        if _ATTACHMENT.match(text) and not rest[j].in_table:
            kinds[j] = "attachment_note"
            for m in range(j + 1, k + 1):
                if m not in kinds and re.match(r"^\s*[0-9０-９]+[.．]", rest[m].text):
                    kinds[m] = "attachment_note"
            break
        if j < k - 4:
            break
    return kinds


def _is_signature(para: Para) -> bool:
    text = _stripped(para.text)
    return (
        0 < len(text) <= 40
        and not _SENTENCE.search(text)
        and not S.heading_level(text)
        and (
            para.props.jc in ("right", "end", "center")
            or para.text.startswith("\u3000\u3000")
            or para.text.startswith("  ")
        )
    )
