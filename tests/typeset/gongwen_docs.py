"""Real-looking 公文 written here in Word's and WPS's XML shapes, each with its known deviations.

Every builder returns ``(docx bytes, planted)``: ``planted`` is the set of (rule, text) pairs a
careful reviewer marks; everything else in the document follows GB/T 9704. Shapes covered: the
发文机关标志 in a text box (``mc:AlternateContent`` with a Choice and a Fallback copy), 份号,
密级, 紧急程度, 发文字号 and 签发人 (上行文), headings drawn by WPS automatic numbering (style id
"2", ``w:numPr``), a 版记 table, a 信函 with an unnumbered first page, a 纪要.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.oxml import parse_xml
from docx.parts.numbering import NumberingPart

from speechkit.typeset import spec as S
from speechkit.typeset.layout import new_document

NS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml"'
)
RED = "FF0000"


def _rpr(font=None, size=None, color=None, bold=None) -> str:
    bits = []
    if font:
        bits.append(f'<w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}"/>')
    if bold is not None:
        bits.append(f'<w:b w:val="{1 if bold else 0}"/>')
    if color:
        bits.append(f'<w:color w:val="{color}"/>')
    if size:
        bits.append(f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>')
    return f"<w:rPr>{''.join(bits)}</w:rPr>" if bits else ""


def _run(text: str, **rpr) -> str:
    return f'<w:r>{_rpr(**rpr)}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def _ppr(style=None, jc=None, flush=False, indent_chars=None, line=None, numpr=None, border=None):
    bits = []
    if style:
        bits.append(f'<w:pStyle w:val="{style}"/>')
    if numpr:
        bits.append(f'<w:numPr><w:ilvl w:val="{numpr[1]}"/><w:numId w:val="{numpr[0]}"/></w:numPr>')
    if border:
        bits.append(
            f'<w:pBdr><w:bottom w:val="single" w:sz="12" w:space="1" w:color="{border}"/></w:pBdr>'
        )
    if line:
        bits.append(f'<w:spacing w:line="{line[0]}" w:lineRule="{line[1]}"/>')
    if flush:
        bits.append('<w:ind w:firstLineChars="0" w:firstLine="0"/>')
    elif indent_chars is not None:
        bits.append(
            f'<w:ind w:firstLineChars="{indent_chars}" w:firstLine="{indent_chars * 16 // 5}"/>'
        )
    if jc:
        bits.append(f'<w:jc w:val="{jc}"/>')
    return f"<w:pPr>{''.join(bits)}</w:pPr>" if bits else ""


class Doc:
    """A 公文 under construction on the official layout (styles, page, grid, page numbers)."""

    def __init__(self) -> None:
        self.document = new_document()
        self.body = self.document.element.body

    def add(self, xml: str) -> None:
        """Append one body element given as XML (before the section properties)."""
        self.body.insert(
            len(self.body) - 1,
            parse_xml(xml.replace("<w:p>", f"<w:p {NS}>", 1) if xml.startswith("<w:p>") else xml),
        )

    def p(self, text: str = "", *, runs: list[tuple[str, dict]] | None = None, **ppr) -> None:
        """A paragraph of ``text`` (style formatting) or of ``runs`` (text, rPr keywords)."""
        body = "".join(_run(t, **r) for t, r in (runs or [(text, {})]))
        self.add(f"<w:p {NS}>{_ppr(**ppr)}{body}</w:p>")

    def text_box(self, text: str, **rpr) -> None:
        """An anchored text box holding ``text``, as Word writes it: Choice (wps) + Fallback (VML)."""
        inner = f"<w:p>{_ppr(jc='center', flush=True)}{_run(text, **rpr)}</w:p>"
        self.add(
            f"<w:p {NS}>{_ppr(flush=True)}<w:r><mc:AlternateContent>"
            '<mc:Choice Requires="wps"><w:drawing><wp:anchor distT="0" distB="0" distL="0" distR="0" '
            'simplePos="0" relativeHeight="1" behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1">'
            '<wp:simplePos x="0" y="0"/><wp:positionH relativeFrom="margin"><wp:align>center</wp:align>'
            '</wp:positionH><wp:positionV relativeFrom="margin"><wp:posOffset>0</wp:posOffset></wp:positionV>'
            '<wp:extent cx="5600000" cy="800000"/><wp:wrapTopAndBottom/><wp:docPr id="1" name="发文机关标志"/>'
            '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
            f"<wps:wsp><wps:txbx><w:txbxContent>{inner}</w:txbxContent></wps:txbx><wps:bodyPr/></wps:wsp>"
            "</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>"
            f'<mc:Fallback><w:pict><v:shape style="width:441pt;height:63pt"><v:textbox><w:txbxContent>{inner}'
            "</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>"
        )

    def copy_table(self, lines: list[tuple[str, dict]]) -> None:
        """The 版记 as a one-column table with top and bottom rules, one row per line."""
        rows = "".join(
            f'<w:tr><w:tc><w:tcPr><w:tcW w:w="{S.TEXT_WIDTH}" w:type="dxa"/></w:tcPr>'
            f"<w:p>{_ppr(flush=True)}{_run(text, **rpr)}</w:p></w:tc></w:tr>"
            for text, rpr in lines
        )
        self.add(
            f'<w:tbl {NS}><w:tblPr><w:tblW w:w="{S.TEXT_WIDTH}" w:type="dxa"/><w:tblBorders>'
            '<w:top w:val="single" w:sz="8" w:color="000000"/><w:bottom w:val="single" w:sz="8" w:color="000000"/>'
            f'<w:insideH w:val="single" w:sz="4" w:color="000000"/></w:tblBorders></w:tblPr>'
            f'<w:tblGrid><w:gridCol w:w="{S.TEXT_WIDTH}"/></w:tblGrid>{rows}</w:tbl>'
        )

    def wps_numbering(self) -> None:
        """WPS's way: heading styles with ids "2"/"3" and a Chinese-counting multilevel list."""
        xml = (
            f'<w:numbering {NS}><w:abstractNum w:abstractNumId="0">'
            '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
            '<w:lvlText w:val="%1、"/></w:lvl>'
            '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
            '<w:lvlText w:val="（%2）"/></w:lvl></w:abstractNum>'
            '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>'
        )
        part = NumberingPart(
            PackURI("/word/numbering.xml"),
            CT.WML_NUMBERING,
            parse_xml(xml),
            self.document.part.package,
        )
        self.document.part.relate_to(part, RT.NUMBERING)
        styles = self.document.styles.element
        for sid, name, font, level in (
            ("2", "heading 1", S.HEITI, 0),
            ("3", "heading 2", S.KAITI, 1),
        ):
            styles.append(
                parse_xml(
                    f'<w:style {NS} w:type="paragraph" w:styleId="{sid}"><w:name w:val="{name}"/>'
                    f'<w:basedOn w:val="Normal"/><w:pPr><w:numPr><w:ilvl w:val="{level}"/>'
                    f'<w:numId w:val="1"/></w:numPr><w:outlineLvl w:val="{level}"/></w:pPr>'
                    f"{_rpr(font=font, size=S.BODY_SIZE)}</w:style>"
                )
            )

    def first_page_unnumbered(self) -> None:
        """信函: no page number on the first page (首页不同)."""
        section = self.document.sections[0]
        section.different_first_page_header_footer = True
        section.first_page_footer.is_linked_to_previous = False

    def bytes(self) -> bytes:
        """The finished .docx."""
        out = io.BytesIO()
        self.document.save(out)
        return out.getvalue()


BODY = "为进一步做好相关工作，经研究，现就有关事项通知如下，请结合实际认真抓好贯彻落实。"
HEITI, KAITI, FANGSONG, XBS = S.HEITI, S.KAITI, S.FANGSONG, S.XIAOBIAOSONG


def notice_word() -> tuple[bytes, set]:
    """A 下行文 通知 made in Word: full 版头 with the organ mark in a text box, 版记 table."""
    d = Doc()
    d.p("000123", flush=True, jc="left")
    d.p(runs=[("秘密★1年", {"font": HEITI})], flush=True, jc="left")
    d.p(runs=[("特急", {"font": HEITI})], flush=True, jc="left")
    d.text_box("海川市人民政府文件", font=XBS, size=52, color=RED)
    d.p("海政发[2024]5号", flush=True, jc="center")  # planted: square brackets
    d.p("", flush=True, border=RED)
    d.p(runs=[("关于做好汛期安全防范工作的通知", {"font": HEITI})], style="Title")  # planted: 黑体
    d.p("各镇人民政府，各街道办事处，市政府各部门：", indent_chars=200)  # planted: indented
    d.p(BODY)
    d.p("一、提高思想认识", style="Heading1")
    d.p(BODY)
    d.p(runs=[("（一）压实工作责任。", {"font": KAITI}), (BODY, {})])
    d.p(runs=[("二、抓好重点任务", {"font": HEITI})])
    d.p(runs=[(BODY, {"size": 28})])  # planted: 四号 body
    d.p("附件：1.汛期值班安排表")
    d.p("\u3000" * 17 + "海川市人民政府", style="Closing")
    d.p("\u3000" * 18 + "2024年7月5日", style="Closing")
    d.p("（此件公开发布）")
    d.copy_table(
        [
            ("抄送：市委各部门，市人大常委会办公室，市政协办公室。", {"size": 28}),
            ("海川市人民政府办公室　　　　　　　　2024年7月5日印发", {"size": 32}),  # planted: 三号
        ]
    )
    planted = {
        ("doc_number.brackets", "海政发[2024]5号"),
        ("title.font", "关于做好汛期安全防范工作的通知"),
        ("addressee.indent", "各镇人民政府，各街道办事处，市政府各部门："),
        ("body.size", BODY),
        ("printer.size", "海川市人民政府办公室"),
    }
    return d.bytes(), planted


def report_wps() -> tuple[bytes, set]:
    """A 上行文 报告 made in WPS: 签发人 beside the 发文字号, headings by automatic numbering."""
    d = Doc()
    d.wps_numbering()
    d.text_box("海川市人民政府文件", font=XBS, size=52, color=RED)
    d.p(
        runs=[("海政〔2024〕8号　　　　　　　　签发人：", {}), ("张示范", {"font": FANGSONG})],
        flush=True,
        jc="left",
    )  # planted: the signer's name should be 楷体
    d.p("", flush=True, border=RED)
    d.p("海川市人民政府关于2024年上半年工作情况的报告", style="Title")
    d.p("江州市人民政府：", flush=True)
    d.p(BODY)
    d.p("主要工作进展", style="2")  # drawn as 一、
    d.p(BODY)
    d.p(
        "工作中存在的问题",
        style="2",
    )  # 二、
    d.p("资金保障不足", style="3")  # （一）
    d.p(runs=[(BODY, {"font": "宋体"})])  # planted: 宋体 body
    d.p(runs=[("下一步工作打算", {"font": FANGSONG})], style="2")  # planted: level 1 in 仿宋
    d.p(BODY, line=(360, "auto"))  # planted: not exact 28.95 pt
    d.p("特此报告。")
    d.p("\u3000" * 17 + "海川市人民政府", style="Closing")
    d.p("\u3000" * 17 + "2024年07月05日", style="Closing")  # planted: zero-padded date
    planted = {
        ("signer.font", "海政〔2024〕8号"),
        ("body.font", BODY),
        ("heading1.font", "三、下一步工作打算"),
        ("body.line_spacing", BODY),
        ("date.zero", "2024年07月05日"),
    }
    return d.bytes(), planted


def letter() -> tuple[bytes, set]:
    """A 信函 (函): organ mark in red, 发文字号 with 函, first page without a number (§10.1)."""
    d = Doc()
    d.first_page_unnumbered()
    d.text_box("海川市人民政府办公室", font=XBS, size=44, color=RED)
    d.p("", flush=True, border=RED)
    d.p("海政办函〔2024〕12号", flush=True, jc="right")  # 信函: the number sits right
    d.p("海川市人民政府办公室关于商请支持开展联合调研的函", style="Title")
    d.p("江州市发展和改革委员会:", flush=True)  # planted: half-width colon
    d.p(BODY)
    d.p(BODY)
    d.p("附件:调研提纲")  # planted: half-width colon
    d.p("\u3000" * 15 + "海川市人民政府办公室", style="Closing")
    d.p("\u3000" * 18 + "2024年8月1日", style="Closing")
    planted = {
        ("addressee.colon", "江州市发展和改革委员会:"),
        ("attachment.colon", "附件:调研提纲"),
    }
    return d.bytes(), planted


def minutes() -> tuple[bytes, set]:
    """A 纪要: the organ mark says 纪要; 出席/请假 lines; one heading in the wrong face."""
    d = Doc()
    d.text_box("海川市人民政府常务会议纪要", font=XBS, size=52, color=RED)
    d.p("〔2024〕第9期", flush=True, jc="center")
    d.p("", flush=True, border=RED)
    d.p(BODY)
    d.p("一、关于防汛工作", style="Heading1")
    d.p(BODY)
    d.p(runs=[("二、关于安全生产工作", {"font": KAITI})])  # planted: level 1 in 楷体
    d.p(BODY)
    d.p(
        runs=[("出席：", {"font": HEITI}), ("林示范、张示范、王样例", {"font": FANGSONG})],
        flush=True,
    )
    d.p(runs=[("请假：", {"font": "宋体"}), ("赵督导", {"font": FANGSONG})], flush=True)  # planted
    planted = {
        ("heading1.font", "二、关于安全生产工作"),
        ("minutes.font", "请假：赵督导"),
    }
    return d.bytes(), planted


def clean_speech() -> tuple[bytes, set]:
    """A speech with no 版头 and nothing wrong: format-check must stay silent."""
    d = Doc()
    d.p("在全镇工作会议上的讲话", style="Title")
    d.p("张示范", style="Speaker")
    d.p("（2024年7月5日）", style="Speaker")
    d.p("同志们：", style="Salutation")
    d.p(BODY)
    d.p("一、统一思想", style="Heading1")
    d.p(BODY)
    return d.bytes(), set()


def joint_notice() -> tuple[bytes, set]:
    """联合行文: two organ marks, 附件说明 over two lines, 版记 as paragraphs (not a table)."""
    d = Doc()
    d.p(
        runs=[("中共海川市委组织部", {"font": XBS, "size": 44, "color": RED})],
        jc="center",
        flush=True,
    )
    d.p(
        runs=[("海川市人力资源和社会保障局", {"font": XBS, "size": 44, "color": RED})],
        jc="center",
        flush=True,
    )
    d.p("海组通〔2024〕03号", flush=True, jc="center")  # planted: 03 with a leading zero
    d.p("", flush=True, border=RED)
    d.p("关于做好2024年度基层干部培训工作的通知", style="Title")
    d.p("各镇党委、政府，各街道党工委、办事处：", flush=True)
    d.p(BODY)
    d.p("一、培训对象", style="Heading1")
    d.p(BODY)
    d.p("二、培训内容", style="Heading1")
    d.p(runs=[("（一）理论学习。", {"font": KAITI}), (BODY, {})])
    d.p(runs=[("（二）业务培训。", {"font": FANGSONG}), (BODY, {})])  # planted: 二级 in 仿宋
    d.p(BODY, flush=True)  # planted: body not indented
    d.p("附件：1.培训计划表")
    d.p("　　　 2.报名回执")
    d.p("　" * 14 + "中共海川市委组织部", style="Closing")
    d.p("　" * 12 + "海川市人力资源和社会保障局", style="Closing")
    d.p("　" * 17 + "2024年3月8日", style="Closing")
    d.p(runs=[("抄送：市委办公室，市政府办公室。", {"size": 28})], flush=True)
    d.p(runs=[("中共海川市委组织部办公室　　　　　2024年3月8日印发", {"size": 28})], flush=True)
    planted = {
        ("doc_number.zero", "海组通〔2024〕03号"),
        ("heading2.font", "（二）业务培训。"),
        ("body.indent", BODY),
    }
    return d.bytes(), planted


def order() -> tuple[bytes, set]:
    """命令（令）: the organ mark ends with 令, a 令号, no title; body and signature."""
    d = Doc()
    d.p(
        runs=[("海川市人民政府令", {"font": XBS, "size": 52, "color": RED})],
        jc="center",
        flush=True,
    )
    d.p("第12号", flush=True, jc="center")
    d.p(BODY)
    d.p(runs=[(BODY, {"font": KAITI})])  # planted: body in 楷体
    d.p("　" * 19 + "市长　林示范", style="Closing")
    d.p("　" * 17 + "2024年5月20日", style="Closing")
    return d.bytes(), {("body.font", BODY)}


def request_long() -> tuple[bytes, set]:
    """A long 请示 with 版头 and many body paragraphs, one run-level slip in the middle."""
    d = Doc()
    d.text_box("海川市教育局文件", font=XBS, size=52, color=RED)
    d.p("海教〔2024〕21号", flush=True, jc="center")
    d.p("", flush=True, border=RED)
    d.p("海川市教育局关于新建城东小学的请示", style="Title")
    d.p("市人民政府：", flush=True)
    for n in range(1, 4):
        d.p(f"{'一二三'[n - 1]}、第{n}部分", style="Heading1")
        for _ in range(5):
            d.p(BODY)
    d.p(runs=[("为进一步", {}), ("做好", {"size": 30}), ("相关工作。", {})])  # planted: 小三 run
    d.p("妥否，请批示。")
    d.p("　" * 18 + "海川市教育局", style="Closing")
    d.p("　" * 17 + "2024年4月2日", style="Closing")
    d.p("（联系人：王样例，电话：12345678）")
    return d.bytes(), {("body.size", "为进一步做好相关工作。")}


CORPUS = {
    "joint_notice": joint_notice,
    "order": order,
    "request_long": request_long,
    "notice_word": notice_word,
    "report_wps": report_wps,
    "letter": letter,
    "minutes": minutes,
    "clean_speech": clean_speech,
}
