"""Party member rosters on the page: upload, see the rows with their problems, replace, remove.

A town's roster is ``towns/<slug>.members.xlsx`` (or ``.csv``) beside its profile, read by
:mod:`speechkit.batch.roster` exactly as the batch reads it. An upload is read first in a
temporary folder; only a file that can be read at all replaces the old one (atomically, the
old one going to the trash folder). Rows with problems are shown in place, with the message
in the row. An empty roster with the right columns can be downloaded to start from.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from pathlib import Path

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for

from speechkit.errors import RosterError, SpeechkitError
from speechkit.fsutil import atomic_write_bytes

bp = Blueprint("rosters", __name__)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def roster_of(town_file: Path) -> Path | None:
    """The town's roster file, if it has one."""
    from speechkit.batch.roster import find_roster

    return find_roster(town_file)


def _table(path: Path) -> dict:
    """The roster as the page shows it: header, rows (with problems in place), counts."""
    from speechkit.batch.roster import read_roster, read_rows
    from speechkit.web.forms import friendly

    roster = read_roster(path)
    rows = read_rows(path)
    by_row: dict[int, list] = {}
    loose = []
    for p in roster.problems:
        if p.location.row:
            by_row.setdefault(p.location.row, []).append(p)
        else:
            loose.append(p)
    header_row = min((m.row for m in roster.members), default=2) - 1
    for p in roster.problems:
        if p.location.row and p.location.row < header_row:
            header_row = p.location.row
    header_row = max(header_row, 1)
    header = [str(c or "") for c in rows[header_row - 1]] if len(rows) >= header_row else []
    shown = []
    for number, cells in enumerate(rows, start=1):
        if number <= header_row:
            continue
        texts = [_cell(c) for c in cells]
        problems = by_row.get(number, [])
        if not any(texts) and not problems:
            continue
        shown.append(
            {
                "number": number,
                "cells": texts + [""] * (len(header) - len(texts)),
                "problems": [
                    {
                        "severity": p.severity,
                        "text": friendly(p.message, {}),
                        "column": p.location.column_name or "",
                    }
                    for p in problems
                ],
                "bad_columns": {p.location.column_name for p in problems},
            }
        )
    return {
        "header": header,
        "header_row": header_row,
        "rows": shown,
        "members": len(roster.members),
        "errors": sum(1 for p in roster.problems if p.severity == "error"),
        "warnings": sum(1 for p in roster.problems if p.severity != "error"),
        "loose": [friendly(p.message, {}) for p in loose],
    }


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _without_paths(message: str, *paths: Path) -> str:
    """A roster message with temporary or absolute paths replaced by the file's plain name."""
    from speechkit.errors import display_path

    for path in paths:
        for shown in (str(path), display_path(path)):
            message = message.replace(shown, path.name)
    return message


@bp.get("/towns/<slug>/roster")
def view(slug: str):
    """The town's roster as a table (or the upload form when it has none)."""
    from speechkit.web.towns import _town_name, town_path

    town = town_path(slug)
    name, _kind = _town_name(town)
    path = roster_of(town)
    table, error = None, None
    if path is not None:
        try:
            table = _table(path)
        except RosterError as exc:
            error = _without_paths(exc.format_message(), path)
    return render_template(
        "roster.html",
        title=f"{name}：党员名册",
        slug=slug,
        town_name=name,
        roster=path.name if path else None,
        table=table,
        error=error,
    )


@bp.post("/towns/<slug>/roster")
def upload(slug: str):
    """Replace the roster with an uploaded .xlsx/.csv (refused if it cannot be read at all)."""
    from speechkit.batch.roster import SUFFIXES, read_roster
    from speechkit.web.security import clean_upload_name
    from speechkit.web.towns import file_lock, town_path

    town = town_path(slug)
    upload = request.files.get("roster")
    if upload is None or not upload.filename:
        flash("请选择名册文件（.xlsx 或 .csv）。", "error")
        return redirect(url_for("rosters.view", slug=slug), code=303)
    name = clean_upload_name(upload.filename)
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        flash(
            f"{name}：名册只能是 .xlsx 或 .csv 文件（旧版 .xls 请在 Excel/WPS 中另存为 .xlsx）。",
            "error",
        )
        return redirect(url_for("rosters.view", slug=slug), code=303)
    data = upload.read()
    with tempfile.TemporaryDirectory(prefix="speechkit-roster-") as tmp:
        trial = Path(tmp) / name
        trial.write_bytes(data)
        try:
            read_roster(trial)
        except SpeechkitError as exc:
            flash(f"没有换上这份名册：{_without_paths(exc.format_message(), trial)}", "error")
            return redirect(url_for("rosters.view", slug=slug), code=303)
        except Exception:  # a file the reader chokes on: a sentence, not a 500
            flash(f"没有换上这份名册：{name} 无法按 Excel/CSV 读取。", "error")
            return redirect(url_for("rosters.view", slug=slug), code=303)
    target = town.with_name(f"{town.stem}.members{suffix}")
    with file_lock(target):
        old = roster_of(town)
        if old is not None and old != target:
            _to_trash(slug, old)
        atomic_write_bytes(target, data)
    flash(f"已换上名册 {name}。", "ok")
    return redirect(url_for("rosters.view", slug=slug), code=303)


def _to_trash(slug: str, path: Path) -> Path:
    from speechkit.web import settings
    from speechkit.web.towns import TRASH_DIR

    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    folder = settings().profiles_dir / TRASH_DIR / "名册" / f"{stamp}-{slug}"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    path.replace(target)
    return target


@bp.post("/towns/<slug>/roster/remove")
def remove(slug: str):
    """Move the roster to the trash folder."""
    from speechkit.web.towns import town_path

    path = roster_of(town_path(slug))
    if path is None:
        abort(404)
    _to_trash(slug, path)
    flash(f"已移除名册 {path.name}（移到了资料文件夹的“回收站/名册”中）。", "ok")
    return redirect(url_for("rosters.view", slug=slug), code=303)


@bp.get("/roster-template.<kind>")
def template(kind: str):
    """An empty roster with the right columns (.xlsx or .csv)."""
    from speechkit.batch.roster import COLUMNS

    if kind == "csv":
        data = ("\ufeff" + ",".join(COLUMNS) + "\r\n").encode("utf-8")
        return send_file(io.BytesIO(data), mimetype="text/csv", as_attachment=True,
                         download_name="党员名册（空白）.csv")  # fmt: skip
    if kind != "xlsx":
        abort(404)
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "党员名册"
    ws.append(list(COLUMNS))
    for letter, width in zip("ABCDEF", (10, 6, 10, 10, 18, 24), strict=True):
        ws.column_dimensions[letter].width = width
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return send_file(buf, mimetype=XLSX_TYPE, as_attachment=True,
                     download_name="党员名册（空白）.xlsx")  # fmt: skip
