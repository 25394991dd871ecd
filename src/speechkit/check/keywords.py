"""Top keywords (jieba TF-IDF on the shared tokenizer) and the coverage of required rules."""

from __future__ import annotations

from speechkit.check.model import Document


def top_keywords(text: str, k: int = 15) -> list[tuple[str, float]]:
    """The ``k`` most characteristic words of ``text`` with their TF-IDF weights."""
    from speechkit.check import tokens

    tags = tokens.tfidf().extract_tags(text, topK=k, withWeight=True)
    return [(w, round(float(s), 4)) for w, s in tags]


def coverage(doc: Document, pack, doc_type: str | None) -> list[tuple[str, str, bool]]:
    """(rule id, formulation, present?) for each required rule of the document type.

    With no type (it could not be told from the file name) only the formulations every type
    needs are listed; the reporters say why the list is short (see :func:`unknown_type_note`).
    """
    from speechkit.check.model import DOC_TYPES
    from speechkit.check.ruletypes.required import Required

    rules = [r for r in pack.rules if isinstance(r, Required)]
    if doc_type is None:
        rules = [r for r in rules if not r.doc_types or set(DOC_TYPES) <= set(r.doc_types)]
    else:
        rules = [r for r in rules if not r.doc_types or doc_type in r.doc_types]
    return [(r.id, r.label, r.present(doc)) for r in rules]


def unknown_type_note(items: list) -> str:
    """What reporters say above the coverage of a document whose type is unknown."""
    listed = "这里只列出各类文稿共同的" if items else "各类文稿没有共同的必备提法，故未列出"
    return (
        "文件名看不出文档类型（讲话、实施方案还是评议表），必备提法因类型而异，"
        f"{listed}；请用 --doc-type speech、plan 或 form 指定类型。"
    )
