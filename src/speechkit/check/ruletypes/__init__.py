"""Rule types, one module each, found through :data:`RULE_TYPES` by a rule's ``type`` key."""

from __future__ import annotations

from speechkit.check.ruletypes.balance import Balance
from speechkit.check.ruletypes.base import Hit, Rule, RunContext, Spec, SpecError
from speechkit.check.ruletypes.consistency import Consistency
from speechkit.check.ruletypes.controls import ContentControl
from speechkit.check.ruletypes.doubled import Doubled
from speechkit.check.ruletypes.existence import Existence
from speechkit.check.ruletypes.formulation import Formulation
from speechkit.check.ruletypes.formulationnear import FormulationNearMiss
from speechkit.check.ruletypes.nearmiss import NearMiss
from speechkit.check.ruletypes.repetition import Repetition
from speechkit.check.ruletypes.required import Required
from speechkit.check.ruletypes.substitution import Substitution

RULE_TYPES: dict[str, type[Rule]] = {
    cls.type_name: cls
    for cls in (
        Existence,
        Substitution,
        Formulation,
        Required,
        Repetition,
        Balance,
        Consistency,
        NearMiss,
        Doubled,
        FormulationNearMiss,
        ContentControl,
    )
}

__all__ = ["RULE_TYPES", "Hit", "Rule", "RunContext", "Spec", "SpecError"]
