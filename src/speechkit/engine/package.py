"""Reading a .docx package once and writing rendered packages fast.

Parts that rendering does not change are compressed once, at compile time, and their
compressed bytes are copied into every output as they are; only the rendered parts are
compressed per render. The writer emits a plain ZIP (no ZIP64: a .docx is far below 4 GiB).
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from dataclasses import dataclass

_LOCAL = struct.Struct("<4s5H3L2H")
_CENTRAL = struct.Struct("<4s6H3L5H2L")
_END = struct.Struct("<4s4H2LH")
_UTF8_FLAG = 0x800


@dataclass(frozen=True)
class Entry:
    """One stored member: name, method, CRC, sizes and the bytes as written in the zip."""

    name: str
    method: int
    crc: int
    size: int
    payload: bytes
    dostime: int
    dosdate: int


def _dos_time(date_time: tuple[int, ...]) -> tuple[int, int]:
    year, month, day, hour, minute, second = date_time
    year = max(year, 1980)
    return (hour << 11) | (minute << 5) | (second // 2), ((year - 1980) << 9) | (month << 5) | day


def make_entry(name: str, data: bytes, date_time=(1980, 1, 1, 0, 0, 0), level: int = 6) -> Entry:
    """Compress ``data`` for member ``name`` (media already compressed is stored)."""
    crc = zlib.crc32(data)
    if name.lower().endswith((".png", ".jpg", ".jpeg", ".gif", ".zip")) or not data:
        method, payload = zipfile.ZIP_STORED, data
    else:
        comp = zlib.compressobj(level, zlib.DEFLATED, -15)
        payload = comp.compress(data) + comp.flush()
        method = zipfile.ZIP_DEFLATED
    t, d = _dos_time(date_time)
    return Entry(name, method, crc, len(data), payload, t, d)


def entry_data(entry: Entry) -> bytes:
    """The uncompressed bytes of ``entry``."""
    if entry.method == zipfile.ZIP_DEFLATED:
        return zlib.decompress(entry.payload, -15)
    return entry.payload


def write_zip(entries: list[Entry]) -> bytes:
    """Return the bytes of a zip holding ``entries`` in order."""
    chunks: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for e in entries:
        name = e.name.encode("utf-8")
        flags = _UTF8_FLAG if not e.name.isascii() else 0
        header = _LOCAL.pack(
            b"PK\x03\x04", 20, flags, e.method, e.dostime, e.dosdate,
            e.crc, len(e.payload), e.size, len(name), 0,
        )  # fmt: skip
        chunks += (header, name, e.payload)
        central.append(
            _CENTRAL.pack(
                b"PK\x01\x02",
                20,
                20,
                flags,
                e.method,
                e.dostime,
                e.dosdate,
                e.crc,
                len(e.payload),
                e.size,
                len(name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )  # fmt: skip
            + name
        )
        offset += len(header) + len(name) + len(e.payload)
    cd = b"".join(central)
    end = _END.pack(b"PK\x05\x06", 0, 0, len(entries), len(entries), len(cd), offset, 0)
    return b"".join(chunks) + cd + end


def read_package(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]]:
    """Members of a zip in order with their uncompressed bytes (raises zipfile errors)."""
    import io

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [(info, zf.read(info)) for info in zf.infolist() if not info.is_dir()]


_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_REL_NUMBERING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering"
_CT_NUMBERING = "application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"
_W_STYLE = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}style"
_W_STYLE_ID = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}styleId"


_MEDIA: dict[str, Entry] = {}


def _media_entry(name: str, blob: bytes) -> Entry:
    """The stored entry of a media file; names are content-addressed, so entries are reused."""
    entry = _MEDIA.get(name)
    if entry is None or entry.size != len(blob):
        if len(_MEDIA) > 256:
            _MEDIA.clear()
        entry = _MEDIA[name] = make_entry(name, blob)
    return entry


def rels_name(part: str) -> str:
    """``word/document.xml`` → ``word/_rels/document.xml.rels``."""
    folder, _, base = part.rpartition("/")
    return f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels"


class PackageChanges:
    """What one render adds to the package: relationships of rendered parts, media files,
    content types and styles brought by images, hyperlinks and sub-documents."""

    def __init__(self, originals: dict[str, bytes], cache: dict | None = None) -> None:
        self._originals = originals
        # parts built from the same additions are the same bytes: kept across renders
        self._cache = cache if cache is not None else {}
        if len(self._cache) > 512:
            self._cache.clear()
        self._rels: dict[str, list] = {}
        self.media: dict[str, bytes] = {}
        self.content_types: dict[str, str] = {}
        self.styles: dict[str, bytes] = {}
        self.drawings = 0
        self.changed = False
        self._numbering = None  # the output's numbering.xml tree, once lists are added
        self._num_ids: dict[str, tuple[str, str]] = {}  # placeholder → (numId, abstractNumId)
        self._new_numbering = False

    def add(self, part: str, adds, xml: str) -> str:
        """Record ``adds`` (an :class:`~speechkit.engine.objects.Additions`) of ``part`` and
        return its XML with the relationship placeholders replaced by real ids."""
        import re

        self.changed = True
        self.drawings = adds.next_id
        self._rels[part] = list(adds.rels)
        self.media.update(adds.media)
        self.content_types.update(adds.content_types)
        styles = dict(adds.styles)
        if adds.numbering:
            self._add_lists(adds.numbering)
            for ph, (num_id, _) in self._num_ids.items():
                xml = xml.replace(ph, num_id)
                styles = {k: v.replace(ph.encode(), num_id.encode()) for k, v in styles.items()}
        for sid, style in styles.items():
            self.styles.setdefault(sid, style)
        return re.sub(r"__sk_rel_(\d+)__", r"rIdSk\1", xml)

    def _add_lists(self, lists: dict[str, tuple[bytes, bytes]]) -> None:
        """Copy list definitions into the output's numbering.xml under new ids."""
        from lxml import etree

        w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
        if self._numbering is None:
            parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
            blob = self._originals.get("word/numbering.xml")
            if blob:
                self._numbering = etree.fromstring(blob, parser)
            else:
                self._numbering = etree.Element(f"{w}numbering", nsmap={"w": w[1:-1]})
                self._new_numbering = True
        root = self._numbering
        for ph, (num_xml, abstract_xml) in lists.items():
            if ph in self._num_ids:
                continue
            nums = [int(n.get(f"{w}numId", "0") or 0) for n in root.iter(f"{w}num")]
            abstracts = root.findall(f"{w}abstractNum")
            abs_ids = [int(a.get(f"{w}abstractNumId", "0") or 0) for a in abstracts]
            num_id, abs_id = str(max(nums, default=0) + 1), str(max(abs_ids, default=-1) + 1)
            abstract = etree.fromstring(abstract_xml)
            abstract.set(f"{w}abstractNumId", abs_id)
            nsid = abstract.find(f"{w}nsid")
            if nsid is not None:  # Word joins lists that share an nsid
                nsid.set(f"{w}val", f"5C{int(abs_id):06X}")
            if abstracts:
                abstracts[-1].addnext(abstract)
            else:
                root.insert(0, abstract)
            num = etree.fromstring(num_xml)
            num.set(f"{w}numId", num_id)
            num.find(f"{w}abstractNumId").set(f"{w}val", abs_id)
            root.append(num)
            self._num_ids[ph] = (num_id, abs_id)

    def apply(self, entries: list[Entry]) -> list[Entry]:
        """``entries`` with the changed parts replaced and the new ones appended."""
        changed: dict[str, bytes] = {}
        if self._new_numbering:
            self.content_types.setdefault("__numbering__", "")
        for part, rels in self._rels.items():
            if rels:
                name = rels_name(part)
                changed[name] = self._cached(
                    ("rels", name, tuple(rels)), self._relationships, name, rels
                )
        if self.content_types:
            key = ("types", tuple(sorted(self.content_types.items())))
            changed["[Content_Types].xml"] = self._cached(key, self._types)
        if self.styles and "word/styles.xml" in self._originals:
            key = ("styles", tuple(sorted(self.styles.items())))
            changed["word/styles.xml"] = self._cached(key, self._merged_styles)
        if self._numbering is not None:
            from lxml import etree

            changed["word/numbering.xml"] = etree.tostring(
                self._numbering, xml_declaration=True, encoding="UTF-8", standalone=True
            )
            if self._new_numbering:
                rels = self._rels.setdefault("word/document.xml", [])
                rels.append((_REL_NUMBERING, "numbering.xml", False))
                changed[rels_name("word/document.xml")] = self._relationships(
                    rels_name("word/document.xml"), rels
                )
        out = []
        for e in entries:
            if e.name in changed:
                out.append(make_entry(e.name, changed.pop(e.name), level=1))
            else:
                out.append(e)
        out += [make_entry(n, b, level=1) for n, b in changed.items()]
        out += [_media_entry(n, b) for n, b in sorted(self.media.items())]
        return out

    def _cached(self, key: tuple, build, *args) -> bytes:
        data = self._cache.get(key)
        if data is None:
            data = self._cache[key] = build(*args)
        return data

    def _relationships(self, name: str, rels: list) -> bytes:
        from lxml import etree

        blob = self._originals.get(name)
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        root = (
            etree.fromstring(blob, parser)
            if blob
            else etree.Element(f"{{{_PKG_REL}}}Relationships", nsmap={None: _PKG_REL})
        )
        for i, (rtype, target, external) in enumerate(rels):
            el = etree.SubElement(root, f"{{{_PKG_REL}}}Relationship")
            el.set("Id", f"rIdSk{i}")
            el.set("Type", rtype)
            el.set("Target", target)
            if external:
                el.set("TargetMode", "External")
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    def _types(self) -> bytes:
        from lxml import etree

        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        root = etree.fromstring(self._originals["[Content_Types].xml"], parser)
        known = {(d.get("Extension") or "").lower() for d in root.iter(f"{{{_CT}}}Default")}
        for ext, ctype in sorted(self.content_types.items()):
            if ext == "__numbering__":
                el = etree.Element(
                    f"{{{_CT}}}Override", PartName="/word/numbering.xml", ContentType=_CT_NUMBERING
                )
                root.append(el)
                continue
            if ext.lower() not in known:
                el = etree.Element(f"{{{_CT}}}Default", Extension=ext, ContentType=ctype)
                root.insert(0, el)
        if "rels" not in known:
            el = etree.Element(
                f"{{{_CT}}}Default",
                Extension="rels",
                ContentType="application/vnd.openxmlformats-package.relationships+xml",
            )
            root.insert(0, el)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    def _merged_styles(self) -> bytes:
        from lxml import etree

        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
        root = etree.fromstring(self._originals["word/styles.xml"], parser)
        have = {s.get(_W_STYLE_ID) for s in root.iter(_W_STYLE)}
        for sid, blob in self.styles.items():
            if sid not in have:
                root.append(etree.fromstring(blob, parser))
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
