"""spaCy components of the pipeline, registered once as factories.

Pipelines are assembled from the ``.cfg`` files in ``pipeline/configs/``; this
module only registers what those configs name.  Results live on the Doc:
``doc.ents`` (entities, with ``span._.value`` for normalised DATE/PERCENT values),
``doc._.quotes`` (attributions in the record's format) and ``doc._.meta`` (the
record's metadata, e.g. the issue date that relative dates resolve against).
``doc._.word_spans`` carries words the segment stage already cut, so the NER's word
features do not segment the text a second time; ``doc._.blocks`` the layout blocks repair
found (bylines, pull-quote attributions), so the quote attributor does not look for them again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from spacy.tokens import Doc, Span

if TYPE_CHECKING:
    from pipeline.segmenter.model import Segmenter

if not Doc.has_extension("meta"):
    Doc.set_extension("meta", default=None)
if not Doc.has_extension("quotes"):
    Doc.set_extension("quotes", default=None)
if not Doc.has_extension("blocks"):
    Doc.set_extension("blocks", default=())
if not Doc.has_extension("word_spans"):
    Doc.set_extension("word_spans", default=None)
if not Span.has_extension("value"):
    Span.set_extension("value", default=None)


# --- entities -------------------------------------------------------------------------

from spacy.language import Language  # noqa: E402

from pipeline.core.text import doc_text  # noqa: E402


@Language.component("char_bigrams")
def char_bigrams(doc: Doc) -> Doc:
    """Give character tokens their bigram as NORM, a feature the NER model embeds."""
    from pipeline.stages.entities.features import set_char_bigrams

    return set_char_bigrams(doc)


class WordFeatures:
    """Word-position features (LEMMA) for character tokens.

    Words come from ``doc._.word_spans`` (set from the segment stage's tokens), else
    from ``cuts`` (text -> word spans; training reads jackknifed cuts, so the model
    meets segmenter errors like those on unseen text), else from ``segmenter`` (the
    shipped pkuseg when None; evaluation sets one that never saw the text it cuts).
    """

    def __init__(self, cuts: dict[str, list[list[int]]] | None = None) -> None:
        self.cuts = cuts or {}
        self.segmenter: Segmenter | None = None

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs, batch_size: int = 256):
        from spacy.util import minibatch

        from pipeline.stages.entities.features import segment_word_spans, set_word_features

        for batch in minibatch(docs, size=batch_size):
            for doc in batch:
                if doc._.word_spans is None and doc_text(doc) in self.cuts:
                    doc._.word_spans = self.cuts[doc_text(doc)]
            uncut = [doc for doc in batch if doc._.word_spans is None]
            if uncut:  # the segmenter is loaded only when some text has no words yet
                for doc, spans in zip(uncut, segment_word_spans([doc_text(doc) for doc in uncut], self.segmenter)):
                    doc._.word_spans = spans
            for doc in batch:
                yield set_word_features(doc, doc._.word_spans)


@Language.factory("word_features", default_config={"cuts_path": None})
def make_word_features(nlp, name, cuts_path):  # untyped: confection validates real annotations only
    """The shape of the pkuseg word each character belongs to, as the character's LEMMA.

    ``cuts_path``: a JSONL of ``{"text", "words"}`` whose word spans are used for those
    texts instead of cutting them (training only).
    """
    from pathlib import Path

    from pipeline.core.jsonl import iter_json_lines

    cuts = {r["text"]: r["words"] for _, r in iter_json_lines(Path(cuts_path))} if cuts_path else None
    return WordFeatures(cuts)


@Language.factory(
    "biluo_tagger",
    assigns=["token.tag"],
    default_config={
        "model": {"@architectures": "spacy.Tagger.v2", "nO": None, "normalize": False},
        "overwrite": False,
        "scorer": {"@scorers": "spacy.tagger_scorer.v1"},
        "neg_prefix": "!",
        "label_smoothing": 0.0,
    },
    default_score_weights={"tag_acc": 1.0},
)
def make_biluo_tagger(nlp, name, model, overwrite, scorer, neg_prefix, label_smoothing):
    """spaCy's tagger for per-character BILUO tags, decoding only well-formed tag sequences (Viterbi)."""
    from pipeline.stages.entities.tags import BiluoTagger

    return BiluoTagger(
        nlp.vocab, model, name, overwrite=overwrite, scorer=scorer, neg_prefix=neg_prefix, label_smoothing=label_smoothing
    )


@Language.factory(
    "entities_from_tags",
    default_score_weights={"ents_f": 1.0, "ents_p": 0.0, "ents_r": 0.0, "ents_per_type": None},
)
def make_entities_from_tags(nlp, name):
    """``doc.ents`` from a character tagger's BILUO ``token.tag_`` (ill-formed sequences repaired)."""
    from pipeline.stages.entities.tags import EntitiesFromTags

    return EntitiesFromTags()


@Language.factory("entity_rules", default_config={"labels": None, "lexicon": None})
def make_entity_rules(nlp, name, labels, lexicon):  # untyped: confection validates real annotations only
    """Exact rules (dates, percents, organ names, bylines, name lists, titles) merged over the model's ents.

    ``lexicon``: a learnt model's ``lexicon/`` folder, whose persons and organisations the rules find too,
    and whose names reviewers took away they never give.
    """
    from pipeline.learn.lexicon import read_lexicon
    from pipeline.stages.entities.components import EntityRules

    learnt = read_lexicon(lexicon)
    return EntityRules(labels, learnt.persons, learnt.orgs, {"PERSON": learnt.not_persons, "ORG": learnt.not_orgs})


@Language.factory("entity_values")
def make_entity_values(nlp, name):
    """Normalised ``span._.value``: ISO 8601 for DATE (against ``doc._.meta['date']``), a number for PERCENT."""
    from pipeline.stages.entities.components import EntityValues

    return EntityValues()


# --- quotes ---------------------------------------------------------------------------


class QuoteAttributor:
    """Sets ``doc._.quotes`` from the article text, ``doc.ents``, ``doc._.meta`` and ``doc._.blocks`` (see ``pipeline.stages.quotes``).

    With ``pos_tags`` the words the segmenter cut (``doc._.word_spans``) are tagged in the clauses
    before cue words only (:func:`pipeline.core.pos.tag_many`, loaded on first use), so that a cue's
    source is the subject noun phrase of its clause.
    """

    def __init__(self, pos_tags: bool = True, lexicon=None) -> None:  # lexicon: a QuoteWords (the shipped lists when None)
        self.pos_tags = pos_tags
        self.lexicon = lexicon

    def __call__(self, doc: Doc) -> Doc:
        from pipeline.core.pos import tag_many
        from pipeline.stages.quotes import attribute_quotes

        entities = [{"start": e.start_char, "end": e.end_char, "label": e.label_} for e in doc.ents]
        words = doc._.word_spans if self.pos_tags else None
        tag = tag_many if words is not None else None
        doc._.quotes = attribute_quotes(
            doc_text(doc), entities, doc._.meta or {}, doc._.blocks or (), words=words, tag=tag, lexicon=self.lexicon
        )
        return doc


@Language.factory("quote_attributor", default_config={"pos_tags": True, "lexicon": None})
def make_quote_attributor(nlp, name, pos_tags, lexicon):  # untyped: confection validates real annotations only
    """Quote attribution (cue, speaker, content) after the entity components.

    ``lexicon``: a learnt model's ``lexicon/`` folder, whose cues and sources the attributor knows too.
    """
    from pipeline.learn.lexicon import read_lexicon
    from pipeline.stages.quotes.lexicon import quote_words

    learnt = read_lexicon(lexicon)
    return QuoteAttributor(pos_tags, quote_words(learnt.cues, learnt.sources))
