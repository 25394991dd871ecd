"""The declared shape of a pack's fields (no pydantic here: importing this stays cheap)."""

from __future__ import annotations

from dataclasses import dataclass, field

from speechkit.errors import Location

FIELD_TYPES = {
    "text": "文字",
    "count": "人数、个数（非负整数）",
    "date": "日期",
    "choice": "从几项中选一项",
    "list": "列表",
    "person": "一个人（姓名、职务）",
    "people": "多个人（每人姓名、职务）",
}
"""The field types a pack may declare, with their Chinese names."""

FILES = ("city", "town")


@dataclass
class FieldSpec:
    """One field declared by a pack's schema.yaml."""

    key: str
    type: str
    title: str
    required: bool = False
    help: str = ""
    choices: tuple[str, ...] = ()
    file: str = "town"
    min: int | None = None
    max: int | None = None
    items: list[FieldSpec] = field(default_factory=list)
    location: Location | None = None
