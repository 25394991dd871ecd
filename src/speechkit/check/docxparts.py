"""The text model of a .docx shared by extraction and annotation.

A document has four parts the checker reads: ``body`` (word/document.xml), ``header`` and
``footer`` (every header/footer file, in the order the body's section properties reference
them) and ``footnote`` (word/footnotes.xml then word/endnotes.xml, separators skipped). Within a
part, paragraphs are every ``w:p`` in document order, table-cell and text-box paragraphs
included (the fallback copy of a text box in ``mc:Fallback`` is skipped). A paragraph's text is
its own runs' ``w:t`` text, ``w:tab`` as a tab and ``w:br``/``w:cr`` as a newline; deleted
text and field instructions are not text.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
W_P = f"{{{W}}}p"
W_R = f"{{{W}}}r"
W_T = f"{{{W}}}t"
W_TAB = f"{{{W}}}tab"
W_BR = f"{{{W}}}br"
W_CR = f"{{{W}}}cr"
W_RPR = f"{{{W}}}rPr"
W_PPR = f"{{{W}}}pPr"
MC_FALLBACK = f"{{{MC}}}Fallback"
REL_TYPE_HEADER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
REL_TYPE_FOOTER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
_SKIP_NOTE_TYPES = {"separator", "continuationSeparator", "continuationNotice"}


def run_piece_length(el) -> int:
    """Characters a run child contributes to the paragraph text."""
    tag = el.tag
    if tag == W_T:
        return len(el.text or "")
    if tag in (W_TAB, W_BR, W_CR):
        return 1
    return 0


def run_piece_text(el) -> str:
    """Text a run child contributes to the paragraph text."""
    tag = el.tag
    if tag == W_T:
        return el.text or ""
    if tag == W_TAB:
        return "\t"
    if tag in (W_BR, W_CR):
        return "\n"
    return ""


def paragraph_runs(p) -> list:
    """The ``w:r`` elements whose text belongs to paragraph ``p`` (not nested paragraphs)."""
    out: list = []

    def walk(el) -> None:
        for child in el:
            tag = child.tag
            if tag == W_R:
                out.append(child)
            elif tag in (W_P, MC_FALLBACK, W_PPR):
                continue
            elif isinstance(tag, str):
                walk(child)

    walk(p)
    return out


def paragraph_text(p) -> str:
    """The text of paragraph ``p`` under the model described in the module docstring."""
    return "".join(run_piece_text(c) for r in paragraph_runs(p) for c in r)


def iter_paragraphs(root) -> Iterator:
    """Every ``w:p`` under ``root`` in document order, skipping ``mc:Fallback`` copies."""
    for p in root.iter(W_P):
        anc = p.getparent()
        skip = False
        while anc is not None:
            if anc.tag == MC_FALLBACK:
                skip = True
                break
            anc = anc.getparent()
        if skip:
            continue
        yield p


@dataclass
class PartFile:
    """One XML file of the package that belongs to a part, with its parsed root."""

    part: str
    name: str
    root: object


def parse_xml(data: bytes):
    """Parse one XML part safely (no entities, no network)."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    return etree.fromstring(data, parser)


def _main_document_name(zf: zipfile.ZipFile) -> str:
    try:
        rels = parse_xml(zf.read("_rels/.rels"))
    except KeyError:
        return "word/document.xml"
    for rel in rels:
        if rel.get("Type", "").endswith("/officeDocument"):
            return rel.get("Target", "word/document.xml").lstrip("/")
    return "word/document.xml"


def rels_name(part_name: str) -> str:
    """The relationships file name of a package part."""
    folder, base = posixpath.split(part_name)
    return posixpath.join(folder, "_rels", base + ".rels")


def load_part_files(zf: zipfile.ZipFile) -> tuple[str, list[PartFile]]:
    """Parse the XML files of every part, in part order; returns (main document name, files)."""
    main = _main_document_name(zf)
    names = set(zf.namelist())
    body_root = parse_xml(zf.read(main))
    files = [PartFile("body", main, body_root)]
    folder = posixpath.dirname(main)
    targets: dict[str, str] = {}
    rel_types: dict[str, str] = {}
    rn = rels_name(main)
    if rn in names:
        for rel in parse_xml(zf.read(rn)):
            if rel.get("TargetMode") == "External":
                continue
            target = posixpath.normpath(posixpath.join(folder, rel.get("Target", "")))
            targets[rel.get("Id")] = target.lstrip("/")
            rel_types[rel.get("Id")] = rel.get("Type", "")
    for part, ref_tag, rel_type in (
        ("header", f"{{{W}}}headerReference", REL_TYPE_HEADER),
        ("footer", f"{{{W}}}footerReference", REL_TYPE_FOOTER),
    ):
        ordered: list[str] = []
        for ref in body_root.iter(ref_tag):
            target = targets.get(ref.get(f"{{{R_NS}}}id"))
            if target and target not in ordered:
                ordered.append(target)
        for rid, target in targets.items():
            if rel_types.get(rid) == rel_type and target not in ordered:
                ordered.append(target)
        for target in ordered:
            if target in names:
                files.append(PartFile(part, target, parse_xml(zf.read(target))))
    for note in ("footnotes.xml", "endnotes.xml"):
        target = posixpath.join(folder, note)
        if target in names:
            files.append(PartFile("footnote", target, parse_xml(zf.read(target))))
    return main, files


def iter_part_paragraphs(files: list[PartFile]) -> Iterator[tuple[str, int, object]]:
    """Yield (part, 1-based index within the part, ``w:p``) for every paragraph, in order."""
    counters: dict[str, int] = {}
    for pf in files:
        if pf.part == "footnote":
            notes = [
                n
                for n in pf.root
                if isinstance(n.tag, str) and n.get(f"{{{W}}}type") not in _SKIP_NOTE_TYPES
            ]
            paragraphs = (p for n in notes for p in iter_paragraphs(n))
        else:
            paragraphs = iter_paragraphs(pf.root)
        for p in paragraphs:
            counters[pf.part] = counters.get(pf.part, 0) + 1
            yield pf.part, counters[pf.part], p
