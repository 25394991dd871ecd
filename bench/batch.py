"""Batch benchmark: a synthetic city or province (generated under ``--work``, /tmp by default).

Default (``python bench/batch.py [--members 7000] [--repeat 3]``), 12 towns, prints:
  * forms per second through ``run_batch`` with 1 and 2 jobs (alternating, best of
    ``--repeat``), the speed-up, and the CPU time of the parent and of the workers;
  * a no-op re-run of the 2-process output: its time and its share of the first run's
    (wall and CPU), the manifest's size;
  * per-form time of speechkit against docxtpl rendering the same form template;
  * peak memory per worker and of the parent with ``--small`` and with ``--members`` members.

Province scale (``python bench/batch.py --members 1000000 --scale``): one town per 10,000
members (copies of the demo towns under new names), one run with 2 processes, its no-op
re-run, then one run with 1 process (``--no-single`` skips it); prints the same figures.

Every figure is printed with the load average at its start (the machine may be shared); the
generated profiles and outputs are deleted at the end. Figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# the 2005 pack: its per-member 党性分析评议表 and its 14-town demo city (as measured before)
PACK = ROOT / "src" / "speechkit" / "packs" / "xianjinxing-2005"
DEMO = PACK / "demo"
TEMPLATES = PACK / "templates"
FORM = "党性分析评议表"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红建国志文斌海燕"
HEADER = ["姓名", "性别", "出生年月", "入党时间", "所在支部", "职务"]


def make_city(root: Path, members: int, towns: int = 12, seed: int = 7) -> Path:
    """Write ``root/profiles``: the demo city, ``towns`` demo towns, rosters summing to ``members``."""
    rng = random.Random(seed)
    profiles = root / "profiles"
    shutil.rmtree(profiles, ignore_errors=True)
    (profiles / "towns").mkdir(parents=True)
    shutil.copy(DEMO / "city.yaml", profiles / "city.yaml")
    sources = sorted((DEMO / "towns").glob("*.yaml"))[:towns]
    share = [members // towns + (1 if i < members % towns else 0) for i in range(towns)]
    for i, (src, count) in enumerate(zip(sources, share, strict=True)):
        shutil.copy(src, profiles / "towns" / src.name)
        rows = [_member_row(rng, n) for n in range(count)]
        # half the towns keep their roster in Excel, as offices do
        _write_roster(profiles / "towns" / src.stem, rows, xlsx=bool(i % 2))
    return profiles


def make_province(root: Path, members: int, per_town: int = 10_000, seed: int = 7) -> Path:
    """Write ``root/profiles`` with ``members // per_town`` towns (copies of the demo towns,
    renamed) and their rosters (one in two .xlsx, the rest .csv)."""
    rng = random.Random(seed)
    profiles = root / "profiles"
    shutil.rmtree(profiles, ignore_errors=True)
    (profiles / "towns").mkdir(parents=True)
    shutil.copy(DEMO / "city.yaml", profiles / "city.yaml")
    sources = sorted(p for p in (DEMO / "towns").glob("*.yaml"))
    towns = max(1, members // per_town)
    share = [members // towns + (1 if i < members % towns else 0) for i in range(towns)]
    for i, count in enumerate(share):
        src = sources[i % len(sources)]
        text = src.read_text("utf-8")
        name = next(
            line.split(":", 1)[1].strip() for line in text.splitlines() if "  name:" in line
        )
        slug = f"t{i:04d}"
        text = text.replace(f"name: {name}", f"name: {name}{i:04d}", 1)
        (profiles / "towns" / f"{slug}.yaml").write_text(text, "utf-8")
        rows = [_member_row(rng, n) for n in range(count)]
        _write_roster(profiles / "towns" / slug, rows, xlsx=bool(i % 2))
    return profiles


def _member_row(rng: random.Random, n: int) -> list[str]:
    birth = dt.date(rng.randint(1940, 2000), rng.randint(1, 12), 1)
    joined = dt.date(min(birth.year + rng.randint(18, 40), 2023), rng.randint(1, 12), 1)
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
    return [
        name,
        rng.choice("男女"),
        f"{birth:%Y.%m}",
        f"{joined:%Y.%m}",
        f"第{n % 30 + 1}党支部",
        "",
    ]


def _write_roster(stem: Path, rows: list[list[str]], xlsx: bool) -> None:
    """Write ``rows`` under the standard header to ``<stem>.members.xlsx`` or ``.csv``."""
    if xlsx:
        import openpyxl

        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet()
        sheet.append(HEADER)
        for row in rows:
            sheet.append(row)
        book.save(f"{stem}.members.xlsx")
    else:
        with open(f"{stem}.members.csv", "w", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(HEADER)
            writer.writerows(rows)


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _peak_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def child(profiles: Path, out: Path, jobs: int) -> None:
    """Run one batch (forms only) and print JSON figures; peaks polled from /proc."""
    from speechkit.batch import BatchOptions, run_batch

    peaks: dict[int, int] = {}
    stop = threading.Event()

    def poll() -> None:
        while not stop.is_set():
            for pid in _descendants(os.getpid()):
                peaks[pid] = max(peaks.get(pid, 0), _peak_kb(pid))
            stop.wait(0.05)

    watcher = threading.Thread(target=poll, daemon=True)
    watcher.start()
    ticks: list[float] = []  # first and last render tick only: memory stays the batch's own

    def tick(event) -> None:
        if event.phase == "render":
            if len(ticks) < 2:
                ticks.append(time.perf_counter())
            else:
                ticks[1] = time.perf_counter()

    load = os.getloadavg()[0]
    started = time.perf_counter()
    result = run_batch(
        BatchOptions(
            profiles=profiles,
            templates_dir=TEMPLATES,
            out=out,
            jobs=jobs,
            templates=(FORM,),
        ),
        tick,
    )
    elapsed = time.perf_counter() - started
    stop.set()
    watcher.join()
    own = resource.getrusage(resource.RUSAGE_SELF)
    figures = {
        "forms": result.count("generated"),
        "unchanged": result.count("unchanged"),
        "failed": result.count("failed"),
        "seconds": elapsed,
        "plan_seconds": (ticks[0] if ticks else started) - started,
        "render_seconds": (ticks[-1] - ticks[0]) if ticks else 0.0,
        "worker_peak_mb": max(peaks.values(), default=0) / 1024,
        "workers": len(peaks),
        "parent_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "parent_cpu_seconds": own.ru_utime + own.ru_stime,
        "load": load,
        "cpu_seconds": sum(
            r.ru_utime + r.ru_stime
            for r in (
                resource.getrusage(resource.RUSAGE_SELF),
                resource.getrusage(resource.RUSAGE_CHILDREN),  # the workers, reaped at the end
            )
        ),
    }
    figures["worker_cpu_seconds"] = figures["cpu_seconds"] - figures["parent_cpu_seconds"]
    print(json.dumps(figures))


def run_child(profiles: Path, out: Path, jobs: int, fresh: bool = True) -> dict:
    if fresh:
        shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, __file__, "--child", str(profiles), str(out), str(jobs)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def per_form(n: int = 200) -> tuple[float, float]:
    """Milliseconds per form: speechkit (compiled once) and docxtpl, same template and data."""
    import jinja2
    from docxtpl import DocxTemplate

    from speechkit.engine import Template
    from speechkit.filters import FILTERS
    from speechkit.profiles import load_profile

    context = load_profile(DEMO / "towns" / "donghu.yaml").context()
    members = [
        {
            "name": f"党员{i}",
            "gender": "男",
            "birth": dt.date(1970, 3, 1),
            "joined": dt.date(1995, 7, 1),
            "branch": "第一党支部",
            "post": "",
        }
        for i in range(n)
    ]
    path = TEMPLATES / f"{FORM}.docx"
    started = time.perf_counter()
    template = Template(path)
    for member in members:
        template.render(dict(context, member=member))
    ours = (time.perf_counter() - started) / n * 1000
    env = jinja2.Environment()
    env.filters.update(FILTERS)
    started = time.perf_counter()
    for member in members:
        doc = DocxTemplate(str(path))
        doc.render(dict(context, member=member), env)
        doc.save(io.BytesIO())
    theirs = (time.perf_counter() - started) / n * 1000
    return ours, theirs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=7000)
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/tmp/batch-bench"))
    parser.add_argument("--scale", action="store_true", help="province scale (see above)")
    parser.add_argument("--no-single", action="store_true", help="--scale without the 1-job run")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[0]), Path(args.child[1]), int(args.child[2]))
        return
    if args.scale:
        scale(args.members, args.work, not args.no_single)
        return
    try:
        city(args)
    finally:  # what city() made, nothing else of --work
        for name in ("big", "small", "out1", "out2", "out-small"):
            shutil.rmtree(args.work / name, ignore_errors=True)


def _cpu(run: dict) -> str:
    return (
        f"CPU 父进程 {run['parent_cpu_seconds']:.1f} 秒 + 工作进程 {run['worker_cpu_seconds']:.1f} 秒"
        f" = {run['cpu_seconds']:.1f} 秒"
    )


def _line(label: str, run: dict) -> str:
    rate = run["forms"] / run["seconds"]
    return (
        f"{label}：{run['forms']} 份 {run['seconds']:.1f} 秒，{rate:.0f} 份/秒；{_cpu(run)}"
        f"；峰值内存 主进程 {run['parent_peak_mb']:.0f} MB、工作进程 {run['worker_peak_mb']:.0f} MB"
        f"（开始时负载 {run['load']:.2f}）"
    )


def _noop_line(noop: dict, first: dict, manifest_mb: float) -> str:
    return (
        f"无变化重跑（2 个进程）：{noop['unchanged']} 份未变化，{noop['seconds']:.1f} 秒，"
        f"为首次的 {noop['seconds'] / first['seconds']:.0%}（墙钟）；{_cpu(noop)}，"
        f"为首次的 {noop['cpu_seconds'] / first['cpu_seconds']:.0%}（CPU）；"
        f"峰值内存 主进程 {noop['parent_peak_mb']:.0f} MB、工作进程 {noop['worker_peak_mb']:.0f} MB；"
        f"清单 {manifest_mb:.1f} MB（开始时负载 {noop['load']:.2f}）"
    )


def _manifest_mb(out: Path) -> float:
    from speechkit.batch.manifest import MANIFEST_NAME

    return sum(p.stat().st_size for p in out.glob(MANIFEST_NAME + "*")) / 1e6


def city(args) -> None:
    """The default benchmark (see the module docstring)."""
    print(f"CPU: {os.cpu_count()}  load: {os.getloadavg()[0]:.2f}  (figures vary with load)")
    big = make_city(args.work / "big", args.members)
    small = make_city(args.work / "small", args.small)
    print(f"合成城市：12 个乡镇，{args.members} 名党员（名册一半 .xlsx、一半 .csv），只生成{FORM}")
    runs: dict[int, list[dict]] = {1: [], 2: []}
    for _ in range(args.repeat):  # alternate, keep the fastest: other load only slows runs down
        for jobs in (1, 2):
            runs[jobs].append(run_child(big, args.work / f"out{jobs}", jobs))
    one, two = (min(runs[j], key=lambda r: r["seconds"]) for j in (1, 2))
    print(f"（各运行 {args.repeat} 次，取最快一次；负载 {os.getloadavg()[0]:.2f}）")
    rate1, rate2 = one["forms"] / one["seconds"], two["forms"] / two["seconds"]
    print(_line("1 个进程", one))
    print(_line("2 个进程", two))
    print(f"加速比（2 进程 / 1 进程，整次运行）：{rate2 / rate1:.2f}×（目标 ≥ 1.8×）")
    r1 = one["forms"] / max(one["render_seconds"], 1e-9)
    r2 = two["forms"] / max(two["render_seconds"], 1e-9)
    print(
        f"  其中读取资料和名册：{one['plan_seconds']:.1f} 秒 / {two['plan_seconds']:.1f} 秒；"
        f"只算渲染写盘阶段：{r1:.0f} → {r2:.0f} 份/秒，{r2 / r1:.2f}×"
    )
    extra = two["cpu_seconds"] / one["cpu_seconds"] - 1
    print(f"  2 进程比 1 进程多用 CPU {extra:.0%}（与其他负载关系较小）")
    last_two = runs[2][-1]  # the output left in out2 is the last 2-process run's
    noop = run_child(big, args.work / "out2", 2, fresh=False)
    print(_noop_line(noop, last_two, _manifest_mb(args.work / "out2")))
    ours, theirs = per_form()
    print(
        f"单份渲染：speechkit {ours:.2f} ms，docxtpl {theirs:.2f} ms，"
        f"快 {theirs / ours:.1f}×（目标 ≥ 3×）"
    )
    batch_ms = one["seconds"] / max(1, one["forms"]) * 1000
    print(
        f"批量端到端（含写盘、清单）每份 {batch_ms:.2f} ms，对 docxtpl 仅渲染快 {theirs / batch_ms:.1f}×"
    )
    few = run_child(small, args.work / "out-small", 2)
    print(
        f"每个工作进程峰值内存：{args.small} 名党员 {few['worker_peak_mb']:.0f} MB，"
        f"{args.members} 名党员 {two['worker_peak_mb']:.0f} MB"
        f"（主进程 {few['parent_peak_mb']:.0f} MB → {two['parent_peak_mb']:.0f} MB）"
    )


def scale(members: int, work: Path, single: bool = True) -> None:
    """A 2-process run, its no-op re-run and a 1-process run at province scale; the
    generated profiles and outputs are deleted afterwards."""
    print(f"CPU: {os.cpu_count()}  load: {os.getloadavg()[0]:.2f}  (figures vary with load)")
    started = time.perf_counter()
    profiles = make_province(work / "province", members)
    towns = len(list((profiles / "towns").glob("*.yaml")))
    print(
        f"合成省份：{towns} 个乡镇，{members} 名党员，生成名册 {time.perf_counter() - started:.0f} 秒"
    )
    out = work / "out-province"
    try:
        first = run_child(profiles, out, 2)
        manifest_mb = _manifest_mb(out)
        print(_line("首次运行（2 个进程）", first) + f"，失败 {first['failed']}")
        noop = run_child(profiles, out, 2, fresh=False)
        print(_noop_line(noop, first, manifest_mb))
        shutil.rmtree(out, ignore_errors=True)
        if single:
            one = run_child(profiles, out, 1)
            print(_line("首次运行（1 个进程）", one))
            ratio = (first["forms"] / first["seconds"]) / (one["forms"] / one["seconds"])
            print(
                f"加速比（2 进程 / 1 进程，整次运行）：{ratio:.2f}×（目标 ≥ 1.8×；"
                f"CPU 2 进程比 1 进程多用 {first['cpu_seconds'] / one['cpu_seconds'] - 1:.0%}）"
            )
    finally:
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(work / "province", ignore_errors=True)


if __name__ == "__main__":
    main()
