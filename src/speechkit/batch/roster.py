"""Party member rosters: ``<slug>.members.xlsx`` or ``.csv`` next to the town profile.

Columns (header row, any order): 姓名, 性别, 出生年月, 入党时间, 所在支部, 职务. CSV files may be
UTF-8 (with or without BOM) or GBK. Each bad row becomes a :class:`~speechkit.errors.Problem`
located as file:row:column and is left out; the other rows proceed. A missing optional column
or a row that stops early is a ``warning`` problem (those fields stay blank; the row is kept).
Only a file that cannot be read at all (or has no 姓名 column) raises :class:`~speechkit.errors.RosterError`.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

from speechkit.cnnum import parse_loose_date
from speechkit.errors import Location, Problem, RosterError, describe_os_error, display_path

COLUMNS = ("姓名", "性别", "出生年月", "入党时间", "所在支部", "职务")
FIELDS = {
    "姓名": "name",
    "性别": "gender",
    "出生年月": "birth",
    "入党时间": "joined",
    "所在支部": "branch",
    "职务": "post",
}
# Headers people actually type for the same columns.
ALIASES = {
    "名字": "姓名",
    "出生日期": "出生年月",
    "出生时间": "出生年月",
    "入党日期": "入党时间",
    "入党年月": "入党时间",
    "支部": "所在支部",
    "党支部": "所在支部",
    "所在党支部": "所在支部",
    "职务（职业）": "职务",
    "现任职务": "职务",
}
SUFFIXES = (".xlsx", ".csv")
HEADER_SEARCH = 10  # rows searched for the header line


@dataclass(frozen=True)
class Member:
    """One roster row as templates see it (``member.*``); ``row`` is its 1-based sheet row."""

    name: str
    gender: str = ""
    birth: dt.date | None = None
    joined: dt.date | None = None
    branch: str = ""
    post: str = ""
    row: int = 0

    def context(self) -> dict:
        """The ``member`` mapping a template reads (no ``row``)."""
        return {
            "name": self.name,
            "gender": self.gender,
            "birth": self.birth,
            "joined": self.joined,
            "branch": self.branch,
            "post": self.post,
        }

    def digest(self) -> str:
        """sha256 of the row's values (what a form depends on)."""
        blob = json.dumps(self.context(), sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()


@dataclass
class Roster:
    """Readable rows of a roster plus the problems of the rows left out."""

    path: Path
    members: list[Member]
    problems: list[Problem]


def find_roster(town_path: Path) -> Path | None:
    """Return ``<slug>.members.xlsx`` or ``.csv`` beside ``town_path`` (xlsx first), or None."""
    town_path = Path(town_path)
    slug = town_path.name.split(".")[0]
    for suffix in SUFFIXES:
        candidate = town_path.with_name(f"{slug}.members{suffix}")
        if candidate.is_file():
            return candidate
    return None


def parse_date(value: object) -> dt.date | None:
    """Parse a roster date: Excel dates, ``1970年3月``, ``1970.03``, ``1970-3-5``, ``197003``.

    Returns None for an empty cell; raises ValueError with a Chinese message otherwise.
    Day 1 is used when only year and month are given.
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip().replace("．", ".")
    if not text:
        return None
    parts = parse_loose_date(text)
    if parts is None:
        raise ValueError(f"无法识别的日期“{text}”（应写作 1970年3月、1970.03 或 1970-03-05）")
    year, month, day = parts[0], parts[1], parts[2] or 1
    if not month:
        raise ValueError(f"日期“{text}”缺少月份（应写作 1970年3月 或 1970.03）")
    if not 1900 <= year <= dt.date.today().year:
        raise ValueError(f"日期“{text}”的年份不合理")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"日期“{text}”不存在（月或日超出范围）") from None


def read_rows(path: Path) -> list[list[object]]:
    """Return the cells of the first sheet (xlsx) or the rows of a CSV (UTF-8 or GBK)."""
    path = Path(path)
    shown = display_path(path)
    if path.suffix.lower() == ".xlsx":
        try:
            import openpyxl

            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except OSError as exc:
            raise RosterError(f"无法读取名册 {shown}：{describe_os_error(exc)}。") from exc
        except Exception as exc:  # zip/xml errors of every kind: openpyxl's text is English
            raise RosterError(
                f"无法读取名册 {shown}：不是有效的 Excel（.xlsx）文件，可能已损坏，"
                "或是改了扩展名的其他格式（如旧版 .xls）；请在 Excel/WPS 中另存为 .xlsx 或 .csv。"
            ) from exc
        try:
            sheet = book.worksheets[0]
            return [list(r) for r in sheet.iter_rows(values_only=True)]
        finally:
            book.close()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RosterError(f"无法读取名册 {shown}：{describe_os_error(exc)}。") from exc
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes almost anything
        raise RosterError(f"无法读取名册 {shown}：编码既不是 UTF-8 也不是 GBK。")
    return [list(r) for r in csv.reader(io.StringIO(text, newline=""))]


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", " ", str(value)).strip()


def read_roster(path: Path) -> Roster:
    """Read a roster; bad rows become located problems and are left out (see module doc)."""
    path = Path(path)
    shown = display_path(path)
    rows = read_rows(path)
    problems: list[Problem] = []
    # header: first row with any content
    filled = [i for i, r in enumerate(rows) if any(_cell(c) for c in r)]
    # the header is the first row naming the 姓名 column (offices often put a title row such as
    # “东湖镇党员名册” above it); otherwise the first row with any content
    names = {"姓名"} | {alias for alias, title in ALIASES.items() if title == "姓名"}
    header_index = next(
        (i for i in filled[:HEADER_SEARCH] if names & {_cell(c) for c in rows[i]}),
        filled[0] if filled else None,
    )
    if header_index is None:
        raise RosterError(f"名册 {shown} 是空的：第一行应为列名 {'、'.join(COLUMNS)}。")
    header = [_cell(c) for c in rows[header_index]]
    header_row = header_index + 1
    columns: dict[str, int] = {}
    for i, title in enumerate(header):
        title = ALIASES.get(title, title)
        if title in FIELDS and title not in columns:
            columns[title] = i
    if "姓名" not in columns:
        raise RosterError(
            f"名册缺少“姓名”列（第{header_row}行应为列名：{'、'.join(COLUMNS)}）。",
            [
                Problem(
                    Location(file=shown, row=header_row),
                    f"找不到“姓名”列；现有列：{'、'.join(h for h in header if h) or '无'}",
                )
            ],
        )
    for title in COLUMNS:
        if title not in columns:
            problems.append(
                Problem(
                    Location(file=shown, row=header_row, column_name=title),
                    f"名册缺少“{title}”列，评议表中此项将留空",
                    key=FIELDS[title],
                    severity="warning",
                )
            )
    members: list[Member] = []
    for index in range(header_index + 1, len(rows)):
        row = rows[index]
        number = index + 1
        values = {title: (row[i] if i < len(row) else None) for title, i in columns.items()}
        if not any(_cell(v) for v in values.values()):
            continue  # blank line
        row_problems: list[Problem] = []
        name = _cell(values.get("姓名"))
        if not name:
            row_problems.append(
                Problem(Location(file=shown, row=number, column_name="姓名"), "姓名为空", "name")
            )
        dates: dict[str, dt.date | None] = {}
        for title in ("出生年月", "入党时间"):
            try:
                dates[title] = parse_date(values.get(title))
            except ValueError as exc:
                row_problems.append(
                    Problem(
                        Location(
                            file=shown,
                            row=number,
                            column_name=title,
                            snippet=_cell(values.get(title)),
                        ),
                        str(exc),
                        FIELDS[title],
                    )
                )
                dates[title] = None
        birth, joined = dates.get("出生年月"), dates.get("入党时间")
        if birth and joined and joined < birth:
            row_problems.append(
                Problem(
                    Location(file=shown, row=number, column_name="入党时间"),
                    "入党时间早于出生年月",
                    "joined",
                )
            )
        gender = _cell(values.get("性别"))
        if gender and gender not in ("男", "女"):
            row_problems.append(
                Problem(
                    Location(file=shown, row=number, column_name="性别", snippet=gender),
                    "性别应为“男”或“女”",
                    "gender",
                )
            )
        if row_problems:
            problems.extend(row_problems)
            continue
        short = [title for title, i in columns.items() if i >= len(row)]
        if short:  # a CSV line that stops early: accepted, but say which fields stay blank
            problems.append(
                Problem(
                    Location(file=shown, row=number),
                    f"此行只有 {len(row)} 列，缺少“{'”“'.join(short)}”，评议表中此项将留空",
                    severity="warning",
                )
            )
        members.append(
            Member(
                name=name,
                gender=gender,
                birth=birth,
                joined=joined,
                branch=_cell(values.get("所在支部")),
                post=_cell(values.get("职务")),
                row=number,
            )
        )
    return Roster(path=path, members=members, problems=problems)
