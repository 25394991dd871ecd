"""One printable file from many forms: docxcompose, each form starting on a new page."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


def merge_documents(paths: Iterable[Path]) -> bytes:
    """Concatenate .docx files with docxcompose, each starting on a new page; return bytes."""
    import io

    from docx import Document
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docxcompose.composer import Composer

    paths = list(paths)
    master = Document(str(paths[0]))
    composer = Composer(master)
    for path in paths[1:]:
        doc = Document(str(path))
        body = doc.element.body
        first = next((el for el in body if el.tag in (qn("w:p"), qn("w:tbl"))), None)
        if first is not None and first.tag == qn("w:p"):
            ppr = first.get_or_add_pPr()
            ppr.insert(0, OxmlElement("w:pageBreakBefore"))
        else:
            p = OxmlElement("w:p")
            r = OxmlElement("w:r")
            br = OxmlElement("w:br")
            br.set(qn("w:type"), "page")
            r.append(br)
            p.append(r)
            if first is not None:
                first.addprevious(p)
            else:
                body.insert(0, p)
        composer.append(doc)
    buf = io.BytesIO()
    composer.save(buf)
    return buf.getvalue()
