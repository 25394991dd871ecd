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
