"""Reading one YAML/JSON file safely into plain Python, keeping where every value was written.

Stages: bytes (size cap) → text (UTF-8 with/without BOM, else GB18030) → ruamel node graph
(node-count, alias-count and depth limits) → plain Python (dict/list/str/int/float/bool/None/
datetime.date) with a key-path → :class:`~speechkit.errors.Location` map. Every problem found is
collected as a :class:`~speechkit.errors.Problem`; nothing here raises for bad content.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from speechkit.errors import Location, Problem, describe_os_error, display_path
from speechkit.keypath import normalize_keypath  # noqa: F401  (re-exported)

MAX_BYTES = 1_000_000
"""Files larger than this are refused before parsing (a town file is a few kilobytes)."""
MAX_LINES = 10_000
"""Files with more lines than this are refused before parsing."""
MAX_NODES = 10_000
"""Most YAML nodes (scalars, lists, mappings, aliases) one file may contain."""
MAX_ALIASES = 100
"""Most alias references (``*name``) one file may contain."""
MAX_VALUES = 20_000
"""Most values after expanding aliases (defeats "billion laughs" alias bombs)."""
MAX_DEPTH = 40
"""Deepest nesting of lists/mappings accepted."""

_BOMS_REFUSED = {
    b"\xff\xfe": "UTF-16",
    b"\xfe\xff": "UTF-16",
}


class _Abort(Exception):
    """Internal: stop reading this file; carries the one problem that stopped it."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


@dataclass
class SourceDoc:
    """One file read: its plain data, where each key path sits, and every problem found."""

    path: Path
    data: Any = None
    values: dict[str, Location] = field(default_factory=dict)
    keys: dict[str, Location] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    encoding: str | None = None
    empty: bool = False

    @property
    def ok(self) -> bool:
        """True when no error-level problem was found."""
        return not any(p.severity == "error" for p in self.problems)

    def locate(self, keypath: str) -> Location | None:
        """Return where ``keypath`` (``a.b``, ``a.list[0]`` or ``a.list.0``) is written, or None."""
        path = normalize_keypath(keypath)
        return self.values.get(path) or self.keys.get(path)


def join_key(prefix: str, key: str | int) -> str:
    """Return the key path of ``key`` below ``prefix`` (``a.b``, ``a.list[0]``)."""
    if isinstance(key, int):
        return f"{prefix}[{key}]"
    return f"{prefix}.{key}" if prefix else str(key)


def path_from_loc(loc: tuple[Any, ...]) -> str:
    """Return the key path for a tuple such as pydantic's ``('campaign', 'phases', 0, 'start')``."""
    out = ""
    for part in loc:
        out = join_key(out, part)
    return out


def decode_bytes(raw: bytes) -> tuple[str, str]:
    """Decode a profile file's bytes; return ``(text, encoding name)``.

    UTF-8 (with or without BOM) first, then GB18030 (a superset of GBK/GB2312, what Windows
    editors save as "ANSI" on Chinese systems). Raises ``ValueError`` with a Chinese reason.
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            return raw[3:].decode("utf-8"), "UTF-8（带 BOM）"
        except UnicodeDecodeError as exc:
            raise ValueError(
                f"文件以 UTF-8 BOM 开头，但第 {exc.start + 4} 字节不是有效的 UTF-8"
            ) from exc
    for bom, name in _BOMS_REFUSED.items():
        if raw.startswith(bom):
            raise ValueError(f"文件是 {name} 编码，请另存为 UTF-8")
    if b"\x00" in raw:
        raise ValueError("文件含有空字节，不是文本文件（请另存为 UTF-8 文本）")
    try:
        return raw.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030"), "GB18030"
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"文件既不是 UTF-8 也不是 GBK/GB18030 编码（第 {exc.start + 1} 字节无法识别），"
            "请用记事本或 WPS“另存为”UTF-8"
        ) from exc


def offset_to_line_col(text: str, index: int) -> tuple[int, int]:
    """Return 1-based (line, column) of character ``index`` in ``text``."""
    line = text.count("\n", 0, index) + 1
    col = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, col


# --------------------------------------------------------------------------- YAML parsing


_YAML_MESSAGES = [
    (
        "mapping values are not allowed",
        "此处不能出现冒号“:”：可能是这一行比上一行多缩进了，或值里含冒号（请给整个值加引号）",
    ),
    ("could not find expected ':'", "缺少冒号“:”（键和值之间要用半角冒号加空格分开）"),
    ("did not find expected key", "缩进不一致或缺少键（同一层的键要对齐）"),
    ("did not find expected '-' indicator", "列表项缩进不一致（同一列表的“-”要对齐）"),
    ("found character '\\t' that cannot start any token", "不能用 Tab 缩进，请改用空格"),
    ("found character '\\t'", "不能用 Tab 缩进，请改用空格"),
    ("maximum depth of data structure exceeded", f"嵌套超过 {MAX_DEPTH} 层，已拒绝读取"),
    ("found undefined alias", "引用了未定义的别名（*名称 之前要先有 &名称）"),
    ("expected a single document", "一个文件只能有一个文档（请删去多余的“---”）"),
    ("found unexpected end of stream", "引号或括号没有配对，文件就结束了"),
    ("found unexpected ':'", "此处不能出现冒号“:”"),
    ("expected <block end>, but found", "缩进不一致（这一行的缩进和上一级不匹配）"),
    ("found unacceptable character", "含有不可打印的控制字符，请删除"),
    ("special characters are not allowed", "含有不可打印的控制字符，请删除"),
    ("found a tab character", "不能用 Tab 缩进，请改用空格"),
    ("expected ',' or ']'", "方括号列表没有正确结束（缺少“,”或“]”）"),
    ("expected ',' or '}'", "花括号映射没有正确结束（缺少“,”或“}”）"),
    ("while scanning a quoted scalar", "引号没有配对"),
    ("while scanning a simple key", "缺少冒号“:”（键和值之间要用半角冒号加空格分开）"),
    ("found character '@' that cannot start", "“@”不能作为值的开头，请给值加引号"),
    ("found character '`' that cannot start", "“`”不能作为值的开头，请给值加引号"),
    ("found character '%' that cannot start", "“%”不能作为值的开头，请给值加引号"),
]


def translate_yaml_error(exc: Exception) -> str:
    """Return a Chinese explanation of a ruamel.yaml parse error (no location)."""
    text = " ".join(str(getattr(exc, a, "") or "") for a in ("context", "problem")) or str(exc)
    for needle, chinese in _YAML_MESSAGES:
        if needle in text:
            return chinese
    return f"YAML 语法错误（{getattr(exc, 'problem', None) or exc}）"


def _make_composer():
    """Return a ruamel Composer subclass that counts nodes and aliases as it goes."""
    from ruamel.yaml.composer import Composer

    class LimitedComposer(Composer):
        def __init__(self, loader: Any = None) -> None:
            super().__init__(loader)
            self.node_count = 0
            self.alias_count = 0
            self.warn_double_anchors = False

        def compose_node(self, parent: Any, index: Any) -> Any:
            self.node_count += 1
            if self.node_count > MAX_NODES:
                event = self.parser.peek_event()
                raise _LimitError(
                    f"文件内容过多（超过 {MAX_NODES} 个值），不像是乡镇资料，已拒绝读取",
                    event.start_mark,
                )
            return super().compose_node(parent, index)

        def return_alias(self, a: Any) -> Any:
            self.alias_count += 1
            if self.alias_count > MAX_ALIASES:
                raise _LimitError(
                    f"别名引用（*名称）超过 {MAX_ALIASES} 处，可能是“别名炸弹”，已拒绝读取",
                    a.start_mark,
                )
            return a

    return LimitedComposer


class _LimitError(Exception):
    def __init__(self, message: str, mark: Any) -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark


def _compose(text: str) -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.Composer = _make_composer()
    yaml.max_depth = MAX_DEPTH
    return yaml.compose(text)


_DATE_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DATETIME_RE = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[Tt]|[ \t]+)(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d+))?"
    r"(?:[ \t]*(Z|[-+]\d{1,2}(?::?\d{2})?))?$"
)


def _construct_timestamp(value: str) -> Any:
    """Return a date/datetime for a YAML timestamp, or the text itself when impossible."""
    m = _DATE_RE.match(value)
    try:
        if m:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        m = _DATETIME_RE.match(value)
        if m:
            frac = int((m[7] or "0")[:6].ljust(6, "0"))
            return dt.datetime(
                int(m[1]), int(m[2]), int(m[3]), int(m[4]), int(m[5]), int(m[6]), frac
            )
    except ValueError:
        pass
    return value  # impossible date such as 2024-02-30: the schema reports it


def _construct_int(value: str) -> int:
    v = value.replace("_", "")
    sign = -1 if v.startswith("-") else 1
    v = v.lstrip("+-")
    for prefix, base in (("0x", 16), ("0o", 8), ("0b", 2)):
        if v.lower().startswith(prefix):
            return sign * int(v[2:], base)
    return sign * int(v, 10)


def _construct_float(value: str) -> float:
    v = value.replace("_", "").lower()
    if v in (".inf", "+.inf"):
        return math.inf
    if v == "-.inf":
        return -math.inf
    if v == ".nan":
        return math.nan
    return float(v)


def _construct_scalar(node: Any) -> tuple[Any, str | None]:
    """Return ``(value, problem message or None)`` for a scalar node."""
    tag = str(node.tag)
    value = node.value
    try:
        if tag == "tag:yaml.org,2002:str":
            return value, None
        if tag == "tag:yaml.org,2002:null":
            return None, None
        if tag == "tag:yaml.org,2002:bool":
            return value.lower() == "true", None
        if tag == "tag:yaml.org,2002:int":
            return _construct_int(value), None
        if tag == "tag:yaml.org,2002:float":
            return _construct_float(value), None
        if tag == "tag:yaml.org,2002:timestamp":
            return _construct_timestamp(value), None
    except ValueError:
        return value, None
    return value, f"不支持的 YAML 标签 {tag}，已按文字处理"


class _Builder:
    """Turns a composed node graph into plain Python, recording locations and problems."""

    def __init__(self, doc: SourceDoc, shown: str) -> None:
        self.doc = doc
        self.shown = shown
        self.count = 0

    def loc(self, node: Any) -> Location:
        mark = node.start_mark
        return Location(file=self.shown, line=mark.line + 1, column=mark.column + 1)

    def problem(self, node: Any, key: str, message: str, severity: str = "error") -> None:
        self.doc.problems.append(Problem(self.loc(node), message, key=key, severity=severity))

    def build(self, node: Any, path: str, depth: int = 0) -> Any:
        from ruamel.yaml.nodes import MappingNode, SequenceNode

        self.count += 1
        if self.count > MAX_VALUES:
            raise _Abort(
                Problem(
                    self.loc(node),
                    f"展开别名后值的数量超过 {MAX_VALUES}，可能是“别名炸弹”，已拒绝读取",
                    key=path,
                )
            )
        if depth > MAX_DEPTH:
            raise _Abort(Problem(self.loc(node), f"嵌套超过 {MAX_DEPTH} 层，已拒绝读取", key=path))
        self.doc.values.setdefault(path, self.loc(node))
        if isinstance(node, MappingNode):
            return self.build_mapping(node, path, depth)
        if isinstance(node, SequenceNode):
            return [
                self.build(item, join_key(path, i), depth + 1) for i, item in enumerate(node.value)
            ]
        value, message = _construct_scalar(node)
        if message:
            self.problem(node, path, message, "warning")
        return value

    def build_mapping(self, node: Any, path: str, depth: int) -> dict[str, Any]:
        from ruamel.yaml.nodes import MappingNode, SequenceNode

        out: dict[str, Any] = {}
        seen: dict[str, Any] = {}
        merges: list[Any] = []
        for key_node, value_node in node.value:
            if str(key_node.tag) == "tag:yaml.org,2002:merge":
                merges.append(value_node)
                continue
            if isinstance(key_node, MappingNode | SequenceNode):
                self.problem(key_node, path, "键必须是简单的文字，不能是列表或映射")
                continue
            raw_key, _ = _construct_scalar(key_node)
            key = raw_key if isinstance(raw_key, str) else str(key_node.value)
            sub = join_key(path, key)
            if key in seen:
                first = seen[key].start_mark.line + 1
                again = key_node.start_mark.line + 1
                self.problem(
                    key_node,
                    sub,
                    f"键“{key}”重复：第 {first} 行和第 {again} 行都写了它，请删去其中一处",
                )
            seen[key] = key_node
            self.doc.keys[sub] = self.loc(key_node)
            self.doc.values.pop(sub, None)
            out[key] = self.build(value_node, sub, depth + 1)
        for merge in merges:  # YAML merge keys (<<: *base): explicit keys win
            sources = merge.value if isinstance(merge, SequenceNode) else [merge]
            for src in sources:
                if not isinstance(src, MappingNode):
                    self.problem(src, path, "合并键“<<”的值必须是映射")
                    continue
                for key_node, value_node in src.value:
                    raw_key, _ = _construct_scalar(key_node)
                    key = raw_key if isinstance(raw_key, str) else str(key_node.value)
                    if key in out or isinstance(key_node, MappingNode | SequenceNode):
                        continue
                    sub = join_key(path, key)
                    self.doc.keys[sub] = self.loc(key_node)
                    out[key] = self.build(value_node, sub, depth + 1)
        return out


def read_source(
    path: str | Path, *, shown: str | None = None, raw: bytes | None = None
) -> SourceDoc:
    """Read ``path`` (YAML, or JSON when it ends in ``.json``) into a :class:`SourceDoc`.

    ``raw`` stands in for the file's content (to check an edit before writing it). Never
    raises for bad content: every problem (missing file, size, encoding, syntax, duplicate
    keys, hostile structure) is in ``.problems`` with its location.
    """
    p = Path(path)
    shown = shown or display_path(p)
    doc = SourceDoc(path=p)
    whole = Location(file=shown)
    if raw is not None:
        if len(raw) > MAX_BYTES:
            doc.problems.append(Problem(whole, f"文件过大（上限 {MAX_BYTES} 字节），已拒绝读取"))
            return doc
        return parse_bytes(raw, doc, shown, json_mode=p.suffix.lower() == ".json")
    try:
        size = p.stat().st_size
        if not p.is_file():
            doc.problems.append(Problem(whole, "这不是文件（是文件夹或特殊文件）"))
            return doc
        if size > MAX_BYTES:
            doc.problems.append(
                Problem(whole, f"文件过大（{size} 字节，上限 {MAX_BYTES} 字节），已拒绝读取")
            )
            return doc
        with p.open("rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        doc.problems.append(Problem(whole, "文件不存在"))
        return doc
    except OSError as exc:
        doc.problems.append(Problem(whole, f"无法读取文件（{describe_os_error(exc)}）"))
        return doc
    if len(raw) > MAX_BYTES:
        doc.problems.append(Problem(whole, f"文件过大（上限 {MAX_BYTES} 字节），已拒绝读取"))
        return doc
    return parse_bytes(raw, doc, shown, json_mode=p.suffix.lower() == ".json")


def parse_bytes(raw: bytes, doc: SourceDoc, shown: str, *, json_mode: bool = False) -> SourceDoc:
    """Fill ``doc`` from the raw bytes of a file shown to users as ``shown``."""
    try:
        text, doc.encoding = decode_bytes(raw)
    except ValueError as exc:
        doc.problems.append(Problem(Location(file=shown), str(exc)))
        return doc
    return parse_text(text, doc, shown, json_mode=json_mode)


def parse_text(text: str, doc: SourceDoc, shown: str, *, json_mode: bool = False) -> SourceDoc:
    """Fill ``doc`` from decoded text (size, structure and syntax checks, then plain data)."""
    whole = Location(file=shown)
    if not text.strip() or all(
        not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()
    ):
        doc.empty = True
        doc.problems.append(
            Problem(Location(file=shown, line=1, column=1), "文件是空的，没有任何资料")
        )
        return doc
    lines = text.count("\n") + 1
    if lines > MAX_LINES:
        doc.problems.append(
            Problem(
                whole,
                f"文件行数过多（{lines} 行，上限 {MAX_LINES} 行），不像是乡镇资料，已拒绝读取",
            )
        )
        return doc
    separators = text.count(",") + text.count("\n") + text.count("- ") + text.count("*")
    if separators > 2 * MAX_NODES:  # cheap bound before the (pure-Python) parser runs
        doc.problems.append(
            Problem(
                whole,
                f"文件内容过多（约 {separators} 个值，上限 {MAX_NODES} 个），不像是乡镇资料，已拒绝读取",
            )
        )
        return doc
    if json_mode:
        return _parse_json(text, doc, shown)
    fullwidth = _fullwidth_colons(text, shown)
    parsed = text
    if fullwidth:  # parse as if fixed, so the next line does not report a cascade error
        parsed = "\n".join(_FULLWIDTH_KEY.sub(r"\1\2: ", line) for line in text.split("\n"))
    doc.problems += fullwidth
    try:
        node = _compose(parsed)
    except _LimitError as exc:
        doc.problems.append(_mark_problem(shown, exc.mark, exc.message, text))
        return doc
    except RecursionError:
        doc.problems.append(Problem(whole, "嵌套过深，已拒绝读取"))
        return doc
    except Exception as exc:  # ruamel's YAMLError family and reader errors
        doc.problems.append(yaml_error_problem(exc, text, shown))
        return doc
    if node is None:
        doc.empty = True
        doc.problems.append(
            Problem(Location(file=shown, line=1, column=1), "文件是空的，没有任何资料")
        )
        return doc
    builder = _Builder(doc, shown)
    try:
        doc.data = builder.build(node, "")
        if doc.data is None:
            doc.empty = True
            doc.problems.append(
                Problem(Location(file=shown, line=1, column=1), "文件是空的，没有任何资料")
            )
    except _Abort as exc:
        doc.data = None
        doc.problems.append(exc.problem)
    except RecursionError:
        doc.data = None
        doc.problems.append(Problem(whole, "嵌套过深，已拒绝读取"))
    if fullwidth:
        doc.problems = [_full_key(p, doc.keys) if p in fullwidth else p for p in doc.problems]
    return doc


def _full_key(problem: Problem, keys: dict[str, Location]) -> Problem:
    """Return ``problem`` with its bare key replaced by the key path written on its line."""
    for path, loc in keys.items():
        if loc.line == problem.location.line and path.rsplit(".", 1)[-1] == problem.key:
            return Problem(problem.location, problem.message, key=path, severity=problem.severity)
    return problem


def _snippet(line: str) -> str | None:
    """Return a source line as a short snippet: no comment, no surrounding spaces."""
    text = re.sub(r"(^|\s)#.*$", "", line).strip() or line.strip()
    return text[:30].rstrip() or None


_FULLWIDTH_KEY = re.compile(r"^(\s*(?:-\s+)?)([A-Za-z_][\w.-]*)\s*：")


def _fullwidth_colons(text: str, shown: str) -> list[Problem]:
    """Problems for ``key：`` lines (a full-width colon after a key, common with Chinese IMEs)."""
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        m = _FULLWIDTH_KEY.match(line)
        if m:
            out.append(
                Problem(
                    Location(file=shown, line=number, column=m.end(), snippet=_snippet(line)),
                    f"键“{m[2]}”后面用了全角冒号“：”，请改为半角冒号“:”加空格",
                    key=m[2],
                )
            )
    return out


def yaml_error_problem(exc: Exception, text: str, shown: str) -> Problem:
    """Return a located Chinese :class:`Problem` for a ruamel.yaml error raised on ``text``.

    ``shown`` is the file name shown to users; the location is the error's line:column with
    the source line as snippet, plus a hint for full-width colons or spaces on that line.
    """
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    message = translate_yaml_error(exc)
    start = getattr(exc, "context_mark", None)
    if start is not None and mark is not None and start.line != mark.line:
        message += f"（相关内容从第 {start.line + 1} 行第 {start.column + 1} 列开始）"
    return _mark_problem(shown, mark, message, text)


def _mark_problem(shown: str, mark: Any, message: str, text: str) -> Problem:
    if mark is None:
        return Problem(Location(file=shown), message)
    line, col = mark.line + 1, mark.column + 1
    lines = text.splitlines()
    src = lines[line - 1] if 0 < line <= len(lines) else ""
    if "：" in src and ":" not in src:
        message += "；这一行用了全角冒号“：”，键后面要用半角冒号“:”加空格"
    elif src[:1] == "\u3000" or src.lstrip(" ")[:1] == "\u3000":
        message += "；这一行用了全角空格缩进，请改用半角空格"
    snippet = _snippet(src)
    return Problem(Location(file=shown, line=line, column=col, snippet=snippet), message)


def _parse_json(text: str, doc: SourceDoc, shown: str) -> SourceDoc:
    try:
        doc.data = json.loads(text)
    except json.JSONDecodeError as exc:
        doc.problems.append(
            Problem(
                Location(file=shown, line=exc.lineno, column=exc.colno),
                f"JSON 语法错误（{exc.msg}）",
            )
        )
    except RecursionError:
        doc.problems.append(Problem(Location(file=shown), "嵌套过深，已拒绝读取"))
    except ValueError as exc:  # e.g. an integer with thousands of digits
        doc.problems.append(Problem(Location(file=shown), f"JSON 内容无法读取（{exc}）"[:200]))
    return doc
