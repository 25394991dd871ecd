"""A re-run with nothing changed compares size and mtime and hashes only files that changed."""

from __future__ import annotations

import os
from pathlib import Path

from batch_helpers import members, options, write_roster

from speechkit.batch import manifest, run_batch


def test_noop_rerun_hashes_nothing_and_a_touched_file_once(workspace: Path, monkeypatch) -> None:
    write_roster(workspace / "profiles/towns/donghu.members.csv", members(30))
    first = run_batch(options(workspace))
    assert first.count("generated") == 33 and first.exit_code == 0
    hashed: list[str] = []
    real = manifest.sha256_file

    def counting(path):
        hashed.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(manifest, "sha256_file", counting)
    again = run_batch(options(workspace))
    assert again.count("unchanged") == 33 and hashed == []
    touched = workspace / "out/东湖镇/党性分析评议表/党员0007.docx"
    os.utime(touched, ns=(1, 1))  # same content, other mtime (a copy, a backup tool)
    third = run_batch(options(workspace))
    assert third.count("unchanged") == 33 and hashed == ["党员0007.docx"]
    hashed.clear()
    run_batch(options(workspace))  # the new mtime was recorded: not hashed again
    assert hashed == []


def test_a_big_run_lists_a_bounded_number_of_items_with_exact_counts(workspace: Path) -> None:
    write_roster(workspace / "profiles/towns/donghu.members.csv", members(40))
    result = run_batch(options(workspace, keep_items=10))
    assert result.count("generated") == 43
    assert len(result.items) == 10 and result.dropped == 33
    full = options(workspace)
    full.out = workspace / "out-full"
    everything = [i.output for i in run_batch(full).items]
    assert len(everything) == 43
    assert [i.output for i in result.items] == everything[:10]  # the first ones, in plan order
