"""``Template``: compile a .docx once (preprocess every part, compile its Jinja source), then
render any number of contexts (Jinja render → post-process → well-formedness check → zip)."""

from __future__ import annotations

import threading
import traceback
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import TemplateSyntaxError, meta
from lxml import etree

from speechkit.docx.package import CONTENT_TYPES, DocxFile, content_types_for_document, open_docx
from speechkit.docx.parts import part_numbers
from speechkit.engine import oxml
from speechkit.engine.environment import UndefinedVariableError, get_environment
from speechkit.engine.messages import (
    explain_runtime,
    explain_syntax_error,
    missing_message,
    undefined_message,
)
from speechkit.engine.package import Entry, make_entry, read_package, write_zip
from speechkit.engine.postprocess import postprocess
from speechkit.engine.preprocess import PartSource, preprocess_part
from speechkit.errors import (
    InputFileError,
    Location,
    Problem,
    RenderError,
    SpeechkitError,
    TemplateError,
    display_path,
    os_error_message,
)
from speechkit.fsutil import atomic_write_bytes

XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'


@dataclass
class _CompiledPart:
    source: PartSource
    template: Any  # jinja2.Template


@dataclass(frozen=True)
class VariableUse:
    """One place a template reads a variable: the dotted path as written and where."""

    name: str
    path: str
    location: Location


class Template:
    """A .docx template compiled once.

    Raises :class:`InputFileError` when the file is missing or not a .docx and
    :class:`TemplateError` (every problem, located) when tags are malformed, unbalanced or
    unknown.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._file = display_path(self.path)
        package, members = _read_members(self.path, self._file)
        data = dict((info.filename, blob) for info, blob in members)
        kinds = oxml.templated_parts(data[CONTENT_TYPES])
        if not any(kind == "body" for kind in kinds.values()):
            raise InputFileError("不是 Word 文档（找不到正文部分）。", Location(file=self._file))
        if package.is_template:  # a .dotx renders to a document, as Word's “new from template”
            members = [
                (info, content_types_for_document(blob) if info.filename == CONTENT_TYPES else blob)
                for info, blob in members
            ]
        numbers = part_numbers(package.xml, package.main_part, self._file)

        problems: list[Problem] = []
        sources: dict[str, PartSource] = {}
        for name, kind in kinds.items():
            if name not in data:
                continue
            try:
                src = preprocess_part(data[name], name, kind, self._file, numbers.get(name))
            except etree.XMLSyntaxError as exc:
                raise InputFileError(
                    f"文档已损坏：{name} 不是合法的 XML（{exc}）。", Location(file=self._file)
                ) from None
            problems += src.problems
            sources[name] = src
        if problems:
            raise TemplateError(
                f"模板有 {len(problems)} 处错误，请在 Word 中改正后重试：", problems
            )

        env = get_environment()
        self._parts: dict[str, _CompiledPart] = {}
        self._entries: list[Entry | str] = []
        self._variables: set[str] = set()
        for info, blob in members:
            src = sources.get(info.filename)
            if src is None or src.source is None:
                self._entries.append(make_entry(info.filename, blob, info.date_time))
                continue
            try:
                ast = env.parse(src.source)
                code = env.compile(ast, name=_jinja_name(src.name), filename=_jinja_name(src.name))
            except TemplateSyntaxError as exc:
                tag = src.tag_at_line(exc.lineno)
                loc = tag.location if tag else Location(file=self._file, part=src.kind)
                raise TemplateError(
                    "模板有 1 处错误，请在 Word 中改正后重试：",
                    [Problem(loc, f"标签写法有误：{explain_syntax_error(exc.message, '')}")],
                ) from None
            self._variables |= meta.find_undeclared_variables(ast)
            tmpl = env.template_class.from_code(env, code, env.make_globals(None))
            self._parts[info.filename] = _CompiledPart(src, tmpl)
            self._entries.append(info.filename)
        self._dates = {info.filename: info.date_time for info, _ in members}

    # -- introspection -------------------------------------------------------------------
    @property
    def variables(self) -> set[str]:
        """Every top-level variable name the template reads (loop variables excluded)."""
        return set(self._variables)

    def variable_uses(self) -> list[VariableUse]:
        """Each read of a top-level variable, with its dotted path and location, in order."""
        from speechkit.engine.analysis import variable_uses

        uses: list[VariableUse] = []
        for part in self._parts.values():
            for tag, name, path in variable_uses(part.source, self._variables):
                uses.append(VariableUse(name, path, tag.location))
        return uses

    def check_context(self, context: Mapping[str, Any]) -> list[Problem]:
        """Every variable path the template reads that ``context`` lacks, located, with a
        "did you mean"; paths the template guards with ``is defined`` are skipped.

        Static: it does not render, so it lists all missing variables at once (a render stops
        at the first). Loop variables are not checked here; rendering checks them.
        """
        from speechkit.engine.analysis import guarded_paths, lookup, variable_uses

        problems: list[Problem] = []
        for part in self._parts.values():
            guarded = guarded_paths(part.source)
            for tag, _name, path in variable_uses(part.source, self._variables):
                if any(path == g or path.startswith(g + ".") for g in guarded):
                    continue
                miss = lookup(context, path)
                if miss is None:
                    continue
                prefix, obj, key = miss
                full = f"{prefix}.{key}" if prefix else key
                msg = missing_message(tag, prefix, obj, key)
                problems.append(Problem(tag.location, msg, key=full))
        return problems

    # -- rendering ----------------------------------------------------------------------
    def render(self, context: Mapping[str, Any]) -> bytes:
        """Render with ``context`` and return the bytes of a complete .docx.

        Raises :class:`RenderError` naming the part, paragraph and tag for an undefined
        variable (with a "did you mean"), a failing filter, or output that is not well-formed.
        """
        rendered: dict[str, bytes] = {}
        for name, part in self._parts.items():
            try:
                xml = part.template.render(context)
            except Exception as exc:  # translate whatever a value or filter raised
                raise self._render_error(exc, part, context) from None
            xml = postprocess(xml, part.source.has_cell_paragraph_tags, part.source.has_row_tags)
            if part.source.has_column_loops:
                xml = _fix_grids(xml)
            body = (XML_DECLARATION + xml).encode("utf-8")
            _check_well_formed(body, part, self._file)
            rendered[name] = body
        entries = [
            e if isinstance(e, Entry) else make_entry(e, rendered[e], self._dates[e], level=1)
            for e in self._entries
        ]
        return write_zip(entries)

    def save(self, context: Mapping[str, Any], path: str | Path) -> Path:
        """Render and write ``path`` atomically (overwrites; refusing is the caller's call).

        Raises :class:`RenderError` (nothing written) or :class:`SpeechkitError` when the file
        cannot be written (a folder of that name, no permission, disk full).
        """
        data = self.render(context)
        target = Path(path)
        if target.is_dir():
            raise SpeechkitError(
                "输出路径是一个文件夹，请给出 .docx 文件名。", Location(file=str(path))
            )
        try:
            return atomic_write_bytes(target, data)
        except OSError as exc:
            raise SpeechkitError(os_error_message(exc, "无法写出")) from None

    def _render_error(self, exc: Exception, part: _CompiledPart, ctx: Mapping) -> RenderError:
        src = part.source
        lineno = None
        jname = _jinja_name(src.name)
        for frame in traceback.extract_tb(exc.__traceback__):
            if frame.filename == jname:
                lineno = frame.lineno
        tag = src.tag_at_line(lineno)
        loc = tag.location if tag else Location(file=self._file, part=src.kind)
        if isinstance(exc, UndefinedVariableError):
            return RenderError(undefined_message(exc, tag, ctx), loc)
        from jinja2.exceptions import SecurityError

        what = f"标签 {tag.text} " if tag else ""
        if isinstance(exc, SecurityError):
            return RenderError(f"{what}做了模板不允许的操作：{exc}", loc)
        return RenderError(f"{what}渲染失败：{explain_runtime(exc)}", loc)


def _jinja_name(part_name: str) -> str:
    return f"<speechkit:{part_name}>"


def _read_members(path: Path, file: str) -> tuple[DocxFile, list[tuple[zipfile.ZipInfo, bytes]]]:
    if not path.exists():
        raise InputFileError("模板文件不存在。", Location(file=file))
    package = open_docx(path, shown=file)  # plain-Chinese error for anything not a .docx
    try:
        return package, read_package(package.data)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError):
        raise InputFileError(
            "无法读取模板：Word 文档已损坏（压缩包内容不完整）。", Location(file=file)
        ) from None


class _DiscardTarget:
    """Parser target that builds nothing: parsing then only checks well-formedness."""

    def close(self) -> None:
        return None


_LOCAL = threading.local()  # lxml parsers must not be shared between threads


def _check_well_formed(body: bytes, part: _CompiledPart, file: str) -> None:
    checker = getattr(_LOCAL, "checker", None)
    if checker is None:
        checker = _LOCAL.checker = etree.XMLParser(
            target=_DiscardTarget(), huge_tree=True, resolve_entities=False
        )
    try:
        etree.fromstring(body, checker)
    except etree.XMLSyntaxError as exc:
        raise RenderError(
            f"渲染结果不是合法的 XML（{part.source.name}：{exc}），未写出任何文件；"
            "请检查模板中跨段落或跨表格的标签",
            Location(file=file, part=part.source.kind),
        ) from None


def _fix_grids(xml: str) -> str:
    root = etree.fromstring(xml.encode("utf-8"), etree.XMLParser(huge_tree=True))
    oxml.fix_table_grids(root)
    return etree.tostring(root, encoding="unicode")


def check_template(path: str | Path) -> list[Problem]:
    """Every problem of a template, without raising for bad tags (``template check``)."""
    try:
        Template(path)
    except TemplateError as exc:
        return list(exc.problems)
    return []
