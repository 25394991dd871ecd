"""A re-run with nothing changed compares size and mtime and hashes only files that changed."""

from __future__ import annotations

import os
from pathlib import Path

from batch_helpers import members, write_roster

from speechkit.batch import BatchOptions, manifest, run_batch


def _options(ws: Path, **kw) -> BatchOptions:
    kw.setdefault("jobs", 1)
    return BatchOptions(
        profiles=ws / "profiles", templates_dir=ws / "templates", out=ws / "out", **kw
    )


def test_noop_rerun_hashes_nothing_and_a_touched_file_once(workspace: Path, monkeypatch) -> None:
    write_roster(workspace / "profiles/towns/donghu.members.csv", members(30))
    first = run_batch(_options(workspace))
    assert first.count("generated") == 33 and first.exit_code == 0
    hashed: list[str] = []
    real = manifest.sha256_file

    def counting(path):
        hashed.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(manifest, "sha256_file", counting)
    again = run_batch(_options(workspace))
    assert again.count("unchanged") == 33 and hashed == []
    touched = workspace / "out/东湖镇/党性分析评议表/党员0007.docx"
    os.utime(touched, ns=(1, 1))  # same content, other mtime (a copy, a backup tool)
    third = run_batch(_options(workspace))
    assert third.count("unchanged") == 33 and hashed == ["党员0007.docx"]
    hashed.clear()
    run_batch(_options(workspace))  # the new mtime was recorded: not hashed again
    assert hashed == []


def test_a_big_run_lists_a_bounded_number_of_items_with_exact_counts(workspace: Path) -> None:
    write_roster(workspace / "profiles/towns/donghu.members.csv", members(40))
    result = run_batch(_options(workspace, keep_items=10))
    assert result.count("generated") == 43
    assert len(result.items) == 10 and result.dropped == 33
    full = _options(workspace)
    full.out = workspace / "out-full"
    everything = [i.output for i in run_batch(full).items]
    assert len(everything) == 43
    assert [i.output for i in result.items] == everything[:10]  # the first ones, in plan order
