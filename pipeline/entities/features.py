"""Context features for character tokens, read by the NER model's embedding layer.

A single Chinese character says little; the character bigram it starts says much
more (书记, 市长, 公司).  Its hash is stored as the token's NORM so spaCy's
``MultiHashEmbed`` embeds it like any other token attribute, without custom model
code.  Only the hash is stored (not the string), so the vocabulary does not grow
with every bigram a long run meets.
"""

from __future__ import annotations

import numpy
from spacy.attrs import NORM
from spacy.strings import get_string_id
from spacy.tokens import Doc


def set_char_bigrams(doc: Doc) -> Doc:
    """Set each token's NORM to the hash of its text joined with the next token's text."""
    if not len(doc):
        return doc
    words = [token.text for token in doc]
    following = words[1:] + [""]
    hashes = numpy.fromiter(
        (get_string_id(word + after) for word, after in zip(words, following)), dtype="uint64", count=len(words)
    )
    return doc.from_array([NORM], hashes.reshape(-1, 1))
