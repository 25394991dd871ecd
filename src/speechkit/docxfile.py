"""Compatibility name: opening Word packages now lives in :mod:`speechkit.docx.package`."""

from __future__ import annotations

from speechkit.docx.package import (
    MAIN_PART,
    OLE_MAGIC,
    DocxFile,
    docx_problem,
    open_docx,
    validate_docx_bytes,
)

__all__ = ["DocxFile", "MAIN_PART", "OLE_MAGIC", "docx_problem", "open_docx", "validate_docx_bytes"]
