"""How far reviewers who annotated the same documents alone agree, and where they differ.

Pure functions over what a double-review project holds (each reviewer's own spans and
links per document, offsets in code points); reading the project and writing the report
happen in ``double`` and ``commands``.

For each pair of reviewers, over the documents both confirmed, per label:

* **exact span F1**: a span agrees when the other reviewer marked the same characters with
  the same label. Either reviewer may be taken as the reference: F1 = 2·|A∩B| / (|A| + |B|).
* **overlap span F1**: a span agrees when the other reviewer marked a span of the same label
  sharing at least one character with it; precision is the share of A's spans that agree,
  recall the share of B's, F1 their harmonic mean.
* **Cohen's kappa on character tags**: every character of every document gets, from each
  reviewer, whether a span of the label covers it; kappa = (p_o - p_e) / (1 - p_e), p_e from
  each reviewer's own rates. For a group of labels (all entities, all quote roles) a character's
  tag is the set of the group's labels covering it (``O`` for none), one nominal category, so
  overlapping spans need no tie-break. Characters outside every span count too (agreeing that
  nothing is there is agreement), which is why kappa runs higher than F1 on sparse labels.
* **links** (a CONTENT span to its SPEAKER or CUE): exact when both ends and the type are the
  same; by overlap when the type is the same and each end overlaps the other link's end.
  Links have no character tags, so no kappa.

Cohen's kappa is computed here (a few lines, checked against hand-computed cases in
``tests/test_agreement.py``) rather than taken from a package: none in the environment has it
(scikit-learn and ``krippendorff`` are not installed). For two reviewers with no missing data,
Krippendorff's nominal alpha on the same tags differs from it only by how chance is estimated
(pooled rates and a small-sample correction): ``krippendorff`` could add it as a second column.

Where they differ (the review list and the guidelines feedback): spans of one layer (entities,
or quote roles) that not every reviewer marked are grouped where they overlap; links that not
every reviewer made are grouped by type where their CONTENT spans overlap. Each group is one
disagreement: ``label`` (everyone marked something there, with different labels), ``boundary``
(the same label, other extents or link ends) or ``missing`` (someone marked nothing there).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from pipeline.core.metrics import harmonic_f1, precision_recall_f1
from pipeline.core.schema import Schema
from pipeline.review.convert import RelationKey, SpanKey

AGREEMENT_FILE = "agreement.json"  # beside prelabeled.jsonl; the dataset card quotes it when it is there
ALL = "all"  # the row of a whole group of labels
ENTITIES, QUOTE_ROLES, LINKS = "entities", "quote roles", "links"
LABEL, BOUNDARY, MISSING = "label", "boundary", "missing"

Item = Any  # a SpanKey, or a RelationKey for links


@dataclass(frozen=True)
class Annotation:
    """One reviewer's spans and links of one document (offsets in code points)."""

    spans: frozenset[SpanKey] = frozenset()
    links: frozenset[RelationKey] = frozenset()


@dataclass(frozen=True)
class DoubleDocument:
    """A document of a double-review project with the annotations of each reviewer who confirmed it."""

    doc_id: str
    text: str
    document_hash: str
    example_id: int
    by: Mapping[str, Annotation]


def span_layers(schema: Schema) -> list[tuple[str, list[str]]]:
    """The span groups agreement is measured on: entities, and quote roles (which may overlap entities)."""
    return [(ENTITIES, schema.entity_labels), (QUOTE_ROLES, schema.quote_role_labels)]


def overlaps(a: SpanKey, b: SpanKey) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def links_overlap(a: RelationKey, b: RelationKey) -> bool:
    return a[2] == b[2] and overlaps(a[0], b[0]) and overlaps(a[1], b[1])


# --- the figures ---------------------------------------------------------------------------


def cohen_kappa(a: Sequence[str], b: Sequence[str]) -> float | None:
    """Cohen's kappa of two equally long tag sequences; None when undefined (no tags, or one tag everywhere)."""
    if len(a) != len(b):
        raise ValueError(f"kappa needs as many tags from each reviewer ({len(a)} and {len(b)})")
    n = len(a)
    if n == 0:
        return None
    observed = sum(x == y for x, y in zip(a, b)) / n
    rates_a, rates_b = Counter(a), Counter(b)
    expected = sum(count * rates_b[tag] for tag, count in rates_a.items()) / (n * n)
    if expected == 1.0:
        return None
    return (observed - expected) / (1 - expected)


def character_tags(length: int, spans: Iterable[SpanKey], labels: Iterable[str]) -> list[str]:
    """Per character, the labels (of ``labels``) whose spans cover it, joined with ``+``; ``O`` for none."""
    wanted = set(labels)
    covering: list[set[str]] = [set() for _ in range(length)]
    for start, end, label in spans:
        if label in wanted:
            for index in range(max(start, 0), min(end, length)):
                covering[index].add(label)
    return ["+".join(sorted(labels_here)) or "O" for labels_here in covering]


@dataclass(frozen=True)
class MatchCounts:
    """Spans (or links) each reviewer made, how many are the same, and how many of each side overlap the other."""

    a: int = 0
    b: int = 0
    exact: int = 0
    overlap_a: int = 0
    overlap_b: int = 0

    def __add__(self, other: MatchCounts) -> MatchCounts:
        return MatchCounts(*(x + y for x, y in zip(self.as_tuple(), other.as_tuple())))

    def as_tuple(self) -> tuple[int, int, int, int, int]:
        return self.a, self.b, self.exact, self.overlap_a, self.overlap_b

    @property
    def exact_f1(self) -> float | None:
        """None when neither reviewer marked anything: nothing to agree on."""
        return precision_recall_f1(self.exact, self.a, self.b)[2] if self.a + self.b else None

    @property
    def overlap_f1(self) -> float | None:
        if not self.a + self.b:
            return None
        return harmonic_f1(self.overlap_a / self.a if self.a else 0.0, self.overlap_b / self.b if self.b else 0.0)


def match_counts(a: Iterable[Item], b: Iterable[Item], overlap: Any = overlaps) -> MatchCounts:
    """Counts for two reviewers' items of one label; ``overlap`` says when two items overlap."""
    a, b = set(a), set(b)
    return MatchCounts(
        len(a),
        len(b),
        len(a & b),
        sum(any(overlap(x, y) for y in b) for x in a),
        sum(any(overlap(y, x) for x in a) for y in b),
    )


@dataclass(frozen=True)
class LabelAgreement:
    """One row of the report: a label (or ``all`` of a group) for one pair of reviewers."""

    group: str
    label: str
    counts: MatchCounts
    kappa: float | None

    def to_json(self) -> dict[str, Any]:
        a, b, exact, overlap_a, overlap_b = self.counts.as_tuple()
        return {
            "group": self.group, "label": self.label, "spans_a": a, "spans_b": b, "exact_matches": exact,
            "overlapping_a": overlap_a, "overlapping_b": overlap_b, "exact_f1": _round(self.counts.exact_f1),
            "overlap_f1": _round(self.counts.overlap_f1), "kappa": _round(self.kappa),
        }  # fmt: skip


def figure(value: float | None) -> str:
    """A figure as the report's tables show it: three decimals, a dash where it is undefined."""
    return "—" if value is None else f"{value:.3f}"


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


@dataclass(frozen=True)
class PairAgreement:
    reviewers: tuple[str, str]
    documents: int
    characters: int
    rows: list[LabelAgreement]

    def row(self, group: str, label: str) -> LabelAgreement:
        return next(r for r in self.rows if r.group == group and r.label == label)

    def to_json(self) -> dict[str, Any]:
        return {
            "reviewers": list(self.reviewers),
            "documents": self.documents,
            "characters": self.characters,
            "rows": [row.to_json() for row in self.rows],
        }


def pair_agreement(documents: Sequence[DoubleDocument], a: str, b: str, schema: Schema) -> PairAgreement:
    """The report's rows for reviewers ``a`` and ``b`` over the documents both confirmed."""
    both = [doc for doc in documents if a in doc.by and b in doc.by]
    rows = []
    for group, labels in span_layers(schema):
        for label in [*labels, ALL]:
            wanted = set(labels) if label == ALL else {label}
            counts, tags_a, tags_b = MatchCounts(), [], []
            for doc in both:
                spans_a = {s for s in doc.by[a].spans if s[2] in wanted}
                spans_b = {s for s in doc.by[b].spans if s[2] in wanted}
                if label == ALL:  # a span agrees only with one of its own label
                    counts += sum((match_counts({s for s in spans_a if s[2] == one}, {s for s in spans_b if s[2] == one})
                                   for one in labels), MatchCounts())  # fmt: skip
                else:
                    counts += match_counts(spans_a, spans_b)
                tags_a += character_tags(len(doc.text), spans_a, wanted)
                tags_b += character_tags(len(doc.text), spans_b, wanted)
            rows.append(LabelAgreement(group, label, counts, cohen_kappa(tags_a, tags_b)))
    for label in [*schema.relation_labels, ALL]:
        wanted = set(schema.relation_labels) if label == ALL else {label}
        counts = MatchCounts()
        for doc in both:
            counts += match_counts(
                {r for r in doc.by[a].links if r[2] in wanted}, {r for r in doc.by[b].links if r[2] in wanted}, links_overlap
            )
        rows.append(LabelAgreement(LINKS, label, counts, None))
    return PairAgreement((a, b), len(both), sum(len(doc.text) for doc in both), rows)


def reviewer_pairs(documents: Sequence[DoubleDocument], reviewers: Sequence[str]) -> list[tuple[str, str]]:
    """Every pair of reviewers who both confirmed at least one document, in name order."""
    return [
        (a, b) for a, b in combinations(sorted(reviewers), 2) if any(a in doc.by and b in doc.by for doc in documents)
    ]


# --- where they differ ---------------------------------------------------------------------


@dataclass(frozen=True)
class Disagreement:
    """Items of one layer, in one place of a document, that not every reviewer marked: who marked what there."""

    document_id: str
    item: int  # numbered from 1 within the document
    layer: str  # ENTITIES, QUOTE_ROLES or LINKS
    what: str  # LABEL, BOUNDARY or MISSING
    labels: tuple[str, ...]  # the labels (or link types) involved, sorted
    start: int  # the stretch of text the group covers (a link group: its CONTENT spans)
    end: int
    said: Mapping[str, tuple[Item, ...]]  # reviewer -> their items there (maybe none)


@dataclass(frozen=True)
class DocumentComparison:
    """What every reviewer of a document agreed on, and the groups where they differ."""

    document: DoubleDocument
    reviewers: tuple[str, ...]
    agreed: Annotation
    disagreements: list[Disagreement] = field(default_factory=list)


def _clusters(items: list[Item], start_end: Any) -> list[list[Item]]:
    """Items grouped where their stretches overlap (a chain of overlaps is one group), in text order."""
    groups: list[list[Item]] = []
    reach = -1
    for item in sorted(items, key=lambda x: (start_end(x), x)):
        start, end = start_end(item)
        if groups and start < reach:
            groups[-1].append(item)
            reach = max(reach, end)
        else:
            groups.append([item])
            reach = end
    return groups


def _kind(said: Mapping[str, tuple[Item, ...]], label_of: Any) -> tuple[str, tuple[str, ...]]:
    labels = tuple(sorted({label_of(item) for items in said.values() for item in items}))
    if any(not items for items in said.values()):
        return MISSING, labels
    return (LABEL if len(labels) > 1 else BOUNDARY), labels


def compare_document(doc: DoubleDocument, schema: Schema) -> DocumentComparison:
    """Agreed items (marked by every reviewer who confirmed the document) and the disagreements, numbered."""
    reviewers = tuple(sorted(doc.by))
    marks = [doc.by[r] for r in reviewers]
    agreed_spans = frozenset.intersection(*(m.spans for m in marks)) if marks else frozenset()
    agreed_links = frozenset.intersection(*(m.links for m in marks)) if marks else frozenset()
    found: list[tuple[str, list[Item], Any]] = []
    for layer, labels in span_layers(schema):
        loose = [s for s in set().union(*(m.spans for m in marks)) - agreed_spans if s[2] in labels]
        found += [(layer, group, lambda s: s[2]) for group in _clusters(loose, lambda s: (s[0], s[1]))]
    loose_links = list(set().union(*(m.links for m in marks)) - agreed_links)
    for kind in sorted({link[2] for link in loose_links}):
        of_kind = [link for link in loose_links if link[2] == kind]
        found += [(LINKS, group, lambda r: r[2]) for group in _clusters(of_kind, lambda r: (r[0][0], r[0][1]))]
    found.sort(key=lambda entry: (_stretch(entry[0], entry[1]), entry[0]))
    disagreements = []
    for number, (layer, group, label_of) in enumerate(found, start=1):
        members = set(group)
        said = {r: tuple(sorted(i for i in (m.links if layer == LINKS else m.spans) if i in members))
                for r, m in zip(reviewers, marks)}  # fmt: skip
        what, labels = _kind(said, label_of)
        start, end = _stretch(layer, group)
        disagreements.append(Disagreement(doc.doc_id, number, layer, what, labels, start, end, said))
    return DocumentComparison(doc, reviewers, Annotation(agreed_spans, agreed_links), disagreements)


def _stretch(layer: str, group: list[Item]) -> tuple[int, int]:
    spans = [link[0] for link in group] if layer == LINKS else group
    return min(s[0] for s in spans), max(s[1] for s in spans)


def describe(item: Item, text: str) -> str:
    """A span as ``LABEL text``; a link as ``TYPE content -> target``, for people reading the report."""
    if isinstance(item[0], tuple):
        source, target, kind = item
        return f"{kind} {_clip(text[source[0]:source[1]])} -> {text[target[0]:target[1]]}"
    return f"{item[2]} {text[item[0]:item[1]]}"


def _clip(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class FeedbackRow:
    """A kind of disagreement (its layer, what differs and the labels), how often, and a few examples."""

    layer: str
    what: str
    labels: tuple[str, ...]
    count: int
    examples: list[dict[str, Any]]

    def to_json(self) -> dict[str, Any]:
        return {"layer": self.layer, "what": self.what, "labels": list(self.labels), "count": self.count,
                "examples": self.examples}  # fmt: skip

    @property
    def title(self) -> str:
        if self.what == LABEL:
            return f"{' vs '.join(self.labels)}"
        if self.what == BOUNDARY:
            return f"{'/'.join(self.labels)} boundaries" if self.layer != LINKS else f"{'/'.join(self.labels)} ends"
        return f"{'/'.join(self.labels)} left out by a reviewer"


def guideline_feedback(comparisons: Iterable[DocumentComparison], examples: int = 3) -> list[FeedbackRow]:
    """The kinds of disagreement, most frequent first, each with up to ``examples`` examples (document order)."""
    counts: Counter[tuple[str, str, tuple[str, ...]]] = Counter()
    found: dict[tuple[str, str, tuple[str, ...]], list[dict[str, Any]]] = {}
    for comparison in comparisons:
        text = comparison.document.text
        for d in comparison.disagreements:
            key = (d.layer, d.what, d.labels)
            counts[key] += 1
            shown = found.setdefault(key, [])
            if len(shown) < examples:
                shown.append({
                    "document_id": d.document_id, "item": d.item, "text": _context(text, d.start, d.end),
                    "said": {r: [describe(i, text) for i in items] for r, items in d.said.items()},
                })  # fmt: skip
    order = sorted(counts, key=lambda key: (-counts[key], key))
    return [FeedbackRow(*key, counts[key], found[key]) for key in order]


def _context(text: str, start: int, end: int, around: int = 8) -> str:
    """The stretch in brackets with a few characters either side: ``…市委书记[吴天君]指出…``."""
    before = ("…" if start > around else "") + text[max(0, start - around) : start]
    after = text[end : end + around] + ("…" if end + around < len(text) else "")
    return f"{before}[{text[start:end]}]{after}".replace("\n", " ")


def agreement_report(
    documents: Sequence[DoubleDocument], reviewers: Sequence[str], schema: Schema, *, examples: int = 3
) -> dict[str, Any]:
    """The whole report as JSON: per pair of reviewers the rows, then the guidelines feedback."""
    compared = [compare_document(doc, schema) for doc in documents if len(doc.by) >= 2]
    pairs = [pair_agreement(documents, a, b, schema) for a, b in reviewer_pairs(documents, reviewers)]
    return {
        "reviewers": sorted(reviewers),
        "documents_in_project": len(documents),
        "documents_compared": len(compared),
        "confirmed_by": dict(sorted(Counter(r for doc in documents for r in doc.by).items())),
        "pairs": [pair.to_json() for pair in pairs],
        "disagreements": sum(len(c.disagreements) for c in compared),
        "feedback": [row.to_json() for row in guideline_feedback(compared, examples)],
        "method": {
            "exact_f1": "same characters and label",
            "overlap_f1": "same label, at least one character shared",
            "kappa": "Cohen's kappa on character tags (per label: covered or not; per group: the set of labels)",
            "links": "exact: same ends and type; overlap: same type, both ends overlapping",
        },
    }
