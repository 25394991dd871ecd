"""Generate documents in the background, show progress, list and serve the outputs.

The run itself is :func:`speechkit.batch.run_batch` with the batch command's manifest rules
(an output edited since it was generated is skipped, or with "force" kept beside the new one).
Downloads are served only from inside the output folder.
"""

from __future__ import annotations

import contextlib
import re
from collections import OrderedDict
from pathlib import Path

from flask import Blueprint, abort, jsonify, redirect, render_template, request, send_file, url_for

from speechkit.web.jobs import CANCELLED, DONE, FAILED
from speechkit.web.security import resolve_inside

bp = Blueprint("generate", __name__)

REPORT_NAME = "检查报告.html"
DOWNLOAD_SUFFIXES = (".docx", ".pdf", ".html")


_CLI_ADVICE = (
    (re.compile(r"加\s*--force\s*"), "勾选“覆盖生成后被修改过的文件”后"),
    (re.compile(r"用\s*--jobs\s*1\s*"), ""),
    (re.compile(r"--town\s*"), "生成范围"),
    (re.compile(r"--template\s*"), "模板"),
    (re.compile(r"--out\b"), "输出文件夹"),
)


def page_words(text: str | None) -> str:
    """A batch message with command-line advice put in the page's words (the 覆盖 checkbox)."""
    out = str(text or "")
    for pattern, words in _CLI_ADVICE:
        out = pattern.sub(words, out)
    return out


def soffice_available() -> bool:
    """True when LibreOffice is installed (PDF links and the PDF option are offered)."""
    from speechkit.typeset.pdf import soffice_path

    return soffice_path() is not None


def report_name(town_name: str | None) -> str:
    """File name of the check report: one for all towns, one per town for single-town runs."""
    from speechkit.batch.naming import sanitize

    return sanitize(f"检查报告（{town_name}）.html") if town_name else REPORT_NAME


def _batch_work(town: str, town_name: str, pdf: bool, check: bool, force: bool, merge: bool):
    """Return the job body that runs the batch with these choices."""
    from speechkit.batch import BatchOptions
    from speechkit.web import settings
    from speechkit.web.batchjob import run_batch_process

    conf = settings()
    templates = conf.templates_for_run()
    options = BatchOptions(
        profiles=conf.profiles_dir,
        templates_dir=templates,
        out=conf.output_dir,
        towns=(town,) if town else (),
        jobs=conf.batch_jobs,
        force=force,
        check=check,
        report=conf.output_dir / report_name(town_name) if check else None,
        pdf=pdf,
        merge=merge,
    )

    def work(progress):
        total = planned_total(templates, conf.profiles_dir, town)
        if total:
            progress({"phase": "render", "done": 0, "total": total, "current": ""})
        return run_batch_process(options, progress, progress.cancelled, conf.job_limits)

    return work


_PER_MEMBER: dict[tuple[str, str], bool] = {}
_TAG = re.compile(r"<[^>]*>")
_MEMBER = re.compile(r"\bmember\b")


def mentions_member(template: Path, limit: int = 20 * 1024 * 1024) -> bool:
    """Whether a .docx template reads ``member`` (one output per roster member).

    A quick look at the body text (tags stripped, so a tag split across runs still shows)
    instead of compiling the template: the count is only the progress bar's first total.
    """
    import zipfile

    try:
        with zipfile.ZipFile(template) as zf:
            info = zf.getinfo("word/document.xml")
            if info.file_size > limit:
                return False
            xml = zf.read(info).decode("utf-8", "replace")
    except (OSError, KeyError, zipfile.BadZipFile, RuntimeError):
        return False
    return bool(_MEMBER.search(_TAG.sub("", xml)))


def planned_total(templates_dir: Path, profiles_dir: Path, town: str = "") -> int:
    """How many documents the run will render: per town its documents, plus one form per
    roster member for each per-member template (0 when it cannot be told)."""
    from speechkit.batch.plan import list_templates
    from speechkit.batch.roster import find_roster, read_roster
    from speechkit.fsutil import sha256_file
    from speechkit.profiles import find_towns

    try:
        per_town = per_member = 0
        for path in list_templates(templates_dir):
            key = (str(path), sha256_file(path))
            if key not in _PER_MEMBER:
                _PER_MEMBER[key] = mentions_member(path)
            if _PER_MEMBER[key]:
                per_member += 1
            else:
                per_town += 1
        total = 0
        for path in find_towns(profiles_dir):
            if town and path.stem != town:
                continue
            total += per_town
            roster = find_roster(path) if per_member else None
            if roster is not None:
                with contextlib.suppress(Exception):  # the batch reports the roster's problem
                    total += per_member * len(read_roster(roster).members)
        return total
    except Exception:  # an estimate only: the batch's own events follow
        return 0


@bp.get("/generate")
def form():
    """Choose what to generate."""
    from speechkit.web import jobs
    from speechkit.web.towns import town_index

    return render_template(
        "generate.html",
        documents=_documents(),
        title="生成文档",
        towns=town_index(),
        selected=request.args.get("town", ""),
        running=jobs().running(),
        pdf_available=soffice_available(),
    )


def _documents() -> tuple[list[str], list[str]]:
    """``(per-town documents, per-member documents)`` the templates will produce, by name."""
    from speechkit.batch.plan import list_templates
    from speechkit.web import settings

    try:
        paths = list_templates(settings().templates_for_run())
    except Exception:  # no templates folder: the run itself explains
        return [], []
    town: list[str] = []
    member: list[str] = []
    for p in paths:
        (member if mentions_member(p) else town).append(p.stem)
    return town, member


@bp.post("/generate")
def start():
    """Start a generation run and go to its progress page."""
    from speechkit.web import jobs
    from speechkit.web.towns import town_index

    town = request.form.get("town", "")
    index = town_index()
    if town and town not in index:
        abort(404)
    label = index[town].name if town else "全部乡镇"
    pdf = bool(request.form.get("pdf")) and soffice_available()
    flags = {name: bool(request.form.get(name)) for name in ("check", "force", "merge")}
    name = index[town].name if town else ""
    work = _batch_work(town, name, pdf, flags["check"], flags["force"], flags["merge"])
    job = jobs().start(label, work)
    return redirect(url_for("generate.job", job_id=job.id), code=303)


def _job_or_404(job_id: str):
    from speechkit.web import jobs

    job = jobs().get(job_id)
    if job is None:
        abort(404)
    return job


@bp.get("/jobs/<job_id>")
def job(job_id: str):
    """Progress while running; the generated documents once done."""
    from speechkit.check.model import SEVERITY_NAMES

    job = _job_or_404(job_id)
    groups = _group_items(job.result) if job.status == DONE and job.result is not None else None
    report = None
    if job.status == DONE and getattr(job.result, "report_path", None):
        report = _relative_output(job.result.report_path)
    return render_template(
        "job.html",
        title=f"生成：{job.label}",
        job=job,
        state=job.snapshot(),
        groups=groups,
        report=report,
        failed=job.status in (FAILED, CANCELLED),
        stopped=_stopped_rows(job) if job.status in (FAILED, CANCELLED) else [],
        severity_names=SEVERITY_NAMES,
    )


def _stopped_rows(job) -> list[tuple[str, str | None]]:
    """``(output, download path or None)`` for each file a stopped job wrote before the stop."""
    from speechkit.web import settings

    out = settings().output_dir
    return [(rel, rel if _inside(out / rel, out) else None) for rel in job.generated]


@bp.post("/jobs/<job_id>/cancel")
def cancel(job_id: str):
    """Stop a running generation (its processes are killed; written files stay complete)."""
    from speechkit.web import jobs

    _job_or_404(job_id)
    jobs().cancel(job_id)
    return redirect(url_for("generate.job", job_id=job_id), code=303)


@bp.get("/jobs/<job_id>/progress")
def progress(job_id: str):
    """JSON progress for the page's polling script."""
    return jsonify(_job_or_404(job_id).snapshot())


def _relative_output(path) -> str | None:
    from speechkit.web import settings

    try:
        return Path(path).resolve().relative_to(settings().output_dir).as_posix()
    except ValueError:
        return None


def _group_items(result) -> OrderedDict:
    """Group a batch result's items per town; a PDF joins the row of the .docx it came from."""
    from speechkit.batch import FAILED as ITEM_FAILED
    from speechkit.batch import STATUS_LABELS
    from speechkit.web import settings

    out = settings().output_dir
    groups: OrderedDict = OrderedDict()
    by_output: dict[str, dict] = {}
    pdfs = []
    for item in result.items:
        if item.output.endswith(".pdf"):
            pdfs.append(item)
            continue
        row = {
            "item": item,
            "status_label": STATUS_LABELS.get(item.status, item.status),
            "href": item.output if item.output and (out / item.output).is_file() else None,
            "pdf": None,
            "pdf_problem": "",
            "findings": item.findings_by_severity or {},
        }
        groups.setdefault(item.town or item.town_slug or "（未知乡镇）", []).append(row)
        if item.output:
            by_output[item.output] = row
    groups = in_town_order(groups)
    for item in pdfs:
        row = by_output.get(item.output[: -len(".pdf")] + ".docx")
        if row is None:
            continue
        if (out / item.output).is_file():
            row["pdf"] = item.output
        if item.status == ITEM_FAILED or item.reason:
            label = STATUS_LABELS.get(item.status, item.status)
            row["pdf_problem"] = f"PDF {label}：{item.reason}" if item.reason else f"PDF {label}"
    return groups


@bp.get("/output")
def listing():
    """Every generated file under the output folder, per town folder."""
    from speechkit.web import settings

    out = settings().output_dir
    groups: OrderedDict = OrderedDict()
    files = [path.relative_to(out) for path in _downloads(out, out)] if out.is_dir() else []
    # per folder in the towns' order (then other folders, then loose files such as reports):
    # a folder's own files before its sub-folders
    rank = _town_rank()
    top = "检查报告等"

    def order(r: Path):
        folder = r.parts[0] if len(r.parts) > 1 else None
        return (
            folder is None,
            rank.get(folder, len(rank)) if folder else 0,
            folder or "",
            len(r.parts),
            r,
        )

    for rel in sorted(files, key=order):
        folder = rel.parts[0] if len(rel.parts) > 1 else top
        label = "/".join(rel.parts[1:]) if len(rel.parts) > 1 else rel.name
        groups.setdefault(folder, []).append((rel.as_posix(), label))
    return render_template("output.html", title="已生成的文件", groups=groups, loose=top)


def _town_rank() -> dict[str, int]:
    """Output folder name (the town's name, as the batch writes it) → place in the town list."""
    from speechkit.batch.naming import sanitize
    from speechkit.web.towns import town_index

    rank: dict[str, int] = {}
    for i, entry in enumerate(town_index().values()):
        rank.setdefault(entry.name, i)
        rank.setdefault(sanitize(entry.name), i)
    return rank


def in_town_order(groups: OrderedDict) -> OrderedDict:
    """The same groups (keyed by town name), in the order the town list shows the towns."""
    rank = _town_rank()
    place = {k: i for i, k in enumerate(groups)}
    keys = sorted(groups, key=lambda k: (rank.get(k, len(rank)), place[k]))
    return OrderedDict((k, groups[k]) for k in keys)


def _downloads(base: Path, out: Path) -> list[Path]:
    """The files under ``base`` (inside the output folder ``out``) the pages offer, sorted:
    outputs and reports, not hidden or Office lock files, none that lead out of ``out``."""
    files = []
    for path in sorted(base.rglob("*")):
        rel = path.relative_to(out)
        if any(part.startswith((".", "~$")) for part in rel.parts):
            continue
        if path.suffix.lower() in DOWNLOAD_SUFFIXES and _inside(path, out):
            files.append(path)
    return files


def _zip_files(out: Path, folder: str | None) -> list[Path]:
    base = resolve_inside(out, folder) if folder else out
    if not base.is_dir():
        abort(404)
    return _downloads(base, out)


@bp.get("/output.zip", defaults={"folder": None})
@bp.get("/output/<path:folder>.zip")
def download_zip(folder: str | None):
    """One town's outputs (or all of them) as one .zip, built in a temporary file."""
    import tempfile
    import zipfile

    from speechkit.web import settings

    out = settings().output_dir
    if not out.is_dir():
        abort(404)
    files = _zip_files(out, folder)
    if not files:
        abort(404, description="这里还没有生成的文件。")
    spool = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)  # noqa: SIM115 (sent, then closed by werkzeug)
    base = out / folder if folder else out
    with zipfile.ZipFile(spool, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in files:
            zf.write(path, path.relative_to(base if folder else out).as_posix())
    spool.seek(0)
    name = f"{Path(folder).name}.zip" if folder else "全部文档.zip"
    return send_file(spool, mimetype="application/zip", as_attachment=True, download_name=name)


def _inside(path: Path, root: Path) -> bool:
    """True for a regular file that really lies in ``root`` (symlinks pointing out are not)."""
    try:
        return path.is_file() and path.resolve().is_relative_to(root)
    except OSError:
        return False


@bp.get("/files/<path:relpath>")
def download(relpath: str):
    """Serve one file from inside the output folder (never outside it)."""
    from speechkit.web import settings

    target = resolve_inside(settings().output_dir, relpath)
    rel_parts = target.relative_to(settings().output_dir).parts
    if (
        not target.is_file()
        or target.suffix.lower() not in DOWNLOAD_SUFFIXES
        or any(part.startswith(".") for part in rel_parts)
    ):
        abort(404)
    inline = target.suffix.lower() == ".html"
    return send_file(target, as_attachment=not inline, download_name=target.name, max_age=0)
