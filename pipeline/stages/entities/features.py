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

from pipeline.core.text import doc_text, segmenter_view

if TYPE_CHECKING:
    from pipeline.segmenter.model import Segmenter

NO_WORD = "_"


def token_texts(doc: Doc) -> list[str]:
    """The text of every token, sliced from ``doc.text`` (no Token object per character)."""
    text = doc_text(doc)
    return [text[start : start + length] for start, length in doc.to_array([IDX, LENGTH]).tolist()]


def set_char_bigrams(doc: Doc) -> Doc:
    """Set each token's NORM to the hash of its text joined with the next token's text."""
    if not len(doc):
        return doc
    text = doc_text(doc)
    if len(doc) == len(text):  # every token one character, none with a trailing space: the bigrams are slices
        bigrams = [text[i : i + 2] for i in range(len(text))]
    else:
        words = token_texts(doc)
        bigrams = [word + after for word, after in zip(words, words[1:] + [""])]
    hashes = numpy.fromiter(map(get_string_id, bigrams), dtype="uint64", count=len(bigrams))
    return doc.from_array([NORM], hashes.reshape(-1, 1))


# Word-position features and their codes: 0 is no word, 1 a one-character word, then B/I/E for sizes 2-5.
WORD_POSITIONS = [NO_WORD, "S1"] + [move + str(size) for size in range(2, 6) for move in "BIE"]
_POSITION_HASHES = numpy.array([get_string_id(feature) for feature in WORD_POSITIONS], dtype="uint64")


def word_position_features(text: str, word_spans: Sequence[Sequence[int]]) -> list[str]:
    """For each character of ``text``: its position in its word (B/I/E/S) and the word's length.

    Only the shape of the cut, not the word itself: the segmenter is near perfect on
    the text it was trained on and errs on new text, and a model that memorised
    words would trust it too much there.  ``word_spans``: ``[start, end]`` character
    offsets of the words (whitespace may be left out); a character in no word gets
    ``NO_WORD``.
    """
    return [WORD_POSITIONS[code] for code in word_position_codes(len(text), word_spans).tolist()]


def word_position_codes(length: int, word_spans: Sequence[Sequence[int]]) -> numpy.ndarray:
    """:func:`word_position_features` as indices into ``WORD_POSITIONS``, computed with numpy.

    Spans are clipped to the text; where spans overlap, a character takes its
    feature from the last span that covers it.
    """
    codes = numpy.zeros(length, dtype=numpy.int64)
    spans = numpy.asarray(word_spans, dtype=numpy.int64).reshape(-1, 2)
    starts, ends = numpy.maximum(spans[:, 0], 0), numpy.minimum(spans[:, 1], length)
    number = numpy.flatnonzero(ends > starts)  # the spans that cover any character, in order
    if not len(number):
        return codes
    starts, ends = starts[number], ends[number]
    sizes = ends - starts
    # every covered position with its span's number, then each position's last span
    offsets = numpy.arange(int(sizes.sum())) - numpy.repeat(numpy.cumsum(sizes) - sizes, sizes)
    positions = numpy.repeat(starts, sizes) + offsets
    last = numpy.full(length, -1, dtype=numpy.int64)
    numpy.maximum.at(last, positions, numpy.repeat(numpy.arange(len(number)), sizes))
    covered = numpy.flatnonzero(last >= 0)
    span = last[covered]
    start, end, size = starts[span], ends[span], numpy.minimum(sizes[span], 5)
    move = numpy.where(covered == start, 0, numpy.where(covered == end - 1, 2, 1))  # B, E, else I
    codes[covered] = numpy.where(size == 1, 1, 2 + (size - 2) * 3 + move)
    return codes


def set_word_features(doc: Doc, word_spans: Sequence[Sequence[int]]) -> Doc:
    """Set each character token's LEMMA to the hash of its word-position feature."""
    if not len(doc):
        return doc
    codes = word_position_codes(len(doc_text(doc)), word_spans)
    hashes = _POSITION_HASHES[codes[doc.to_array(IDX)]]
    return doc.from_array([LEMMA], hashes.reshape(-1, 1))


@lru_cache(maxsize=1)
def _shipped_segmenter() -> Segmenter:
    from pipeline.segmenter.model import load_segmenter

    return load_segmenter()


def segment_word_spans(texts: Sequence[str], segmenter: Segmenter | None = None) -> list[list[list[int]]]:
    """``[start, end]`` word offsets in each text, cut by ``segmenter`` (the shipped pkuseg model by default).

    For texts no segment stage has cut (training, standalone ``prelabel``); the
    segmenter's view has the same length, so its offsets are the text's.
    """
    from pipeline.segmenter.model import word_offsets

    segmenter = segmenter or _shipped_segmenter()
    return [word_offsets(doc) for doc in segmenter.nlp.pipe(map(segmenter_view, texts), batch_size=segmenter.batch_size)]
