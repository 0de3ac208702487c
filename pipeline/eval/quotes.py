"""Score quote attribution against the hand-annotated gold set (``make eval-quotes``).

An attribution matches a gold one when the speaker is right (same ``speaker_name``,
or one name ends with the other: ``外交部发言人`` / ``发言人``) and the predicted content
covers at least half of the gold content.  Each gold and each predicted attribution
matches at most once.  Separately, a predicted quote whose content is mostly a gold
slogan span (“中原梦”) counts as a slogan wrongly taken for speech.

Entities come from the prelabel pipeline when it loads, else from the gold file;
the output says which.  Precision is also given per ``source``, the attribution path
that made a quote (``reported_clause``, ``direct_after_cue`` ...), to tell which path errs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from pipeline.core.jsonl import iter_json_lines
from pipeline.eval.metrics import precision_recall_f1
from pipeline.stages.quotes.attribute import attribute_quotes

GOLD_FILE = Path(__file__).resolve().parents[2] / "annotation_schema" / "gold" / "quotes_gold.jsonl"
MIN_CONTENT_COVER = 0.5
Predictor = Callable[[dict[str, Any]], list[dict[str, Any]]]
console = Console(width=160)


@dataclass
class Scores:
    """Counts over a gold set, with the misses and false alarms kept for reading."""

    gold: int = 0
    predicted: int = 0
    matched: int = 0
    slogans: int = 0
    slogans_taken: int = 0
    missed: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    spurious: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    predicted_by_source: Counter = field(default_factory=Counter)
    matched_by_source: Counter = field(default_factory=Counter)

    @property
    def precision(self) -> float:
        return precision_recall_f1(self.matched, self.predicted, self.gold)[0]

    @property
    def recall(self) -> float:
        return precision_recall_f1(self.matched, self.predicted, self.gold)[1]

    @property
    def f1(self) -> float:
        return precision_recall_f1(self.matched, self.predicted, self.gold)[2]

    def source_precision(self, source: str) -> float:
        return precision_recall_f1(self.matched_by_source[source], self.predicted_by_source[source], 0)[0]


def same_speaker(gold: str | None, predicted: str | None) -> bool:
    """Same name, or one ends with the other (a title or a modifier more or less); spaces do not count (Julien Codorniou)."""
    if not gold or not predicted:
        return False
    gold, predicted = "".join(gold.split()), "".join(predicted.split())
    if gold == predicted:
        return True
    short, long = sorted((gold, predicted), key=len)
    return len(short) >= 2 and long.endswith(short)


def covered(gold: dict[str, Any], predicted: dict[str, Any]) -> float:
    """Share of the gold span that the predicted span covers."""
    overlap = min(gold["end"], predicted["end"]) - max(gold["start"], predicted["start"])
    return max(0, overlap) / max(1, gold["end"] - gold["start"])


def matches(gold: dict[str, Any], predicted: dict[str, Any]) -> bool:
    return same_speaker(gold["speaker_name"], predicted["speaker_name"]) and (
        covered(gold["content"], predicted["content"]) >= MIN_CONTENT_COVER
    )


def score(documents: Iterable[dict[str, Any]], predict: Predictor) -> Scores:
    """Score ``predict`` (gold document -> attributions) over gold documents."""
    scores = Scores()
    for document in documents:
        gold, predicted = document["quotes"], predict(document)
        scores.gold += len(gold)
        scores.predicted += len(predicted)
        scores.predicted_by_source.update(source_of(p) for p in predicted)
        unmatched = list(predicted)
        for expected in gold:
            found = next((p for p in unmatched if matches(expected, p)), None)
            if found is None:
                scores.missed.append((document["id"], expected))
            else:
                unmatched.remove(found)
                scores.matched += 1
                scores.matched_by_source[source_of(found)] += 1
        scores.spurious += [(document["id"], p) for p in unmatched]
        slogans = document.get("slogans", [])
        scores.slogans += len(slogans)
        scores.slogans_taken += sum(
            any(covered(p["content"], slogan) >= MIN_CONTENT_COVER for slogan in slogans) for p in predicted
        )
    return scores


def source_of(quote: dict[str, Any]) -> str:
    """The attribution path that made a predicted quote (``?`` for a quote that does not say)."""
    return str(quote.get("source") or "?")


def source_table(scores: Scores, title: str = "precision per rule") -> Table:
    """Predicted, matched and precision per rule (the quote's ``source``), the most used first."""
    table = Table(title=title)
    table.add_column("source")
    for column in ("predicted", "matched", "P"):
        table.add_column(column, justify="right")
    for source, predicted in sorted(scores.predicted_by_source.items(), key=lambda item: (-item[1], item[0])):
        matched = scores.matched_by_source[source]
        table.add_row(source, str(predicted), str(matched), f"{scores.source_precision(source):.3f}")
    return table


def load_gold(path: Path = GOLD_FILE) -> list[dict[str, Any]]:
    return [obj for _, obj in iter_json_lines(path)]


def gold_entity_predictor() -> Predictor:
    return lambda doc: attribute_quotes(doc["text"], doc.get("entities", []), doc.get("meta", {}))


def prelabel_predictor() -> Predictor:
    """The quotes the prelabel pipeline itself makes (its entities, words and tags), as in a run."""
    from pipeline.core.record import Document
    from pipeline.stages.prelabel import load_prelabeler

    prelabeler = load_prelabeler()

    def predict(doc: dict[str, Any]) -> list[dict[str, Any]]:
        document = Document(id=doc["id"], text=doc["text"], meta=dict(doc.get("meta", {})))
        return next(prelabeler.label_documents([document])).quotes

    return predict


def _brief(quote: dict[str, Any]) -> str:
    content = quote["content"]["text"].replace("\n", "/")
    cue = quote["cue"]["text"] if quote["cue"] else "-"
    return f"{quote['speaker_name']} | {cue} | {content[:30]}{'…' if len(content) > 30 else ''}"


def gold_sets(paths: list[Path]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Named sets to score: each file, a file with both halves split into its 1998 and modern halves, and the seed."""
    sets: list[tuple[str, list[dict[str, Any]]]] = []
    seed: list[dict[str, Any]] = []
    for path in paths:
        documents = load_gold(path)
        old = [d for d in documents if d["id"].startswith("pd1998-")]
        new = [d for d in documents if not d["id"].startswith(("pd1998-", "seed-"))]
        if old and new:
            sets += [(f"{path.stem}: 1998 half", old), (f"{path.stem}: modern half", new)]
        else:
            sets.append((path.stem, documents))
        seed += [d for d in documents if d["id"].startswith("seed-")]
    if seed:
        sets.append(("seed", seed))
    return sets


def summary_table(results: list[tuple[str, int, Scores]]) -> Table:
    table = Table(title="quote attribution")
    table.add_column("gold set")
    for column in ("articles", "gold", "predicted", "matched", "P", "R", "F1", "slogans taken"):
        table.add_column(column, justify="right")
    for name, articles, s in results:
        figures = (f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}")
        table.add_row(name, str(articles), str(s.gold), str(s.predicted), str(s.matched), *figures, f"{s.slogans_taken} of {s.slogans}")
    return table


def main(
    gold: list[Path] = typer.Argument(None, help="Gold attribution files (JSONL, one article a line); default: the old gold set."),
    entities: str = typer.Option("auto", help="auto (prelabel pipeline if it loads, else gold), prelabel, gold or none."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="List misses and false alarms."),
) -> None:
    """Attribution precision, recall and F1 on each gold set (halves apart), slogans taken for speech, precision per rule."""
    paths = gold or [GOLD_FILE]
    source: str | None = None
    predict: Predictor | None = None
    if entities in ("auto", "prelabel"):
        try:
            predict, source = prelabel_predictor(), "prelabel pipeline (pipeline.stages.prelabel.load_prelabeler)"
        except (ImportError, OSError, ValueError) as error:
            if entities == "prelabel":
                raise typer.BadParameter(f"the prelabel pipeline does not load: {error}") from error
            console.print(f"[yellow]prelabel pipeline unavailable ({error}); using gold entities[/yellow]")
    if predict is None and entities in ("auto", "gold"):
        predict, source = gold_entity_predictor(), "gold entity annotations"
    if predict is None:
        predict, source = (lambda doc: attribute_quotes(doc["text"], [], doc.get("meta", {}))), "none (text only)"
    console.print(f"entities from {source}")
    results = []
    for name, documents in gold_sets(paths):
        scores = score(documents, predict)
        results.append((name, len(documents), scores))
        if name != "seed":
            console.print(source_table(scores, title=f"precision per rule: {name}"))
        if verbose:
            for doc_id, quote in scores.missed:
                console.print(f"  missed    {doc_id}: {_brief(quote)}", markup=False)
            for doc_id, quote in scores.spurious:
                console.print(f"  spurious  {doc_id}: {_brief(quote)}", markup=False)
    console.print(summary_table(results))


if __name__ == "__main__":
    typer.run(main)
