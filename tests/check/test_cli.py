"""``speechkit check`` and ``speechkit rules``: exit codes, formats, errors (through main)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from tests.conftest import PROFILES

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "tests" / "data" / "seed.txt"
DONGHU = PROFILES / "towns" / "donghu.yaml"


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_seed_fails_with_located_findings(cli):
    r = cli("check", SEED, "--no-color")
    assert r.exit_code == 1
    assert "seed.txt:8:" in r.stdout and "typo.yi-ji" in r.stdout
    assert "共检查 1 个文件" in r.stdout
    assert r.stderr == ""


def test_clean_file_exits_zero(cli, tmp_path):
    r = cli("check", write(tmp_path, "ok.txt", "认真部署工作。\n"))
    assert r.exit_code == 0
    assert "没有发现问题" in r.stdout


def test_fail_on_threshold(cli, tmp_path):
    p = write(tmp_path, "w.txt", "于2024年07月召开\n")  # a warning only
    assert cli("check", p).exit_code == 0
    assert cli("check", p, "--fail-on", "warning").exit_code == 1
    assert cli("check", p, "--fail-on", "info").exit_code == 1


def test_ignore_option(cli, tmp_path):
    p = write(tmp_path, "t.txt", "认真布署工作\n")
    assert cli("check", p).exit_code == 1
    r = cli("check", p, "--ignore", "typo")
    assert r.exit_code == 0 and "布署" not in r.stdout


def test_json_to_stdout_and_file(cli, tmp_path):
    p = write(tmp_path, "t.txt", "认真布署工作\n")
    r = cli("check", p, "--format", "json")
    data = json.loads(r.stdout)
    assert data["summary"] == {"files": 1, "error": 1, "warning": 0, "info": 0}
    out = tmp_path / "r.json"
    r = cli("check", p, "-o", out)
    assert r.exit_code == 1
    assert json.loads(out.read_text("utf-8"))["files"][0]["findings"][0]["rule"] == "typo.common"


def test_html_report_for_many_files(cli, tmp_path):
    a = write(tmp_path, "a.txt", "认真布署工作\n")
    b = write(tmp_path, "b.md", "这是**重点**，没有问题\n")
    out = tmp_path / "report.html"
    r = cli("check", a, b, "-o", out, "--jobs", "2")
    assert r.exit_code == 1
    page = out.read_text("utf-8")
    assert "a.txt" in page and "b.md" in page and "布署" in page
    assert "报告已写入" in r.stderr


def test_docx_format_writes_comments_and_keeps_input(cli, tmp_path, make_docx):
    src = make_docx(tmp_path / "s.docx", body=["认真布署工作"])
    before = src.read_bytes()
    out = tmp_path / "s.批注.docx"
    r = cli("check", src, "--format", "docx", "-o", out)
    assert r.exit_code == 1
    assert "1 条批注" in r.stdout
    assert src.read_bytes() == before
    assert b"speechkit" in zipfile.ZipFile(out).read("word/comments.xml")


def test_docx_format_needs_docx_input_and_output(cli, tmp_path, make_docx):
    p = write(tmp_path, "t.txt", "x\n")
    r = cli("check", p, "--format", "docx", "-o", tmp_path / "o.docx")
    assert r.exit_code == 2 and "只能为 Word 文档（.docx、.dotx、.docm）添加批注" in r.stderr
    src = make_docx(tmp_path / "s.docx", body=["x"])
    r = cli("check", src, "--format", "docx")
    assert r.exit_code == 2 and "-o" in r.stderr
    r = cli("check", src, "--format", "docx", "-o", src)
    assert r.exit_code == 2 and "原文件" in r.stderr


def test_bad_inputs_exit_2_with_chinese_message(cli, tmp_path):
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"not a zip")
    r = cli("check", bad)
    assert r.exit_code == 2
    assert "bad.docx" in r.stderr and "Word" in r.stderr
    assert "zip" not in r.stderr.lower()
    assert "Traceback" not in r.output
    r = cli("check", tmp_path / "missing.txt")
    assert r.exit_code == 2 and "文件不存在" in r.stderr


def test_several_bad_inputs_named_together(cli, tmp_path):
    a = tmp_path / "a.docx"
    a.write_bytes(b"x")
    b = tmp_path / "b.doc"
    b.write_bytes(b"x")
    r = cli("check", a, b, "--jobs", "1")
    assert r.exit_code == 2
    assert "a.docx" in r.stderr and "b.doc" in r.stderr and "2 个文件" in r.stderr


def test_invalid_rule_pack_exit_2_located(cli, tmp_path):
    pack = write(tmp_path, "p.yaml", "rules:\n  - id: x\n    type: wrong\n")
    r = cli("check", SEED, "--rules", pack)
    assert r.exit_code == 2
    assert "p.yaml:3:" in r.stderr and "type“wrong”无效" in r.stderr


def test_profile_consistency(cli, tmp_path):
    p = write(tmp_path, "讲话.txt", "其中我们东湖镇有35个单位、28个党支部的600名党员参加。\n")
    r = cli("check", p, "--profile", DONGHU)
    assert r.exit_code == 1
    assert "文中为 600 名" in r.stdout and "612" in r.stdout and "donghu.yaml:" in r.stdout
    assert cli("check", p).exit_code == 0


def test_bad_profile_exit_2(cli, tmp_path):
    prof = write(tmp_path, "x.yaml", "town: [unclosed\n")
    r = cli("check", SEED, "--profile", prof)
    assert r.exit_code == 2
    assert "x.yaml" in r.stderr


def test_keywords_and_coverage(cli, tmp_path):
    p = write(tmp_path, "动员讲话.txt", SEED.read_text("utf-8"))
    r = cli("check", p, "--keywords", "--no-color")
    assert "关键词：" in r.stdout and "先进性" in r.stdout
    assert "✓ 保持共产党员先进性教育活动" in r.stdout
    r = cli("check", p, "--keywords", "--format", "json")
    entry = json.loads(r.stdout)["files"][0]
    assert {c["formulation"] for c in entry["coverage"]} >= {"党的十六大", "十六届四中全会"}
    assert len(entry["keywords"]) > 5


def test_rules_list_and_test(cli, tmp_path):
    r = cli("rules", "list")
    assert r.exit_code == 0 and "typo.common" in r.stdout and "共 " in r.stdout
    r = cli("rules", "list", "--doc-type", "plan", "--category", "required")
    assert "required.plan.goals" in r.stdout and "required.speech.congress" not in r.stdout
    r = cli("rules", "test")
    assert r.exit_code == 0 and "失败 0 个" in r.stdout


def test_rules_test_reports_failing_examples(cli, tmp_path):
    pack = write(
        tmp_path,
        "p.yaml",
        "rules:\n"
        "  - id: local.x\n"
        "    type: existence\n"
        "    category: typo\n"
        "    severity: error\n"
        "    message: 坏\n"
        "    literal: 甲乙\n"
        "    examples: {bad: [丙丁], good: [甲乙丙]}\n",
    )
    r = cli("rules", "test", pack)
    assert r.exit_code == 1
    assert (
        "[失败]" in r.stdout
        and "bad「丙丁」应查出" in r.stdout
        and "good「甲乙丙」不应查出" in r.stdout
    )
    assert "p.yaml:2" in r.stdout


def test_help_is_chinese(cli):
    r = cli("check", "--help")
    assert r.exit_code == 0 and "退出码" in r.stdout and "用法" in r.stdout


def test_jieba_cache_in_user_cache_dir_and_log_silenced(tmp_path):
    import os
    import subprocess
    import sys

    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"))
    doc = write(tmp_path, "t.txt", "工作己经展开\n")
    cmd = [sys.executable, "-m", "speechkit", "check", str(doc), "--format", "json"]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=tmp_path)
    assert proc.returncode == 1
    assert json.loads(proc.stdout)["files"][0]["findings"][0]["rule"] == "typo.yi-ji"
    assert proc.stderr == ""  # no "Building prefix dict ..." from jieba
    assert (tmp_path / "cache" / "speechkit" / "jieba.cache").is_file()
    assert list((tmp_path / "cache" / "speechkit").glob("rules-*.json"))


def test_folder_is_expanded(cli, tmp_path, make_docx):
    folder = tmp_path / "output" / "东湖镇"
    folder.mkdir(parents=True)
    write(folder, "a.txt", "认真布署工作\n")
    make_docx(folder / "b.docx", body=["要再接再励"])
    (folder / "~$b.docx").write_bytes(b"lock")
    (folder / "notes.pdf").write_bytes(b"%PDF")
    r = cli("check", tmp_path / "output", "--format", "json")
    paths = [Path(f["path"]).name for f in json.loads(r.stdout)["files"]]
    assert paths == ["a.txt", "b.docx"]
    empty = tmp_path / "empty"
    empty.mkdir()
    r = cli("check", empty)
    assert r.exit_code == 2 and "没有可检查的文件" in r.stderr


def test_jobs_must_be_positive(cli):
    r = cli("check", SEED, "--jobs", "0")
    assert r.exit_code == 2 and "--jobs" in r.stderr and "至少为 1" in r.stderr


def test_existing_output_refused_without_force_for_every_format(cli, tmp_path, make_docx):
    src = make_docx(tmp_path / "s.docx", body=["认真布署工作"])
    for fmt, name in (
        ("text", "r.txt"),
        ("json", "r.json"),
        ("html", "r.html"),
        ("docx", "v.docx"),
    ):
        victim = tmp_path / name
        victim.write_bytes(b"precious")
        r = cli("check", src, "--format", fmt, "-o", victim)
        assert r.exit_code == 2, fmt
        assert "输出文件已存在" in r.stderr and "--force" in r.stderr and name in r.stderr
        assert victim.read_bytes() == b"precious"
        r = cli("check", src, "--format", fmt, "-o", victim, "--force")
        assert r.exit_code == 1, fmt
        assert victim.read_bytes() != b"precious"


def test_existing_output_inferred_from_extension_refused(cli, tmp_path, make_docx):
    src = make_docx(tmp_path / "s.docx", body=["认真布署工作"])
    victim = make_docx(tmp_path / "victim.docx", body=["另一份文件"])
    before = victim.read_bytes()
    r = cli("check", src, "-o", victim)
    assert r.exit_code == 2 and "victim.docx" in r.stderr
    assert victim.read_bytes() == before


def test_existing_annotated_copy_in_folder_refused(cli, tmp_path, make_docx):
    a = make_docx(tmp_path / "a.docx", body=["认真布署工作"])
    b = make_docx(tmp_path / "b.docx", body=["认真部署工作"])
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "b.批注.docx").write_bytes(b"mine")
    r = cli("check", a, b, "--format", "docx", "-o", folder)
    assert r.exit_code == 2 and "b.批注.docx" in r.stderr
    assert not (folder / "a.批注.docx").exists()
    assert (folder / "b.批注.docx").read_bytes() == b"mine"
    r = cli("check", a, b, "--format", "docx", "-o", folder, "--force")
    assert r.exit_code == 1
    assert zipfile.is_zipfile(folder / "a.批注.docx") and zipfile.is_zipfile(folder / "b.批注.docx")


def test_wrong_meeting_date_flagged_against_profile(cli, tmp_path):
    p = write(tmp_path, "讲话.txt", "动员大会于2024年7月6日召开。\n7月5日召开全镇动员大会。\n")
    r = cli("check", p, "--profile", DONGHU, "--no-color")
    assert r.exit_code == 1
    assert "讲话.txt:1:" in r.stdout and "consistency.meeting-date" in r.stdout
    assert "文中为 2024年7月6日" in r.stdout and "2024年7月5日" in r.stdout
    assert "donghu.yaml:" in r.stdout
    assert "讲话.txt:2:" not in r.stdout


def test_rules_list_shows_readable_messages(cli):
    r = cli("rules", "list")
    assert r.exit_code == 0
    assert "{" not in r.stdout and "}" not in r.stdout
    assert "未填写的占位符“…”" in r.stdout
    line = next(x for x in r.stdout.splitlines() if x.startswith("required.plan.goals"))
    assert "缺少“目标要求”部分" in line
    line = next(x for x in r.stdout.splitlines() if x.startswith("consistency.town-members"))
    assert "party.members" in line and "…" in line


def test_rules_list_unknown_category_lists_valid_ones(cli):
    r = cli("rules", "list", "--category", "nonsense")
    assert r.exit_code == 2
    assert "nonsense" in r.stderr and "placeholder" in r.stderr and "consistency" in r.stderr
    assert "共 0 条规则" not in r.stdout


def test_category_choices_match_the_model():
    from speechkit.check.model import CATEGORY_NAMES
    from speechkit.cli.check import _CATEGORY_HELP

    assert dict(_CATEGORY_HELP) == CATEGORY_NAMES


def test_unknown_ignore_value_exit_2_lists_categories(cli, tmp_path):
    p = write(tmp_path, "t.txt", "认真布署工作\n")
    r = cli("check", p, "--ignore", "nosuchrule")
    assert r.exit_code == 2
    assert "nosuchrule" in r.stderr and "typo（错别字）" in r.stderr and "rules list" in r.stderr
    for ok in ("typo", "typo.common", "punct", "consistency"):
        assert cli("check", p, "--ignore", ok).exit_code in (0, 1), ok


def test_readme_rule_count_is_true():
    import re

    from speechkit.check import load_rules

    readme = (ROOT / "README.md").read_text("utf-8")
    counts = re.findall(r"默认规则包现有 (\d+) 条规则", readme)
    assert counts, "README 应写明默认规则包的条数"
    assert {int(c) for c in counts} == {len(load_rules(campaigns=False).rules)}


def test_alias_bomb_pack_refused_by_every_command(cli, tmp_path):
    import time

    levels = "abcdefgh"
    text = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{n}: &{n} [{', '.join(['*' + p] * 9)}]\n"
        for p, n in zip(levels[:-1], levels[1:], strict=True)
    )
    bomb = write(tmp_path, "bomb.yaml", text)
    for args in (("rules", "list", "--rules", bomb), ("check", SEED, "--rules", bomb)):
        start = time.monotonic()
        r = cli(*args)
        assert time.monotonic() - start < 5, args
        assert r.exit_code == 2 and "bomb.yaml" in r.stderr and "别名炸弹" in r.stderr
    r = cli("rules", "test", bomb)
    assert r.exit_code == 2 and "别名炸弹" in r.stderr


def test_rule_pack_yaml_error_and_gbk_pack(cli, tmp_path):
    bad = write(tmp_path, "bad.yaml", "a: [1\n")
    r = cli("check", SEED, "--rules", bad)
    assert r.exit_code == 2 and "bad.yaml:" in r.stderr
    assert "方括号列表没有正确结束" in r.stderr and "expected" not in r.stderr
    gbk = tmp_path / "gbk.yaml"
    gbk.write_bytes(
        "rules:\n  - id: my.x\n    type: existence\n    category: typo\n    severity: error\n"
        "    message: 请改为“部署”\n    literal: [布署]\n"
        "    examples: {bad: [认真布署], good: [认真部署]}\n".encode("gbk")
    )
    r = cli("rules", "test", gbk)
    assert r.exit_code == 0 and "1 条规则，2 个示例，失败 0 个" in r.stdout
    r = cli("rules", "list", "--rules", gbk)
    assert "请改为“部署”" in r.stdout


def test_keywords_unknown_type_lists_only_common_formulations(cli, tmp_path):
    p = write(tmp_path, "稿子.txt", SEED.read_text("utf-8"))
    r = cli("check", p, "--keywords", "--no-color")
    assert "文件名看不出文档类型" in r.stdout and "--doc-type" in r.stdout
    assert "组织领导" not in r.stdout and "党性分析" not in r.stdout and "✗" not in r.stdout
    entry = json.loads(cli("check", p, "--keywords", "--format", "json").stdout)["files"][0]
    assert entry["doc_type"] is None and entry["coverage"] == []
    out = tmp_path / "r.html"
    cli("check", p, "--keywords", "-o", out)
    assert "文件名看不出文档类型" in out.read_text("utf-8")
    common = write(
        tmp_path,
        "common.yaml",
        "rules:\n  - id: my.common\n    type: required\n    category: required\n"
        "    severity: info\n    message: 全文没有出现“{suggestion}”。\n    literal: 先进性\n",
    )
    r = cli("check", p, "--keywords", "--no-color", "--rules", common)
    assert "✓ 先进性（my.common）" in r.stdout and "只列出各类文稿共同的" in r.stdout
    assert "required.speech" not in r.stdout.split("必备提法")[1]
    r = cli("check", p, "--keywords", "--no-color", "--doc-type", "plan")
    assert "✗ 组织领导" in r.stdout and "看不出文档类型" not in r.stdout


def test_docx_without_main_part_explained_in_plain_chinese(cli, tmp_path):
    nodoc = tmp_path / "nodoc.docx"
    with zipfile.ZipFile(nodoc, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
    r = cli("check", nodoc)
    assert r.exit_code == 2 and "nodoc.docx" in r.stderr
    assert "没有正文部分" in r.stderr and "There is no item" not in r.stderr


def test_annotate_refuses_a_non_docx_in_plain_chinese(tmp_path):
    import pytest

    from speechkit.check.report import annotate_docx
    from speechkit.errors import InputFileError

    nodoc = tmp_path / "nodoc.docx"
    with zipfile.ZipFile(nodoc, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
    with pytest.raises(InputFileError) as exc:
        annotate_docx(nodoc, [], tmp_path / "o.docx")
    assert "没有正文部分" in exc.value.format_message()
    assert "item" not in exc.value.format_message()
    assert not (tmp_path / "o.docx").exists()
