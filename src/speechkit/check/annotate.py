"""Write findings back into a copy of a .docx as Word comments (author "speechkit").

Each comment is anchored on exactly the matched characters: the runs at the start and end of
the match are split (each piece keeps the run's formatting), ``w:commentRangeStart`` goes
before the first matched run, ``w:commentRangeEnd`` and a ``w:commentReference`` run after the
last. Word does not allow comments in headers and footers, so findings there are attached to
the first body paragraph with their place named in the text. The comments part
(``word/comments.xml``), its relationship and content type are added when missing.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import posixpath
import zipfile
from pathlib import Path

from speechkit.check import docxparts as dx
from speechkit.check.model import SEVERITY_NAMES, Finding
from speechkit.errors import PART_NAMES, InputFileError, Location, display_path

W = dx.W
XML_NS = "http://www.w3.org/XML/1998/namespace"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_COMMENTS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
CT_COMMENTS = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
AUTHOR = "speechkit"
_PART_RANK = {"body": 0, "header": 1, "footer": 2, "footnote": 3, "endnote": 4}


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def split_run_at(p, offset: int) -> None:
    """Make ``offset`` (a character offset in paragraph ``p``'s text) fall between two runs."""
    for r, start, end in dx.run_spans(p):
        if start < offset < end:
            _split_run(r, offset - start)
            return


def _split_run(r, at: int) -> None:
    """Split run ``r`` so that its first ``at`` characters stay and the rest move to a copy."""
    second = copy.deepcopy(r)
    for child in list(second):
        if child.tag != dx.W_RPR:
            second.remove(child)
    pos = 0
    moving = False
    for child in list(r):
        if child.tag == dx.W_RPR:
            continue
        if moving:
            r.remove(child)
            second.append(child)
            continue
        length = dx.run_piece_length(child)
        if pos + length <= at:
            pos += length
            if pos == at:
                moving = True
            continue
        # the split falls inside this w:t
        cut = at - pos
        text = child.text or ""
        tail = copy.deepcopy(child)
        child.text = text[:cut]
        tail.text = text[cut:]
        for t in (child, tail):
            t.set(f"{{{XML_NS}}}space", "preserve")
        second.append(tail)
        moving = True
        pos = at
    r.addnext(second)


def _make(tag: str, cid: int):
    from lxml import etree

    el = etree.Element(_w(tag))
    el.set(_w("id"), str(cid))
    return el


def _reference_run(cid: int):
    from lxml import etree

    r = etree.Element(_w("r"))
    etree.SubElement(r, _w("commentReference")).set(_w("id"), str(cid))
    return r


def anchor(p, start: int, end: int, cid: int) -> None:
    """Insert comment ``cid``'s range and reference around [start, end) of paragraph ``p``."""
    split_run_at(p, start)
    split_run_at(p, end)
    spans = dx.run_spans(p)
    rs, re_ = _make("commentRangeStart", cid), _make("commentRangeEnd", cid)
    ref = _reference_run(cid)
    inside = [r for r, a, b in spans if a >= start and b <= end and b > a]
    if end > start and inside:
        inside[0].addprevious(rs)
        inside[-1].addnext(re_)
        re_.addnext(ref)
        return
    # a point (empty match): before the first run starting at ``start``, else at the end
    after = next((r for r, a, b in spans if a >= start and b > a), None)
    if after is not None:
        after.addprevious(rs)
        after.addprevious(re_)
        after.addprevious(ref)
    else:
        for el in (rs, re_, ref):
            p.append(el)


def comment_text(f: Finding, where: str | None = None) -> list[str]:
    """The comment's paragraphs: level, rule and message, then the suggestion."""
    head = f"[{SEVERITY_NAMES[f.severity]}] {f.rule}：{f.message}"
    if where:
        head = f"{where}“{f.match}”：" + head
    lines = [head]
    if f.suggestion and f.suggestion not in f.message:
        lines.append(f"建议：{f.suggestion}")
    return lines


def _comment(cid: int, paragraphs: list[str], when: str):
    from lxml import etree

    c = etree.Element(_w("comment"))
    c.set(_w("id"), str(cid))
    c.set(_w("author"), AUTHOR)
    c.set(_w("date"), when)
    c.set(_w("initials"), "SK")
    for i, text in enumerate(paragraphs):
        p = etree.SubElement(c, _w("p"))
        if i == 0:
            r0 = etree.SubElement(p, _w("r"))
            etree.SubElement(r0, _w("annotationRef"))
        r = etree.SubElement(p, _w("r"))
        t = etree.SubElement(r, _w("t"))
        t.text = text
        t.set(f"{{{XML_NS}}}space", "preserve")
    return c


def annotate(src: str | Path, findings: list[Finding], out: str | Path) -> Path:
    """Write ``out``: a copy of ``src`` with one comment per finding (see module docstring)."""
    from lxml import etree

    from speechkit.fsutil import atomic_write_bytes

    src, out = Path(src), Path(out)
    shown = display_path(src)
    if out.resolve() == src.resolve():
        raise InputFileError("批注文档不能覆盖原文件。", Location(file=shown))
    from speechkit.docx.package import (
        CONTENT_TYPES,
        content_types_for_document,
        macro_parts,
        open_docx,
        without_macro_parts,
    )

    package = open_docx(src, shown=shown)  # exists, readable, bounded: plain-Chinese errors
    parts = dx.checked_parts(package)
    main = package.main_part
    zin = package.zip()
    paragraphs = {(kind, i): (p, address) for kind, i, p, address in dx.iter_part_paragraphs(parts)}
    root_file = {id(part.root): part.name for part in parts}
    names = set(zin.namelist())
    folder = posixpath.dirname(main)
    rels_name = dx.rels_name(main)
    rels = (
        package.parse(rels_name)
        if rels_name in names
        else etree.Element(f"{{{dx.PKG_REL}}}Relationships")
    )
    comments_name = None
    for rel in rels:
        if rel.get("Type") == REL_COMMENTS:
            comments_name = posixpath.normpath(posixpath.join(folder, rel.get("Target"))).lstrip(
                "/"
            )
    if comments_name and comments_name in names:
        comments = package.parse(comments_name)
    else:
        comments_name = posixpath.join(folder, "comments.xml")
        comments = etree.Element(_w("comments"), nsmap={"w": W})
        ids = [
            int(x.get("Id", "rId0")[3:])
            for x in rels
            if x.get("Id", "").startswith("rId") and x.get("Id")[3:].isdigit()
        ]
        rel = etree.SubElement(rels, f"{{{dx.PKG_REL}}}Relationship")
        rel.set("Id", f"rId{max(ids, default=0) + 1}")
        rel.set("Type", REL_COMMENTS)
        rel.set("Target", "comments.xml")
    used = [int(c.get(_w("id"))) for c in comments if c.get(_w("id"), "").lstrip("-").isdigit()]
    for part in parts:
        for el in part.root.iter(_w("commentRangeStart"), _w("commentReference")):
            if el.get(_w("id"), "").isdigit():
                used.append(int(el.get(_w("id"))))
    next_id = max(used, default=-1) + 1
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    first_body = next((p for (kind, _), (p, _a) in paragraphs.items() if kind == "body"), None)
    touched: set[str] = set()
    # ids in document order; anchored right to left within a paragraph so that earlier
    # offsets stay valid while runs are split
    forward = sorted(
        findings,
        key=lambda f: (_PART_RANK.get(f.location.part, 9), f.location.paragraph, f.location.start),
    )
    numbered = [(next_id + k, f) for k, f in enumerate(forward)]
    new_comments = []
    for cid, f in sorted(
        numbered,
        key=lambda t: (
            t[1].location.part,
            t[1].location.paragraph,
            -t[1].location.start,
            -t[1].location.end,
        ),
    ):
        loc = f.location
        p, address = paragraphs.get((loc.part, loc.paragraph), (None, loc.address))
        where = None
        if p is None or loc.part in ("header", "footer"):
            where = str(address) if address is not None else PART_NAMES.get(loc.part, loc.part)
            p, start, end = first_body, 0, 0
            if p is None:
                continue
        else:
            start, end = loc.start, loc.end
        anchor(p, start, end, cid)
        new_comments.append((cid, _comment(cid, comment_text(f, where), when)))
        touched.add(root_file.get(id(p.getroottree().getroot()), main))
    for _, c in sorted(new_comments, key=lambda t: t[0]):
        comments.append(c)
    ct = package.parse(CONTENT_TYPES)
    part_name = "/" + comments_name
    if not any(o.get("PartName") == part_name for o in ct.iter(f"{{{CT_NS}}}Override")):
        o = etree.SubElement(ct, f"{{{CT_NS}}}Override")
        o.set("PartName", part_name)
        o.set("ContentType", CT_COMMENTS)
    replaced = {
        CONTENT_TYPES: ct,
        rels_name: rels,
        comments_name: comments,
    }
    for part in parts:
        if part.name in touched:
            replaced[part.name] = part.root
    # a commented copy of a .docm is a .docx without the macros, unless it is named .docm
    dropped = (
        set() if out.suffix.lower() == ".docm" else macro_parts(zin.read(CONTENT_TYPES), names)
    )
    plain = out.suffix.lower() != ".docm" and "macroEnabled" in package.main_type
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename in replaced or info.filename in dropped:
                continue
            data = zin.read(info.filename)
            if dropped and info.filename.endswith(".rels"):
                data = without_macro_parts(info.filename, data, dropped)
            zout.writestr(info, data)
        for name, root in replaced.items():
            xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            if dropped and (name == CONTENT_TYPES or name.endswith(".rels")):
                xml = without_macro_parts(name, xml, dropped)
            elif name == CONTENT_TYPES:  # a commented copy of a template is a document
                xml = content_types_for_document(xml, plain=plain)
            zout.writestr(name, xml)
    zin.close()
    return atomic_write_bytes(out, buf.getvalue())
