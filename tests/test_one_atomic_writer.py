"""One atomic writer (speechkit.fsutil) for every file speechkit writes.

A process killed at any moment leaves the old file or the complete new one under the target's
name, never a part of one and never a temporary file under that name; special files are written
through; the mode is the one open() gives; errors name the target; long names work; and no
module outside fsutil renames temporary files into place by hand.
"""

from __future__ import annotations

import ast
import errno
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from speechkit import fsutil
from speechkit.fsutil import (
    TEMP_PREFIX,
    AtomicWriter,
    atomic_write_bytes,
    atomic_write_text,
    sha256_bytes,
    sha256_file,
    sweep_temp_files,
    sync_folder,
)
from tests.source_scan import package_modules


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_new_file_is_written_with_its_parents(tmp_path):
    target = tmp_path / "甲" / "乙.txt"
    atomic_write_text(target, "同志们：")
    assert target.read_text(encoding="utf-8") == "同志们："
    assert sha256_file(target) == sha256_bytes("同志们：".encode())
    assert _names(target.parent) == ["乙.txt"]


def test_replacing_a_file_leaves_only_the_new_content(tmp_path):
    target = tmp_path / "a" / "b.docx"
    atomic_write_bytes(target, b"one")
    atomic_write_bytes(target, b"two")
    assert target.read_bytes() == b"two"
    assert _names(target.parent) == ["b.docx"]


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_the_mode_is_the_one_a_plain_open_gives(tmp_path, umask):
    old = os.umask(umask)
    try:
        path = atomic_write_bytes(tmp_path / "a.docx", b"x")
        atomic_write_bytes(path, b"y")  # replacing too
        with open(tmp_path / "plain", "wb"):
            pass
    finally:
        os.umask(old)
    expected = stat.S_IMODE((tmp_path / "plain").stat().st_mode)
    assert stat.S_IMODE(path.stat().st_mode) == expected == 0o666 & ~umask


def test_a_failed_rename_leaves_the_old_file_and_no_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "a.txt"
    target.write_text("旧")

    def boom(*_args):
        raise OSError(errno.EIO, "disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError) as info:
        atomic_write_text(target, "新")
    assert info.value.filename == str(target)
    assert target.read_text() == "旧"
    assert _names(tmp_path) == ["a.txt"]


def test_an_error_inside_the_with_block_discards_the_new_file(tmp_path):
    target = tmp_path / "a.txt"
    target.write_text("旧")
    with pytest.raises(ValueError), AtomicWriter(target) as out:
        out.write(b"half of the new")
        raise ValueError
    assert target.read_text() == "旧" and _names(tmp_path) == ["a.txt"]


def test_discard_keeps_the_old_file_and_commit_can_keep_it_aside(tmp_path):
    target = tmp_path / "a.zip"
    target.write_bytes(b"old")
    with AtomicWriter(target) as out:
        out.write(b"new")
        out.file.seek(0)
        assert out.file.read() == b"new"  # readable: a caller may hash what it wrote
        out.discard()
    assert target.read_bytes() == b"old" and _names(tmp_path) == ["a.zip"]
    aside = tmp_path / "a.修改稿.zip"
    with AtomicWriter(target) as out:
        out.write(b"new")
        out.commit(keep_as=aside)
    assert target.read_bytes() == b"new" and aside.read_bytes() == b"old"
    assert _names(tmp_path) == sorted(["a.zip", "a.修改稿.zip"])


def test_writing_to_a_fifo_writes_through_and_keeps_the_fifo(tmp_path):
    """``-o /dev/null`` or a pipe must not be replaced by a regular file."""
    fifo = tmp_path / "管道"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    atomic_write_bytes(fifo, b"report")
    reader.join(timeout=10)
    assert received == [b"report"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert _names(tmp_path) == ["管道"]


def test_check_report_to_dev_null_is_allowed_and_leaves_it_a_device(tmp_path):
    from tests.conftest import run_cli

    text = tmp_path / "稿.txt"
    text.write_text("同志们：今天开会。\n", encoding="utf-8")
    result = run_cli("check", text, "--format", "json", "-o", os.devnull)
    assert result.exit_code in (0, 1), result.output
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_errors_name_the_target_not_a_temporary_file(tmp_path):
    (tmp_path / "文件").write_text("x")
    target = tmp_path / "文件" / "a.docx"  # a file stands where the folder should be
    with pytest.raises(NotADirectoryError) as info:
        atomic_write_bytes(target, b"x")
    assert info.value.filename == str(target)
    too_long = tmp_path / ("长" * 100 + ".docx")  # 305 bytes: over the file-name limit
    with pytest.raises(OSError) as info:
        atomic_write_bytes(too_long, b"x")
    assert info.value.errno == errno.ENAMETOOLONG and info.value.filename == str(too_long)
    assert _names(tmp_path) == ["文件"]


def test_an_error_about_another_file_inside_the_block_keeps_its_name(tmp_path):
    missing = tmp_path / "不存在.txt"
    with pytest.raises(FileNotFoundError) as info, AtomicWriter(tmp_path / "a.txt") as out:
        out.write(missing.read_bytes())
    assert info.value.filename == str(missing) and _names(tmp_path) == []


def test_a_failed_write_to_the_file_names_the_target(tmp_path):
    target = tmp_path / "a.txt"

    class Full:
        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(OSError) as info, AtomicWriter(target) as out:
        real, out.file = out.file, Full()
        try:
            out.file.write(b"x")
        finally:
            out.file = real
    assert info.value.errno == errno.ENOSPC and info.value.filename == str(target)
    assert _names(tmp_path) == []


def test_the_longest_file_name_can_be_written_and_replaced(tmp_path):
    name = "名" * 82 + ".docx"  # 251 bytes: the temporary name must not grow with it
    target = tmp_path / name
    atomic_write_bytes(target, b"one")
    atomic_write_bytes(target, b"two")
    assert target.read_bytes() == b"two" and _names(tmp_path) == [name]


def test_without_anonymous_files_a_hidden_temporary_name_is_used(tmp_path, monkeypatch):
    monkeypatch.delattr(os, "O_TMPFILE", raising=False)
    target = tmp_path / ("名" * 82 + ".docx")
    atomic_write_bytes(target, b"one")
    atomic_write_bytes(target, b"two")
    assert target.read_bytes() == b"two" and _names(tmp_path) == [target.name]


def test_where_anonymous_files_cannot_be_linked_they_are_copied(tmp_path, monkeypatch):
    monkeypatch.setattr(fsutil, "_link_fd", lambda fd, target: errno.EPERM)
    target = tmp_path / "a.docx"
    atomic_write_bytes(target, b"one")
    atomic_write_bytes(target, b"two")
    assert target.read_bytes() == b"two" and _names(tmp_path) == ["a.docx"]


def test_sync_false_skips_the_file_fsync_and_the_folder_is_synced_once(tmp_path, monkeypatch):
    calls = []
    real = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (calls.append(fd), real(fd)))
    for i in range(3):
        atomic_write_bytes(tmp_path / f"{i}.docx", b"x", sync=False)
    assert calls == []
    sync_folder(tmp_path)
    atomic_write_bytes(tmp_path / "3.docx", b"x")
    assert len(calls) == 1


def test_sweep_removes_only_our_temporary_files(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / f"{TEMP_PREFIX}123-a.tmp").write_bytes(b"half")
    (tmp_path / "x" / "keep.tmp").write_bytes(b"theirs")
    assert sweep_temp_files(tmp_path) == 1
    assert _names(tmp_path / "x") == ["keep.tmp"]


# -- kill -9 at any moment --------------------------------------------------------------

_WRITER = """
import os, sys
from speechkit.fsutil import atomic_write_bytes
if sys.argv[2] == "named":
    del os.O_TMPFILE
target, size = sys.argv[1], 4 << 20
print("ready", flush=True)
i = 0
while True:
    i = i % 250 + 1
    atomic_write_bytes(target, bytes([i]) * size)
"""


@pytest.mark.parametrize("way", ["anonymous", "named"])
def test_kill_9_at_any_moment_leaves_the_old_or_the_new_file(tmp_path, way):
    if way == "anonymous" and not hasattr(os, "O_TMPFILE"):
        pytest.skip("O_TMPFILE is Linux only")
    target = tmp_path / "稿.docx"
    atomic_write_bytes(target, bytes([0]) * (4 << 20))
    for delay in (0.0, 0.003, 0.011, 0.029, 0.05, 0.083, 0.12):
        proc = subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(target), way], stdout=subprocess.PIPE
        )
        assert proc.stdout.readline() == b"ready\n"
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        data = target.read_bytes()
        assert len(data) == 4 << 20 and data == data[:1] * len(data)  # whole, one version
        left = [n for n in _names(tmp_path) if n != target.name]
        assert all(n.startswith(TEMP_PREFIX) and n.endswith(".tmp") for n in left), left
        sweep_temp_files(tmp_path)
        assert _names(tmp_path) == [target.name]


# -- nobody else renames files into place ------------------------------------------------

# (module, function) → why the call is not writing an output by hand
ALLOWED = {
    ("batch/manifest.py", "_migrate_json"): "renames the imported old manifest to *.migrated",
    ("web/towns.py", "delete"): "moves a town's files into the trash folder",
    ("web/towns.py", "restore"): "moves a town's files back out of the trash folder",
    ("web/rosters.py", "_to_trash"): "moves a roster into the trash folder",
    ("campaigns/scaffold.py", "write_demo"): "publishes a complete staged folder in one rename",
    ("campaigns/scaffold.py", "new_pack"): "publishes a complete staged folder in one rename",
}
_FORBIDDEN_CALLS = {
    ("os", "replace"),
    ("os", "rename"),
    ("os", "renames"),
    ("os", "link"),
    ("tempfile", "mkstemp"),
    ("tempfile", "NamedTemporaryFile"),
    ("shutil", "move"),
}


def _by_hand(tree: ast.AST) -> list[tuple[str, int, str]]:
    """Calls that rename, link or create named temporary files: (function, line, call)."""
    found = []

    def visit(node: ast.AST, function: str) -> None:
        for child in ast.iter_child_nodes(node):
            name = function
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = child.name
            if isinstance(child, ast.Call) and isinstance(child.func, ast.Attribute):
                attr, owner = child.func.attr, child.func.value
                module_call = isinstance(owner, ast.Name) and (owner.id, attr) in _FORBIDDEN_CALLS
                # Path.replace(target) / Path.rename(target): one argument (str.replace has two)
                path_move = attr in ("replace", "rename") and len(child.args) == 1
                if module_call or (path_move and not child.keywords):
                    found.append((function, child.lineno, ast.unparse(child.func)))
            if isinstance(child, ast.Attribute) and child.attr == "O_TMPFILE":
                found.append((function, child.lineno, "O_TMPFILE"))
            visit(child, name)

    visit(tree, "")
    return found


def test_no_module_but_fsutil_renames_or_links_files_into_place():
    found = [
        (rel, *call) for rel, tree in package_modules(but="fsutil.py") for call in _by_hand(tree)
    ]
    offending = [f"{r}:{line} {f}(): {call}" for r, f, line, call in found if (r, f) not in ALLOWED]
    used = {(r, f) for r, f, _line, _call in found if (r, f) in ALLOWED}
    assert offending == [], "use speechkit.fsutil.AtomicWriter / atomic_write_bytes"
    assert used == set(ALLOWED), f"stale allow-list entries: {set(ALLOWED) - used}"


def test_the_scan_sees_a_hand_made_writer():
    code = (
        "import os, tempfile\n"
        "def save(path, data):\n"
        "    fd, tmp = tempfile.mkstemp()\n"
        "    os.replace(tmp, path)\n"
        "    path.with_suffix('.tmp').replace(path)\n"
        "    text = 'a'.replace('a', 'b')\n"
    )
    calls = [call for _f, _line, call in _by_hand(ast.parse(code))]
    assert calls == ["tempfile.mkstemp", "os.replace", "path.with_suffix('.tmp').replace"]
