"""--zip: each town's forms in one archive, regenerated when a member changes, kept when edited."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from batch_helpers import args, assert_consistent, options, write_roster
from docx import Document

from speechkit.batch import BatchOptions, plan, run_batch
from speechkit.errors import SpeechkitError


def _options(ws: Path, **kw) -> BatchOptions:
    return options(ws, zip=True, **kw)


def _texts(archive: Path) -> dict[str, str]:
    with zipfile.ZipFile(archive) as zf:
        return {
            name: "\n".join(p.text for p in Document(io.BytesIO(zf.read(name))).paragraphs)
            for name in zf.namelist()
        }


def test_forms_go_into_one_archive_per_town(workspace: Path) -> None:
    result = run_batch(_options(workspace))
    assert result.exit_code == 0
    archive = workspace / "out/东湖镇/党性分析评议表.zip"
    texts = _texts(archive)
    assert sorted(texts) == ["张三（一支部）.docx", "张三（三支部）.docx", "李明.docx", "王芳.docx"]
    assert "姓名：王芳" in texts["王芳.docx"] and "支部：二支部" in texts["王芳.docx"]
    assert not (workspace / "out/东湖镇/党性分析评议表").exists()  # no loose forms
    assert (workspace / "out/西山镇/党性分析评议表.docx").is_file()  # no roster: blank form
    assert assert_consistent(workspace / "out")["东湖镇/党性分析评议表.zip"]["kind"] == "zip"
    again = run_batch(_options(workspace))
    assert again.count("unchanged") == again.count("generated") + 4 == 4  # nothing redone


def test_a_changed_member_rewrites_the_archive_and_an_edited_one_is_kept(
    workspace: Path, monkeypatch
) -> None:
    monkeypatch.setattr(plan, "FOLDER_MAX", 2)  # sub-folders become folders in the archive
    run_batch(_options(workspace, towns=("donghu",)))
    roster = workspace / "profiles/towns/donghu.members.csv"
    roster.write_text(roster.read_text("utf-8").replace("王芳", "王芬"), "utf-8")
    second = run_batch(_options(workspace, towns=("donghu",)))
    archive = workspace / "out/东湖镇/党性分析评议表.zip"
    zipped = [i for i in second.items if i.output.endswith(".zip")]
    assert [i.status for i in zipped] == ["generated"]
    assert "二支部/王芬.docx" in _texts(archive) and "一支部/李明.docx" in _texts(archive)
    archive.write_bytes(archive.read_bytes() + b"edited")  # someone changed the archive
    roster.write_text(roster.read_text("utf-8").replace("王芬", "王芳"), "utf-8")
    third = run_batch(_options(workspace, towns=("donghu",)))
    assert [i.status for i in third.items if i.output.endswith(".zip")] == ["skipped"]
    assert archive.read_bytes().endswith(b"edited")


def test_zip_with_per_form_options_is_refused(cli, workspace: Path) -> None:
    with pytest.raises(SpeechkitError, match="--zip 不能与"):
        run_batch(_options(workspace, merge=True))
    result = cli(*args(workspace, "--zip", "--pdf"))
    assert result.exit_code == 2 and "--zip 不能与" in result.stderr


def test_a_roster_row_that_breaks_the_form_fails_the_archive(workspace: Path) -> None:
    template = workspace / "templates/党性分析评议表.docx"
    doc = Document(str(template))
    doc.add_paragraph("{{ 1 // (member.name | length - 2) }}")  # 2-character names fail
    doc.save(str(template))
    write_roster(
        workspace / "profiles/towns/donghu.members.csv",
        [["李明", "男", "1970.03", "1995.07", "一支部", ""]]
        + [["欧阳一", "男", "1970.03", "1995.07", "一支部", ""]],
    )
    result = run_batch(_options(workspace, towns=("donghu",)))
    failed = [i for i in result.items if i.status == "failed"]
    assert len(failed) == 1 and "李明.docx" in failed[0].reason
    assert not (workspace / "out/东湖镇/党性分析评议表.zip").exists()
    assert [p.name for p in (workspace / "out/东湖镇").iterdir()] == ["讲话.docx"]
