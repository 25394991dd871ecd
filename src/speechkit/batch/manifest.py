"""The manifest ``<out>/.speechkit-manifest.json``: what each output was generated from.

One entry per output, keyed by its path relative to ``--out`` (``/`` separators)::

    {"kind": "document" | "form" | "merged" | "pdf", "town": slug, "document": name,
     "member": name, "inputs": {"template": sha, "profile": sha, "row": sha, "version": v},
     "key": sha of inputs, "sha256": output's own hash, "size": n, "mtime_ns": n,
     "generated": ISO time}

Crash safety (write-ahead): before outputs are produced, their new entries are saved under
``"pending"`` (keeping the old values), without the new hash, which is not known yet. Each
output is then written atomically by whichever process rendered it, and recorded (hash, size,
mtime) in the parent; the manifest is saved again every second and at the end, after one
``syncfs`` so the files are on disk before the manifest says so. :func:`reconcile` (run when
the manifest is loaded) settles what a killed run left pending against the disk: a file whose
content differs from the old entry's was written by that run and is recorded; a file still
holding the old content keeps the old entry; a missing file drops the entry. Files and the
manifest are written through :func:`write_atomic`, which leaves no temporary file behind even
under SIGKILL.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import functools
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from speechkit.errors import SpeechkitError, describe_os_error, display_path
from speechkit.fsutil import atomic_write_bytes, sha256_bytes, sha256_file

MANIFEST_NAME = ".speechkit-manifest.json"
FORMAT = 1
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
    hidden = path.with_name(f"{TEMP_PREFIX}{os.getpid()}-{path.name}.tmp")
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


@dataclass
class Manifest:
    """The manifest of one output folder; ``entries`` maps relative path → entry dict."""

    out: Path
    entries: dict[str, dict] = field(default_factory=dict)
    version: str = ""
    settled: bool = False  # True when loading settled entries a killed run left pending

    @property
    def path(self) -> Path:
        """Where the manifest file lives."""
        return Path(self.out) / MANIFEST_NAME

    @classmethod
    def load(cls, out: Path) -> Manifest:
        """Read the manifest of ``out`` (empty when there is none) and reconcile it."""
        manifest = cls(Path(out))
        path = manifest.path
        if path.exists():
            try:
                data = json.loads(path.read_text("utf-8"))
                entries = data["outputs"]
                if not isinstance(entries, dict):
                    raise TypeError
            except (ValueError, KeyError, TypeError) as exc:
                raise SpeechkitError(
                    f"清单文件 {display_path(path)} 已损坏，无法判断哪些文件被修改过。"
                    "请检查或删除它后重试（删除后，内容与重新生成结果相同的文件会被认回，其余文件保留不覆盖）。"
                ) from exc
            manifest.entries = entries
            manifest.version = str(data.get("speechkit", ""))
        manifest.settled = reconcile(manifest)
        return manifest

    def save(self) -> None:
        """Write the manifest atomically."""
        from speechkit import __version__

        data = {"format": FORMAT, "speechkit": __version__, "outputs": self.entries}
        blob = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        try:
            write_atomic(self.path, blob.encode("utf-8"))
        except OSError as exc:
            raise SpeechkitError(
                f"无法写入清单文件 {display_path(self.path)}：{describe_os_error(exc)}"
            ) from exc

    def file(self, rel: str) -> Path:
        """Absolute path of the output ``rel``."""
        return Path(self.out) / rel

    def disk_sha(self, rel: str) -> str | None:
        """sha256 of the output on disk (None when missing); trusts size+mtime when unchanged."""
        path = os.path.join(self.out, rel)
        try:
            st = os.stat(path)
        except OSError:
            return None
        entry = self.entries.get(rel)
        if entry and entry.get("size") == st.st_size and entry.get("mtime_ns") == st.st_mtime_ns:
            return entry.get("sha256")
        return sha256_file(path)

    def stage(self, rel: str, entry: dict) -> None:
        """Record ``entry`` as pending for ``rel`` (before the file is written)."""
        current = self.entries.get(rel)
        if current is None:
            self.entries[rel] = {"pending": entry}
        else:
            current["pending"] = entry

    def commit(
        self, rel: str, sha256: str | None = None, stat: tuple[int, int] | None = None
    ) -> None:
        """Make the pending entry of ``rel`` current, with the written file's hash, size, mtime.

        ``sha256`` is the hash of what was written and ``stat`` its ``(size, mtime_ns)``, as the
        writer saw them; both are read from the file when not given.
        """
        current = self.entries.get(rel) or {}
        pending = current.get("pending")
        if pending is None:
            return
        entry = dict(pending)
        path = os.path.join(self.out, rel)
        if stat is None:
            st = os.stat(path)
            stat = (st.st_size, st.st_mtime_ns)
        entry["sha256"] = sha256 or sha256_file(path)
        entry["size"], entry["mtime_ns"] = stat
        self.entries[rel] = entry

    def drop_pending(self, rel: str) -> None:
        """Forget the pending entry of ``rel`` (the file was not written)."""
        current = self.entries.get(rel)
        if current is None:
            return
        current.pop("pending", None)
        if "sha256" not in current:
            del self.entries[rel]


def reconcile(manifest: Manifest) -> bool:
    """Settle pending entries against the disk; return True when anything changed.

    A pending output whose file exists with content other than the old entry's was written by
    the interrupted run: it is recorded. Otherwise the pending entry is dropped and the old
    entry (if any) stays, so a file someone changed still shows as edited.
    """
    changed = False
    for rel in list(manifest.entries):
        entry = manifest.entries[rel]
        pending = entry.get("pending")
        if pending is None:
            continue
        changed = True
        path = manifest.file(rel)
        disk = sha256_file(path) if path.is_file() else None
        expected = pending.get("sha256")
        written = disk is not None and (
            disk == expected if expected else disk != entry.get("sha256")
        )
        if written:
            manifest.commit(rel, disk)
        else:
            manifest.drop_pending(rel)
    return changed


def new_entry(
    kind: str,
    inputs: dict,
    data: bytes | None = None,
    when: str = "",
    key: str = "",
    **fields: str,
) -> dict:
    """Build the manifest entry of an output about to be produced (``data`` when known).

    ``when`` is the ISO time recorded as ``generated`` (now when empty); ``key`` the
    :func:`input_key` of ``inputs`` when the caller already has it.
    """
    entry = {
        "kind": kind,
        "inputs": inputs,
        "key": key or input_key(inputs),
        "generated": when or dt.datetime.now().isoformat(timespec="seconds"),
    }
    if data is not None:
        entry["sha256"] = sha256_bytes(data)
    entry.update({k: v for k, v in fields.items() if v})
    return entry


def input_key(inputs: dict) -> str:
    """One hash for a dict of input hashes (what decides whether an output is unchanged)."""
    return sha256_bytes(json.dumps(inputs, sort_keys=True).encode("utf-8"))


@contextlib.contextmanager
def locked(out: Path):
    """Hold an exclusive lock on the output folder for the duration of a run.

    The lock is taken on the folder itself (no lock file is left behind); a second batch on
    the same folder gets a clear message instead of corrupting the manifest.
    """
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd = os.open(out, os.O_RDONLY)
    except OSError as exc:
        raise SpeechkitError(
            f"无法使用输出文件夹 {display_path(out)}：{describe_os_error(exc)}"
        ) from exc
    try:
        try:
            import fcntl  # POSIX; elsewhere runs are not locked against each other

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except ImportError:
            pass
        except OSError:
            raise SpeechkitError(
                f"另一个批量生成任务正在写入 {display_path(out)}，请等它结束后再运行。"
            ) from None
        yield
    finally:
        os.close(fd)
