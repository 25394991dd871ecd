"""One process-pool helper (speechkit.procpool) for every command that runs work in parallel.

batch (spawned workers) and check (forked workers sharing the prepared tokenizer) both go
through :class:`speechkit.procpool.Pool`; one job runs in this process; work is pulled from a
feed only as workers free up; a dead worker raises BrokenProcessPool and the caller can finish
in this process; and no module but procpool starts a process pool of its own.
"""

from __future__ import annotations

import ast
import os
from concurrent.futures.process import BrokenProcessPool

import pytest

from speechkit import procpool
from speechkit.errors import InputFileError
from speechkit.procpool import Pool, can_start, chunks
from tests.source_scan import package_modules

needs_fork = pytest.mark.skipif(not can_start("fork"), reason="fork is POSIX only")


def _pids(chunk, shared):
    return [(item, os.getpid(), shared) for item in chunk]


def _die(chunk, shared):
    os._exit(3)


def test_one_job_runs_in_this_process_chunk_by_chunk():
    seen = []
    with Pool(1) as pool:
        for item, pid, shared in pool.stream(_pids, chunks(range(5), 2), lambda c: len(c)):
            seen.append((item, shared))
            assert pid == os.getpid()
    assert seen == [(0, 2), (1, 2), (2, 2), (3, 2), (4, 1)]


@needs_fork
def test_work_is_fed_only_as_workers_free_up():
    calls = []
    source = chunks(range(100), 1)

    def feed():
        calls.append(1)
        return source()

    with Pool(2, start_method="fork", in_flight=1) as pool:
        results = pool.stream(_pids, feed)
        next(results)
        assert len(calls) == 2  # two workers, one chunk each in flight: nothing more fed yet
        rest = list(results)
    assert len(rest) == 99 and len(calls) == 101  # the last call found the feed empty
    assert {pid for _i, pid, _s in rest} != {os.getpid()}


@needs_fork
def test_a_dead_worker_breaks_the_pool_and_degrading_finishes_here():
    pool = Pool(2, start_method="fork")
    with pytest.raises(BrokenProcessPool):
        list(pool.stream(_die, chunks(range(4), 1)))
    pool.degrade()
    assert pool.jobs == 1
    assert [pid for _i, pid, _s in pool.map(_pids, [1, 2])] == [os.getpid()] * 2
    pool.close()


def test_batch_runs_its_workers_in_the_pool_helper_with_spawn():
    from speechkit.batch import worker
    from speechkit.batch.pool import Executor

    executor = Executor(2)
    assert isinstance(executor, Pool)
    assert executor.start_method == "spawn" and executor.initializer is worker.init_worker
    executor.close()


@needs_fork
def test_check_runs_many_files_in_the_pool_helper_with_fork(tmp_path, monkeypatch):
    from speechkit.check import check_files

    made = []

    class Recording(Pool):
        def __init__(self, jobs, **kw):
            super().__init__(jobs, **kw)
            made.append((self.jobs, self.start_method))

    monkeypatch.setattr(procpool, "Pool", Recording)
    paths = []
    for i, text in enumerate(["认真布署工作。", "今天开会。", "要坚持不泄地抓落实。"]):
        paths.append(tmp_path / f"{i}.txt")
        paths[-1].write_text(text + "\n", encoding="utf-8")
    parallel = check_files(paths, jobs=2)
    alone = check_files(paths, jobs=1)
    assert made == [(2, "fork"), (1, "fork")]
    assert [r.path for r in parallel] == [str(p) for p in paths]  # the order of the paths
    as_rules = [[f.rule for f in r.findings] for r in parallel]
    assert as_rules == [[f.rule for f in r.findings] for r in alone]
    assert "typo.common" in as_rules[0]


@needs_fork
def test_check_names_every_unusable_file_in_chinese_with_several_jobs(tmp_path):
    from speechkit.check import check_files

    good = tmp_path / "好.txt"
    good.write_text("今天开会。\n", encoding="utf-8")
    bad = [tmp_path / "坏.docx", tmp_path / "坏.xyz"]
    for path in bad:
        path.write_bytes(b"x")
    with pytest.raises(InputFileError) as info:
        check_files([bad[0], good, bad[1]], jobs=2)
    message = info.value.format_message()
    assert "2 个文件无法检查" in message and "坏.docx" in message and "坏.xyz" in message


@needs_fork
def test_a_dead_checker_worker_is_a_chinese_message_not_a_traceback(tmp_path, monkeypatch):
    from speechkit.check import check_files, engine
    from speechkit.errors import SpeechkitError

    paths = []
    for i in range(2):
        paths.append(tmp_path / f"{i}.txt")
        paths[-1].write_text("今天开会。\n", encoding="utf-8")
    monkeypatch.setattr(engine, "check", lambda *a, **k: os._exit(9))  # inherited by fork
    with pytest.raises(SpeechkitError, match="检查进程意外退出.*--jobs 1"):
        check_files(paths, jobs=2)


# -- nobody else starts a pool -----------------------------------------------------------

# module → why it starts a process without the pool helper
ALLOWED = {
    "web/checkworker.py": "one long-lived checker process with a time limit per check",
}


_STARTERS = ("ProcessPoolExecutor", "Pool", "Process", "fork", "spawnv")


def _pools(tree: ast.AST) -> list[str]:
    """Process pools or processes a module starts itself (names imported from procpool are
    the helper's own)."""
    helper = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "speechkit.procpool"
        for alias in node.names
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module != "speechkit.procpool":
            found += [a.name for a in node.names if a.name in _STARTERS]
        elif isinstance(node, ast.Name) and node.id in _STARTERS and node.id not in helper:
            found.append(node.id)
        elif isinstance(node, ast.Attribute) and node.attr in _STARTERS:
            found.append(ast.unparse(node))
    return found


def test_no_module_but_procpool_starts_worker_processes():
    found = {
        rel: calls for rel, tree in package_modules(but="procpool.py") if (calls := _pools(tree))
    }
    offending = [f"{rel}: {calls}" for rel, calls in found.items() if rel not in ALLOWED]
    used = {rel for rel in found if rel in ALLOWED}
    assert offending == [], "use speechkit.procpool.Pool"
    assert used == set(ALLOWED)


def test_the_scan_sees_a_pool_of_its_own():
    code = (
        "import multiprocessing\n"
        "from concurrent.futures import ProcessPoolExecutor\n"
        "pool = multiprocessing.get_context('fork').Pool(2)\n"
    )
    found = _pools(ast.parse(code))
    assert sorted(found) == ["ProcessPoolExecutor", "multiprocessing.get_context('fork').Pool"]
    assert _pools(ast.parse("from speechkit.procpool import Pool\nPool(2)\n")) == []
