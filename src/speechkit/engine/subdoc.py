"""``Subdoc``: another .docx's body inserted in place of a paragraph, with what it needs.

Its paragraphs and tables are copied with their pictures (stored once by content), hyperlinks,
the styles they use that the template lacks, and their own list definitions (copied under new
ids). The body is prepared once per object; each render only assigns relationship, drawing and
list ids (see :class:`~speechkit.engine.objects.Additions`).
"""

from __future__ import annotations

import copy
import io
import re
import zipfile
from pathlib import Path
from typing import Any

from lxml import etree

from speechkit.engine.objects import (
    R_NS,
    REL_HYPERLINK,
    REL_IMAGE,
    BlockObject,
    ObjectError,
    W,
    _additions,
)

_W = f"{{{W}}}"
_REL_ATTRS = (f"{{{R_NS}}}embed", f"{{{R_NS}}}id", f"{{{R_NS}}}link")
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


class Subdoc(BlockObject):
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
                self._files = {i.filename: zf.read(i) for i in wanted}
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
                    if rid is None:
                        continue
                    if rid not in self._rels:
                        raise ObjectError(f"{name} 已损坏：引用了不存在的关系 {rid}")
                    if self._rels[rid][0] not in (REL_IMAGE, REL_HYPERLINK):
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

    def block_xml(self, ppr: str = "") -> str:
        """See :meth:`body_xml`."""
        return self.body_xml()

    def __html__(self) -> str:
        raise ObjectError("附件文档（Subdoc）要用 {{p 变量}} 单独占一段")

    def __str__(self) -> str:
        return f"[附件文档 {self.name}]"


def _copy(el: etree._Element) -> etree._Element:
    return copy.deepcopy(el)
