"""The parts of a Word document that hold text: body, header N, footer N, footnotes, endnotes,
comments.

Headers and footers are numbered in the order the document's sections reference them (section
properties in document order; within a section: default, first, even), then any header/footer
no section references; a part referenced twice keeps its first number. So a document with two
sections, each with its own header, has 页眉1 and 页眉2 — as Word shows “第 2 节 - 页眉”.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from speechkit.docx.package import DocxFile
from speechkit.docx.safexml import W_NS, Budget, parse_part

R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_SECT_REFS = {"header": f"{{{W_NS}}}headerReference", "footer": f"{{{W_NS}}}footerReference"}
# Parts found through the main part's relationships: kind → relationship type.
_REL_KINDS = {
    "header": _REL + "header",
    "footer": _REL + "footer",
    "footnote": _REL + "footnotes",
    "endnote": _REL + "endnotes",
    "comment": _REL + "comments",
}


@dataclass(frozen=True)
class PartRef:
    """A text part of the package: kind (body, header, ...), number (headers and footers
    only; None otherwise) and zip name."""

    kind: str
    number: int | None
    name: str


@dataclass
class Part:
    """A parsed text part: its reference and root element."""

    ref: PartRef
    root: object

    @property
    def kind(self) -> str:
        """The part kind (``body``, ``header``, ...)."""
        return self.ref.kind

    @property
    def name(self) -> str:
        """The zip name of the part."""
        return self.ref.name


def rels_name(part_name: str) -> str:
    """The relationships file name of a package part."""
    folder, base = posixpath.split(part_name)
    return posixpath.join(folder, "_rels", base + ".rels")


def part_refs(main: str, body_root, read: Callable[[str], bytes | None], parse) -> list[PartRef]:
    """Every text part of a package in reading order (see the module docstring).

    ``body_root`` is the parsed main part; ``read(name)`` returns a member's bytes or None;
    ``parse(data, name)`` parses one XML member.
    """
    refs = [PartRef("body", None, main)]
    folder = posixpath.dirname(main)
    targets: dict[str, tuple[str, str]] = {}
    data = read(rels_name(main))
    if data is not None:
        for rel in parse(data, rels_name(main)):
            if rel.get("TargetMode") == "External":
                continue
            target = posixpath.normpath(posixpath.join(folder, rel.get("Target") or ""))
            targets[rel.get("Id") or ""] = (target.lstrip("/"), rel.get("Type") or "")
    for kind in ("header", "footer"):
        ordered: list[str] = []
        for ref in body_root.iter(_SECT_REFS[kind]):
            target = targets.get(ref.get(f"{{{R_NS}}}id") or "")
            if target and target[0] not in ordered:
                ordered.append(target[0])
        for name, rel_type in targets.values():
            if rel_type == _REL_KINDS[kind] and name not in ordered:
                ordered.append(name)
        refs += [PartRef(kind, i, name) for i, name in enumerate(ordered, start=1)]
    for kind in ("footnote", "endnote", "comment"):
        for name, rel_type in targets.values():
            if rel_type == _REL_KINDS[kind]:
                refs.append(PartRef(kind, None, name))
                break
    return refs


def part_numbers(xml: Mapping[str, bytes], main: str, file: str | None = None) -> dict[str, int]:
    """Zip name → number (页眉2) of each header and footer of the package whose members are
    ``xml`` and whose main part is ``main``."""
    body = parse_part(xml[main], main, file)
    refs = part_refs(main, body, xml.get, lambda data, name: parse_part(data, name, file))
    return {ref.name: ref.number for ref in refs if ref.number is not None}


def load_parts(
    package: DocxFile, budget: Budget | None = None, *, body_root=None, kinds=None
) -> list[Part]:
    """Parse every text part of ``package`` (bounded: one paragraph budget for all parts).

    ``body_root`` is the main part already parsed (by python-docx, say); ``kinds`` keeps only
    the parts of those kinds (the body is always first)."""
    budget = budget if budget is not None else Budget()
    if body_root is None:
        body_root = package.parse(package.main_part, budget)
    refs = part_refs(
        package.main_part,
        body_root,
        package.xml.get,
        lambda data, name: package.parse(name),
    )
    parts = [Part(refs[0], body_root)]
    for ref in refs[1:]:
        if kinds is not None and ref.kind not in kinds:
            continue
        if ref.name in package.xml:
            parts.append(Part(ref, package.parse(ref.name, budget)))
    return parts


__all__ = ["PKG_REL", "Part", "PartRef", "load_parts", "part_numbers", "part_refs", "rels_name"]
