"""Benchmark: PDF throughput of 50 per-member forms, one LibreOffice start per file vs many.

Prints figures; asserts nothing. Run: ``.venv/bin/python bench/pdf.py`` (``--forms N`` to change
the 50). Both ways run in the same process, on the same rendered forms, one after the other:

* one start per file: :func:`speechkit.typeset.pdf.convert_to_pdf` for each form (a new
  LibreOffice and a new profile every time: what ``speechkit pdf`` and batch did before);
* :class:`speechkit.typeset.pdf.Converter`: all forms through one converter, which hands
  LibreOffice up to 40 files per start on one warmed profile (what batch, the web page and
  ``speechkit pdf`` do now).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# the 2005 pack: its per-member 党性分析评议表 and its 14-town demo city (as measured before)
PACK = ROOT / "src" / "speechkit" / "packs" / "xianjinxing-2005"
DEMO = PACK / "demo"
TEMPLATES = PACK / "templates"


def render_forms(count: int, folder: Path) -> list[Path]:
    """``count`` filled 党性分析评议表 forms for the demo town 东湖镇."""
    from speechkit.engine import Template
    from speechkit.profiles import load_profile

    template = Template(TEMPLATES / "党性分析评议表.docx")
    context = load_profile(DEMO / "towns" / "donghu.yaml").context()
    paths = []
    for i in range(count):
        context["member"] = {
            "name": f"党员{i:03d}",
            "gender": "女" if i % 2 else "男",
            "birth": dt.date(1960 + i % 40, 1 + i % 12, 1),
            "joined": dt.date(1985 + i % 35, 1 + i % 12, 1),
            "branch": "机关第一党支部",
            "post": "组织干事",
        }
        path = folder / f"form{i:03d}.docx"
        template.save(context, path)
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print PDFs per second for both ways."""
    from speechkit.typeset.pdf import Converter, convert_to_pdf, soffice_path

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--forms", type=int, default=50)
    args = parser.parse_args(argv)
    if soffice_path() is None:
        print("LibreOffice (soffice) is not installed: nothing to measure.")
        return 0
    with tempfile.TemporaryDirectory(prefix="sk-bench-pdf-") as tmp:
        folder = Path(tmp)
        forms = render_forms(args.forms, folder)
        start = time.perf_counter()
        for form in forms:
            convert_to_pdf(form, folder / "single")
        single = time.perf_counter() - start
        start = time.perf_counter()
        with Converter() as converter:
            done = converter.convert_many((form, folder / "many") for form in forms)
            starts = converter.starts
        many = time.perf_counter() - start
        failed = [d for d in done if d.error is not None]
    n = len(forms)
    print(f"PDF throughput, {n} forms (党性分析评议表), same run:")
    print(f"  one LibreOffice start per file : {single:6.1f} s  {n / single:5.2f} PDFs/s")
    print(
        f"  Converter ({starts} start{'s' if starts > 1 else ''})         : "
        f"{many:6.1f} s  {n / many:5.2f} PDFs/s  ({single / many:.1f}x)"
    )
    if failed:
        print(f"  {len(failed)} conversions failed: {failed[0].error}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
