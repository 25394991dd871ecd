"""The manifest ``<out>/.speechkit-manifest.sqlite``: what each output was generated from.

One row per output, keyed by its path relative to ``--out`` (``/`` separators); as a dict
(:meth:`Manifest.get`)::

    {"kind": "document" | "form" | "merged" | "pdf", "town": slug, "document": name,
     "member": name, "inputs": {"template": sha, "profile": sha, "row": sha, "version": v},
     "key": sha of inputs, "sha256": output's own hash, "size": n, "mtime_ns": n,
     "generated": ISO time, "check": cached check result}

SQLite from the standard library, in WAL mode, written in transactions of many rows, so a
run's memory does not grow with the number of outputs and a save costs what changed, not the
whole manifest. A JSON manifest of an earlier version (``.speechkit-manifest.json``) is imported
in one transaction on first use and then renamed ``.speechkit-manifest.json.migrated``.

Crash safety (write-ahead): before outputs are produced, their new entries are committed in
the ``pending`` column (the old values stay), without the new hash, which is not known yet.
Each output is then written atomically by whichever process rendered it and recorded (hash,
size, mtime) by the parent; those records are committed every few seconds and at the end,
after one ``syncfs`` so the files are on disk before the manifest says so. A kill -9 at any
moment, even inside a commit, leaves the last committed state (SQLite's journal), and
:func:`reconcile` (run when the manifest is opened) settles what was left pending against the
disk: a file whose content differs from the old entry's was written by that run and is
recorded; a file still holding the old content keeps the old entry; a missing file drops the
entry.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from speechkit.errors import SpeechkitError, describe_os_error, display_path
from speechkit.fsutil import sha256_bytes, sha256_file

MANIFEST_NAME = ".speechkit-manifest.sqlite"
JSON_NAME = ".speechkit-manifest.json"  # the manifest of versions before 0.5, migrated
MIGRATED_SUFFIX = ".migrated"
FORMAT = 2
COLUMNS = (
    "kind",
    "town",
    "document",
    "member",
    "inputs",
    "row",
    "key",
    "sha256",
    "size",
    "mtime_ns",
    "generated",
    "check_result",
    "pending",
)
# ``inputs`` holds the id of a row of ``sources`` (the inputs shared by many outputs: template,
# profile, version) and ``row`` the roster row's digest, so a million forms of a hundred towns
# store a few hundred distinct input sets once.
_SCHEMA = """
CREATE TABLE IF NOT EXISTS outputs (
    rel TEXT PRIMARY KEY, kind TEXT, town TEXT, document TEXT, member TEXT, inputs INTEGER,
    row TEXT, key TEXT, sha256 TEXT, size INTEGER, mtime_ns INTEGER, generated TEXT,
    check_result TEXT, pending TEXT
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS outputs_pending ON outputs(rel) WHERE pending IS NOT NULL;
CREATE TABLE IF NOT EXISTS sources (id INTEGER PRIMARY KEY, inputs TEXT UNIQUE);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT);
"""
CORRUPT = (
    "清单文件 {path} 已损坏，无法判断哪些文件被修改过。请检查或删除它后重试"
    "（删除后，内容与重新生成结果相同的文件会被认回，其余文件保留不覆盖）。"
)

__all__ = [
    "MANIFEST_NAME",
    "Manifest",
    "input_key",
    "locked",
    "new_entry",
    "reconcile",
]


def row_to_entry(row: tuple, sources: dict[int, dict]) -> dict:
    """A database row (``COLUMNS`` order) as the entry dict of the module docstring;
    ``sources`` maps ``sources.id`` to its inputs."""
    entry: dict = {}
    for name, value in zip(COLUMNS, row, strict=True):
        if name == "row":
            continue
        if value is None:
            continue
        if name == "inputs":
            value = dict(sources.get(value, {}))
            if row[COLUMNS.index("row")] is not None or "row" in value:
                value["row"] = row[COLUMNS.index("row")]
        elif name in ("check_result", "pending"):
            value = json.loads(value)
        entry["check" if name == "check_result" else name] = value
    return entry


class Manifest:
    """The manifest of one output folder, kept in SQLite (see the module docstring)."""

    def __init__(self, out: Path, db: sqlite3.Connection) -> None:
        self.out = Path(out)
        self.db = db
        self.settled = False  # True when opening settled entries a killed run left pending
        self._planned = False
        self._sources: dict[int, dict] = {}
        self._source_ids: dict[str, int] = {}
        self._source_fast: dict[str, int] = {}
        for sid, text in db.execute("SELECT id, inputs FROM sources"):
            self._sources[sid] = json.loads(text)
            self._source_ids[text] = sid

    def _source_id(self, inputs: dict) -> int:
        """The ``sources`` id of ``inputs`` without its ``row`` (added when new)."""
        shared = {k: v for k, v in inputs.items() if k != "row"}
        fast = repr(sorted(shared.items()))  # cheaper than JSON for the lookup
        sid = self._source_fast.get(fast)
        if sid is not None:
            return sid
        text = json.dumps(shared, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        sid = self._source_ids.get(text)
        if sid is None:
            self._begin()
            sid = self.db.execute("INSERT INTO sources (inputs) VALUES (?)", (text,)).lastrowid
            self._sources[sid], self._source_ids[text] = shared, sid
        self._source_fast[fast] = sid
        return sid

    def _values(self, entry: dict) -> list:
        """The column values of ``entry`` in ``COLUMNS`` order, ``pending`` left out."""
        values = []
        inputs = entry.get("inputs")
        for name in COLUMNS[:-1]:
            if name == "inputs":
                value = None if inputs is None else self._source_id(inputs)
            elif name == "row":
                value = None if inputs is None else inputs.get("row")
            else:
                value = entry.get("check" if name == "check_result" else name)
                if name == "check_result" and value is not None:
                    value = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
            values.append(value)
        return values

    @property
    def path(self) -> Path:
        """Where the manifest file lives."""
        return self.out / MANIFEST_NAME

    @classmethod
    def load(cls, out: Path) -> Manifest:
        """Open the manifest of ``out`` (created empty), migrate a JSON one, reconcile."""
        out = Path(out)
        path = out / MANIFEST_NAME
        try:
            db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.executescript(_SCHEMA)
            db.execute("PRAGMA user_version").fetchone()
        except sqlite3.DatabaseError as exc:
            raise SpeechkitError(CORRUPT.format(path=display_path(path))) from exc
        except OSError as exc:  # pragma: no cover - the folder was checked by locked()
            raise SpeechkitError(
                f"无法打开清单文件 {display_path(path)}：{describe_os_error(exc)}"
            ) from exc
        manifest = cls(out, db)
        manifest._migrate_json()
        manifest.settled = reconcile(manifest)
        return manifest

    def close(self) -> None:
        """Commit what is open and close the database."""
        with contextlib.suppress(sqlite3.Error):
            self.save()
            self.db.close()

    # --------------------------------------------------------------- transactions

    def _begin(self) -> None:
        if not self.db.in_transaction:
            self.db.execute("BEGIN")

    def save(self) -> None:
        """Commit the open transaction (the rows staged, recorded or dropped since the last)."""
        try:
            if self.db.in_transaction:
                self.db.execute("COMMIT")
        except sqlite3.Error as exc:
            raise SpeechkitError(f"无法写入清单文件 {display_path(self.path)}：{exc}") from exc

    # --------------------------------------------------------------- migration

    def _migrate_json(self) -> None:
        """Import ``.speechkit-manifest.json`` in one transaction, then rename it."""
        old = self.out / JSON_NAME
        if not old.is_file():
            return
        done = self.db.execute("SELECT value FROM meta WHERE name='migrated'").fetchone()
        if done is None:
            try:
                data = json.loads(old.read_text("utf-8"))
                entries = data["outputs"]
                if not isinstance(entries, dict):
                    raise TypeError
            except (ValueError, KeyError, TypeError, OSError) as exc:
                raise SpeechkitError(CORRUPT.format(path=display_path(old))) from exc
            self._begin()
            for rel, entry in entries.items():
                if not isinstance(entry, dict):
                    continue
                if "sha256" in entry:
                    self.put(rel, entry)
                if isinstance(entry.get("pending"), dict):
                    self.stage(rel, entry["pending"])
            self.db.execute(
                "INSERT OR REPLACE INTO meta VALUES ('migrated', ?)",
                (str(data.get("speechkit", "")),),
            )
            self.save()
        with contextlib.suppress(OSError):
            os.replace(old, old.with_name(JSON_NAME + MIGRATED_SUFFIX))

    # --------------------------------------------------------------- rows

    def get(self, rel: str) -> dict | None:
        """The entry of output ``rel`` (with ``pending`` when one is staged), or None."""
        row = self.db.execute(
            f"SELECT {', '.join(COLUMNS)} FROM outputs WHERE rel = ?", (rel,)
        ).fetchone()
        return None if row is None else row_to_entry(row, self._sources)

    def entries(self) -> dict[str, dict]:
        """Every entry, by relative path (tests and small folders; a run never loads all)."""
        rows = self.db.execute(f"SELECT rel, {', '.join(COLUMNS)} FROM outputs ORDER BY rel")
        return {row[0]: row_to_entry(row[1:], self._sources) for row in rows}

    def __len__(self) -> int:
        return self.db.execute("SELECT count(*) FROM outputs").fetchone()[0]

    def put(self, rel: str, entry: dict) -> None:
        """Store ``entry`` (recorded, with its hash) as the current entry of ``rel``."""
        self._begin()
        values = self._values(entry)
        self.db.execute(
            f"INSERT OR REPLACE INTO outputs (rel, {', '.join(COLUMNS)}) "
            f"VALUES (?, {', '.join('?' * len(COLUMNS))})",
            (rel, *values, None),
        )

    def stage(self, rel: str, entry: dict) -> None:
        """Record ``entry`` as pending for ``rel`` (before the file is written)."""
        self.stage_many([(rel, entry)])

    def stage_many(self, staged: list[tuple[str, dict]]) -> None:
        """:meth:`stage` many entries and commit them (the write-ahead record)."""
        if not staged:
            return
        self._begin()
        self.db.executemany(
            "INSERT INTO outputs (rel, pending) VALUES (?, ?) "
            "ON CONFLICT(rel) DO UPDATE SET pending = excluded.pending",
            [(rel, json.dumps(entry, ensure_ascii=False)) for rel, entry in staged],
        )
        self.save()

    def commit(
        self, rel: str, sha256: str | None = None, stat: tuple[int, int] | None = None
    ) -> None:
        """Make the pending entry of ``rel`` current, with the written file's hash, size, mtime.

        ``sha256`` is the hash of what was written and ``stat`` its ``(size, mtime_ns)``, as the
        writer saw them; both are read from the file when not given. Not committed to disk
        until :meth:`save`.
        """
        row = self.db.execute("SELECT pending FROM outputs WHERE rel = ?", (rel,)).fetchone()
        if row is None or row[0] is None:
            return
        entry = json.loads(row[0])
        path = os.path.join(self.out, rel)
        if stat is None:
            st = os.stat(path)
            stat = (st.st_size, st.st_mtime_ns)
        entry["sha256"] = sha256 or sha256_file(path)
        entry["size"], entry["mtime_ns"] = stat
        entry.pop("check", None)  # a new file: its check result is not cached yet
        self.put(rel, entry)

    def adopt(self, rel: str, entry: dict, sha256: str, stat: tuple[int, int]) -> None:
        """Record an existing file (nothing was written) as the output of ``entry``."""
        self.put(rel, dict(entry, sha256=sha256, size=stat[0], mtime_ns=stat[1]))

    def set_check(self, rel: str, sha256: str, check: dict) -> None:
        """Cache a check result on the entry of ``rel`` while it still records ``sha256``."""
        self._begin()
        self.db.execute(
            "UPDATE outputs SET check_result = ? WHERE rel = ? AND sha256 = ?",
            (json.dumps(check, ensure_ascii=False), rel, sha256),
        )

    def drop_pending(self, rel: str) -> None:
        """Forget the pending entry of ``rel`` (the file was not written)."""
        self._begin()
        self.db.execute("DELETE FROM outputs WHERE rel = ? AND sha256 IS NULL", (rel,))
        self.db.execute("UPDATE outputs SET pending = NULL WHERE rel = ?", (rel,))

    def pending(self) -> list[tuple[str, dict]]:
        """``(rel, entry)`` of every output with a pending entry."""
        rows = self.db.execute(
            f"SELECT rel, {', '.join(COLUMNS)} FROM outputs WHERE pending IS NOT NULL"
        ).fetchall()
        return [(row[0], row_to_entry(row[1:], self._sources)) for row in rows]

    def mark_planned(self, rels: list[str]) -> None:
        """Note outputs this run plans (a temporary table, on disk: not kept in memory)."""
        if not self._planned:
            self.db.execute("CREATE TEMP TABLE IF NOT EXISTS planned (rel TEXT PRIMARY KEY)")
            self._planned = True
        self._begin()
        self.db.executemany("INSERT OR IGNORE INTO planned VALUES (?)", ((r,) for r in rels))

    def not_planned(self, towns: list[str]) -> Iterator[tuple[str, dict]]:
        """``(rel, entry)`` of the documents and forms recorded for these town slugs that this
        run did not plan (see :meth:`mark_planned`); one pass over the table."""
        if not self._planned:
            self.mark_planned([])
        wanted = set(towns)
        rows = self.db.execute(
            f"SELECT rel, {', '.join(COLUMNS)} FROM outputs WHERE "
            "kind IN ('document', 'form') AND sha256 IS NOT NULL "
            "AND rel NOT IN (SELECT rel FROM temp.planned) ORDER BY rel"
        )
        for row in rows:
            if row[2] in wanted:
                yield row[0], row_to_entry(row[1:], self._sources)

    # --------------------------------------------------------------- disk

    def file(self, rel: str) -> Path:
        """Absolute path of the output ``rel``."""
        return self.out / rel

    def disk_sha(self, rel: str, entry: dict | None = None) -> str | None:
        """sha256 of the output on disk (None when missing); trusts size+mtime when unchanged.

        ``entry`` is the output's entry when the caller has already read it.
        """
        path = os.path.join(self.out, rel)
        try:
            st = os.stat(path)
        except OSError:
            return None
        if entry is None:
            entry = self.get(rel)
        if entry and entry.get("size") == st.st_size and entry.get("mtime_ns") == st.st_mtime_ns:
            return entry.get("sha256")
        sha = sha256_file(path)
        if entry and sha == entry.get("sha256"):  # touched, same content: not hashed again
            self._begin()
            self.db.execute(
                "UPDATE outputs SET size = ?, mtime_ns = ? WHERE rel = ? AND sha256 = ?",
                (st.st_size, st.st_mtime_ns, rel, sha),
            )
        return sha


def reconcile(manifest: Manifest) -> bool:
    """Settle pending entries against the disk; return True when anything changed.

    A pending output whose file exists with content other than the old entry's was written by
    the interrupted run: it is recorded. Otherwise the pending entry is dropped and the old
    entry (if any) stays, so a file someone changed still shows as edited.
    """
    pending = manifest.pending()
    for rel, entry in pending:
        path = manifest.file(rel)
        disk = sha256_file(path) if path.is_file() else None
        expected = entry["pending"].get("sha256")
        written = disk is not None and (
            disk == expected if expected else disk != entry.get("sha256")
        )
        if written:
            manifest.commit(rel, disk)
        else:
            manifest.drop_pending(rel)
    manifest.save()
    return bool(pending)


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
