"""Open a Word (.docx) package safely: one place that says, in plain Chinese, why a file is not one.

Every layer that reads a .docx (typeset's format check and PDF conversion, the template engine,
the checker) goes through :func:`open_docx` or :func:`validate_docx_bytes` first, so a user who
passes an empty file, random bytes, a text file, an old .doc or a password-protected document
gets the same clear message everywhere instead of a library's English (“File is not a zip file”,
“There is no item named …”) or a Python class name.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass
from pathlib import Path

from speechkit.errors import InputFileError, Location, describe_os_error, display_path

MAIN_PART = "word/document.xml"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound file: .doc, .xls, encrypted .docx
_OFFICE_DOCUMENT = "/officeDocument"
# Zip packages that are Office files of another kind, recognised by their main part.
_OTHER_PACKAGES = {
    "xl/workbook.xml": "Excel 表格（.xlsx）",
    "ppt/presentation.xml": "PowerPoint 演示文稿（.pptx）",
    "content.xml": "OpenDocument 文件（如 .odt）",
}


@dataclass(frozen=True)
class DocxFile:
    """A .docx that passed :func:`open_docx`: its bytes and the name of its main document part."""

    path: Path
    data: bytes
    main_part: str

    def zip(self) -> zipfile.ZipFile:
        """A fresh :class:`zipfile.ZipFile` over the package bytes (close it when done)."""
        return zipfile.ZipFile(io.BytesIO(self.data))


def docx_problem(data: bytes) -> str | None:
    """Why ``data`` is not a usable .docx package, in plain Chinese; None when it is one."""
    if not data:
        return "文件是空的（0 字节），不是 Word 文档。"
    if data.startswith(OLE_MAGIC):
        return (
            "这是旧版 Word 文档（.doc）或设置了打开密码的文档，无法直接读取；"
            "请在 Word/WPS 中去掉打开密码，或“另存为”.docx 格式后再试。"
        )
    if data.startswith(b"%PDF"):
        return "这是 PDF 文件，不是 Word 文档（.docx）。"
    if data.startswith(b"{\\rtf"):
        return "这是 RTF 文件，不是 Word 文档（.docx）；请在 Word/WPS 中另存为 .docx。"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            main = _main_part(zf, names)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError):
        if data.startswith(b"PK"):
            return "Word 文档已损坏（压缩包不完整），无法读取；文件可能没有下载或复制完整。"
        return "不是有效的 Word 文件（.docx）：文件内容不是 Word 的格式，可能是其他类型的文件或已损坏。"
    if main in names:
        return None
    for part, kind in _OTHER_PACKAGES.items():
        if part in names:
            return f"这是{kind}，不是 Word 文档（.docx）。"
    return f"文件里没有正文部分（{main}），不是 Word 文档或已损坏。"


def _main_part(zf: zipfile.ZipFile, names: set[str]) -> str:
    """Name of the package's main document part (from ``_rels/.rels``; default word/document.xml)."""
    if "_rels/.rels" not in names:
        return MAIN_PART
    from lxml import etree

    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        rels = etree.fromstring(zf.read("_rels/.rels"), parser)
    except (etree.XMLSyntaxError, KeyError, zipfile.BadZipFile):
        return MAIN_PART
    for rel in rels:
        if (rel.get("Type") or "").endswith(_OFFICE_DOCUMENT):
            target = rel.get("Target") or MAIN_PART
            return posixpath.normpath(target).lstrip("/")
    return MAIN_PART


def validate_docx_bytes(data: bytes, file: str | None = None) -> str:
    """Check that ``data`` is a .docx package; return its main part name.

    Raises :class:`InputFileError` located at ``file`` with a plain-Chinese reason otherwise.
    """
    problem = docx_problem(data)
    if problem is not None:
        raise InputFileError(problem, Location(file=file))
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return _main_part(zf, set(zf.namelist()))


def open_docx(path: str | Path, *, shown: str | None = None) -> DocxFile:
    """Read and validate the .docx at ``path`` (exists, a file, a zip with a main document part).

    ``shown`` is the name used in messages (default: ``path`` relative to the working folder).
    Raises :class:`InputFileError` with a plain-Chinese message when it is not a usable .docx.
    """
    src = Path(path)
    where = Location(file=shown if shown is not None else display_path(src))
    if not src.exists():
        raise InputFileError("文件不存在。", where)
    if src.is_dir():
        raise InputFileError("这是文件夹，不是 Word 文档（.docx）。", where)
    try:
        data = src.read_bytes()
    except OSError as exc:
        raise InputFileError(f"无法读取文件：{describe_os_error(exc)}。", where) from None
    main = validate_docx_bytes(data, where.file)
    return DocxFile(src, data, main)


__all__ = ["DocxFile", "MAIN_PART", "docx_problem", "open_docx", "validate_docx_bytes"]
