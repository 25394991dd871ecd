"""Build Word packages for the document-layer tests (python-docx, then parts added by hand)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FOOTNOTES_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
FOOTNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


def two_section_document(
    path: Path,
    *,
    header1: str = "第一节页眉",
    header2: str = "××镇 {{ leader }}",
    cell: str = "××同志 {{ secretary }}",
    footnotes: tuple[str, ...] = ("资料来源：县统计局", "第二条脚注"),
) -> Path:
    """A .docx with two sections (each its own header), a 3×3 table in the body whose row 2,
    column 3 holds ``cell``, and a footnotes part with ``footnotes``."""
    from docx import Document

    doc = Document()
    doc.add_paragraph("关于做好有关工作的通知")
    doc.add_paragraph("正文第二段。")
    table = doc.add_table(rows=3, cols=3)
    for r in range(3):
        for c in range(3):
            table.cell(r, c).text = f"格{r + 1}{c + 1}"
    table.cell(1, 2).text = cell
    doc.add_paragraph("第一节最后一段。")
    doc.sections[0].header.paragraphs[0].text = header1
    second = doc.add_section()
    second.header.is_linked_to_previous = False
    second.header.paragraphs[0].text = header2
    doc.add_paragraph("第二节正文。")
    buf = io.BytesIO()
    doc.save(buf)
    data = add_footnotes(buf.getvalue(), footnotes)
    path.write_bytes(data)
    return path


def add_footnotes(data: bytes, notes: tuple[str, ...]) -> bytes:
    """The package ``data`` with a footnotes part holding one paragraph per note (after
    Word's two separator notes) and its relationship and content type."""
    body = "".join(
        f'<w:footnote w:id="{i}"><w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'
        "</w:footnote>"
        for i, text in enumerate(notes, start=1)
    )
    xml = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{W}">'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
        "</w:footnote>"
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r>'
        "<w:continuationSeparator/></w:r></w:p></w:footnote>"
        f"{body}</w:footnotes>"
    )
    return replace_members(
        data,
        {"word/footnotes.xml": xml.encode()},
        edit={
            "[Content_Types].xml": lambda s: s.replace(
                "</Types>",
                f'<Override PartName="/word/footnotes.xml" ContentType="{FOOTNOTES_TYPE}"/></Types>',
            ),
            "word/_rels/document.xml.rels": lambda s: s.replace(
                "</Relationships>",
                f'<Relationship Id="rIdFn1" Type="{FOOTNOTES_REL}" Target="footnotes.xml"/>'
                "</Relationships>",
            ),
        },
    )


def replace_members(data: bytes, new: dict[str, bytes], edit=None) -> bytes:
    """A copy of the zip ``data`` with members replaced or added (``new``) and text members
    rewritten by ``edit[name](text)``."""
    edit = edit or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            if info.filename in new:
                continue
            blob = zin.read(info.filename)
            if info.filename in edit:
                blob = edit[info.filename](blob.decode("utf-8")).encode("utf-8")
            zout.writestr(info, blob, zipfile.ZIP_DEFLATED)
        for name, blob in new.items():
            zout.writestr(name, blob, zipfile.ZIP_DEFLATED)
    return out.getvalue()
