"""Keeping the manifest in step with what is produced, and deciding what to produce.

Write-ahead (see :mod:`speechkit.batch.manifest`): the entries of outputs about to be produced
are committed as pending before any worker gets them; produced outputs are recorded as their
results arrive and committed every :data:`FLUSH_SECONDS`, after one ``syncfs``.
"""

from __future__ import annotations

import time

from speechkit.batch.manifest import Manifest, reconcile
from speechkit.fsutil import sync_folder

# Recording commits at most this often; outputs produced in between are still staged as
# pending, so a kill loses no record, only some hashing at the next start.
FLUSH_SECONDS = 5.0


class Recorder:
    """Keeps the manifest in step with what is produced (write-ahead, see module docstring)."""

    def __init__(self, manifest: Manifest) -> None:
        self.manifest = manifest
        self.last_save = time.monotonic()
        self.unsaved = 0

    def stage(self, staged: list[tuple[str, dict]]) -> None:
        """Commit pending entries for outputs about to be produced (files recorded since the
        last commit are flushed to disk first: the commit covers their records too)."""
        if not staged:
            return
        if self.unsaved:
            sync_folder(self.manifest.out)
            self.unsaved = 0
            self.last_save = time.monotonic()
        self.manifest.stage_many(staged)

    def record(
        self,
        rel: str,
        sha256: str,
        stat: tuple[int, int] | None = None,
        entry: dict | None = None,
    ) -> None:
        """Record a produced output (``entry``: the one staged for it, saves reading it back);
        commit now and then."""
        if entry is not None and stat is not None:
            self.manifest.put(rel, dict(entry, sha256=sha256, size=stat[0], mtime_ns=stat[1]))
        else:
            self.manifest.commit(rel, sha256, stat)
        self.unsaved += 1
        if time.monotonic() - self.last_save >= FLUSH_SECONDS:
            self.save()

    def adopt(self, rel: str, entry: dict, sha256: str, stat: tuple[int, int]) -> None:
        """Record an existing file (nothing was written) as the output of ``entry``."""
        self.manifest.adopt(rel, entry, sha256, stat)

    def forget(self, rel: str) -> None:
        """The output was not produced: drop its pending entry."""
        self.manifest.drop_pending(rel)

    def save(self) -> None:
        """Flush the produced files to disk, then commit the manifest."""
        if self.unsaved:
            sync_folder(self.manifest.out)
        self.manifest.save()
        self.last_save = time.monotonic()
        self.unsaved = 0

    def finish(self) -> None:
        """Commit what is recorded, then settle anything still pending (a dead worker's)."""
        self.save()
        reconcile(self.manifest)


def decide(
    manifest: Manifest, rel: str, key: str, force: bool, adopt: bool = False
) -> tuple[str, str | None, dict | None]:
    """Decide what to do with output ``rel``: ``(action, sha256 on disk, manifest entry)``.

    ``render`` (missing, or inputs changed), ``unchanged``, ``edited`` (changed since generated:
    keep it), ``replace`` (``force``: move it aside and render). With ``adopt``, a file the
    manifest does not know gives ``adopt``: render and compare, and record the file as ours when
    it is byte-identical (a lost manifest, a copied output folder). Size and mtime are compared
    first; a file is hashed only when they changed.
    """
    entry = manifest.get(rel)
    disk = manifest.disk_sha(rel, entry or {})
    if disk is None:
        return "render", None, entry
    if entry is not None and entry.get("sha256") and disk == entry.get("sha256"):
        return ("unchanged" if entry.get("key") == key else "render"), disk, entry
    if (entry is None or not entry.get("sha256")) and adopt:
        return "adopt", disk, entry
    return ("replace" if force else "edited"), disk, entry
