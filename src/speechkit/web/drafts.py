"""Check a draft: upload a .docx/.txt, see the HTML report, download the annotated .docx.

The upload lives only in a temporary folder for the duration of the request; the annotated
copy is sent back inside the page (as base64, turned into a download by a small inline
script) so nothing is kept on the server unless the user ticks "save a copy to output/".
"""

from __future__ import annotations

import base64
import dataclasses
import re
import tempfile
from pathlib import Path

from flask import Blueprint, render_template, request

from speechkit.errors import InputFileError, SpeechkitError, display_path
from speechkit.fsutil import atomic_write_bytes

bp = Blueprint("drafts", __name__)

ALLOWED_SUFFIXES = (".docx", ".txt")
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")


def clean_upload_name(filename: str | None) -> str:
    """Return a harmless base name for an uploaded file (keeps Chinese; no folders)."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE_NAME.sub("_", name).strip()
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    suffix = "." + ext.lower()[:10] if ext.strip() else ""
    stem = stem.strip(" .")[:80] or "文稿"
    return stem + suffix


def _without_temp_path(exc: SpeechkitError, src: Path, name: str) -> InputFileError:
    """The same message with the upload's temporary path replaced by the uploaded name."""
    text = exc.format_message()
    for shown in (str(src), display_path(src), str(src.resolve())):
        text = text.replace(shown, name)
    return InputFileError(text)


def _doc_types() -> dict[str, str]:
    from speechkit.check.model import DOC_TYPES

    return DOC_TYPES


def _page(error: str | None = None, status: int = 200):
    """The upload form, optionally with a message about the last attempt."""
    return render_template(
        "check.html", title="检查文稿", towns=_town_choices(), doc_types=_doc_types(), error=error
    ), status


def _town_choices() -> list[tuple[str, str]]:
    from speechkit.web.towns import town_index

    return [(slug, entry.name) for slug, entry in town_index().items()]


@bp.get("/check")
def form():
    """The upload form."""
    return _page()


@bp.post("/check")
def run():
    """Check the uploaded draft and show the report in place."""
    from speechkit.web import settings

    upload = request.files.get("draft")
    if upload is None or not upload.filename:
        return _page("请选择要检查的文稿（.docx 或 .txt）。", 400)
    name = clean_upload_name(upload.filename)
    if Path(name).suffix not in ALLOWED_SUFFIXES:
        return _page(
            f"{name}：只能检查 .docx 或 .txt 文件。旧版 .doc 请先在 Word 或 WPS 中另存为 .docx。",
            400,
        )
    doc_type = request.form.get("doc_type") or None
    if doc_type is not None and doc_type not in _doc_types():
        return _page("文稿类型无效，请重新选择。", 400)

    profile = None
    slug = request.form.get("town") or ""
    if slug:
        from speechkit.web.towns import load_town

        profile = load_town(slug)

    with tempfile.TemporaryDirectory(prefix="speechkit-web-") as tmp:
        src = Path(tmp) / name
        upload.save(src)
        if src.stat().st_size == 0:
            raise InputFileError(f"{name} 是空文件。")
        try:  # a file that is not a Word package is refused by the checker (docxfile)
            report, html = _check(src, name, profile, doc_type)
            annotated = None
            if src.suffix == ".docx":
                annotated = _annotate(src, report, Path(tmp) / ("批注-" + name))
        except SpeechkitError as exc:
            raise _without_temp_path(exc, src, name) from None
    saved = None
    if annotated is not None and request.form.get("keep"):
        saved = _keep_copy(settings().output_dir, name, annotated)

    from speechkit.check.model import SEVERITY_NAMES

    summary = [(SEVERITY_NAMES.get(sev, sev), n) for sev, n in report.counts().items() if n]
    return render_template(
        "check_result.html",
        title=f"检查结果：{name}",
        name=name,
        total=len(report.findings),
        summary=summary,
        report_html=html,
        annotated_b64=base64.b64encode(annotated).decode("ascii") if annotated else None,
        annotated_name="批注-" + name,
        saved=saved,
    )


def _check(src: Path, shown: str, profile, doc_type: str | None):
    """Run the library check and its HTML reporter on one file."""
    from speechkit.check import check
    from speechkit.check.report import to_html

    report = check(src, profile=profile, doc_type=doc_type, label=shown)
    # the upload's temporary path means nothing to the user: show the name they uploaded
    shown_report = dataclasses.replace(report, path=shown)
    html = embeddable(to_html([shown_report], title=f"检查报告：{shown}"))
    return report, html


# In an iframe's srcdoc, "#id" links resolve against the parent page's URL and would navigate
# the frame away; this keeps them as in-report jumps.
_SRCDOC_LINKS = (
    "<script>document.addEventListener('click',function(e){"
    "var a=e.target.closest&&e.target.closest('a[href^=\"#\"]');if(!a)return;"
    "var t=document.getElementById(decodeURIComponent(a.getAttribute('href').slice(1)));"
    "e.preventDefault();if(t){t.scrollIntoView({block:'center'});"
    "t.classList.add('sk-target');setTimeout(function(){t.classList.remove('sk-target')},1500);}"
    "});</script><style>.sk-target{outline:3px solid #0969da}</style>"
)


def embeddable(html: str) -> str:
    """Return the report HTML ready for ``<iframe srcdoc>``: in-report links keep working."""
    at = html.rfind("</body>")
    return html[:at] + _SRCDOC_LINKS + html[at:] if at >= 0 else html + _SRCDOC_LINKS


def _annotate(src: Path, report, out: Path) -> bytes:
    """Return the annotated .docx (Word comments on each finding) as bytes."""
    from speechkit.check.report import annotate_docx

    annotate_docx(src, report.findings, out)
    return out.read_bytes()


def _keep_copy(output_dir: Path, name: str, data: bytes) -> str:
    """Save the annotated copy under output/检查/, never overwriting; return its path."""
    folder = output_dir / "检查"
    stem = "批注-" + Path(name).stem
    target = folder / f"{stem}.docx"
    n = 2
    while target.exists():
        target = folder / f"{stem}-{n}.docx"
        n += 1
    atomic_write_bytes(target, data)
    return str(target.relative_to(output_dir))
