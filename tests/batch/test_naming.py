"""File names from profiles and rosters never leave --out and never clash."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from speechkit.batch.naming import disambiguate, safe_join, sanitize
from speechkit.errors import SpeechkitError


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("东湖镇", "东湖镇"),
        ("../../etc/passwd", "_.._etc_passwd"),
        ("..", "未命名"),
        ("  ", "未命名"),
        ('a<b>c:d"e|f?g*h', "a_b_c_d_e_f_g_h"),
        ("CON", "CON_"),
        ("nul.docx", "nul.docx_"),
        ("张\t三\n", "张 三"),
    ],
)
def test_sanitize(raw: str, expected: str) -> None:
    assert sanitize(raw) == expected


@given(st.text(max_size=200))
def test_sanitized_names_always_stay_inside_out(name: str) -> None:
    root = Path("/tmp/batch-naming-root")
    clean = sanitize(name)
    assert clean and "/" not in clean and "\\" not in clean and clean not in (".", "..")
    assert len(clean) <= 81
    path = safe_join(root, name, name)
    assert path.resolve().parent.parent == root.resolve()


def test_safe_join_refuses_a_symlink_out(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "evil").symlink_to(tmp_path)
    with pytest.raises(SpeechkitError, match="不在输出文件夹"):
        safe_join(out, "evil", "x.docx")


def test_disambiguate_uses_details_then_numbers() -> None:
    names = ["张三", "李四", "张三", "王五", "王五"]
    details = [["一支部", "1970年"], ["一支部"], ["二支部", "1971年"], ["一支部"], ["一支部"]]
    assert disambiguate(names, details) == [
        "张三（一支部）",
        "李四",
        "张三（二支部）",
        "王五（1）",
        "王五（2）",
    ]
    # the second detail is used when the first does not tell them apart
    assert disambiguate(["甲", "甲"], [["一", "1970"], ["一", "1980"]]) == [
        "甲（一，1970）",
        "甲（一，1980）",
    ]


@given(st.lists(st.sampled_from(["甲", "乙", "甲（1）"]), max_size=8))
def test_disambiguated_labels_are_unique(names: list[str]) -> None:
    labels = disambiguate(names, [[] for _ in names])
    assert len(set(labels)) == len(labels)
