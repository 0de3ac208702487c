"""The rules' learnt word lists: what reviewers taught the entity rules and the quote attributor.

``corpusprep learn`` writes them into the model folder it keeps, as ``lexicon/`` (so one
choice of model, ``run``'s newest or ``--model DIR``, is one choice of what was learnt, and
``--model shipped`` uses neither): persons and organisations reviewers added or corrected
(``persons.jsonl``, ``orgs.jsonl``), names the pre-labels gave that reviewers took away and never
kept (``not_persons.jsonl``, ``not_orgs.jsonl``: 特斯拉 is no PERSON), and quote cues and sources they
added that the attributor's own lists lack (``cues.jsonl``, ``sources.jsonl``).  The shipped lists in the package are never
changed.  One entry a line, with every review it came from::

    {"text": "阿不都热合曼", "reviews": [{"id": "doc-17", "reviewer": "alice", "pulled_at": "2026-12-07T10:02:11+00:00"}]}

A learnt source is a group to the attributor (its kinds: person, pronoun, org, group,
document; persons and organisations are found as entities).  ``reviewer`` is who confirmed the document (none when it was edited
and not confirmed).  Deleting a line takes the entry out; the next ``learn`` derives the
lists again from the reviews it is given.

The format, reading and writing live here, at the edge; the rules take the lists as plain
sets (:class:`LearntLexicon`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.core.jsonl import RecordError, iter_json_lines

LEXICON_FOLDER = "lexicon"  # inside a learnt model folder
PERSON, ORG, CUE, SOURCE = "PERSON", "ORG", "CUE", "SOURCE"
NOT = "NOT_"  # a name reviewers took away: NOT_PERSON, NOT_ORG
NOT_PERSON, NOT_ORG = NOT + PERSON, NOT + ORG
FILES = {
    PERSON: "persons.jsonl", ORG: "orgs.jsonl", NOT_PERSON: "not_persons.jsonl", NOT_ORG: "not_orgs.jsonl",
    CUE: "cues.jsonl", SOURCE: "sources.jsonl",
}


@dataclass(frozen=True, order=True)
class ReviewRef:
    """The review an entry came from: the document, who confirmed it, when it was pulled."""

    id: str
    reviewer: str | None = None
    pulled_at: str | None = None


@dataclass(frozen=True)
class Entry:
    """One learnt word: its text, what it is (PERSON, ORG, CUE or SOURCE), the reviews it came from."""

    text: str
    kind: str
    reviews: tuple[ReviewRef, ...]

    def line(self) -> dict[str, Any]:
        reviews = [{"id": r.id, "reviewer": r.reviewer, "pulled_at": r.pulled_at} for r in self.reviews]
        return {"text": self.text, "reviews": reviews}


@dataclass(frozen=True)
class LearntLexicon:
    """What the rules read: the learnt words as sets (empty: the shipped behaviour)."""

    persons: frozenset[str] = frozenset()
    orgs: frozenset[str] = frozenset()
    cues: frozenset[str] = frozenset()
    sources: frozenset[str] = frozenset()
    not_persons: frozenset[str] = frozenset()
    not_orgs: frozenset[str] = frozenset()

    @classmethod
    def of(cls, entries: Iterable[Entry]) -> LearntLexicon:
        entries = list(entries)
        words = {kind: frozenset(e.text for e in entries if e.kind == kind) for kind in FILES}
        return cls(
            persons=words[PERSON], orgs=words[ORG], cues=words[CUE], sources=words[SOURCE],
            not_persons=words[NOT_PERSON], not_orgs=words[NOT_ORG],
        )


def lexicon_dir(model_dir: Path) -> Path:
    return model_dir / LEXICON_FOLDER


def _entry(path: Path, number: int, kind: str, line: dict[str, Any]) -> Entry:
    """An entry from one line, or a RecordError naming the file and line."""
    text = line.get("text")
    if not isinstance(text, str) or not text.strip():
        raise RecordError(path, number, 'no "text": each line needs {"text": ..., "reviews": [...]}; fix or delete the line')
    reviews = line.get("reviews") or []
    if not isinstance(reviews, list) or not all(isinstance(r, dict) and r.get("id") for r in reviews):
        raise RecordError(path, number, '"reviews" must be a list of {"id", "reviewer", "pulled_at"}; fix or delete the line')
    refs = tuple(ReviewRef(str(r["id"]), r.get("reviewer"), r.get("pulled_at")) for r in reviews)
    return Entry(text.strip(), kind, refs)


def read_entries(folder: Path) -> list[Entry]:
    """Every entry of a lexicon folder (a missing file is an empty list); a bad line raises RecordError."""
    entries: list[Entry] = []
    for kind, name in FILES.items():
        path = folder / name
        if path.is_file():
            entries += [_entry(path, number, kind, line) for number, line in iter_json_lines(path)]
    return entries


def read_lexicon(folder: Path | str | None) -> LearntLexicon:
    """The learnt lexicon in ``folder`` (none given, or no folder: an empty one)."""
    if folder is None or not Path(folder).is_dir():
        return LearntLexicon()
    return LearntLexicon.of(read_entries(Path(folder)))


def write_entries(folder: Path, entries: Iterable[Entry]) -> dict[str, int]:
    """Write the entries, one file per kind, sorted by text; returns how many of each kind."""
    folder.mkdir(parents=True, exist_ok=True)
    entries = list(entries)
    counts = {}
    for kind, name in FILES.items():
        mine = sorted((e for e in entries if e.kind == kind), key=lambda e: e.text)
        lines = "".join(json.dumps(e.line(), ensure_ascii=False) + "\n" for e in mine)
        (folder / name).write_text(lines, encoding="utf-8")
        counts[kind] = len(mine)
    return counts
