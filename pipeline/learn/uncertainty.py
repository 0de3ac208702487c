"""Which documents the entity model is least sure of: the review order that teaches the most.

The measure is the tagger's *mean margin*: for each character, the probability of the tag the
model ranks first minus that of the tag it ranks second (1: sure, 0: a coin toss between two
tags), averaged over the document's characters.  The entity model is a per-character softmax
tagger, so these probabilities are its own (``Prelabeler.tag_log_probabilities``), before the
rules and before the Viterbi repair of ill-formed tag sequences.  Averaging over characters
makes documents of any length comparable: a review costs about its length, and what it teaches
is where the model hesitates, so the documents with most hesitation per character come first.

``corpusprep doccano push --order uncertain`` uploads documents lowest mean margin first; doccano
lists and serves examples in the order they arrived.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy

from pipeline.core.record import Document

SURE = 1.0  # the margin of a document with no character (nothing to be unsure of)


def margins(log_probabilities: numpy.ndarray) -> numpy.ndarray:
    """Per character: the probability of its first-ranked tag minus that of its second."""
    if log_probabilities.shape[0] == 0:
        return numpy.zeros(0)
    if log_probabilities.shape[1] < 2:
        return numpy.ones(log_probabilities.shape[0])
    top_two = numpy.sort(numpy.exp(log_probabilities), axis=1)[:, -2:]
    return top_two[:, 1] - top_two[:, 0]


def mean_margin(log_probabilities: numpy.ndarray) -> float:
    """How sure the model is of a document: its characters' mean margin (``SURE`` for no character)."""
    found = margins(log_probabilities)
    return float(found.mean()) if found.size else SURE


def least_sure_first(certainty: Sequence[float]) -> list[int]:
    """Indices of documents by ``certainty``, lowest first; equal ones keep their order."""
    return sorted(range(len(certainty)), key=lambda index: certainty[index])


def by_uncertainty(documents: Iterable[Document], model_dir: Path) -> list[tuple[Document, float]]:
    """The documents with their mean margin under the model in ``model_dir``, least sure first."""
    from pipeline.stages.prelabel import load_prelabeler

    scored = [(document, mean_margin(rows)) for document, rows in load_prelabeler(model_dir=model_dir).tag_log_probabilities(documents)]
    return [scored[index] for index in least_sure_first([certainty for _, certainty in scored])]
