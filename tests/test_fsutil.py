"""Atomic writes: content, mode and no leftovers."""

from __future__ import annotations

import os
import stat

import pytest

from speechkit.fsutil import atomic_write_bytes, atomic_write_text, sha256_bytes, sha256_file


def test_atomic_write_creates_parents_and_content(tmp_path):
    target = tmp_path / "甲" / "乙.txt"
    atomic_write_text(target, "同志们：")
    assert target.read_text(encoding="utf-8") == "同志们："
    assert sha256_file(target) == sha256_bytes("同志们：".encode())


def test_atomic_write_uses_the_umask_not_0600(tmp_path):
    old = os.umask(0o022)
    try:
        path = atomic_write_bytes(tmp_path / "a.docx", b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_failed_write_leaves_old_file_and_no_temp(tmp_path, monkeypatch):
    target = tmp_path / "a.txt"
    target.write_text("旧")

    def boom(*_args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        atomic_write_text(target, "新")
    assert target.read_text() == "旧"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]
