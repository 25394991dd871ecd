"""A process killed (SIGKILL) while it commits manifest rows leaves a manifest that opens, with
each transaction of many outputs either whole or absent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from speechkit.batch.manifest import Manifest

BATCH = 1000  # rows per transaction, as a run stages them
WRITER = """
import sys
from pathlib import Path
from speechkit.batch.manifest import Manifest, new_entry
manifest = Manifest.load(Path(sys.argv[1]))
n = len(manifest)
print("ready", flush=True)
while True:
    rows = [(f"镇/表/{n + i:07d}.docx", new_entry("form", {"row": str(n + i)}, b"x", town="镇"))
            for i in range(BATCH)]
    for rel, entry in rows:
        manifest.put(rel, dict(entry, size=1, mtime_ns=1))
    manifest.save()
    n += BATCH
    print(n, flush=True)
""".replace("BATCH", str(BATCH))


def test_sigkill_during_commits_leaves_whole_transactions(tmp_path: Path) -> None:
    committed = 0
    for delay in (0.0, 0.01, 0.03, 0.07):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(tmp_path)], stdout=subprocess.PIPE
        )
        assert proc.stdout.readline().strip() == b"ready"
        for _ in range(2):  # two commits reported: the next one is under way
            committed = int(proc.stdout.readline())
        time.sleep(delay)  # land inside the next transaction or its commit
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        manifest = Manifest.load(tmp_path)
        count = len(manifest)
        assert count % BATCH == 0, count  # no half transaction
        assert count >= committed  # every reported commit survived the kill
        rows = manifest.entries()
        assert all(e["sha256"] and e["kind"] == "form" for e in rows.values())
        manifest.close()
    assert committed >= 8 * BATCH
