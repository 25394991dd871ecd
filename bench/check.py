"""Benchmark of the terminology check (prints figures and ratios; asserts nothing).

1. Per-document time after start-up: ``check`` of one speech against ``jieba.lcut`` of the same
   text, in the same process (target: at most 1.25×).
2. Whole-process time of ``speechkit check SPEECH`` against jieba's own initialisation in a
   fresh interpreter (target: at most 0.3 s more).
3. 100 documents in one call, every core (``--jobs``) against one process (``--jobs 1``).
4. ``--profile``: checking with the demo town's profile against without, in the library
   (target: at most 1.5×) and as a whole ``speechkit check`` process (target: at most 1.15×).

Run: ``.venv/bin/python bench/check.py`` (add ``--quick`` for fewer repetitions).
"""

from __future__ import annotations

import os
import shutil
import statistics
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
    """(minimum, median) wall time of ``fn`` over ``runs`` runs, in seconds."""
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times), statistics.median(times)


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
        c_min, c_med = best(lambda p=path: check(p, rules=pack), runs)
        j_min, j_med = best(lambda t=text: jieba.lcut(t), runs)
        print(
            f"单篇检查（{path.name}，{len(text)} 字）：check {c_min * 1000:.1f} ms"
            f"（中位 {c_med * 1000:.1f}），jieba.lcut {j_min * 1000:.1f} ms"
            f"（中位 {j_med * 1000:.1f}）；比值 {c_min / j_min:.2f}×（目标 ≤ 1.25×）"
        )
        # worst case: every paragraph segmented (check only segments paragraphs where a
        # word-boundary rule has a candidate)
        from speechkit.check import tokens

        blocks = read_document(path).blocks

        def full(p=path, bs=blocks):
            check(p, rules=pack)
            for b in bs:
                tokens.boundaries(b.text)

        f_min, _ = best(full, runs)
        print(f"  最坏情况（每段都分词）：{f_min * 1000:.1f} ms；比值 {f_min / j_min:.2f}×")


def whole_process(speech: Path) -> None:
    runs = 3 if QUICK else 7
    sk = [str(BIN / "speechkit"), "check", str(speech), "--format", "json"]
    init = [
        sys.executable,
        "-c",
        "import logging, jieba; jieba.setLogLevel(logging.WARNING); jieba.initialize()",
    ]
    subprocess.run(init, capture_output=True)  # make sure jieba's own cache exists
    subprocess.run(sk, capture_output=True)  # and speechkit's
    # alternate the two so that load from other processes hits both alike
    s_times, j_times = [], []
    for _ in range(runs):
        for cmd, times in ((sk, s_times), (init, j_times)):
            t = time.perf_counter()
            subprocess.run(cmd, capture_output=True)
            times.append(time.perf_counter() - t)
    s_min, s_med = min(s_times), statistics.median(s_times)
    j_min, j_med = min(j_times), statistics.median(j_times)
    print(
        f"整个进程：speechkit check {s_min:.2f} s（中位 {s_med:.2f}），"
        f"jieba 初始化 {j_min:.2f} s（中位 {j_med:.2f}）；多出 {s_min - j_min:+.2f} s（目标 ≤ 0.30 s）"
    )


DONGHU = ROOT / "profiles" / "towns" / "donghu.yaml"


def with_profile(speech: Path) -> None:
    from speechkit.check import check, load_rules
    from speechkit.profiles import load_profile

    runs = 5 if QUICK else 20
    pack = load_rules()
    profile = load_profile(DONGHU)
    check(speech, rules=pack, profile=profile)
    p_min, _ = best(lambda: check(speech, rules=pack, profile=profile), runs)
    n_min, _ = best(lambda: check(speech, rules=pack), runs)
    print(
        f"带资料检查（库内）：{p_min * 1000:.1f} ms，不带 {n_min * 1000:.1f} ms；"
        f"比值 {p_min / n_min:.2f}×（目标 ≤ 1.5×）"
    )
    base = [str(BIN / "speechkit"), "check", str(speech), "--format", "json"]
    withp = [*base, "--profile", str(DONGHU)]
    subprocess.run(withp, capture_output=True)
    w_times, b_times = [], []
    for _ in range(3 if QUICK else 7):
        for cmd, times in ((withp, w_times), (base, b_times)):
            t = time.perf_counter()
            subprocess.run(cmd, capture_output=True)
            times.append(time.perf_counter() - t)
    w, b = min(w_times), min(b_times)
    print(f"带资料检查（整个进程）：{w:.2f} s，不带 {b:.2f} s；比值 {w / b:.2f}×（目标 ≤ 1.15×）")


def many_documents(speech: Path) -> None:
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="check-bench-") as tmp:
        files = []
        for i in range(100):
            dest = Path(tmp) / f"{i:03d}{speech.suffix}"
            shutil.copy(speech, dest)
            files.append(str(dest))
        base = [str(BIN / "speechkit"), "check", *files, "--format", "json", "-o", os.devnull]
        t_all, _ = best(
            lambda: subprocess.run([*base, "--jobs", str(cores)], capture_output=True),
            1 if QUICK else 2,
        )
        t_one, _ = best(lambda: subprocess.run([*base, "--jobs", "1"], capture_output=True), 1)
    print(
        f"100 篇一次检查：{cores} 个进程 {t_all:.2f} s（{100 / t_all:.0f} 篇/秒），"
        f"单进程 {t_one:.2f} s；加速 {t_one / t_all:.2f}×"
    )


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="check-bench-") as tmp:
        speech = speech_docx(Path(tmp))
        per_document(speech)
        whole_process(speech)
        with_profile(speech)
        many_documents(speech)


if __name__ == "__main__":
    main()
