"""Styles, page setup and page-number footers of a GB/T 9704 document.

:func:`new_document` returns a python-docx ``Document`` that is right by construction: A4 with
the standard margins, a 22-line grid with 28 characters per line, 仿宋_GB2312 三号 body text,
Word's built-in Title and Heading 1–4 styles carrying the official fonts (so the navigation pane
in Word and WPS shows the outline), Chinese fonts set through ``eastAsia`` with no theme fonts,
zh-CN language, and "— N —" page numbers in 宋体 四号, odd pages right and even pages left.
"""

from __future__ import annotations

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn

from speechkit.typeset import oxml
from speechkit.typeset import spec as S

_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"


def _body_rpr(east_asia: str = S.FANGSONG, size: int = S.BODY_SIZE, spacing: int | None = None):
    return oxml.rpr(east_asia, size, latin=S.LATIN, bold=False, spacing=spacing)


def _no_indent(**kw):
    return oxml.ppr(first_line_chars=0, first_line=0, **kw)


def style_elements() -> list:
    """Every ``<w:styles>`` child speechkit documents carry: defaults, then the styles."""
    defaults = oxml.doc_defaults(
        oxml.rpr(
            S.FANGSONG, S.BODY_SIZE, latin=S.LATIN, lang=S.LANG, latin_lang=S.LATIN_LANG, kern=0
        ),
        # overflowPunct written out (on, Word's own default): without it LibreOffice turns
        # hanging punctuation off and, with the condensed body spacing, drops a comma or 、
        # that falls at a line end from the PDF (measured: 7 marks in the demo speech).
        oxml.ppr(widow_control=False, overflow_punct=True, line=S.LINE_PITCH, before=0, after=0),
    )
    body_ppr = oxml.ppr(
        widow_control=False,
        overflow_punct=True,
        line=S.LINE_PITCH,
        before=0,
        after=0,
        first_line_chars=S.INDENT_CHARS,
        first_line=S.INDENT_TWIPS,
        jc="both",
    )
    styles = [
        defaults,
        oxml.style(
            "paragraph",
            "Normal",
            "Normal",
            default=True,
            p_pr=body_ppr,
            r_pr=_body_rpr(spacing=S.BODY_CHAR_SPACING),
        ),
        oxml.style(
            "character",
            "DefaultParagraphFont",
            "Default Paragraph Font",
            default=True,
            ui_priority=1,
            qformat=False,
        ),
        _table_normal(),
        oxml.style("numbering", "NoList", "No List", default=True, ui_priority=99, qformat=False),
        oxml.style(
            "paragraph",
            "Title",
            "Title",
            based_on="Normal",
            next_style="Normal",
            ui_priority=10,
            p_pr=_no_indent(snap_to_grid=False, jc="center"),
            r_pr=oxml.rpr(
                S.XIAOBIAOSONG, S.TITLE_SIZE, latin=S.XIAOBIAOSONG, bold=False, spacing=0
            ),
        ),
        oxml.style(
            "paragraph",
            "Subtitle",
            "Subtitle",
            based_on="Normal",
            next_style="Normal",
            ui_priority=11,
            p_pr=_no_indent(jc="center"),
            r_pr=_body_rpr(S.KAITI),
        ),
    ]
    for level in (1, 2, 3, 4):
        styles.append(
            oxml.style(
                "paragraph",
                f"Heading{level}",
                f"heading {level}",
                based_on="Normal",
                next_style="Normal",
                ui_priority=9,
                p_pr=oxml.ppr(keep_next=False, outline_level=level - 1),
                r_pr=_body_rpr(S.HEADING_FONTS[level]),
            )
        )
    styles += [
        oxml.style(
            "paragraph",
            "Speaker",
            S.STYLE_SPEAKER,
            based_on="Normal",
            next_style="Normal",
            p_pr=_no_indent(jc="center"),
            r_pr=_body_rpr(S.KAITI),
        ),
        oxml.style(
            "paragraph",
            "Salutation",
            S.STYLE_SALUTATION,
            based_on="Normal",
            next_style="Normal",
            p_pr=_no_indent(jc="left"),
        ),
        oxml.style(
            "paragraph",
            "Closing",
            S.STYLE_CLOSING,
            based_on="Normal",
            next_style="Closing",
            p_pr=_no_indent(jc="left"),
        ),
        oxml.style(
            "character",
            "BodyChar",
            S.STYLE_BODY_CHAR,
            based_on="DefaultParagraphFont",
            r_pr=_body_rpr(spacing=S.BODY_CHAR_SPACING),
        ),
        oxml.style(
            "paragraph",
            "TableText",
            S.STYLE_TABLE_TEXT,
            based_on="Normal",
            p_pr=_no_indent(line=400, jc="left", snap_to_grid=False),
            r_pr=oxml.rpr(S.FANGSONG, 28, latin=S.LATIN, spacing=0),
        ),
        oxml.style(
            "paragraph",
            "Footer",
            "footer",
            based_on="Normal",
            ui_priority=99,
            qformat=False,
            p_pr=_no_indent(snap_to_grid=False, line=240, line_rule="auto", jc="right"),
            r_pr=oxml.rpr(S.SONGTI, S.PAGE_NUMBER_SIZE, latin=S.SONGTI, spacing=0),
        ),
        oxml.style(
            "paragraph",
            "Header",
            "header",
            based_on="Normal",
            ui_priority=99,
            qformat=False,
            p_pr=_no_indent(snap_to_grid=False, line=240, line_rule="auto"),
            r_pr=oxml.rpr(S.SONGTI, 18, latin=S.SONGTI, spacing=0),
        ),
        _table_grid(),
    ]
    return styles


def _table_normal():
    node = oxml.style(
        "table", "TableNormal", "Normal Table", default=True, ui_priority=99, qformat=False
    )
    tbl_pr = oxml.el(
        "w:tblPr",
        {},
        oxml.el("w:tblInd", {"w:w": 0, "w:type": "dxa"}),
        oxml.el(
            "w:tblCellMar",
            {},
            oxml.el("w:top", {"w:w": 0, "w:type": "dxa"}),
            oxml.el("w:left", {"w:w": 108, "w:type": "dxa"}),
            oxml.el("w:bottom", {"w:w": 0, "w:type": "dxa"}),
            oxml.el("w:right", {"w:w": 108, "w:type": "dxa"}),
        ),
    )
    node.append(tbl_pr)
    return node


def _table_grid():
    node = oxml.style(
        "table", "TableGrid", "Table Grid", based_on="TableNormal", ui_priority=59, qformat=False
    )
    borders = oxml.el("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(
            oxml.el(f"w:{side}", {"w:val": "single", "w:sz": 4, "w:space": 0, "w:color": "000000"})
        )
    node.append(oxml.el("w:tblPr", {}, borders))
    return node


def apply_styles(document) -> None:
    """Replace the document's styles by speechkit's official ones (see :func:`style_elements`)."""
    oxml.replace_styles(document.styles.element, style_elements())


def apply_page_setup(document) -> None:
    """A4, standard margins and the 22-line grid on every section."""
    for section in document.sections:
        oxml.set_page_setup(
            section._sectPr,
            width=S.PAGE_WIDTH,
            height=S.PAGE_HEIGHT,
            top=S.MARGIN_TOP,
            bottom=S.MARGIN_BOTTOM,
            left=S.MARGIN_LEFT,
            right=S.MARGIN_RIGHT,
            header=S.HEADER_DISTANCE,
            footer=S.FOOTER_DISTANCE,
            line_pitch=S.LINE_PITCH,
            grid_type="lines",
        )


def _page_number_paragraph(paragraph, side: str) -> None:
    """Fill a footer paragraph with "— PAGE —", aligned to ``side`` one character in."""
    p = paragraph._p
    for child in list(p):
        p.remove(child)
    one_char = S.PAGE_NUMBER_SIZE * 10  # 14 pt in twips
    p_pr = oxml.ppr(
        jc=side,
        right=one_char if side == "right" else None,
        right_chars=100 if side == "right" else None,
        left=one_char if side == "left" else None,
        left_chars=100 if side == "left" else None,
    )
    p_pr.insert(0, oxml.el("w:pStyle", {"w:val": "Footer"}))
    p.append(p_pr)

    def run_pr():
        return oxml.rpr(S.SONGTI, S.PAGE_NUMBER_SIZE, latin=S.SONGTI)

    p.append(oxml.text_run("— ", run_pr()))
    for run in oxml.field_runs("PAGE", "1", run_pr):
        p.append(run)
    p.append(oxml.text_run(" —", run_pr()))


def apply_page_numbers(document) -> None:
    """ "— N —" footers: odd pages right, even pages left (``w:evenAndOddHeaders`` on)."""
    # python-docx inserts w:evenAndOddHeaders at its schema position in settings.xml.
    document.settings.odd_and_even_pages_header_footer = True
    for section in document.sections:
        section.different_first_page_header_footer = False
        odd = section.footer
        odd.is_linked_to_previous = False
        _page_number_paragraph(odd.paragraphs[0], "right")
        even = section.even_page_footer
        even.is_linked_to_previous = False
        _page_number_paragraph(even.paragraphs[0], "left")


FONT_TABLE = [
    (S.LATIN, None, "00", "roman", "variable"),
    (S.FANGSONG, "仿宋", "86", "modern", "fixed"),
    (S.XIAOBIAOSONG, "宋体", "86", "script", "fixed"),
    (S.HEITI, "SimHei", "86", "modern", "fixed"),
    (S.KAITI, "楷体", "86", "modern", "fixed"),
    (S.SONGTI, "SimSun", "86", "auto", "fixed"),
]


def apply_font_table(document) -> None:
    """Replace the font table (python-docx's lists Japanese fonts) by the official fonts."""
    for rel in document.part.rels.values():
        if rel.reltype == RT.FONT_TABLE:
            rel.target_part._blob = oxml.font_table_xml(FONT_TABLE)


def _drop_extra_parts(document) -> None:
    """Drop parts of python-docx's default template that carry foreign styles or a thumbnail."""
    part = document.part
    for r_id, rel in list(part.rels.items()):
        if rel.reltype in (_STYLES_WITH_EFFECTS, RT.NUMBERING, RT.CUSTOM_XML):
            part.drop_rel(r_id)
    package = part.package
    for r_id, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package.rels.pop(r_id)


def new_document():
    """A new, empty python-docx ``Document`` with the official layout (see module docstring)."""
    document = Document()
    _drop_extra_parts(document)
    apply_styles(document)
    apply_font_table(document)
    apply_page_setup(document)
    oxml.set_theme_font_lang(document.settings.element, S.LANG)
    apply_page_numbers(document)
    # The empty paragraph-less body keeps only the sectPr.
    body = document.element.body
    for p in body.findall(qn("w:p")):
        body.remove(p)
    props = core_properties(document)
    props.language = S.LANG
    props.author = props.last_modified_by = "speechkit"  # not python-docx's template author
    props.comments = ""  # python-docx's template says "generated by python-docx" (Word shows it)
    _replace_app_properties(document)
    return document


CORE_PROPERTIES_NS = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"


def core_properties(document):
    """``document.core_properties``, written in the core-properties namespace.

    docxcompose (imported by docxtpl too) rebinds python-docx's global ``cp`` prefix to the
    custom-properties namespace when it is first imported; core properties written after that
    in the same process would make ``docProps/core.xml`` invalid. The prefix is set right here,
    where the properties are written, whatever was imported before.
    """
    from docx.oxml import ns

    ns.nsmap["cp"] = CORE_PROPERTIES_NS
    return document.core_properties


APP_XML = (
    b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"'
    b' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    b"<Template>Normal.dotm</Template><Application>speechkit</Application>"
    b"<DocSecurity>0</DocSecurity></Properties>"
)


def _replace_app_properties(document) -> None:
    """docProps/app.xml without the template's "Microsoft Macintosh Word" and stale counts."""
    for part in document.part.package.iter_parts():
        if str(part.partname) == "/docProps/app.xml":
            part._blob = APP_XML


FIXED_TIME = (2024, 1, 1, 0, 0, 0)


def reproducible_zip(data: bytes) -> bytes:
    """Re-pack a .docx with fixed zip timestamps, so building twice gives identical bytes."""
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def fix_properties(document, title: str) -> None:
    """Fixed document properties (title, author, dates, revision) for a reproducible build."""
    from datetime import datetime

    props = core_properties(document)
    props.title = title
    props.author = "speechkit"
    props.last_modified_by = "speechkit"
    props.created = datetime(*FIXED_TIME)
    props.modified = datetime(*FIXED_TIME)
    props.revision = 1


def reproducible_bytes(document, title: str) -> bytes:
    """Save ``document`` with fixed properties and zip timestamps; return the bytes."""
    import io

    fix_properties(document, title)
    buffer = io.BytesIO()
    document.save(buffer)
    return reproducible_zip(buffer.getvalue())
