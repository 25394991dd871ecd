"""Build ``strokes.bin``, the stroke-count table used by ``speechkit.filters.stroke_sort``.

Source: Unicode Unihan ``kTotalStrokes`` (in ``Unihan_IRGSources.txt``; Debian ships it in the
``unicode-data`` package as ``/usr/share/unicode/Unihan_IRGSources.txt.bz2``). When a character
has two values (mainland and Taiwan forms), the first one, the mainland (G) count, is kept.

The table covers U+3400..U+9FFF (CJK Extension A and the Unified Ideographs block): one byte per
code point, 0 when Unihan has no value. Run::

    python src/speechkit/data/build_strokes.py /usr/share/unicode/Unihan_IRGSources.txt.bz2

The runtime only reads the committed ``strokes.bin``; it never needs the Debian package.
"""

from __future__ import annotations

import bz2
import sys
from pathlib import Path

FIRST = 0x3400
LAST = 0x9FFF


def build(source: Path) -> bytes:
    """Return the table bytes built from a Unihan IRG sources file (plain or .bz2)."""
    opener = bz2.open if source.suffix == ".bz2" else open
    table = bytearray(LAST - FIRST + 1)
    with opener(source, "rt", encoding="utf-8") as fh:
        for line in fh:
            if not line.startswith("U+"):
                continue
            code, field, value = line.rstrip("\n").split("\t")
            if field != "kTotalStrokes":
                continue
            cp = int(code[2:], 16)
            if FIRST <= cp <= LAST:
                table[cp - FIRST] = min(int(value.split()[0]), 255)
    return bytes(table)


def main(argv: list[str]) -> None:
    """Write strokes.bin beside this script from the Unihan file named in ``argv``."""
    data = build(Path(argv[1]))
    out = Path(__file__).with_name("strokes.bin")
    out.write_bytes(data)
    print(f"{out}: {sum(1 for b in data if b)} characters")


if __name__ == "__main__":
    main(sys.argv)
