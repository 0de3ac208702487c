"""Training copies of paragraphs with their people renamed, so the NER learns names from context.

Most PERSON errors on new text are names the model never saw: it knows pd1998's names
by heart and too little about the contexts names stand in.  Each training paragraph
with a person gets a copy in which every gold PERSON is replaced by a name drawn from
the training names' own statistics: a Chinese name keeps its shape (surname, then one
or two given-name characters, each drawn by frequency), a foreign name its number of
parts around the name dot, each drawn from the characters of foreign names.  The same name is replaced by
the same new name throughout the paragraph; other entities keep their text and move
with it.  Names of neither shape (a bare surname in 黄小姐) are left as they are.

``python -m pipeline.train.ner.augment TRAIN.jsonl OUT.jsonl [--copies N] [--seed S]``
writes the renamed copies (ids ``<id>~renamedK``, pd1998 triples) for ``make train-ner``.
"""

from __future__ import annotations

import random
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.core.jsonl import atomic_writer, dump_line, iter_json_lines
from pipeline.stages.entities.lexicon import NAME_DOT

_HAN_NAME = re.compile("[\u3400-\u9fff]{2,4}")
_HAN_RUN = re.compile("[\u3400-\u9fff]+")


def _surname_length(name: str, surnames: frozenset[str]) -> int:
    return 2 if name[:2] in surnames and len(name) >= 3 else 1 if name[:1] in surnames else 0


def _is_foreign(name: str, phonetic: frozenset[str]) -> bool:
    """Parts around the name dot (约翰·加朗), or phonetic characters only (克林顿)."""
    parts = name.split(NAME_DOT)
    if not all(parts) or not _HAN_RUN.fullmatch(name.replace(NAME_DOT, "")):
        return False
    return len(parts) > 1 or (len(name) >= 2 and all(ch in phonetic for ch in name))


@dataclass
class NameSampler:
    """Frequencies of the parts of training names, and draws of new names from them."""

    surnames: frozenset[str]
    phonetic: frozenset[str]
    surname_counts: Counter = field(default_factory=Counter)
    given_chars: Counter = field(default_factory=Counter)
    given_lengths: Counter = field(default_factory=Counter)
    foreign_chars: Counter = field(default_factory=Counter)
    part_lengths: Counter = field(default_factory=Counter)

    def add(self, name: str) -> None:
        kind = self.kind(name)
        if kind == "chinese":
            surname = _surname_length(name, self.surnames)
            self.surname_counts[name[:surname]] += 1
            self.given_chars.update(name[surname:])
            self.given_lengths[len(name) - surname] += 1
        elif kind == "foreign":
            for part in name.split(NAME_DOT):
                self.part_lengths[len(part)] += 1
                self.foreign_chars.update(part)

    def kind(self, name: str) -> str | None:
        """"chinese", "foreign" or None (left as it is)."""
        surname = _surname_length(name, self.surnames)
        if surname and _HAN_NAME.fullmatch(name) and 1 <= len(name) - surname <= 2:
            return "chinese"
        if _is_foreign(name, self.phonetic):
            return "foreign"
        return None

    def draw(self, name: str, kind: str, rng: random.Random) -> str:
        """A new name of the same kind; a foreign one with as many parts as ``name``."""
        if kind == "chinese":
            surname = _pick(self.surname_counts, rng)
            given = _pick(self.given_lengths, rng)
            return surname + "".join(_pick(self.given_chars, rng) for _ in range(given))
        return NAME_DOT.join(
            "".join(_pick(self.foreign_chars, rng) for _ in range(max(2, _pick(self.part_lengths, rng))))
            for _ in name.split(NAME_DOT)
        )


def _pick(counts: Counter, rng: random.Random) -> Any:
    keys = list(counts)
    return rng.choices(keys, weights=[counts[k] for k in keys])[0]


def build_sampler(records: Iterable[dict[str, Any]], surnames: frozenset[str], phonetic: frozenset[str]) -> NameSampler:
    sampler = NameSampler(surnames, phonetic)
    for record in records:
        text = record["text"]
        for start, end, label in record.get("entities", []):
            if label == "PERSON":
                sampler.add(text[start:end])
    return sampler


def rename_people(record: dict[str, Any], sampler: NameSampler, rng: random.Random) -> dict[str, Any] | None:
    """A copy of ``record`` with its people renamed (None if it names nobody that can be renamed)."""
    text = record["text"]
    entities = sorted(tuple(e) for e in record.get("entities", []))
    new_names: dict[str, str] = {}
    for start, end, label in entities:
        name = text[start:end]
        if label == "PERSON" and name not in new_names and (kind := sampler.kind(name)):
            new_names[name] = sampler.draw(name, kind, rng)
    if not new_names:
        return None
    pieces: list[str] = []
    moved: list[list[Any]] = []
    shifts: list[tuple[int, int]] = []  # (end of a kept span in the original, the shift of what follows it)
    pos = shift = 0
    for start, end, label in entities:
        if start < pos:  # overlapping gold spans: keep the first
            continue
        pieces.append(text[pos:start])
        name = text[start:end]
        replacement = new_names.get(name, name) if label == "PERSON" else name
        moved.append([start + shift, start + shift + len(replacement), label])
        pieces.append(replacement)
        shift += len(replacement) - len(name)
        shifts.append((end, shift))
        pos = end
    pieces.append(text[pos:])
    renamed = {**record, "text": "".join(pieces), "entities": moved}
    if record.get("missing"):  # another corpus's unannotated stretches move with the text around them
        renamed["missing"] = [[_moved(start, shifts), _moved(end, shifts)] for start, end in record["missing"]]
    return renamed


def _moved(position: int, shifts: list[tuple[int, int]]) -> int:
    """Where ``position`` of the original text is in the renamed one: shifted as the last span ending by it."""
    return position + next((shift for end, shift in reversed(shifts) if end <= position), 0)


def renamed_copies(
    records: Iterable[dict[str, Any]], sampler: NameSampler, *, copies: int = 1, seed: int = 0
) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    for record in records:
        for copy in range(1, copies + 1):
            renamed = rename_people(record, sampler, rng)
            if renamed is None:
                break
            yield {**renamed, "id": f"{record['id']}~renamed{copy}"}


def main(argv: list[str] | None = None) -> None:
    from pipeline.stages.entities.lexicon import surnames, transliteration_characters

    args = list(argv if argv is not None else sys.argv[1:])
    only = []
    while "--only" in args:
        at = args.index("--only")
        only.append(args[at + 1])
        del args[at : at + 2]
    options = {"--copies": 1, "--seed": 0}
    for option in options:
        if option in args:
            at = args.index(option)
            options[option] = int(args[at + 1])
            del args[at : at + 2]
    if len(args) != 2:
        raise SystemExit("usage: python -m pipeline.train.ner.augment TRAIN.jsonl OUT.jsonl [--copies N] [--seed S] [--only ID_PREFIX ...]")
    source, target = map(Path, args)
    records = [record for _, record in iter_json_lines(source)]
    sampler = build_sampler(records, surnames(), transliteration_characters())
    if only:  # rename the records of these corpora only (ids msra-…, cluener-…), the names drawn from all
        records = [record for record in records if str(record.get("id", "")).startswith(tuple(only))]
    written = 0
    with atomic_writer(target) as writer:
        for copy in renamed_copies(records, sampler, copies=options["--copies"], seed=options["--seed"]):
            writer.write(dump_line(copy))
            written += 1
    print(f"{written} renamed copies -> {target}")


if __name__ == "__main__":
    main()
