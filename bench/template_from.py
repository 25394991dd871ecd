"""Benchmark ``template from``: the current campaign's speech, finished for 东湖镇, made into a template.

Prints the size of the document (characters, pages of 22 × 28 characters), the time to
templatize it in the library (best of N) and the whole command's time, against the issue's
target of 2 seconds for a ten-page document. No peer does this job (docxtpl, poi-tl and mail
merge all start from a hand-tagged template), so there is no ratio.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from speechkit import Template, load_profile  # noqa: E402
from speechkit.templatize import templatize_bytes  # noqa: E402
from speechkit.templatize.proof import document_texts  # noqa: E402

PACK = ROOT / "src" / "speechkit" / "packs" / "xianjinxing-2005"  # its speech is the longest
PROFILE = PACK / "demo" / "towns" / "donghu.yaml"
TEMPLATE = PACK / "templates" / "动员讲话.docx"


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    context = load_profile(PROFILE).context()
    finished = Template(TEMPLATE).render(context)
    chars = sum(len(t) for t in document_texts(finished))
    pages = chars / (22 * 28)
    best = float("inf")
    for _ in range(args.repeat):
        start = time.perf_counter()
        templatize_bytes(finished, context, file="speech.docx")
        best = min(best, time.perf_counter() - start)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "speech.docx"
        src.write_bytes(finished)
        exe = Path(sys.executable).with_name("speechkit")
        start = time.perf_counter()
        subprocess.run(
            [str(exe), "template", "from", str(src), "--profile", str(PROFILE), "-o",
             str(Path(tmp) / "t.docx")],
            check=True, capture_output=True,
        )  # fmt: skip
        command = time.perf_counter() - start
    print(f"范文：{chars} 字，约 {pages:.1f} 页（每页 22 行 × 28 字）")
    print(f"库内做成模板（最好的 {args.repeat} 次）：{best * 1000:.0f} ms")
    print(
        f"整条命令 speechkit template from（含启动、往返检验、写文件）：{command:.2f} s（目标 ≤ 2 s）"
    )


if __name__ == "__main__":
    main()
