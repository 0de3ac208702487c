"""pd1998 train in its two halves by issue day, for entity models that each never saw one half.

``python -m pipeline.train.ner.halves TRAIN_ARTICLES.jsonl TRAIN.jsonl OUT_DIR`` writes
``articles_a.jsonl``/``articles_b.jsonl`` (the training articles and their renamed copies, to
train on) and ``train_a.jsonl``/``train_b.jsonl`` (the gold paragraphs, to score on), split as the
jackknifed word cuts are (:func:`pipeline.train.ner.jackknife.half_of`: days 1-7 and 8-15).  A model
trained on one half and the other corpora labels the other half, so the entity rules can be scored
on pd1998 train with a model that did not learn its answers (``make eval-ner-jackknife``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from pipeline.core.jsonl import atomic_writer, dump_line, iter_json_lines
from pipeline.train.ner.jackknife import HALVES, half_of


def split_by_half(source: Path, out_dir: Path, stem: str) -> dict[str, int]:
    """Copy each line of ``source`` to ``OUT_DIR/STEM_<half>.jsonl``; returns lines per half."""
    out_dir.mkdir(parents=True, exist_ok=True)
    lines: dict[str, list[str]] = {half: [] for half in HALVES}
    for _, record in iter_json_lines(source):
        lines[half_of(str(record["id"]))].append(dump_line(record))
    for half, kept in lines.items():
        with atomic_writer(out_dir / f"{stem}_{half}.jsonl") as handle:
            handle.writelines(kept)
    return {half: len(kept) for half, kept in lines.items()}


def main(argv: list[str] | None = None) -> None:
    args = argv if argv is not None else sys.argv[1:]
    if len(args) != 3:
        raise SystemExit("usage: python -m pipeline.train.ner.halves TRAIN_ARTICLES.jsonl TRAIN.jsonl OUT_DIR")
    articles, paragraphs, out_dir = map(Path, args)
    for source, stem in ((articles, "articles"), (paragraphs, "train")):
        print(f"{source} -> {out_dir}/{stem}_[{'|'.join(HALVES)}].jsonl: {split_by_half(source, out_dir, stem)}")


if __name__ == "__main__":
    main()
