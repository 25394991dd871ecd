"""Public loader entry points (speechkit.profiles.loader): decode, parse, translate, locate."""

from __future__ import annotations

import datetime as dt

import pytest

from speechkit.profiles.loader import (
    decode_text,
    load_yaml_bytes,
    load_yaml_file,
    load_yaml_text,
    translate_yaml_error,
    yaml_error_problem,
)


def test_decode_text_utf8_bom_and_gbk():
    assert decode_text("规则: 是".encode()) == ("规则: 是", "UTF-8")
    assert decode_text(b"\xef\xbb\xbf" + "规则".encode())[0] == "规则"
    assert decode_text("规范表述".encode("gbk")) == ("规范表述", "GB18030")
    with pytest.raises(ValueError, match="UTF-16"):
        decode_text("规则".encode("utf-16"))


def test_load_yaml_text_plain_data_and_locations():
    doc = load_yaml_text("pack: 示例\nrules:\n  - id: a\n    start: 2024-07-01\n", shown="p.yaml")
    assert doc.ok
    assert doc.data == {"pack": "示例", "rules": [{"id": "a", "start": dt.date(2024, 7, 1)}]}
    loc = doc.locate("rules[0].id")
    assert (loc.file, loc.line, loc.column) == ("p.yaml", 3, 9)
    assert doc.locate("rules.0.id") == loc


def test_load_yaml_bytes_gbk_and_syntax_error_located_in_chinese():
    doc = load_yaml_bytes("pack: 示例\nrules: [a\n".encode("gbk"), shown="gbk.yaml")
    assert doc.encoding == "GB18030"
    assert not doc.ok
    (problem,) = doc.problems
    assert problem.location.file == "gbk.yaml"
    assert problem.location.line == 3
    assert "没有正确结束" in problem.message or "没有配对" in problem.message


def test_load_yaml_file_missing_is_a_problem_not_an_exception(tmp_path):
    doc = load_yaml_file(tmp_path / "none.yaml")
    assert not doc.ok and doc.problems[0].message == "文件不存在"


def test_translate_and_locate_a_ruamel_error():
    from ruamel.yaml import YAML

    text = "a: 1\n  b: 2\n"
    with pytest.raises(Exception) as info:
        YAML(typ="safe", pure=True).load(text)
    assert "冒号" in translate_yaml_error(info.value)
    problem = yaml_error_problem(info.value, text, "x.yaml")
    assert (problem.location.line, problem.location.snippet) == (2, "b: 2")


def test_unreadable_file_reason_is_chinese(tmp_path, monkeypatch):
    import errno
    from pathlib import Path

    path = tmp_path / "t.yaml"
    path.write_text("a: 1\n", encoding="utf-8")

    def denied(self, *args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", denied)
    (problem,) = load_yaml_file(path).problems
    assert problem.message.startswith("无法读取文件（")
    assert "Permission" not in problem.message
