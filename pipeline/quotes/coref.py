"""Pronoun resolver: 他/她 is the last fitting person mentioned before it.

A person fits if the mention lies outside speech already attributed (a name inside
someone's words is not who goes on speaking) and is not one item of a list of names
(市领导吴天君、马懿、王璋…).
"""

from __future__ import annotations

from typing import Any

from pipeline.quotes.content import sentence_start
from pipeline.quotes.lexicon import SINGULAR_PRONOUNS
from pipeline.quotes.sources import title_names


def known_person_names(text: str, entities: list[dict[str, Any]]) -> set[str]:
    """Names of persons in the article: PERSON entities, else names after a title."""
    names = {e["text"] for e in entities if e["label"] == "PERSON"}
    names |= {text[s:e] for s, e in title_names(text)}
    return {n for n in names if len(n) >= 2}


def person_mentions(text: str, entities: list[dict[str, Any]], names: set[str]) -> list[tuple[int, int, str]]:
    """Every mention of a known person name, in text order."""
    found = {(e["start"], e["end"], e["text"]) for e in entities if e["label"] == "PERSON"}
    for name in names:
        start = text.find(name)
        while start >= 0:
            found.add((start, start + len(name), name))
            start = text.find(name, start + 1)
    return sorted(found)


def _in_list(text: str, start: int, end: int) -> bool:
    return text[start - 1 : start] == "、" or text[end : end + 1] == "、"


def resolve_pronoun(
    text: str,
    pronoun: str,
    pos: int,
    mentions: list[tuple[int, int, str]],
    spoken: list[tuple[int, int]],
) -> str | None:
    """The name a singular pronoun at ``pos`` refers to; None for plurals or when nobody fits.

    Sentences are searched backwards and the first fitting person of a sentence wins:
    the subject (科恩在会谈中代表克林顿总统… -> 科恩), not a name inside the predicate.
    """
    if pronoun not in SINGULAR_PRONOUNS:
        return None
    fitting = [
        (start, end, name)
        for start, end, name in mentions
        if end <= pos and not _in_list(text, start, end) and not any(s <= start and end <= e for s, e in spoken)
    ]
    if not fitting:
        return None
    last_start = sentence_start(text, fitting[-1][0])
    return next(name for start, _, name in fitting if start >= last_start)
