"""``corpusprep learn``: a new entity model from the reviews, kept only if it does better.

Steps: the reviews' gold (:mod:`pipeline.train.learn.gold`); part of the confirmed documents
kept back (chosen by a hash of their ids, so the same documents stay back as reviews grow);
the rest, mixed with a rehearsal sample, trains a copy of the base model
(:mod:`pipeline.train.learn.update`); the model in use, the model in use with the new rules'
lexicon, and the new one pre-label the kept-back documents.  The new weights are kept (as the next
numbered folder) only if their micro F1 is higher than both; else, when the reviews taught the
rules words, the next folder holds the weights in use with the new lexicon; else nothing is
written, unless told to keep the new model anyway.

Rehearsal (so the model keeps what it knew while it learns the reviewers' newspaper):

- when the base model's own training data is at hand (``../shared/data/pd1998/train.jsonl``,
  ``--rehearsal-data``), a seeded sample of its paragraphs with their gold spans: true
  rehearsal, the labels the base model learnt from (the card names the file);
- otherwise pseudo-rehearsal: pre-labelled documents of the corpus that nobody reviewed
  (``prelabeled.jsonl``), tagged by the base model itself.  It needs no outside data and is
  text from the same newspaper; it teaches nothing new, it only holds the model where it
  was on text the reviews do not cover.

Either way the sample has about as many characters as the reviewed documents learnt from
(``rehearsal_ratio``), and its DATE and PERCENT are known only where the exact patterns give
the same span (:func:`pattern_labels_agreed`): pd1998's conventions for them are not the
guidelines' (赛前, 先前, 假期 are DATE there), and rehearsed one to one against the reviews
they taught the model DATEs the guidelines do not have.  Measured on the modern development
set (``make learning-curve``, 3-fold, 28 articles learnt), with the pd1998-only base model of
the time: gold rehearsal PERSON +0.055, ORG +0.027, DATE +0.032 F1; pseudo-rehearsal PERSON
+0.052, ORG +0.003, DATE +0.032.  With the model shipped on 2026-12-06, before DATE and
PERCENT followed the patterns: gold DATE -0.030, pseudo +0.015; since: gold PERSON +0.008,
ORG +0.030, DATE +0.014, pseudo PERSON +0.005, ORG +0.028, DATE +0.029 (micro +0.015 both).
Gold first (the labels the base model learnt from), pseudo when there is no outside data.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pipeline.core.jsonl import iter_json_lines, write_json
from pipeline.core.record import Document
from pipeline.core.schema import load_schema
from pipeline.core.text import fold_width
from pipeline.eval.entities import Scores, labelled_spans
from pipeline.learn import LEARN_CARD
from pipeline.learn.lexicon import FILES, LEXICON_FOLDER, Entry, lexicon_dir, read_entries, write_entries
from pipeline.stages.entities.lexicon import occurrences
from pipeline.train.learn.card import model_card
from pipeline.train.learn.gold import CONFIRMED, EDITED, ReviewGold, reviews_gold
from pipeline.train.learn.lexicon import learnt_entity_texts, merged_entries, taught_by, without_conflicts
from pipeline.train.learn.update import (
    UpdateSettings,
    load_model,
    make_examples,
    prediction_records,
    save_model,
    update,
)
from pipeline.train.ner.external import PATTERN_LABELS

HELD_OUT_SHARE = 0.25
MIN_SCORED = 5  # kept-back documents needed to call new weights better (see verdict)
REHEARSAL_RATIO = 1.0


class LearnError(ValueError):
    """Nothing to learn from, or nothing to learn with: the message says what to do."""


def held_out_ids(confirmed_ids: Sequence[str], share: float = HELD_OUT_SHARE) -> set[str]:
    """The confirmed documents kept back for scoring: the ``share`` whose id hashes lowest (at least one of two or more)."""
    if len(confirmed_ids) < 2 or share <= 0:
        return set()
    count = max(1, round(share * len(confirmed_ids)))
    ranked = sorted(confirmed_ids, key=lambda record_id: hashlib.sha256(record_id.encode()).hexdigest())
    return set(ranked[:count])


def rehearsal_characters(learnt: Sequence[dict[str, Any]], ratio: float = REHEARSAL_RATIO) -> int:
    """How many characters of rehearsal text go with the reviewed documents learnt from."""
    return round(ratio * sum(len(r["text"]) for r in learnt))


def sample_by_characters(records: Sequence[dict[str, Any]], characters: int, seed: int) -> list[dict[str, Any]]:
    """A seeded sample of ``records`` holding about ``characters`` characters (the last one taken crosses the mark)."""
    order = list(records)
    random.Random(seed).shuffle(order)
    sample, total = [], 0
    for record in order:
        if total >= characters:
            break
        sample.append(record)
        total += len(record["text"])
    return sample


def pattern_labels_agreed(record: dict[str, Any]) -> dict[str, Any]:
    """A rehearsal record whose DATE and PERCENT are known only where its span is the exact patterns' span.

    Rehearsal labels follow their source's conventions, not the guidelines: pd1998 makes
    目前, 赛前, 先前 and 假期 DATE and leaves 三个百分点 and 全年 out, and the base model's own
    spans (pseudo-rehearsal) learnt that.  Mixed one to one with reviews that follow the
    guidelines, those spans teach the model DATEs (赛前) that the merge keeps (a time character
    makes a model DATE credible).  So a DATE or PERCENT span the patterns
    (:data:`pipeline.train.ner.external.PATTERN_LABELS`) do not give exactly, and a pattern
    match the record does not have (outside its other entities), are unknown (no loss): the
    rehearsal still holds the dates both agree on, and the reviews alone teach the rest.
    """
    checked = dict(PATTERN_LABELS)
    folded = fold_width(record["text"])
    matched = {(start, end, label) for label, finder in PATTERN_LABELS for start, end in finder(folded)}
    given = {(start, end, label) for start, end, label in record.get("entities", [])}
    kept = sorted(span for span in given if span[2] not in checked or span in matched)
    unsure = [(start, end) for start, end, label in given - matched if label in checked]
    unsure += [(start, end) for start, end, _ in matched - given if not any(s < end and start < e for s, e, _ in kept)]
    return {**record, "entities": [list(span) for span in kept],
            "missing": sorted([*record.get("missing", []), *([start, end] for start, end in unsure)])}  # fmt: skip


def gold_rehearsal(path: Path, characters: int, labels: Sequence[str], seed: int) -> list[dict[str, Any]]:
    """Gold paragraphs of the base model's training data (pd1998 triples; labels outside the schema dropped;
    DATE and PERCENT known where the patterns agree, :func:`pattern_labels_agreed`)."""
    records = [{"id": str(r.get("id")), "text": r["text"], "entities": r.get("entities", [])} for _, r in iter_json_lines(path)]
    sample = sample_by_characters(records, characters, seed)
    return [
        pattern_labels_agreed({**r, "entities": sorted(labelled_spans(r["entities"], labels)), "missing": []})
        for r in sample
    ]


def pseudo_rehearsal(base: Path, sample: Sequence[dict[str, Any]], taught_names: Iterable[str]) -> list[dict[str, Any]]:
    """``sample`` tagged by the base model, the names reviewers taught unknown (the model's misses are not
    learnt back), DATE and PERCENT known where the patterns agree (:func:`pattern_labels_agreed`)."""
    predicted = prediction_records(load_model(base), [(r["id"], r["text"]) for r in sample])
    return [pattern_labels_agreed(r) for r in unknown_where(predicted, taught_names)]


@dataclass
class Rehearsal:
    """The rehearsal sample and where it came from (for the card)."""

    kind: str  # "gold", "pseudo" or "none"
    source: str
    records: list[dict[str, Any]] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {"kind": self.kind, "source": self.source, "documents": len(self.records),
                "characters": sum(len(r["text"]) for r in self.records)}


def score_model(
    model_dir: Path, records: Sequence[dict[str, Any]], labels: Sequence[str], lexicon: Path | None = None
) -> Scores:
    """Exact-span scores of the pre-labeller (model and rules, as `run` labels) with ``model_dir`` on gold records
    (``lexicon``: another folder of learnt words than the model's own)."""
    from pipeline.stages.prelabel import load_prelabeler

    prelabeler = load_prelabeler(model_dir=model_dir, lexicon=lexicon)
    documents = (Document(id=str(r["id"]), text=r["text"], meta=dict(r.get("meta") or {})) for r in records)
    scores = Scores()
    for record, document in zip(records, prelabeler.label_documents(documents)):
        scores.add(labelled_spans(record.get("entities", []), labels), labelled_spans(document.entities, labels))
    return scores


def scores_summary(scores: Scores, labels: Sequence[str]) -> dict[str, Any]:
    """P/R/F1 and gold counts, micro and per label, rounded for the card."""

    def row(p: float, r: float, f: float, gold: int) -> dict[str, Any]:
        return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "gold": gold}

    return {
        "micro": row(*scores.micro(), sum(scores.tp[label] + scores.fn[label] for label in labels)),
        **{label: row(*scores.prf(label), scores.tp[label] + scores.fn[label]) for label in labels},
    }


def train_copy(
    base: Path, records: Sequence[dict[str, Any]], rehearsal: Sequence[dict[str, Any]], target: Path,
    settings: UpdateSettings, meta: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Train a copy of ``base`` on ``records`` and ``rehearsal`` and write it to ``target``; returns training facts."""
    nlp = load_model(base)
    dropped: Counter = Counter()
    examples = make_examples(nlp, [*records, *rehearsal], dropped)
    optimizer, losses = update(nlp, examples, settings)
    save_model(nlp, optimizer, target, meta or {})
    return {"losses": [round(loss, 1) for loss in losses], "tags_without_output": dict(dropped)}


@dataclass
class LearnReport:
    """What a learn run did: the card's content, and whether the new model was kept."""

    card: dict[str, Any]
    kept: bool
    output: Path
    reason: str


def unknown_where(records: Sequence[dict[str, Any]], words: Iterable[str]) -> list[dict[str, Any]]:
    """Records with every mention of ``words`` unknown to the tagger (added to their ``missing``)."""
    words = sorted(set(words))
    return [
        {**r, "missing": [*r.get("missing", []), *([start, start + len(word)] for word in words for start in occurrences(r["text"], word))]}
        for r in records
    ]


def _pick_rehearsal(
    base: Path, rehearsal_data: Path | None, unreviewed: Iterable[dict[str, Any]], characters: int,
    labels: Sequence[str], seed: int, taught_names: Iterable[str] = (),
) -> Rehearsal:
    if characters <= 0:
        return Rehearsal("none", "ratio 0")
    if rehearsal_data is not None and rehearsal_data.is_file():
        return Rehearsal("gold", str(rehearsal_data), gold_rehearsal(rehearsal_data, characters, labels, seed))
    candidates = [{"id": str(r["id"]), "text": r["text"]} for r in unreviewed if r.get("text")]
    sample = sample_by_characters(candidates, characters, seed)
    if not sample:
        return Rehearsal("none", "no rehearsal data and no unreviewed pre-labelled document")
    source = ("pre-labelled documents nobody reviewed, tagged by the base model (pseudo-rehearsal), "
              "the names reviewers taught left unknown")
    return Rehearsal("pseudo", source, pseudo_rehearsal(base, sample, taught_names))


def taught_lexicon(
    reviewed: Sequence[dict[str, Any]], prelabeled: dict[str, dict[str, Any]] | None, current: Path
) -> tuple[list[Entry], list[dict[str, str]]]:
    """The rules' lexicon after these reviews: the model in use's, read afresh where these reviews
    are its sources, plus what they teach; and the words left out, with why."""
    folder = lexicon_dir(current)
    previous = read_entries(folder) if folder.is_dir() else []
    taught = taught_by(reviewed, prelabeled)
    entries, torn = without_conflicts(merged_entries(previous, taught.entries, {str(r["id"]) for r in reviewed}))
    return entries, taught.skipped + torn


def lexicon_summary(entries: Sequence[Entry], skipped: Sequence[dict[str, str]], previous: Sequence[Entry]) -> dict[str, Any]:
    """For the card: entries per kind, the words new in this version, what was left out and why."""
    before = {(e.kind, e.text) for e in previous}
    return {
        "folder": "lexicon/",
        "entries": {kind: sum(e.kind == kind for e in entries) for kind in FILES},
        "new": [{"kind": e.kind, "text": e.text, "from": [r.id for r in e.reviews]}
                for e in entries if (e.kind, e.text) not in before],
        "left_out": list(skipped),
    }


def learn_from_reviews(
    reviewed: Sequence[dict[str, Any]],
    prelabeled: dict[str, dict[str, Any]] | None,
    *,
    base: Path,
    current: Path,
    output: Path,
    rehearsal_data: Path | None,
    settings: UpdateSettings = UpdateSettings(),
    held_out_share: float = HELD_OUT_SHARE,
    rehearsal_ratio: float = REHEARSAL_RATIO,
    keep_if_better: bool = True,
) -> LearnReport:
    """Train on the reviews, score the model in use (``current``) and the new one on the kept-back
    reviews, and move the new one to ``output`` if it is better (or ``keep_if_better`` is off)."""
    started = time.monotonic()
    labels = load_schema().entity_labels
    gold: ReviewGold = reviews_gold(reviewed, prelabeled, labels)
    held = held_out_ids(gold.confirmed_ids(), held_out_share)
    learnt = [r for r in gold.records if r["id"] not in held]
    if not learnt:
        counts = ", ".join(f"{n} {kind}" for kind, n in gold.counts().items()) or "no records"
        raise LearnError(f"nothing to learn from ({counts}; {len(held)} kept back for scoring): confirm more documents in doccano and pull")
    by_id = {r["id"]: r for r in reviewed}
    scored = [{**by_id[record_id], "entities": by_id[record_id].get("entities", [])} for record_id in sorted(held)]
    # Nobody reviewed what gives no gold (pulled unconfirmed and unedited): pseudo-rehearsal may use it.
    taught_ids = {r["id"] for r in gold.records}
    unreviewed = [r for record_id, r in (prelabeled or {}).items() if record_id not in taught_ids]
    # The rules' lexicon: scored from the reviews the model learns from (the kept-back ones would leak
    # their names into the scores); the version written has what every review taught.
    lexicon, skipped = taught_lexicon(reviewed, prelabeled, current)
    scoring_lexicon, _ = taught_lexicon([r for r in reviewed if r["id"] not in held], prelabeled, current)
    characters = rehearsal_characters(learnt, rehearsal_ratio)
    rehearsal = _pick_rehearsal(base, rehearsal_data, unreviewed, characters, labels, settings.seed,
                                learnt_entity_texts(scoring_lexicon))

    partial = output.with_name(output.name + ".partial")
    if partial.exists():
        shutil.rmtree(partial)
    output.parent.mkdir(parents=True, exist_ok=True)
    meta = {"name": f"corpusprep_ner_zh_{output.name}", "description": f"The entity model learnt from reviews ({output.name}); see {LEARN_CARD}."}
    training = train_copy(base, learnt, rehearsal.records, partial, settings, meta)
    if scoring_lexicon:
        write_entries(lexicon_dir(partial), scoring_lexicon)
    before = scores_summary(score_model(current, scored, labels), labels) if scored else None
    after = scores_summary(score_model(partial, scored, labels), labels) if scored else None
    # The model in use with the new lexicon: what the update adds beyond the reviewers' own words.
    lexicon_only = (scores_summary(score_model(current, scored, labels, lexicon_dir(partial)), labels)
                    if scored and scoring_lexicon else None)  # fmt: skip
    previous = read_entries(lexicon_dir(current)) if lexicon_dir(current).is_dir() else []
    words_changed = {(e.kind, e.text) for e in lexicon} != {(e.kind, e.text) for e in previous}
    kept, weights, reason = verdict(before, after, lexicon_only, words_changed, keep_if_better, len(scored))
    if kept and weights == KEPT_WEIGHTS:  # the reviewers' words with the weights in use
        shutil.rmtree(partial)
        shutil.copytree(current, partial, ignore=shutil.ignore_patterns(LEXICON_FOLDER, LEARN_CARD, "MODEL_CARD.md"))
        meta_path = partial / "meta.json"
        write_json(meta_path, {**json.loads(meta_path.read_text("utf-8")), **meta})
    card = {
        "model": output.name,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "base_model": str(base),
        "compared_with": str(current),
        "documents": {
            "learnt_from": [{"id": r["id"], "gold": gold.kinds[r["id"]]} for r in learnt],
            "kept_back_for_scoring": sorted(held),
            "left_out": {record_id: kind for record_id, kind in gold.kinds.items() if kind not in (CONFIRMED, EDITED)},
            "counts": dict(gold.counts()),
        },
        "rehearsal": rehearsal.summary(),
        "lexicon": lexicon_summary(lexicon, skipped, previous),
        "settings": {**asdict(settings), "held_out_share": held_out_share, "rehearsal_ratio": rehearsal_ratio},
        "training": training,
        "scores": {"scored_on": len(scored), "before": before, "after": after, "lexicon_only": lexicon_only},
        "weights": weights,
        "verdict": reason,
        "kept": kept,
        "seconds": round(time.monotonic() - started, 1),
    }
    if kept:
        if lexicon_dir(partial).exists():
            shutil.rmtree(lexicon_dir(partial))
        if lexicon:
            write_entries(lexicon_dir(partial), lexicon)
        write_json(partial / LEARN_CARD, card)
        (partial / "MODEL_CARD.md").write_text(model_card(card, labels), encoding="utf-8")
        if output.exists():
            shutil.rmtree(output)
        partial.rename(output)
    else:
        shutil.rmtree(partial)
    return LearnReport(card, kept, output, reason)


NEW_WEIGHTS, KEPT_WEIGHTS = "new", "kept"


def verdict(
    before: dict[str, Any] | None, after: dict[str, Any] | None, lexicon_only: dict[str, Any] | None,
    has_words: bool, keep_if_better: bool, scored: int,
) -> tuple[bool, str, str]:
    """Keep a new version? With the new weights or the ones in use (``NEW_WEIGHTS``, ``KEPT_WEIGHTS``)? And why.

    Words the reviews taught the rules (``has_words``: the lexicon changed) always make a new
    version: people vouched for them, and they join the rules' lists whatever a dozen kept-back
    documents say (on the learning curve those documents turned the words down where they gained
    on the articles scored: after 50 mixed articles PERSON +0.008 F1 with the words turned down in
    two folds of four, +0.032 with them kept).  The updated weights are kept only if they beat the
    weights in use with the same words on ``scored`` kept-back reviews, and only when there are
    :data:`MIN_SCORED` of them or more: two documents (a quarter of ten reviews) chose weights that
    lost DATE F1 0.017 on the sports curve after 10 articles."""
    if before is None or after is None or scored < MIN_SCORED:
        why = (f"only {scored} confirmed documents were kept back to score on (fewer than {MIN_SCORED})"
               if before is not None and after is not None else "no confirmed document was kept back to score on")
        if not keep_if_better:
            return True, NEW_WEIGHTS, f"{why}; written as asked (--no-keep-if-better)"
        if has_words:
            return True, KEPT_WEIGHTS, f"{why}, too few to call new weights better: the new version keeps the weights in use with the reviewers' words"
        return False, NEW_WEIGHTS, f"{why}, so no model can be called better: kept the old one (--no-keep-if-better writes it anyway)"
    old, new = before["micro"]["f1"], after["micro"]["f1"]
    words = lexicon_only["micro"]["f1"] if lexicon_only else None
    if new > old and (words is None or new > words):
        return True, NEW_WEIGHTS, f"the new model is better on the kept-back documents (micro F1 {new:.3f} against {old:.3f})"
    if not keep_if_better:
        return True, NEW_WEIGHTS, f"the new model is not better (micro F1 {new:.3f} against {old:.3f}); written as asked (--no-keep-if-better)"
    if has_words:
        scores = f" (micro F1 {words:.3f}, the version in use {old:.3f})" if words is not None else ""
        return True, KEPT_WEIGHTS, (
            f"the updated weights gain nothing over the ones in use with the same words (micro F1 {new:.3f} against "
            f"{words if words is not None else old:.3f}): the new version keeps the weights in use with the reviewers' words{scores}"
        )
    return False, NEW_WEIGHTS, f"the new model is not better (micro F1 {new:.3f} against {old:.3f}): kept the old one, wrote nothing"
