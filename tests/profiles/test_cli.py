"""Every bad-profile class through the CLI, as a user meets it: located message, exit 2."""

from __future__ import annotations

import re
import time

import pytest

from tests.conftest import PROFILES
from tests.profiles.helpers import CITY, TOWN, make_profiles


def _validate(cli, root, *extra):
    return cli("profiles", "validate", *(extra or (str(root),)))


def _no_traceback(result):
    assert "Traceback" not in result.output
    assert "Error" not in result.output.replace("ProfileError", "")


def test_demo_profiles_validate_clean(cli):
    result = cli("profiles", "validate", str(PROFILES))
    assert result.exit_code == 0, result.output
    assert "校验通过" in result.stdout and "警告" not in result.stdout


def test_default_path_is_profiles_folder(cli, demo_profiles):
    result = cli("profiles", "validate", cwd=demo_profiles.parent)
    assert result.exit_code == 0, result.output
    assert "校验通过（profiles）" in result.stdout


@pytest.mark.parametrize(
    ("town", "line_col", "needle"),
    [
        (TOWN.replace("  branches: 5", "  branches: [5"), r":8:\d+", "从第 7 行第 13 列开始"),
        (TOWN.replace("  name: 样例镇", "  name： 样例镇"), r":2:\d+", "全角冒号"),
        (TOWN.replace("  kind: 镇", "\tkind: 镇"), r":3:1\D", "Tab"),
        (TOWN.replace("  secretary: 张示范", "    secretary: 张示范"), r":4:\d+", "缩进"),
        (TOWN + "---\na: 1\n", r":\d+:\d+", "一个文档"),
    ],
)
def test_yaml_syntax_error_located(cli, tmp_path, town, line_col, needle):
    path = make_profiles(tmp_path, town)
    result = _validate(cli, tmp_path, str(path))
    assert result.exit_code == 2
    assert re.search(re.escape(str(path)) + line_col, result.stderr), result.stderr
    assert needle in result.stderr
    _no_traceback(result)


def test_wrong_type_negative_and_impossible_date_all_reported(cli, tmp_path):
    town = (
        TOWN.replace("members: 100", "members: 六千九")
        .replace("branches: 5", "branches: -2")
        .replace("date: 2024-07-05", "date: 2024-02-30")
    )
    path = make_profiles(tmp_path, town)
    result = _validate(cli, tmp_path)
    assert result.exit_code == 2
    err = result.stderr
    assert f"{path}:6:12 party.members [错误] 参加本批活动的党员数应为整数" in err
    assert "六千九" in err
    assert f"{path}:7:13 party.branches [错误] 党支部数不能为负数" in err
    assert f"{path}:9:9 meeting.date [错误] 动员大会日期是不存在的日期（2024年2月没有30日）" in err
    assert "3 处错误" in err


@pytest.mark.parametrize("bad", ["2024-13-01", "2023-02-29", "明年七月"])
def test_other_bad_dates(cli, tmp_path, bad):
    path = make_profiles(tmp_path, TOWN.replace("date: 2024-07-05", f"date: {bad}"))
    result = _validate(cli, tmp_path)
    assert result.exit_code == 2
    assert f"{path}:9:9 meeting.date" in result.stderr
    assert bad in result.stderr


def test_missing_keys_name_the_file_that_should_hold_them(cli, tmp_path):
    town = TOWN.replace("  secretary: 张示范\n", "")
    city = CITY.replace("  members: 100\n", "")
    path = make_profiles(tmp_path, town, city)
    result = _validate(cli, tmp_path)
    assert result.exit_code == 2
    city_path = tmp_path / "city.yaml"
    assert f"{path}:1:1 town.secretary [错误] 缺少必填键 town.secretary" in result.stderr
    assert f"应写在 {path} 中" in result.stderr
    assert f"{city_path}:3:1 campaign.members [错误] 缺少必填键 campaign.members" in result.stderr
    assert f"应写在 {city_path} 中" in result.stderr


def test_missing_section_in_town_file(cli, tmp_path):
    path = make_profiles(tmp_path, TOWN.replace("meeting:\n  date: 2024-07-05\n", ""))
    result = _validate(cli, tmp_path, str(path))
    assert result.exit_code == 2
    assert "缺少必填键 meeting（动员大会）" in result.stderr
    assert str(path) in result.stderr


@pytest.mark.parametrize("content", ["", "\n\n", "# 只有注释\n# 没有资料\n", "---\n"])
def test_empty_file(cli, tmp_path, content):
    path = make_profiles(tmp_path, content)
    result = _validate(cli, tmp_path, str(path))
    assert result.exit_code == 2
    assert f"{path}:1:1 [错误] 文件是空的" in result.stderr


def test_duplicate_keys_name_both_lines(cli, tmp_path):
    path = make_profiles(tmp_path, TOWN + "party:\n  units: 3\n")
    result = _validate(cli, tmp_path)
    assert result.exit_code == 2
    assert f"{path}:12:1 party [错误] 键“party”重复：第 5 行和第 12 行都写了它" in result.stderr


def test_unknown_key_close_to_known_is_a_warning(cli, tmp_path):
    path = make_profiles(tmp_path, TOWN.replace("  branches: 5", "  branches: 5\n  brances: 6"))
    (tmp_path / "towns" / "yangli.yaml").write_text(
        path.read_text(encoding="utf-8").replace("slogans:", "slogan:\n  - x\nslogans:"),
        encoding="utf-8",
    )
    result = _validate(cli, tmp_path)
    assert result.exit_code == 0, result.output
    assert (
        f"{path}:8:3 party.brances [警告] 未知的键“brances”，您是不是要写 party.branches？"
        in result.stdout
    )
    assert "您是不是要写 slogans？" in result.stdout
    assert "校验通过" in result.stdout


def test_meeting_outside_campaign_window(cli, tmp_path):
    path = make_profiles(tmp_path, TOWN.replace("date: 2024-07-05", "date: 2024-06-20"))
    result = _validate(cli, tmp_path)
    assert result.exit_code == 2
    assert (
        f"{path}:9:9 meeting.date [错误] 动员大会日期 2024-06-20 不在活动期间（2024-07-01 至 2024-12-31）内"
        in result.stderr
    )


def test_campaign_end_before_start(cli, tmp_path):
    make_profiles(tmp_path, city=CITY.replace("end: 2024-12-31", "end: 2024-06-01"))
    result = _validate(cli, tmp_path)
    assert result.exit_code == 2
    assert (
        "city.yaml:6:8 campaign.end [错误] 活动结束日期 2024-06-01 早于开始日期 2024-07-01"
        in result.stderr
    )


PHASES = """\
  phases:
    - name: 学习动员
      start: 2024-07-01
      end: 2024-08-31
    - name: 分析评议
      start: {second_start}
      end: 2024-10-31
    - name: 整改提高
      start: 2024-11-01
      end: {third_end}
"""


@pytest.mark.parametrize(
    ("second_start", "third_end", "line", "needle"),
    [
        ("2024-08-15", "2024-12-31", 13, "不晚于上一阶段“学习动员”的结束日期 2024-08-31"),
        ("2024-09-01", "2025-01-31", 16, "超出了活动期间"),
        ("2024-11-15", "2024-12-31", 14, "结束日期 2024-10-31 早于开始日期 2024-11-15"),
    ],
)
def test_phases_ordered_and_inside_window(cli, tmp_path, second_start, third_end, line, needle):
    city = CITY + PHASES.format(second_start=second_start, third_end=third_end)
    make_profiles(tmp_path, city=city)
    result = _validate(cli, tmp_path)
    assert result.exit_code == 2
    assert re.search(
        rf"city\.yaml:{line}:\d+ campaign\.phases\[\d\]\.\w+ \[错误\]", result.stderr
    ), result.stderr
    assert needle in result.stderr


def test_members_sum_mismatch_is_a_warning_with_both_numbers(cli, tmp_path):
    make_profiles(tmp_path)
    make_profiles(tmp_path, TOWN.replace("name: 样例镇", "name: 第二镇"), slug="second")
    result = _validate(cli, tmp_path)
    assert result.exit_code == 0, result.output
    assert re.search(
        r"city\.yaml:7:12 campaign\.members \[警告\] 各乡镇 party\.members 合计 200 人，"
        r"与 campaign\.members 的 100 人不符",
        result.stdout,
    ), result.stdout


def test_demo_sum_mismatch_detected_after_edit(cli, demo_profiles):
    donghu = demo_profiles / "towns" / "donghu.yaml"
    donghu.write_text(donghu.read_text(encoding="utf-8").replace("612", "600"), encoding="utf-8")
    result = _validate(cli, demo_profiles)
    assert result.exit_code == 0
    assert "合计 6907 人，与 campaign.members 的 6919 人不符（相差 12 人）" in result.stdout


@pytest.mark.parametrize(
    ("encode", "label"),
    [
        (lambda t: t.encode("utf-8"), "utf8"),
        (lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"), "bom"),
        (lambda t: t.encode("gb18030"), "gb18030"),
        (lambda t: t.encode("gbk"), "gbk"),
    ],
    ids=["utf8", "bom", "gb18030", "gbk"],
)
def test_encodings_that_load(cli, tmp_path, encode, label):
    path = make_profiles(tmp_path)
    path.write_bytes(encode("# 样例镇的资料\n" + TOWN))
    (tmp_path / "city.yaml").write_bytes(encode(CITY))
    result = cli("profiles", "show", "yangli", "--profiles", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "name: 样例镇" in result.stdout and "secretary: 张示范" in result.stdout


@pytest.mark.parametrize(
    ("raw", "needle"),
    [
        (TOWN.encode("utf-16"), "UTF-16"),
        (b"town:\n  name: Caf\xe9\n" + TOWN.encode("utf-8")[5:], "既不是 UTF-8 也不是 GBK"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "不是文本文件"),
    ],
)
def test_other_encodings_are_a_clear_error(cli, tmp_path, raw, needle):
    path = make_profiles(tmp_path)
    path.write_bytes(raw)
    result = _validate(cli, tmp_path, str(path))
    assert result.exit_code == 2
    assert f"{path} [错误]" in result.stderr and needle in result.stderr
    _no_traceback(result)


BOMB = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (BOMB, "别名炸弹"),
        ("x: &x [1]\n" + "".join(f"k{i}: *x\n" for i in range(150)), "别名炸弹"),
        ("big: '" + "长" * 400_000 + "'\n", "文件过大"),
        ("".join(f"k{i}: {i}\n" for i in range(60_000)), "行数过多"),
        ("a: [" + "1," * 30_000 + "1]\n", "文件内容过多"),
        ("a: " + "[" * 200 + "]" * 200 + "\n", "嵌套"),
    ],
)
def test_hostile_yaml_refused_fast(cli, tmp_path, content, needle):
    path = make_profiles(tmp_path, content)
    started = time.perf_counter()
    result = _validate(cli, tmp_path, str(path))
    elapsed = time.perf_counter() - started
    assert result.exit_code == 2
    assert str(path) in result.stderr and needle in result.stderr, result.stderr
    assert elapsed < 5
    _no_traceback(result)


def test_missing_path(cli, tmp_path):
    result = _validate(cli, tmp_path, str(tmp_path / "nope.yaml"))
    assert result.exit_code == 2
    assert "nope.yaml [错误] 路径不存在" in result.stderr


def _fill(text: str) -> str:
    """Replace each placeholder with a plausible value for its key."""
    values = {
        "name": "新样镇",
        "kind": "镇",
        "members": "100",
        "branches": "3",
        "units": "4",
        "date": "2024-07-06",
        "group": "市委第一督导组",
    }
    out = []
    for line in text.splitlines():
        key = line.strip().split(":", 1)[0]
        if key in values and "[" not in line:
            line = line.replace("〔待填〕", values[key], 1)
        out.append(line.replace("〔待填〕", "某示范"))
    return "\n".join(out) + "\n"


def test_new_scaffold_fails_until_filled_then_validates(cli, tmp_path):
    make_profiles(tmp_path, city=(PROFILES / "city.yaml").read_text(encoding="utf-8"))
    (tmp_path / "towns" / "yangli.yaml").unlink()
    result = cli("profiles", "new", "xinyang", "--profiles", str(tmp_path))
    assert result.exit_code == 0, result.output
    path = tmp_path / "towns" / "xinyang.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# ") and "〔待填〕" in text
    unfilled = _validate(cli, tmp_path)
    assert unfilled.exit_code == 2
    assert f"{path}:5:9 town.name [错误] 乡镇名称（如 东湖镇）尚未填写" in unfilled.stderr
    assert re.search(
        rf"{re.escape(str(path))}:11:\d+ party.members \[错误\] .*尚未填写", unfilled.stderr
    )
    path.write_text(_fill(text), encoding="utf-8")
    filled = _validate(cli, tmp_path, str(path))
    assert filled.exit_code == 0, filled.output
    assert "警告" not in filled.stdout
    assert "# 党支部数" in path.read_text(encoding="utf-8")


def test_new_with_name_and_kind_and_refuses_overwrite(cli, tmp_path):
    (tmp_path / "city.yaml").write_text(CITY, encoding="utf-8")
    args = (
        "profiles",
        "new",
        "nanhu",
        "--profiles",
        str(tmp_path),
        "--name",
        "南湖街道",
        "--kind",
        "街道",
    )
    assert cli(*args).exit_code == 0
    path = tmp_path / "towns" / "nanhu.yaml"
    assert "name: 南湖街道" in path.read_text(encoding="utf-8")
    before = path.read_bytes()
    again = cli(*args)
    assert again.exit_code == 2 and "已存在，未覆盖" in again.stderr
    assert path.read_bytes() == before


def test_new_refuses_missing_profiles_folder_and_creates_nothing(cli, tmp_path):
    missing = tmp_path / "typo"
    result = cli("profiles", "new", "abc", "--profiles", str(missing))
    assert result.exit_code == 2
    assert f"资料文件夹 {missing} 不存在" in result.stderr
    assert not missing.exists()
    _no_traceback(result)


def test_new_refuses_folder_without_city_yaml(cli, tmp_path):
    result = cli("profiles", "new", "abc", "--profiles", str(tmp_path))
    assert result.exit_code == 2
    assert f"{tmp_path} 不是资料文件夹：其中没有 city.yaml" in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("slug", ["东湖", "Donghu", "../evil", "a b"])
def test_new_rejects_bad_slug(cli, tmp_path, slug):
    result = cli("profiles", "new", slug, "--profiles", str(tmp_path))
    assert result.exit_code == 2
    assert "只能用小写英文字母" in result.stderr
    assert not (tmp_path / "towns").exists()


def test_show_merged_and_derived(cli):
    result = cli("profiles", "show", "donghu", "--profiles", str(PROFILES))
    assert result.exit_code == 0
    out = result.stdout
    assert "name: 海川市" in out and "name: 东湖镇" in out and "start: 2024-07-01" in out
    assert "committee: 中共东湖镇委员会" not in out
    derived = cli("profiles", "show", "donghu", "--profiles", str(PROFILES), "--derived")
    assert "committee: 中共东湖镇委员会" in derived.stdout


def test_show_unknown_and_invalid(cli, tmp_path):
    make_profiles(tmp_path, TOWN.replace("members: 100", "members: -1"))
    missing = cli("profiles", "show", "nope", "--profiles", str(tmp_path))
    assert (
        missing.exit_code == 2
        and "找不到乡镇“nope”" in missing.stderr
        and "yangli" in missing.stderr
    )
    bad = cli("profiles", "show", "yangli", "--profiles", str(tmp_path))
    assert bad.exit_code == 2 and "party.members [错误]" in bad.stderr
    assert bad.stdout == ""


def test_list_shows_validity(cli, tmp_path):
    make_profiles(tmp_path)
    make_profiles(tmp_path, "town: [\n", slug="broken")
    result = cli("profiles", "list", "--profiles", str(tmp_path))
    assert result.exit_code == 2
    assert re.search(r"broken\s+—\s+—\s+—\s+无效（1 处错误）", result.stdout)
    assert re.search(r"yangli\s+样例镇\s+镇\s+100\s+有效", result.stdout)
    assert (
        "共 2 个乡镇，其中 1 个无效；有效的 1 个党员合计 100 人"
        "（无效乡镇未计入，未与 campaign.members 核对）。" in result.stdout
    )
    assert f"1 个乡镇的资料无效，运行 speechkit profiles validate {tmp_path}" in result.stderr
    _no_traceback(result)


def test_list_counts_a_town_with_cross_check_errors_as_invalid(cli, tmp_path):
    make_profiles(tmp_path, TOWN.replace("2024-07-05", "2025-01-05"))
    result = cli("profiles", "list", "--profiles", str(tmp_path))
    assert result.exit_code == 2
    assert re.search(r"yangli\s+—\s+—\s+—\s+无效（1 处错误）", result.stdout), result.stdout


def test_validate_folder_says_when_members_sum_is_not_checked(cli, tmp_path):
    make_profiles(tmp_path, TOWN.replace("members: 100", "members: 60"))
    make_profiles(tmp_path, "town: [\n", slug="broken")
    result = _validate(cli, tmp_path)
    assert result.exit_code == 2
    assert re.search(
        r"city.yaml:7:12 campaign.members \[警告\] 有 1 个乡镇的资料有错误.*未核对各乡镇 "
        r"party.members 合计",
        result.stderr,
    ), result.stderr
    assert "合计 60 人" not in result.stderr


def test_list_demo(cli):
    result = cli("profiles", "list", "--profiles", str(PROFILES))
    assert result.exit_code == 0
    assert "共 14 个乡镇，党员合计 6919 人（campaign.members 为 6919 人，一致）" in result.stdout


def test_help_is_chinese(cli):
    for args in (
        ("profiles", "--help"),
        ("profiles", "validate", "--help"),
        ("profiles", "new", "-h"),
    ):
        result = cli(*args)
        assert result.exit_code == 0
        assert "用法：" in result.stdout and "显示本帮助并退出" in result.stdout


def _lines_about(text, key):
    return [line for line in text.splitlines() if f" {key} [" in line]


def test_town_without_city_yaml_one_message_and_one_line_per_key(cli, tmp_path):
    folder = tmp_path / "a" / "b"
    folder.mkdir(parents=True)
    (folder / "dup.yaml").write_text("town:\n  name: 东湖镇\n  name: 西湖镇\n", encoding="utf-8")
    result = cli("profiles", "validate", "dup.yaml", cwd=folder)
    assert result.exit_code == 2
    err = result.stderr
    expected = tmp_path / "a" / "city.yaml"
    assert err.count("找不到 city.yaml") == 1
    assert f"找不到 city.yaml（应在 {expected}）" in err
    assert "缺少 city" not in err and "缺少必填键 city" not in err
    assert "campaign" not in err.replace("city、campaign 两节", "")
    for key in ("party", "meeting", "slogans", "supervision", "town.kind"):
        assert len(_lines_about(err, key)) == 1, (key, err)
    assert "[错误] 缺少必填键 party（党组织）" in _lines_about(err, "party")[0]
    assert not _lines_about(err, "town.mayor")  # no template of the 2005 pack reads it
    assert "键“name”重复" in err
    _no_traceback(result)


def test_self_contained_town_needs_no_city_yaml(cli, tmp_path):
    path = tmp_path / "alone.yaml"
    path.write_text(CITY + TOWN, encoding="utf-8")
    result = cli("profiles", "validate", str(path))
    assert "city.yaml" not in result.output
    assert result.exit_code == 0, result.output


def test_profiles_folder_without_city_yaml_says_so_once(cli, tmp_path):
    make_profiles(tmp_path, city=None)
    make_profiles(tmp_path, TOWN.replace("样例镇", "二号镇"), city=None, slug="second")
    result = _validate(cli, tmp_path)
    assert result.exit_code == 2
    assert result.stderr.count("找不到 city.yaml") == 1
    assert f"（应在 {tmp_path / 'city.yaml'}）" in result.stderr


def test_fullwidth_colon_reported_once_without_cascade(cli, tmp_path):
    town = TOWN.replace("  name: 样例镇", "  name：样例镇").replace(
        "  kind: 镇", "  kind: 镇   # 类别"
    )
    make_profiles(tmp_path, town)
    result = _validate(cli, tmp_path)
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if "[错误]" in line]
    assert len(errors) == 1, result.stderr
    assert ":2:7「name：样例镇」 town.name [错误]" in errors[0] and "全角冒号" in errors[0]
    assert "此处不能出现冒号" not in result.stderr


def test_snippet_has_no_comment_or_trailing_spaces(cli, tmp_path):
    make_profiles(tmp_path, TOWN.replace("  kind: 镇", "  kind: 镇: 区" + " " * 30 + "# 类别"))
    result = _validate(cli, tmp_path)
    assert result.exit_code == 2
    assert "「kind: 镇: 区」 [错误]" in result.stderr, result.stderr
