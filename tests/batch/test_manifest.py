"""Manifest: write-ahead entries settled against the disk."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from speechkit.batch.manifest import (
    JSON_NAME,
    MANIFEST_NAME,
    MIGRATED_SUFFIX,
    Manifest,
    locked,
    new_entry,
)
from speechkit.errors import SpeechkitError
from speechkit.fsutil import atomic_write_bytes, sha256_bytes


def _staged(tmp_path: Path, rel: str, data: bytes) -> Manifest:
    manifest = Manifest.load(tmp_path)
    manifest.stage(rel, new_entry("document", {"template": "t"}, data, town="t"))
    manifest.save()
    return manifest


def test_pending_entry_for_a_file_written_before_the_kill_is_committed(tmp_path: Path) -> None:
    _staged(tmp_path, "镇/a.docx", b"new")
    atomic_write_bytes(tmp_path / "镇/a.docx", b"new")  # killed before the commit save
    manifest = Manifest.load(tmp_path)
    entry = manifest.entries()["镇/a.docx"]
    assert "pending" not in entry and entry["sha256"] == sha256_bytes(b"new")
    assert entry["size"] == 3


def test_pending_entry_for_a_file_never_written_is_dropped(tmp_path: Path) -> None:
    _staged(tmp_path, "镇/a.docx", b"new")  # killed before the file was written
    assert Manifest.load(tmp_path).entries() == {}


def test_pending_entry_over_an_old_file_keeps_the_old_entry(tmp_path: Path) -> None:
    manifest = _staged(tmp_path, "a.docx", b"old")
    atomic_write_bytes(tmp_path / "a.docx", b"old")
    manifest.commit("a.docx")
    manifest.save()
    _staged(tmp_path, "a.docx", b"new")  # killed before the new file was written
    entry = Manifest.load(tmp_path).entries()["a.docx"]
    assert entry["sha256"] == sha256_bytes(b"old") and "pending" not in entry


def test_pending_entries_without_a_hash_are_settled_by_content(tmp_path: Path) -> None:
    manifest = Manifest.load(tmp_path)
    for rel, data in (("a.docx", b"old-a"), ("b.docx", b"old-b")):
        manifest.stage(rel, new_entry("form", {"row": "1"}, data))
        atomic_write_bytes(tmp_path / rel, data)
        manifest.commit(rel)
    for rel in ("a.docx", "b.docx", "c.docx", "d.docx"):  # staged before rendering
        manifest.stage(rel, new_entry("form", {"row": "2"}))
    manifest.save()
    atomic_write_bytes(tmp_path / "a.docx", b"new-a")  # written by the killed run
    atomic_write_bytes(tmp_path / "c.docx", b"new-c")  # a new output written by the killed run
    entries = Manifest.load(tmp_path).entries()
    assert entries["a.docx"]["sha256"] == sha256_bytes(b"new-a")
    assert entries["a.docx"]["inputs"] == {"row": "2"}
    assert entries["b.docx"]["sha256"] == sha256_bytes(b"old-b")  # not reached: old entry
    assert entries["b.docx"]["inputs"] == {"row": "1"}
    assert entries["c.docx"]["sha256"] == sha256_bytes(b"new-c")
    assert "d.docx" not in entries  # never written
    assert all("pending" not in e for e in entries.values())


def test_disk_sha_notices_edits_even_with_the_same_size(tmp_path: Path) -> None:
    manifest = _staged(tmp_path, "a.docx", b"abc")
    atomic_write_bytes(tmp_path / "a.docx", b"abc")
    manifest.commit("a.docx")
    assert manifest.disk_sha("a.docx") == sha256_bytes(b"abc")
    (tmp_path / "a.docx").write_bytes(b"abd")
    os.utime(tmp_path / "a.docx", ns=(1, 1))
    assert manifest.disk_sha("a.docx") == sha256_bytes(b"abd")
    assert manifest.disk_sha("missing.docx") is None


def test_corrupt_manifest_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / MANIFEST_NAME).write_text("{not json", "utf-8")
    with pytest.raises(SpeechkitError, match="清单文件.*已损坏"):
        Manifest.load(tmp_path)


def test_a_json_manifest_is_migrated_once_with_its_pending_entries(tmp_path: Path) -> None:
    atomic_write_bytes(tmp_path / "镇/a.docx", b"old-a")
    atomic_write_bytes(tmp_path / "镇/b.docx", b"new-b")  # written by a run killed before recording
    old = new_entry("document", {"template": "t"}, b"old-a", town="镇", document="a")
    old.update(size=5, mtime_ns=1)
    pending = new_entry("form", {"row": "2"}, town="镇", document="b", member="乙")
    data = {
        "format": 1,
        "speechkit": "0.4.0",
        "outputs": {"镇/a.docx": old, "镇/b.docx": {"pending": pending}},
    }
    (tmp_path / JSON_NAME).write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    manifest = Manifest.load(tmp_path)
    entries = manifest.entries()
    assert entries["镇/a.docx"] == old
    assert entries["镇/b.docx"]["sha256"] == sha256_bytes(b"new-b")  # settled by content
    assert entries["镇/b.docx"]["member"] == "乙" and "pending" not in entries["镇/b.docx"]
    manifest.close()
    assert not (tmp_path / JSON_NAME).exists()
    assert (tmp_path / (JSON_NAME + MIGRATED_SUFFIX)).is_file()
    assert Manifest.load(tmp_path).entries() == entries  # not imported twice


def test_a_migration_killed_before_its_commit_is_done_again(tmp_path: Path) -> None:
    data = {"outputs": {"a.docx": new_entry("document", {"t": "1"}, b"x")}}
    (tmp_path / JSON_NAME).write_text(json.dumps(data), "utf-8")
    # a run killed inside the migration: the database exists, without the rows or the mark
    import sqlite3

    sqlite3.connect(tmp_path / MANIFEST_NAME).close()
    entries = Manifest.load(tmp_path).entries()
    assert entries["a.docx"]["sha256"] == sha256_bytes(b"x")  # imported, not settled away
    assert (tmp_path / (JSON_NAME + MIGRATED_SUFFIX)).is_file()


def test_a_corrupt_json_manifest_is_a_clear_error_and_kept(tmp_path: Path) -> None:
    (tmp_path / JSON_NAME).write_text("{not json", "utf-8")
    with pytest.raises(SpeechkitError, match="清单文件.*已损坏"):
        Manifest.load(tmp_path)
    assert (tmp_path / JSON_NAME).read_text("utf-8") == "{not json"


def test_second_run_on_the_same_folder_is_refused(tmp_path: Path) -> None:
    with (
        locked(tmp_path),
        pytest.raises(SpeechkitError, match="另一个批量生成任务"),
        locked(tmp_path),
    ):
        pass
    with locked(tmp_path):  # released again
        pass
