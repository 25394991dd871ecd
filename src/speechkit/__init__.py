"""speechkit: drafts Chinese party and government documents from town profiles.

The library is usable without the CLI::

    from speechkit import Template, load_profile, check

    profile = load_profile("profiles/towns/donghu.yaml")
    Template("templates/动员讲话.docx").save(profile.context(), "out.docx")
    report = check("out.docx", profile=profile)

Names are imported lazily so that ``import speechkit`` stays cheap (the checker's start-up time
is measured against jieba's own).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from speechkit._lazy import lazy_getattr

__version__ = "0.1.0"

_LAZY = {
    "Template": "speechkit.engine",
    "load_profile": "speechkit.profiles",
    "check": "speechkit.check",
    "SpeechkitError": "speechkit.errors",
}

if TYPE_CHECKING:  # pragma: no cover
    from speechkit.check import check
    from speechkit.engine import Template
    from speechkit.errors import SpeechkitError
    from speechkit.profiles import load_profile


__getattr__ = lazy_getattr(__name__, _LAZY)


__all__ = ["Template", "load_profile", "check", "SpeechkitError", "__version__"]
