"""Entities from per-character BILUO tags: the ``biluo_tagger`` and ``entities_from_tags`` factories.

A softmax tagger over character tokens is much cheaper than a transition-based
parser, but it predicts each tag on its own, so its argmax sequence can be
ill-formed (``I-ORG`` after ``O``: a long name broken into pieces).  ``BiluoTagger``
is spaCy's tagger whose guesses are, where the argmax is ill-formed, the best
well-formed BILUO path (Viterbi over the tag scores).  ``spans_from_tags`` still
repairs any sequence the usual way (a B/I/L that does not continue an open entity
of its label opens one), so tags from elsewhere are safe too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

import numpy
from spacy.attrs import TAG
from spacy.pipeline import Tagger
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span
from spacy.training import Example, offsets_to_biluo_tags
from spacy_pkuseg.inference import run_viterbi

from pipeline.core.network import Network


def spans_from_tags(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """Token spans ``(start, end, label)``, end exclusive, from a possibly ill-formed BILUO sequence."""
    return spans_from_tagged(range(len(tags)), tags)


def spans_from_tagged(positions: Iterable[int], tags: Iterable[str]) -> list[tuple[int, int, str]]:
    """:func:`spans_from_tags` of a tag sequence given only at ``positions`` (ascending), ``O`` elsewhere.

    A position left out holds ``O`` (as does a tag with no B/I/L/U move): it closes
    an open entity and opens none, so mostly-``O`` sequences need only their other tags.
    """
    spans: list[tuple[int, int, str]] = []
    open_start, open_label = -1, ""
    previous = -1
    for i, tag in zip(positions, tags):
        if open_label and i > previous + 1:  # an O in between
            spans.append((open_start, previous + 1, open_label))
            open_start, open_label = -1, ""
        previous = i
        move, _, label = tag.partition("-")
        if move in ("I", "L") and open_label == label:
            if move == "L":
                spans.append((open_start, i + 1, label))
                open_start, open_label = -1, ""
            continue
        if open_label:
            spans.append((open_start, i, open_label))
            open_start, open_label = -1, ""
        if move == "U" or (move == "L" and label):
            spans.append((i, i + 1, label))
        elif move in ("B", "I") and label:
            open_start, open_label = i, label
    if open_label:
        spans.append((open_start, previous + 1, open_label))  # closed by the O after it, or by the end
    return spans


def biluo_tags(doc: Doc) -> list[str]:
    """The BILUO tag of each token of ``doc`` from its ``doc.ents`` (the training target)."""
    return offsets_to_biluo_tags(doc, [(e.start_char, e.end_char, e.label_) for e in doc.ents])


class EntitiesFromTags:
    """Set ``doc.ents`` from the tagger's ``token.tag_`` (BILUO), and score entities in training."""

    def __call__(self, doc: Doc) -> Doc:
        strings = doc.vocab.strings  # tags read as one array: no Token object per character
        tag_ids = doc.to_array(TAG)
        tagged = numpy.flatnonzero((tag_ids != 0) & (tag_ids != get_string_id("O"))).tolist()  # the rest are O
        tags = [strings[tag] for tag in tag_ids[tagged].tolist()]
        spans = spans_from_tagged(tagged, tags)
        doc.ents = [Span(doc, start, end, label=label) for start, end, label in spans]
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterable[Doc]:
        for doc in docs:
            yield self(doc)

    def score(self, examples: Iterable[Example], **kwargs) -> dict:
        from spacy.scorer import get_ner_prf

        return get_ner_prf(examples)


# A forbidden move's penalty: more than any path scores, finite so the compiled Viterbi can add it.
_FORBIDDEN = -1e30


@lru_cache(maxsize=8)
def _transitions(labels: tuple[str, ...]) -> tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray]:
    """Allowed BILUO moves as additive penalties, 0 or ``_FORBIDDEN``: ``(previous x next, first tag, last tag)``."""
    moves = [label.partition("-") for label in labels]
    closed = numpy.array([m in ("O", "L", "U") or not sep for m, sep, _ in moves])  # an entity may start next
    opens = numpy.array([m in ("O", "B", "U") or not sep for m, sep, _ in moves])  # may follow a closed tag
    allowed = numpy.zeros((len(labels), len(labels)), dtype=bool)
    for i, (_, _, label) in enumerate(moves):
        if closed[i]:
            allowed[i] = opens
        else:  # B-X or I-X continues with I-X or L-X
            allowed[i] = [m in ("I", "L") and lab == label for m, _, lab in moves]
    penalty = numpy.where(allowed, 0.0, _FORBIDDEN)
    return penalty, numpy.where(opens, 0.0, _FORBIDDEN), numpy.where(closed, 0.0, _FORBIDDEN)


def log_probabilities(scores: numpy.ndarray) -> numpy.ndarray:
    """The tagger's scores (a row per character) as log-probabilities of its tags.

    The tagger's softmax is not normalised at prediction time (``normalize = false``: its rows
    are logits); a normalised model's rows are probabilities already.
    """
    if (scores >= 0).all() and numpy.allclose(scores.sum(axis=1), 1.0):
        return numpy.log(numpy.maximum(scores, 1e-12))
    shifted = scores - scores.max(axis=1, keepdims=True)  # logits: log-softmax
    return shifted - numpy.log(numpy.exp(shifted).sum(axis=1, keepdims=True))


def best_biluo_path(scores: numpy.ndarray, labels: tuple[str, ...]) -> numpy.ndarray:
    """Tag ids: the argmax where it is well-formed, else the best well-formed path (Viterbi)."""
    guesses = scores.argmax(axis=1)
    if not len(guesses):
        return guesses
    penalty, first, last = _transitions(labels)
    if (
        first[guesses[0]] == 0
        and last[guesses[-1]] == 0
        and not penalty[guesses[:-1], guesses[1:]].any()
    ):
        return guesses
    log_probs = log_probabilities(scores)
    # spaCy-pkuseg's Viterbi (compiled) finds the best path.
    node_scores = numpy.ascontiguousarray(log_probs, dtype=numpy.float64)
    node_scores[0] += first
    node_scores[-1] += last
    _, path = run_viterbi(node_scores, penalty)
    return path.astype(numpy.int64)


class BiluoTagger(Tagger):
    """spaCy's tagger, decoding BILUO tags into well-formed sequences.

    At prediction the loaded pipeline may give it its own weights as a :class:`Network`
    (``network``, set by :func:`pipeline.stages.entities.ops.use_prediction_network`): it then
    scores each doc from the doc's features without the tok2vec component, which is disabled.
    """

    network: Network | None = None

    def scores(self, docs: Sequence[Doc]) -> list[numpy.ndarray]:
        """The scores of each doc's tags, a row per character (logits; probabilities for a normalised model)."""
        if self.network is None:  # thinc's model, reading what the tok2vec component gave its listener
            return [numpy.asarray(s.get() if hasattr(s, "get") else s) for s in self.model.predict(list(docs))]
        columns = self.network.columns
        return self.network.scores([doc.to_array(columns).reshape(len(doc), len(columns)) for doc in docs])

    def predict(self, docs):  # untyped like the method it overrides
        if self.network is None:
            return super().predict(docs)
        return self._scores2guesses(self.scores(docs))

    def _scores2guesses(self, scores):  # untyped like the method it overrides
        labels = self.labels
        return [best_biluo_path(numpy.asarray(s.get() if hasattr(s, "get") else s), labels) for s in scores]

    def set_annotations(self, docs, batch_tag_ids):  # untyped like the method it overrides
        """spaCy's ``Tagger.set_annotations``, a doc's tags written as one array (``Doc.from_array``).

        spaCy's own looks each character's tag string up in the vocabulary, one by one: about a
        microsecond a character, a second or two of the chain; the array is fifty times faster.
        """
        if isinstance(docs, Doc):
            docs = [docs]
        strings = self.vocab.strings
        label_ids = numpy.array([strings.add(label) for label in self.labels], dtype="uint64")
        overwrite = self.cfg["overwrite"]
        for doc, tag_ids in zip(docs, batch_tag_ids):
            if not len(doc):
                continue
            tags = label_ids[numpy.asarray(tag_ids.get() if hasattr(tag_ids, "get") else tag_ids)]
            if not overwrite:  # a tag already there stays, as in spaCy's
                current = doc.to_array(TAG)
                tags = numpy.where(current == 0, tags, current)
            doc.from_array([TAG], tags.reshape(-1, 1))
