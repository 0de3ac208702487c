"""The prelabel stage: entities (and, when configured, quotes) on documents, through spaCy.

The pipeline is assembled from ``pipeline/configs/prelabel.cfg``: the shipped NER model
(``pipeline/models/ner``) followed by exact rules and value normalisers.  Documents are
streamed through ``nlp.pipe``; each Doc gets the record's meta first, so relative dates
resolve against ``meta['date']``.  The pipeline reads width-folded text with web news' name hyphens
read as the name dot (same length, :func:`pipeline.core.text.entity_view`), and every span is written with
offsets into the record's own text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy
import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vectors import Vectors

import pipeline.core.tokens  # noqa: F401  (registers the tokenizer the config names)
import pipeline.stages.components  # noqa: F401  (registers the factories the config names)
import pipeline.stages.entities.components  # noqa: F401  (registers span._.rule, read for each entity's source)
from pipeline.core.batching import chunked
from pipeline.core.paths import CONFIGS_DIR, MODELS_DIR
from pipeline.core.record import Block, Document
from pipeline.core.text import doc_text, entity_view, text_pieces
from pipeline.learn import choose_model
from pipeline.learn.lexicon import lexicon_dir
from pipeline.stages.entities.ops import use_prediction_network, use_prediction_ops
from pipeline.stages.entities.tags import log_probabilities

PRELABEL_CONFIG = CONFIGS_DIR / "prelabel.cfg"
NER_MODEL = MODELS_DIR / "ner"
# Longer texts are labelled in pieces cut at line breaks, and a batch holds at most this many
# characters too: the encoder's memory grows with the characters of a batch (seven characters'
# vectors per position), so its peak stays the same whatever the documents (news articles
# are rarely a tenth of this).
MAX_PIECE_CHARS = 20_000
MAX_BATCH_CHARS = MAX_PIECE_CHARS
TAGGER_FEATURES = ("char_bigrams", "word_features", "tok2vec")  # what runs before the tagger


def _static_vectors(model_dir: Path) -> Vectors | None:
    """The entity model's static vectors (floret), if it has any: a sourced encoder reading them brings
    none along, and a model without them (the shipped one) loads none."""
    if not (model_dir / "vocab" / "vectors.cfg").exists():
        return None
    vectors = Vectors().from_disk(model_dir / "vocab")
    return vectors if vectors.shape[0] else None


def build_pipeline(config_path: Path = PRELABEL_CONFIG, model_dir: Path = NER_MODEL, lexicon: Path | None = None) -> Language:
    """Assemble the spaCy pipeline from the package config, sourcing the trained model.

    A learnt model's ``lexicon/`` folder (what reviewers taught the rules) goes with it: the
    entity rules and the quote attributor read it.  ``lexicon`` names another folder (measuring only).
    """
    lexicon = lexicon or lexicon_dir(Path(model_dir))
    overrides = {"paths.ner_model": str(model_dir), "paths.lexicon": str(lexicon) if lexicon.is_dir() else None}
    config = spacy.util.load_config(config_path, overrides=overrides, interpolate=False)
    nlp = spacy.util.load_model_from_config(config, auto_fill=True, validate=True)
    if (vectors := _static_vectors(Path(model_dir))) is not None:
        nlp.vocab.vectors = vectors
    nlp.max_length = MAX_PIECE_CHARS + 1
    return use_prediction_network(use_prediction_ops(nlp))


def split_pieces(text: str, limit: int = MAX_PIECE_CHARS) -> list[tuple[int, str]]:
    """``(offset, piece)`` pairs covering ``text``, cut after a line break where possible."""
    return text_pieces(text, limit)


def _entity_record(text: str, start: int, end: int, label: str, value: Any, source: str) -> dict[str, Any]:
    """An entity as records keep it; ``source`` names what made it (``model`` or a rule), for review and evaluation."""
    record: dict[str, Any] = {"start": start, "end": end, "label": label, "text": text[start:end]}
    if value is not None:
        record["value"] = value
    record["source"] = source
    return record


class Prelabeler:
    """Labels documents with a spaCy pipeline; one instance serves a whole run."""

    def __init__(self, nlp: Language, batch_size: int | None = None, model: dict[str, str] | None = None) -> None:
        self.nlp = nlp
        self.batch_size = batch_size or nlp.batch_size
        self.model = model  # which entity model, written into each record's meta["ner_model"] when given

    def _docs(self, documents: Iterable[Document]) -> Iterator[tuple[Doc, tuple[Document, int, bool]]]:
        for document in documents:
            pieces = split_pieces(document.text)
            words = _pkuseg_words(document)
            for index, (offset, piece) in enumerate(pieces):
                doc = self.nlp.make_doc(entity_view(piece))
                doc._.meta = dict(document.meta)
                doc._.blocks = _blocks_in_piece(document.blocks, offset, len(piece))
                if words is not None:
                    doc._.word_spans = _words_in_piece(words, offset, len(piece))
                yield doc, (document, offset, index == len(pieces) - 1)

    def label_documents(self, documents: Iterable[Document]) -> Iterator[Document]:
        """Stream documents through the pipeline, filling ``entities`` (and ``quotes``)."""
        entities: list[dict[str, Any]] = []
        quotes: list[dict[str, Any]] = []
        batches = chunked(self._docs(documents), self.batch_size, weight=lambda item: len(item[0]), max_weight=MAX_BATCH_CHARS)
        labelled = (item for batch in batches for item in self.nlp.pipe(batch, as_tuples=True, batch_size=len(batch)))
        for doc, (document, offset, last) in labelled:
            entities += [
                _entity_record(document.text, offset + e.start_char, offset + e.end_char, e.label_, e._.value, e._.rule)
                for e in doc.ents
            ]
            if doc._.quotes:  # the piece as written and as read (the Doc's own text): no second view made
                view = doc_text(doc)
                piece = document.text[offset : offset + len(view)]
                quotes += _shift_quotes([_with_record_text(q, piece, view) for q in doc._.quotes], offset)
            if last:
                document.entities = entities
                document.quotes = quotes
                if self.model is not None:
                    document.meta = {**document.meta, "ner_model": dict(self.model)}
                entities, quotes = [], []
                yield document

    def tag_log_probabilities(self, documents: Iterable[Document]) -> Iterator[tuple[Document, numpy.ndarray]]:
        """Each document with the tagger's log-probability of every tag, a row per character (its pieces
        joined): how sure the model is, before any rule (``corpusprep doccano push --order uncertain``)."""
        tagger = self.nlp.get_pipe("tagger")
        rows: list[numpy.ndarray] = []
        batches = chunked(self._docs(documents), self.batch_size, weight=lambda item: len(item[0]), max_weight=MAX_BATCH_CHARS)
        for batch in batches:
            docs = [doc for doc, _ in batch]
            for name in TAGGER_FEATURES:  # the features and vectors the tagger reads, as the pipeline sets them
                if name in self.nlp.pipe_names:  # tok2vec is off when the tagger scores through its network
                    component = self.nlp.get_pipe(name)
                    docs = list(component.pipe(docs) if hasattr(component, "pipe") else map(component, docs))
            for (_, (document, _, last)), scores in zip(batch, tagger.scores(docs)):
                rows.append(log_probabilities(scores))
                if last:
                    yield document, numpy.concatenate(rows)
                    rows = []

    def label_text(self, text: str, meta: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Entities of one text (convenience for tests and notebooks)."""
        document = Document(id="text", text=text, meta=dict(meta or {}))
        return next(self.label_documents([document])).entities


def _pkuseg_words(document: Document) -> list[list[int]] | None:
    """The words the segment stage cut with pkuseg, or None (the NER then cuts them itself)."""
    segmenter = document.meta.get("segmenter") or {}
    if segmenter.get("name") == "pkuseg" and (document.tokens or not document.text.strip()):
        return document.tokens  # a blank text has no words: nothing to cut (and no segmenter to load)
    return None


def _words_in_piece(words: list[list[int]], offset: int, length: int) -> list[list[int]]:
    """Word spans inside ``[offset, offset + length)``, relative to the piece."""
    if not offset and (not words or words[-1][1] <= length):
        return words
    return [[start - offset, end - offset] for start, end in words if start >= offset and end <= offset + length]


def _blocks_in_piece(blocks: list[Block], offset: int, length: int) -> list[Block]:
    """Layout blocks inside ``[offset, offset + length)``, relative to the piece."""
    if not offset and (not blocks or blocks[-1].end <= length):
        return blocks
    return [Block(b.kind, b.start - offset, b.end - offset) for b in blocks if b.start >= offset and b.end <= offset + length]


def _shift_quotes(quotes: list[dict[str, Any]], offset: int) -> list[dict[str, Any]]:
    """Quote records of a piece, with every ``start``/``end`` moved by the piece's offset."""
    if not offset:
        return list(quotes)

    def shift(value: Any) -> Any:
        if isinstance(value, dict):
            return {
                k: (v + offset if k in ("start", "end") and isinstance(v, int) else shift(v)) for k, v in value.items()
            }
        if isinstance(value, list):
            return [shift(v) for v in value]
        return value

    return [shift(q) for q in quotes]


def _with_record_text(quote: dict[str, Any], text: str, view: str) -> dict[str, Any]:
    """Span texts taken from the record's own text, not from ``view``, the copy the pipeline read
    (:func:`entity_view`, same length); so is the speaker's name where it stands in the text as one piece
    (马克·杰克逊 read, 马克-杰克逊 written)."""
    quote = {
        key: {**span, "text": text[span["start"] : span["end"]]} if isinstance(span, dict) and "start" in span else span
        for key, span in quote.items()
    }
    name = quote.get("speaker_name")
    if isinstance(name, str) and name and (at := view.find(name)) >= 0:
        quote["speaker_name"] = text[at : at + len(name)]
    return quote


def load_prelabeler(config_path: Path = PRELABEL_CONFIG, model_dir: Path = NER_MODEL, lexicon: Path | None = None) -> Prelabeler:
    """The project's prelabeler: the package config with the shipped model (or ``model_dir``, and its lexicon)."""
    return Prelabeler(build_pipeline(config_path, model_dir, lexicon))


def prelabel_stage(model: str | None = None) -> Callable[[Iterable[Document]], Iterator[Document]]:
    """The stage's entry point (``pipeline.stages.STAGES``): the pipeline, loaded once, over a stream.

    ``model``: an entity model folder (``corpusprep learn`` writes them), else the shipped
    one; every record says which in ``meta["ner_model"]``.
    """
    choice = choose_model(model)
    return Prelabeler(build_pipeline(PRELABEL_CONFIG, choice.path), model=choice.describe()).label_documents
