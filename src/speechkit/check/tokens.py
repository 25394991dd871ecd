"""The process's one jieba tokenizer, created lazily (the only global state of the checker).

Its cache file lives in a per-user cache folder, its log is silenced, HMM is off for matching,
and every rule term is added as a user word so formulations stay whole tokens.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterable
from pathlib import Path

_TOKENIZER = None
_ADDED: set[str] = set()
_TFIDF = None
_LOCK = threading.Lock()  # the web view checks from several threads
_HAN_WORD = re.compile(r"^[\u3400-\u9fff]{2,}$")


def cache_dir() -> Path:
    """Per-user cache folder for speechkit (``$XDG_CACHE_HOME/speechkit`` or ``~/.cache/...``)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
    path = Path(base) / "speechkit"
    try:
        path.mkdir(parents=True, exist_ok=True)
        if os.access(path, os.W_OK):
            return path
    except OSError:
        pass
    import tempfile

    fallback = Path(tempfile.gettempdir()) / f"speechkit-{os.getuid()}"
    fallback.mkdir(parents=True, exist_ok=True)
    return fallback


def tokenizer():
    """Return the process's jieba ``Tokenizer``, initialising it on first use."""
    global _TOKENIZER
    if _TOKENIZER is None:
        with _LOCK:
            if _TOKENIZER is None:
                import logging

                import jieba

                jieba.setLogLevel(logging.WARNING)
                tk = jieba.Tokenizer()
                tk.tmp_dir = str(cache_dir())
                tk.initialize()
                _TOKENIZER = tk
    return _TOKENIZER


def add_terms(terms: Iterable[str]) -> None:
    """Add rule terms (Chinese words of 2+ characters) to the tokenizer's dictionary, once each."""
    new = [t for t in terms if t not in _ADDED and _HAN_WORD.match(t)]
    if not new:
        return
    tk = tokenizer()
    with _LOCK:
        for term in new:
            if term not in _ADDED:
                tk.add_word(term)
                _ADDED.add(term)


def is_word(word: str) -> bool:
    """True when jieba's own dictionary has ``word`` (terms added by rules, which include
    the misspellings of substitution rules, do not count)."""
    return bool(tokenizer().FREQ.get(word)) and word not in _ADDED


def word_test():
    """A fast callable with the meaning of :func:`is_word` (for loops over many windows)."""
    freq = tokenizer().FREQ
    get = freq.get
    added = _ADDED

    def test(word: str) -> bool:
        return bool(get(word)) and word not in added

    return test


def cut(text: str) -> list[str]:
    """Segment ``text`` with HMM off (so an unknown typo never becomes an invented word)."""
    return list(tokenizer().cut(text, HMM=False))


def boundaries(text: str) -> set[int]:
    """Character offsets where a token starts or ends (0 and ``len(text)`` included)."""
    out = {0}
    pos = 0
    for tok in tokenizer().cut(text, HMM=False):
        pos += len(tok)
        out.add(pos)
    return out


def tfidf():
    """jieba's TF-IDF keyword extractor on the shared tokenizer, created once.

    ``import jieba.analyse`` loads the IDF table into its ``default_tfidf``; a shallow copy
    shares that table and swaps in this process's tokenizer (jieba's own object is untouched).
    """
    global _TFIDF
    if _TFIDF is None:
        import copy

        import jieba.analyse

        extractor = copy.copy(jieba.analyse.default_tfidf)
        extractor.tokenizer = tokenizer()
        _TFIDF = extractor
    return _TFIDF
