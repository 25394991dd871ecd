"""``make templates``: rebuild every shipped campaign pack's templates from their sources
(``src/speechkit/packs/<id>/templates/src``), and copy the current campaign's into this folder
(the working templates ``batch`` uses).

``python templates/build.py DIR`` builds into ``DIR`` instead, leaving the source tree alone:
the current campaign's templates into ``DIR``, every pack's into ``DIR/<id>/``. The output is
byte-for-byte reproducible (fixed zip timestamps and document properties).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from speechkit import campaigns
from speechkit.campaigns.build import build_pack

HERE = Path(__file__).resolve().parent


def main(out_dir: Path = HERE) -> list[Path]:
    """Build every shipped pack's templates, then copy the current pack's into ``out_dir``."""
    in_place = out_dir.resolve() == HERE
    written: list[Path] = []
    built: dict[str, Path] = {}
    for pack_dir in sorted(campaigns.SHIPPED_DIR.iterdir()):
        if (pack_dir / "campaign.yaml").is_file():
            target = None if in_place else out_dir / pack_dir.name
            written += build_pack(pack_dir, target)
            built[pack_dir.name] = target or pack_dir / "templates"
    current = campaigns.current_pack()
    for doc in current.documents:
        target = out_dir / doc.template
        shutil.copyfile(built[current.id] / doc.template, target)
        written.append(target)
    return written


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    for path in main(out):
        print(f"已生成 {path}")
