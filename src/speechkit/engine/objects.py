"""Rich values a context may hold, with docxtpl's names: RichText, RichTextParagraph, Listing,
InlineImage, Subdoc.

Each object knows the WordprocessingML it stands for. Where it needs more than its own XML (an
image file, a hyperlink's target, a sub-document's styles), it registers that with the render in
progress (:class:`Additions`), and the engine adds the parts and relationships to the output
package after rendering the part (see ``Template.render``). Nothing here touches the template.

::

    RichText("紧急", bold=True, color="C00000")      # {{r rt }} or {{ rt }}
    InlineImage(tpl, "照片/张三.jpg", width=Mm(25))  # {{ photo }}
    Subdoc("附件1.docx")                              # {{p appendix }}
"""

from __future__ import annotations

import functools
import hashlib
import io
import re
import threading
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docx.shared import Cm, Emu, Inches, Mm, Pt
from lxml import etree
from markupsafe import Markup, escape

from speechkit.filters import PARAGRAPH_BREAK

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL_IMAGE = R + "/image"
REL_HYPERLINK = R + "/hyperlink"
_XML_ILLEGAL = re.compile("[\x00-\x06\x08\x0b\x0e-\x1f\ufffe\uffff]")  # \a and \f are ours
_HEX = re.compile(r"#?([0-9A-Fa-f]{6})")
_HIGHLIGHTS = {
    "black", "blue", "cyan", "green", "magenta", "red", "yellow", "white", "darkBlue",
    "darkCyan", "darkGreen", "darkMagenta", "darkRed", "darkYellow", "darkGray", "lightGray",
}  # fmt: skip

__all__ = [
    "RichText",
    "RichTextParagraph",
    "R",
    "RP",
    "Listing",
    "InlineImage",
    "Subdoc",
    "Mm",
    "Cm",
    "Pt",
    "Inches",
    "Emu",
    "ObjectError",
]


class ObjectError(ValueError):
    """A rich value cannot be used (not an image, not a .docx, not a colour); Chinese message."""


# -- what a render collects ------------------------------------------------------------------
@dataclass
class Additions:
    """What the objects printed in one part need beside their XML."""

    rels: list[tuple[str, str, bool]] = field(default_factory=list)  # type, target, external
    media: dict[str, bytes] = field(default_factory=dict)  # zip name → bytes
    content_types: dict[str, str] = field(default_factory=dict)  # extension → type
    styles: dict[str, bytes] = field(default_factory=dict)  # styleId → <w:style> XML
    # list definitions a sub-document brings: placeholder → (<w:num>, <w:abstractNum>) XML
    numbering: dict[str, tuple[bytes, bytes]] = field(default_factory=dict)
    next_id: int = 0

    def rel(self, rel_type: str, target: str, external: bool = False) -> str:
        """A relationship id placeholder, replaced by a real id after rendering the part."""
        key = (rel_type, target, external)
        if key not in self.rels:
            self.rels.append(key)
        return f"__sk_rel_{self.rels.index(key)}__"

    def image(self, blob: bytes, ext: str, content_type: str) -> str:
        """Store an image once (by content) and return its relationship placeholder."""
        name = _media_name(blob, ext)
        self.media["word/" + name] = blob
        self.content_types[ext] = content_type
        return self.rel(REL_IMAGE, name)

    def drawing_id(self) -> int:
        """A ``wp:docPr`` id unique within the document."""
        self.next_id += 1
        return 700000 + self.next_id


@functools.lru_cache(maxsize=256)
def _media_name(blob: bytes, ext: str) -> str:
    """``media/sk_<hash>.<ext>``: one name per content (bytes cache their hash)."""
    return f"media/sk_{hashlib.sha1(blob).hexdigest()[:16]}.{ext}"


class _Collector(threading.local):
    current: Additions | None = None
    ids: int = 0


_COLLECTOR = _Collector()


class collecting:
    """Context manager around one part's render: objects register into :attr:`additions`."""

    def __init__(self, start_id: int = 0) -> None:
        self.additions = Additions(next_id=start_id)

    def __enter__(self) -> Additions:
        self._saved = _COLLECTOR.current
        _COLLECTOR.current = self.additions
        return self.additions

    def __exit__(self, *exc: object) -> None:
        _COLLECTOR.current = self._saved


def _additions() -> Additions:
    if _COLLECTOR.current is None:  # printed outside a render (e.g. str() in a test)
        _COLLECTOR.current = Additions()
    return _COLLECTOR.current


# -- text and runs ---------------------------------------------------------------------------
def _color(value: Any, what: str) -> str:
    m = _HEX.fullmatch(str(value).strip())
    if not m:
        raise ObjectError(f"{what}“{value}”不是颜色：要写成 6 位十六进制数，如 FF0000（红）")
    return m.group(1).upper()


def _attr(value: Any) -> str:
    return str(escape(str(value)))


def run_properties(
    style: str | None = None,
    color: str | None = None,
    highlight: str | None = None,
    size: int | None = None,
    subscript: bool | None = None,
    superscript: bool | None = None,
    bold: bool = False,
    italic: bool = False,
    underline: bool | str = False,
    strike: bool = False,
    font: str | None = None,
    rtl: bool = False,
    lang: str | None = None,
) -> str:
    """``<w:rPr>`` for docxtpl's RichText options (``size`` in half-points, as docxtpl)."""
    parts = []
    if style:
        parts.append(f'<w:rStyle w:val="{_attr(style)}"/>')
    if font:
        font = str(font)
        if ":" in font:  # docxtpl's "eastAsia:微软雅黑"; every script gets the font here
            region, font = font.split(":", 1)
            if region not in ("eastAsia", "ascii", "hAnsi", "cs"):
                raise ObjectError(f"字体“{region}:{font}”的前缀应为 eastAsia、ascii、hAnsi 或 cs")
        f = _attr(font)
        parts.append(f'<w:rFonts w:ascii="{f}" w:hAnsi="{f}" w:eastAsia="{f}" w:cs="{f}"/>')
    if bold:
        parts.append("<w:b/>")
    if italic:
        parts.append("<w:i/>")
    if strike:
        parts.append("<w:strike/>")
    if color:
        parts.append(f'<w:color w:val="{_color(color, "文字颜色")}"/>')
    if size:
        try:
            half = int(size)
        except (TypeError, ValueError):
            raise ObjectError(f"字号“{size}”不是数字（以半磅为单位，如 28 表示 14 磅）") from None
        if not 1 <= half <= 3276:
            raise ObjectError(f"字号“{size}”超出范围（以半磅为单位，1–3276）")
        parts.append(f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>')
    if highlight:
        if str(highlight) in _HIGHLIGHTS:
            parts.append(f'<w:highlight w:val="{highlight}"/>')
        else:
            fill = _color(highlight, "突出显示颜色")
            parts.append(f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>')
    if underline:
        kind = "single" if underline is True else _attr(underline)
        parts.append(f'<w:u w:val="{kind}"/>')
    if subscript:
        parts.append('<w:vertAlign w:val="subscript"/>')
    elif superscript:
        parts.append('<w:vertAlign w:val="superscript"/>')
    if rtl:
        parts.append("<w:rtl/>")
    if lang:
        parts.append(f'<w:lang w:val="{_attr(lang)}"/>')
    return f"<w:rPr>{''.join(parts)}</w:rPr>" if parts else ""


_T_OPEN = '<w:t xml:space="preserve">'


def text_in_run(text: str) -> str:
    """Escaped text for inside a ``<w:t>``: ``\\n`` line break, ``\\t`` tab, ``\\a`` new
    paragraph, ``\\f`` new paragraph starting with a page break."""
    text = _XML_ILLEGAL.sub("", str(text))
    out = str(escape(text))
    if "\n" in out or "\r" in out:
        out = out.replace("\r\n", "\n").replace("\r", "\n")
        out = out.replace("\n", f"</w:t><w:br/>{_T_OPEN}")
    if "\t" in out:
        out = out.replace("\t", f"</w:t><w:tab/>{_T_OPEN}")
    if "\f" in out:
        out = out.replace("\f", f'{PARAGRAPH_BREAK}</w:t><w:br w:type="page"/>{_T_OPEN}')
    return out  # \a is PARAGRAPH_BREAK itself: the engine splits the paragraph there


def _run(text: str, rpr: str) -> str:
    return f"<w:r>{rpr}{_T_OPEN}{text_in_run(text)}</w:t></w:r>"


_URL = re.compile(r"(https?|mailto|ftp)://?\S+", re.I)


class RichText:
    """Text with formatting, built piece by piece (docxtpl's ``RichText``).

    ``add(text, style=None, color=None, highlight=None, size=None, subscript=None,
    superscript=None, bold=False, italic=False, underline=False, strike=False, font=None,
    url_id=None, rtl=False, lang=None)``; ``url_id`` may be the link itself
    (``url_id="https://…"``). Print it with ``{{r rt }}`` (its own runs) or ``{{ rt }}``.
    """

    def __init__(self, text: Any = None, **props: Any) -> None:
        self._runs: list[tuple[str, str, str | None]] = []  # text, rPr, url
        if text is not None:
            self.add(text, **props)

    def add(self, text: Any, url_id: Any = None, **props: Any) -> RichText:
        """Append ``text`` with the given formatting; returns self."""
        if isinstance(text, RichText):
            self._runs.extend(text._runs)
            return self
        url = None
        if url_id is not None:
            url = str(url_id)
            if not _URL.match(url):
                raise ObjectError(f"链接“{url}”不是网址（应以 http:// 或 https:// 开头）")
        self._runs.append((str(text), run_properties(**props), url))
        return self

    def runs_xml(self) -> str:
        """The runs (and hyperlinks) this text stands for."""
        out = []
        for text, rpr, url in self._runs:
            run = _run(text, rpr)
            if url:
                rid = _additions().rel(REL_HYPERLINK, url, external=True)
                run = f'<w:hyperlink xmlns:r="{R}" r:id="{rid}">{run}</w:hyperlink>'
            out.append(run)
        return "".join(out)

    @property
    def text(self) -> str:
        """The plain text."""
        return "".join(t for t, _, _ in self._runs)

    def __html__(self) -> str:
        # printed by {{ rt }} inside a run: close the run, write ours, reopen a plain one
        return f"</w:t></w:r>{self.runs_xml()}<w:r>{_T_OPEN}"

    def __str__(self) -> str:
        return self.text

    __add__ = add

    def __len__(self) -> int:
        return len(self.text)


class RichTextParagraph:
    """Paragraphs of RichText, each with an optional paragraph style (docxtpl's), printed with
    ``{{p rtp }}``: ``add(text, parastyle=None)``."""

    def __init__(self, text: Any = None, parastyle: str | None = None) -> None:
        self._paras: list[tuple[RichText, str | None]] = []
        if text is not None:
            self.add(text, parastyle)

    def add(self, text: Any, parastyle: str | None = None) -> RichTextParagraph:
        """Append a paragraph (``text`` a RichText or plain text); returns self."""
        rt = text if isinstance(text, RichText) else RichText(text)
        self._paras.append((rt, parastyle))
        return self

    def paragraphs_xml(self, ppr: str = "") -> str:
        """The ``<w:p>`` elements (``ppr`` used where no paragraph style is given)."""
        out = []
        for rt, style in self._paras:
            props = f'<w:pPr><w:pStyle w:val="{_attr(style)}"/></w:pPr>' if style else ppr
            out.append(f"<w:p>{props}{rt.runs_xml()}</w:p>")
        return "".join(out)

    def __html__(self) -> str:
        raise ObjectError("RichTextParagraph 要用 {{p 变量}} 单独占一段")

    def __str__(self) -> str:
        return "\n".join(rt.text for rt, _ in self._paras)


R = RichText  # docxtpl's shortcuts
RP = RichTextParagraph


class Listing:
    """Text kept as written (docxtpl's ``Listing``): ``\\n`` line break, ``\\t`` tab, ``\\a``
    new paragraph, ``\\f`` page break; XML characters escaped. Print with ``{{ listing }}``."""

    def __init__(self, text: Any) -> None:
        self.text = str(text)

    def __html__(self) -> str:
        return text_in_run(self.text)

    def __str__(self) -> str:
        return self.text


# -- images ----------------------------------------------------------------------------------
_EMU_PER_INCH = 914400
_IMAGE_TYPES = {"image/png": "png", "image/jpeg": "jpeg"}


@dataclass(frozen=True)
class _Picture:
    blob: bytes
    ext: str
    content_type: str
    cx: int
    cy: int


def read_picture(source: Any, width: Any = None, height: Any = None, shown: str = "") -> _Picture:
    """Read a PNG or JPEG (path, bytes or binary file) and size it (EMU); raises
    :class:`ObjectError` for anything else."""
    from docx.image.exceptions import UnrecognizedImageError
    from docx.image.image import Image

    name = shown or (str(source) if isinstance(source, (str, Path)) else "图片")
    if isinstance(source, (bytes, bytearray)):
        blob = bytes(source)
    elif hasattr(source, "read"):
        blob = source.read()
    else:
        try:
            blob = Path(source).read_bytes()
        except OSError as exc:
            from speechkit.errors import describe_os_error

            raise ObjectError(f"无法读取图片 {name}：{describe_os_error(exc)}") from None
    try:
        img = Image.from_blob(blob)
    except (UnrecognizedImageError, Exception):
        raise ObjectError(f"{name} 不是图片（只支持 PNG 和 JPEG）") from None
    ext = _IMAGE_TYPES.get(img.content_type)
    if ext is None or not img.px_width or not img.px_height:
        raise ObjectError(f"{name} 是 {img.content_type}，只支持 PNG 和 JPEG 图片")
    native_cx = int(img.px_width * _EMU_PER_INCH / (img.horz_dpi or 96))
    native_cy = int(img.px_height * _EMU_PER_INCH / (img.vert_dpi or 96))
    cx = _length(width, "宽度") if width is not None else None
    cy = _length(height, "高度") if height is not None else None
    if cx is None and cy is None:
        cx, cy = native_cx, native_cy
    elif cx is None:
        cx = int(native_cx * cy / native_cy)  # type: ignore[operator]
    elif cy is None:
        cy = int(native_cy * cx / native_cx)
    return _Picture(blob, ext, img.content_type, int(cx), int(cy))  # type: ignore[arg-type]


_MAX_EMU = int(Mm(600))  # larger than any page


def _length(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ObjectError(f"图片{what}“{value}”不是长度（请用 Mm(25)、Cm(2.5) 或 Pt(72)）")
    emu = int(value)
    if not 0 < emu <= _MAX_EMU:
        raise ObjectError(f"图片{what}超出范围（应大于 0、不超过 600 毫米）")
    return emu


def drawing_xml(pic: _Picture) -> str:
    """A ``<w:r>`` holding the picture inline."""
    adds = _additions()
    rid = adds.image(pic.blob, pic.ext, pic.content_type)
    n = adds.drawing_id()
    return (
        "<w:r><w:drawing>"
        '<wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"'
        ' distT="0" distB="0" distL="0" distR="0">'
        f'<wp:extent cx="{pic.cx}" cy="{pic.cy}"/><wp:docPr id="{n}" name="图片 {n}"/>'
        '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
        '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        '<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        f'<pic:nvPicPr><pic:cNvPr id="{n}" name="image{n}.{pic.ext}"/><pic:cNvPicPr/></pic:nvPicPr>'
        f'<pic:blipFill><a:blip xmlns:r="{R}" r:embed="{rid}"/>'
        "<a:stretch><a:fillRect/></a:stretch></pic:blipFill>"
        f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{pic.cx}" cy="{pic.cy}"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr>'
        "</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"
    )


class InlineImage:
    """A PNG or JPEG placed in the text (docxtpl's ``InlineImage``).

    ``InlineImage(tpl, image_descriptor, width=None, height=None)`` as in docxtpl, or without
    the template: ``InlineImage("照片.jpg", width=Mm(25))``. The image is a path, bytes or a
    binary file; width and height are lengths (``Mm``, ``Cm``, ``Pt``, ``Inches``: EMU
    integers); with one of them the other keeps the aspect ratio. Read (and checked) at once.
    """

    def __init__(
        self, *args: Any, width: Any = None, height: Any = None, anchor: Any = None
    ) -> None:
        if len(args) == 2 and not isinstance(args[0], (str, Path, bytes, bytearray)):
            args = args[1:]  # (tpl, image): docxtpl passes the template first
        if len(args) != 1:
            raise TypeError("InlineImage([tpl,] image, width=None, height=None)")
        if anchor is not None:
            raise ObjectError("InlineImage 不支持 anchor（图片内的链接）")
        self.picture = read_picture(args[0], width, height)

    def run_xml(self) -> str:
        """The ``<w:r>`` holding the picture."""
        return drawing_xml(self.picture)

    def __html__(self) -> str:
        return f"</w:t></w:r>{self.run_xml()}<w:r>{_T_OPEN}"

    def __str__(self) -> str:
        return "[图片]"


# -- sub-documents ---------------------------------------------------------------------------
_W = f"{{{W}}}"
_REL_ATTRS = (f"{{{R}}}embed", f"{{{R}}}id", f"{{{R}}}link")
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_SUBDOC_PARTS = {
    "word/document.xml",
    "word/_rels/document.xml.rels",
    "word/styles.xml",
    "word/numbering.xml",
}
_SUBDOC_MAX_BYTES = 200 * 2**20
_NUM_ID = re.compile(r'<w:numId w:val="(\d+)"/>')
_SUBREL = re.compile(r"__sk_subrel_(\d+)__")
_DOCPR = "__sk_docpr__"
_WP_DOCPR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"


class Subdoc:
    """Another .docx's body inserted in place of a paragraph (docxtpl's ``Subdoc``), with its
    pictures, hyperlinks and the paragraph/character/table styles it uses that the template
    lacks. Print with ``{{p sub }}``. ``Subdoc(path_or_bytes)``; docxtpl's
    ``tpl.new_subdoc(path)`` is :meth:`Template.new_subdoc`.
    """

    def __init__(self, source: Any = None, shown: str = "") -> None:
        name = shown or (str(source) if isinstance(source, (str, Path)) else "附件文档")
        self.name = name
        self._doc = None
        if source is None or hasattr(source, "save"):
            # an empty python-docx Document to fill (docxtpl's tpl.new_subdoc()), or one given
            import docx

            self._doc = docx.Document() if source is None else source
            self._elements = None
            return
        try:
            data = (
                bytes(source)
                if isinstance(source, (bytes, bytearray))
                else Path(source).read_bytes()
            )
        except OSError as exc:
            from speechkit.errors import describe_os_error

            raise ObjectError(f"无法读取附件文档 {name}：{describe_os_error(exc)}") from None
        self._load(data)

    def __getattr__(self, attr: str) -> Any:
        doc = self.__dict__.get("_doc")
        if doc is None or attr.startswith("_"):
            raise AttributeError(attr)
        return getattr(doc, attr)  # add_paragraph, add_table, add_picture … of python-docx

    def _load(self, data: bytes) -> None:
        from speechkit.docxfile import docx_problem

        name = self.name
        problem = docx_problem(data)
        if problem:
            raise ObjectError(f"附件文档 {name} 不能使用：{problem}")
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                wanted = [
                    i
                    for i in zf.infolist()
                    if i.filename in _SUBDOC_PARTS or i.filename.startswith("word/media/")
                ]
                if sum(i.file_size for i in wanted) > _SUBDOC_MAX_BYTES:
                    raise ObjectError(
                        f"附件文档 {name} 解压后超过 {_SUBDOC_MAX_BYTES // 2**20} MB，太大，不能插入"
                    )
                self._files = {
                    n: zf.read(n)
                    for n in zf.namelist()
                    if n in ("word/document.xml", "word/_rels/document.xml.rels", "word/styles.xml")
                    or n == "word/numbering.xml"
                    or n.startswith("word/media/")
                }
        except (zipfile.BadZipFile, OSError, EOFError, ValueError):
            raise ObjectError(f"{name} 不是 Word 文档（.docx）") from None
        if "word/document.xml" not in self._files:
            raise ObjectError(f"{name} 不是 Word 文档（.docx）：找不到正文")
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
        try:
            root = etree.fromstring(self._files["word/document.xml"], parser)
        except etree.XMLSyntaxError:
            raise ObjectError(f"{name} 已损坏：正文不是合法的 XML") from None
        body = root.find(f"{_W}body")
        if body is None:
            raise ObjectError(f"{name} 不是 Word 文档（.docx）：找不到正文")
        self._elements = [el for el in body if el.tag != f"{_W}sectPr"]
        self._prepared = None
        self._rels = self._read_rels()
        for el in self._elements:
            for node in el.iter():
                for attr in _REL_ATTRS:
                    rid = node.get(attr)
                    if rid is not None and rid not in self._rels:
                        raise ObjectError(f"{name} 已损坏：引用了不存在的关系 {rid}")
                    if rid is not None and self._rels[rid][0] not in (REL_IMAGE, REL_HYPERLINK):
                        kind = self._rels[rid][0].rsplit("/", 1)[-1]
                        raise ObjectError(
                            f"{name} 中含有暂不支持插入的内容（{kind}，如图表或嵌入对象）："
                            "请在 Word 中把它转成图片后重试"
                        )

    def _read_rels(self) -> dict[str, tuple[str, str, bool]]:
        blob = self._files.get("word/_rels/document.xml.rels")
        if not blob:
            return {}
        root = etree.fromstring(blob, etree.XMLParser(resolve_entities=False, no_network=True))
        rels = {}
        for rel in root.iter(f"{{{_PKG_REL}}}Relationship"):
            rels[rel.get("Id")] = (
                rel.get("Type", ""),
                rel.get("Target", ""),
                rel.get("TargetMode") == "External",
            )
        return rels

    def body_xml(self) -> str:
        """The body's paragraphs and tables, with relationship ids of this render."""
        if self._doc is not None:  # a python-docx document may change between renders
            buf = io.BytesIO()
            self._doc.save(buf)
            self._load(buf.getvalue())
            self._prepared = None
        if getattr(self, "_prepared", None) is None:
            self._prepared = self._prepare()
        body, refs, styles, lists = self._prepared
        adds = _additions()
        ids = []
        for rtype, target, external, blob in refs:
            if blob is not None:
                ext = target.rsplit(".", 1)[-1].lower()
                ctype = {"jpg": "image/jpeg", "jpeg": "image/jpeg"}.get(ext, f"image/{ext}")
                ids.append(adds.image(blob, ext, ctype))
            else:
                ids.append(adds.rel(rtype, target, external))
        body = _SUBREL.sub(lambda m: ids[int(m.group(1))], body)
        if _DOCPR in body:
            body = re.sub(_DOCPR, lambda _: str(adds.drawing_id()), body)
        for sid, blob in styles.items():
            adds.styles.setdefault(sid, blob)
        adds.numbering.update(lists)
        return body

    def _prepare(self) -> tuple[str, list, dict[str, bytes], dict[str, tuple[bytes, bytes]]]:
        """Once per sub-document: its body XML with markers for relationship ids and drawing
        ids, the styles it needs and its own lists."""
        refs: list[tuple[str, str, bool, bytes | None]] = []
        index: dict[str, int] = {}
        out = []
        for el in self._elements:
            el = _copy(el)
            for node in el.iter():
                for attr in _REL_ATTRS:
                    rid = node.get(attr)
                    if rid is None:
                        continue
                    if rid not in index:
                        rtype, target, external = self._rels[rid]
                        blob = None
                        if rtype == REL_IMAGE and not external:
                            blob = self._files.get(
                                "word/" + target.lstrip("/").removeprefix("word/")
                            )
                            if blob is None:
                                raise ObjectError(f"{self.name} 已损坏：缺少图片 {target}")
                        index[rid] = len(refs)
                        refs.append((rtype, target, external, blob))
                    node.set(attr, f"__sk_subrel_{index[rid]}__")
                if node.tag == _WP_DOCPR:
                    node.set("id", _DOCPR)
            out.append(etree.tostring(el, encoding="unicode"))
        body = "".join(out)
        styles: dict[str, bytes] = {}
        new_styles = self._add_styles(styles, body)
        lists: dict[str, tuple[bytes, bytes]] = {}
        body = self._add_numbering(lists, styles, body, new_styles)
        return body, refs, styles, lists

    def _add_numbering(
        self, lists: dict, styles: dict[str, bytes], body: str, new_styles: list[str]
    ) -> str:
        """Give the lists the body (and the styles it brings) uses their own definitions in
        the output: each ``w:numId`` becomes a placeholder the package resolves to a new id."""
        blob = self._files.get("word/numbering.xml")
        texts = [body] + [styles[sid].decode() for sid in new_styles]
        used = {n for t in texts for n in _NUM_ID.findall(t)} - {"0"}
        if not blob or not used:
            return body
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        root = etree.fromstring(blob, parser)
        nums = {n.get(f"{_W}numId"): n for n in root.iter(f"{_W}num")}
        abstracts = {a.get(f"{_W}abstractNumId"): a for a in root.iter(f"{_W}abstractNum")}
        for num_id in sorted(used):
            num = nums.get(num_id)
            ref = num.find(f"{_W}abstractNumId") if num is not None else None
            abstract = abstracts.get(ref.get(f"{_W}val")) if ref is not None else None
            if abstract is None:
                continue  # a list id the sub-document does not define: left as it is
            ph = f"__sk_num_{id(self)}_{num_id}__"
            lists[ph] = (etree.tostring(num), etree.tostring(abstract))
            old = f'<w:numId w:val="{num_id}"/>'
            body = body.replace(old, f'<w:numId w:val="{ph}"/>')
            for sid in new_styles:
                styles[sid] = styles[sid].replace(old.encode(), f'<w:numId w:val="{ph}"/>'.encode())
        return body

    def _add_styles(self, found: dict[str, bytes], xml: str) -> list[str]:
        """Register the styles ``xml`` uses (and those they are based on); returns the ids
        newly registered."""
        blob = self._files.get("word/styles.xml")
        if not blob:
            return []
        used = set(re.findall(r'<w:(?:pStyle|rStyle|tblStyle) w:val="([^"]+)"', xml))
        if not used:
            return []
        added: list[str] = []
        root = etree.fromstring(blob, etree.XMLParser(resolve_entities=False, no_network=True))
        styles = {s.get(f"{_W}styleId"): s for s in root.iter(f"{_W}style")}
        todo = list(used)
        while todo:  # styles a used style is based on come along
            sid = todo.pop()
            style = styles.get(sid)
            if style is None or sid in found:
                continue
            found[sid] = etree.tostring(style)
            added.append(sid)
            for ref in ("basedOn", "link", "next"):
                el = style.find(f"{_W}{ref}")
                if el is not None and el.get(f"{_W}val") not in found:
                    todo.append(el.get(f"{_W}val"))
        return added

    def __html__(self) -> str:
        raise ObjectError("附件文档（Subdoc）要用 {{p 变量}} 单独占一段")

    def __str__(self) -> str:
        return f"[附件文档 {self.name}]"


def _copy(el: etree._Element) -> etree._Element:
    import copy

    return copy.deepcopy(el)


# -- {{r }} and {{p }} -----------------------------------------------------------------------
def as_runs(value: Any, rpr: str = "") -> Markup:
    """What ``{{r value }}`` prints: runs (the template run's formatting for plain text)."""
    if isinstance(value, RichText):
        return Markup(value.runs_xml())
    if isinstance(value, InlineImage):
        return Markup(value.run_xml())
    if isinstance(value, (Subdoc, RichTextParagraph)):
        value.__html__()  # raises the message
    if value is None:
        return Markup("")
    text = value.text if isinstance(value, Listing) else str(value)
    return Markup(_run(text, rpr))


def as_paragraphs(value: Any, ppr: str = "", rpr: str = "") -> Markup:
    """What ``{{p value }}`` prints: whole paragraphs or tables in place of its paragraph."""
    if isinstance(value, Subdoc):
        return Markup(value.body_xml())
    if isinstance(value, RichTextParagraph):
        return Markup(value.paragraphs_xml(ppr))
    if value is None:
        return Markup("")
    return Markup(f"<w:p>{ppr}{as_runs(value, rpr)}</w:p>")


def is_rich(value: Any) -> bool:
    """True for the objects of this module."""
    return isinstance(value, (RichText, RichTextParagraph, Listing, InlineImage, Subdoc))


# -- the same objects written in a data file ---------------------------------------------------
_UNITS = {"mm": Mm, "cm": Cm, "pt": Pt}
_RICH_KEYS = {
    "style", "color", "highlight", "size", "subscript", "superscript", "bold", "italic",
    "underline", "strike", "font", "url", "lang",
}  # fmt: skip


def from_data(data: Any, folder: str | Path, shown: str) -> Any:
    """Turn the object forms of a YAML/JSON data file into objects, recursively:

    ``{"$image": "照片/张三.jpg", "width_mm": 25}`` (also ``height_mm``, ``_cm``, ``_pt``),
    ``{"$docx": "附件.docx"}`` and ``{"$text": "紧急", "bold": true, "color": "C00000"}``.
    Paths are relative to ``folder`` (the data file's) and must stay inside it. Raises
    :class:`~speechkit.errors.InputFileError` naming the file and the key.
    """
    base = Path(folder).resolve()
    return _walk(data, base, shown, "")


def _walk(value: Any, base: Path, shown: str, where: str) -> Any:
    if isinstance(value, dict):
        if any(isinstance(k, str) and k.startswith("$") for k in value):
            return _object(value, base, shown, where)
        return {
            k: _walk(v, base, shown, f"{where}.{k}" if where else str(k)) for k, v in value.items()
        }
    if isinstance(value, list):
        return [_walk(v, base, shown, f"{where}[{i}]") for i, v in enumerate(value)]
    return value


def _fail(shown: str, where: str, message: str) -> Exception:
    from speechkit.errors import InputFileError, Location

    return InputFileError(f"{where}：{message}" if where else message, Location(file=shown))


def _object(spec: dict, base: Path, shown: str, where: str) -> Any:
    kinds = [k for k in ("$image", "$docx", "$text") if k in spec]
    others = [k for k in spec if isinstance(k, str) and k.startswith("$") and k not in kinds]
    if len(kinds) != 1 or others:
        raise _fail(
            shown, where, '对象要写成 {"$image": 路径}、{"$docx": 路径} 或 {"$text": 文字} 之一'
        )
    kind = kinds[0]
    try:
        if kind == "$text":
            bad = sorted(set(spec) - _RICH_KEYS - {"$text"})
            if bad:
                raise ObjectError(
                    f"不认识的格式 {'、'.join(map(str, bad))}（可用 {'、'.join(sorted(_RICH_KEYS))}）"
                )
            props = {k: v for k, v in spec.items() if k != "$text"}
            url = props.pop("url", None)
            return RichText(str(spec["$text"]), url_id=url, **props)
        path = _inside(spec[kind], base, shown, where)
        if kind == "$docx":
            if set(spec) != {"$docx"}:
                raise ObjectError("$docx 只能写路径")
            return Subdoc(path, shown=str(spec[kind]))
        sizes: dict[str, Any] = {}
        for key, val in spec.items():
            if key == "$image":
                continue
            axis, _, unit = str(key).partition("_")
            if axis not in ("width", "height") or unit not in _UNITS:
                raise ObjectError(
                    f"不认识的键“{key}”（可用 width_mm、height_mm、width_cm、height_cm、width_pt、height_pt）"
                )
            if isinstance(val, bool) or not isinstance(val, (int, float)) or val <= 0:
                raise ObjectError(f"{key} 应为正数，却是“{val}”")
            sizes[axis] = _UNITS[unit](val)
        return InlineImage(path, width=sizes.get("width"), height=sizes.get("height"))
    except ObjectError as exc:
        raise _fail(shown, where, str(exc)) from None


def _inside(raw: Any, base: Path, shown: str, where: str) -> Path:
    if not isinstance(raw, str) or not raw.strip():
        raise _fail(shown, where, "路径应为文字，如 照片/张三.jpg")
    rel = Path(raw)
    if rel.is_absolute():
        raise _fail(shown, where, f"“{raw}”是绝对路径：只能引用数据文件所在文件夹里的文件")
    path = (base / rel).resolve()
    if not path.is_relative_to(base):
        raise _fail(shown, where, f"“{raw}”在数据文件所在的文件夹之外：只能引用这个文件夹里的文件")
    if not path.is_file():
        raise _fail(shown, where, f"找不到文件“{raw}”（相对于数据文件所在的文件夹）")
    return path
