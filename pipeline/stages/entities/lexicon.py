"""The word lists and text helpers the entity rules share: surnames, places, common words,
titles, the phonetic characters of foreign names, regexes built from lists, and lookups of the
segmenter's words.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from pipeline.core.names import HONORIFICS as HONORIFICS  # the shared name lists, read here by the entity rules
from pipeline.core.names import TITLES as TITLES
from pipeline.core.names import surnames as surnames
from pipeline.core.text_tables import HAN, LATIN_OR_DIGIT_RE
from pipeline.core.text_tables import NAME_DOT as NAME_DOT  # read here by the entity rules

DATA = Path(__file__).parent / "data"



HAN_RUN = re.compile(f"[{HAN}]+")


class Entity(NamedTuple):
    """A labelled span; ``rule`` names what made it (``model``, a rule's name, or ``model+adjustment``).

    The rule is provenance, not identity: spans with the same offsets and label are equal and
    hash alike whatever found them, so the rules' deduplication and overlap checks (and the
    order sets give them) are what they are without it.
    """

    start: int
    end: int
    label: str
    rule: str = "model"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, tuple):
            return NotImplemented
        return self[:3] == (other[:3] if isinstance(other, Entity) else other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash(self[:3])

    def adjusted(self, start: int, end: int, how: str, label: str | None = None) -> Entity:
        """This span moved to ``start:end`` (or relabelled) by the adjustment ``how``, which its rule records."""
        return Entity(start, end, label or self.label, f"{self.rule}+{how}")


def list_rows(name: str, folder: Path = DATA) -> list[list[str]]:
    """The rows of a list in ``folder`` (the rules' ``data/``): comment lines (``#``, naming the source) and blank
    lines left out, each other line split at whitespace into its fields."""
    lines = (folder / name).read_text(encoding="utf-8").splitlines()
    return [fields for line in lines if not line.startswith("#") and (fields := line.split())]


def word_list(name: str, folder: Path = DATA) -> list[str]:
    """The words of a list in ``folder``: every field of every row (:func:`list_rows`)."""
    return [word for row in list_rows(name, folder) for word in row]


@lru_cache(maxsize=1)
def transliteration_characters() -> frozenset[str]:
    """Phonetic characters of foreign names (see :mod:`pipeline.train.word_lists.transliteration`)."""
    return frozenset("".join(word_list("transliteration.txt")))


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Words that name no one and no organisation (see :mod:`pipeline.train.word_lists.common_words`)."""
    return frozenset(word_list("common_words.txt"))


@lru_cache(maxsize=1)
def places() -> list[str]:
    return sorted(set(word_list("places.txt")), key=len, reverse=True)


@lru_cache(maxsize=1)
def place_set() -> frozenset[str]:
    return frozenset(places())


def alternation(words: Iterable[str]) -> str:
    """A regex matching any of ``words``, longest first, as a prefix tree (中(?:共中央|国)...).

    Python's ``re`` tries a flat alternation word by word at every position; factored
    by shared prefixes it rejects a position after one character, which makes the
    gazetteer patterns several times faster with the same matches.
    """
    return _prefix_tree_pattern(frozenset(words))


@lru_cache(maxsize=64)
def _prefix_tree_pattern(words: frozenset[str]) -> str:
    tree: dict = {}
    for word in words:
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _tree_regex(tree)


def _tree_regex(node: dict) -> str:
    branches = [re.escape(ch) + _tree_regex(child) for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:  # a word ends here: the longer continuations are optional, tried first
        return f"(?:{body})?"
    return body


# Characters that, right after a two-character name, usually start the next word (在会上, 对..., 指出;
# 摄 and 报 of photo and report credits: 记者李刚摄, 记者刘杰报道).
AFTER_NAME = set("摄报在说指表强要对和与的是等也就还会讲主出参向为从到带率一同提认介称发作进接视调听看了将已曾又都并以于给把被来去上下今昨明、，,。；;：:（(“\"")


# Surnames that are too often ordinary words to trust after a title without other evidence.
WEAK_SURNAMES = set("和于向时党都信由平国来公相门原明全应那但利万文成高关安常方程金石白华龙")


def first_characters(words: Iterable[str]) -> str:
    """The characters the words start with, escaped for a character class.

    A pattern led by ``(?=[...])`` of these is rejected at a position in one test, where
    the place alternation alone is tried branch by branch: about three times faster here.
    """
    return "".join(sorted({re.escape(word[0]) for word in words if word}))


def leftmost_longest(spans: Iterable[Entity]) -> list[Entity]:
    """The leftmost, then longest, spans that do not overlap; of spans with the same place, the one given first
    (duplicates are dropped in order, not through a set, whose order changes from run to run with the hash seed)."""
    kept: list[Entity] = []
    for span in sorted(dict.fromkeys(spans), key=lambda s: (s.start, -(s.end - s.start))):
        if not kept or span.start >= kept[-1].end:
            kept.append(span)
    return kept


def overlaps(span: Entity, taken: list[tuple[int, int]]) -> bool:
    return any(span.start < end and start < span.end for start, end in taken)


MAX_FOREIGN_NAME = 12


def is_transliterated(name: str) -> bool:
    """Only phonetic characters of foreign names (and the name dot): 内塔尼亚胡, 穆巴拉克·阿萨德."""
    phonetic = transliteration_characters()
    return all(ch in phonetic or ch == NAME_DOT for ch in name)


PLACE_BEFORE = re.compile(f"(?:{alternation(places())})\\Z")


def word_index(position: int, words: Sequence[Sequence[int]]) -> int:
    """The index of the last segmenter word that starts at or before ``position`` (-1 if none)."""
    return bisect_right(words, position, key=lambda word: word[0]) - 1


def word_at(position: int, words: Sequence[Sequence[int]]) -> Sequence[int] | None:
    """The segmenter word ``[start, end]`` that holds the character at ``position``, if any."""
    index = word_index(position, words)
    return words[index] if index >= 0 and position < words[index][1] else None


def occurrences(text: str, word: str) -> Iterator[int]:
    """Start offsets of ``word`` in ``text``, left to right, not overlapping (as ``re.finditer``)."""
    start = text.find(word) if word else -1
    while start != -1:
        yield start
        start = text.find(word, start + len(word))


def inside_longer_word(start: int, end: int, words: Sequence[Sequence[int]]) -> bool:
    """Whether one segmenter word holds ``start:end`` and more (艾滋 in 艾滋病, 锡山 in 锡山市)."""
    word = word_at(start, words)
    return word is not None and end <= word[1] and word[1] - word[0] > end - start


PLACE = re.compile(alternation(places()))


LONGEST_PLACE = max(map(len, places()))


def cut_from_a_place(text: str, span: Entity) -> bool:
    """Whether a place name runs over an edge of ``span`` (波尔 in 波尔多, 舟塞纳 over 塞纳河);
    a place wholly inside a name (华盛顿 in 乔治·华盛顿) does not count."""
    for start in range(max(0, span.start - LONGEST_PLACE + 1), span.end):
        match = PLACE.match(text, start)
        if match and match.start() < span.end and match.end() > span.start:
            if match.start() < span.start or match.end() > span.end:
                return True
    return False


def cuts_a_latin_word(text: str, start: int, end: int) -> bool:
    """Whether ``start:end`` begins or ends inside a run of Latin letters and digits (NBA in NBAer, Yelp in Yelpers)."""
    return bool(
        (start > 0 and LATIN_OR_DIGIT_RE.match(text, start) and LATIN_OR_DIGIT_RE.match(text, start - 1))
        or (end < len(text) and LATIN_OR_DIGIT_RE.match(text, end - 1) and LATIN_OR_DIGIT_RE.match(text, end))
    )


def starts_inside_a_word(start: int, words: Sequence[Sequence[int]]) -> bool:
    """Whether a segmenter word began before ``start`` and holds it (如|今年产值, 麾|下周琦)."""
    word = word_at(start, words)
    return word is not None and word[0] < start


def ends_inside_a_word(end: int, words: Sequence[Sequence[int]]) -> bool:
    """Whether a segmenter word runs on past ``end`` (抗震救|灾, 交响协|奏曲)."""
    word = word_at(end, words)
    return word is not None and word[0] < end
