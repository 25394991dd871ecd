"""Deep validation of a campaign pack (``speechkit campaigns check``): its YAML files, its
rules (the checker's pack validation), its templates (tags valid, every variable declared by
core + pack schema) and its demo city. Functional layer: it uses the engine and the checker.
"""

from __future__ import annotations

from pathlib import Path

from speechkit.campaigns import DERIVED_KEYS, MEMBER_KEYS, Pack, find_pack_dir, read_pack
from speechkit.errors import Location, Problem, display_path


def declared(pack: Pack, path: str, per_member: bool = False) -> bool:
    """True when a template path is declared by core + pack schema (or derived, or the
    roster row ``member`` of a per-member document)."""
    parts = path.split(".")
    if parts[0] == "member":
        return len(parts) == 1 or parts[1] in MEMBER_KEYS
    if path in DERIVED_KEYS:
        return True
    from speechkit.profiles.schema import model_for

    model = pack.profile_model
    for i, part in enumerate(parts):
        sub = model_for(tuple(parts[:i]), model)
        if sub is None:
            return True  # below a list/text value: an item's own keys, not checked here
        if part not in sub.model_fields:
            return False
    return True


def validate_pack(pack_or_dir: Pack | str | Path, *, deep: bool = True) -> list[Problem]:
    """Every problem of a pack: its YAML files and, when ``deep``, its rules (the checker's
    pack validation), its templates (tags valid, every variable declared) and its demo city."""
    if isinstance(pack_or_dir, Pack):
        pack, problems = pack_or_dir, []
    else:
        root = Path(pack_or_dir)
        if not (root / "campaign.yaml").is_file():
            folder = find_pack_dir(str(pack_or_dir))
            root = folder or root
        pack, problems = read_pack(root)
    if pack is None or not deep:
        return problems
    if pack.rules_path is not None:
        from speechkit.check.pack import load_pack_file
        from speechkit.errors import RulePackError

        try:
            load_pack_file(pack.rules_path)
        except RulePackError as exc:
            problems += exc.problems or [Problem(Location(), exc.message)]
    if any(p.severity == "error" for p in problems):
        return problems
    from speechkit.errors import SpeechkitError

    for doc in pack.documents:
        path = pack.templates_dir / doc.template
        if not path.is_file():
            continue
        try:
            uses = template_uses_of(path)
        except SpeechkitError as exc:
            problems += getattr(exc, "problems", None) or [
                Problem(Location(file=display_path(path)), exc.message)
            ]
            continue
        for use_path, where in uses:
            if not declared(pack, use_path, doc.per_member):
                problems.append(
                    Problem(
                        where,
                        f"模板用到的字段 {use_path} 在核心资料和本活动包的 schema.yaml 中都没有声明；"
                        "请在 schema.yaml 的 fields 中声明它",
                        key=use_path,
                    )
                )
    if (pack.demo_dir / "city.yaml").is_file():
        from speechkit.profiles import validate

        problems += [p for p in validate([pack.demo_dir]) if p.severity == "error"]
    return problems


def template_uses_of(path: Path) -> list[tuple[str, Location]]:
    """(dotted path, location) of every variable read by the template at ``path``."""
    from speechkit.engine.template import Template

    return [(u.path, u.location) for u in Template(path).variable_uses()]
