"""Build the modern development set: articles chosen blind, annotated by hand, frozen.

The articles are drawn from ``modern_news.jsonl`` before any system output is looked at:
an equal number per channel, lengths between ``MIN_CHARS`` and ``MAX_CHARS`` so that a
person can annotate them whole, with a fixed seed.  Annotators mark entities inline,
``[PERSON 李亚鹏]``, in a copy of the text (no offsets to count by hand);
:func:`parse_marked` turns a marked text back into the original text and its spans and
refuses a marked text whose letters differ from the article's.

The articles may be used for research but not redistributed, so the gold is kept as
stand-off annotation: ids, a hash of each text, and spans.  ``materialise`` joins them
with ``modern_news.jsonl`` (and refuses a text whose hash changed) when the set is scored.

``python -m pipeline.eval.modern_gold select MODERN_NEWS.jsonl OUT.jsonl`` writes the
chosen articles; ``... more MODERN_NEWS.jsonl OUT.jsonl GOLD.jsonl...`` draws 5 more a channel, none of
those in the gold files; ``... section MODERN_NEWS.jsonl OUT.jsonl GOLD.jsonl...`` draws 72 of one
channel (sports), none of those in the gold files; ``... gold ARTICLES.jsonl MARKED.jsonl OUT.jsonl`` writes the stand-off
gold; ``... materialise GOLD.jsonl MODERN_NEWS.jsonl OUT.jsonl`` writes it with its texts;
``... agree MARKED_A.jsonl MARKED_B.jsonl ARTICLES.jsonl`` prints the annotators' agreement
per label (span F1, one as gold for the other) and the disagreements to settle.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from pipeline.core.jsonl import iter_json_lines
from pipeline.core.schema import load_schema

T = TypeVar("T")
SEED = 20261206
PER_CHANNEL = 7
MORE_SEED, MORE_PER_CHANNEL = 20261209, 5
# One section of the paper over the same weeks (the learning curve's second set: reviews of a user's paper
# meet the same people again, which a draw across all channels hardly does).
SECTION_SEED, SECTION_CHANNEL, SECTION_SIZE = 20261210, "体育", 72
MIN_CHARS, MAX_CHARS = 300, 700

_MARK_RE = re.compile(r"\[(?P<label>[A-Z]+) (?P<text>[^\[\]]+?)\]")


def select_articles(
    articles: Iterable[dict[str, Any]], per_channel: int = PER_CHANNEL, seed: int = SEED, excluded: frozenset[str] = frozenset()
) -> list[dict[str, Any]]:
    """``per_channel`` articles of annotatable length from each channel, chosen by a seeded draw (none of ``excluded``)."""
    by_channel: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for article in articles:
        if MIN_CHARS <= len(article["text"]) <= MAX_CHARS and article["id"] not in excluded:
            by_channel[article["category"]].append(article)
    draw = random.Random(seed)
    chosen: list[dict[str, Any]] = []
    for channel in sorted(by_channel):
        chosen += sorted(draw.sample(by_channel[channel], per_channel), key=lambda a: a["id"])
    return chosen


class MarkedTextError(ValueError):
    """A marked text that does not give back its article's text, or uses an unknown label."""


def select_section(
    articles: Iterable[dict[str, Any]], channel: str = SECTION_CHANNEL, size: int = SECTION_SIZE, seed: int = SECTION_SEED,
    excluded: frozenset[str] = frozenset(),
) -> list[dict[str, Any]]:
    """``size`` articles of one channel (one section of the paper over the same weeks), by a seeded draw."""
    return select_articles((a for a in articles if a["category"] == channel), size, seed, excluded)


def parse_marked(marked: str, text: str, labels: Iterable[str]) -> list[dict[str, Any]]:
    """The spans of ``[LABEL words]`` marks, as entity records over ``text`` (which the marks must leave intact)."""
    known = set(labels)
    entities: list[dict[str, Any]] = []
    plain: list[str] = []
    position, length = 0, 0
    for match in _MARK_RE.finditer(marked):
        before = marked[position : match.start()]
        plain.append(before)
        length += len(before)
        label, words = match["label"], match["text"]
        if label not in known:
            raise MarkedTextError(f"unknown label {label!r} at {match.group()!r}; labels are {', '.join(sorted(known))}")
        entities.append({"start": length, "end": length + len(words), "label": label, "text": words})
        plain.append(words)
        length += len(words)
        position = match.end()
    plain.append(marked[position:])
    check_restored("".join(plain), text)
    return entities


def check_restored(restored: str, text: str) -> None:
    """Refuse a marked text whose characters, marks taken out, are not the article's; say where they part."""
    if restored != text:
        at = next((i for i, (a, b) in enumerate(zip(restored, text)) if a != b), min(len(restored), len(text)))
        raise MarkedTextError(
            f"the marked text differs from the article at character {at}: "
            f"{restored[max(0, at - 10) : at + 10]!r} against {text[max(0, at - 10) : at + 10]!r}"
        )


def read_marks(path: Path, articles: dict[str, dict[str, Any]], parse: Callable[[str, str], T]) -> dict[str, T]:
    """``parse(marked, text)`` per article id from a file of ``{"id", "marked"}`` lines; every error names its line."""
    found: dict[str, T] = {}
    for line_number, record in iter_json_lines(path):
        article = articles.get(record.get("id"))
        if article is None:
            raise MarkedTextError(f"{path}:{line_number}: no chosen article has id {record.get('id')!r}")
        try:
            found[article["id"]] = parse(record["marked"], article["text"])
        except MarkedTextError as error:
            raise MarkedTextError(f"{path}:{line_number}: {article['id']}: {error}") from None
    return found


def read_marked(path: Path, articles: dict[str, dict[str, Any]], labels: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    """Entities per article id from a file of ``{"id", "marked"}`` lines; every error names its line."""
    labels = list(labels)
    return read_marks(path, articles, lambda marked, text: parse_marked(marked, text, labels))


def agreement(first: dict[str, list[dict[str, Any]]], second: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, float]]:
    """Per label: spans each annotator marked, spans both marked exactly, and the F1 of one against the other."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for doc_id in sorted(set(first) & set(second)):
        a = {(e["start"], e["end"], e["label"]) for e in first[doc_id]}
        b = {(e["start"], e["end"], e["label"]) for e in second[doc_id]}
        for span in a:
            counts[span[2]]["first"] += 1
            counts[span[2]]["both"] += span in b
        for span in b:
            counts[span[2]]["second"] += 1
    table = {}
    for label, count in sorted(counts.items()):
        total = count["first"] + count["second"]
        table[label] = {
            "first": count["first"],
            "second": count["second"],
            "both": count["both"],
            "f1": 2 * count["both"] / total if total else 1.0,
        }
    return table


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def standoff_record(article: dict[str, Any], entities: list[dict[str, Any]]) -> dict[str, Any]:
    """A gold record without the article's text (nor its headline): its id, the text's hash, the spans."""
    meta = {"category": article["category"], "source": article["source"]}
    return {"id": article["id"], "text_sha256": text_hash(article["text"]), "meta": meta, "entities": entities}


def annotated_text(record: dict[str, Any], texts: dict[str, dict[str, Any]], where: str) -> str:
    """The text a stand-off record was annotated on, refused when it is missing from ``where`` or changed."""
    article = texts.get(record["id"])
    if article is None:
        raise MarkedTextError(f"no article {record['id']!r} in {where}")
    if text_hash(article["text"]) != record["text_sha256"]:
        raise MarkedTextError(f"article {record['id']!r} is not the text that was annotated (hash differs)")
    return article["text"]


def with_text(record: dict[str, Any], texts: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A stand-off gold record joined with its article's text, which must be the one annotated."""
    full = {key: value for key, value in record.items() if key != "text_sha256"}
    full["text"] = annotated_text(record, texts, "the modern news file")
    if any(full["text"][e["start"] : e["end"]] != e["text"] for e in record["entities"]):
        raise MarkedTextError(f"article {record['id']!r}: a span's words are not at its offsets")
    return full


def _articles(path: Path) -> dict[str, dict[str, Any]]:
    return {record["id"]: record for _, record in iter_json_lines(path)}


def _write_articles(path: Path, chosen: list[dict[str, Any]]) -> None:
    path.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in chosen), encoding="utf-8")
    print(f"wrote {len(chosen)} articles to {path}")


def main(argv: list[str]) -> int:
    labels = load_schema().entity_labels
    if argv[:1] == ["select"] and len(argv) == 3:
        chosen = select_articles(record for _, record in iter_json_lines(Path(argv[1])))
        _write_articles(Path(argv[2]), chosen)
        return 0
    if argv[:1] == ["more"] and len(argv) >= 4:
        # a second draw for the learning curve: 5 a channel, none of the articles in the gold files given
        excluded = frozenset(r["id"] for path in argv[3:] for _, r in iter_json_lines(Path(path)))
        chosen = select_articles((r for _, r in iter_json_lines(Path(argv[1]))), MORE_PER_CHANNEL, MORE_SEED, excluded)
        _write_articles(Path(argv[2]), chosen)
        return 0
    if argv[:1] == ["section"] and len(argv) >= 4:
        excluded = frozenset(r["id"] for path in argv[3:] for _, r in iter_json_lines(Path(path)))
        chosen = select_section((r for _, r in iter_json_lines(Path(argv[1]))), excluded=excluded)
        _write_articles(Path(argv[2]), chosen)
        return 0
    if argv[:1] == ["agree"] and len(argv) == 4:
        articles = _articles(Path(argv[3]))
        first, second = (read_marked(Path(p), articles, labels) for p in argv[1:3])
        for label, row in agreement(first, second).items():
            print(f"{label:8} first {row['first']:4}  second {row['second']:4}  both {row['both']:4}  F1 {row['f1']:.3f}")
        for doc_id in sorted(set(first) & set(second)):
            a = {(e["start"], e["end"], e["label"], e["text"]) for e in first[doc_id]}
            b = {(e["start"], e["end"], e["label"], e["text"]) for e in second[doc_id]}
            for span in sorted(a ^ b):
                print(f"{doc_id}\t{'first' if span in a else 'second'}\t{span[2]}\t{span[3]}\t{span[0]}")
        return 0
    if argv[:1] == ["gold"] and len(argv) == 4:
        articles = _articles(Path(argv[1]))
        marked = read_marked(Path(argv[2]), articles, labels)
        with open(argv[3], "w", encoding="utf-8") as out:
            for doc_id, article in articles.items():
                if doc_id in marked:
                    out.write(json.dumps(standoff_record(article, marked[doc_id]), ensure_ascii=False) + "\n")
        print(f"wrote {len(marked)} gold records to {argv[3]}")
        return 0
    if argv[:1] == ["materialise"] and len(argv) == 4:
        texts = _articles(Path(argv[2]))
        with open(argv[3], "w", encoding="utf-8") as out:
            for line_number, record in iter_json_lines(Path(argv[1])):
                try:
                    full = with_text(record, texts)
                except MarkedTextError as error:
                    print(f"{argv[1]}:{line_number}: {error}", file=sys.stderr)
                    return 1
                out.write(json.dumps(full, ensure_ascii=False) + "\n")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
