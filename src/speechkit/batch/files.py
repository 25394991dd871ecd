"""Output files written so that a process killed at any moment leaves no partial file.

Workers write outputs with :func:`write_atomic` (one anonymous file linked into place), the
parent flushes them with :func:`sync_folder` before the manifest records them, and
:func:`sweep_temp_files` removes the hidden name a kill can leave while replacing a file.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import os
from pathlib import Path

from speechkit.fsutil import atomic_write_bytes

TEMP_PREFIX = ".~sk-"


@functools.cache
def _linkat():
    """libc's ``linkat`` (looked up once), or None where it is not available."""
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).linkat
    except (OSError, AttributeError):
        return None


def _link_fd(fd: int, target: Path) -> int:
    """Give the anonymous file ``fd`` the name ``target``; return 0 or the errno.

    ``linkat(fd, "", AT_FDCWD, target, AT_EMPTY_PATH)`` first, then the ``/proc/self/fd`` link.
    ``EEXIST`` means ``target`` exists (links never replace).
    """
    import ctypes

    linkat = _linkat()
    if linkat is not None:
        if linkat(fd, b"", -100, os.fsencode(target), 0x1000) == 0:
            return 0
        if ctypes.get_errno() == errno.EEXIST:
            return errno.EEXIST
    try:
        os.link(f"/proc/self/fd/{fd}", target, follow_symlinks=True)
        return 0
    except OSError as exc:
        return exc.errno or errno.EIO


def hidden_name(name: str) -> str:
    """The short hidden name a file is linked under while it replaces ``name``: the process id
    and a hash of the name, so it fits the file-name limit whatever the length of ``name``."""
    digest = hashlib.sha1(name.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"{TEMP_PREFIX}{os.getpid()}-{digest}.tmp"


def write_atomic(path: Path, data: bytes, sync: bool = True) -> None:
    """Write ``data`` to ``path`` atomically, leaving no temporary file even if killed.

    ``sync=False`` skips the per-file fsync; the caller then calls :func:`sync_folder` once for
    a whole group of files before recording them (much faster than one fsync per file).

    On Linux the data goes into an anonymous ``O_TMPFILE`` inode that only gets a name once it
    is complete: linked straight to ``path`` when that is new, so a process killed at any point
    leaves nothing; when ``path`` exists it is linked under a hidden name and renamed over
    ``path`` (a kill between those two calls can leave that hidden, complete file, which
    :func:`sweep_temp_files` removes at the next run). Elsewhere
    :func:`speechkit.fsutil.atomic_write_bytes` is used.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    flag = getattr(os, "O_TMPFILE", 0)
    if not flag:
        atomic_write_bytes(path, data)
        return
    try:
        fd = os.open(path.parent, flag | os.O_WRONLY, 0o644)
    except OSError:  # file system without O_TMPFILE
        atomic_write_bytes(path, data)
        return
    hidden = path.with_name(hidden_name(path.name))
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        if sync:
            os.fsync(fd)
        result = _link_fd(fd, path)
        if result == errno.EEXIST:  # replacing: hidden name, then rename over it
            hidden.unlink(missing_ok=True)
            result = _link_fd(fd, hidden)
            if result == 0:
                result = -1
    finally:
        os.close(fd)
    if result == 0:
        return
    if result != -1:  # the system refuses to link anonymous files
        atomic_write_bytes(path, data)
        return
    try:
        os.replace(hidden, path)
    except BaseException:
        hidden.unlink(missing_ok=True)
        raise


def sync_folder(folder: Path) -> None:
    """Flush everything written to the file system holding ``folder`` to disk (syncfs)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        if libc.syncfs(fd) != 0:
            os.sync()
    except (OSError, AttributeError):
        os.sync()
    finally:
        os.close(fd)


def sweep_temp_files(out: Path) -> int:
    """Delete temporary files a killed run left below ``out`` (our own prefix only)."""
    count = 0
    for tmp in Path(out).rglob(f"{TEMP_PREFIX}*.tmp"):
        with contextlib.suppress(OSError):
            tmp.unlink()
            count += 1
    return count
