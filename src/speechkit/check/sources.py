"""Read documents to check: .docx (every part), .txt and .md, as :class:`Block` paragraphs."""

from __future__ import annotations

import re
from pathlib import Path

from speechkit.check.model import Block, Document
from speechkit.docx import WORD_SUFFIXES
from speechkit.errors import InputFileError, Location, describe_os_error, display_path

SUPPORTED = (*WORD_SUFFIXES, ".txt", ".md")
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
        data = p.read_bytes()
    except OSError as exc:
        raise InputFileError(
            f"无法读取文件：{describe_os_error(exc)}。", Location(file=shown)
        ) from exc
    if suffix in WORD_SUFFIXES:
        return Document(str(path), "docx", docx_blocks(data, shown))
    text = decode_text(data, shown)
    return Document(str(path), suffix[1:], text_blocks(text, markdown=suffix == ".md"))


def decode_text(data: bytes, shown: str) -> str:
    """Decode a text file: UTF-8 (BOM allowed), else GB18030; binary content is refused."""
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
    return [
        Block(part, index, docxparts.paragraph_text(p), address=address)
        for part, index, p, address in docxparts.iter_part_paragraphs(parts)
    ]
