"""Streamed runs: the pool renders while the parent decides; a broken pool or a capped item list loses nothing."""

from __future__ import annotations

from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from batch_helpers import assert_consistent, doc_text, options, write_roster

from speechkit.batch import run_batch, runner, steps, worker
from speechkit.batch.plan import _find_towns
from speechkit.profiles import find_towns


def test_parent_town_listing_matches_find_towns(workspace: Path) -> None:
    towns = workspace / "profiles" / "towns"
    (towns / ".hidden.yaml").write_text("x: 1\n", "utf-8")
    (towns / "gushan.members.yaml").write_text("x: 1\n", "utf-8")
    (towns / "folder.yaml").mkdir()
    (towns / "notes.txt").write_text("x", "utf-8")
    (towns / "aaa.yaml").write_text("x: 1\n", "utf-8")
    expected = find_towns(workspace / "profiles")
    assert _find_towns(workspace / "profiles") == expected
    assert [p.name for p in expected] == ["aaa.yaml", "donghu.yaml", "xishan.yaml"]
    empty = workspace / "empty"
    empty.mkdir()
    assert _find_towns(empty) == find_towns(empty) == []


def _statuses(result) -> dict[str, str]:
    return {i.output: i.status for i in result.items if i.output}


def test_pool_run_with_a_head_gives_the_same_documents(workspace: Path, monkeypatch) -> None:
    # outputs are decided and staged two at a time while the workers render
    monkeypatch.setattr(steps, "STAGE_BATCH", 2)
    write_roster(
        workspace / "profiles/towns/xishan.members.csv",
        [[f"成员{i}", "女", "1990.01", "2015.01", "支部", ""] for i in range(6)],
    )
    one = run_batch(options(workspace, jobs=1))
    opts = options(workspace, jobs=2)
    opts.out = workspace / "out2"
    two = run_batch(opts)
    assert two.jobs == 2 and two.exit_code == 0
    assert len(_statuses(two)) > 2 * steps.STAGE_BATCH
    assert _statuses(one) == _statuses(two)
    assert set(_statuses(two).values()) == {"generated"}
    for rel in _statuses(one):
        assert doc_text(workspace / "out" / rel) == doc_text(opts.out / rel), rel
    assert len(assert_consistent(opts.out)) == len(_statuses(two))
    again = run_batch(opts)
    assert set(_statuses(again).values()) == {"unchanged"}


def test_outputs_not_yet_decided_when_the_pool_breaks_are_produced(
    workspace: Path, monkeypatch
) -> None:
    monkeypatch.setattr(steps, "STAGE_BATCH", 2)

    class BreaksOnRender(runner.Executor):
        broke = False

        def stream(self, fn, feed, *args, **kw):
            if fn is worker.render_chunk and not BreaksOnRender.broke:
                BreaksOnRender.broke = True
                feed()  # the first outputs are decided and staged, the rest not yet
                raise BrokenProcessPool("worker died")
            yield from super().stream(fn, feed, *args, **kw)

    monkeypatch.setattr(runner, "Executor", BreaksOnRender)
    result = run_batch(options(workspace, jobs=2))
    assert BreaksOnRender.broke and result.jobs == 1 and result.exit_code == 0
    produced = _statuses(result)
    assert len(produced) > 2 * steps.STAGE_BATCH
    assert set(produced.values()) == {"generated"}
    assert len(assert_consistent(workspace / "out")) == len(produced)
