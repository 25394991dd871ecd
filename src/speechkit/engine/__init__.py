"""The template engine: a Word template compiled once, rendered for any number of contexts.

::

    from speechkit.engine import Template

    tpl = Template("templates/动员讲话.docx")      # TemplateError lists every bad tag, located
    tpl.variables                                  # {"town", "party", "meeting", ...}
    data = tpl.render(profile.context())           # bytes of a complete .docx
    tpl.save(profile.context(), "out/东湖镇.docx")  # atomic; RenderError located on failure

Tags are docxtpl's: ``{{ }}``, ``{% %}``, ``{# #}`` and ``{%p %}`` ``{%tr %}`` ``{%tc %}``
``{%r %}`` for the paragraph, table row, cell or run around them. Pipeline: ``preprocess``
(per XML part: join split tags, expand level tags, check, emit Jinja source) → ``environment``
(sandboxed, StrictUndefined, XML-escaping) → render → ``postprocess`` (line breaks,
paragraph splits) → well-formedness check → ``package`` (zip with unchanged parts copied).
"""

from speechkit.engine.limits import RenderLimits
from speechkit.engine.objects import (
    RP,
    Cm,
    Inches,
    InlineImage,
    Listing,
    Mm,
    Pt,
    R,
    RichText,
    RichTextParagraph,
)
from speechkit.engine.subdoc import Subdoc
from speechkit.engine.template import Template, VariableUse, check_template

__all__ = [
    "Cm",
    "Inches",
    "InlineImage",
    "Listing",
    "Mm",
    "Pt",
    "R",
    "RP",
    "RenderLimits",
    "RichText",
    "RichTextParagraph",
    "Subdoc",
    "Template",
    "VariableUse",
    "check_template",
]
