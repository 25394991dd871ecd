"""The template engine: a Word template compiled once, rendered for any number of contexts.

::

    from speechkit.engine import Template

    tpl = Template("templates/动员讲话.docx")      # TemplateError lists every bad tag, located
    tpl.variables                                  # {"town", "party", "meeting", ...}
    data = tpl.render(profile.context())           # bytes of a complete .docx
    tpl.save(profile.context(), "out/东湖镇.docx")  # atomic; RenderError located on failure

Tags are docxtpl's: ``{{ }}``, ``{% %}``, ``{# #}``; ``{%p %}`` ``{%tr %}`` ``{%tc %}``
``{%r %}`` for the paragraph, table row, cell or run around them; ``{{r }}`` ``{{p }}``; the cell
tags ``vm`` ``hm`` ``colspan`` ``cellbg``; ``{%- -%}`` merging; ``{_{ }_}`` literals. Values may
be the objects of :mod:`~speechkit.engine.objects` (RichText, InlineImage …) and
:mod:`~speechkit.engine.subdoc`. Pipeline: ``preprocess`` (per XML part: join split tags,
expand level and cell tags, check, emit Jinja source) → ``environment`` (sandboxed,
StrictUndefined, XML-escaping, bounded by ``limits``) → render → ``postprocess`` (line breaks,
paragraph splits) → well-formedness check → ``package`` (zip with unchanged parts copied, plus
the media, relationships and styles the objects brought).
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
