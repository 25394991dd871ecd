"""``format_check``: read a .docx back and list every departure from the GB/T 9704 layout.

Effective properties are resolved the way Word does (run → character style → paragraph style
→ basedOn chain → document defaults; see :class:`~speechkit.typeset.oxml.StyleSheet`), so a
document whose runs carry no direct formatting is judged by its styles.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from docx.oxml.ns import qn

from speechkit.docx.package import open_docx
from speechkit.docx.paragraphs import iter_paragraphs
from speechkit.docx.parts import load_parts
from speechkit.errors import InputFileError, Location, SpeechkitError, display_path
from speechkit.typeset import gongwen, oxml
from speechkit.typeset import spec as S

TOLERANCE = 20  # twips (about 0.35 mm) for page size and margins
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_SENTENCE_END = re.compile(r"[。？！]")
_TAG_ONLY = re.compile(r"^\s*(\{%(?:(?!%\}).)*%\}|\{#(?:(?!#\}).)*#\})\s*$")
_SALUTATION = re.compile(r"^[^，。；！？]{1,24}[：:]$")
_PAGE_NUMBER = re.compile(r"^—\s\S+\s—$")


@dataclass(frozen=True)
class Departure:
    """One departure from the standard: which rule, where, what was expected and found."""

    rule: str
    message: str
    location: Location
    expected: str = ""
    actual: str = ""
    clause: str = ""  # the clause of GB/T 9704—2012 the finding rests on, e.g. "7.3.3"

    def __str__(self) -> str:
        where = str(self.location)
        return f"{where} {self.message}{self.detail}".strip()

    @property
    def detail(self) -> str:
        """（应为 …，实为 …）［GB/T 9704 §…］, the parts that apply."""
        detail = ""
        if self.expected or self.actual:
            detail = f"（应为 {self.expected}，实为 {self.actual}）"
        if self.clause:
            detail += f"［GB/T 9704—2012 {self.clause}］"
        return detail

    def to_dict(self) -> dict:
        """Plain-data form for JSON output."""
        data = asdict(self)
        loc = {k: v for k, v in asdict(self.location).items() if v is not None}
        if self.location.address is not None:
            loc["address"] = self.location.address.to_dict()
        data["location"] = loc
        return data


def _mm(twips: int | None) -> str:
    return "未设置" if twips is None else f"{twips / 56.692:.1f} 毫米"


_SIZE_NAMES = {84: "初号", 72: "小初", 52: "一号", 48: "小一", 44: "二号", 36: "小二", 32: "三号",
               30: "小三", 28: "四号", 24: "小四", 21: "五号", 18: "小五"}  # fmt: skip


def _pt(half_points: int | None) -> str:
    if half_points is None:
        return "未设置"
    name = _SIZE_NAMES.get(half_points)
    return f"{name}（{half_points / 2:g} 磅）" if name else f"{half_points / 2:g} 磅"


class _Checker:
    def __init__(self, path: Path, document) -> None:
        self.path = path
        self.file = display_path(path)
        self.document = document
        self.sheet = oxml.StyleSheet(document.styles.element)
        self.out: list[Departure] = []
        self._recognised: gongwen.Recognised | None = None

    # -- helpers ---------------------------------------------------------------------------
    def add(
        self,
        rule,
        message,
        *,
        part="body",
        paragraph=None,
        snippet=None,
        expected="",
        actual="",
        clause="",
        address=None,
    ):
        loc = Location(
            file=self.file, part=part, paragraph=paragraph, snippet=snippet, address=address
        )
        clause = clause or _RULE_CLAUSES.get(rule.split(".")[0], "")
        self.out.append(Departure(rule, message, loc, str(expected), str(actual), clause))

    @property
    def recognised(self) -> gongwen.Recognised:
        """The document's elements (版头, 主体, 版记) and layout, recognised once."""
        if self._recognised is None:
            paras = gongwen.read_paragraphs(self.document, self.sheet)
            self._recognised = gongwen.classify(paras)
        return self._recognised

    # -- document level ---------------------------------------------------------------------
    def check_sections(self) -> None:
        for number, section in enumerate(self.document.sections, start=1):
            v = oxml.section_values(section._sectPr)
            label = "" if len(self.document.sections) == 1 else f"第{number}节："
            if not _near(v.get("width"), S.PAGE_WIDTH) or not _near(v.get("height"), S.PAGE_HEIGHT):
                self.add(
                    "page.size",
                    f"{label}纸张应为 A4（210×297 毫米）",
                    part=None,
                    expected="210.0 毫米×297.0 毫米",
                    actual=f"{_mm(v.get('width'))}×{_mm(v.get('height'))}",
                )
            for key, want, name in (
                ("top", S.MARGIN_TOP, "上"),
                ("bottom", S.MARGIN_BOTTOM, "下"),
                ("left", S.MARGIN_LEFT, "左"),
                ("right", S.MARGIN_RIGHT, "右"),
            ):
                if not _near(v.get(key), want):
                    self.add(
                        f"page.margin.{key}",
                        f"{label}{name}页边距不符合规定",
                        part=None,
                        expected=_mm(want),
                        actual=_mm(v.get(key)),
                    )
            self._check_grid(v, label)
            if v.get("title_pg") and not self._is_form() and self.recognised.layout != "letter":
                # A form (a table document, usually one page) may leave its first page
                # unnumbered; a 信函 must (GB/T 9704 §10.1).
                self.add(
                    "page.title_pg",
                    f"{label}设置了“首页不同”，首页将没有页码",
                    part=None,
                    clause="7.5",
                )

    def _check_grid(self, v: dict, label: str) -> None:
        grid_type = v.get("grid_type")
        pitch = v.get("line_pitch")
        if grid_type not in ("lines", "linesAndChars"):
            self.add(
                "grid.type",
                f"{label}未设置文档网格（每页 22 行）",
                part=None,
                expected="指定行网格（或行和字符网格）",
                actual=_GRID_NAMES.get(grid_type or "", "无网格"),
            )
        elif pitch is None or not S.LINE_PITCH - 5 <= pitch <= S.LINE_PITCH:
            self.add(
                "grid.line_pitch",
                f"{label}文档网格行距应使每页 22 行",
                part=None,
                expected="28.95 磅",
                actual="未设置" if pitch is None else f"{pitch / 20:g} 磅",
            )
        width = S.PAGE_WIDTH - (v.get("left") or 0) - (v.get("right") or 0)
        body = self._body_run_props()
        if grid_type == "linesAndChars" and v.get("char_space") is not None:
            per_line = S.grid_chars_per_line(width, body.size or S.BODY_SIZE, v["char_space"])
        else:
            per_line = S.chars_per_line(width, body.size or S.BODY_SIZE, body.spacing or 0)
        if per_line != S.CHARS_PER_LINE:
            self.add(
                "grid.chars",
                f"{label}每行应排 {S.CHARS_PER_LINE} 个字",
                part=None,
                expected=str(S.CHARS_PER_LINE),
                actual=str(per_line),
            )

    def _is_form(self) -> bool:
        """True for a table form (such as 党性分析评议表): its body holds a table."""
        return bool(oxml.xpath(self.document.element.body, "w:tbl"))

    def _body_run_props(self) -> oxml.RunProps:
        """Effective run properties of plain body text (the default paragraph style)."""
        p = oxml.el("w:p")
        r = oxml.el("w:r")
        p.append(r)
        return self.sheet.run_props(r, p)

    def check_fonts_setup(self) -> None:
        themed = self.sheet.theme_font_styles()
        if themed:
            self.add(
                "fonts.theme",
                "样式使用了主题字体（WPS 会提示缺字体或替换字体），应直接指定中文字体："
                + "、".join(themed[:8]),
                part=None,
            )
        defaults = self.sheet.defaults_rpr
        lang = None
        if defaults is not None:
            node = defaults.find(qn("w:lang"))
            lang = node.get(qn("w:eastAsia")) if node is not None else None
        if lang != S.LANG:
            self.add(
                "lang",
                "文档默认东亚语言应为简体中文",
                part=None,
                expected="中文（中国）",
                actual=_LANG_NAMES.get(lang or "", lang or "未设置"),
            )

    def check_footers(self) -> None:
        settings = self.document.settings.element
        even_odd = oxml.settings_flag(settings, "w:evenAndOddHeaders")
        if not even_odd:
            self.add(
                "footer.even_odd", "未设置“奇偶页不同”，页码无法单页居右、双页居左", part="footer"
            )
        for section in self.document.sections:
            self._check_footer(section.footer, "right", "单页")
            if even_odd:
                self._check_footer(section.even_page_footer, "left", "双页")
            break  # later sections inherit unless unlinked; the first one decides the look

    def _check_footer(self, footer, side: str, name: str) -> None:
        if footer.is_linked_to_previous:
            self.add("footer.missing", f"{name}页脚没有页码", part="footer")
            return
        element = footer._element
        if not oxml.has_page_field(element):
            self.add("footer.page_field", f"{name}页脚没有页码域（PAGE）", part="footer")
            return
        for p in oxml.xpath(element, ".//w:p"):
            if not oxml.has_page_field(p):
                continue
            text = _field_text(p)
            if not _PAGE_NUMBER.match(text.strip()):
                self.add(
                    "footer.format",
                    f"{name}页码格式应为“— 1 —”（一字线，两侧各空一格）",
                    part="footer",
                    snippet=text.strip(),
                )
            props = self.sheet.para_props(p)
            if (props.jc or "left") != side:
                self.add(
                    "footer.align",
                    f"{name}页码应{'居右' if side == 'right' else '居左'}（空一字）",
                    part="footer",
                    expected=_align(side),
                    actual=_align(props.jc),
                )
            for r in oxml.paragraph_runs(p):
                rp = self.sheet.run_props(r, p)
                if rp.size != S.PAGE_NUMBER_SIZE or (rp.east_asia or "") != S.SONGTI:
                    self.add(
                        "footer.font",
                        f"{name}页码应为宋体四号",
                        part="footer",
                        expected="宋体 14 磅",
                        actual=f"{rp.east_asia or '未设置'} {_pt(rp.size)}",
                    )
                    break
            return

    def check_headers(self, parts) -> None:
        """GB/T 9704 公文 have no running header: text in a header is a departure (each
        paragraph named by its address, 页眉2 第1段)."""
        for part in parts:
            if part.kind != "header":
                continue
            for para in iter_paragraphs(part.root, part.kind, part.ref.number):
                text = oxml.paragraph_text(para.element)
                if not text.strip():
                    continue
                self.add(
                    "header.text",
                    "公文不设页眉，页眉中不应有文字",
                    part="header",
                    paragraph=para.address.paragraph,
                    snippet=_snip(text),
                    address=para.address,
                )

    # -- paragraphs ---------------------------------------------------------------------------
    def check_paragraphs(self) -> None:
        rec = self.recognised
        if not rec.of("title"):
            first = next((e.para for e in rec.elements if not e.para.in_table), None)
            if first is not None and rec.layout not in ("order", "minutes"):
                self.add(
                    "title.missing",
                    "文档开头没有居中的标题",
                    paragraph=first.address.paragraph,
                    snippet=_snip(first.text),
                    address=first.address,
                )
        upward = bool(rec.of("signer"))  # 上行文: 发文字号 flush left beside 签发人
        for element in rec.elements:
            para = element.para
            if _TAG_ONLY.match(para.text):
                continue
            where = {
                "paragraph": para.address.paragraph,
                "snippet": _snip(para.text),
                "address": para.address,
            }
            check = getattr(self, f"_element_{element.kind}")
            check(element, para.element, para.props, where, upward)

    # one method per element of GB/T 9704; each gets (element, <w:p>, props, where, upward)
    def _element_copy_number(self, element, p, props, where, upward) -> None:
        self._check_runs(p, where, fonts=S.OFFICIAL_FONTS, rule="copy_number.size", what="份号")
        self._check_flush_left(props, where, "copy_number.indent", "份号应顶格编排在版心左上角")

    def _element_secrecy(self, element, p, props, where, upward) -> None:
        self._check_runs(p, where, fonts=(S.HEITI,), rule="secrecy.font", what="密级和保密期限")
        self._check_flush_left(props, where, "secrecy.indent", "密级和保密期限应顶格编排")

    def _element_urgency(self, element, p, props, where, upward) -> None:
        self._check_runs(p, where, fonts=(S.HEITI,), rule="urgency.font", what="紧急程度")
        self._check_flush_left(props, where, "urgency.indent", "紧急程度应顶格编排")

    def _element_organ_mark(self, element, p, props, where, upward) -> None:
        self._check_runs(
            p,
            where,
            fonts=(S.XIAOBIAOSONG,),
            size=None,
            rule="organ_mark.font",
            what="发文机关标志",
        )
        if not element.para.red:
            self.add("organ_mark.color", "发文机关标志应为红色", **where)
        if props.jc != "center" and not element.para.in_textbox:
            self.add(
                "organ_mark.align", "发文机关标志应居中", expected="居中", actual=_align(props.jc),
                **where,
            )  # fmt: skip

    def _element_doc_number(self, element, p, props, where, upward) -> None:
        text = element.para.text.strip(" \u3000")
        m = gongwen._DOC_NUMBER.match(text)
        if m and (m.group("open") != "〔" or m.group("close") != "〕"):
            self.add(
                "doc_number.brackets",
                "发文字号的年份应用六角括号〔〕",
                expected="〔" + m.group("year") + "〕",
                actual=m.group("open") + m.group("year") + m.group("close"),
                **where,
            )
        if m and m.group("di"):
            self.add("doc_number.di", "发文字号的序号不加“第”字", **where)
        if m and len(m.group("num")) > 1 and m.group("num").startswith("0"):
            self.add("doc_number.zero", "发文字号的序号不编虚位（1 不编为 01）", **where)
        self._check_runs(p, where, fonts=(S.FANGSONG,), rule="doc_number.font", what="发文字号")
        if self.recognised.layout == "letter":
            return  # 信函: the number may sit flush right under the rule (§10.1)
        want = "left" if upward else "center"
        if (props.jc or "left") not in ((want,) if want == "center" else ("left", "both", "start")):
            self.add(
                "doc_number.align",
                "发文字号应居中" if want == "center" else "上行文的发文字号应居左空一字",
                expected=_align(want),
                actual=_align(props.jc),
                **where,
            )

    def _element_signer(self, element, p, props, where, upward) -> None:
        seen_colon = False
        for r in gongwen.own_runs(p):
            text = oxml.run_text(r)
            if not _CJK.search(text):
                seen_colon = seen_colon or "：" in text or ":" in text
                continue
            rp = self.sheet.run_props(r, p)
            label_part = not seen_colon or "签发人" in text
            want = S.FANGSONG if label_part else S.KAITI
            if rp.east_asia != want:
                self.add(
                    "signer.font",
                    "签发人应为仿宋，签发人姓名应为楷体",
                    expected=want,
                    actual=rp.east_asia or "未设置",
                    **where,
                )
                return
            seen_colon = seen_colon or "：" in text or ":" in text

    def _element_issue_number(self, element, p, props, where, upward) -> None:
        self._check_runs(p, where, fonts=(S.FANGSONG,), rule="minutes.font", what="期号")

    def _element_order_number(self, element, p, props, where, upward) -> None:
        self._check_runs(p, where, fonts=(S.FANGSONG,), rule="order_number.font", what="令号")

    def _element_title(self, element, p, props, where, upward) -> None:
        self._check_title(p, props, where)

    def _element_centered(self, element, p, props, where, upward) -> None:
        self._check_runs(
            p, where, fonts=S.OFFICIAL_FONTS, rule="centered.font", what="居中的署名、日期行"
        )

    def _element_addressee(self, element, p, props, where, upward) -> None:
        self._check_runs(p, where, fonts=(S.FANGSONG,), rule="addressee.font", what="主送机关")
        self._check_flush_left(props, where, "addressee.indent", "主送机关应顶格编排")
        if element.para.text.rstrip().endswith(":"):
            self.add("addressee.colon", "主送机关后应用全角冒号“：”", **where)
        self._check_line(props, where)

    def _element_salutation(self, element, p, props, where, upward) -> None:
        self._check_runs(p, where, fonts=(S.FANGSONG,), rule="body.font", what="称呼")
        self._check_line(props, where)

    def _element_heading(self, element, p, props, where, upward) -> None:
        self._check_heading(p, props, element.level, element.para.text.strip(" \u3000"), where)

    def _element_body(self, element, p, props, where, upward) -> None:
        self._check_runs(p, where, fonts=(S.FANGSONG,), rule="body.font", what="正文")
        self._check_indent(props, where)
        self._check_line(props, where)

    def _element_minutes_names(self, element, p, props, where, upward) -> None:
        self._check_runs(
            p, where, fonts=(S.HEITI, S.FANGSONG), rule="minutes.font", what="出席、请假、列席人员"
        )

    def _element_attachment_note(self, element, p, props, where, upward) -> None:
        self._check_runs(p, where, fonts=(S.FANGSONG,), rule="attachment.font", what="附件说明")
        text = element.para.text.strip(" \u3000")
        if text.startswith("附件") and re.match(r"^附\s*件\s*[0-9]*\s*:", text):
            self.add("attachment.colon", "“附件”后应用全角冒号“：”", **where)
        if re.match(r"^附\s*件", text):
            self._check_indent(props, where, rule="attachment.indent", what="附件说明应左空二字")

    def _element_signature(self, element, p, props, where, upward) -> None:
        self._check_runs(p, where, fonts=(S.FANGSONG,), rule="closing.font", what="发文机关署名")

    def _element_closing(self, element, p, props, where, upward) -> None:
        self._check_runs(p, where, fonts=(S.FANGSONG,), rule="closing.font", what="落款")
        self._check_line(props, where)

    def _element_date(self, element, p, props, where, upward) -> None:
        self._check_runs(p, where, fonts=(S.FANGSONG,), rule="closing.font", what="成文日期")
        text = element.para.text.strip(" \u3000（）()")
        if re.search(r"年0\d月|月0\d日", text):
            self.add(
                "date.zero",
                "成文日期的月、日不编虚位（7月5日，不写07月05日）",
                clause="7.3.5",
                **where,
            )

    def _element_note(self, element, p, props, where, upward) -> None:
        self._check_runs(p, where, fonts=(S.FANGSONG,), rule="note.font", what="附注")
        self._check_indent(props, where, rule="note.indent", what="附注应居左空二字")

    def _element_copy_to(self, element, p, props, where, upward) -> None:
        self._check_runs(
            p,
            where,
            fonts=(S.FANGSONG,),
            size=S.PAGE_NUMBER_SIZE,
            rule="copy_to.font",
            what="抄送机关",
        )

    def _element_printer(self, element, p, props, where, upward) -> None:
        self._check_runs(
            p,
            where,
            fonts=(S.FANGSONG,),
            size=S.PAGE_NUMBER_SIZE,
            rule="printer.font",
            what="印发机关和印发日期",
        )

    def _element_table(self, element, p, props, where, upward) -> None:
        self._check_official_fonts(p, where)

    def _check_flush_left(self, props, where, rule: str, message: str) -> None:
        if (
            (props.first_line_chars or 0) > 0
            or (props.first_line or 0) > 0
            or (props.left or 0) > 0
        ):
            self.add(rule, message, **where)

    def _check_title(self, p, props, where) -> None:
        self._check_runs(
            p, where, fonts=(S.XIAOBIAOSONG,), size=S.TITLE_SIZE, rule="title.font", what="标题"
        )
        if props.jc != "center":
            self.add("title.align", "标题应居中", expected="居中", actual=_align(props.jc), **where)
        for r in gongwen.own_runs(p):
            if self.sheet.run_props(r, p).bold:
                self.add("title.bold", "标题（小标宋）不应加粗", **where)
                break

    def _check_heading(self, p, props, level, text, where) -> None:
        match = _SENTENCE_END.search(text)
        head_len = match.end() if match else len(text)
        font = S.HEADING_FONTS[level]
        consumed = 0
        bad = None
        for r in gongwen.own_runs(p):
            if consumed >= head_len:
                break
            run_text = oxml.run_text(r)
            consumed += len(run_text)
            if not _CJK.search(run_text):
                continue
            rp = self.sheet.run_props(r, p)
            if rp.east_asia != font or rp.size != S.BODY_SIZE:
                bad = rp
                break
        if bad is not None:
            self.add(
                f"heading{level}.font",
                f"{S.HEADING_NAMES[level]}应为{font}三号",
                expected=f"{font} 16 磅",
                actual=f"{bad.east_asia or '未设置'} {_pt(bad.size)}",
                **where,
            )
        if level == 1 and text.rstrip().endswith("。"):
            self.add("heading1.stop", "一级标题末尾不加句号（标题单独成行，正文另起一段）", **where)
        self._check_indent(props, where)
        self._check_line(props, where)

    def _check_official_fonts(self, p, where) -> None:
        for r in gongwen.own_runs(p):
            if not _CJK.search(oxml.run_text(r)):
                continue
            rp = self.sheet.run_props(r, p)
            if rp.east_asia not in S.OFFICIAL_FONTS:
                self.add(
                    "table.font",
                    "表格文字应使用公文字体（仿宋_GB2312、黑体、楷体_GB2312、宋体）",
                    actual=rp.east_asia or "未设置",
                    **where,
                )
                return

    def _check_runs(self, p, where, *, fonts, rule, what, size=S.BODY_SIZE) -> None:
        for r in gongwen.own_runs(p):
            run_text = oxml.run_text(r)
            if not run_text.strip():
                continue
            rp = self.sheet.run_props(r, p)
            if _CJK.search(run_text) and rp.east_asia not in fonts:
                self.add(
                    rule,
                    f"{what}字体应为{'或'.join(fonts)}",
                    expected="、".join(fonts),
                    actual=rp.east_asia or "未设置",
                    **where,
                )
                return
            if size is not None and rp.size != size:
                self.add(
                    rule.replace("font", "size"),
                    f"{what}字号应为{_SIZE_NAMES.get(size, _pt(size))}",
                    expected=_pt(size),
                    actual=_pt(rp.size),
                    **where,
                )
                return

    def _check_indent(self, props, where, rule="body.indent", what="首行应缩进 2 个字") -> None:
        chars = props.first_line_chars
        twips = props.first_line
        ok = (chars is not None and chars == S.INDENT_CHARS) or (
            chars is None and twips is not None and abs(twips - S.INDENT_TWIPS) <= 10
        )
        if props.hanging or not ok:
            actual = (
                f"{chars / 100:g} 字"
                if chars is not None
                else ("无" if not twips else f"{twips / 20:g} 磅")
            )
            self.add(rule, what, expected="2 字", actual=actual, **where)

    def _check_line(self, props, where) -> None:
        if props.line_rule != "exact" or not S.LINE_PITCH - 5 <= (props.line or 0) <= S.LINE_PITCH:
            actual = (
                f"固定值 {(props.line or 0) / 20:g} 磅"
                if props.line_rule == "exact"
                else _LINE_RULES.get(props.line_rule or "auto", "非固定值")
            )
            self.add(
                "body.line_spacing",
                "行距应为固定值 28.95 磅（每页 22 行）",
                expected="固定值 28.95 磅",
                actual=actual,
                **where,
            )


# The clause of GB/T 9704—2012 behind each family of rules (the part of the id before the dot).
_RULE_CLAUSES = {
    "page": "5.2.1",
    "grid": "5.2.1",
    "fonts": "6.3",
    "lang": "6.3",
    "footer": "7.5",
    "title": "7.3.1",
    "heading1": "7.3.3",
    "heading2": "7.3.3",
    "heading3": "7.3.3",
    "heading4": "7.3.3",
    "body": "7.3.3",
    "centered": "7.3.1",
    "closing": "7.3.5",
    "table": "6.3",
    **{kind: clause for kind, clause in gongwen.CLAUSES.items()},
    "attachment": "7.3.4",
    "minutes": "10.3",
}


@dataclass
class DepartureGroup:
    """Departures of one rule with the same finding in several paragraphs, shown as one line."""

    first: Departure
    paragraphs: list[int]
    places: list = field(default_factory=list)  # the paragraphs' addresses, where known

    def __str__(self) -> str:
        d = self.first
        if len(self.paragraphs) <= 1:
            return str(d)
        part = PART_LABELS.get(d.location.part or "body", "")
        more = "等" if len(self.paragraphs) > 30 else ""
        if self.places and any(a.cells for a in self.places):  # table cells: full addresses
            part = self.places[0].part_label
            shown = [str(a)[len(a.part_label) :].strip() for a in self.places[:30]]
            listed = "、".join(shown)
            return f"{part} {len(self.paragraphs)} 段{d.message}{d.detail}：{listed}{more}"
        listed = "、".join(str(n) for n in self.paragraphs[:30])
        return f"{part} {len(self.paragraphs)} 段{d.message}{d.detail}：第{listed}{more}段"


PART_LABELS = {"body": "正文", "footer": "页脚", "header": "页眉"}


def group_departures(departures: list[Departure]) -> list[DepartureGroup]:
    """One group per identical finding (rule, message, expected, actual) across paragraphs."""
    groups: dict[tuple, DepartureGroup] = {}
    for d in departures:
        key = (d.rule, d.message, d.expected, d.actual, d.location.part)
        if d.location.paragraph is None:
            key += (id(d),)
        if d.location.address is not None:
            key += (d.location.address.part_label,)
        if key not in groups:
            groups[key] = DepartureGroup(d, [])
        if d.location.paragraph:
            groups[key].paragraphs.append(d.location.paragraph)
            if d.location.address is not None:
                groups[key].places.append(d.location.address)
    return list(groups.values())


_GRID_NAMES = {
    "default": "无网格",
    "lines": "只指定行网格",
    "linesAndChars": "指定行和字符网格",
    "snapToChars": "文字对齐字符网格",
}
_LANG_NAMES = {
    "zh-CN": "中文（中国）",
    "en-US": "英语（美国）",
    "ja-JP": "日语",
    "zh-TW": "中文（台湾）",
}
_ALIGN_NAMES = {
    "left": "左对齐",
    "start": "左对齐",
    "right": "右对齐",
    "end": "右对齐",
    "center": "居中",
    "both": "两端对齐",
    "distribute": "分散对齐",
}
_LINE_RULES = {"auto": "单倍或多倍行距", "atLeast": "最小值"}


def _align(jc: str | None) -> str:
    """Word's name for a paragraph alignment value (``w:jc``); unset means left."""
    return _ALIGN_NAMES.get(jc or "left", jc or "左对齐")


def _near(value: int | None, want: int) -> bool:
    return value is not None and abs(value - want) <= TOLERANCE


def _snip(text: str, n: int = 20) -> str:
    text = text.strip()
    return text if len(text) <= n else text[:n] + "……"


def _field_text(p) -> str:
    """Paragraph text with field results but not field codes."""
    return "".join(oxml.run_text(r) for r in oxml.paragraph_runs(p))


def load_document(path: str | Path):
    """Open a .docx with python-docx after :func:`speechkit.docx.package.open_docx` vetted it.

    Raises :class:`InputFileError` (plain Chinese) when the file is missing or not a .docx.
    """
    return _load(path)[1]


def _load(path: str | Path):
    """(the vetted package, its python-docx Document)."""
    import io

    from docx import Document
    from lxml import etree

    package = open_docx(path)
    where = Location(file=display_path(path))
    try:  # a template (.dotx) or macro document (.docm) is read as a plain .docx
        return package, Document(io.BytesIO(package.readable_bytes()))
    except etree.XMLSyntaxError as exc:
        raise InputFileError(
            f"Word 文档内部的 XML 已损坏（{exc.lineno or '?'} 行附近），无法读取；"
            "请在 Word/WPS 中打开后重新保存。",
            where,
        ) from None
    except Exception:  # python-docx raises several unrelated types for broken packages
        raise InputFileError(
            "Word 文档的内部结构已损坏或不完整，无法读取；请在 Word/WPS 中打开后重新保存。",
            where,
        ) from None


def _run_checks(path: str | Path) -> _Checker:
    package, document = _load(path)
    checker = _Checker(Path(path), document)
    checker.check_sections()
    checker.check_fonts_setup()
    checker.check_footers()
    checker.check_headers(load_parts(package, body_root=document.element, kinds=("header",)))
    checker.check_paragraphs()
    return checker


def format_check(path: str | Path, *, render: bool = False) -> list[Departure]:
    """Every departure of the .docx at ``path`` from the GB/T 9704 layout (empty when it passes).

    With ``render`` a table form is also rendered through LibreOffice (when installed) and
    reported when it runs past one page. Raises :class:`InputFileError` when the file is
    missing or not a .docx.
    """
    checker = _run_checks(path)
    if render and _rendered_form(checker):
        checker.out += form_overflows([Path(path)]).get(Path(path), [])
    return checker.out


def _rendered_form(checker: _Checker) -> bool:
    """A table form that is not a template (its tags would print as long text)."""
    if not checker._is_form():
        return False
    body = checker.document.element.body
    return not any("{{" in t or "{%" in t for t in (x.text or "" for x in body.iter(qn("w:t"))))


def form_overflows(paths: list[Path]) -> dict[Path, list[Departure]]:
    """Render forms through LibreOffice (one start for all) and report each that is not one page.

    Returns {} when LibreOffice is not installed (the check is then skipped).
    """
    import tempfile

    from speechkit.typeset.pdf import Converter, pdf_pages, soffice_path

    if not paths or soffice_path() is None:
        return {}
    out: dict[Path, list[Departure]] = {}
    with tempfile.TemporaryDirectory(prefix="sk-fc-") as tmp, Converter() as converter:
        done = converter.convert_many((path, Path(tmp) / str(n)) for n, path in enumerate(paths))
        for path, one in zip(paths, done, strict=True):
            pages = pdf_pages(one.pdf) if one.pdf is not None else None
            if pages and pages > 1:
                loc = Location(file=display_path(path))
                out[path] = [
                    Departure(
                        "form.pages",
                        f"表格表单排成了 {pages} 页（LibreOffice 渲染），应为一页："
                        "多半是填写的内容过长，或填写栏太高；请缩短内容或减小行高",
                        loc,
                        "1 页",
                        f"{pages} 页",
                    )
                ]
    return out


@dataclass
class FormatResult:
    """Outcome of checking one file: its departures, or the error that kept it from being read."""

    path: Path
    departures: list[Departure]
    error: SpeechkitError | None = None
    notice: str | None = None

    @property
    def ok(self) -> bool:
        """True when the file was read and follows the layout."""
        return self.error is None and not self.departures


def format_check_files(paths: list[str | Path], *, render: bool = True) -> list[FormatResult]:
    """:func:`format_check` for every path; an unreadable file is reported, not fatal to the rest.

    .doc, .wps, .rtf and .odt files are read through a temporary .docx made by LibreOffice
    (:mod:`speechkit.typeset.convert`); the result says so in ``notice``. With ``render``
    (default) the table forms among them are rendered through LibreOffice, all with one start,
    and a form that runs past one page is reported (see :func:`form_overflows`).
    """
    import tempfile

    from speechkit.typeset.convert import convert_to_docx, needs_conversion

    results = []
    forms: list[Path] = []
    for path in paths:
        try:
            if needs_conversion(path):
                with tempfile.TemporaryDirectory(prefix="speechkit-fc-") as tmp:
                    converted = convert_to_docx(path, tmp)
                    departures = format_check(converted)
                shown = display_path(Path(path))
                for i, d in enumerate(departures):
                    departures[i] = replace(d, location=replace(d.location, file=shown))
                notice = (
                    f"{shown} 不是 .docx，已用 LibreOffice 转换后检查（转换可能改变个别格式）。"
                )
                results.append(FormatResult(Path(path), departures, notice=notice))
            else:
                checker = _run_checks(path)
                results.append(FormatResult(Path(path), checker.out))
                if _rendered_form(checker):
                    forms.append(Path(path))
        except SpeechkitError as exc:
            results.append(FormatResult(Path(path), [], exc))
    if render and forms:
        found = form_overflows(forms)
        for result in results:
            result.departures += found.get(result.path, [])
    return results
