"""Modern news labelled by the shipped pre-labeller (model + rules), as more NER training text.

Self-training: the labelled corpora are 1990s newspapers and short Sina sentences, and
the rules know what they do not (teams in a sports article, outlets of datelines, Latin
names before a cue, a name found once found at its other mentions, dates of web news).
Training the network on the pre-labeller's own output over unlabelled modern articles
lets it learn those from their context, where a rule would not fire.  The articles come
from ``modern_news_more`` (never the 4,000-article sample the modern gold sets were
drawn from), a seeded sample of them, whole, as ``corpusprep run`` reads an article.

``python -m pipeline.train.ner.silver OUT.jsonl IN.jsonl[.xz] [--articles N] [--seed S]``
writes records in the format of :mod:`pipeline.train.ner.external`
(``{"id", "text", "entities": [[start, end, label]], "missing": []}``) and prints the
labels it wrote.
"""

from __future__ import annotations

import argparse
import random
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from pipeline.core.jsonl import atomic_writer, dump_line
from pipeline.train.ner.external import prelabeller_spans
from pipeline.train.ner.pretrain import read_texts


def sample_texts(texts: Sequence[str], articles: int, seed: int) -> list[tuple[int, str]]:
    """``articles`` of ``texts`` drawn without replacement by ``seed``, with their line index, in file order."""
    chosen = sorted(random.Random(seed).sample(range(len(texts)), min(articles, len(texts))))
    return [(index, texts[index]) for index in chosen]


def silver_records(texts: Sequence[tuple[int, str]], model_dir: Path | None = None) -> Iterator[dict[str, Any]]:
    """Each text with the pre-labeller's entities (it reads the text width-folded itself; offsets hold)."""
    from pipeline.stages.prelabel import NER_MODEL

    records = [{"id": f"silver-{index:05d}", "text": text} for index, text in texts]
    for record, spans in zip(records, prelabeller_spans(records, model_dir or NER_MODEL)):
        yield {**record, "entities": [list(span) for span in sorted(spans)], "missing": []}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m pipeline.train.ner.silver", description=__doc__.split("\n\n")[0])
    parser.add_argument("target", type=Path, help="the records to write (JSONL)")
    parser.add_argument("source", type=Path, help="unlabelled articles, JSONL with a text field (.xz read as such)")
    parser.add_argument("--articles", type=int, default=2000, help="how many articles to label (default 2000)")
    parser.add_argument("--seed", type=int, default=0, help="the sample's seed (default 0)")
    parser.add_argument("--model", type=Path, default=None, help="an entity model folder other than the shipped one")
    args = parser.parse_args(argv)
    texts = sample_texts(list(read_texts(args.source)), args.articles, args.seed)
    labels: Counter = Counter()
    characters = 0
    with atomic_writer(args.target) as out:
        for record in silver_records(texts, args.model):
            labels.update(label for _, _, label in record["entities"])
            characters += len(record["text"])
            out.write(dump_line(record))
    print(f"{args.target}: {len(texts)} articles, {characters:,} characters, entities {dict(sorted(labels.items()))}")


if __name__ == "__main__":
    main()
