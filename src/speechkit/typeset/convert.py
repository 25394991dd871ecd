"""Other word-processor formats (.doc, .wps, .rtf, .odt) to .docx through LibreOffice.

Secretaries' starting documents are often old .doc files or WPS's .wps; every command reads
.docx, so these go through a temporary .docx made by LibreOffice, with a notice saying so.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from speechkit.errors import InputFileError, Location, ToolMissingError, display_path

# Suffixes LibreOffice turns into .docx for us (Kingsoft WPS's .wps opens with the Word filter).
CONVERTIBLE = {".doc", ".wps", ".rtf", ".odt", ".dot", ".wpt"}


def needs_conversion(path: str | Path) -> bool:
    """True when ``path`` is a format that must go through LibreOffice before reading."""
    return Path(path).suffix.lower() in CONVERTIBLE


def convert_to_docx(path: str | Path, out_dir: str | Path, timeout: float = 180) -> Path:
    """Convert ``path`` (.doc/.wps/.rtf/.odt) to a .docx in ``out_dir``; return the new path.

    Raises :class:`ToolMissingError` without LibreOffice and :class:`InputFileError` when the
    file is missing or LibreOffice cannot read it (corrupt, password-protected).
    """
    from speechkit.typeset.pdf import soffice_argv, soffice_env, soffice_path

    src = Path(path)
    where = Location(file=display_path(src))
    if not src.is_file():
        raise InputFileError("文件不存在。", where)
    exe = soffice_path()
    if exe is None:
        raise ToolMissingError(
            f"读取 {src.suffix} 文件需要 LibreOffice（soffice），但没有找到。"
            "请安装 LibreOffice（Debian/Ubuntu：apt-get install libreoffice-writer-nogui），"
            "或在 Word/WPS 中把文件“另存为”.docx 后再试。",
            where,
        )
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="sk-lo-") as profile:
        cmd = soffice_argv(exe, Path(profile), "docx:MS Word 2007 XML", out, [src.resolve()])
        try:
            proc = subprocess.run(
                cmd, capture_output=True, text=True, timeout=timeout, env=soffice_env()
            )
        except subprocess.TimeoutExpired:
            raise InputFileError(f"LibreOffice 转换超时（{timeout:.0f} 秒）。", where) from None
    produced = out / (src.stem + ".docx")
    if proc.returncode != 0 or not produced.exists() or produced.stat().st_size == 0:
        raise InputFileError(
            "LibreOffice 未能读取此文件（文件可能已损坏或设置了打开密码）；"
            "请在 Word/WPS 中打开后“另存为”.docx 再试。",
            where,
        )
    return produced
