"""Context features for character tokens, read by the NER model's embedding layer.

A single Chinese character says little; the character bigram it starts says much
more (书记, 市长, 公司), and where the words around it begin and end more still: a
one-character word before a two-character one is how a surname + given name looks
to pkuseg (PKU standard: 江 泽民).  Both are stored as hashes in token attributes
spaCy's ``MultiHashEmbed`` already embeds, so no custom model code is needed: the
bigram as NORM, the character's position in its pkuseg word (``B``egin, ``I``nside,
``E``nd, ``S``ingle) with the word's length as LEMMA.  Only hashes are stored (not
strings), so the vocabulary does not grow with every word a long run meets.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy
from spacy.attrs import IDX, LEMMA, LENGTH, NORM
from spacy.strings import get_string_id
from spacy.tokens import Doc

from pipeline.entities.text import doc_text, segmenter_view

if TYPE_CHECKING:
    from pipeline.segment import Segmenter

NO_WORD = "_"


def token_texts(doc: Doc) -> list[str]:
    """The text of every token, sliced from ``doc.text`` (no Token object per character)."""
    text = doc_text(doc)
    return [text[start : start + length] for start, length in doc.to_array([IDX, LENGTH]).tolist()]


def set_char_bigrams(doc: Doc) -> Doc:
    """Set each token's NORM to the hash of its text joined with the next token's text."""
    if not len(doc):
        return doc
    words = token_texts(doc)
    following = words[1:] + [""]
    hashes = numpy.fromiter(
        (get_string_id(word + after) for word, after in zip(words, following)), dtype="uint64", count=len(words)
    )
    return doc.from_array([NORM], hashes.reshape(-1, 1))


def word_position_features(text: str, word_spans: Sequence[Sequence[int]]) -> list[str]:
    """For each character of ``text``: its position in its word (B/I/E/S) and the word's length.

    Only the shape of the cut, not the word itself: the segmenter is near perfect on
    the text it was trained on and errs on new text, and a model that memorised
    words would trust it too much there.  ``word_spans``: ``[start, end]`` character
    offsets of the words (whitespace may be left out); a character in no word gets
    ``NO_WORD``.
    """
    features = [NO_WORD] * len(text)
    for start, end in word_spans:
        start, end = max(start, 0), min(end, len(text))
        length = end - start
        if length == 1:
            features[start] = "S1"
        elif length > 1:
            size = str(min(length, 5))
            features[start] = "B" + size
            for i in range(start + 1, end - 1):
                features[i] = "I" + size
            features[end - 1] = "E" + size
    return features


def set_word_features(doc: Doc, word_spans: Sequence[Sequence[int]]) -> Doc:
    """Set each character token's LEMMA to the hash of its word-position feature."""
    if not len(doc):
        return doc
    features = word_position_features(doc_text(doc), word_spans)
    starts = doc.to_array(IDX).tolist()
    hashes = numpy.fromiter((get_string_id(features[start]) for start in starts), dtype="uint64", count=len(doc))
    return doc.from_array([LEMMA], hashes.reshape(-1, 1))


@lru_cache(maxsize=1)
def _shipped_segmenter() -> Segmenter:
    from pipeline.segment import load_segmenter

    return load_segmenter()


def segment_word_spans(texts: Sequence[str], segmenter: Segmenter | None = None) -> list[list[list[int]]]:
    """``[start, end]`` word offsets in each text, cut by ``segmenter`` (the shipped pkuseg model by default).

    For texts no segment stage has cut (training, standalone ``prelabel``); the
    segmenter's view has the same length, so its offsets are the text's.
    """
    from pipeline.segment import word_offsets

    segmenter = segmenter or _shipped_segmenter()
    return [word_offsets(doc) for doc in segmenter.nlp.pipe(map(segmenter_view, texts), batch_size=segmenter.batch_size)]
