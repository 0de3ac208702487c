"""Part-of-speech accuracy of the shipped tagger on pd1998 dev, and its speed (``make eval-tagger``).

Two readings of accuracy: on the gold words (the tagger alone), and on the words the
project's own segmenter cuts from the same text (what the quote attributor will see): a
word counts right when its character span and its tag both match a gold word's, so
accuracy there is correct words over gold words.  Speed is words per CPU second
(``time.process_time``) of the tagger alone: all paragraphs in one call, and short clauses
ten or one a call (how the attributor will call it).

Gold files (``*_pos.txt``): one paragraph a line, words separated by spaces, each
``word/TAG`` (``江/nr 泽民/nr 发表/v``); the tag is what follows the last ``/``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.core.pos import SHIPPED_TAGGER, latin_tagged, load_tagger, tag_many
from pipeline.core.text import fold_width

# The tags the quote attributor reads: pronouns, nouns, names of people, places and
# organisations, verbs and verbal nouns, particles (的), punctuation.
ATTRIBUTOR_TAGS = ("r", "n", "nr", "ns", "nt", "v", "vn", "u", "w")


class TaggedLineError(ValueError):
    """A line of a ``*_pos.txt`` file that is not ``word/TAG`` words; the message names file:line."""


def parse_tagged_line(line: str) -> list[tuple[str, str]]:
    """``"江/nr 泽民/nr"`` -> ``[("江", "nr"), ("泽民", "nr")]``; a word without ``/TAG`` raises ValueError."""
    pairs = []
    for item in line.split():
        word, slash, tag = item.rpartition("/")
        if not slash or not word or not tag:
            raise ValueError(f"{item!r} is not word/TAG")
        pairs.append((word, tag))
    return pairs


def read_tagged(path: Path) -> Iterator[tuple[int, list[tuple[str, str]] | TaggedLineError]]:
    """``(line number, [(word, tag), ...])`` for each non-blank line, or a TaggedLineError for a bad one (the caller goes on)."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield number, parse_tagged_line(line)
            except ValueError as error:
                yield number, TaggedLineError(f"{path}:{number}: {error}; write each word as word/TAG, separated by spaces")


@dataclass
class Accuracy:
    """Correct and gold word counts, overall and per gold tag."""

    correct: Counter = field(default_factory=Counter)
    gold: Counter = field(default_factory=Counter)

    def add(self, gold: Sequence[tuple[int, int, str]], predicted: Sequence[tuple[int, int, str]]) -> None:
        """Count one paragraph: ``(start, end, tag)`` of its gold and predicted words."""
        found = set(predicted)
        for word in gold:
            self.gold[word[2]] += 1
            self.correct[word[2]] += word in found

    def of(self, tags: Sequence[str] | None = None) -> float:
        """Accuracy over the gold words with one of ``tags`` (all words when None)."""
        keys = self.gold.keys() if tags is None else tags
        gold = sum(self.gold[tag] for tag in keys)
        return sum(self.correct[tag] for tag in keys) / gold if gold else 0.0


def spans(words: Sequence[str], tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """``(start, end, tag)`` of consecutive words in their joined text."""
    out, start = [], 0
    for word, tag in zip(words, tags):
        out.append((start, start + len(word), tag))
        start += len(word)
    return out


def evaluate(paragraphs: Sequence[list[tuple[str, str]]], cut: Sequence[list[str]] | None, folder: Path) -> Accuracy:
    """Accuracy of the tagger on ``paragraphs``' gold words, or on ``cut`` (other words of the same texts,
    widths aside: spans are compared, so each text must keep its length) when given."""
    word_lists = [[word for word, _ in pairs] for pairs in paragraphs] if cut is None else list(cut)
    predicted = tag_many(word_lists, folder)
    accuracy = Accuracy()
    for pairs, words, tags in zip(paragraphs, word_lists, predicted):
        gold_words = [word for word, _ in pairs]
        if fold_width("".join(words)) != fold_width("".join(gold_words)):  # the same text, whatever its widths
            raise ValueError(f"the cut words cover other text than the gold ones: {''.join(gold_words)[:40]!r}")
        accuracy.add(spans(gold_words, [tag for _, tag in pairs]), spans(words, tags))
    return accuracy


def segmenter_words(paragraphs: Sequence[list[tuple[str, str]]]) -> list[list[str]]:
    """The shipped segmenter's words of each paragraph's text, as the segment stage cuts a record."""
    from pipeline.core.record import Document
    from pipeline.core.text import segmenter_view
    from pipeline.segmenter.model import load_segmenter

    # as the normalize stage leaves a text: digits and Latin letters half-width, punctuation full-width
    texts = [segmenter_view(fold_width("".join(word for word, _ in pairs))) for pairs in paragraphs]
    records = (Document(id=str(number), text=text) for number, text in enumerate(texts))
    segmented = load_segmenter().segment_documents(records)
    return [[text[start:end] for start, end in record.tokens] for text, record in zip(texts, segmented)]


def speed(word_lists: Sequence[list[str]], folder: Path, rounds: int = 3) -> float:
    """Words per CPU second of :func:`tag_many` over ``word_lists`` in one call (best of ``rounds``; the model loaded)."""
    load_tagger(folder)
    words = sum(len(words) for words in word_lists)
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        tag_many(word_lists, folder)
        best = min(best, time.process_time() - start)
    return words / best


def clause_speed(word_lists: Sequence[list[str]], folder: Path, per_call: int, clause_words: int = 8, clauses: int = 2000) -> float:
    """Words per CPU second tagging ``per_call`` clauses of ``clause_words`` words a call, as the attributor would
    (one document's clauses before its cue words at a time)."""
    pieces = [words[i : i + clause_words] for words in word_lists for i in range(0, len(words), clause_words)]
    pieces = [piece for piece in pieces if len(piece) == clause_words][:clauses]
    calls = [pieces[i : i + per_call] for i in range(0, len(pieces), per_call)]
    load_tagger(folder)
    start = time.process_time()
    for call in calls:
        tag_many(call, folder)
    return sum(map(len, pieces)) / (time.process_time() - start)


def spacy_agreement(word_lists: Sequence[list[str]], folder: Path) -> tuple[int, int]:
    """Words on which :func:`tag_many` (the network read out of the model) and spaCy's own ``nlp.pipe`` agree, of all;
    both with words in Latin letters tagged nx (:func:`latin_tagged`), so only the arithmetic is compared."""
    from spacy.tokens import Doc

    nlp = load_tagger(folder).nlp
    docs = [Doc(nlp.vocab, words=[fold_width(word) for word in words]) for words in word_lists]
    theirs = [latin_tagged(words, [token.tag_ for token in doc]) for words, doc in zip(word_lists, nlp.pipe(docs), strict=True)]
    ours = tag_many(word_lists, folder)
    return sum(a == b for x, y in zip(ours, theirs) for a, b in zip(x, y)), sum(map(len, word_lists))


def print_accuracy(name: str, accuracy: Accuracy) -> None:
    per_tag = "  ".join(f"{tag} {accuracy.of([tag]):.3f}" for tag in ATTRIBUTOR_TAGS)
    print(f"{name:<22} all {accuracy.of():.4f} ({sum(accuracy.gold.values()):,} gold words)  {per_tag}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("gold", type=Path, help="a *_pos.txt file, e.g. ../shared/data/pd1998/dev_pos.txt")
    parser.add_argument("--model", type=Path, default=SHIPPED_TAGGER, help="tagger folder (default: the shipped one)")
    parser.add_argument("--limit", type=int, default=0, help="only the first N paragraphs (0: all)")
    parser.add_argument("--no-segmenter", action="store_true", help="gold words only (skip the segmenter's words)")
    args = parser.parse_args(argv)

    paragraphs, bad = [], 0
    for _, pairs in read_tagged(args.gold):
        if isinstance(pairs, TaggedLineError):
            print(pairs, file=sys.stderr)
            bad += 1
            continue
        paragraphs.append(pairs)
        if args.limit and len(paragraphs) >= args.limit:
            break
    started = time.process_time()
    load_tagger(args.model)
    print(f"model {args.model} loaded in {time.process_time() - started:.2f} CPU s; {len(paragraphs):,} paragraphs")
    print("accuracy (word span and tag right, over gold words); per tag: the attributor's tags")
    print_accuracy("gold words", evaluate(paragraphs, None, args.model))
    if not args.no_segmenter:
        print_accuracy("segmenter's words", evaluate(paragraphs, segmenter_words(paragraphs), args.model))
    gold_words = [[word for word, _ in pairs] for pairs in paragraphs]
    agree, words = spacy_agreement(gold_words, args.model)
    print(f"the network's tags agree with spaCy's own prediction on {agree:,} of {words:,} words")
    print(f"speed, words/CPU-s (one core): {speed(gold_words, args.model):,.0f} all paragraphs in one call; "
          f"8-word clauses: {clause_speed(gold_words, args.model, 10):,.0f} ten a call, "
          f"{clause_speed(gold_words, args.model, 1):,.0f} one a call")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
