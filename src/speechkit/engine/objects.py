"""Rich values a context may hold, with docxtpl's names: RichText, RichTextParagraph, Listing,
InlineImage, Subdoc.

Each object knows the WordprocessingML it stands for. Where it needs more than its own XML (an
image file, a hyperlink's target, a sub-document's styles), it registers that with the render in
progress (:class:`Additions`), and the engine adds the parts and relationships to the output
package after rendering the part (see ``Template.render``). Nothing here touches the template.

::

    RichText("紧急", bold=True, color="C00000")      # {{r rt }} or {{ rt }}
    InlineImage(tpl, "照片/张三.jpg", width=Mm(25))  # {{ photo }}
    Subdoc("附件1.docx")                              # {{p appendix }} (engine.subdoc)
"""

from __future__ import annotations

import functools
import hashlib
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docx.shared import Cm, Emu, Inches, Mm, Pt  # noqa: F401  (re-exported)
from markupsafe import Markup, escape

from speechkit.filters import PARAGRAPH_BREAK

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL_IMAGE = R_NS + "/image"
REL_HYPERLINK = R_NS + "/hyperlink"
_XML_ILLEGAL = re.compile("[\x00-\x06\x08\x0b\x0e-\x1f\ufffe\uffff]")  # \a and \f are ours
HEX_COLOR = re.compile(r"#?([0-9A-Fa-f]{6})")  # FF0000 or #FF0000: text, highlight, cell
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
    "BlockObject",
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


class BlockObject:
    """A value that stands for whole paragraphs or tables (printed with ``{{p }}`` only)."""

    def block_xml(self, ppr: str = "") -> str:
        """The block elements (``ppr``: the template paragraph's properties)."""
        raise NotImplementedError

    def __html__(self) -> str:
        raise ObjectError(f"{type(self).__name__} 要用 {{{{p 变量}}}} 单独占一段")


# -- text and runs ---------------------------------------------------------------------------
def _color(value: Any, what: str) -> str:
    m = HEX_COLOR.fullmatch(str(value).strip())
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
                run = f'<w:hyperlink xmlns:r="{R_NS}" r:id="{rid}">{run}</w:hyperlink>'
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


class RichTextParagraph(BlockObject):
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

    def block_xml(self, ppr: str = "") -> str:
        """See :meth:`paragraphs_xml`."""
        return self.paragraphs_xml(ppr)

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
        f'<pic:blipFill><a:blip xmlns:r="{R_NS}" r:embed="{rid}"/>'
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


# -- {{r }} and {{p }} -----------------------------------------------------------------------
def as_runs(value: Any, rpr: str = "") -> Markup:
    """What ``{{r value }}`` prints: runs (the template run's formatting for plain text)."""
    if isinstance(value, RichText):
        return Markup(value.runs_xml())
    if isinstance(value, InlineImage):
        return Markup(value.run_xml())
    if isinstance(value, BlockObject):
        value.__html__()  # raises the message
    if value is None:
        return Markup("")
    text = value.text if isinstance(value, Listing) else str(value)
    return Markup(_run(text, rpr))


def as_paragraphs(value: Any, ppr: str = "", rpr: str = "") -> Markup:
    """What ``{{p value }}`` prints: whole paragraphs or tables in place of its paragraph."""
    if isinstance(value, BlockObject):
        return Markup(value.block_xml(ppr))
    if value is None:
        return Markup("")
    return Markup(f"<w:p>{ppr}{as_runs(value, rpr)}</w:p>")
