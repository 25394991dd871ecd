"""Read documents to check: .docx (every part), .txt and .md, as :class:`Block` paragraphs."""

from __future__ import annotations

import re
from pathlib import Path

from speechkit.check.model import Block, Document
from speechkit.docx import WORD_SUFFIXES
from speechkit.errors import InputFileError, Location, describe_os_error, display_path

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

SUPPORTED = (*WORD_SUFFIXES, ".txt", ".md")
CONVERTIBLE = (".doc", ".wps", ".rtf", ".odt")
"""Read through a temporary .docx made by LibreOffice (:mod:`speechkit.typeset.convert`)."""
MAX_TEXT_BYTES = 16 * 1024 * 1024
"""Largest .txt/.md file read for checking (bytes on disk)."""
MAX_CHARS = 2_000_000
"""Most characters of text one document may have to be checked (.txt, .md and .docx)."""
_MD_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")


def expand_paths(paths) -> list[Path]:
    """Files to check: files as given, folders expanded to their .docx/.txt/.md files (recursive,
    sorted; hidden files and Word's ``~$`` lock files skipped). Raises for an empty folder."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = sorted(
                f
                for f in p.rglob("*")
                if f.is_file()
                and f.suffix.lower() in SUPPORTED
                and not f.name.startswith(("~$", "."))
                and not any(part.startswith(".") for part in f.relative_to(p).parts[:-1])
            )
            if not found:
                raise InputFileError(
                    "文件夹里没有可检查的文件（.docx、.txt、.md）。", Location(file=display_path(p))
                )
            out.extend(found)
        else:
            out.append(p)
    return out


def read_document(path: str | Path) -> Document:
    """Read ``path`` into paragraphs; raise :class:`InputFileError` (Chinese, located) if unusable."""
    p = Path(path)
    shown = display_path(p)
    suffix = p.suffix.lower()
    if suffix in CONVERTIBLE and p.is_file():
        return _read_converted(p, shown)
    if suffix not in SUPPORTED:
        hint = "，请在 Word/WPS 中另存为 .docx" if suffix in (".doc", ".wps", ".rtf") else ""
        raise InputFileError(
            f"不支持的文件类型“{suffix or '无扩展名'}”：只能检查 Word 文档（.docx、.dotx、.docm）、.txt 和 .md{hint}。",
            Location(file=shown),
        )
    if not p.exists():
        raise InputFileError("文件不存在。", Location(file=shown))
    if p.is_dir():
        raise InputFileError("这是文件夹，不是文件。", Location(file=shown))
    try:
        if suffix not in WORD_SUFFIXES and p.stat().st_size > MAX_TEXT_BYTES:
            raise InputFileError(
                f"文件过大（{p.stat().st_size / 1048576:.1f} MB），超过检查上限 "
                f"{MAX_TEXT_BYTES // 1048576} MB；请拆分后分别检查。",
                Location(file=shown),
            )
        data = p.read_bytes()
    except OSError as exc:
        raise InputFileError(
            f"无法读取文件：{describe_os_error(exc)}。", Location(file=shown)
        ) from exc
    if suffix in WORD_SUFFIXES:
        doc = Document(str(path), "docx", docx_blocks(data, shown))
    else:
        text = decode_text(data, shown)
        doc = Document(str(path), suffix[1:], text_blocks(text, markdown=suffix == ".md"))
    ensure_checkable(doc, shown)
    return doc


def _read_converted(p: Path, shown: str) -> Document:
    """A .doc/.wps/.rtf/.odt read through a temporary .docx made by LibreOffice."""
    import tempfile

    from speechkit.typeset.convert import convert_to_docx

    with tempfile.TemporaryDirectory(prefix="speechkit-check-") as tmp:
        data = convert_to_docx(p, tmp).read_bytes()
    doc = Document(str(p), "docx", docx_blocks(data, shown))
    ensure_checkable(doc, shown)
    return doc


def ensure_checkable(doc: Document, shown: str | None = None) -> None:
    """Refuse a document longer than :data:`MAX_CHARS` with a Chinese message (checking time
    and memory grow with the text; a longer document should be split)."""
    total = sum(len(b.text) for b in doc.blocks)
    if total > MAX_CHARS:
        raise InputFileError(
            f"文档过长：共 {total:,} 个字符，超过检查上限 {MAX_CHARS:,} 个字符；请拆分后分别检查。",
            Location(file=shown or display_path(Path(doc.path))),
        )


def decode_text(data: bytes, shown: str) -> str:
    """Decode a text file: UTF-16 (with a byte-order mark, or plainly so without one), UTF-8
    (BOM allowed), else GB18030; binary content is refused."""
    utf16 = _utf16_codec(data)
    if utf16 is not None:
        try:
            return data.decode(utf16).removeprefix("\ufeff")
        except UnicodeDecodeError:
            raise InputFileError(
                "文件看起来是 UTF-16 编码，但内容不完整或已损坏，请另存为 UTF-8。",
                Location(file=shown),
            ) from None
    if b"\x00" in data[:8192]:
        raise InputFileError("不是文本文件（含二进制内容）。", Location(file=shown))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            before = data[: exc.start]
            line = before.count(b"\n") + 1
            col = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
            raise InputFileError(
                "无法识别文件编码（既不是 UTF-8 也不是 GB18030），请另存为 UTF-8。",
                Location(file=shown, line=line, column=col),
            ) from None


def _utf16_codec(data: bytes) -> str | None:
    """ "utf-16" for text with a UTF-16 byte-order mark; "utf-16-le"/"-be" for BOM-less text
    whose every other byte is zero where ASCII would be (as Notepad's “Unicode” writes)."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "utf-16"
    head = data[:4096]
    if len(head) < 4 or len(head) % 2:
        return None
    even, odd = head[0::2], head[1::2]
    codec = None
    if even.count(0) == 0 and odd.count(0) * 2 >= len(odd):
        codec = "utf-16-le"
    elif odd.count(0) == 0 and even.count(0) * 2 >= len(even):
        codec = "utf-16-be"
    if codec is None:
        return None
    sample = head.decode(codec, "replace")
    if any(ch < " " and ch not in "\t\n\r\f" for ch in sample):
        return None
    return codec


def text_blocks(text: str, markdown: bool = False) -> list[Block]:
    """One block per line (1-based line numbers). Web addresses are not checked; in Markdown
    neither are code (fenced blocks and inline code spans) nor emphasis markers."""
    blocks = []
    fence: str | None = None
    for i, line in enumerate(text.split("\n"), start=1):
        if line.endswith("\r"):
            line = line[:-1]
        scan = _URL.sub(_blank, line)
        if markdown:
            m = _FENCE.match(line)
            if fence is not None or m:
                if fence is None:
                    fence = m.group(1)[0] * 3
                elif line.strip().startswith(fence):
                    fence = None
                scan = MASK * len(line)
            else:
                scan = mask_markdown(_CODE_SPAN.sub(_blank, scan))
        blocks.append(Block("body", i, line, scan if scan != line else None))
    return blocks


_URL = re.compile(
    r"(?:https?|ftp)://[^\s<>\"'“”（）]+|www\.[A-Za-z0-9.-]+\.[A-Za-z]{2,}[^\s<>\"'“”（）]*"
)
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_CODE_SPAN = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)")


# Masked text becomes WORD JOINER: neither a space, a Chinese character nor punctuation, so
# no rule matches on or next to it because of the mask.
MASK = "\u2060"


def _blank(m: re.Match) -> str:
    return MASK * (m.end() - m.start())


def mask_markdown(line: str) -> str:
    """Replace paired ``**``/``__`` emphasis markers by :data:`MASK` (same length, offsets kept).

    As in CommonMark, ``**重点**`` is emphasis even between Chinese characters; an unpaired
    ``**`` (a placeholder such as ``**市委``) is left for the rules."""

    def repl(m: re.Match) -> str:
        marker = m.group(1)
        return MASK * len(marker) + m.group(2) + MASK * len(marker)

    return _MD_EMPHASIS.sub(repl, line)


def docx_blocks(data: bytes, shown: str) -> list[Block]:
    """Paragraphs of every checked part of a .docx given as bytes (see :mod:`docxparts`)."""
    from speechkit.check import docxparts
    from speechkit.docx.package import open_docx_bytes

    package = open_docx_bytes(data, shown)  # plain-Chinese, bounded: anything not a .docx
    parts = docxparts.checked_parts(package)
    if parts[0].root.tag != f"{{{docxparts.W}}}document":
        raise InputFileError(
            "不是常规的 Word 文档（可能是“Strict Open XML”格式），请在 Word/WPS 中另存为 .docx。",
            Location(file=shown),
        )
    # most documents have no content control showing its prompt: then no paragraph has spans
    prompts = any(next(pt.root.iter(_W_SHOWING_TAG), None) is not None for pt in parts)
    out = []
    for part, index, p, address in docxparts.iter_part_paragraphs(parts):
        text = docxparts.paragraph_text(p)
        spans = placeholder_spans(p, len(text)) if prompts else ()
        out.append(Block(part, index, text, address=address, placeholders=spans))
    return out


_W_SDT = f"{{{W_NS}}}sdt"
_W_SHOWING = f"{{{W_NS}}}sdtPr/{{{W_NS}}}showingPlcHdr"
_W_SHOWING_TAG = f"{{{W_NS}}}showingPlcHdr"


def _showing_prompt(sdt) -> bool:
    return sdt.find(_W_SHOWING) is not None


def placeholder_spans(p, length: int) -> tuple[tuple[int, int], ...]:
    """Spans of paragraph ``p`` inside content controls that still show their prompt text
    (``w:sdt`` with ``w:showingPlcHdr``): the whole paragraph for a block-level control, the
    control's runs for an inline one."""
    from speechkit.check import docxparts

    anc = p.getparent()
    while anc is not None:
        if anc.tag == _W_SDT and _showing_prompt(anc):
            return ((0, length),) if length else ()
        anc = anc.getparent()
    spans: list[tuple[int, int]] = []
    pos = 0
    for r in docxparts.paragraph_runs(p):
        n = sum(docxparts.run_piece_length(c) for c in r)
        if n and _inside_prompt(r, p):
            if spans and spans[-1][1] == pos:
                spans[-1] = (spans[-1][0], pos + n)
            else:
                spans.append((pos, pos + n))
        pos += n
    return tuple(spans)


def _inside_prompt(run, p) -> bool:
    el = run.getparent()
    while el is not None and el is not p:
        if el.tag == _W_SDT and _showing_prompt(el):
            return True
        el = el.getparent()
    return False
