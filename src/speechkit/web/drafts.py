"""Check a draft: upload a .docx/.txt, see the HTML report, download the annotated .docx.

The upload lives only in a temporary folder for the duration of the request and is checked in
the check worker process (a long check never blocks other pages; a hostile file ends in a
Chinese message). The report is the page itself: the findings table first, then the text
with each finding marked. The annotated copy is sent back inside the page (as base64, turned
into a download by a small inline script) so nothing is kept on the server unless the user
ticks "save a copy to output/". A .txt draft can be typeset into a .docx first, so it too
gets an annotated Word file.
"""

from __future__ import annotations

import base64
import tempfile
from pathlib import Path

from flask import Blueprint, render_template, request

from speechkit.errors import InputFileError, SpeechkitError, display_path
from speechkit.fsutil import atomic_write_bytes
from speechkit.web.security import clean_upload_name

bp = Blueprint("drafts", __name__)

ALLOWED_SUFFIXES = (".docx", ".txt", ".doc", ".wps", ".rtf", ".odt")
CONVERTED = (".doc", ".wps", ".rtf", ".odt")  # read through a .docx made by LibreOffice


def without_temp_path(exc: SpeechkitError, src: Path, name: str) -> InputFileError:
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
        "check.html", title="检查文稿", towns=town_choices(), doc_types=_doc_types(), error=error
    ), status


def town_choices() -> list[tuple[str, str]]:
    """``(slug, name)`` of every town, for a page's town menu."""
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
        return _page("请选择要检查的文稿（.docx、.doc、.wps 或 .txt）。", 400)
    name = clean_upload_name(upload.filename)
    if Path(name).suffix not in ALLOWED_SUFFIXES:
        return _page(
            f"{name}：只能检查 Word/WPS 文档（.docx、.doc、.wps、.rtf、.odt）或纯文本（.txt）。",
            400,
        )
    doc_type = request.form.get("doc_type") or None
    if doc_type is not None and doc_type not in _doc_types():
        return _page("文稿类型无效，请重新选择。", 400)

    town_file = None
    slug = request.form.get("town") or ""
    if slug:
        from speechkit.web.towns import town_path

        town_file = str(town_path(slug))

    from speechkit.web.checkworker import CheckFailed, CheckTask

    with tempfile.TemporaryDirectory(prefix="speechkit-web-") as tmp:
        src = Path(tmp) / name  # the checker guesses the document type from the name
        upload.save(src)
        if src.stat().st_size == 0:
            return _page(f"{name} 是空文件。", 400)
        if src.suffix in CONVERTED:
            from flask import flash

            from speechkit.typeset.convert import convert_to_docx

            try:
                src = convert_to_docx(src, Path(tmp) / "docx")
            except SpeechkitError as exc:
                return _page(without_temp_path(exc, src, name).format_message(), 400)
            flash(f"{name} 不是 .docx，已用 LibreOffice 转换后检查；批注本为 .docx。", "info")
        task = CheckTask(
            src=str(src),
            shown=name,
            town_file=town_file,
            doc_type=doc_type,
            annotate=True,
            typeset_txt=bool(request.form.get("typeset")),
        )
        try:
            outcome = check_worker().run(task)
        except (CheckFailed, SpeechkitError) as exc:
            message = without_temp_path(exc, src, name).format_message()
            return _page(message, 400)
    report = outcome.report
    rows, lines = report_view(report)
    saved = None
    if outcome.annotated is not None and request.form.get("keep"):
        shown = outcome.annotated_name.removeprefix("批注-")
        saved = _keep_copy(settings().output_dir, shown, outcome.annotated)
    return render_template(
        "check_result.html",
        title=f"检查结果：{name}",
        name=name,
        report=report,
        findings=rows,
        counts=report.counts(),
        lines=lines,
        annotated_b64=(
            base64.b64encode(outcome.annotated).decode("ascii") if outcome.annotated else None
        ),
        annotated_name=outcome.annotated_name,
        saved=saved,
        typeset_offer=Path(name).suffix == ".txt" and outcome.annotated is None,
    )


def check_worker():
    """The app's check worker process (see :mod:`speechkit.web.checkworker`)."""
    from flask import current_app

    return current_app.extensions["speechkit.checks"]


def _finding_row(item: dict) -> dict:
    """One line of the findings table: where, how serious, what kind (rule id as a tooltip)."""
    from speechkit.check.model import CATEGORY_NAMES, SEVERITY_NAMES

    f = item["f"]
    return {
        "anchor": item["id"],
        "where": item["where"],
        "severity": f.severity,
        "severity_name": SEVERITY_NAMES.get(f.severity, f.severity),
        "kind": CATEGORY_NAMES.get(f.category, f.category),
        "rule": f.rule,
        "message": f.message,
        "suggestion": f.suggestion or "",
    }


def report_view(report) -> tuple[list[dict], list[dict]]:
    """``(findings rows, text lines)`` of a report, prepared as the HTML report prepares them
    (same places, same marking of each finding in the text)."""
    from speechkit.check import htmlreport
    from speechkit.check.model import SEVERITY_RANK

    doc = htmlreport._document(0, report)  # the report's own view of one document
    rows = sorted(
        (_finding_row(item) for item in doc["findings"]),
        key=lambda row: -SEVERITY_RANK.get(row["severity"], 0),  # worst first, stable
    )
    return rows, doc["lines"]


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
