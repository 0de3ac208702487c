"""What reviews teach the rules: names, quote cues and sources reviewers added.

A reviewer who adds a name the model missed, or corrects one it got wrong (another label,
other edges), has said what that string is; so has one who confirms a document, for every
name in it (the model found them here, but may miss them in the next article).  The entity
rules then find those names in every other document (``learnt_name``, ``learnt_org``).  Likewise a cue or a source (a speaker that is no
person) a reviewer linked to a quote that the attributor's lists lack.  What a reviewer added
is what the pre-labels did not have: the reviewed spans not in the pushed record (by offsets
and label) when it is at hand, else the spans without the ``source`` the pre-labeller writes
on every span it makes (pull keeps it only on spans that were pushed).

Entries too risky to match everywhere are left out, each with why: one character, no Chinese
character, a common word or a place (entities), a cue the attributor knows already or not
two to four Chinese characters, a source that is a pronoun, a person or one the attributor
finds anyway.  Pure functions over plain records; reading and writing the files is in
:mod:`pipeline.learn.lexicon`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pipeline.core.text_tables import HAN
from pipeline.eval.entities import labelled_spans
from pipeline.learn.lexicon import CUE, NOT, ORG, PERSON, SOURCE, Entry, ReviewRef
from pipeline.review.merge import is_confirmed
from pipeline.stages.entities.lexicon import common_words, place_set
from pipeline.stages.quotes.lexicon import CUE_VERBS, PRONOUNS
from pipeline.stages.quotes.sources import MAX_SOURCE_CHARS, classify_phrase

ENTITY_KINDS = (PERSON, ORG)
_HAS_HAN = re.compile(f"[{HAN}]")
_ALL_HAN = re.compile(f"[{HAN}]{{2,4}}")
# A name in Latin letters: three characters or more, letters and digits in words joined by a space, - . & or '.
_LATIN_NAME = re.compile(r"(?=.{3})(?=.*[A-Za-z].*[A-Za-z])[A-Za-z0-9]+(?:[ .&'-][A-Za-z0-9]+)*")

Span = tuple[int, int]


def _key(span: Mapping[str, Any] | None) -> Span | None:
    return (int(span["start"]), int(span["end"])) if span else None


def reviewer_entities(reviewed: Mapping[str, Any], prelabeled: Mapping[str, Any] | None) -> list[tuple[int, int, str]]:
    """The PERSON and ORG spans the reviewer added or corrected (not in the pre-labels)."""
    spans = labelled_spans(reviewed.get("entities") or [], ENTITY_KINDS)
    if prelabeled is not None and prelabeled.get("text") == reviewed.get("text"):
        return sorted(spans - labelled_spans(prelabeled.get("entities") or [], ENTITY_KINDS))
    return sorted(spans - labelled_spans([e for e in reviewed.get("entities") or [] if "source" in e], ENTITY_KINDS))


def vouched_entities(
    reviewed: Mapping[str, Any],
    prelabeled: Mapping[str, Any] | None,
    added: list[tuple[int, int, str]] | None = None,
) -> list[tuple[int, int, str]]:
    """The PERSON and ORG spans a review vouches for: all of a confirmed document's, else what the reviewer
    added or corrected (:func:`reviewer_entities`; ``added`` when the caller has them already).

    Measured with ``make learning-curve`` (word lists alone, after 50 articles): on the sports set
    PERSON +0.063 -> +0.071 and ORG +0.047 -> +0.051 F1 against only the added names; on the mixed
    set PERSON +0.035 -> +0.032, ORG +0.032 -> +0.034 (its people seldom come back)."""
    if is_confirmed(reviewed.get("review")):
        return sorted(labelled_spans(reviewed.get("entities") or [], ENTITY_KINDS))
    return list(added) if added is not None else reviewer_entities(reviewed, prelabeled)


def reviewer_rejections(reviewed: Mapping[str, Any], prelabeled: Mapping[str, Any] | None) -> list[tuple[int, int, str]]:
    """The PERSON and ORG pre-labels the reviewer took away (none where the pushed pre-labels are not at hand:
    a pull keeps only what stayed)."""
    if prelabeled is None or prelabeled.get("text") != reviewed.get("text"):
        return []
    before = labelled_spans(prelabeled.get("entities") or [], ENTITY_KINDS)
    return sorted(before - labelled_spans(reviewed.get("entities") or [], ENTITY_KINDS))


def reviewer_quote_parts(reviewed: Mapping[str, Any], prelabeled: Mapping[str, Any] | None) -> tuple[list[Span], list[Span]]:
    """The cue spans and speaker spans the reviewer added to quotes (not among the pre-labels' cues and speakers)."""
    quotes = reviewed.get("quotes") or []
    if prelabeled is not None and prelabeled.get("text") == reviewed.get("text"):
        old_cues = {_key(q.get("cue")) for q in prelabeled.get("quotes") or []}
        old_speakers = {_key(q.get("speaker")) for q in prelabeled.get("quotes") or []}
    else:  # a quote pull kept carries the attributor's ``source``; a new one has none
        old_cues = {_key(q.get("cue")) for q in quotes if "source" in q}
        old_speakers = {_key(q.get("speaker")) for q in quotes if "source" in q}
    cues = sorted({k for q in quotes if (k := _key(q.get("cue"))) and k not in old_cues})
    speakers = sorted({k for q in quotes if (k := _key(q.get("speaker"))) and k not in old_speakers})
    return cues, speakers


def entity_problem(text: str) -> str | None:
    """Why a name may not join the rules' lists (None: it may)."""
    if len(text) < 2:
        return "one character"
    if _LATIN_NAME.fullmatch(text):  # NBA, Elon Musk: found only as whole Latin words
        return None
    if not _HAS_HAN.search(text) or any(ch.isspace() for ch in text):
        return "no Chinese character (nor a Latin name of three characters or more), or a space"
    if text in common_words():
        return "a common word"
    if text in place_set():
        return "a place"
    return None


def cue_problem(text: str) -> str | None:
    if text in CUE_VERBS:
        return "the attributor knows it"
    if not _ALL_HAN.fullmatch(text):
        return "not two to four Chinese characters"
    return None


def source_problem(text: str, span: Span, entities: Sequence[Mapping[str, Any]]) -> str | None:
    """Why a speaker span teaches the attributor no source (None: it teaches one, a group)."""
    start, end = span
    if text in PRONOUNS:
        return "a pronoun"
    if any(e.get("label") == PERSON and e["start"] < end and start < e["end"] for e in entities):
        return "a person (the names list has them)"
    if not 2 <= len(text) <= MAX_SOURCE_CHARS or not _HAS_HAN.search(text):
        return f"not 2 to {MAX_SOURCE_CHARS} characters with a Chinese one"
    org_here = any(e.get("label") == ORG and e["end"] == end and e["start"] >= start for e in entities)
    if classify_phrase(text, org_here) is not None:
        return "the attributor finds it already"
    return None


@dataclass
class Taught:
    """The entries reviews teach, and what was left out and why (for the card)."""

    entries: list[Entry] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)


def review_ref(record: Mapping[str, Any]) -> ReviewRef:
    review = record.get("review") or {}
    by = review.get("by") or []
    return ReviewRef(str(record["id"]), ", ".join(by) if by else None, review.get("pulled_at"))


def taught_by(reviewed: Iterable[Mapping[str, Any]], prelabeled: Mapping[str, Mapping[str, Any]] | None) -> Taught:
    """The lexicon entries the reviews teach: each word once, with every review that vouched for it
    (:func:`vouched_entities`).

    A name the pre-labels gave and a reviewer took away is taught as not that label (``NOT_PERSON``), unless a
    reviewer kept the same word with that label somewhere in these reviews (then it is sometimes a name)."""
    found: dict[tuple[str, str], set[ReviewRef]] = defaultdict(set)
    kept: set[tuple[str, str]] = set()
    chosen: set[tuple[str, str]] = set()  # (label, word) a reviewer added or corrected somewhere
    rejected: set[tuple[str, str]] = set()  # (label, word) a reviewer took away somewhere
    skipped: dict[tuple[str, str, str], str] = {}
    for record in reviewed:
        text = record["text"]
        before = None if prelabeled is None else prelabeled.get(str(record["id"]))
        ref = review_ref(record)
        reviewers = reviewer_entities(record, before)
        added = set(reviewers)
        for start, end, label in vouched_entities(record, before, reviewers):
            word = text[start:end]
            reviewers_own = (start, end, label) in added
            if problem := entity_problem(word):
                if reviewers_own:  # a confirmed pre-label left out needs no word on the card
                    skipped[(label, word, problem)] = ref.id
            else:
                found[(label, word)].add(ref)
                if reviewers_own:
                    chosen.add((label, word))
        for start, end, label in reviewer_rejections(record, before):
            word = text[start:end]
            rejected.add((label, word))
            if len(word) < 2:
                skipped[(NOT + label, word, "one character")] = ref.id
            else:
                found[(NOT + label, word)].add(ref)
        kept.update((label, text[start:end]) for start, end, label in labelled_spans(record.get("entities") or [], ENTITY_KINDS))
        cues, speakers = reviewer_quote_parts(record, before)
        for start, end in cues:
            word = text[start:end]
            if problem := cue_problem(word):
                skipped[(CUE, word, problem)] = ref.id
            else:
                found[(CUE, word)].add(ref)
        for span in speakers:
            word = text[span[0] : span[1]]
            if problem := source_problem(word, span, record.get("entities") or []):
                skipped[(SOURCE, word, problem)] = ref.id
            else:
                found[(SOURCE, word)].add(ref)
    for kind, word in [key for key in found if key[0].startswith(NOT) and (key[0].removeprefix(NOT), key[1]) in kept]:
        skipped[(kind, word, "a reviewer kept it as that label elsewhere")] = sorted(found.pop((kind, word)))[0].id
    # A name only confirmed (never added) that a reviewer took away elsewhere is sometimes no name: not taught.
    for label, word in [key for key in found if key in rejected and key not in chosen]:
        skipped[(label, word, "a reviewer took it away elsewhere")] = sorted(found.pop((label, word)))[0].id
    entries = [Entry(word, kind, tuple(sorted(refs))) for (kind, word), refs in sorted(found.items())]
    left_out = [{"kind": kind, "text": word, "why": why, "id": record_id}
                for (kind, word, why), record_id in sorted(skipped.items())]  # fmt: skip
    return Taught(entries, left_out)


def merged_entries(previous: Iterable[Entry], taught: Iterable[Entry], reviewed_ids: set[str]) -> list[Entry]:
    """The previous lexicon with the reviews given now read afresh: their old references give way to what
    they teach now (a name a reviewer took back goes when no other review has it), the rest stay."""
    refs: dict[tuple[str, str], set[ReviewRef]] = defaultdict(set)
    for entry in previous:
        if kept := {ref for ref in entry.reviews if ref.id not in reviewed_ids}:
            refs[(entry.kind, entry.text)] |= kept
    for entry in taught:
        refs[(entry.kind, entry.text)] |= set(entry.reviews)
    return [Entry(text, kind, tuple(sorted(found))) for (kind, text), found in sorted(refs.items())]


def without_conflicts(entries: Iterable[Entry]) -> tuple[list[Entry], list[dict[str, str]]]:
    """A word taught both as a PERSON and as an ORG is neither (the reviews disagree): left out, and said why."""
    entries = list(entries)
    labels: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        if entry.kind in ENTITY_KINDS:
            labels[entry.text].add(entry.kind)
    torn = {text for text, found in labels.items() if len(found) > 1}
    kept = [e for e in entries if not (e.kind in ENTITY_KINDS and e.text in torn)]
    left_out = [{"kind": e.kind, "text": e.text, "why": "taught both as PERSON and as ORG", "id": e.reviews[0].id}
                for e in entries if e.kind in ENTITY_KINDS and e.text in torn]  # fmt: skip
    return kept, left_out


def learnt_entity_texts(entries: Iterable[Entry]) -> set[str]:
    """The names among the entries (pseudo-rehearsal leaves them unknown: the base model would unteach them)."""
    return {e.text for e in entries if e.kind in ENTITY_KINDS}
