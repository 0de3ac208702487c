"""Character tokens and word alignment: what spaCy's Chinese tokenizer gives, in linear time.

spaCy's ``get_words_and_spaces`` finds each word in a fresh slice of the rest of the
text, so aligning a text costs time in the square of its length: it was a tenth of the
prelabel stage's time outside the model on the bench articles, and more on long ones.
:func:`words_and_spaces` searches from a position instead and returns the same tokens;
the ``corpusprep.CharTokenizer.v1`` tokenizer makes the Doc spaCy's ``char`` segmenter makes,
and keeps the text it was made from for :func:`pipeline.core.text.doc_text`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

import spacy
from spacy.errors import Errors
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

from pipeline.core.text import DOC_TEXT_KEY


def words_and_spaces(words: Iterable[str], text: str) -> tuple[list[str], list[bool]]:
    """spaCy's ``get_words_and_spaces(words, text)``, result for result, without its quadratic slicing."""
    words = list(words)
    if "".join("".join(words).split()) != "".join(text.split()):
        raise ValueError(Errors.E194.format(text=text, words=words))
    tokens: list[str] = []
    spaces: list[bool] = []
    position = 0
    for word in words:
        if word.isspace():
            continue
        start = text.find(word, position)
        if start < 0:
            raise ValueError(Errors.E194.format(text=text, words=words))
        if start > position:
            tokens.append(text[position:start])
            spaces.append(False)
        tokens.append(word)
        spaces.append(False)
        position = start + len(word)
        if position < len(text) and text[position] == " ":
            spaces[-1] = True
            position += 1
    if position < len(text):
        tokens.append(text[position:])
        spaces.append(False)
    return tokens, spaces


class CharTokenizer:
    """One token per character, as spaCy's Chinese tokenizer with ``segmenter = "char"``."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        words, spaces = char_words_and_spaces(text)
        doc = Doc(self.vocab, words=words, spaces=spaces)
        doc.user_data[DOC_TEXT_KEY] = text  # what doc_text reads: not joined again from the tokens
        return doc


_WHITESPACE_RUNS = re.compile(r"(\s+)")


def char_words_and_spaces(text: str) -> tuple[list[str], list[bool]]:
    """``words_and_spaces(list(text), text)``, a run of text at a time instead of a character:
    every other character is a token, a space right after one is its trailing space, and
    the rest of a whitespace run is one token."""
    words: list[str] = []
    spaces: list[bool] = []
    for index, run in enumerate(_WHITESPACE_RUNS.split(text)):
        if index % 2 == 0:  # the pieces between whitespace runs
            words.extend(run)
            spaces.extend([False] * len(run))
            continue
        if run[0] == " " and words:
            spaces[-1] = True
            run = run[1:]
        if run:
            words.append(run)
            spaces.append(False)
    return words, spaces


@spacy.registry.tokenizers("corpusprep.CharTokenizer.v1")
def create_char_tokenizer() -> Callable[[Language], CharTokenizer]:
    def make(nlp: Language) -> CharTokenizer:
        return CharTokenizer(nlp.vocab)

    return make
