"""Other labelled corpora (MSRA, CLUENER, BosonNLP) as NER training records that follow our guidelines.

Each corpus labels only some of our labels and follows its own conventions (each
``../shared/data/<name>/README.md`` lists them).  What a corpus does not annotate must not
be learnt as "no entity": a record says which characters are unknown (``missing``, tag
``""`` for spaCy's tagger, no loss) besides its entities.  Per span:

- a label the corpus does not annotate, or annotates too broadly (Boson's ``time``, with
  clock times and durations), is unknown;
- our DATE and PERCENT patterns' matches, and with ``--unknown-from-model`` the shipped
  pre-labeller's DATE and PERCENT spans, are unknown where the corpus has no DATE or
  PERCENT (its O there means "not annotated", not "no date");
- a PERSON with an honorific (Boson's 张先生) becomes the surname alone, as in our
  guidelines; a placeholder (钱某) is unknown;
- an ORG that is a place on its own is unknown: a country as an actor is no entity under
  our guidelines, but a club named by its city (罗马, 利物浦) is one, and the corpus does not
  say which; a bare kind of body (央行, 法院, 部队) is unknown too.

``python -m pipeline.train.ner.external [--unknown-from-model DIR] OUT.jsonl NAME=PATH [...]`` writes the
records (``{"id", "text", "entities": [[start, end, label]], "missing": [[start, end]]}``)
and prints what each rule changed.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.core.jsonl import atomic_writer, dump_line, iter_json_lines
from pipeline.core.text import fold_width
from pipeline.stages.entities.dates import find_dates
from pipeline.stages.entities.lexicon import place_set
from pipeline.stages.entities.percent import find_percents

HONORIFIC_RE = re.compile(r"^(?P<surname>.{1,2}?)(?:先生|女士|小姐|太太|夫人)$")
PLACEHOLDER_RE = re.compile(r"^.{1,2}某+$")
# Bodies named by their kind alone: the guidelines mark a particular body, and these are ORG
# in one corpus and untagged in another (CLUENER's 央行 106 times, 法院, 部队).
KINDS_OF_BODY = frozenset(
    "央行 法院 部队 军队 警方 公司 政府 银行 学校 医院 空军 海军 陆军 媒体 球队 俱乐部 协会 警察 检方 法庭".split()
)


@dataclass(frozen=True)
class CorpusConventions:
    """What a corpus annotates: the labels we may learn from it (the rest of our labels is unknown)."""

    name: str
    labels: frozenset[str]


CORPORA = {
    "msra": CorpusConventions("msra", frozenset({"PERSON", "ORG"})),
    "cluener": CorpusConventions("cluener", frozenset({"PERSON", "ORG"})),
    # Boson's time spans include clock times, durations and bare seasons: not our DATE, so unknown.
    "boson": CorpusConventions("boson", frozenset({"PERSON", "ORG"})),
}
OUR_LABELS = ("PERSON", "ORG", "DATE", "PERCENT")
# The labels exact patterns find, with their finders: what a corpus's own DATE and PERCENT are checked against.
PATTERN_LABELS = (("DATE", find_dates), ("PERCENT", find_percents))


def follow_guidelines(
    text: str,
    entities: Iterable[tuple[int, int, str]],
    conventions: CorpusConventions,
    changes: Counter,
    predicted: Iterable[tuple[int, int, str]] = (),
) -> tuple[list[list[Any]], list[list[int]]]:
    """The corpus's spans as our guidelines would have them, and the stretches nobody annotated for us."""
    kept: list[list[Any]] = []
    missing: list[list[int]] = []
    places = place_set()
    for start, end, label in entities:
        words = text[start:end]
        if label not in conventions.labels:
            missing.append([start, end])
            changes[f"{label}: not annotated here -> unknown"] += 1
        elif label == "PERSON" and (honorific := HONORIFIC_RE.match(words)):
            kept.append([start, start + len(honorific["surname"]), label])
            changes["PERSON: honorific dropped (张先生 -> 张)"] += 1
        elif label == "PERSON" and PLACEHOLDER_RE.match(words):
            missing.append([start, end])
            changes["PERSON: placeholder (钱某) -> unknown"] += 1
        elif label == "ORG" and words in places:
            missing.append([start, end])
            changes["ORG: a place on its own (中国, 罗马) -> unknown"] += 1
        elif label == "ORG" and words in KINDS_OF_BODY:
            missing.append([start, end])
            changes["ORG: a kind of body (央行) -> unknown"] += 1
        else:
            kept.append([start, end, label])
    taken = [(s, e) for s, e, _ in kept]
    folded = fold_width(text)
    for label, finder in PATTERN_LABELS:
        if label in conventions.labels:
            continue
        for start, end in finder(folded):
            if not any(s < end and start < e for s, e in taken):
                missing.append([start, end])
                changes[f"{label}: pattern match, not annotated here -> unknown"] += 1
    # What the pre-labeller (trained without this corpus) takes for a label the corpus does not
    # annotate is unknown too: 当天晚上, 震后 and the like are beyond the patterns, and an O there
    # would teach the model to miss them.
    for start, end, label in predicted:
        if label in conventions.labels or label not in dict(PATTERN_LABELS):
            continue
        if not any(s < end and start < e for s, e in taken) and not any(s <= start and end <= e for s, e in missing):
            missing.append([start, end])
            changes[f"{label}: the pre-labeller's span, not annotated here -> unknown"] += 1
    return kept, sorted(missing)


def training_records(
    path: Path, conventions: CorpusConventions, changes: Counter, prelabel_model: Path | None = None
) -> Iterator[dict[str, Any]]:
    """The corpus's records as training records; with ``prelabel_model``, its DATE/PERCENT guesses are unknown."""
    records = [record for _, record in iter_json_lines(path)]
    guesses: Iterable[list[tuple[int, int, str]]] = ([] for _ in records)
    if prelabel_model is not None:
        guesses = prelabeller_spans(records, prelabel_model)
    for record, predicted in zip(records, guesses):
        entities = [tuple(e) for e in record.get("entities", [])]
        kept, missing = follow_guidelines(record["text"], entities, conventions, changes, predicted)
        yield {"id": record["id"], "text": record["text"], "entities": kept, "missing": missing}


def prelabeller_spans(records: Iterable[dict[str, Any]], model: Path) -> Iterator[list[tuple[int, int, str]]]:
    """The pre-labeller's entities (model and rules) on each record's text, in the order it writes them."""
    from pipeline.core.record import Document
    from pipeline.stages.prelabel import load_prelabeler

    prelabeler = load_prelabeler(model_dir=model)
    documents = (Document(id=str(r["id"]), text=r["text"]) for r in records)
    for document in prelabeler.label_documents(documents):
        yield [(e["start"], e["end"], e["label"]) for e in document.entities]


def main(argv: list[str]) -> int:
    prelabel_model = None
    if argv[:1] == ["--unknown-from-model"] and len(argv) > 1:
        prelabel_model, argv = Path(argv[1]), argv[2:]
    if len(argv) < 2 or not all("=" in arg for arg in argv[1:]):
        print(__doc__, file=sys.stderr)
        return 2
    output = Path(argv[0])
    with atomic_writer(output) as handle:
        for arg in argv[1:]:
            name, path = arg.split("=", 1)
            if name not in CORPORA:
                print(f"unknown corpus {name!r}: one of {', '.join(CORPORA)}", file=sys.stderr)
                return 2
            changes: Counter = Counter()
            count = 0
            for record in training_records(Path(path), CORPORA[name], changes, prelabel_model):
                handle.write(dump_line(record))
                count += 1
            print(f"{name}: {count} records from {path}")
            for change, n in changes.most_common():
                print(f"  {n:6}  {change}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
