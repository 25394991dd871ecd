"""File-system helpers shared by every layer: the one atomic writer and content hashes.

Every file speechkit writes goes through :class:`AtomicWriter` (or its shorthands
:func:`atomic_write_bytes` and :func:`atomic_write_text`). Its guarantees:

* a process killed at any moment (``kill -9`` included) leaves, under the target's name, the
  old file or the complete new one, never part of one; a temporary file it may leave has a
  hidden name (``.~sk-….tmp``, short whatever the length of the target's name), which
  :func:`sweep_temp_files` removes;
* a special target (``/dev/null``, a FIFO) is written through, never replaced by a file;
* the new file gets the mode a plain ``open()`` would give it (not mkstemp's 0600);
* an :class:`OSError` names the target, not a temporary file;
* ``sync=False`` skips the per-file fsync: a batch writes many files, then calls
  :func:`sync_folder` once before recording them.

On Linux the data goes into an anonymous ``O_TMPFILE`` inode that gets a name only when it is
complete: linked straight to the target when that is new (a kill leaves nothing), or linked
under a hidden name and renamed over the target when replacing. Elsewhere (or on a file system
without ``O_TMPFILE``) a hidden temporary file is written and renamed over the target.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import os
import secrets
import stat
import tempfile
from pathlib import Path
from typing import BinaryIO

TEMP_PREFIX = ".~sk-"  # hidden names of files being written (see sweep_temp_files)
_AT_FDCWD = -100
_AT_EMPTY_PATH = 0x1000


class AtomicWriter:
    """One file written atomically: ``with AtomicWriter(path) as w: w.write(data)``.

    ``w.file`` is the open file (binary, readable too: a caller may hash what it wrote).
    Leaving the ``with`` block normally commits (the file takes its name); an exception
    discards everything; :meth:`discard` drops the file inside the block on purpose, and
    :meth:`commit` with ``keep_as`` renames the file it replaces instead of dropping it.
    Parent folders are created.
    """

    def __init__(self, path: str | Path, *, sync: bool = True) -> None:
        self.path = Path(path)
        self.sync = sync
        self.file: BinaryIO | None = None
        self._named: Path | None = None  # the hidden temporary name, once the file has one
        self._through = False  # a device or FIFO: written in place
        self._done = False

    # -- opening ----------------------------------------------------------------------
    def __enter__(self) -> AtomicWriter:
        try:
            self._open()
        except OSError as exc:
            raise _naming(exc, self.path) from exc
        return self

    def _open(self) -> None:
        target = self.path
        if is_special_file(target):
            self.file = open(target, "wb")  # noqa: SIM115 (closed by commit/discard)
            self._through = True
            return
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except FileExistsError as exc:  # a file stands where a folder of the path should be
            raise NotADirectoryError(
                errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(target)
            ) from exc
        flag = getattr(os, "O_TMPFILE", 0)
        fd = -1
        if flag:
            with contextlib.suppress(OSError):  # a file system without O_TMPFILE
                fd = os.open(target.parent, flag | os.O_RDWR, 0o666)  # umask applies
        if fd < 0:
            fd = self._named_temp()
        self.file = os.fdopen(fd, "w+b")

    def _named_temp(self) -> int:
        """A hidden temporary file beside the target, with the mode open() would give."""
        fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".tmp", dir=self.path.parent)
        self._named = Path(tmp)
        os.fchmod(fd, 0o666 & ~_umask())
        return fd

    # -- writing ----------------------------------------------------------------------
    def write(self, data: bytes) -> None:
        """Append ``data`` to the file (an :class:`OSError` names the target)."""
        try:
            self.file.write(data)  # type: ignore[union-attr]
        except OSError as exc:
            raise _naming(exc, self.path) from exc

    # -- finishing --------------------------------------------------------------------
    def commit(self, keep_as: str | Path | None = None) -> Path:
        """Give the complete file its name; with ``keep_as`` the file it replaces is renamed
        to ``keep_as`` first (a kill between the two renames leaves both files, the new one
        under its hidden name). Returns the path written."""
        if self._done:
            return self.path
        try:
            self._commit(keep_as)
        except BaseException as exc:
            self.discard()
            if isinstance(exc, OSError):
                raise _naming(exc, self.path) from exc
            raise
        self._done = True
        return self.path

    def _commit(self, keep_as: str | Path | None) -> None:
        fh = self.file
        assert fh is not None
        fh.flush()
        if self._through:
            fh.close()
            return
        if self.sync:
            os.fsync(fh.fileno())
        if self._named is None:  # still anonymous
            if keep_as is None and _link_fd(fh.fileno(), self.path) == 0:
                fh.close()
                return
            self._name_anonymous(fh)
        fh.close()
        if keep_as is not None and self.path.exists():
            os.replace(self.path, keep_as)
        os.replace(self._named, self.path)  # type: ignore[arg-type]
        self._named = None

    def _name_anonymous(self, fh: BinaryIO) -> None:
        """Link the anonymous file under a hidden name, or copy it into a named temporary
        file where the system refuses to link anonymous files."""
        hidden = self.path.with_name(f"{TEMP_PREFIX}{os.getpid()}-{secrets.token_hex(6)}.tmp")
        if _link_fd(fh.fileno(), hidden) == 0:
            self._named = hidden
            return
        fd = self._named_temp()
        with os.fdopen(fd, "wb") as copy:
            fh.seek(0)
            for block in iter(lambda: fh.read(1 << 20), b""):
                copy.write(block)
            copy.flush()
            if self.sync:
                os.fsync(copy.fileno())

    def discard(self) -> None:
        """Drop the file: the target keeps its old content (a device was written through)."""
        if self._done:
            return
        self._done = True
        if self.file is not None:
            with contextlib.suppress(OSError):
                self.file.close()
        if self._named is not None:
            self._named.unlink(missing_ok=True)
            self._named = None

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.commit()
            return
        self.discard()
        if isinstance(exc, OSError) and exc.filename is None:  # a write to self.file failed
            raise _naming(exc, self.path) from exc


def atomic_write_bytes(path: str | Path, data: bytes, *, sync: bool = True) -> Path:
    """Write ``data`` to ``path`` atomically (see the module docstring); returns the path.

    ``sync=False`` skips the fsync of this file: call :func:`sync_folder` once for the group.
    """
    with AtomicWriter(path, sync=sync) as writer:
        writer.write(data)
    return writer.path


def atomic_write_text(
    path: str | Path, text: str, encoding: str = "utf-8", *, sync: bool = True
) -> Path:
    """Write ``text`` atomically (see :func:`atomic_write_bytes`)."""
    return atomic_write_bytes(path, text.encode(encoding), sync=sync)


def sync_folder(folder: str | Path) -> None:
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


def sweep_temp_files(folder: str | Path) -> int:
    """Delete the temporary files a killed writer left below ``folder`` (our prefix only);
    returns how many."""
    count = 0
    for tmp in Path(folder).rglob(f"{TEMP_PREFIX}*.tmp"):
        with contextlib.suppress(OSError):
            tmp.unlink()
            count += 1
    return count


def is_special_file(path: str | Path) -> bool:
    """True when ``path`` exists and is neither a regular file nor a folder (a device, a FIFO).

    Such a target is written through, not replaced, and is never "an existing output" that
    overwriting protection should guard.
    """
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _naming(exc: OSError, target: Path) -> OSError:
    """``exc`` as an error about ``target`` (not the temporary file or the folder)."""
    if exc.errno is None or exc.filename == str(target):
        return exc
    return OSError(exc.errno, exc.strerror, str(target))


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

    ``linkat(fd, "", AT_FDCWD, target, AT_EMPTY_PATH)`` first, then the ``/proc/self/fd``
    link. ``EEXIST`` means ``target`` exists (links never replace).
    """
    import ctypes

    linkat = _linkat()
    if linkat is not None:
        if linkat(fd, b"", _AT_FDCWD, os.fsencode(target), _AT_EMPTY_PATH) == 0:
            return 0
        if ctypes.get_errno() == errno.EEXIST:
            return errno.EEXIST
    try:
        os.link(f"/proc/self/fd/{fd}", target, follow_symlinks=True)
        return 0
    except OSError as exc:
        return exc.errno or errno.EIO


def _umask() -> int:
    """Return the process umask (reading it means setting it; set it straight back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def sha256_bytes(data: bytes) -> str:
    """Return the hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: str | Path) -> str:
    """Return the hex SHA-256 of a file's content."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
