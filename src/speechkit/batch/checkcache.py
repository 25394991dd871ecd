"""Check results kept in the manifest, so an output that has not changed is not checked again.

Each output's manifest entry may carry ``"check": {"key": ..., "doc_type": ..., "findings":
[...]}``. The key is the hash of everything the result depends on: the output's own sha256,
the rule pack (file hash and speechkit version), the town profile's digest, the report label,
the template name and today's date (rules have start and end dates). A regenerated output gets
a new entry, which drops the old result. On a hit only the paragraphs are read again (for the
HTML report's in-place text); the rules are not run.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from speechkit.batch.manifest import input_key
from speechkit.fsutil import sha256_file


def rules_digest() -> str:
    """Hash of everything a check result depends on besides the document: the base rule pack,
    every campaign pack's rules.yaml, the checker's word lists (data/) and speechkit's version.
    Editing any of them makes the batch check its outputs again."""
    from pathlib import Path

    from speechkit import __version__, campaigns
    from speechkit.check.pack import DEFAULT_PACK

    parts = {"pack": sha256_file(DEFAULT_PACK), "version": __version__}
    for pack in campaigns.list_packs():
        rules = Path(pack.root) / "rules.yaml"
        if rules.is_file():
            parts[f"campaign:{pack.id}"] = sha256_file(rules)
    data = Path(DEFAULT_PACK).resolve().parent.parent / "data"
    for path in sorted(data.glob("*")):
        if path.is_file() and path.suffix in (".txt", ".tsv", ".bin"):
            parts[f"data:{path.name}"] = sha256_file(path)
    return input_key(parts)


def check_key(output_sha: str, rules: str, profile: str, label: str, document: str) -> str:
    """The cache key of one output's check result (see the module docstring)."""
    return input_key(
        {
            "output": output_sha,
            "rules": rules,
            "profile": profile,
            "label": label,
            "document": document,
            "date": dt.date.today().isoformat(),
        }
    )


def dump(key: str, report) -> dict:
    """What the manifest keeps of a check result: its key, document type and findings."""
    return {
        "key": key,
        "doc_type": report.doc_type,
        "findings": [f.to_dict() for f in report.findings],
    }


def load(cached: dict, path: Path, label: str):
    """Rebuild the ``FileReport`` of ``path`` from a cached result (paragraphs read again)."""
    from speechkit.check.model import FileReport, Finding, TextLocation
    from speechkit.check.sources import read_document

    doc = read_document(path)
    findings = [
        Finding(**{**f, "location": TextLocation(**f["location"])}) for f in cached["findings"]
    ]
    return FileReport(
        path=doc.path,
        findings=findings,
        label=label,
        doc_type=cached.get("doc_type"),
        blocks=doc.blocks,
    )
