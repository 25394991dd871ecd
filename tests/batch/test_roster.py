"""Roster reading: xlsx and csv (UTF-8/GBK), located row errors, tolerant dates."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from speechkit.batch.roster import find_roster, parse_date, read_roster
from speechkit.errors import RosterError

HEADER = ["姓名", "性别", "出生年月", "入党时间", "所在支部", "职务"]


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    path.write_bytes("\n".join(",".join(r) for r in rows).encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_every_encoding_reads_the_same(tmp_path: Path, encoding: str) -> None:
    path = write_csv(
        tmp_path / "a.members.csv",
        [HEADER, ["李明", "男", "1970.03", "1995年7月", "机关第一支部", "镇党委书记"]],
        encoding,
    )
    roster = read_roster(path)
    assert roster.problems == []
    (m,) = roster.members
    assert (m.name, m.gender, m.branch, m.post) == ("李明", "男", "机关第一支部", "镇党委书记")
    assert m.birth == dt.date(1970, 3, 1) and m.joined == dt.date(1995, 7, 1)
    assert m.row == 2


def test_xlsx_with_real_dates_and_reordered_alias_columns(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "a.members.xlsx",
        [
            ["职务", "姓名", "出生日期", "入党日期", "支部", "性别"],
            ["村支书", "王芳", dt.datetime(1980, 5, 17), "2001-07-01", "东村支部", "女"],
        ],
    )
    (m,) = read_roster(path).members
    assert m.name == "王芳" and m.post == "村支书" and m.branch == "东村支部"
    assert m.birth == dt.date(1980, 5, 17) and m.joined == dt.date(2001, 7, 1)


def test_bad_rows_are_located_and_the_others_proceed(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "a.members.csv",
        [
            HEADER,
            ["甲", "男", "1970.03", "1995.07", "一支部", ""],
            ["", "女", "1971.01", "1996.01", "一支部", ""],  # empty name
            ["乙", "男", "七零年", "1995.07", "一支部", ""],  # bad date
            [",,,,,"][0].split(",")[:0] or ["", "", "", "", "", ""],  # blank line ignored
            ["丙", "男", "1980.01", "1975.01", "二支部", ""],  # joined before birth
            ["丁", "女", "1982.13", "2001.01", "二支部", ""],  # month 13
            ["戊", "女", "1982.12", "2001.01", "二支部", "委员"],
        ],
    )
    roster = read_roster(path)
    assert [m.name for m in roster.members] == ["甲", "戊"]
    where = [(p.location.row, p.location.column_name) for p in roster.problems]
    assert where == [(3, "姓名"), (4, "出生年月"), (6, "入党时间"), (7, "出生年月")]
    text = str(roster.problems[1])
    assert "a.members.csv:第4行:出生年月列" in text and "七零年" in text


def test_missing_optional_column_is_reported_but_rows_proceed(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.members.csv", [["姓名", "性别"], ["甲", "男"]])
    roster = read_roster(path)
    assert [m.name for m in roster.members] == ["甲"]
    missing = {p.location.column_name for p in roster.problems}
    assert missing == {"出生年月", "入党时间", "所在支部", "职务"}
    assert all(p.location.row == 1 for p in roster.problems)


def test_missing_name_column_or_corrupt_file_raises(tmp_path: Path) -> None:
    with pytest.raises(RosterError) as info:
        read_roster(write_csv(tmp_path / "a.members.csv", [["名称", "性别"], ["甲", "男"]]))
    assert "姓名" in info.value.format_message() and "第1行" in info.value.format_message()
    bad = tmp_path / "b.members.xlsx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(RosterError, match="b.members.xlsx") as info:
        read_roster(bad)
    message = info.value.format_message()
    assert "不是有效的 Excel（.xlsx）文件" in message
    reason = message.split("：", 1)[1]  # after the file name: no library English
    assert not re.search(r"[A-Za-z]{4,}", reason.replace("Excel", "").replace("xlsx", ""))


def test_find_roster_prefers_xlsx(tmp_path: Path) -> None:
    town = tmp_path / "donghu.yaml"
    town.write_text("town: {}\n")
    assert find_roster(town) is None
    write_csv(tmp_path / "donghu.members.csv", [HEADER])
    assert find_roster(town).name == "donghu.members.csv"
    write_xlsx(tmp_path / "donghu.members.xlsx", [HEADER])
    assert find_roster(town).name == "donghu.members.xlsx"


@given(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date.today()),
    st.sampled_from(["{y}年{m}月{d}日", "{y}-{m:02d}-{d:02d}", "{y}/{m}/{d}", "{y}.{m}.{d}"]),
)
def test_parse_date_round_trips_full_dates(day: dt.date, fmt: str) -> None:
    assert parse_date(fmt.format(y=day.year, m=day.month, d=day.day)) == day


@given(st.text(max_size=12))
def test_parse_date_returns_a_date_none_or_a_chinese_value_error(text: str) -> None:
    try:
        result = parse_date(text)
    except ValueError as exc:
        assert "日期" in str(exc)
    else:
        assert result is None or isinstance(result, dt.date)


def test_title_rows_above_the_header_are_skipped(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "a.members.xlsx",
        [
            ["东湖镇党员名册（2024年）"],
            [],
            HEADER,
            ["李明", "男", "1970.03", "1995.07", "一支部", ""],
        ],
    )
    roster = read_roster(path)
    assert roster.problems == []
    (m,) = roster.members
    assert m.name == "李明" and m.row == 4


@given(
    st.lists(
        st.lists(
            st.sampled_from(["", "甲", "男", "女", "1970.03", "七零", "1990-02-30", "x,y", '"']),
            min_size=0,
            max_size=7,
        ),
        max_size=8,
    )
)
def test_any_csv_gives_members_and_located_problems_or_a_roster_error(
    rows: list[list[str]],
) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.members.csv"
        buf = io.StringIO()
        csv.writer(buf).writerows([HEADER, *rows])
        path.write_text(buf.getvalue(), "utf-8")
        try:
            roster = read_roster(path)
        except RosterError as exc:
            assert "名册" in exc.format_message()
            return
        assert all(m.name for m in roster.members)
        last = len(rows) + 1
        for problem in roster.problems:
            assert 1 <= problem.location.row <= last
            assert "t.members.csv" in str(problem.location)
        assert len(roster.members) <= len(rows)
