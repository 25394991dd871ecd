"""Helpers shared by the batch tests (imported by name; pytest runs in importlib mode)."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

from docx import Document

from speechkit.batch import BatchOptions
from speechkit.batch.manifest import COLUMNS, MANIFEST_NAME, row_to_entry
from speechkit.fsutil import TEMP_PREFIX, sha256_file

ROOT = Path(__file__).resolve().parents[2]
HEADER = ["姓名", "性别", "出生年月", "入党时间", "所在支部", "职务"]


def args(ws: Path, *extra: str) -> list[str]:
    """``speechkit batch`` arguments for a workspace made by the ``workspace`` fixture."""
    return [
        "batch",
        "--profiles",
        str(ws / "profiles"),
        "--templates",
        str(ws / "templates"),
        "--out",
        str(ws / "out"),
        "--jobs",
        "1",
        *extra,
    ]


def options(ws: Path, **kw) -> BatchOptions:
    """``BatchOptions`` for a workspace made by the ``workspace`` fixture (one job unless
    ``kw`` says otherwise); ``kw`` adds the rest."""
    kw.setdefault("jobs", 1)
    return BatchOptions(
        profiles=ws / "profiles", templates_dir=ws / "templates", out=ws / "out", **kw
    )


def make_templates(folder: Path) -> Path:
    """Two small templates: a speech and the per-member form (blank without ``member``)."""
    folder.mkdir(parents=True, exist_ok=True)
    doc = Document()
    doc.add_paragraph("{{ town.name }}动员讲话")
    doc.add_paragraph("书记：{{ town.secretary }}；党员{{ party.members }}名。")
    doc.save(folder / "讲话.docx")
    doc = Document()
    doc.add_paragraph("党性分析评议表")
    doc.add_paragraph("单位：{{ town.name }}")
    doc.add_paragraph("姓名：{% if member is defined %}{{ member.name }}{% endif %}")
    doc.add_paragraph("支部：{% if member is defined %}{{ member.branch }}{% endif %}")
    doc.save(folder / "党性分析评议表.docx")
    return folder


def write_roster(path: Path, rows: list[list[str]]) -> Path:
    """Write a UTF-8 CSV roster with the standard header."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(HEADER)
    writer.writerows(rows)
    path.write_text(buf.getvalue(), "utf-8")
    return path


def members(n: int, prefix: str = "党员") -> list[list[str]]:
    """``n`` valid roster rows with distinct names."""
    return [
        [
            f"{prefix}{i:04d}",
            "男" if i % 2 else "女",
            "1970.03",
            "1995.07",
            f"第{i % 3 + 1}支部",
            "",
        ]
        for i in range(n)
    ]


def doc_text(path: Path) -> str:
    """All paragraph text of a .docx, one paragraph per line."""
    return "\n".join(p.text for p in Document(str(path)).paragraphs)


def read_manifest(out: Path) -> dict[str, dict]:
    """Every manifest entry as stored (pending ones included), without settling anything."""
    db = sqlite3.connect(f"file:{out / MANIFEST_NAME}?mode=ro", uri=True)
    try:
        rows = db.execute(f"SELECT rel, {', '.join(COLUMNS)} FROM outputs").fetchall()
        sources = {i: json.loads(t) for i, t in db.execute("SELECT id, inputs FROM sources")}
    finally:
        db.close()
    return {row[0]: row_to_entry(row[1:], sources) for row in rows}


def assert_consistent(
    out: Path, allow_pending: bool = False, edited: tuple = (), foreign: tuple = ()
) -> dict:
    """The manifest describes the disk: no temp files, every output recorded with its hash.

    ``edited`` outputs were changed by hand on purpose: their hash must differ from the record;
    ``foreign`` files were put there by someone else and must not be recorded.
    """
    leftovers = [p for p in out.rglob("*") if p.name.startswith(TEMP_PREFIX)]
    assert leftovers == [], leftovers
    entries = read_manifest(out)
    for rel, entry in entries.items():
        path = out / rel
        pending = entry.get("pending")
        if pending is not None:
            assert allow_pending, f"pending entry left: {rel}"
            if pending.get("sha256"):  # otherwise any content: the killed run wrote it
                ok = {pending["sha256"], entry.get("sha256")}
                assert not path.exists() or sha256_file(path) in ok, rel
            continue
        assert path.exists(), f"manifest lists a missing file: {rel}"
        same = sha256_file(path) == entry["sha256"]
        assert same != (rel in edited), f"hash {'matches' if same else 'differs'}: {rel}"
    on_disk = {
        p.relative_to(out).as_posix()
        for p in out.rglob("*")
        if p.is_file() and p.suffix in (".docx", ".pdf") and ".修改稿-" not in p.name
    }
    assert on_disk - set(foreign) <= set(entries), on_disk - set(entries)
    assert not set(foreign) & set(entries)
    return entries
