"""Shared test helpers: project paths and a CLI runner that goes through ``speechkit.cli.main``."""

from __future__ import annotations

import datetime
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
LEGACY_PACK = ROOT / "src" / "speechkit" / "packs" / "xianjinxing-2005"


def _legacy_profiles() -> Path:
    """The 2005 pack's demo city (海川市, 14 towns) with the dates the seed's demo used (2024),
    written once per test session: the fixture most tests of the engine, batch, checker and
    web were written against. The root ``profiles/`` holds the current campaign's demo city."""
    import atexit
    import re
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="speechkit-tests-"))
    atexit.register(shutil.rmtree, base, True)
    dest = base / "profiles"
    shutil.copytree(LEGACY_PACK / "demo", dest)
    for path in [dest / "city.yaml", *(dest / "towns").glob("*.yaml")]:
        text = path.read_text("utf-8")
        path.write_text(re.sub(r"\b2005-(\d\d-\d\d)", r"2024-\1", text), "utf-8")
    return dest


PROFILES = _legacy_profiles()
TEMPLATES = LEGACY_PACK / "templates"
SEED = ROOT / "tests" / "data" / "seed.txt"
# A member whose 支部 and 职务 run to 40 characters: per-member forms must still fit one page
LONG_MEMBER = {
    "name": "欧阳示范",
    "gender": "女",
    "birth": datetime.date(1962, 12, 1),
    "joined": datetime.date(2005, 11, 1),
    "branch": "海川市东湖镇人民政府机关第二党支部暨东湖镇农村集体经济合作社联合党支部委员会第一",
    "post": "镇党委委员、组织委员、宣传委员、统战委员，镇人民政府副镇长兼综合行政执法办公室主",
}


@dataclass
class CliResult:
    """What a CLI run produced: exit code, stdout and stderr as text."""

    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def run_cli(*args: str, cwd: Path | None = None, input: str | None = None) -> CliResult:
    """Run ``speechkit ARGS`` in-process through ``main`` (the real error handling)."""
    from speechkit.cli import main

    runner = CliRunner()
    old = Path.cwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        with runner.isolation(input=input) as streams:
            try:
                main([str(a) for a in args])
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            out, err = streams[0], streams[1]
            return CliResult(code, out.getvalue().decode(), err.getvalue().decode())
    finally:
        os.chdir(old)


@pytest.fixture
def cli():
    """The :func:`run_cli` helper as a fixture."""
    return run_cli


@pytest.fixture
def demo_profiles(tmp_path: Path) -> Path:
    """A writable copy of the shipped demo profiles folder."""
    dest = tmp_path / "profiles"
    shutil.copytree(PROFILES, dest)
    return dest


def soffice_path() -> str | None:
    """Path of LibreOffice's soffice, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


requires_soffice = pytest.mark.skipif(
    soffice_path() is None, reason="未安装 LibreOffice（soffice），跳过渲染测试"
)


def soffice_convert(source: Path, fmt: str, outdir: Path) -> Path:
    """``source`` saved as ``fmt`` (``doc``, ``odt`` ...) into ``outdir`` by LibreOffice, with a
    throwaway user profile in ``outdir``; the converted file's path."""
    import subprocess

    from speechkit.typeset.pdf import soffice_path as package_soffice_path

    subprocess.run(
        [package_soffice_path(), f"-env:UserInstallation=file://{outdir / 'lo'}", "--headless",
         "--convert-to", fmt, "--outdir", str(outdir), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    return outdir / f"{source.stem}.{fmt}"


def pdf_text(pdf: Path, layout: bool = True) -> str:
    """Text of a PDF via poppler's pdftotext (pages separated by form feeds)."""
    import subprocess

    args = ["pdftotext"] + (["-layout"] if layout else []) + [str(pdf), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout
