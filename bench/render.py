"""Benchmark: render a speech-size template for many towns, speechkit vs docxtpl vs the floor.

Prints figures and ratios; asserts nothing. Run: ``.venv/bin/python bench/render.py``
(``--contexts N`` to change the 200 renders, ``--quick`` for a short run).

* template: the seed speech (tests/data/seed.txt, ~5,300 characters, one paragraph per line)
  with a dozen variables, a paragraph loop, a table row loop and a header;
* docxtpl: one DocxTemplate rendered and saved to memory per context (its fastest use);
* floor: Jinja rendering the already prepared document XML string, plus writing every part
  into a zip with the standard library (what any engine must at least do);
* scaling: the same body repeated 10 times; memory: RSS growth over 1,000 renders.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import io
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import docx

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "data" / "seed.txt"

# Seed blanks and phrases replaced by tags (a dozen variables in all).
REPLACEMENTS = [
    ("　 同志代表镇（区）党委", "{{ town.secretary }}同志代表{{ town.committee }}"),
    ("我们　镇（区）", "我们{{ town.name }}"),
    ("市委教育活动督导组", "{{ supervision.group }}"),
    ("保持共产党员先进性教育活动动员会", "{{ campaign.name }}动员会"),
]
EXTRA = [
    "（{{ meeting.date | cn_date }}在{{ meeting.venue }}）",
    "全{{ town.kind }}共有{{ party.branches }}个党支部、{{ party.members }}名党员参加{{ campaign.batch }}"
    "{{ campaign.name }}，时间为{{ campaign.start | cn_range(campaign.end) }}。",
    "{%p for s in slogans %}",
    "{{ loop.index | cn_ordinal(3) }}{{ s }}",
    "{%p endfor %}",
]


def seed_paragraphs() -> list[str]:
    """The seed speech as template paragraphs with the tags inserted."""
    lines = [ln.strip() for ln in SEED.read_text(encoding="utf-8").splitlines() if ln.strip()]
    lines = lines[1:]  # the first line repeats the opening as a summary
    out = []
    for line in lines:
        for old, new in REPLACEMENTS:
            line = line.replace(old, new)
        out.append(line)
    return EXTRA[:2] + out + EXTRA[2:]


def build_template(path: Path, repeat: int = 1) -> Path:
    """Write the benchmark template; ``repeat`` copies the body that many times."""
    d = docx.Document()
    d.sections[0].header.paragraphs[0].text = "{{ town.committee }}文件"
    body = seed_paragraphs()
    for _ in range(repeat):
        for text in body:
            if "{{ town.name }}" in text:  # split one tag across runs, as Word does
                head, tail = text.split("{{ town.name }}", 1)
                p = d.add_paragraph(head + "{{ town.na")
                p.add_run("me }}" + tail).bold = True
            else:
                d.add_paragraph(text)
    t = d.add_table(rows=3, cols=2)
    t.cell(0, 0).text = "{%tr for m in leading_group.members %}"
    t.cell(1, 0).text = "{{ m.name }}"
    t.cell(1, 1).text = "{{ m.title }}"
    t.cell(2, 0).text = "{%tr endfor %}"
    d.save(path)
    return path


def contexts(n: int) -> list[dict]:
    """``n`` distinct town contexts shaped like Profile.context()."""
    out = []
    for i in range(n):
        name = f"示例{i}镇"
        out.append(
            {
                "town": {
                    "name": name,
                    "kind": "镇",
                    "secretary": f"张{i}",
                    "committee": f"中共{name}委员会",
                },
                "supervision": {"group": f"市委第{i % 10 + 1}督导组"},
                "campaign": {
                    "name": "保持共产党员先进性教育活动",
                    "batch": "第二批",
                    "start": dt.date(2024, 7, 1),
                    "end": dt.date(2024, 12, 31),
                },
                "meeting": {"date": dt.date(2024, 7, 1 + i % 28), "venue": "镇政府会议室"},
                "party": {"members": 300 + i, "branches": 10 + i % 20},
                "slogans": ["建设生态乡镇", "打造特色产业"],
                "leading_group": {
                    "members": [{"name": f"周{j}", "title": "委员"} for j in range(4)]
                },
            }
        )
    return out


def time_speechkit(path: Path, ctxs: list[dict]) -> tuple[float, float]:
    """(compile seconds, render seconds for all contexts)."""
    from speechkit.engine import Template

    t0 = time.perf_counter()
    tpl = Template(path)
    t1 = time.perf_counter()
    for ctx in ctxs:
        tpl.render(ctx)
    return t1 - t0, time.perf_counter() - t1


def time_docxtpl(path: Path, ctxs: list[dict]) -> float:
    """Seconds for docxtpl to render and save (to memory) every context."""
    from docxtpl import DocxTemplate
    from jinja2 import Environment

    from speechkit.filters import FILTERS

    env = Environment(autoescape=True)
    env.filters.update(FILTERS)
    tpl = DocxTemplate(str(path))
    t0 = time.perf_counter()
    for ctx in ctxs:
        tpl.render(ctx, jinja_env=env, autoescape=True)
        tpl.save(io.BytesIO())
    return time.perf_counter() - t0


def time_floor(path: Path, ctxs: list[dict], stdlib_zip: bool) -> float:
    """Jinja rendering the prepared XML of every templated part, plus writing the zip.

    ``stdlib_zip``: every part deflated by :mod:`zipfile` each time (the naive floor);
    otherwise unchanged parts are compressed once and only rendered parts per render (the
    strict floor: no well-formedness check, no post-processing).
    """
    from speechkit.engine import Template
    from speechkit.engine.package import make_entry, write_zip

    tpl = Template(path)
    parts = {name: p.template for name, p in tpl._parts.items()}  # noqa: SLF001 - bench only
    with zipfile.ZipFile(path) as zf:
        members = [(i, zf.read(i)) for i in zf.infolist()]
    static = {i.filename: make_entry(i.filename, d) for i, d in members if i.filename not in parts}
    t0 = time.perf_counter()
    for ctx in ctxs:
        rendered = {name: t.render(ctx).encode("utf-8") for name, t in parts.items()}
        if stdlib_zip:
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
                for info, data in members:
                    out.writestr(info.filename, rendered.get(info.filename, data))
        else:
            write_zip(
                [
                    static.get(i.filename) or make_entry(i.filename, rendered[i.filename], level=1)
                    for i, _ in members
                ]
            )
    return time.perf_counter() - t0


def rss_kib() -> int:
    """Resident set size of this process in KiB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _noisy_png(width: int, height: int) -> bytes:
    """A PNG of random pixels (it does not compress: its size is about width*height*3)."""
    import os
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    raw = b"".join(b"\x00" + os.urandom(width * 3) for _ in range(height))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def objects_cost(tmp: Path, ctxs: list[dict]) -> None:
    """Images and sub-documents should cost about their own bytes: render the speech with a
    photo and an appendix added and compare time and output size with the plain render."""
    from speechkit.engine import InlineImage, Mm, Subdoc, Template

    plain = build_template(tmp / "plain.docx")
    d = docx.Document(str(plain))
    d.add_paragraph("照片：{{ photo }}")
    d.add_paragraph("{{p appendix }}")
    with_objects = tmp / "objects.docx"
    d.save(with_objects)
    png = _noisy_png(200, 150)
    sub = docx.Document()
    for i in range(20):
        sub.add_paragraph(f"附件第{i + 1}段：按照统一部署，扎实推进各项工作。")
    sub_path = tmp / "appendix.docx"
    sub.save(sub_path)
    extra = {"photo": InlineImage(png, width=Mm(30)), "appendix": Subdoc(sub_path)}
    a, b = Template(plain), Template(with_objects)
    best_a = best_b = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        for ctx in ctxs:
            out_a = a.render(ctx)
        t1 = time.perf_counter()
        for ctx in ctxs:
            out_b = b.render({**ctx, **extra})
        t2 = time.perf_counter()
        best_a, best_b = min(best_a, t1 - t0), min(best_b, t2 - t1)
    n = len(ctxs)
    print(
        f"图片 + 附件：每份 {best_b / n * 1000:.2f} ms（不带时 {best_a / n * 1000:.2f} ms）；"
        f"文件多 {(len(out_b) - len(out_a)) / 1024:.0f} KiB，其中图片 {len(png) / 1024:.0f} KiB"
    )


def main(argv: list[str] | None = None) -> None:
    """Run every measurement and print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--contexts", type=int, default=200)
    ap.add_argument("--quick", action="store_true", help="fewer renders (smoke run)")
    args = ap.parse_args(argv)
    n = 20 if args.quick else args.contexts
    ctxs = contexts(n)
    with tempfile.TemporaryDirectory(prefix="bench-render-") as tmp:
        small = build_template(Path(tmp) / "speech.docx")
        big = build_template(Path(tmp) / "speech10.docx", repeat=10)
        chars = sum(len(p) for p in seed_paragraphs())
        print(f"模板：{small.name}，正文约 {chars} 字，{len(seed_paragraphs())} 段；{n} 个上下文")

        # Alternate the measurements over several rounds and keep each one's best, so that
        # load from other processes hits all of them alike.
        compile_s, sk_best, fl = float("inf"), float("inf"), float("inf")
        for _ in range(2 if args.quick else 5):
            c, s = time_speechkit(small, ctxs)
            compile_s, sk_best = min(compile_s, c), min(sk_best, s)
            fl = min(fl, time_floor(small, ctxs, False))
        fl_std = time_floor(small, ctxs, True)
        dt_n = max(n // 4, 10)
        dx = time_docxtpl(small, ctxs[:dt_n]) * n / dt_n
        print(f"speechkit 编译一次：{compile_s * 1000:.1f} ms")
        print(f"speechkit：{n / sk_best:8.1f} 份/秒  （每份 {sk_best / n * 1000:.2f} ms）")
        print(f"docxtpl  ：{n / dx:8.1f} 份/秒  （每份 {dx / n * 1000:.2f} ms，测 {dt_n} 份）")
        print(f"floor    ：{n / fl:8.1f} 份/秒  （每份 {fl / n * 1000:.2f} ms；只压缩渲染部分）")
        print(
            f"floor-zip：{n / fl_std:8.1f} 份/秒  （每份 {fl_std / n * 1000:.2f} ms；zipfile 每次压缩全部）"
        )
        print(f"比值：speechkit / docxtpl 速度 = {dx / sk_best:.1f}×（目标 ≥ 10×）")
        print(f"比值：speechkit 耗时 / floor 耗时 = {sk_best / fl:.2f}（目标 ≤ 1.5）")
        print(f"比值：speechkit 耗时 / floor-zip 耗时 = {sk_best / fl_std:.2f}（目标 ≤ 0.5）")

        objects_cost(Path(tmp), ctxs[: max(n // 4, 20)])

        m = max(n // 4, 20)
        t_small = t_big = float("inf")
        for _ in range(3):
            t_small = min(t_small, time_speechkit(small, ctxs[:m])[1])
            t_big = min(t_big, time_speechkit(big, ctxs[:m])[1])
        print(f"10 倍段落：speechkit 耗时为 {t_big / t_small:.1f} 倍（目标 ≤ 12 倍）")
        dk = max(m // 4, 3)
        d_small = time_docxtpl(small, ctxs[:dk])
        d_big = time_docxtpl(big, ctxs[:dk])
        print(f"10 倍段落：docxtpl 耗时为 {d_big / d_small:.1f} 倍（对照）")

        from speechkit.engine import Template

        tpl = Template(small)
        renders = 200 if args.quick else 1000
        samples = []
        gc.collect()
        for i in range(renders):
            tpl.render(ctxs[i % n])
            if i % (renders // 10) == renders // 10 - 1:
                gc.collect()
                samples.append(rss_kib())
        growth = samples[-1] - samples[0]
        print(
            f"内存：{renders} 次渲染，RSS {samples[0] / 1024:.1f} → {samples[-1] / 1024:.1f} MiB"
            f"（增长 {growth / 1024:.2f} MiB；10 个采样点中位数 {statistics.median(samples) / 1024:.1f} MiB）"
        )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
