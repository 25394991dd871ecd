"""From a finished document to a template (``speechkit template from``).

``templatize_bytes(data, context, file=...)`` replaces every value of the profile found in the
document by its tag and returns the template with a review (replacements, ambiguous hits, values
never found); :func:`template_from` does the same for files, converting .doc/.wps/.rtf/.odt
through LibreOffice first, and proves the result by rendering it again.
"""

from speechkit.templatize.core import (
    AmbiguousHit,
    Replacement,
    TemplateFromError,
    TemplatizeResult,
    templatize_bytes,
)

__all__ = [
    "AmbiguousHit",
    "Replacement",
    "TemplateFromError",
    "TemplatizeResult",
    "templatize_bytes",
]
