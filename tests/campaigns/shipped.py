"""Shared checks for the shipped campaign packs: every source renders for every demo town (and
per roster member), checks clean with the base and the pack's rules at the town's own date, and
passes format-check."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import speechkit
from speechkit.profiles.loader import load_yaml_bytes

PACKS = Path(speechkit.__file__).resolve().parent / "packs"
# The 2005 campaign's required-content rules (活动全称, “三个代表”, 党的十六大 …); the packs-core
# branch moves them into the xianjinxing-2005 pack, after which ignoring them is a no-op.
LEGACY_2005 = ("required.speech", "required.form")


@dataclass
class Output:
    """One rendered demo document."""

    town: str
    doc: dict
    path: Path
    profile: object
    member: str | None
    as_of: dt.date


def campaign(pack: str) -> dict:
    """campaign.yaml of a shipped pack, read with the bounded loader."""
    path = PACKS / pack / "campaign.yaml"
    loaded = load_yaml_bytes(path.read_bytes(), shown=str(path))
    assert loaded.ok, loaded.problems
    return loaded.data


def build_template(pack: str, doc: dict) -> bytes:
    """The template of one document, built from its source."""
    from speechkit.typeset.form import build_form_file
    from speechkit.typeset.text import typeset_text

    source = PACKS / pack / "templates" / doc["source"]
    if source.name.endswith(".form.yaml"):
        return build_form_file(source)
    return typeset_text(source.read_text(encoding="utf-8"))


def render_demo(pack: str, out: Path) -> list[Output]:
    """Render every document of the pack for every demo town (forms also once per member)."""
    from speechkit.batch.roster import find_roster, read_roster
    from speechkit.engine import Template
    from speechkit.profiles import load_profile
    from speechkit.profiles.model import find_towns

    outputs: list[Output] = []
    for doc in campaign(pack)["documents"]:
        template_path = out / doc["template"]
        template_path.write_bytes(build_template(pack, doc))
        template = Template(template_path)
        for town in find_towns(PACKS / pack / "demo"):
            profile = load_profile(town)
            context = profile.context()
            as_of = context["meeting"]["date"]
            path = out / f"{town.stem}-{doc['id']}.docx"
            template.save(context, path)
            outputs.append(Output(town.stem, doc, path, profile, None, as_of))
            roster = find_roster(town) if doc.get("per_member") else None
            if roster is None:
                continue
            for member in read_roster(roster).members:
                path = out / f"{town.stem}-{doc['id']}-{member.name}.docx"
                template.save({**context, "member": member.context()}, path)
                outputs.append(Output(town.stem, doc, path, profile, member.name, as_of))
    return outputs


def findings(pack: str, output: Output) -> list[str]:
    """The checker's findings on one output (base + pack rules, at the town's date)."""
    from speechkit.check import check
    from speechkit.check.pack import load_rules

    rules = load_rules([PACKS / pack / "rules.yaml"])
    report = check(
        output.path,
        profile=output.profile,
        rules=rules,
        doc_type=output.doc["kind"],
        as_of=output.as_of,
        ignore=LEGACY_2005,
    )
    return [f"{f.rule}: {f.message}" for f in report.findings]


def body_text(path: Path) -> str:
    """All paragraph text of a rendered .docx."""
    from docx import Document

    return "".join(p.text for p in Document(str(path)).paragraphs)


def town_files(pack: str) -> dict[str, dict]:
    """Each demo town's own YAML, by slug."""
    folder = PACKS / pack / "demo" / "towns"
    out = {}
    for path in sorted(folder.glob("*.yaml")):
        loaded = load_yaml_bytes(path.read_bytes(), shown=str(path))
        assert loaded.ok, loaded.problems
        out[path.stem] = loaded.data
    return out
