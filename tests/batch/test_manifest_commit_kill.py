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

BATCH = 3000  # rows per transaction, as a run stages them
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
""".replace("BATCH", str(BATCH))


def test_sigkill_during_commits_leaves_whole_transactions(tmp_path: Path) -> None:
    counts = []
    for delay in (0.3, 0.55, 0.8, 1.1):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(tmp_path)], stdout=subprocess.PIPE
        )
        assert proc.stdout.readline().strip() == b"ready"
        time.sleep(delay)  # the writer commits continuously: the kill lands in or near one
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        manifest = Manifest.load(tmp_path)
        count = len(manifest)
        assert count % BATCH == 0, count  # no half transaction
        rows = manifest.entries()
        assert all(e["sha256"] and e["kind"] == "form" for e in rows.values())
        manifest.close()
        counts.append(count)
    assert counts == sorted(counts) and counts[-1] > counts[0] > 0  # each run added rows
