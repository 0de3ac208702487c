"""Content finder: where reported speech ends, and where quoted speech is.

Reported speech after a cue runs to the end of its paragraph, or to the sentence where
the next attribution starts.  It goes on into the next paragraph when that paragraph
plainly continues it (starts with 要, 一是, 第二, 同时 …, or the paragraph before was cut
off mid-sentence), and stops at pull quotes, headlines and new attributions.
"""

from __future__ import annotations

from pipeline.stages.quotes.lexicon import CONTINUATION_RE, QUOTE_CLOSE, QUOTE_OPEN, SENTENCE_END
from pipeline.stages.quotes.spans import Paragraph, paragraph_at

PARAGRAPH_DONE = SENTENCE_END + "”…：:"


def sentence_start(text: str, pos: int) -> int:
    """Index where the sentence holding ``pos`` starts (after 。！？, a newline or 。” )."""
    i = pos - 1
    while i >= 0:
        ch = text[i]
        if ch in SENTENCE_END + "\n":
            break
        if ch == QUOTE_CLOSE and i > 0 and text[i - 1] in SENTENCE_END:
            break
        i -= 1
    return i + 1


def continues(text: str, para: Paragraph, following: Paragraph) -> bool:
    """Whether ``following`` carries on the speech of ``para``."""
    ended = text[para.start : para.end].rstrip()
    cut_off = bool(ended) and ended[-1] not in PARAGRAPH_DONE
    return cut_off or bool(CONTINUATION_RE.match(text, following.start, following.end))


def speech_end(
    text: str,
    paras: list[Paragraph],
    start: int,
    *,
    stops: list[int],
    blocked: set[int],
) -> int:
    """End (exclusive) of reported speech opening at ``start``.

    ``stops`` are positions where another attribution begins; ``blocked`` are
    paragraph indices speech never runs into (pull quotes, headlines).
    """
    para = paragraph_at(paras, start)
    if para is None:
        return start
    while True:
        stop = min((s for s in stops if start < s < para.end), default=None)
        if stop is not None:
            end = stop
            break
        end = para.end
        nxt = paras[para.index + 1] if para.index + 1 < len(paras) else None
        if nxt is None or nxt.index in blocked or nxt.start in stops or text[nxt.start] == QUOTE_OPEN:
            break
        if not continues(text, para, nxt):
            break
        para = nxt
    while end > start and text[end - 1] in " \t\u3000\n，,；;":  # a stop inside a sentence leaves its comma
        end -= 1
    return end


def closing_quote(text: str, paras: list[Paragraph], open_at: int) -> int:
    """Index of the ” closing the “ at ``open_at``; a quote left open at a paragraph's end goes on
    into following paragraphs that open with “ (the convention for quotes over several paragraphs)."""
    para = paragraph_at(paras, open_at)
    assert para is not None
    depth = 0
    pos = open_at
    while True:
        for i in range(pos, para.end):
            if text[i] == QUOTE_OPEN:
                depth += 1
            elif text[i] == QUOTE_CLOSE:
                depth -= 1
                if depth == 0:
                    return i
        nxt = paras[para.index + 1] if para.index + 1 < len(paras) else None
        if nxt is None or text[nxt.start] != QUOTE_OPEN:
            return para.end
        para, pos, depth = nxt, nxt.start + 1, 1
