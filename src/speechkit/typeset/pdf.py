"""PDF through LibreOffice headless.

:class:`Converter` converts many files with one LibreOffice start per group of files (one
``soffice --convert-to`` call for all of them, on one warmed user profile kept for the run):
LibreOffice's start-up, not the conversion, is most of the time of a one-file call. Use it as a
context manager::

    with Converter() as converter:
        for done in converter.convert_many([(docx, out_dir), ...]):
            print(done.pdf or done.error)

:func:`convert_to_pdf` converts one file. Each converter has its own throw-away profile, so
converters can run in parallel (batch workers, tests) without fighting over a profile lock.

Before LibreOffice sees a document, a temporary copy fixes what LibreOffice would otherwise lay
out unlike Word (:mod:`speechkit.typeset.pdfprep`): Word's ``linesAndChars`` character grid and
exact-height table rows that would clip their text. Comments are exported with the PDF: in the
margin where LibreOffice can (7.6 and later), else marked 〔批注N〕 in the text and listed after
it; the PDF carries them as notes too. A fontconfig file shipped with the package maps the
official font names (仿宋_GB2312, 方正小标宋简体, 黑体, 楷体_GB2312, 宋体) to the closest installed
faces; :func:`stand_ins` says which faces stood in.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from speechkit.docx.package import open_docx
from speechkit.errors import InputFileError, Location, SpeechkitError, ToolMissingError

FONTS_CONF = Path(__file__).with_name("fonts.conf")
PER_FILE_TIMEOUT = 60.0  # seconds each file adds to one call's time budget
GROUP_MAX = 40  # files per soffice call: bounds the time one broken file can cost the rest
_NOTES = '{"ExportNotes":{"type":"boolean","value":"true"},"ExportNotesInMargin":{"type":"boolean","value":"true"}}'
MISSING = (
    "未找到 LibreOffice（soffice），无法生成 PDF。"
    "请安装 LibreOffice（Debian/Ubuntu：apt-get install libreoffice-writer-nogui）后重试。"
)


def soffice_path() -> str | None:
    """Return the path of LibreOffice's ``soffice`` program, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def soffice_env() -> dict[str, str]:
    """Environment for soffice: the package's font aliases added to fontconfig when present."""
    env = dict(os.environ)
    if FONTS_CONF.exists():
        env["FONTCONFIG_FILE"] = str(FONTS_CONF)
    return env


@dataclass
class Converted:
    """One conversion's outcome: the PDF written, or the error; notices about the layout."""

    source: Path
    pdf: Path | None = None
    error: SpeechkitError | None = None
    notices: list[str] = field(default_factory=list)


@dataclass
class _Job:
    index: int
    source: Path
    target: Path
    staged: Path  # the file handed to soffice (the source or a prepared copy)
    comments: bool


class Converter:
    """Converts .docx files to PDF, many per LibreOffice start (see the module docstring)."""

    def __init__(self, timeout: float = 180.0) -> None:
        self.timeout = timeout
        self._root: str | None = None
        self.starts = 0  # LibreOffice starts so far (for benchmarks and tests)

    def __enter__(self) -> Converter:
        exe = soffice_path()
        if exe is None:
            raise ToolMissingError(MISSING)
        self._exe = exe
        self._root = tempfile.mkdtemp(prefix="sk-lo-")
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Remove the converter's LibreOffice profile and temporary files."""
        if self._root is not None:
            shutil.rmtree(self._root, ignore_errors=True)
            self._root = None

    def convert(self, docx: str | Path, out_dir: str | Path) -> Path:
        """Convert one file into ``out_dir`` and return the PDF's path; raise on failure."""
        (done,) = self.convert_many([(docx, out_dir)])
        if done.error is not None:
            raise done.error
        return done.pdf

    def convert_many(self, items: Iterable[tuple[str | Path, str | Path]]) -> list[Converted]:
        """Convert ``(docx, out)`` pairs; one :class:`Converted` per pair, in order.

        Each PDF is written atomically as ``out/<stem>.pdf``, or as ``out`` itself when its name
        ends in ``.pdf`` (see :func:`pdf_target`). A file that is not a Word
        document or that LibreOffice cannot convert gets its error; the others are converted.
        """
        from speechkit.typeset.pdfprep import prepare

        if self._root is None:
            with self:
                return self.convert_many(items)
        results: list[Converted] = []
        jobs: list[_Job] = []
        work = Path(tempfile.mkdtemp(prefix="job-", dir=self._root))
        try:
            for index, (docx, out_dir) in enumerate(items):
                src = Path(docx)
                done = Converted(src)
                results.append(done)
                try:
                    doc = open_docx(src)  # a plain-Chinese error before soffice runs
                    prepared = prepare(doc.data)
                    if prepared.comments and not self._margin_notes():
                        prepared = prepare(doc.data, print_comments=True)
                except SpeechkitError as exc:
                    done.error = exc
                    continue
                done.notices += prepared.notices
                # every file handed to soffice gets a unique name (outputs share one folder)
                staged = work / f"{index:05d}-{src.stem}.docx"
                if prepared.data is not None:
                    staged.write_bytes(prepared.data)
                else:
                    try:
                        staged.symlink_to(src.resolve())
                    except OSError:
                        staged.write_bytes(doc.data)
                target = pdf_target(src, out_dir).resolve()
                jobs.append(_Job(index, src, target, staged, prepared.comments))
            for group in _groups(jobs):
                self._run(group, work, results)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return results

    def _margin_notes(self) -> bool:
        """Whether this LibreOffice puts comments in the PDF's margin (7.6 and later)."""
        version = soffice_version(self._exe)
        return version is not None and version >= (7, 6)

    def _run(self, group: list[_Job], work: Path, results: list[Converted]) -> None:
        """One soffice call for ``group`` (same export options)."""
        from speechkit.fsutil import atomic_write_bytes

        staging = Path(tempfile.mkdtemp(prefix="out-", dir=work))
        target = "pdf" if not group[0].comments else f"pdf:writer_pdf_Export:{_NOTES}"
        cmd = soffice_argv(
            self._exe, Path(self._root) / "profile", target, staging, [j.staged for j in group]
        )
        budget = max(self.timeout, PER_FILE_TIMEOUT * len(group))
        self.starts += 1
        timed_out = False
        try:
            subprocess.run(cmd, capture_output=True, timeout=budget, env=soffice_env())
        except subprocess.TimeoutExpired:
            timed_out = True
        for job in group:
            done = results[job.index]
            produced = staging / (job.staged.stem + ".pdf")
            if produced.exists() and produced.stat().st_size > 0:
                # written atomically into place: an interrupted run never leaves half a PDF
                done.pdf = atomic_write_bytes(job.target, produced.read_bytes())
                done.notices += page_count_notices(job.source, done.pdf)
            elif timed_out:
                done.error = InputFileError(
                    f"LibreOffice 转换超时（{budget:.0f} 秒）。", Location(file=str(job.source))
                )
            else:
                done.error = InputFileError(
                    "LibreOffice 未能转换此文件（文档内容可能已损坏）；"
                    "请在 Word/WPS 中打开后重新保存再试。",
                    Location(file=str(job.source)),
                )


def pdf_target(docx: str | Path, out: str | Path) -> Path:
    """Where the PDF of ``docx`` goes: ``out`` itself when its name ends in ``.pdf`` (and it is
    no folder), else ``out/<stem of docx>.pdf``."""
    out = Path(out)
    if out.suffix.lower() == ".pdf" and not out.is_dir():
        return out
    return out / (Path(docx).stem + ".pdf")


def soffice_argv(exe: str, profile: Path, target: str, out_dir: Path, files) -> list[str]:
    """The headless ``soffice --convert-to TARGET`` command for ``files`` into ``out_dir``, with
    its own user profile (``profile``) so calls never share a profile lock."""
    return [
        exe,
        f"-env:UserInstallation=file://{profile}",
        "--headless",
        "--norestore",
        "--convert-to",
        target,
        "--outdir",
        str(out_dir),
        *(str(f) for f in files),
    ]


@lru_cache(maxsize=4)
def soffice_version(exe: str) -> tuple[int, int] | None:
    """LibreOffice's (major, minor) version (``soffice --version``), None when unknown."""
    try:
        out = subprocess.run(
            [exe, "--version"], capture_output=True, text=True, timeout=60, env=soffice_env()
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"(\d+)\.(\d+)\.\d+", out)
    return (int(match.group(1)), int(match.group(2))) if match else None


def _groups(jobs: list[_Job]) -> list[list[_Job]]:
    """Split jobs into soffice calls: same export options, at most GROUP_MAX files each."""
    groups: list[list[_Job]] = []
    for job in jobs:
        for group in groups:
            if len(group) < GROUP_MAX and group[0].comments == job.comments:
                group.append(job)
                break
        else:
            groups.append([job])
    return groups


def convert_to_pdf(docx: str | Path, out_dir: str | Path, timeout: float = 180) -> Path:
    """Convert ``docx`` to PDF in ``out_dir`` and return the PDF's path.

    Raises :class:`ToolMissingError` when LibreOffice is not installed and
    :class:`InputFileError` when ``docx`` is not a Word document (checked before soffice runs)
    or the conversion fails or produces nothing.
    """
    with Converter(timeout) as converter:
        return converter.convert(docx, out_dir)


# ---------------------------------------------------------------------------------------------
# After the conversion: pages, faces
# ---------------------------------------------------------------------------------------------


def pdf_pages(pdf: str | Path) -> int | None:
    """Number of pages of a PDF (poppler's pdfinfo when installed, else the page objects)."""
    exe = shutil.which("pdfinfo")
    if exe:
        try:
            out = subprocess.run([exe, str(pdf)], capture_output=True, text=True, timeout=30)
            match = re.search(r"^Pages:\s+(\d+)", out.stdout, re.M)
            if match:
                return int(match.group(1))
        except (OSError, subprocess.SubprocessError):
            pass
    try:
        data = Path(pdf).read_bytes()
    except OSError:
        return None
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", data)) or None


def word_pages(docx: str | Path) -> int | None:
    """Pages Word counted when it last saved ``docx`` (docProps/app.xml), None if not Word's."""
    import zipfile

    try:
        with zipfile.ZipFile(docx) as zf:
            app = zf.read("docProps/app.xml").decode("utf-8", "replace")
    except (OSError, KeyError, zipfile.BadZipFile):
        return None
    if "Microsoft" not in app and "WPS" not in app:
        return None  # written by speechkit, python-docx, LibreOffice …: no page count of Word's
    match = re.search(r"<Pages>(\d+)</Pages>", app)
    return int(match.group(1)) if match else None


def page_count_notices(docx: Path, pdf: Path) -> list[str]:
    """A notice when the PDF's page count differs from the one Word stored in the document."""
    expected = word_pages(docx)
    if expected is None:
        return []
    got = pdf_pages(pdf)
    if got is None or got == expected:
        return []
    return [
        f"PDF 有 {got} 页，而 Word 保存此文档时为 {expected} 页：版面与 Word 不同，"
        "请在 Word 中核对（多半是缺少公文字体或 Word 特有的版式设置）。"
    ]


@lru_cache(maxsize=64)
def matched_face(name: str) -> str | None:
    """The installed family fontconfig (with the package's aliases) renders ``name`` with."""
    exe = shutil.which("fc-match")
    if exe is None:
        return None
    try:
        out = subprocess.run(
            [exe, "-f", "%{family[0]}|%{style[0]}", name],
            capture_output=True,
            text=True,
            timeout=20,
            env=soffice_env(),
        )
    except (OSError, subprocess.SubprocessError):
        return None
    family, _, style = out.stdout.strip().partition("|")
    if not family:
        return None
    return family if style in ("", "Regular", "Book", "Medium") else f"{family} {style}"


def document_faces(docx: str | Path) -> list[str]:
    """Font names a .docx asks for (styles, document, font table), in first-seen order."""
    import zipfile

    names: list[str] = []
    try:
        with zipfile.ZipFile(docx) as zf:
            for part in ("word/styles.xml", "word/document.xml"):
                if part in zf.namelist():
                    text = zf.read(part).decode("utf-8", "replace")
                    for fonts in re.finditer(r"<w:rFonts\b[^>]*>", text):
                        for match in re.finditer(
                            r'w:(?:eastAsia|ascii|hAnsi)="([^"]+)"', fonts.group(0)
                        ):
                            if match.group(1) not in names:
                                names.append(match.group(1))
    except (OSError, zipfile.BadZipFile):
        return []
    return names


def stand_ins(docx: str | Path) -> list[tuple[str, str]]:
    """``(font asked for, face used instead)`` for each font of ``docx`` that is not installed."""
    out = []
    for name in document_faces(docx):
        face = matched_face(name)
        if face and face.casefold() != name.casefold():
            out.append((name, face))
    return out


def pdf_fonts(pdf: str | Path) -> list[str]:
    """Base font names embedded in a PDF (poppler's pdffonts), subset prefixes removed."""
    exe = shutil.which("pdffonts")
    if exe is None:
        return []
    out = subprocess.run([exe, str(pdf)], capture_output=True, text=True, timeout=30).stdout
    names = []
    for line in out.splitlines()[2:]:
        if line.strip():
            name = line.split()[0]
            names.append(name.split("+", 1)[1] if "+" in name[:7] else name)
    return names
