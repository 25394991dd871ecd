"""Open a Word package (.docx, .dotx, .docm, .dotm) safely and within bounds.

One place says, in plain Chinese, why a file is not a usable Word document: an empty file,
random bytes, a text file, an old .doc or a password-protected document, a PDF, another Office
type, a package without ``[Content_Types].xml`` or whose content types are not XML or carry a
DTD. Reading is bounded while it happens: the number of zip entries (:data:`MAX_ENTRIES`) and
the total decompressed size (:data:`MAX_TOTAL_BYTES`, counted chunk by chunk as members
inflate, so a zip bomb stops at the limit instead of filling the memory). XML parts are parsed
by :func:`speechkit.docx.safexml.parse_part` (depth and paragraph limits).
"""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from speechkit.docx import WORD_SUFFIXES
from speechkit.docx.safexml import MAX_PARAGRAPHS, Budget, parse_part
from speechkit.errors import InputFileError, Location, describe_os_error, display_path

MAIN_PART = "word/document.xml"
CONTENT_TYPES = "[Content_Types].xml"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound file: .doc, .xls, encrypted .docx
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_WML = "application/vnd.openxmlformats-officedocument.wordprocessingml."
_MACRO_WML = "application/vnd.ms-word."
# Main-part content types of Word packages, and what a rendered copy of each should declare.
DOCUMENT_TYPE = _WML + "document.main+xml"
MAIN_TYPES = {
    DOCUMENT_TYPE: DOCUMENT_TYPE,
    _WML + "template.main+xml": DOCUMENT_TYPE,  # .dotx
    _MACRO_WML + "document.macroEnabled.main+xml": _MACRO_WML + "document.macroEnabled.main+xml",
    _MACRO_WML + "template.macroEnabledTemplate.main+xml": _MACRO_WML
    + "document.macroEnabled.main+xml",  # .dotm
}

MAX_ENTRIES = 10_000  # files inside the zip; Word documents have tens, large ones a few hundred
MAX_TOTAL_BYTES = 256 * 1024 * 1024  # decompressed, all members together (media included)
MAX_XML_BYTES = 128 * 1024 * 1024  # decompressed XML kept in memory (a 4,000-page text: ~40 MB)
_CHUNK = 1 << 20
_OFFICE_DOCUMENT = "/officeDocument"
# Zip packages that are Office files of another kind, recognised by their main part.
_OTHER_PACKAGES = {
    "xl/workbook.xml": "Excel 表格（.xlsx）",
    "ppt/presentation.xml": "PowerPoint 演示文稿（.pptx）",
    "content.xml": "OpenDocument 文件（如 .odt）",
}


@dataclass(frozen=True)
class DocxFile:
    """A Word package that passed :func:`open_docx`: its bytes, its main part and the XML
    members (decompressed once, within bounds)."""

    path: Path
    data: bytes
    main_part: str
    shown: str = ""
    xml: dict[str, bytes] = field(default_factory=dict, compare=False, repr=False)
    main_type: str = DOCUMENT_TYPE

    def zip(self) -> zipfile.ZipFile:
        """A fresh :class:`zipfile.ZipFile` over the package bytes (close it when done)."""
        return zipfile.ZipFile(io.BytesIO(self.data))

    def read(self, name: str) -> bytes:
        """The decompressed bytes of XML member ``name``; KeyError when there is none."""
        return self.xml[name]

    def parse(self, name: str, budget: Budget | None = None):
        """Parse XML member ``name`` within bounds (see :func:`speechkit.docx.safexml.parse_part`)."""
        return parse_part(self.xml[name], name, self.shown, budget)

    @property
    def is_template(self) -> bool:
        """True for a Word template (.dotx/.dotm): its main part declares a template type."""
        return MAIN_TYPES.get(self.main_type, DOCUMENT_TYPE) != self.main_type

    def readable_bytes(self) -> bytes:
        """The package declared as a plain .docx (template and macro types replaced), for
        readers that know only that type (python-docx); a .docx is returned unchanged."""
        if self.main_type == DOCUMENT_TYPE:
            return self.data
        return retype_package(self.data, self.xml[CONTENT_TYPES], plain=True)


def content_types_for_document(ct_xml: bytes, plain: bool = False) -> bytes:
    """``[Content_Types].xml`` with a template main type replaced by its document type
    (``plain``: every Word main type by the .docx one)."""
    for old, new in MAIN_TYPES.items():
        target = DOCUMENT_TYPE if plain else new
        if old != target:
            ct_xml = ct_xml.replace(
                f'ContentType="{old}"'.encode(), f'ContentType="{target}"'.encode()
            )
    return ct_xml


def retype_package(data: bytes, ct_xml: bytes, plain: bool = False) -> bytes:
    """A copy of the zip ``data`` whose ``[Content_Types].xml`` declares a document (see
    :func:`content_types_for_document`)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            if info.filename == CONTENT_TYPES:
                new = content_types_for_document(ct_xml, plain)
                zout.writestr(info, new, zipfile.ZIP_DEFLATED)
            else:
                zout.writestr(info, zin.read(info.filename), info.compress_type)
    return out.getvalue()


# Parts only a macro-enabled package (.docm, .dotm) may hold: the VBA project and its data,
# Word's key map customisations and attached toolbars. A .docx holding them is invalid.
MACRO_ONLY_TYPES = frozenset(
    {
        "application/vnd.ms-office.vbaProject",
        _MACRO_WML + "vbaData+xml",
        _MACRO_WML + "keyMapCustomizations+xml",
        _MACRO_WML + "attachedToolbars",
    }
)


def macro_parts(ct_xml: bytes, names) -> set[str]:
    """The members of ``names`` whose content type (from ``[Content_Types].xml``) only a
    macro-enabled package may hold, and the ``.rels`` of those members."""
    root = parse_part(ct_xml, CONTENT_TYPES, None)
    defaults = {
        (d.get("Extension") or "").lower(): d.get("ContentType") or ""
        for d in root.iter(f"{{{CT_NS}}}Default")
    }
    overrides = {
        (o.get("PartName") or "").lstrip("/"): o.get("ContentType") or ""
        for o in root.iter(f"{{{CT_NS}}}Override")
    }
    found = set()
    for name in names:
        ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if overrides.get(name, defaults.get(ext, "")) in MACRO_ONLY_TYPES:
            found.add(name)
    return found | {_rels_of(name) for name in found if _rels_of(name) in names}


def _rels_of(name: str) -> str:
    folder, base = posixpath.split(name)
    return posixpath.join(folder, "_rels", base + ".rels")


def without_macro_parts(name: str, xml: bytes, dropped: set[str]) -> bytes:
    """``[Content_Types].xml`` or a ``.rels`` part ``name`` without what declares or points
    at the ``dropped`` parts; the content types also declare a plain .docx main part."""
    from lxml import etree

    root = parse_part(xml, name, None)
    if name == CONTENT_TYPES:
        for node in list(root):
            part = (node.get("PartName") or "").lstrip("/")
            if part in dropped or node.get("ContentType") in MACRO_ONLY_TYPES:
                root.remove(node)
    else:
        folder = posixpath.dirname(posixpath.dirname(name))  # word/_rels/x.rels → word
        for rel in list(root):
            target = rel.get("Target") or ""
            if rel.get("TargetMode") == "External":
                continue
            path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
            if posixpath.normpath(path) in dropped:
                root.remove(rel)
    out = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return content_types_for_document(out, plain=True) if name == CONTENT_TYPES else out


def docx_problem(data: bytes) -> str | None:
    """Why ``data`` is not a usable Word package, in plain Chinese; None when it is one."""
    try:
        _open(data, None)
    except InputFileError as exc:
        return exc.message
    return None


def _sniff(data: bytes) -> str | None:
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
    return None


def _read_members(zf: zipfile.ZipFile, where: Location) -> dict[str, bytes]:
    """Inflate every member, counting the bytes as they come; keep the XML ones."""
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise InputFileError(
            f"Word 文档里有 {len(infos)} 个文件，超过上限 {MAX_ENTRIES}，超出可读取的范围"
            "（正常文档只有几十个），文件可能被篡改。",
            where,
        )
    total = xml_total = paragraphs = 0
    kept: dict[str, bytes] = {}
    for info in infos:
        if info.is_dir():
            continue
        keep = info.filename.endswith((".xml", ".rels"))
        chunks: list[bytes] = []
        with zf.open(info) as fh:
            while chunk := fh.read(_CHUNK):
                total += len(chunk)
                if total > MAX_TOTAL_BYTES:
                    raise InputFileError(
                        f"Word 文档解压后超过 {MAX_TOTAL_BYTES // (1024 * 1024)} MB"
                        f"（读到 {info.filename} 时超出），超出可读取的范围；"
                        "请压缩图片或拆分文档后再试。",
                        where,
                    )
                if not keep:
                    continue
                xml_total += len(chunk)
                paragraphs += sum(chunk.count(t) for t in (b"<w:p>", b"<w:p ", b"<w:p/>"))
                if xml_total > MAX_XML_BYTES or paragraphs > MAX_PARAGRAPHS:
                    raise InputFileError(
                        f"Word 文档的文字部分过大（超过 {MAX_XML_BYTES // (1024 * 1024)} MB "
                        f"或 {MAX_PARAGRAPHS} 个段落，读到 {info.filename} 时超出），"
                        "超出可读取的范围；请拆分文档后再试。",
                        where,
                    )
                chunks.append(chunk)
        if keep:
            kept[info.filename] = b"".join(chunks)
    return kept


def _main_part(xml: dict[str, bytes], file: str | None) -> str:
    """Name of the package's main document part (from ``_rels/.rels``; default word/document.xml)."""
    if "_rels/.rels" not in xml:
        return MAIN_PART
    try:
        rels = parse_part(xml["_rels/.rels"], "_rels/.rels", file)
    except InputFileError:
        return MAIN_PART
    for rel in rels:
        if (rel.get("Type") or "").endswith(_OFFICE_DOCUMENT):
            target = rel.get("Target") or MAIN_PART
            return posixpath.normpath(target).lstrip("/")
    return MAIN_PART


def _main_type(ct_xml: bytes, main: str, file: str | None) -> str:
    """The declared content type of the main part (parsing ``[Content_Types].xml`` safely)."""
    root = parse_part(ct_xml, CONTENT_TYPES, file)
    if root.tag != f"{{{CT_NS}}}Types":
        raise InputFileError(
            f"Word 文档的 {CONTENT_TYPES} 不是内容类型表，文件可能已损坏。", Location(file=file)
        )
    for override in root.iter(f"{{{CT_NS}}}Override"):
        if (override.get("PartName") or "").lstrip("/") == main:
            return override.get("ContentType") or ""
    return ""


def _open(data: bytes, file: str | None) -> tuple[str, dict[str, bytes], str]:
    where = Location(file=file)
    problem = _sniff(data)
    if problem is not None:
        raise InputFileError(problem, where)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            xml = _read_members(zf, where)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError, zlib.error):
        if data.startswith(b"PK"):
            raise InputFileError(
                "Word 文档已损坏（压缩包不完整），无法读取；文件可能没有下载或复制完整。", where
            ) from None
        raise InputFileError(
            "不是有效的 Word 文件（.docx）：文件内容不是 Word 的格式，可能是其他类型的文件或已损坏。",
            where,
        ) from None
    except NotImplementedError:  # an unsupported compression method
        raise InputFileError(
            "Word 文档使用了不支持的压缩方式，无法读取；请在 Word/WPS 中打开后重新保存。", where
        ) from None
    main = _main_part(xml, file)
    if main not in xml:
        for part, kind in _OTHER_PACKAGES.items():
            if part in xml:
                raise InputFileError(f"这是{kind}，不是 Word 文档（.docx）。", where)
        raise InputFileError(f"文件里没有正文部分（{main}），不是 Word 文档或已损坏。", where)
    if CONTENT_TYPES not in xml:
        raise InputFileError(
            f"Word 文档缺少内容类型表（{CONTENT_TYPES}），文件已损坏；"
            "请在 Word/WPS 中打开后重新保存。",
            where,
        )
    main_type = _main_type(xml[CONTENT_TYPES], main, file)
    return main, xml, main_type or DOCUMENT_TYPE


def validate_docx_bytes(data: bytes, file: str | None = None) -> str:
    """Check that ``data`` is a usable Word package; return its main part name.

    Raises :class:`InputFileError` located at ``file`` with a plain-Chinese reason otherwise.
    """
    return _open(data, file)[0]


def open_docx_bytes(data: bytes, shown: str, path: str | Path | None = None) -> DocxFile:
    """:func:`open_docx` for bytes already read (an upload); ``shown`` names it in messages."""
    main, xml, main_type = _open(data, shown)
    return DocxFile(Path(path or shown), data, main, shown, xml, main_type)


def open_docx(path: str | Path, *, shown: str | None = None) -> DocxFile:
    """Read and validate the Word package at ``path`` (exists, a file, a bounded zip with a main
    document part and valid content types).

    ``shown`` is the name used in messages (default: ``path`` relative to the working folder).
    Raises :class:`InputFileError` with a plain-Chinese message when it is not usable.
    """
    src = Path(path)
    shown = shown if shown is not None else display_path(src)
    where = Location(file=shown)
    if not src.exists():
        raise InputFileError("文件不存在。", where)
    if src.is_dir():
        raise InputFileError("这是文件夹，不是 Word 文档（.docx）。", where)
    try:
        data = src.read_bytes()
    except OSError as exc:
        raise InputFileError(f"无法读取文件：{describe_os_error(exc)}。", where) from None
    return open_docx_bytes(data, shown, src)


__all__ = [
    "CONTENT_TYPES",
    "DOCUMENT_TYPE",
    "DocxFile",
    "MAIN_PART",
    "MAX_ENTRIES",
    "MAX_TOTAL_BYTES",
    "MAX_XML_BYTES",
    "OLE_MAGIC",
    "WORD_SUFFIXES",
    "content_types_for_document",
    "docx_problem",
    "open_docx",
    "open_docx_bytes",
    "validate_docx_bytes",
]
