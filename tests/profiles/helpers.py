"""Builders for profile test inputs: a minimal valid city and town as YAML text."""

from __future__ import annotations

from pathlib import Path

CITY = """\
city:
  name: 测试市
campaign:
  name: 保持共产党员先进性教育活动
  start: 2024-07-01
  end: 2024-12-31
  members: 100
"""

TOWN = """\
town:
  name: 样例镇
  kind: 镇
  secretary: 张示范
party:
  members: 100
  branches: 5
meeting:
  date: 2024-07-05
slogans:
  - 建设样例镇
"""


def make_profiles(
    root: Path, town: str = TOWN, city: str | None = CITY, slug: str = "yangli"
) -> Path:
    """Write ``root/city.yaml`` and ``root/towns/<slug>.yaml``; return the town path."""
    (root / "towns").mkdir(parents=True, exist_ok=True)
    if city is not None:
        (root / "city.yaml").write_text(city, encoding="utf-8")
    path = root / "towns" / f"{slug}.yaml"
    path.write_text(town, encoding="utf-8")
    return path
