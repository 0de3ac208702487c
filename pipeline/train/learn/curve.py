"""The learning curve: how much reviewing a newspaper's articles teaches the entity model.

Reviews are simulated by gold articles (the 72 modern articles annotated by hand): the model learns
from ``n`` of them, as ``corpusprep learn`` would from ``n`` confirmed reviews, and is scored on
articles it did not learn from.  No one split gives 50 to learn from and a set to score on of any
size, so the curve is k-fold: the articles are cut into ``folds`` parts; for each part,
the model learns from the first ``n`` of the other parts' articles (a seeded order) and is
scored on that part; the counts of all parts are summed, so every article is scored once
for each ``n``, by a model that never saw it.

``python -m pipeline.train.learn.curve GOLD.jsonl [--sizes 0,10,25,50] [--folds 4]
[--rehearsal gold|pseudo|none] [--rehearsal-data PD1998_TRAIN.jsonl] [--unlabelled MODERN_NEWS.jsonl]
[--learn model|lexicon|both]`` prints micro and per-label F1 for each ``n`` (``make learning-curve``).

``--learn`` says what learns: the model alone, the rules' lexicon alone (the shipped model with the
names the simulated reviewers added, the gold PERSON and ORG spans the shipped pre-labeller did not
give, and took away), both always, or ``learn`` (``make learning-curve``): what ``corpusprep learn``
writes from those reviews, its keep-if-better choice included (a quarter of them kept back to
choose new weights, or the shipped ones with the lexicon, or nothing).
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pipeline.core.jsonl import iter_json_lines
from pipeline.core.record import Document
from pipeline.core.schema import load_schema
from pipeline.eval.entities import Scores, labelled_spans
from pipeline.learn import SHIPPED_MODEL
from pipeline.learn.lexicon import write_entries
from pipeline.train.learn.learn import (
    REHEARSAL_RATIO,
    gold_rehearsal,
    learn_from_reviews,
    pseudo_rehearsal,
    rehearsal_characters,
    sample_by_characters,
    score_model,
    train_copy,
)
from pipeline.train.learn.lexicon import learnt_entity_texts, taught_by, without_conflicts
from pipeline.train.learn.update import UpdateSettings

SIZES = (0, 10, 25, 50)
FOLDS = 4
LEARNS = ("model", "lexicon", "both", "learn")


def folds_of(records: Sequence[dict[str, Any]], folds: int, seed: int) -> list[list[dict[str, Any]]]:
    """The records in a seeded order, dealt into ``folds`` parts of (nearly) equal size."""
    order = list(records)
    random.Random(seed).shuffle(order)
    return [order[index::folds] for index in range(folds)]


def add_scores(total: Scores, part: Scores) -> Scores:
    total.tp.update(part.tp)
    total.fp.update(part.fp)
    total.fn.update(part.fn)
    return total


def gold_records(path: Path, labels: Sequence[str]) -> list[dict[str, Any]]:
    """Gold articles as confirmed reviews give them: every span known, the rest ``O``."""
    return [
        {"id": str(r["id"]), "text": r["text"], "meta": r.get("meta") or {},
         "entities": [list(span) for span in sorted(labelled_spans(r.get("entities", []), labels))], "missing": []}
        for _, r in iter_json_lines(path)
    ]


def as_reviews(records: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Gold articles as ``doccano pull`` would give confirmed reviews of them."""
    return [
        {"id": r["id"], "text": r["text"], "entities": [{"start": s, "end": e, "label": label} for s, e, label in r["entities"]],
         "quotes": [], "review": {"state": "confirmed", "by": [], "pulled_at": None}}
        for r in records
    ]


def shipped_prelabels(records: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The shipped pre-labeller's records of the gold articles (what simulated reviewers corrected)."""
    from pipeline.stages.prelabel import load_prelabeler

    documents = (Document(id=r["id"], text=r["text"], meta=dict(r.get("meta") or {})) for r in records)
    return {d.id: {"id": d.id, "text": d.text, "entities": d.entities, "quotes": []}
            for d in load_prelabeler().label_documents(documents)}  # fmt: skip


def rehearsal_for(
    kind: str, learnt: Sequence[dict[str, Any]], labels: Sequence[str], seed: int,
    rehearsal_data: Path | None, unlabelled: Sequence[dict[str, Any]], taught_names: Sequence[str] = (),
    ratio: float = REHEARSAL_RATIO,
) -> list[dict[str, Any]]:
    """The rehearsal sample ``learn`` would mix in for these articles (same size rule: ``ratio`` times their characters)."""
    characters = rehearsal_characters(learnt, ratio)
    if kind == "none" or not characters:
        return []
    if kind == "gold":
        if rehearsal_data is None:
            raise SystemExit("--rehearsal gold needs --rehearsal-data")
        return gold_rehearsal(rehearsal_data, characters, labels, seed)
    sample = sample_by_characters(unlabelled, characters, seed)
    return pseudo_rehearsal(SHIPPED_MODEL, sample, taught_names)


def as_learnt(
    learnt: Sequence[dict[str, Any]], prelabels: dict[str, dict[str, Any]], output: Path, rehearsal_data: Path | None,
    settings: UpdateSettings, rehearsal_ratio: float,
) -> Path:
    """The model folder ``corpusprep learn`` writes from these articles as confirmed reviews (the shipped one
    when it writes nothing)."""
    report = learn_from_reviews(as_reviews(learnt), prelabels, base=SHIPPED_MODEL, current=SHIPPED_MODEL, output=output,
                                rehearsal_data=rehearsal_data, settings=settings, rehearsal_ratio=rehearsal_ratio)
    return output if report.kept else SHIPPED_MODEL


def learning_curve(
    records: Sequence[dict[str, Any]], *, sizes: Sequence[int], folds: int, rehearsal: str,
    rehearsal_data: Path | None, unlabelled: Sequence[dict[str, Any]], settings: UpdateSettings,
    work_dir: Path, seed: int = 0, learn: str = "model", rehearsal_ratio: float = REHEARSAL_RATIO,
) -> dict[int, Scores]:
    """Summed scores over the folds for each number of articles learnt from (``learn``: model, lexicon or both)."""
    labels = load_schema().entity_labels
    parts = folds_of(records, folds, seed)
    totals = {size: Scores() for size in sizes}
    prelabels = shipped_prelabels(records) if learn != "model" else {}
    for index, scored in enumerate(parts):
        pool = [r for other, part in enumerate(parts) if other != index for r in part]
        for size in sizes:
            if size > len(pool):
                raise SystemExit(f"{size} articles to learn from, but a fold leaves only {len(pool)}: use fewer or more folds")
            model, lexicon = SHIPPED_MODEL, None
            if size and learn == "learn":
                model = as_learnt(pool[:size], prelabels, work_dir / f"fold{index}-n{size}", rehearsal_data, settings,
                                  rehearsal_ratio)
            elif size:
                learnt = pool[:size]
                taught: list = []
                if learn != "model":
                    taught, _ = without_conflicts(taught_by(as_reviews(learnt), prelabels).entries)
                    lexicon = work_dir / f"fold{index}-n{size}-lexicon"
                    write_entries(lexicon, taught)
                if learn != "lexicon":
                    model = work_dir / f"fold{index}-n{size}"
                    sample = rehearsal_for(rehearsal, learnt, labels, seed, rehearsal_data, unlabelled, sorted(learnt_entity_texts(taught)),
                                           rehearsal_ratio)
                    train_copy(SHIPPED_MODEL, learnt, sample, model, settings)
            add_scores(totals[size], score_model(model, scored, labels, lexicon))
    return totals


def curve_table(totals: dict[int, Scores], labels: Sequence[str]) -> list[str]:
    """Rows of F1 per ``n``: micro, then each label; the last column is the change from ``n = 0``."""
    header = f"{'learnt from':>12} {'micro':>7} " + " ".join(f"{label:>8}" for label in labels)
    rows = [header]
    first = min(totals)
    for size, scores in sorted(totals.items()):
        cells = [f"{scores.micro()[2]:7.3f}"] + [f"{scores.prf(label)[2]:8.3f}" for label in labels]
        rows.append(f"{size:>12} " + " ".join(cells))
    base = totals[first]
    for size, scores in sorted(totals.items()):
        if size == first:
            continue
        change = [f"{scores.micro()[2] - base.micro()[2]:+7.3f}"] + [
            f"{scores.prf(label)[2] - base.prf(label)[2]:+8.3f}" for label in labels
        ]
        rows.append(f"{'Δ ' + str(size):>12} " + " ".join(change))
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("gold", type=Path)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--folds", type=int, default=FOLDS)
    parser.add_argument("--rehearsal", choices=("gold", "pseudo", "none"), default="gold")
    parser.add_argument("--rehearsal-data", type=Path, default=None)
    parser.add_argument("--unlabelled", type=Path, default=None, help="articles for pseudo-rehearsal (not the gold ones)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rehearsal-ratio", type=float, default=REHEARSAL_RATIO,
                        help="rehearsal characters per reviewed character")
    parser.add_argument("--epochs", type=int, default=UpdateSettings.epochs)
    parser.add_argument("--learn-rate", type=float, default=UpdateSettings.learn_rate)
    parser.add_argument("--learn", choices=LEARNS, default="model",
                        help="what learns from the reviews: the model, the rules' lexicon, or both (as `corpusprep learn`)")
    args = parser.parse_args(argv)
    labels = load_schema().entity_labels
    records = gold_records(args.gold, labels)
    gold_ids = {r["id"] for r in records}
    unlabelled = []
    if args.rehearsal == "pseudo":
        if args.unlabelled is None:
            raise SystemExit("--rehearsal pseudo needs --unlabelled")
        unlabelled = [{"id": str(r["id"]), "text": r["text"]} for _, r in iter_json_lines(args.unlabelled) if str(r["id"]) not in gold_ids]
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="learning-curve-") as work:
        totals = learning_curve(
            records, sizes=[int(s) for s in args.sizes.split(",")], folds=args.folds, rehearsal=args.rehearsal,
            rehearsal_data=args.rehearsal_data, unlabelled=unlabelled, settings=UpdateSettings(seed=args.seed, epochs=args.epochs, learn_rate=args.learn_rate),
            work_dir=Path(work), seed=args.seed, learn=args.learn, rehearsal_ratio=args.rehearsal_ratio,
        )
    print(f"{len(records)} gold articles, {args.folds}-fold: learn from n articles of the other folds, score on the "
          f"held-out fold, counts summed over folds; learns: {args.learn}; rehearsal {args.rehearsal} "
          f"x{args.rehearsal_ratio:g}; {args.epochs} epochs at learning rate {args.learn_rate:g}; "
          "F1, pre-labeller (model + rules), exact spans")
    print("\n".join(curve_table(totals, labels)))
    print(f"({time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()
