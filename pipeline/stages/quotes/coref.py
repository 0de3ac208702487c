"""Pronoun resolver: 他/她 is the last fitting person mentioned before it.

A person fits if the mention lies outside speech already attributed (a name inside
someone's words is not who goes on speaking) and is not one item of a list of names
(市领导吴天君、马懿、王璋…).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from pipeline.core.names import HONORIFICS, TITLES
from pipeline.stages.quotes.content import sentence_start
from pipeline.stages.quotes.lexicon import CUE_RE, SINGULAR_PRONOUNS, SURNAMES
from pipeline.stages.quotes.sources import classify_phrase, title_names

#: A short phrase opening a clause, right before a cue or an adverbial: ``。库克说，``, ``，科恩在…``.
CLAUSE_SUBJECT_RE = re.compile(
    r"(?:^|(?<=[。！？!?，,；;\n”]))([\u4e00-\u9fff]{2,3}?)(?=" + CUE_RE.pattern + r"|在|还|也|又|对|向|则|曾)",
    re.MULTILINE,
)
NOT_NAME_START = frozenset("这那但我他她它们会同并一各该此其本全据有如因所而")
MIN_SUBJECT_REPEATS = 2
NAME_SEPARATORS = frozenset("-·•‧・")
#: A name with its Latin form in brackets after it (乔·帕克(Joe Park)): either Latin word names that person.
GLOSSED_NAME_RE = re.compile(r"([\u4e00-\u9fff·•・-]{2,12})[（(]([A-Za-z][A-Za-z .'-]{1,40})[)）]")


def repeated_subjects(text: str) -> set[str]:
    """Short clause subjects seen at least twice (科恩, 库克): names a recogniser may have missed."""
    counts = Counter(
        m.group(1)
        for m in CLAUSE_SUBJECT_RE.finditer(text)
        if m.group(1)[0] not in NOT_NAME_START and classify_phrase(m.group(1), False) is None
    )
    return {name for name, count in counts.items() if count >= MIN_SUBJECT_REPEATS}


def known_person_names(text: str, entities: list[dict[str, Any]]) -> set[str]:
    """Names of persons in the article: PERSON entities, names after a title, repeated clause subjects."""
    names = {e["text"] for e in entities if e["label"] == "PERSON"}
    names |= {text[s:e] for s, e in title_names(text)}
    names |= repeated_subjects(text)
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


def full_name(name: str, mentions: list[tuple[int, int, str]]) -> str:
    """The fullest form of a person's name in the article, its first mention's.

    A surname used alone (桥本 -> 桥本龙太郎) or a family name after a separator
    (杰克逊 -> 马克-杰克逊).  A longer form only one character longer is a recogniser's
    overreach more often than a name (沈忠主 from 沈忠主任, 朱钢介 from 朱钢介绍), so it is not taken;
    nor one that runs into another person's name (伍绍祖袁伟民: two names a headline ran together).
    """
    if len(name) == 1:
        return _surname_alone(name, mentions)
    others = {m[2] for m in mentions if len(m[2]) >= 2} - {name}
    longer = []
    for mention in mentions:
        form = mention[2]
        if form.startswith(name) and len(form) >= len(name) + 2:
            added = form[len(name) :]
        elif len(form) > len(name) and form.endswith(name) and form[-len(name) - 1] in NAME_SEPARATORS:
            added = form[: -len(name)]
        else:
            continue
        if not any(other in added for other in others):
            longer.append(mention)
    return min(longer)[2] if longer else name


ADDRESS_WORDS = frozenset(HONORIFICS + TITLES)


def _surname_alone(surname: str, mentions: list[tuple[int, int, str]]) -> str:
    """A surname standing alone (董 of 董大夫) is the one person of the article who bears it, if only one does
    (董大夫 itself, the surname and a form of address or a title, is no other person)."""
    if surname not in SURNAMES:
        return surname
    forms = {
        m[2] for m in mentions
        if m[2].startswith(surname) and 3 <= len(m[2]) <= 4 and m[2][len(surname) :] not in ADDRESS_WORDS
    }
    return forms.pop() if len(forms) == 1 else surname


def glossed_name(text: str, name: str, mentions: list[tuple[int, int, str]] = ()) -> str | None:
    """The name a Latin form stands for where the article glossed it (Park -> 乔·帕克 after 乔·帕克(Joe Park)):
    the person mentioned right before the gloss, else the words before it; None if unglossed."""
    if not name.isascii():
        return None
    for match in GLOSSED_NAME_RE.finditer(text):
        latin = match.group(2)
        if name == latin or name in latin.split():
            before = [m[2] for m in mentions if m[1] == match.end(1) and m[0] >= match.start(1)]
            return min(before, key=len) if before else match.group(1)
    return None
