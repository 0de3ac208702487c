"""Learnt components over the rule attributor's quotes, chosen by cross-validation; none wins yet.

For each attribution the rules make, the candidates for its speaker are the rules' own choice and
the person mentions and ORG entities in the 120 characters before its cue (or its content when it has
no cue).  The ``ranker`` (a conditional logit: softmax over each attribution's candidates, numpy,
L2, full-batch gradient descent) scores each from a few features (distance, punctuation around it,
whether it is an entity, the rules' path ...) and the best replaces the rules' choice.  The ``filter``
(a logistic regression over the attributions themselves: path, cue and its class, content length,
speaker kind ...) drops one whose chance of being right is under :data:`DROP_BELOW`; ``both`` chains
them.  ``cues`` gives the attributor the training folds' gold cue words its lexicon lacks
(:func:`gold_cues`).  Labels come from the scorer's matching (:mod:`pipeline.eval.quotes`).

``python -m pipeline.train.quote_ranker build/gold/quotes_dev.jsonl --held-out annotation_schema/gold/quotes_gold.jsonl``
prints the tables.  6-fold cross-validation by article over the 72 dev articles (each half dealt
round-robin in id order; models trained on the other five folds only), entities from the prelabel
pipeline; slogans taken are 0 in every row::

    variant  half    predicted matched  P     R     F1
    rules    1998    122       92       .754  .652  .700
    rules    modern  121       100      .826  .595  .692
    ranker   1998    122       91       .746  .645  .692
    ranker   modern  121       98       .810  .583  .678
    filter   1998    115       87       .757  .617  .680
    filter   modern  120       100      .833  .595  .694
    both     1998    114       86       .754  .610  .675
    both     modern  120       98       .817  .583  .681
    cues     1998    124       93       .750  .660  .702
    cues     modern  127       99       .780  .589  .671

Trained on all 72 (old gold 11 articles, 67 attributions; seed 8): rules .902 / 8 of 8; ranker .902 /
8; filter .909 / 8; both .916 / 8; cues .853 / 8 (9 predicted).  No variant gains on both halves: the
rules' speaker is right for 193 of the 204 attributions whose gold speaker is among the candidates
(11 to fix, each of its own kind), the filter drops more right quotes than wrong ones (5 to 3), and cue words
seen in other articles add more false quotes than true ones.  Most of the recall gap is 70 of the 117 gold
quotes missed, whose content no predicted quote covers by half: no candidate the rules make comes near them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy
import typer
from rich.console import Console
from rich.table import Table

from pipeline.eval.quotes import Scores, covered, load_gold, same_speaker, score
from pipeline.stages.quotes.content import sentence_start
from pipeline.stages.quotes.coref import full_name, known_person_names, person_mentions
from pipeline.stages.quotes.lexicon import CUES

Record = dict[str, Any]
console = Console(width=160)
#: How far before the cue a candidate speaker may stand (characters).
WINDOW = 120
MAX_CANDIDATES = 8
#: Drop an attribution whose chance of being right is below this: F1 gains by dropping what is right less
#: often than F1/2 of the time (about .35 at today's F1), fixed before any scoring.
DROP_BELOW = 0.35
CUE_CLASS = {entry.word: entry.cue_class for entry in CUES}
PUNCT_CLASSES = (("，,", "comma"), ("。！？!?", "stop"), ("：:", "colon"), ("“", "open"), ("”", "close"), ("、", "list"), ("\n", "line"))
NEWLINE = "\n"
RULE_PART_RE = re.compile(r"[^+]+")


@dataclass(frozen=True)
class Candidate:
    """One possible speaker of an attribution: ``text[start:end]`` named ``name``, ``origin`` how it was found."""

    start: int
    end: int
    name: str
    origin: str  # rule | person | org


def _bin(value: int, edges: Sequence[int]) -> str:
    return str(next((edge for edge in edges if value <= edge), "more"))


def _punct(ch: str) -> str:
    if not ch:
        return "none"
    return next((name for chars, name in PUNCT_CLASSES if ch in chars), "han" if "\u4e00" <= ch <= "\u9fff" else "other")


def anchor(quote: Record) -> int:
    """Where the speaker is looked for before: the cue, else the content."""
    return (quote.get("cue") or quote["content"])["start"]


def candidates(text: str, quote: Record, entities: list[Record], mentions: list[tuple[int, int, str]]) -> list[Candidate]:
    """The rules' speaker first, then the person mentions and ORG entities nearest before the anchor."""
    at = anchor(quote)
    content = quote["content"]
    found: list[Candidate] = []
    speaker = quote.get("speaker")
    if quote.get("speaker_name"):
        start, end = (speaker["start"], speaker["end"]) if speaker else (at, at)
        found.append(Candidate(start, end, quote["speaker_name"], "rule"))
    spans = [(s, e, full_name(n, mentions), "person") for s, e, n in mentions]
    spans += [(e["start"], e["end"], text[e["start"] : e["end"]], "org") for e in entities if e["label"] == "ORG"]
    near = sorted((s for s in spans if at - WINDOW <= s[0] and s[1] <= at), key=lambda s: -s[1])
    for start, end, name, origin in near:
        if content["start"] <= start < content["end"]:
            continue
        if any(same_speaker(c.name, name) for c in found):
            continue
        found.append(Candidate(start, end, name, origin))
        if len(found) >= MAX_CANDIDATES:
            break
    return found


def candidate_features(text: str, quote: Record, candidate: Candidate, rank: int, entities: Sequence[Record] = ()) -> list[str]:
    """Named binary features of one speaker candidate."""
    labels = sorted({e["label"] for e in entities if e["start"] <= candidate.start and candidate.end <= e["end"]})
    at = anchor(quote)
    between = text[candidate.end : at]
    is_rule = candidate.origin == "rule"
    rule_parts = RULE_PART_RE.findall(str(quote.get("source") or "?"))
    features = [
        f"origin={candidate.origin}",
        f"entity={'/'.join(labels) or 'none'}|is_rule={is_rule}",
        f"name_is_span={text[candidate.start : candidate.end] == candidate.name}|is_rule={is_rule}",
        f"rank={min(rank, 4)}",
        f"gap={_bin(len(between), (0, 2, 5, 10, 20, 40, 80))}",
        f"stops_between={min(sum(ch in '。！？!?' for ch in between), 2)}",
        f"line_between={NEWLINE in between}",
        f"commas_between={min(sum(ch in '，,' for ch in between), 3)}",
        f"after={_punct(text[candidate.end : candidate.end + 1]) if candidate.end < len(text) else 'none'}",
        f"after_char={text[candidate.end : candidate.end + 1] if text[candidate.end : candidate.end + 1] in '的在对向也还说称和、' else 'x'}",
        f"before={_punct(text[candidate.start - 1]) if candidate.start > 0 else 'none'}",
        f"length={_bin(len(candidate.name), (1, 2, 3, 4, 6, 10))}",
        f"open_quotes|is_rule={is_rule}={text.count('“', sentence_start(text, candidate.start), candidate.start) > text.count('”', sentence_start(text, candidate.start), candidate.start)}",
        f"kind={quote['kind']}|is_rule={is_rule}",
    ]
    features += [f"rule_part={part}|is_rule={is_rule}" for part in rule_parts]
    features += [f"origin={candidate.origin}|gap={_bin(len(between), (0, 5, 20))}"]
    if not is_rule and quote.get("speaker_name"):
        rule_name = quote["speaker_name"]
        features.append(f"extends_rule={candidate.name.endswith(rule_name) or candidate.name.startswith(rule_name)}")
    return features


def attribution_features(text: str, quote: Record, entities: list[Record]) -> list[str]:
    """Named binary features of one attribution, for keep/drop."""
    cue = quote.get("cue")
    speaker = quote.get("speaker")
    name = quote.get("speaker_name") or ""
    content = quote["content"]
    entity_labels = {
        e["label"] for e in entities if speaker and e["start"] <= speaker["start"] and speaker["end"] <= e["end"]
    }
    features = [
        "bias",
        f"kind={quote['kind']}",
        f"cue={cue['text'] if cue else '-'}",
        f"cue_class={CUE_CLASS.get(cue['text'], '?') if cue else '-'}",
        f"content_length={_bin(content['end'] - content['start'], (5, 10, 20, 40, 80, 160))}",
        f"name_length={_bin(len(name), (0, 1, 2, 3, 4, 6, 10))}",
        f"speaker_entity={'/'.join(sorted(entity_labels)) or 'none'}",
        f"speaker_text_is_name={bool(speaker) and speaker['text'] == name}",
        f"content_quoted={text[content['start'] - 1 : content['start']] == '“'}",
        f"headline={NEWLINE not in text[: content['start']]}",
        f"after_cue={_punct(text[cue['end'] : cue['end'] + 1]) if cue else '-'}",
    ]
    features += [f"rule_part={part}" for part in RULE_PART_RE.findall(str(quote.get("source") or "?"))]
    return features


class LogisticRegression:
    """Binary logistic regression over named features: full-batch gradient descent with L2."""

    def __init__(self, l2: float = 1.0, steps: int = 500, rate: float = 0.5, seed: int = 0) -> None:
        self.l2, self.steps, self.rate, self.seed = l2, steps, rate, seed
        self.index: dict[str, int] = {}
        self.weights = numpy.zeros(0)

    def _matrix(self, rows: Sequence[Sequence[str]]) -> numpy.ndarray:
        matrix = numpy.zeros((len(rows), len(self.index)))
        for i, row in enumerate(rows):
            for feature in row:
                j = self.index.get(feature)
                if j is not None:
                    matrix[i, j] = 1.0
        return matrix

    def fit(self, rows: Sequence[Sequence[str]], labels: Sequence[int]) -> LogisticRegression:
        counts = Counter(f for row in rows for f in set(row))
        self.index = {f: i for i, f in enumerate(sorted(f for f, n in counts.items() if n >= 2 or f == "bias"))}
        x, y = self._matrix(rows), numpy.asarray(labels, dtype=float)
        rng = numpy.random.default_rng(self.seed)
        w = rng.normal(0, 0.01, len(self.index))
        for _ in range(self.steps):
            p = 1 / (1 + numpy.exp(-(x @ w)))
            gradient = x.T @ (p - y) / max(1, len(y)) + self.l2 * w / max(1, len(y))
            w -= self.rate * gradient
        self.weights = w
        return self

    def probabilities(self, rows: Sequence[Sequence[str]]) -> numpy.ndarray:
        return 1 / (1 + numpy.exp(-(self._matrix(rows) @ self.weights)))


class ConditionalLogit(LogisticRegression):
    """A softmax over each group of candidates (the speakers of one attribution), trained towards the right ones:
    it learns what makes one candidate better than the others of its group, not how often candidates are right."""

    def fit_groups(self, groups: Sequence[tuple[Sequence[Sequence[str]], Sequence[int]]]) -> ConditionalLogit:
        counts = Counter(f for rows, _ in groups for row in rows for f in set(row))
        self.index = {f: i for i, f in enumerate(sorted(f for f, n in counts.items() if n >= 2))}
        matrices = [self._matrix(rows) for rows, _ in groups]
        targets = [numpy.asarray(marks, dtype=float) / max(1, sum(marks)) for _, marks in groups]
        rng = numpy.random.default_rng(self.seed)
        w = rng.normal(0, 0.01, len(self.index))
        for _ in range(self.steps):
            gradient = self.l2 * w
            for x, y in zip(matrices, targets):
                z = x @ w
                p = numpy.exp(z - z.max())
                gradient += x.T @ (p / p.sum() - y)
            w -= self.rate * gradient / max(1, len(groups))
        self.weights = w
        return self

    def scores(self, rows: Sequence[Sequence[str]]) -> numpy.ndarray:
        return self._matrix(rows) @ self.weights


@dataclass
class Article:
    """A gold article with what the prelabel pipeline gives the attributor (entities) and the rules' quotes."""

    gold: Record
    entities: list[Record]
    quotes: list[Record]

    @property
    def text(self) -> str:
        return self.gold["text"]

    def mentions(self) -> list[tuple[int, int, str]]:
        return person_mentions(self.text, self.entities, known_person_names(self.text, self.entities))


def prepare(documents: Iterable[Record], cues: Iterable[str] = (), prelabeler: Any = None) -> list[Article]:
    """Run the prelabel pipeline (entities, words, tags, rules) once over the gold articles;
    ``cues``: cue words the attributor knows besides its lexicon."""
    from pipeline.core.record import Document
    from pipeline.stages.prelabel import load_prelabeler
    from pipeline.stages.quotes.lexicon import quote_words

    documents = list(documents)
    prelabeler = prelabeler or load_prelabeler()
    prelabeler.nlp.get_pipe("quote_attributor").lexicon = quote_words(cues)
    inputs = [Document(id=d["id"], text=d["text"], meta=dict(d.get("meta", {}))) for d in documents]
    labelled = prelabeler.label_documents(inputs)
    articles = []
    for gold, document in zip(documents, labelled):
        entities = [
            {"start": e["start"], "end": e["end"], "label": e["label"], "text": gold["text"][e["start"] : e["end"]]}
            for e in document.entities
            if e["label"] in ("PERSON", "ORG")
        ]
        articles.append(Article(gold, entities, document.quotes))
    return articles


def _gold_for(article: Article, quote: Record) -> list[Record]:
    return [g for g in article.gold["quotes"] if covered(g["content"], quote["content"]) >= 0.5]


def ranker_groups(articles: Iterable[Article]) -> list[tuple[list[list[str]], list[int]]]:
    """Candidate rows and labels, a group per attribution whose gold speaker is among its candidates."""
    groups = []
    for article in articles:
        mentions = article.mentions()
        for quote in article.quotes:
            gold = _gold_for(article, quote)
            found = candidates(article.text, quote, article.entities, mentions)
            marks = [int(any(same_speaker(g["speaker_name"], c.name) for g in gold)) for c in found]
            if any(marks) and len(found) > 1:
                groups.append(([candidate_features(article.text, quote, c, rank, article.entities) for rank, c in enumerate(found)], marks))
    return groups


def filter_rows(articles: Iterable[Article], ranker: ConditionalLogit | None = None) -> tuple[list[list[str]], list[int]]:
    """Attribution rows (after the ranker, if any) and whether each matches a gold attribution."""
    rows, labels = [], []
    for article in articles:
        for quote in rerank(article, ranker) if ranker else article.quotes:
            gold = _gold_for(article, quote)
            rows.append(attribution_features(article.text, quote, article.entities))
            labels.append(int(any(same_speaker(g["speaker_name"], quote["speaker_name"]) for g in gold)))
    return rows, labels


def rerank(article: Article, ranker: ConditionalLogit) -> list[Record]:
    """The rules' quotes with each speaker replaced by the ranker's best candidate."""
    mentions = article.mentions()
    out = []
    for quote in article.quotes:
        found = candidates(article.text, quote, article.entities, mentions)
        if len(found) > 1:
            scores = ranker.scores([candidate_features(article.text, quote, c, r, article.entities) for r, c in enumerate(found)])
            best = found[int(numpy.argmax(scores))]
            if best.origin != "rule":
                quote = {
                    **quote,
                    "speaker": {"start": best.start, "end": best.end, "text": article.text[best.start : best.end]},
                    "speaker_name": best.name,
                    "source": f"{quote.get('source')}+learnt_ranker",
                }
        out.append(quote)
    return out


def predict(article: Article, ranker: ConditionalLogit | None, keeper: LogisticRegression | None) -> list[Record]:
    quotes = rerank(article, ranker) if ranker else list(article.quotes)
    if keeper and quotes:
        keep = keeper.probabilities([attribution_features(article.text, q, article.entities) for q in quotes])
        quotes = [q for q, p in zip(quotes, keep) if p >= DROP_BELOW]
    return quotes


def train(articles: Sequence[Article], variant: str, seed: int = 0) -> tuple[ConditionalLogit | None, LogisticRegression | None]:
    """The models of a variant: ``rules`` (none), ``ranker``, ``filter`` or ``both``."""
    ranker = keeper = None
    if variant in ("ranker", "both"):
        ranker = ConditionalLogit(seed=seed).fit_groups(ranker_groups(articles))
    if variant in ("filter", "both"):
        keeper = LogisticRegression(seed=seed).fit(*filter_rows(articles, ranker))
    return ranker, keeper


def folds(articles: Sequence[Article], k: int) -> list[list[int]]:
    """Article indices in ``k`` folds, each half (1998, modern) dealt round-robin in id order."""
    out: list[list[int]] = [[] for _ in range(k)]
    for half in (True, False):
        members = sorted((i for i, a in enumerate(articles) if a.gold["id"].startswith("pd1998") == half), key=lambda i: articles[i].gold["id"])
        for n, i in enumerate(members):
            out[n % k].append(i)
    return out


VARIANTS = ("rules", "ranker", "filter", "both")
#: A cue word learnt from the gold: Han characters only (not ：or ——), two or more.
LEARNT_CUE_RE = re.compile(r"[\u4e00-\u9fff]{2,4}")


def gold_cues(articles: Iterable[Article]) -> set[str]:
    """The cue words of the gold attributions that the lexicon lacks."""
    words = {q["cue"]["text"] for a in articles for q in a.gold["quotes"] if q.get("cue")}
    return {w for w in words if LEARNT_CUE_RE.fullmatch(w) and w not in CUE_CLASS}


def cross_validate(
    articles: Sequence[Article], k: int = 6, prelabeler: Any = None
) -> tuple[dict[str, dict[str, Scores]], dict[str, list[Scores]]]:
    """Per variant and half, scores summed over held-out folds (each fold's models trained on the others);
    also per variant, each fold's scores.

    Variant ``cues``: the rules with the training folds' gold cue words added to the lexicon (:func:`gold_cues`).
    """
    predictions: dict[str, dict[str, list[Record]]] = {v: {} for v in (*VARIANTS, "cues")}
    for held in folds(articles, k):
        training = [a for i, a in enumerate(articles) if i not in held]
        for variant in VARIANTS:
            ranker, keeper = train(training, variant)
            for i in held:
                predictions[variant][articles[i].gold["id"]] = predict(articles[i], ranker, keeper)
        if prelabeler is not None:
            for article in prepare([articles[i].gold for i in held], gold_cues(training), prelabeler):
                predictions["cues"][article.gold["id"]] = article.quotes
    results: dict[str, dict[str, Scores]] = {}
    per_fold: dict[str, list[Scores]] = {}
    for variant, by_id in predictions.items():
        if not by_id:
            continue
        results[variant] = {
            half: score([a.gold for a in articles if a.gold["id"].startswith("pd1998") == (half == "1998")], lambda d, by_id=by_id: by_id[d["id"]])
            for half in ("1998", "modern")
        }
        per_fold[variant] = [score([articles[i].gold for i in held], lambda d, by_id=by_id: by_id[d["id"]]) for held in folds(articles, k)]
    return results, per_fold


def _table(title: str, rows: list[tuple[str, str, Scores]]) -> Table:
    table = Table(title=title)
    for column in ("variant", "set"):
        table.add_column(column)
    for column in ("gold", "predicted", "matched", "P", "R", "F1", "slogans taken"):
        table.add_column(column, justify="right")
    for variant, name, s in rows:
        table.add_row(variant, name, str(s.gold), str(s.predicted), str(s.matched), f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}", str(s.slogans_taken))
    return table


app = typer.Typer(add_completion=False)


@app.command()
def cv(
    gold: Path = typer.Argument(..., help="The dev gold (JSONL, both halves)."),
    held_out: list[Path] = typer.Option([], "--held-out", help="Gold never trained on, scored with models trained on all of GOLD."),
    k: int = typer.Option(6, help="Folds (articles, each half dealt round-robin)."),
) -> None:
    """Rules alone vs the learnt ranker/filter, by article-level k-fold cross-validation; then held-out sets."""
    from pipeline.stages.prelabel import load_prelabeler

    prelabeler = load_prelabeler()
    articles = prepare(load_gold(gold), prelabeler=prelabeler)
    results, per_fold = cross_validate(articles, k, prelabeler)
    console.print(_table(f"{k}-fold cross-validation over {len(articles)} articles", [(v, h, s) for v, halves in results.items() for h, s in halves.items()]))
    console.print(_table("each held-out fold (both halves)", [(v, f"fold {n + 1}", s) for v, scores in per_fold.items() for n, s in enumerate(scores)]))
    rows = []
    for path in held_out:
        others = prepare(load_gold(path), prelabeler=prelabeler)
        sets = {"seed": [a for a in others if a.gold["id"].startswith("seed-")]}
        sets[path.stem] = others  # as pipeline.eval.quotes scores it: the whole file, the seed too
        for variant in VARIANTS:
            ranker, keeper = train(articles, variant)
            for name, members in sets.items():
                if members:
                    by_id = {a.gold["id"]: predict(a, ranker, keeper) for a in members}
                    rows.append((variant, name, score([a.gold for a in members], lambda d, by_id=by_id: by_id[d["id"]])))
        learnt = {a.gold["id"]: a.quotes for a in prepare(load_gold(path), gold_cues(articles), prelabeler)}
        for name, members in sets.items():
            if members:
                rows.append(("cues", name, score([a.gold for a in members], lambda d, learnt=learnt: learnt[d["id"]])))
    if rows:
        console.print(_table("trained on all of the dev gold", rows))


if __name__ == "__main__":
    app()
