"""Top keywords (jieba TF-IDF on the shared tokenizer) and the coverage of required rules."""

from __future__ import annotations

from speechkit.check.model import Document


def top_keywords(text: str, k: int = 15) -> list[tuple[str, float]]:
    """The ``k`` most characteristic words of ``text`` with their TF-IDF weights."""
    from speechkit.check import tokens

    tags = tokens.tfidf().extract_tags(text, topK=k, withWeight=True)
    return [(w, round(float(s), 4)) for w, s in tags]


def coverage(doc: Document, pack, doc_type: str | None) -> list[tuple[str, str, bool]]:
    """(rule id, formulation, present?) for each required rule of the document type."""
    from speechkit.check.ruletypes.required import Required

    rules = [r for r in pack.rules if isinstance(r, Required)]
    typed = [r for r in rules if not r.doc_types or doc_type in r.doc_types]
    return [(r.id, r.label, r.present(doc)) for r in (typed or rules)]
