"""Terminology check: required formulations, placeholders, typos, number and punctuation rules,
and the profile's facts.

Vale-like design: rules are YAML data (``speechkit/rules/default.yaml`` plus any extra packs),
each rule's ``type`` picks a module in :mod:`speechkit.check.ruletypes` through
:data:`~speechkit.check.ruletypes.RULE_TYPES`, and findings are dataclasses that the reporters in
:mod:`speechkit.check.report` turn into text, JSON, HTML or a commented Word file::

    from speechkit.check import check
    report = check("动员讲话.docx", profile="profiles/towns/donghu.yaml")
    for f in report.findings:
        print(f.location, f.severity, f.message)
"""

from __future__ import annotations

from speechkit.check.engine import (
    check,
    check_document,
    check_files,
    check_text,
    infer_doc_type,
)
from speechkit.check.model import (
    CATEGORIES,
    DOC_TYPES,
    SEVERITIES,
    Block,
    Document,
    FileReport,
    Finding,
    TextLocation,
)
from speechkit.check.pack import DEFAULT_PACK, RulePack, default_rules, load_rules

__all__ = [
    "CATEGORIES",
    "DEFAULT_PACK",
    "DOC_TYPES",
    "SEVERITIES",
    "Block",
    "Document",
    "FileReport",
    "Finding",
    "RulePack",
    "TextLocation",
    "check",
    "check_document",
    "check_files",
    "check_text",
    "default_rules",
    "infer_doc_type",
    "load_rules",
]
