"""Fixtures for batch tests: a small templates folder and a trimmed copy of the demo profiles."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from batch_helpers import make_templates, write_roster  # noqa: E402
from tests.conftest import PROFILES


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """tmp/{profiles (city + donghu + xishan, donghu with a 4-row roster), templates, out}."""
    profiles = tmp_path / "profiles"
    (profiles / "towns").mkdir(parents=True)
    shutil.copy(PROFILES / "city.yaml", profiles / "city.yaml")
    for slug in ("donghu", "xishan"):
        shutil.copy(PROFILES / "towns" / f"{slug}.yaml", profiles / "towns")
    write_roster(
        profiles / "towns" / "donghu.members.csv",
        [
            ["李明", "男", "1970.03", "1995.07", "一支部", "书记"],
            ["王芳", "女", "1980.05", "2001.07", "二支部", ""],
            ["张三", "男", "1975.01", "1999.01", "一支部", ""],
            ["张三", "男", "1985.01", "2009.01", "三支部", ""],
        ],
    )
    make_templates(tmp_path / "templates")
    return tmp_path
