"""Entities from per-character BILUO tags: the decoder behind the ``entities_from_tags`` factory.

A softmax tagger over character tokens is much cheaper than a transition-based
parser, but it predicts each tag on its own, so its sequence can be ill-formed
(``I-ORG`` after ``O``, ``L-PERSON`` inside an ORG).  The decoder repairs it the
usual way: a B/I/L that does not continue an open entity of the same label opens
one, any O, U, B or label change closes the open one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from spacy.tokens import Doc, Span
from spacy.training import Example, offsets_to_biluo_tags


def spans_from_tags(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """Token spans ``(start, end, label)``, end exclusive, from a possibly ill-formed BILUO sequence."""
    spans: list[tuple[int, int, str]] = []
    open_start, open_label = -1, ""
    for i, tag in enumerate(tags):
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
        spans.append((open_start, len(tags), open_label))
    return spans


def biluo_tags(doc: Doc) -> list[str]:
    """The BILUO tag of each token of ``doc`` from its ``doc.ents`` (the training target)."""
    return offsets_to_biluo_tags(doc, [(e.start_char, e.end_char, e.label_) for e in doc.ents])


class EntitiesFromTags:
    """Set ``doc.ents`` from the tagger's ``token.tag_`` (BILUO), and score entities in training."""

    def __call__(self, doc: Doc) -> Doc:
        tags = [token.tag_ for token in doc]
        doc.ents = [Span(doc, start, end, label=label) for start, end, label in spans_from_tags(tags)]
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterable[Doc]:
        for doc in docs:
            yield self(doc)

    def score(self, examples: Iterable[Example], **kwargs) -> dict:
        from spacy.scorer import get_ner_prf

        return get_ner_prf(examples)
