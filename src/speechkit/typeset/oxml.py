"""The XML layer of typeset: small functions that build or read WordprocessingML elements.

Every ``w:`` tag and XPath of the typeset package lives here (python-docx's oxml split); the
modules above work with plain values (:class:`RunProps`, :class:`ParaProps`) and python-docx
proxies. Lengths are twips, font sizes half-points, as in the XML.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree

from speechkit.docx.safexml import W_NS

NSMAP = {"w": W_NS}


def el(tag: str, attrs: dict[str, object] | None = None, *children) -> OxmlElement:
    """Build ``<tag attrs>children</tag>``; attribute names and tag take a ``w:`` prefix."""
    node = OxmlElement(tag)
    for name, value in (attrs or {}).items():
        if value is not None:
            node.set(qn(name), str(value))
    for child in children:
        if child is not None:
            node.append(child)
    return node


def xpath(node, path: str) -> list:
    """Run an XPath with the ``w:`` prefix bound (lxml's own xpath, for any element)."""
    return etree._Element.xpath(node, path, namespaces=NSMAP)


def wval(node, name: str = "w:val") -> str | None:
    """The ``w:val`` (or ``name``) attribute of ``node``, None when node or attribute is missing."""
    if node is None:
        return None
    return node.get(qn(name))


# ---------------------------------------------------------------------------------------------
# Building properties
# ---------------------------------------------------------------------------------------------


def rfonts(east_asia: str | None, latin: str | None = None) -> OxmlElement:
    """``<w:rFonts>`` with an explicit eastAsia font and no theme attributes."""
    return el(
        "w:rFonts",
        {
            "w:ascii": latin,
            "w:hAnsi": latin,
            "w:cs": latin,
            "w:eastAsia": east_asia,
            "w:hint": None,
        },
    )


def rpr(
    east_asia: str | None = None,
    size: int | None = None,
    *,
    latin: str | None = None,
    bold: bool | None = None,
    spacing: int | None = None,
    lang: str | None = None,
    latin_lang: str | None = None,
    kern: int | None = None,
) -> OxmlElement:
    """``<w:rPr>`` in schema order: rFonts, b, bCs, spacing, kern, sz, szCs, lang.

    ``lang`` is the East Asian language; ``latin_lang`` (default: ``lang``) that of Latin text
    and digits.
    """
    node = el("w:rPr")
    if east_asia or latin:
        node.append(rfonts(east_asia, latin))
    if bold is not None:
        node.append(el("w:b", {"w:val": "1" if bold else "0"}))
        node.append(el("w:bCs", {"w:val": "1" if bold else "0"}))
    if spacing is not None:
        node.append(el("w:spacing", {"w:val": spacing}))
    if kern is not None:
        node.append(el("w:kern", {"w:val": kern}))
    if size is not None:
        node.append(el("w:sz", {"w:val": size}))
        node.append(el("w:szCs", {"w:val": size}))
    if lang:
        node.append(
            el("w:lang", {"w:val": latin_lang or lang, "w:eastAsia": lang, "w:bidi": "ar-SA"})
        )
    return node


def ppr(
    *,
    keep_next: bool | None = None,
    widow_control: bool | None = None,
    snap_to_grid: bool | None = None,
    overflow_punct: bool | None = None,
    line: int | None = None,
    line_rule: str = "exact",
    before: int | None = None,
    after: int | None = None,
    first_line_chars: int | None = None,
    first_line: int | None = None,
    left: int | None = None,
    right: int | None = None,
    right_chars: int | None = None,
    left_chars: int | None = None,
    jc: str | None = None,
    outline_level: int | None = None,
) -> OxmlElement:
    """``<w:pPr>`` in schema order (keepNext, widowControl, overflowPunct, snapToGrid, spacing,
    ind, jc, outlineLvl)."""
    node = el("w:pPr")
    if keep_next is not None:
        node.append(el("w:keepNext", {"w:val": "1" if keep_next else "0"}))
    if widow_control is not None:
        node.append(el("w:widowControl", {"w:val": "1" if widow_control else "0"}))
    if overflow_punct is not None:
        node.append(el("w:overflowPunct", {"w:val": "1" if overflow_punct else "0"}))
    if snap_to_grid is not None:
        node.append(el("w:snapToGrid", {"w:val": "1" if snap_to_grid else "0"}))
    if line is not None or before is not None or after is not None:
        node.append(
            el(
                "w:spacing",
                {
                    "w:before": before,
                    "w:after": after,
                    "w:line": line,
                    "w:lineRule": line_rule if line is not None else None,
                },
            )
        )
    ind = {
        "w:left": left,
        "w:leftChars": left_chars,
        "w:right": right,
        "w:rightChars": right_chars,
        "w:firstLine": first_line,
        "w:firstLineChars": first_line_chars,
    }
    if any(v is not None for v in ind.values()):
        node.append(el("w:ind", ind))
    if jc is not None:
        node.append(el("w:jc", {"w:val": jc}))
    if outline_level is not None:
        node.append(el("w:outlineLvl", {"w:val": outline_level}))
    return node


def style(
    kind: str,
    style_id: str,
    name: str,
    *,
    based_on: str | None = None,
    next_style: str | None = None,
    link: str | None = None,
    default: bool = False,
    ui_priority: int | None = None,
    qformat: bool = True,
    p_pr: OxmlElement | None = None,
    r_pr: OxmlElement | None = None,
) -> OxmlElement:
    """``<w:style>`` of type ``kind`` (paragraph, character, table, numbering)."""
    node = el(
        "w:style", {"w:type": kind, "w:styleId": style_id, "w:default": "1" if default else None}
    )
    node.append(el("w:name", {"w:val": name}))
    if based_on:
        node.append(el("w:basedOn", {"w:val": based_on}))
    if next_style:
        node.append(el("w:next", {"w:val": next_style}))
    if link:
        node.append(el("w:link", {"w:val": link}))
    if ui_priority is not None:
        node.append(el("w:uiPriority", {"w:val": ui_priority}))
    if qformat:
        node.append(el("w:qFormat"))
    if p_pr is not None:
        node.append(p_pr)
    if r_pr is not None:
        node.append(r_pr)
    return node


def doc_defaults(r_pr: OxmlElement, p_pr: OxmlElement) -> OxmlElement:
    """``<w:docDefaults>`` holding the default run and paragraph properties."""
    return el("w:docDefaults", {}, el("w:rPrDefault", {}, r_pr), el("w:pPrDefault", {}, p_pr))


def replace_styles(styles_element, children: list) -> None:
    """Replace everything inside ``<w:styles>`` (docDefaults, latent styles, styles) by ``children``."""
    for child in list(styles_element):
        styles_element.remove(child)
    for child in children:
        styles_element.append(child)


# ---------------------------------------------------------------------------------------------
# Section, settings, fields
# ---------------------------------------------------------------------------------------------


def set_child(
    parent, tag: str, attrs: dict[str, object], before: tuple[str, ...] = ()
) -> OxmlElement:
    """Replace ``parent``'s ``tag`` child by a fresh one with ``attrs`` (inserted before ``before``)."""
    for old in parent.findall(qn(tag)):
        parent.remove(old)
    node = el(tag, attrs)
    for succ in before:
        found = parent.find(qn(succ))
        if found is not None:
            found.addprevious(node)
            return node
    parent.append(node)
    return node


_SECT_ORDER = (
    "w:headerReference",
    "w:footerReference",
    "w:footnotePr",
    "w:endnotePr",
    "w:type",
    "w:pgSz",
    "w:pgMar",
    "w:paperSrc",
    "w:pgBorders",
    "w:lnNumType",
    "w:pgNumType",
    "w:cols",
    "w:formProt",
    "w:vAlign",
    "w:noEndnote",
    "w:titlePg",
    "w:textDirection",
    "w:bidi",
    "w:rtlGutter",
    "w:docGrid",
)


def _after(tag: str) -> tuple[str, ...]:
    return _SECT_ORDER[_SECT_ORDER.index(tag) + 1 :]


def set_page_setup(
    sect_pr,
    *,
    width: int,
    height: int,
    top: int,
    bottom: int,
    left: int,
    right: int,
    header: int,
    footer: int,
    line_pitch: int,
    grid_type: str = "lines",
    char_space: int | None = None,
) -> None:
    """Write page size, margins and document grid into ``<w:sectPr>``; drop a title page flag."""
    set_child(sect_pr, "w:pgSz", {"w:w": width, "w:h": height}, _after("w:pgSz"))
    set_child(
        sect_pr,
        "w:pgMar",
        {
            "w:top": top,
            "w:right": right,
            "w:bottom": bottom,
            "w:left": left,
            "w:header": header,
            "w:footer": footer,
            "w:gutter": 0,
        },
        _after("w:pgMar"),
    )
    set_child(sect_pr, "w:pgNumType", {"w:fmt": "decimal"}, _after("w:pgNumType"))
    for old in sect_pr.findall(qn("w:titlePg")):
        sect_pr.remove(old)
    set_child(
        sect_pr,
        "w:docGrid",
        {"w:type": grid_type, "w:linePitch": line_pitch, "w:charSpace": char_space},
    )


def set_theme_font_lang(settings_element, lang: str) -> None:
    """Make ``w:themeFontLang`` name ``lang`` for East Asian text."""
    for node in settings_element.findall(qn("w:themeFontLang")):
        node.set(qn("w:val"), "en-US")
        node.set(qn("w:eastAsia"), lang)


def text_run(text: str, r_pr: OxmlElement | None = None) -> OxmlElement:
    """``<w:r>`` holding ``text`` (spaces preserved)."""
    run = el("w:r")
    if r_pr is not None:
        run.append(r_pr)
    t = el("w:t")
    t.text = text
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    run.append(t)
    return run


def line_break_run(r_pr: OxmlElement | None = None) -> OxmlElement:
    """``<w:r><w:br/></w:r>``: a line break inside a paragraph."""
    run = el("w:r")
    if r_pr is not None:
        run.append(r_pr)
    run.append(el("w:br"))
    return run


def field_runs(instruction: str, placeholder: str, r_pr_factory) -> list[OxmlElement]:
    """A complex field (begin, instrText, separate, result, end) as a list of ``<w:r>``."""
    runs = []
    begin = el("w:r", {}, r_pr_factory(), el("w:fldChar", {"w:fldCharType": "begin"}))
    instr = el("w:r", {}, r_pr_factory())
    it = el("w:instrText")
    it.text = f" {instruction} "
    it.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    instr.append(it)
    sep = el("w:r", {}, r_pr_factory(), el("w:fldChar", {"w:fldCharType": "separate"}))
    result = text_run(placeholder, r_pr_factory())
    end = el("w:r", {}, r_pr_factory(), el("w:fldChar", {"w:fldCharType": "end"}))
    runs.extend([begin, instr, sep, result, end])
    return runs


def font_table_xml(fonts: list[tuple[str, str | None, str, str, str]]) -> bytes:
    """``word/fontTable.xml`` listing ``fonts`` as (name, altName, charset, family, pitch).

    Charset 86 (GB2312) and an alternative name let Word and WPS pick a Chinese substitute when
    the official font is not installed, instead of falling back to a Western font.
    """
    root = etree.Element(f"{{{W_NS}}}fonts", nsmap={"w": W_NS})
    for name, alt, charset, family, pitch in fonts:
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        if alt:
            etree.SubElement(font, qn("w:altName")).set(qn("w:val"), alt)
        etree.SubElement(font, qn("w:charset")).set(qn("w:val"), charset)
        etree.SubElement(font, qn("w:family")).set(qn("w:val"), family)
        etree.SubElement(font, qn("w:pitch")).set(qn("w:val"), pitch)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# ---------------------------------------------------------------------------------------------
# Reading effective properties back (run -> character style -> paragraph style -> defaults)
# ---------------------------------------------------------------------------------------------


@dataclass
class RunProps:
    """Effective run properties; None when nothing in the chain sets the value."""

    east_asia: str | None = None
    ascii: str | None = None
    theme_fonts: list[str] = field(default_factory=list)
    size: int | None = None
    bold: bool | None = None
    spacing: int | None = None


@dataclass
class ParaProps:
    """Effective paragraph properties; None when nothing in the chain sets the value."""

    style_id: str | None = None
    jc: str | None = None
    first_line: int | None = None
    first_line_chars: int | None = None
    hanging: int | None = None
    left: int | None = None
    right: int | None = None
    line: int | None = None
    line_rule: str | None = None
    outline_level: int | None = None
    widow_control: bool | None = None


def _on(node) -> bool | None:
    if node is None:
        return None
    val = node.get(qn("w:val"))
    return val not in ("0", "false", "off")


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return int(float(value))


def _merge_rpr(props: RunProps, r_pr) -> None:
    """Fill the still-unset fields of ``props`` from one ``<w:rPr>`` (nearer sources go first)."""
    if r_pr is None:
        return
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is not None:
        if props.east_asia is None:
            props.east_asia = fonts.get(qn("w:eastAsia"))
            theme = fonts.get(qn("w:eastAsiaTheme"))
            if props.east_asia is None and theme:
                props.theme_fonts.append(theme)
                props.east_asia = f"(主题字体 {theme})"
        if props.ascii is None:
            props.ascii = fonts.get(qn("w:ascii"))
            theme = fonts.get(qn("w:asciiTheme"))
            if props.ascii is None and theme:
                props.theme_fonts.append(theme)
                props.ascii = f"(主题字体 {theme})"
    if props.size is None:
        props.size = _int(wval(r_pr.find(qn("w:sz"))))
    if props.bold is None:
        props.bold = _on(r_pr.find(qn("w:b")))
    if props.spacing is None:
        props.spacing = _int(wval(r_pr.find(qn("w:spacing"))))


def _merge_ppr(props: ParaProps, p_pr) -> None:
    if p_pr is None:
        return
    if props.jc is None:
        props.jc = wval(p_pr.find(qn("w:jc")))
    ind = p_pr.find(qn("w:ind"))
    if ind is not None:
        # Word resolves the first-line indent as one unit: chars win over twips when present.
        if props.first_line is None and props.first_line_chars is None and props.hanging is None:
            props.first_line = _int(ind.get(qn("w:firstLine")))
            props.first_line_chars = _int(ind.get(qn("w:firstLineChars")))
            props.hanging = _int(ind.get(qn("w:hanging")))
        if props.left is None:
            props.left = _int(ind.get(qn("w:left")) or ind.get(qn("w:start")))
        if props.right is None:
            props.right = _int(ind.get(qn("w:right")) or ind.get(qn("w:end")))
    spacing = p_pr.find(qn("w:spacing"))
    if spacing is not None and props.line is None and spacing.get(qn("w:line")) is not None:
        props.line = _int(spacing.get(qn("w:line")))
        props.line_rule = spacing.get(qn("w:lineRule")) or "auto"
    if props.outline_level is None:
        props.outline_level = _int(wval(p_pr.find(qn("w:outlineLvl"))))
    if props.widow_control is None:
        props.widow_control = _on(p_pr.find(qn("w:widowControl")))


class StyleSheet:
    """Resolves effective properties against one ``<w:styles>`` element."""

    def __init__(self, styles_element) -> None:
        self._styles = {}
        self._default_para = None
        self._default_char = None
        self.defaults_rpr = None
        self.defaults_ppr = None
        if styles_element is None:
            return
        for node in styles_element.findall(qn("w:style")):
            sid = node.get(qn("w:styleId"))
            self._styles[sid] = node
            if node.get(qn("w:default")) in ("1", "true"):
                kind = node.get(qn("w:type"))
                if kind == "paragraph":
                    self._default_para = sid
                elif kind == "character":
                    self._default_char = sid
        found = xpath(styles_element, "w:docDefaults/w:rPrDefault/w:rPr")
        self.defaults_rpr = found[0] if found else None
        found = xpath(styles_element, "w:docDefaults/w:pPrDefault/w:pPr")
        self.defaults_ppr = found[0] if found else None

    def name(self, style_id: str | None) -> str | None:
        """The display name of a style id."""
        node = self._styles.get(style_id or "")
        return wval(node.find(qn("w:name"))) if node is not None else None

    def chain(self, style_id: str | None) -> list:
        """The style and its ``basedOn`` ancestors, nearest first (cycles cut)."""
        out, seen = [], set()
        while style_id and style_id not in seen and style_id in self._styles:
            seen.add(style_id)
            node = self._styles[style_id]
            out.append(node)
            style_id = wval(node.find(qn("w:basedOn")))
        return out

    def para_style_id(self, p) -> str | None:
        """Style id of paragraph ``p`` (the default paragraph style when none is set)."""
        found = xpath(p, "w:pPr/w:pStyle")
        return wval(found[0]) if found else self._default_para

    def para_props(self, p) -> ParaProps:
        """Effective paragraph properties of ``<w:p>``."""
        sid = self.para_style_id(p)
        props = ParaProps(style_id=sid)
        _merge_ppr(props, p.find(qn("w:pPr")))
        for node in self.chain(sid):
            _merge_ppr(props, node.find(qn("w:pPr")))
        _merge_ppr(props, self.defaults_ppr)
        return props

    def run_props(self, r, p) -> RunProps:
        """Effective run properties of ``<w:r>`` inside paragraph ``<w:p>``."""
        props = RunProps()
        r_pr = r.find(qn("w:rPr"))
        _merge_rpr(props, r_pr)
        found = xpath(r, "w:rPr/w:rStyle")
        char_sid = wval(found[0]) if found else self._default_char
        for node in self.chain(char_sid):
            _merge_rpr(props, node.find(qn("w:rPr")))
        for node in self.chain(self.para_style_id(p)):
            _merge_rpr(props, node.find(qn("w:rPr")))
        _merge_rpr(props, self.defaults_rpr)
        return props

    def theme_font_styles(self) -> list[str]:
        """Names of styles (and 'docDefaults') whose fonts use theme attributes."""
        out = []
        if self.defaults_rpr is not None and _has_theme(self.defaults_rpr):
            out.append("docDefaults")
        for sid, node in self._styles.items():
            if _has_theme(node):
                out.append(self.name(sid) or sid)
        return out


def _has_theme(node) -> bool:
    for fonts in node.iter(qn("w:rFonts")):
        if any(k.endswith("Theme") or k.endswith("theme") for k in fonts.attrib):
            return True
    return False


def paragraph_runs(p) -> list:
    """Text-bearing ``<w:r>`` elements of ``p`` in order, including those inside hyperlinks and
    simple fields; field-code runs (instrText) are left out."""
    return [r for r in xpath(p, ".//w:r[w:t]") if not xpath(r, "ancestor::w:del")]


def run_text(r) -> str:
    """Text of one ``<w:r>`` (its ``w:t`` pieces; tabs as a tab character)."""
    parts = []
    for child in r:
        if child.tag == qn("w:t"):
            parts.append(child.text or "")
        elif child.tag == qn("w:tab"):
            parts.append("\t")
    return "".join(parts)


def paragraph_text(p) -> str:
    """Visible text of a paragraph."""
    return "".join(run_text(r) for r in paragraph_runs(p))


def body_blocks(body) -> list:
    """Top-level ``<w:p>`` and ``<w:tbl>`` children of ``<w:body>`` in order."""
    return [c for c in body if c.tag in (qn("w:p"), qn("w:tbl"))]


def table_paragraphs(tbl) -> list:
    """Every ``<w:p>`` inside a table (nested tables included)."""
    return xpath(tbl, ".//w:p")


def has_page_field(container) -> bool:
    """True when a header/footer element holds a PAGE field (simple or complex)."""
    for instr in xpath(container, ".//w:instrText"):
        if (instr.text or "").strip().upper().startswith("PAGE"):
            return True
    for fld in xpath(container, ".//w:fldSimple"):
        if (fld.get(qn("w:instr")) or "").strip().upper().startswith("PAGE"):
            return True
    return False


def section_values(sect_pr) -> dict[str, object]:
    """Page size, margins, grid and title-page flag of a ``<w:sectPr>`` as plain values."""
    out: dict[str, object] = {}
    pg_sz = sect_pr.find(qn("w:pgSz"))
    if pg_sz is not None:
        out["width"] = _int(pg_sz.get(qn("w:w")))
        out["height"] = _int(pg_sz.get(qn("w:h")))
    pg_mar = sect_pr.find(qn("w:pgMar"))
    if pg_mar is not None:
        for key in ("top", "bottom", "left", "right", "gutter"):
            out[key] = _int(pg_mar.get(qn(f"w:{key}")))
    grid = sect_pr.find(qn("w:docGrid"))
    if grid is not None:
        out["grid_type"] = grid.get(qn("w:type")) or "default"
        out["line_pitch"] = _int(grid.get(qn("w:linePitch")))
        out["char_space"] = _int(grid.get(qn("w:charSpace")))
    out["title_pg"] = _on(sect_pr.find(qn("w:titlePg"))) or False
    return out


def settings_flag(settings_element, tag: str) -> bool:
    """Whether an on/off element (e.g. ``w:evenAndOddHeaders``) is on in settings.xml."""
    if settings_element is None:
        return False
    return bool(_on(settings_element.find(qn(tag))))
