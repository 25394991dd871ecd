"""The rich objects written in a YAML/JSON data file (``render --data``).

::

    photo: {$image: 照片/张三.jpg, width_mm: 25}
    appendix: {$docx: 附件1.docx}
    level: {$text: 特急, bold: true, color: C00000}

Paths are relative to the data file's folder and must stay inside it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docx.shared import Cm, Mm, Pt

from speechkit.engine.objects import InlineImage, ObjectError, RichText
from speechkit.engine.subdoc import Subdoc

_UNITS = {"mm": Mm, "cm": Cm, "pt": Pt}
_RICH_KEYS = {
    "style", "color", "highlight", "size", "subscript", "superscript", "bold", "italic",
    "underline", "strike", "font", "url", "lang",
}  # fmt: skip


def from_data(data: Any, folder: str | Path, shown: str) -> Any:
    """Turn the object forms of a YAML/JSON data file into objects, recursively:

    ``{"$image": "照片/张三.jpg", "width_mm": 25}`` (also ``height_mm``, ``_cm``, ``_pt``),
    ``{"$docx": "附件.docx"}`` and ``{"$text": "紧急", "bold": true, "color": "C00000"}``.
    Paths are relative to ``folder`` (the data file's) and must stay inside it. Raises
    :class:`~speechkit.errors.InputFileError` naming the file and the key.
    """
    base = Path(folder).resolve()
    return _walk(data, base, shown, "")


def _walk(value: Any, base: Path, shown: str, where: str) -> Any:
    if isinstance(value, dict):
        if any(isinstance(k, str) and k.startswith("$") for k in value):
            return _object(value, base, shown, where)
        return {
            k: _walk(v, base, shown, f"{where}.{k}" if where else str(k)) for k, v in value.items()
        }
    if isinstance(value, list):
        return [_walk(v, base, shown, f"{where}[{i}]") for i, v in enumerate(value)]
    return value


def _fail(shown: str, where: str, message: str) -> Exception:
    from speechkit.errors import InputFileError, Location

    return InputFileError(f"{where}：{message}" if where else message, Location(file=shown))


def _object(spec: dict, base: Path, shown: str, where: str) -> Any:
    kinds = [k for k in ("$image", "$docx", "$text") if k in spec]
    others = [k for k in spec if isinstance(k, str) and k.startswith("$") and k not in kinds]
    if len(kinds) != 1 or others:
        raise _fail(
            shown, where, '对象要写成 {"$image": 路径}、{"$docx": 路径} 或 {"$text": 文字} 之一'
        )
    kind = kinds[0]
    try:
        if kind == "$text":
            bad = sorted(set(spec) - _RICH_KEYS - {"$text"})
            if bad:
                raise ObjectError(
                    f"不认识的格式 {'、'.join(map(str, bad))}（可用 {'、'.join(sorted(_RICH_KEYS))}）"
                )
            props = {k: v for k, v in spec.items() if k != "$text"}
            url = props.pop("url", None)
            return RichText(str(spec["$text"]), url_id=url, **props)
        path = _inside(spec[kind], base, shown, where)
        if kind == "$docx":
            if set(spec) != {"$docx"}:
                raise ObjectError("$docx 只能写路径")
            return Subdoc(path, shown=str(spec[kind]))
        sizes: dict[str, Any] = {}
        for key, val in spec.items():
            if key == "$image":
                continue
            axis, _, unit = str(key).partition("_")
            if axis not in ("width", "height") or unit not in _UNITS:
                raise ObjectError(
                    f"不认识的键“{key}”（可用 width_mm、height_mm、width_cm、height_cm、width_pt、height_pt）"
                )
            if isinstance(val, bool) or not isinstance(val, (int, float)) or val <= 0:
                raise ObjectError(f"{key} 应为正数，却是“{val}”")
            sizes[axis] = _UNITS[unit](val)
        return InlineImage(path, width=sizes.get("width"), height=sizes.get("height"))
    except ObjectError as exc:
        raise _fail(shown, where, str(exc)) from None


def _inside(raw: Any, base: Path, shown: str, where: str) -> Path:
    if not isinstance(raw, str) or not raw.strip():
        raise _fail(shown, where, "路径应为文字，如 照片/张三.jpg")
    rel = Path(raw)
    if rel.is_absolute():
        raise _fail(shown, where, f"“{raw}”是绝对路径：只能引用数据文件所在文件夹里的文件")
    path = (base / rel).resolve()
    if not path.is_relative_to(base):
        raise _fail(shown, where, f"“{raw}”在数据文件所在的文件夹之外：只能引用这个文件夹里的文件")
    if not path.is_file():
        raise _fail(shown, where, f"找不到文件“{raw}”（相对于数据文件所在的文件夹）")
    return path
