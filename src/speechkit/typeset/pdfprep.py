"""A temporary copy of a .docx that LibreOffice lays out the way Word does (for the PDF only).

:func:`prepare` reads a package and returns a changed copy when one of these applies, else None:

* Word's “指定行和字符网格” (``w:docGrid w:type="linesAndChars"`` with ``w:charSpace``):
  LibreOffice reads the character pitch differently (about 14 characters a line where Word has
  28). The copy uses a lines-only grid and gives each run of body-size text the character
  spacing that makes Word's pitch: default size + ``charSpace``/4096 pt.
* Exact-height table rows (``w:hRule="exact"``) holding text: LibreOffice drops lines that do
  not fit, Word clips them. The copy lets such rows grow (``atLeast``), so no text is lost; a
  notice names the rows whose text would not fit even in Word.
* Comments, when LibreOffice cannot put them in the margin (before 7.6, ``print_comments``):
  each commented place gets a mark 〔批注N〕 and the comments are listed after the text, so the
  printed PDF shows them (the PDF also carries them as notes).

The source file is never changed.
"""

from __future__ import annotations

import io
import math
import zipfile
from dataclasses import dataclass, field

from lxml import etree

from speechkit.typeset import oxml

W = f"{{{oxml.W_NS}}}"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


@dataclass
class Prepared:
    """What :func:`prepare` found: the changed package (None: convert the original as is)."""

    data: bytes | None = None
    comments: bool = False
    notices: list[str] = field(default_factory=list)


def prepare(data: bytes, *, print_comments: bool = False) -> Prepared:
    """Inspect a .docx package and build the copy LibreOffice should convert (see module doc)."""
    out = Prepared()
    comments = None
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        names = set(zf.namelist())
        if "word/comments.xml" in names:
            comments = etree.fromstring(zf.read("word/comments.xml"), _PARSER)
            out.comments = comments.find(f"{W}comment") is not None
        if "word/document.xml" not in names:
            return out
        doc = etree.fromstring(zf.read("word/document.xml"), _PARSER)
        styles = (
            etree.fromstring(zf.read("word/styles.xml"), _PARSER)
            if "word/styles.xml" in names
            else None
        )
    except (zipfile.BadZipFile, etree.XMLSyntaxError, KeyError, ValueError):
        return out  # LibreOffice gets the original; its own error path reports the damage
    sheet = oxml.StyleSheet(styles)
    changed = _grid(doc, sheet)
    changed = _exact_rows(doc, sheet, out.notices) or changed
    if print_comments and out.comments:
        changed = _comments_in_text(doc, comments) or changed
    if changed:
        out.data = _replace_part(
            zf,
            "word/document.xml",
            etree.tostring(doc, xml_declaration=True, encoding="UTF-8", standalone=True),
        )
    return out


def _replace_part(zf: zipfile.ZipFile, name: str, blob: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in zf.infolist():
            dst.writestr(info, blob if info.filename == name else zf.read(info.filename))
    return buffer.getvalue()


def _default_size(sheet: oxml.StyleSheet) -> int:
    """The document's body font size in half-points (Normal style, else defaults, else 10.5 pt)."""
    for node in sheet.chain(sheet._default_para):
        size = node.find(f"{W}rPr/{W}sz")
        if size is not None:
            return int(float(size.get(f"{W}val")))
    if sheet.defaults_rpr is not None:
        size = sheet.defaults_rpr.find(f"{W}sz")
        if size is not None:
            return int(float(size.get(f"{W}val")))
    return 21


def _grid(doc, sheet: oxml.StyleSheet) -> bool:
    """Replace linesAndChars grids by lines grids plus run spacing of Word's pitch."""
    grids = [
        g
        for g in doc.iter(f"{W}docGrid")
        if g.get(f"{W}type") == "linesAndChars" and g.get(f"{W}charSpace") is not None
    ]
    if not grids:
        return False
    char_space = int(float(grids[-1].get(f"{W}charSpace")))
    for grid in grids:
        grid.set(f"{W}type", "lines")
        del grid.attrib[f"{W}charSpace"]
    default = _default_size(sheet)
    pitch = default * 10 + char_space * 20 / 4096  # twips per grid cell
    for p in doc.iter(f"{W}p"):
        snap = p.find(f"{W}pPr/{W}snapToGrid")
        if snap is not None and snap.get(f"{W}val") in ("0", "false", "off"):
            continue
        for r in p.iter(f"{W}r"):
            if r.find(f"{W}t") is None:
                continue
            props = sheet.run_props(r, p)
            size = props.size or default
            if size > default:
                continue  # titles and other large text: whole grid cells, left as they are
            # never wider than Word's pitch, or the last character of a line wraps
            extra = math.floor(pitch - size * 10) + (props.spacing or 0)
            r_pr = r.find(f"{W}rPr")
            if r_pr is None:
                r_pr = etree.SubElement(r, f"{W}rPr")
                r.insert(0, r_pr)
            for old in r_pr.findall(f"{W}spacing"):
                r_pr.remove(old)
            spacing = etree.Element(f"{W}spacing")
            spacing.set(f"{W}val", str(extra))
            _insert_in_order(r_pr, spacing)
    return True


_RPR_BEFORE_SPACING = {
    f"{W}{t}"
    for t in [
        "rStyle",
        "rFonts",
        "b",
        "bCs",
        "i",
        "iCs",
        "caps",
        "smallCaps",
        "strike",
        "dstrike",
        "outline",
        "shadow",
        "emboss",
        "imprint",
        "noProof",
        "snapToGrid",
        "vanish",
        "webHidden",
        "color",
    ]
}


def _insert_in_order(r_pr, spacing) -> None:
    """Put ``w:spacing`` at its schema place in ``w:rPr``."""
    index = 0
    for i, child in enumerate(r_pr):
        if child.tag in _RPR_BEFORE_SPACING:
            index = i + 1
    r_pr.insert(index, spacing)


def _cell_text_height(tc, sheet: oxml.StyleSheet, width_twips: int) -> float:
    """Twips the paragraphs of a table cell need at ``width_twips`` (a rough estimate)."""
    total = 0.0
    for p in tc.iter(f"{W}p"):
        text = oxml.paragraph_text(p)
        runs = oxml.paragraph_runs(p)
        size = (sheet.run_props(runs[0], p).size if runs else None) or 21
        para = sheet.para_props(p)
        line = para.line if para.line and para.line_rule == "exact" else size * 10 * 1.3
        chars = sum(0.5 if ord(ch) < 0x2000 else 1.0 for ch in text)
        per_line = max(1.0, width_twips / (size * 10))
        total += max(1, math.ceil(chars / per_line)) * line
    return total


def _cell_margin(tbl) -> int:
    """Left/right cell margin of a table in twips (``w:tblCellMar``, else Word's 108)."""
    node = tbl.find(f"{W}tblPr/{W}tblCellMar/{W}left")
    if node is None:
        node = tbl.find(f"{W}tblPr/{W}tblCellMar/{W}start")
    try:
        return int(float(node.get(f"{W}w"))) if node is not None else 108
    except (TypeError, ValueError):
        return 108


def _exact_rows(doc, sheet: oxml.StyleSheet, notices: list[str]) -> bool:
    """Let exact-height rows with text grow; notice where the text would not fit in Word."""
    changed = False
    for t_index, tbl in enumerate(doc.iter(f"{W}tbl"), start=1):
        for r_index, tr in enumerate(tbl.findall(f"{W}tr"), start=1):
            height = tr.find(f"{W}trPr/{W}trHeight")
            if height is None or height.get(f"{W}hRule") != "exact":
                continue
            if not "".join(oxml.paragraph_text(p) for p in tr.iter(f"{W}p")).strip():
                continue
            height.set(f"{W}hRule", "atLeast")
            changed = True
            row = int(float(height.get(f"{W}val") or 0))
            margin = _cell_margin(tbl)
            for tc in tr.findall(f"{W}tc"):
                width = tc.find(f"{W}tcPr/{W}tcW")
                w = int(float(width.get(f"{W}w") or 0)) if width is not None else 0
                inner = w - 2 * margin
                if inner > 0 and _cell_text_height(tc, sheet, inner) > row * 1.02 + 20:
                    notices.append(
                        f"表格{t_index}第{r_index}行是固定行高，文字放不下（Word 会截去放不下的"
                        "部分）；PDF 中已把这一行加高以显示全部文字，请在 Word 中调整行高。"
                    )
                    break
    return changed


def _comments_in_text(doc, comments) -> bool:
    """Mark each comment's place with 〔批注N〕 and list the comments after the text."""
    texts = {}
    for comment in comments.findall(f"{W}comment"):
        body = "\n".join(oxml.paragraph_text(p) for p in comment.iter(f"{W}p")).strip()
        texts[comment.get(f"{W}id")] = (comment.get(f"{W}author") or "", body)
    numbers: dict[str, int] = {}
    for ref in list(doc.iter(f"{W}commentReference")):
        cid = ref.get(f"{W}id")
        if cid not in texts or cid in numbers:
            continue
        numbers[cid] = len(numbers) + 1
        run = ref.getparent()
        mark = oxml.text_run(f"〔批注{numbers[cid]}〕", _mark_rpr())
        run.addnext(mark)
    if not numbers:
        return False
    body = doc.find(f"{W}body")
    anchor = body.find(f"{W}sectPr")
    paragraphs = [_plain_paragraph("批注：")]
    for cid, number in numbers.items():
        _, text = texts[cid]
        paragraphs.append(_plain_paragraph(f"〔批注{number}〕{text}"))
    for p in paragraphs:
        if anchor is not None:
            anchor.addprevious(p)
        else:
            body.append(p)
    return True


def _mark_rpr():
    r_pr = oxml.el("w:rPr")
    r_pr.append(oxml.el("w:color", {"w:val": "C00000"}))
    r_pr.append(oxml.el("w:vertAlign", {"w:val": "superscript"}))
    return r_pr


def _plain_paragraph(text: str):
    p = oxml.el("w:p")
    p.append(oxml.el("w:pPr", {}, oxml.el("w:ind", {"w:firstLine": 0, "w:firstLineChars": 0})))
    p.append(oxml.text_run(text))
    return p
