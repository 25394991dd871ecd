"""Parse one XML part of a .docx safely and within bounds.

No entity expansion, no network, no DTD (Word never writes one; a DTD in a part is refused),
nesting no deeper than :data:`MAX_DEPTH` (libxml2 stops while it reads) and no more than
:data:`MAX_PARAGRAPHS` paragraphs over the package (the package reader counts them while
members inflate, within a cap on the XML size; the parsed tree is counted again here). Every
failure is an :class:`~speechkit.errors.InputFileError` in Chinese naming the file and part.
"""

from __future__ import annotations

from lxml import etree

from speechkit.errors import InputFileError, Location

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
W_P = f"{{{W_NS}}}p"

MAX_DEPTH = 256  # libxml2's own limit without XML_PARSE_HUGE; real documents stay below 60
MAX_PARAGRAPHS = 200_000  # about 4,000 pages of prose; counted over the whole package


class Budget:
    """What is left of a package's paragraph allowance while its parts are parsed."""

    def __init__(self, paragraphs: int | None = None) -> None:
        self.paragraphs = MAX_PARAGRAPHS if paragraphs is None else paragraphs


def parse_part(
    data: bytes, name: str, file: str | None, budget: Budget | None = None
) -> etree._Element:
    """Parse ``data`` (the part ``name`` of ``file``) and return its root element.

    Raises :class:`InputFileError` when it is not XML, has a DTD, nests deeper than
    :data:`MAX_DEPTH` or brings the package over its paragraph budget.
    """
    where = Location(file=file)
    budget = budget if budget is not None else Budget()
    head = data[:4096].lstrip()
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise InputFileError(
            f"Word 文档的部件 {name} 含有 DTD 声明（Word 不会写这种内容），文件可能被篡改，"
            "不予读取。",
            where,
        )
    # huge_tree stays off: libxml2 itself stops at MAX_DEPTH levels while it reads.
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        if "depth" in str(exc).lower():
            raise InputFileError(
                f"Word 文档的部件 {name} 嵌套超过 {MAX_DEPTH} 层，超出可读取的范围"
                "（正常文档远少于此），文件可能被篡改。",
                where,
            ) from None
        raise InputFileError(
            f"Word 文档的部件 {name} 不是合法的 XML（第{exc.lineno or '?'}行附近），"
            "文件可能已损坏；请在 Word/WPS 中打开后重新保存。",
            where,
        ) from None
    # The package reader already counted paragraphs while inflating (and capped the XML
    # size); this count also sees paragraphs written under another prefix than ``w:``.
    budget.paragraphs -= sum(1 for _ in root.iter(W_P))
    if budget.paragraphs < 0:
        raise InputFileError(
            f"Word 文档的段落超过 {MAX_PARAGRAPHS} 个（在部件 {name} 中超出），"
            "超出可读取的范围；请拆分文档后再试。",
            where,
        )
    if root is None:
        raise InputFileError(f"Word 文档的部件 {name} 是空的，文件可能已损坏。", where)
    if root.getroottree().docinfo.doctype:
        raise InputFileError(
            f"Word 文档的部件 {name} 含有 DTD 声明（Word 不会写这种内容），文件可能被篡改，"
            "不予读取。",
            where,
        )
    return root


__all__ = ["Budget", "MAX_DEPTH", "MAX_PARAGRAPHS", "parse_part"]
