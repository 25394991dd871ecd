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


def test_writing_to_a_device_writes_through_and_keeps_the_device(tmp_path):
    """``-o /dev/null`` must not replace the device node with a regular file."""
    fifo = tmp_path / "管道"
    os.mkfifo(fifo)
    import threading

    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    atomic_write_bytes(fifo, b"report")
    reader.join(timeout=10)
    assert received == [b"report"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["管道"]


def test_check_report_to_dev_null_is_allowed_and_leaves_it_a_device(tmp_path):
    from tests.conftest import run_cli

    text = tmp_path / "稿.txt"
    text.write_text("同志们：今天开会。\n", encoding="utf-8")
    result = run_cli("check", text, "--format", "json", "-o", os.devnull)
    assert result.exit_code in (0, 1), result.output
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
