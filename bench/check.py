"""Benchmark of the terminology check (prints figures and ratios; asserts nothing).

1. Per-document time after start-up: ``check`` of one speech against ``jieba.lcut`` of the same
   text, in the same process (target: at most 1.25×).
2. Whole-process time of ``speechkit check SPEECH`` against jieba's own initialisation in a
   fresh interpreter (target: at most 0.3 s more).
3. 100 documents in one call, every core (``--jobs``) against one process (``--jobs 1``).
4. ``--profile``: checking with the demo town's profile against without, in the library
   (target: at most 1.5×) and as a whole ``speechkit check`` process (target: at most 1.15×);
   also the first run with a profile not yet validated (not cached).

Every time is given as CPU time (user + system of this process, or of the child process) and
as wall time, each the minimum over the runs; the ratios are of CPU times, which a shared,
loaded machine disturbs far less than wall times (the wall ratio follows in brackets). The
two commands compared are run alternately, so that load from other processes hits both alike.

Child processes get a fresh cache folder (``XDG_CACHE_HOME``, filled by a first run, like a
user's after one check) and write byte code to a temporary ``PYTHONPYCACHEPREFIX`` even where
``PYTHONDONTWRITEBYTECODE`` is set (an installed package has its byte code); ``--as-is``
leaves the environment untouched instead.

Run: ``.venv/bin/python bench/check.py`` (add ``--quick`` for fewer repetitions).
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "data" / "seed.txt"
BIN = Path(sys.executable).parent
QUICK = "--quick" in sys.argv


def best(fn, runs: int) -> tuple[float, float]:
    """(minimum CPU time, minimum wall time) of ``fn`` over ``runs`` runs, in seconds."""
    cpu, wall = [], []
    for _ in range(runs):
        c, t = time.process_time(), time.perf_counter()
        fn()
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - t)
    return min(cpu), min(wall)


def alternate(fns: list, runs: int) -> list[tuple[float, float]]:
    """:func:`best` of each of ``fns``, run in turn ``runs`` times."""
    got = [([], []) for _ in fns]
    for _ in range(runs):
        for fn, (cpu, wall) in zip(fns, got, strict=True):
            c, w = best(fn, 1)
            cpu.append(c)
            wall.append(w)
    return [(min(cpu), min(wall)) for cpu, wall in got]


ENV = dict(os.environ)
_TMP = tempfile.mkdtemp(prefix="check-bench-env-")
if "--as-is" not in sys.argv:
    ENV.pop("PYTHONDONTWRITEBYTECODE", None)
    ENV["PYTHONPYCACHEPREFIX"] = os.path.join(_TMP, "pycache")
    ENV["XDG_CACHE_HOME"] = os.path.join(_TMP, "cache")


def run(cmd: list[str]) -> tuple[float, float]:
    """(CPU time, wall time) of one child process running ``cmd``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(cmd, capture_output=True, env=ENV)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return cpu, wall


def processes(cmds: list[list[str]], runs: int) -> list[tuple[float, float]]:
    """Minimum (CPU, wall) time of each command, the commands run in turn ``runs`` times."""
    got = [([], []) for _ in cmds]
    for _ in range(runs):
        for cmd, (cpu, wall) in zip(cmds, got, strict=True):
            c, w = run(cmd)
            cpu.append(c)
            wall.append(w)
    return [(min(cpu), min(wall)) for cpu, wall in got]


def ms(pair: tuple[float, float]) -> str:
    """A (CPU, wall) pair in milliseconds."""
    return f"{pair[0] * 1000:.1f} ms（墙钟 {pair[1] * 1000:.1f}）"


def sec(pair: tuple[float, float]) -> str:
    """A (CPU, wall) pair in seconds."""
    return f"{pair[0]:.2f} s（墙钟 {pair[1]:.2f}）"


def ratio(a: tuple[float, float], b: tuple[float, float]) -> str:
    """CPU ratio a/b, wall ratio in brackets."""
    return f"{a[0] / b[0]:.2f}×（墙钟 {a[1] / b[1]:.2f}×）"


def speech_docx(folder: Path) -> Path:
    """The speech template rendered for the demo town (falls back to the seed text)."""
    try:
        from speechkit.engine import Template
        from speechkit.profiles import load_profile

        profile = load_profile(ROOT / "profiles" / "towns" / "donghu.yaml")
        out = folder / "东湖镇-动员部署会讲话.docx"
        Template(ROOT / "templates" / "动员部署会讲话.docx").save(profile.context(), out)
        return out
    except Exception as exc:  # the bench still runs on the seed alone
        print(f"（无法渲染示例讲话：{exc}；只用种子文本）")
        return SEED


def per_document(speech: Path) -> None:
    import jieba

    from speechkit.check import check, load_rules
    from speechkit.check.sources import read_document

    runs = 5 if QUICK else 20
    pack = load_rules()
    for path in (SEED, speech):
        text = read_document(path).text()
        check(path, rules=pack)  # warm: tokenizer, user words, regex caches
        jieba.lcut(text)
        c, j = alternate([lambda p=path: check(p, rules=pack), lambda t=text: jieba.lcut(t)], runs)
        print(
            f"单篇检查（{path.name}，{len(text)} 字）：check {ms(c)}，jieba.lcut {ms(j)}；"
            f"比值 {ratio(c, j)}（目标 ≤ 1.25×）"
        )
        # worst case: every paragraph segmented (check only segments paragraphs where a
        # word-boundary rule has a candidate)
        from speechkit.check import tokens

        blocks = read_document(path).blocks

        def full(p=path, bs=blocks):
            check(p, rules=pack)
            for b in bs:
                tokens.boundaries(b.text)

        f = best(full, runs)
        print(f"  最坏情况（每段都分词）：{ms(f)}；比值 {ratio(f, j)}")


def whole_process(speech: Path) -> None:
    runs = 3 if QUICK else 7
    sk = [str(BIN / "speechkit"), "check", str(speech), "--format", "json"]
    init = [
        sys.executable,
        "-c",
        "import logging, jieba; jieba.setLogLevel(logging.WARNING); jieba.initialize()",
    ]
    run(init)  # make sure jieba's own cache exists
    run(sk)  # and speechkit's
    s, j = processes([sk, init], runs)
    print(
        f"整个进程：speechkit check {sec(s)}，jieba 初始化 {sec(j)}；"
        f"多出 {s[0] - j[0]:+.2f} s（墙钟 {s[1] - j[1]:+.2f}；目标 ≤ 0.30 s）"
    )


DONGHU = ROOT / "profiles" / "towns" / "donghu.yaml"


def with_profile(speech: Path) -> None:
    from speechkit.check import check, load_rules
    from speechkit.profiles import load_profile

    runs = 5 if QUICK else 20
    pack = load_rules()
    profile = load_profile(DONGHU)
    check(speech, rules=pack, profile=profile)
    p, n = alternate(
        [lambda: check(speech, rules=pack, profile=profile), lambda: check(speech, rules=pack)],
        runs,
    )
    print(f"带资料检查（库内）：{ms(p)}，不带 {ms(n)}；比值 {ratio(p, n)}（目标 ≤ 1.5×）")
    base = [str(BIN / "speechkit"), "check", str(speech), "--format", "json"]
    with tempfile.TemporaryDirectory(prefix="check-bench-") as tmp:
        shutil.copytree(DONGHU.parent.parent, Path(tmp) / "profiles")
        first = run([*base, "--profile", str(Path(tmp) / "profiles" / "towns" / DONGHU.name)])
    withp = [*base, "--profile", str(DONGHU)]
    run(withp)
    w, b = processes([withp, base], 3 if QUICK else 7)
    print(
        f"带资料检查（整个进程）：{sec(w)}，不带 {sec(b)}；比值 {ratio(w, b)}（目标 ≤ 1.15×）；"
        f"资料首次使用（校验后缓存）{sec(first)}"
    )


def many_documents(speech: Path) -> None:
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="check-bench-") as tmp:
        files = []
        for i in range(100):
            dest = Path(tmp) / f"{i:03d}{speech.suffix}"
            shutil.copy(speech, dest)
            files.append(str(dest))
        base = [str(BIN / "speechkit"), "check", *files, "--format", "json", "-o", os.devnull]
        (t_all,) = processes([[*base, "--jobs", str(cores)]], 1 if QUICK else 2)
        (t_one,) = processes([[*base, "--jobs", "1"]], 1)
    print(
        f"100 篇一次检查（墙钟）：{cores} 个进程 {t_all[1]:.2f} s（{100 / t_all[1]:.0f} 篇/秒），"
        f"单进程 {t_one[1]:.2f} s；加速 {t_one[1] / t_all[1]:.2f}×"
    )


def main() -> None:
    try:
        with tempfile.TemporaryDirectory(prefix="check-bench-") as tmp:
            speech = speech_docx(Path(tmp))
            per_document(speech)
            whole_process(speech)
            with_profile(speech)
            many_documents(speech)
    finally:
        shutil.rmtree(_TMP, ignore_errors=True)


if __name__ == "__main__":
    main()
