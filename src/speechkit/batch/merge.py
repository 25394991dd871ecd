"""One printable file from many forms: docxcompose, each form starting on a new page."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from speechkit.typeset.layout import CORE_PROPERTIES_NS


@contextmanager
def docxcompose_namespaces() -> Iterator[None]:
    """Import docxcompose for the duration of a merge without leaking its namespace map.

    Importing docxcompose rebinds python-docx's global ``nsmap["cp"]`` from the
    core-properties namespace to the custom-properties one. Left that way, any document whose
    core properties python-docx writes later in the same process (batch parent, web server)
    gets an invalid ``docProps/core.xml``. docxcompose needs its mapping only while it works.
    """
    from docx.oxml import ns
    from docxcompose.utils import NS  # the first import rebinds nsmap["cp"]

    ns.nsmap["cp"] = NS["cp"]
    try:
        yield
    finally:
        ns.nsmap["cp"] = CORE_PROPERTIES_NS


def merge_documents(paths: Iterable[Path]) -> bytes:
    """Concatenate .docx files with docxcompose, each starting on a new page; return bytes."""
    import io

    from docx import Document
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paths = list(paths)
    with docxcompose_namespaces():
        from docxcompose.composer import Composer

        master = Document(str(paths[0]))
        composer = Composer(master)
        for path in paths[1:]:
            doc = Document(str(path))
            _start_on_new_page(doc.element.body, qn, OxmlElement)
            composer.append(doc)
        buf = io.BytesIO()
        composer.save(buf)
    return buf.getvalue()


def _start_on_new_page(body, qn, OxmlElement) -> None:
    """Make the first block of ``body`` start a new page (pageBreakBefore or a page break)."""
    first = next((el for el in body if el.tag in (qn("w:p"), qn("w:tbl"))), None)
    if first is not None and first.tag == qn("w:p"):
        # python-docx's property puts w:pageBreakBefore at its schema place (after w:pStyle)
        first.get_or_add_pPr().pageBreakBefore_val = True
        return
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
