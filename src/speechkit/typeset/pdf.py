"""PDF through LibreOffice headless.

Each conversion uses its own throw-away LibreOffice user profile, so conversions can run in
parallel (batch workers, tests) without fighting over one profile lock. A fontconfig file
shipped with the package maps the official font names (仿宋_GB2312, 方正小标宋简体, 黑体,
楷体_GB2312, 宋体) to whatever CJK fonts are installed, when that file exists.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from speechkit.docx.package import open_docx
from speechkit.errors import InputFileError, Location, ToolMissingError

FONTS_CONF = Path(__file__).with_name("fonts.conf")


def soffice_path() -> str | None:
    """Return the path of LibreOffice's ``soffice`` program, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def soffice_env() -> dict[str, str]:
    """Environment for soffice: the package's font aliases added to fontconfig when present."""
    env = dict(os.environ)
    if FONTS_CONF.exists():
        env["FONTCONFIG_FILE"] = str(FONTS_CONF)
    return env


def convert_to_pdf(docx: str | Path, out_dir: str | Path, timeout: float = 180) -> Path:
    """Convert ``docx`` to PDF in ``out_dir`` and return the PDF's path.

    Raises :class:`ToolMissingError` when LibreOffice is not installed and
    :class:`InputFileError` when ``docx`` is not a Word document (checked before soffice runs)
    or the conversion fails or produces nothing.
    """
    exe = soffice_path()
    if exe is None:
        raise ToolMissingError(
            "未找到 LibreOffice（soffice），无法生成 PDF。"
            "请安装 LibreOffice（Debian/Ubuntu：apt-get install libreoffice-writer-nogui）后重试。"
        )
    open_docx(docx)  # a plain-Chinese error for anything that is not a .docx, before soffice
    src = Path(docx).resolve()
    out = Path(out_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    pdf = out / (src.stem + ".pdf")
    # soffice writes into a private folder next to the target; the finished PDF is then renamed
    # into place, so an interrupted or failed run never leaves a half-written PDF behind.
    with (
        tempfile.TemporaryDirectory(prefix="sk-lo-") as profile,
        tempfile.TemporaryDirectory(prefix=".~sk-pdf-", dir=out) as staging,
    ):
        cmd = [
            exe,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            staging,
            str(src),
        ]
        try:
            proc = subprocess.run(
                cmd, capture_output=True, text=True, timeout=timeout, env=soffice_env()
            )
        except subprocess.TimeoutExpired as exc:
            raise InputFileError(
                f"LibreOffice 转换超时（{timeout:.0f} 秒）。", Location(file=str(docx))
            ) from exc
        produced = Path(staging) / (src.stem + ".pdf")
        if proc.returncode != 0 or not produced.exists():
            raise InputFileError(
                "LibreOffice 未能转换此文件（文档内容可能已损坏）；"
                "请在 Word/WPS 中打开后重新保存再试。",
                Location(file=str(docx)),
            )
        os.replace(produced, pdf)
    return pdf
