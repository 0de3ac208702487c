"""Slogan filter: is a stretch in “ ” speech, or a slogan, term or name?

Chinese government news puts slogans (“三规合一、四集一转、产城互动”), names of
campaigns (“中原梦”) and terms (“强投资”) in quotation marks far more often than
speech.  A quoted stretch counts as speech only with positive evidence: a cue next to
it, or the shape of an utterance (a sentence of its own that ends like one).
"""

from __future__ import annotations

import re

from pipeline.stages.quotes.lexicon import (
    CUE_CLASS,
    CUE_RE,
    OPENING_PUNCT,
    QUOTE_CLOSE,
    QUOTE_OPEN,
    QUOTING_CLASSES,
    SENTENCE_END,
    TERM_BEFORE_RE,
)
from pipeline.stages.quotes.spans import Paragraph

MIN_SPEECH_CHARS = 4
#: ``”，他说。`` / ``”迟浩田说：`` : a short source clause then a cue right after the quote.
CUE_AFTER_RE = re.compile(r"^[，,]?\s*[^。！？!?，,“”\n]{1,20}?(?:" + CUE_RE.pattern + r")[。，,：:]")
#: ``说：“`` / ``指出，“`` / ``说“``: a cue with punctuation, or a verb of saying right before the quote.
CUE_BEFORE_RE = re.compile(r"(?:(?:" + CUE_RE.pattern + r")\s*[" + OPENING_PUNCT + r"]|[说道称])\s*$")
#: ``认为“…。”`` / ``批评“…。”``: a cue of a quoting class (:data:`.lexicon.QUOTING_CLASSES`) right before the quote;
#: speech when the quotation ends a sentence (a slogan after 强调 does not).
QUOTING_CUE_BEFORE_RE = re.compile(
    "(?:" + "|".join(sorted((w for w, c in CUE_CLASS.items() if c in QUOTING_CLASSES), key=len, reverse=True)) + r")\s*$"
)


_QUOTE_MARK = re.compile(f"[{QUOTE_OPEN}{QUOTE_CLOSE}]")


def quoted_stretches(text: str, para: Paragraph) -> list[tuple[int, int]]:
    """``(open, close)`` index pairs of the outermost “ ” in a paragraph; an unclosed “ runs to its end.

    Only the quotation marks are visited (the attributor asks for a paragraph's stretches many times)."""
    pairs: list[tuple[int, int]] = []
    depth = 0
    open_at = -1
    for mark in _QUOTE_MARK.finditer(text, para.start, para.end):
        i, ch = mark.start(), mark.group()
        if ch == QUOTE_OPEN:
            if depth == 0:
                open_at = i
            depth += 1
        elif ch == QUOTE_CLOSE and depth > 0:
            depth -= 1
            if depth == 0:
                pairs.append((open_at, i))
    if depth > 0:
        pairs.append((open_at, para.end))
    return pairs


def is_speech(text: str, para: Paragraph, open_at: int, close_at: int) -> bool:
    """Whether the stretch ``text[open_at] == '“'`` .. ``close_at`` is quoted speech, not a slogan or term."""
    inner = text[open_at + 1 : close_at].strip()
    before = text[para.start : open_at].rstrip()
    after = text[close_at + 1 : para.end] if close_at < para.end else ""
    if len(inner) < MIN_SPEECH_CHARS or TERM_BEFORE_RE.search(before) or after.startswith("的"):
        return False
    if CUE_BEFORE_RE.search(before) or CUE_AFTER_RE.match(after):
        return True
    if QUOTING_CUE_BEFORE_RE.search(before) and inner[-1] in SENTENCE_END:
        return True  # 认为“……。”: a sentence quoted after a verb that quotes
    starts_sentence = not before or before[-1] in SENTENCE_END + "：:" + QUOTE_CLOSE
    ends_like_utterance = inner[-1] in SENTENCE_END + "…" or (
        any(p in inner for p in "，,") and len(inner) >= 12 and (not after.strip() or after.lstrip()[0] in SENTENCE_END)
    )
    return starts_sentence and ends_like_utterance
