"""``Template``: compile a .docx once (preprocess every part, compile its Jinja source), then
render any number of contexts (Jinja render → post-process → well-formedness check → zip)."""

from __future__ import annotations

import threading
import traceback
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from jinja2 import TemplateSyntaxError, meta
from lxml import etree

from speechkit.docx.package import (
    CONTENT_TYPES,
    DocxFile,
    content_types_for_document,
    macro_parts,
    open_docx,
    without_macro_parts,
)
from speechkit.docx.parts import part_numbers
from speechkit.engine import limits, oxml
from speechkit.engine.environment import UndefinedVariableError, bound_loops, make_environment
from speechkit.engine.limits import DEFAULT_LIMITS, LimitExceeded, RenderLimits
from speechkit.engine.messages import (
    explain_runtime,
    explain_syntax_error,
    missing_message,
    undefined_message,
)
from speechkit.engine.objects import ObjectError, collecting
from speechkit.engine.package import (
    Entry,
    PackageChanges,
    entry_data,
    make_entry,
    read_package,
    write_zip,
)
from speechkit.engine.postprocess import postprocess
from speechkit.engine.preprocess import PartSource, preprocess_part
from speechkit.engine.properties import preprocess_properties
from speechkit.engine.subdoc import Subdoc
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

_CORE = "docProps/core.xml"  # title, subject, author, keywords: rendered too
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

    ``filters`` and ``globals`` add Jinja filters and global values or functions (they run
    in the same sandbox and under the same limits); ``limits`` sets the time and memory
    budget of each render (:class:`~speechkit.engine.limits.RenderLimits`).

    Raises :class:`InputFileError` when the file is missing or not a .docx and
    :class:`TemplateError` (every problem, located) when tags are malformed, unbalanced or
    unknown.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        filters: Mapping[str, Any] | None = None,
        globals: Mapping[str, Any] | None = None,  # noqa: A002
        limits: RenderLimits | None = None,
    ) -> None:
        self.path = Path(path)
        self.limits = limits or DEFAULT_LIMITS
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
        # a .docm/.dotm renders to a .docx without its macros unless the output is a .docm
        self._macro_parts = macro_parts(data[CONTENT_TYPES], data)
        self._macros = bool(self._macro_parts) or "macroEnabled" in package.main_type
        numbers = part_numbers(package.xml, package.main_part, self._file)

        if _CORE in data:
            kinds[_CORE] = "properties"
        problems: list[Problem] = []
        sources: dict[str, PartSource] = {}
        for name, kind in kinds.items():
            if name not in data:
                continue
            try:
                if kind == "properties":
                    src = preprocess_properties(data[name], name, self._file)
                else:
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

        try:
            env = make_environment(dict(filters or {}), dict(globals or {}))
        except ValueError as exc:
            raise SpeechkitError(str(exc)) from None
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
                self._variables |= meta.find_undeclared_variables(ast)
                code = env.compile(
                    bound_loops(ast), name=_jinja_name(src.name), filename=_jinja_name(src.name)
                )
            except TemplateSyntaxError as exc:
                tag = src.tag_at_line(exc.lineno)
                loc = tag.location if tag else Location(file=self._file, part=src.kind)
                raise TemplateError(
                    "模板有 1 处错误，请在 Word 中改正后重试：",
                    [Problem(loc, f"标签写法有误：{explain_syntax_error(exc.message, '')}")],
                ) from None
            tmpl = env.template_class.from_code(env, code, env.make_globals(None))
            self._parts[info.filename] = _CompiledPart(src, tmpl)
            self._entries.append(info.filename)
        self._dates = {info.filename: info.date_time for info, _ in members}
        self._package_cache: dict = {}
        # what rendered objects (images, links, sub-documents) may need to extend
        self._extendable = {
            info.filename: blob
            for info, blob in members  # a template's content types already declare a document
            if info.filename.endswith(".rels")
            or info.filename in ("[Content_Types].xml", "word/styles.xml", "word/numbering.xml")
        }

    # -- introspection -------------------------------------------------------------------
    @property
    def variables(self) -> set[str]:
        """Every top-level variable name the template reads (loop variables excluded)."""
        return set(self._variables)

    def get_undeclared_template_variables(
        self, context: Mapping[str, Any] | None = None
    ) -> set[str]:
        """docxtpl's name: the top-level variables, less those ``context`` provides."""
        return self.variables - set(context or {})

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

    # -- docxtpl's helpers ---------------------------------------------------------------
    def new_subdoc(self, docpath: str | Path | None = None) -> Subdoc:
        """A :class:`Subdoc` of ``docpath``, or an empty one to fill with python-docx calls
        (``sd.add_paragraph("…")``), as docxtpl's ``new_subdoc``."""
        return Subdoc(docpath)

    def build_url_id(self, url: str) -> str:
        """docxtpl's ``build_url_id``: here the link itself (RichText takes it as ``url_id``;
        the relationship is added when the text is rendered)."""
        return url

    # -- rendering ----------------------------------------------------------------------
    def render(self, context: Mapping[str, Any], *, keep_macros: bool = False) -> bytes:
        """Render with ``context`` and return the bytes of a complete .docx.

        A macro-enabled template (.docm, .dotm) gives a .docx without its macros (the VBA
        project and the parts only a .docm may hold are left out, the main part is declared a
        plain document); with ``keep_macros`` a .docm with them. Raises :class:`RenderError` naming the part, paragraph and tag for an undefined
        variable (with a "did you mean"), a failing filter, or output that is not well-formed.
        """
        rendered: dict[str, bytes] = {}
        package = PackageChanges(self._extendable, self._package_cache)
        with limits.budget(self.limits):  # one budget for all parts of this document
            for name, part in self._parts.items():
                rendered[name] = self._render_part(name, part, context, package)
        entries = [
            e if isinstance(e, Entry) else make_entry(e, rendered[e], self._dates[e], level=1)
            for e in self._entries
        ]
        if package.changed:
            entries = package.apply(entries)
        if self._macros and not keep_macros:
            entries = self._without_macros(entries)
        return write_zip(entries)

    def _without_macros(self, entries: list[Entry]) -> list[Entry]:
        """``entries`` less the macro parts, with the content types and relationships that
        named them rewritten."""
        kept = []
        for entry in entries:
            if entry.name in self._macro_parts:
                continue
            if entry.name == CONTENT_TYPES or entry.name.endswith(".rels"):
                old = entry_data(entry)
                new = without_macro_parts(entry.name, old, self._macro_parts)
                if new != old:
                    fresh = make_entry(entry.name, new)
                    entry = replace(fresh, dostime=entry.dostime, dosdate=entry.dosdate)
            kept.append(entry)
        return kept

    def _render_part(
        self, name: str, part: _CompiledPart, context: Mapping[str, Any], package: PackageChanges
    ) -> bytes:
        try:
            with collecting(package.drawings) as adds:
                xml = part.template.render(context)
        except Exception as exc:  # translate whatever a value or filter raised
            raise self._render_error(exc, part, context) from None
        if adds.rels or adds.styles or adds.numbering:
            xml = package.add(name, adds, xml)
        if part.source.kind != "properties":
            xml = postprocess(xml, part.source.has_cell_paragraph_tags, part.source.has_row_tags)
        if part.source.has_column_loops:
            xml = _fix_grids(xml)
        body = (XML_DECLARATION + xml).encode("utf-8")
        _check_well_formed(body, part, self._file)
        return body

    def save(self, context: Mapping[str, Any], path: str | Path) -> Path:
        """Render and write ``path`` atomically (overwrites; refusing is the caller's call).
        A macro-enabled template keeps its macros only when ``path`` ends in ``.docm``.

        Raises :class:`RenderError` (nothing written) or :class:`SpeechkitError` when the file
        cannot be written (a folder of that name, no permission, disk full).
        """
        target = Path(path)
        data = self.render(context, keep_macros=target.suffix.lower() == ".docm")
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
        if isinstance(exc, ObjectError):
            return RenderError(f"{what}渲染失败：{exc}", loc)
        if isinstance(exc, LimitExceeded):
            return RenderError(f"{what}超出了模板的资源限制：{exc}", loc)
        if isinstance(exc, RecursionError):
            return RenderError(f"{what}渲染失败：宏的递归层数太多（宏调用了自己而没有结束）", loc)
        if isinstance(exc, MemoryError):
            return RenderError(f"{what}渲染失败：内存不足，模板生成的内容太多", loc)
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
