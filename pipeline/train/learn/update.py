"""Update the entity model (tok2vec + BILUO tagger) with reviewed documents, in minutes.

The shipped model is loaded as the spaCy pipeline it was saved as and trained further with
``nlp.update`` at a low learning rate for a few epochs: a few dozen articles are a few
thousand characters per epoch, seconds on two cores, where ``spacy train`` would set up a
whole corpus and evaluation loop for them.  Both the tok2vec and the tagger learn (the
tagger alone could only re-weigh features the tok2vec already sees; a new name's
characters need the tok2vec too).  The tagger's output labels are fixed by the base model:
a tag it has no output for (``U-ORG`` when the base model never saw a one-character ORG)
gets no tag (no loss), and is counted.

Training records (:mod:`pipeline.train.learn.gold`) become spaCy Examples whose reference
characters carry their BILUO tag as ``tag_``; ``""`` is unknown (no loss) and ``!X`` says
"not X" (the tagger's ``neg_prefix``), as spaCy's tagger reads them.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example, offsets_to_biluo_tags
from spacy.util import filter_spans, fix_random_seed, minibatch

import pipeline.core.tokens  # noqa: F401  (registers the tokenizer a model's config may name)
import pipeline.stages.components  # noqa: F401  (registers the factories the model's config names)
from pipeline.core.text import fold_width
from pipeline.stages.entities.tags import biluo_tags

# Components that only set features (NORM, LEMMA) the tok2vec reads: run once on each text.
ANNOTATING = ("char_bigrams", "word_features")
TRAINED = ("tok2vec", "tagger")
NEGATIVE = "!"


@dataclass(frozen=True)
class UpdateSettings:
    """How the model is trained further.  The defaults were picked on one split of the modern
    development set (28 articles learnt, 14 scored, pd1998 rehearsal): 4 epochs gave micro F1
    0.631 against 0.567 for 8 (which overfits: the loss nears zero), learning rate 0.0005 beat
    0.001 (0.598 at 8 epochs).  A small search on 14 articles: tune again with more reviews."""

    epochs: int = 4
    learn_rate: float = 0.0005
    dropout: float = 0.1
    batch_size: int = 4  # documents (articles, or rehearsal paragraphs) per update
    seed: int = 0


def load_model(model_dir: Path) -> Language:
    """The entity model folder as a spaCy pipeline (the shipped one or a learnt one)."""
    return spacy.load(model_dir)


def _overlaps(start: int, end: int, spans: Iterable[Sequence[int]]) -> bool:
    return any(s < end and start < e for s, e, *_ in spans)


def reference_tags(doc: Doc, record: dict[str, Any], known_tags: frozenset[str], dropped: Counter) -> list[str]:
    """Each token's target tag: its BILUO tag, ``""`` where unknown, ``!X`` where the review says "not X".

    ``doc`` must have the record's gold entities as ``doc.ents``.  Tags the model has no
    output for are counted in ``dropped`` and left unknown.
    """
    tags = biluo_tags(doc)
    negatives: dict[int, str] = {}
    for start, end, label in record.get("not") or []:
        for index, tag in enumerate(offsets_to_biluo_tags(doc, [(start, end, label)])):
            if tag not in ("O", "-"):
                negatives[index] = NEGATIVE + tag
    unknown = record.get("missing") or []
    result = []
    for index, (token, tag) in enumerate(zip(doc, tags)):
        if index in negatives:
            tag = negatives[index]
        elif _overlaps(token.idx, token.idx + len(token), unknown):
            tag = ""
        if tag and tag.removeprefix(NEGATIVE) not in known_tags:
            dropped[tag] += 1
            tag = ""
        result.append(tag)
    return result


def make_examples(nlp: Language, records: Sequence[dict[str, Any]], dropped: Counter | None = None) -> list[Example]:
    """spaCy Examples of training records: features set once on the predicted side, tags on the reference."""
    known_tags = frozenset(nlp.get_pipe("tagger").labels)
    dropped = Counter() if dropped is None else dropped
    texts = [fold_width(record["text"]) for record in records]
    predicted = [nlp.make_doc(text) for text in texts]
    for name in ANNOTATING:
        component = nlp.get_pipe(name)
        predicted = list(component.pipe(predicted) if hasattr(component, "pipe") else map(component, predicted))
    examples = []
    for record, text, doc in zip(records, texts, predicted):
        reference = nlp.make_doc(text)
        spans = [reference.char_span(s, e, label=label, alignment_mode="expand") for s, e, label in record["entities"]]
        reference.ents = filter_spans([span for span in spans if span is not None])
        for token, tag in zip(reference, reference_tags(reference, record, known_tags, dropped)):
            token.tag_ = tag
        examples.append(Example(doc, reference))
    return examples


def update(
    nlp: Language, examples: Sequence[Example], settings: UpdateSettings = UpdateSettings()
) -> tuple[Any, list[float]]:
    """Train the tok2vec and tagger on ``examples``; returns the optimizer (for its averages) and each epoch's loss.

    Seeded (``settings.seed``): the order of examples and the dropout masks, so the same reviews
    give the same model."""
    fix_random_seed(settings.seed)
    optimizer = nlp.resume_training()
    optimizer.learn_rate = settings.learn_rate
    shuffled = list(examples)
    rng = random.Random(settings.seed)
    frozen = [name for name in nlp.pipe_names if name not in TRAINED]
    epoch_losses = []
    for _ in range(settings.epochs):
        rng.shuffle(shuffled)
        losses: dict[str, float] = {}
        for batch in minibatch(shuffled, size=settings.batch_size):
            nlp.update(batch, sgd=optimizer, drop=settings.dropout, losses=losses, exclude=frozen)
        epoch_losses.append(losses.get("tagger", 0.0))
    return optimizer, epoch_losses


def save_model(nlp: Language, optimizer: Any, target: Path, meta: dict[str, Any]) -> None:
    """Write the model folder with the optimizer's averaged weights (as ``spacy train`` saves model-best)."""
    nlp.meta.update(meta)
    averages = getattr(optimizer, "averages", None)
    if averages:
        with nlp.use_params(averages):
            nlp.to_disk(target)
    else:
        nlp.to_disk(target)


def prediction_records(nlp: Language, texts: Iterable[tuple[str, str]]) -> list[dict[str, Any]]:
    """The model's own entities on ``(id, text)`` pairs, as training records (pseudo-rehearsal targets)."""
    pairs = list(texts)
    docs = nlp.pipe(fold_width(text) for _, text in pairs)
    return [
        {"id": record_id, "text": text, "entities": [[e.start_char, e.end_char, e.label_] for e in doc.ents], "missing": []}
        for (record_id, text), doc in zip(pairs, docs)
    ]
