"""Benchmark: loading a campaign pack and validating the demo city, against the code before packs.

Both sides run in the same session, alternating, each in a fresh interpreter: the baseline is
``src/`` and ``profiles/`` of a git revision (default 3c6bdee, main before campaign packs)
unpacked into a temporary folder; the candidate is this checkout. Timed: ``validate(["profiles"])``
in-process as CPU time (the machine is shared; the pack is read, its model built and the 14
towns validated; imports excluded), and the whole ``speechkit profiles validate profiles``
command (its CPU time, interpreter start and imports included).
Bytecode is cached for both sides (in a temporary prefix), as in an installed copy. Prints
medians and the ratio; no assertions.

    .venv/bin/python bench/campaigns.py [--rounds 7] [--baseline 3c6bdee]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

INNER = """
import time, sys
t0 = time.process_time()
from speechkit.profiles import validate
t1 = time.process_time()
problems = validate(["profiles"])
t2 = time.process_time()
assert not any(p.severity == "error" for p in problems), problems
print(t1 - t0, t2 - t1, t2 - t0)
"""


_ENV: dict[str, str] = {}


def _env(src: Path) -> dict[str, str]:
    """Bytecode cached (in a temporary prefix) as in an installed copy, for both sides."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return dict(env, PYTHONPATH=str(src), **_ENV)


def run_inner(src: Path, cwd: Path) -> tuple[float, float, float]:
    env = _env(src)
    out = subprocess.run(
        [sys.executable, "-c", INNER], cwd=cwd, env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    return float(out[0]), float(out[1]), float(out[2])


def run_cli(src: Path, cwd: Path) -> float:
    env = _env(src)
    code = "import sys; from speechkit.cli import main; sys.argv=['speechkit']; main(['profiles','validate','profiles'])"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--baseline", default="3c6bdee")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        _ENV["PYTHONPYCACHEPREFIX"] = str(base / "pycache")
        archive = subprocess.run(
            ["git", "archive", args.baseline, "src", "profiles"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(base)], input=archive, check=True)
        sides = {"before": (base / "src", base), "packs": (ROOT / "src", ROOT)}
        for src, cwd in sides.values():  # warm caches (jieba, template variables, .pyc)
            run_inner(src, cwd)
        inner: dict[str, list[float]] = {k: [] for k in sides}
        whole: dict[str, list[float]] = {k: [] for k in sides}
        cli: dict[str, list[float]] = {k: [] for k in sides}
        for _ in range(args.rounds):
            for name, (src, cwd) in sides.items():
                _imports, validating, both = run_inner(src, cwd)
                inner[name].append(validating)
                whole[name].append(both)
                cli[name].append(run_cli(src, cwd))
    print(f"validate(profiles) in-process CPU time, median of {args.rounds} (imports excluded):")
    for name in sides:
        print(f"  {name:<7} {statistics.median(inner[name]) * 1000:7.1f} ms")
    ratio = statistics.median(inner["packs"]) / statistics.median(inner["before"])
    print(f"  ratio   {ratio:7.3f}")
    print("import speechkit.profiles + validate(profiles), CPU time (the old code built its")
    print("pydantic models while importing, the new one while validating):")
    for name in sides:
        print(f"  {name:<7} {statistics.median(whole[name]) * 1000:7.1f} ms")
    print(
        f"  ratio   {statistics.median(whole['packs']) / statistics.median(whole['before']):7.3f}"
    )
    print("speechkit profiles validate profiles, CPU time of the whole command:")
    for name in sides:
        print(f"  {name:<7} {statistics.median(cli[name]) * 1000:7.1f} ms")
    print(f"  ratio   {statistics.median(cli['packs']) / statistics.median(cli['before']):7.3f}")


if __name__ == "__main__":
    main()
