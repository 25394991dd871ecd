"""Objects written in a --data file: {"$image": …}, {"$docx": …}, {"$text": …}; paths confined
to the data file's folder; bad ones a located Chinese message, exit 2, nothing written."""

from __future__ import annotations

import json
import os

import docx
import pytest
from tests.engine.conftest import make_jpeg, make_png


@pytest.fixture
def folder(tmp_path):
    data = tmp_path / "数据"
    (data / "照片").mkdir(parents=True)
    (data / "照片" / "张三.jpg").write_bytes(make_jpeg(30, 40))
    (data / "照片" / "假图.jpg").write_bytes(b"not a picture")
    d = docx.Document()
    d.add_paragraph("附件的内容")
    d.save(data / "附件.docx")
    (data / "假附件.docx").write_text("plain text", encoding="utf-8")
    (tmp_path / "外面.png").write_bytes(make_png())
    return data


def _render(cli, make_template, folder, value, paras=("{{ v }}",)):
    tpl = make_template(list(paras))
    data = folder / "d.json"
    data.write_text(json.dumps({"v": value}, ensure_ascii=False), encoding="utf-8")
    out = folder.parent / "o.docx"
    return cli("render", tpl, "--data", data, "-o", out), out


def test_image_from_data(cli, make_template, folder):
    res, out = _render(cli, make_template, folder, {"$image": "照片/张三.jpg", "width_mm": 30})
    assert res.exit_code == 0, res.output
    shapes = docx.Document(str(out)).inline_shapes
    assert len(shapes) == 1 and abs(shapes[0].width - 1080000) <= 1
    assert abs(shapes[0].height - 1440000) <= 1  # aspect kept: 30×40 px


def test_docx_and_text_from_data(cli, make_template, folder, lines):
    value = [{"$docx": "附件.docx"}, {"$text": "特急", "bold": True, "color": "C00000"}]
    res, out = _render(cli, make_template, folder, value, ("{{p v[0] }}", "等级：{{r v[1] }}"))
    assert res.exit_code == 0, res.output
    assert lines(out) == ["附件的内容", "等级：特急"]
    run = docx.Document(str(out)).paragraphs[1].runs[-1]
    assert run.bold and str(run.font.color.rgb) == "C00000"


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ({"$image": "../外面.png"}, "文件夹之外"),
        ({"$image": "/etc/passwd"}, "绝对路径"),
        ({"$image": "照片/没有.jpg"}, "找不到文件"),
        ({"$image": "照片/假图.jpg"}, "不是图片"),
        ({"$image": "照片/张三.jpg", "width_mm": "宽"}, "应为正数"),
        ({"$image": "照片/张三.jpg", "widht_mm": 3}, "不认识的键"),
        ({"$docx": "假附件.docx"}, "不是有效的 Word 文件"),
        ({"$text": "x", "color": "红"}, "不是颜色"),
        ({"$text": "x", "blod": True}, "不认识的格式"),
        ({"$image": "照片/张三.jpg", "$docx": "附件.docx"}, "之一"),
    ],
)
def test_bad_objects_exit_2_located_nothing_written(cli, make_template, folder, value, words):
    res, out = _render(cli, make_template, folder, {"list": [value]})
    assert res.exit_code == 2, res.output
    assert words in res.stderr and "d.json" in res.stderr and "v.list[0]" in res.stderr
    assert "Traceback" not in res.output
    assert not out.exists()


def test_symlink_out_of_the_folder_is_refused(cli, make_template, folder):
    os.symlink(folder.parent / "外面.png", folder / "链接.png")
    res, out = _render(cli, make_template, folder, {"$image": "链接.png"})
    assert res.exit_code == 2 and "文件夹之外" in res.stderr
    assert not out.exists()
