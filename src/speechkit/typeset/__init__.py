"""GB/T 9704 layout: styles, page setup, text→docx typesetting, format check, PDF.

Public API::

    from speechkit.typeset import new_document, typeset_text, format_check

    document = new_document()                    # python-docx Document, official layout
    data = typeset_text(open("讲话.txt").read())   # bytes of a laid-out .docx
    for departure in format_check("讲话.docx"):    # [] when the file follows the standard
        print(departure)

Layers: :mod:`~speechkit.typeset.spec` (the numbers), :mod:`~speechkit.typeset.oxml` (XML),
:mod:`~speechkit.typeset.layout` (styles, page, footers), :mod:`~speechkit.typeset.text`
(text → blocks → document), :mod:`~speechkit.typeset.check` (read back and compare),
:mod:`~speechkit.typeset.form` (table forms from a spec), :mod:`~speechkit.typeset.pdf`
(LibreOffice). Names are imported lazily so that importing the
package (the PDF helper, for instance) does not load python-docx.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from speechkit._lazy import lazy_getattr

_LAZY = {
    "new_document": "speechkit.typeset.layout",
    "typeset": "speechkit.typeset.text",
    "typeset_text": "speechkit.typeset.text",
    "parse_text": "speechkit.typeset.text",
    "Block": "speechkit.typeset.text",
    "Notice": "speechkit.typeset.text",
    "format_check": "speechkit.typeset.check",
    "build_form": "speechkit.typeset.form",
    "Converter": "speechkit.typeset.pdf",
    "Departure": "speechkit.typeset.check",
}

if TYPE_CHECKING:  # pragma: no cover
    from speechkit.typeset.check import Departure, format_check
    from speechkit.typeset.form import build_form
    from speechkit.typeset.layout import new_document
    from speechkit.typeset.pdf import Converter
    from speechkit.typeset.text import Block, Notice, parse_text, typeset, typeset_text


__getattr__ = lazy_getattr(__name__, _LAZY)


__all__ = [
    "Block",
    "Converter",
    "build_form",
    "Departure",
    "Notice",
    "format_check",
    "new_document",
    "parse_text",
    "typeset",
    "typeset_text",
]
