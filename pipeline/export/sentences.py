"""Sentence splitting that keeps character offsets into the document text.

A sentence ends after 。！？ (or ! ?), together with any closing quotes or brackets
that follow (…。” ends after ”), and at every line break.  Boundaries never fall
inside a protected span (an entity), so a tagged span is never cut in two.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

SENTENCE_END = re.compile(r"[。！？!?]+[”’」』》）)\"']*|\n")


def split_sentences(text: str, protected: Iterable[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """Return ``(start, end)`` of each sentence, trimmed of surrounding whitespace, none empty."""
    inside = [(start, end) for start, end in protected if end - start > 1]
    cuts = [0]
    for match in SENTENCE_END.finditer(text):
        cut = match.end()
        if not any(start < cut < end for start, end in inside) and cut > cuts[-1]:
            cuts.append(cut)
    cuts.append(len(text))
    sentences = []
    for start, end in zip(cuts, cuts[1:]):
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            sentences.append((start, end))
    return sentences
