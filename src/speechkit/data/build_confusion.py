"""Build the data of the typo detectors (``speechkit.check.confusion``).

Outputs, next to this script:

- ``pinyin.tsv`` — toneless readings of U+3400..U+9FFF, one line per syllable:
  ``syllable<TAB>characters``; a character with several readings is on several lines. Source:
  pypinyin (MIT; its tables come from the pinyin-data project, MIT), ``Style.NORMAL``,
  ``heteronym=True``.
- ``idioms.txt`` — four-character fixed phrases of jieba's dictionary (MIT) tagged ``i`` (成语) or
  ``l`` (习用语) with a frequency of at least ``MIN_FREQ``, one per line.
- ``shape_alike.txt`` — copied unchanged from pycorrector's ``data/same_stroke.txt``
  (Apache-2.0, https://github.com/shibing624/pycorrector): groups of characters of similar shape.

``official_phrases.txt`` and ``shape_alike_extra.txt`` are written by hand and not generated.
Run (pypinyin and jieba installed; pycorrector's wheel unpacked somewhere)::

    python src/speechkit/data/build_confusion.py /path/to/pycorrector/data/same_stroke.txt

The runtime reads only the committed outputs; it never imports pypinyin or pycorrector.
"""

from __future__ import annotations

import shutil
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
MIN_FREQ = 5


def build_pinyin() -> str:
    """The ``pinyin.tsv`` text."""
    from pypinyin import Style, pinyin

    by_syllable: dict[str, list[str]] = defaultdict(list)
    for cp in range(0x3400, 0xA000):
        ch = chr(cp)
        readings = pinyin(ch, style=Style.NORMAL, heteronym=True, errors="ignore")
        if not readings:
            continue
        for syl in dict.fromkeys(readings[0]):
            if syl and syl.isascii() and syl.isalpha():
                by_syllable[syl].append(ch)
    return "".join(f"{s}\t{''.join(chars)}\n" for s, chars in sorted(by_syllable.items()))


def build_idioms() -> str:
    """The ``idioms.txt`` text."""
    import jieba

    source = Path(jieba.__file__).resolve().parent / "dict.txt"
    out = []
    with open(source, encoding="utf-8") as fh:
        for line in fh:
            word, freq, tag = line.split()
            if (
                len(word) == 4
                and tag in ("i", "l")
                and int(freq) >= MIN_FREQ
                and all("\u4e00" <= ch <= "\u9fff" for ch in word)
            ):
                out.append(word)
    return "".join(w + "\n" for w in sorted(set(out)))


def main(argv: list[str]) -> None:
    """Write the outputs; ``argv[0]`` is pycorrector's ``same_stroke.txt``."""
    (HERE / "pinyin.tsv").write_text(build_pinyin(), encoding="utf-8")
    (HERE / "idioms.txt").write_text(build_idioms(), encoding="utf-8")
    if argv:
        shutil.copyfile(argv[0], HERE / "shape_alike.txt")


if __name__ == "__main__":
    main(sys.argv[1:])
