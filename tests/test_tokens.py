"""pipeline.core.tokens gives what spaCy gives: the same tokens and spaces, the same char Docs."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import spacy
from hypothesis import given
from hypothesis import strategies as st
from spacy.util import get_words_and_spaces

from pipeline.core.text import DOC_TEXT_KEY
from pipeline.core.tokens import CharTokenizer, words_and_spaces

TEXTS = st.text(alphabet="中文人 \n\t\u3000a𠮷，", max_size=30)


@st.composite
def cut_texts(draw: st.DrawFn) -> tuple[list[str], str]:
    """A text and a cut of it into words; whitespace kept as words or dropped, as segmenters do."""
    text = draw(TEXTS)
    cuts = sorted(draw(st.sets(st.integers(1, max(len(text) - 1, 1)), max_size=10)))
    bounds = [0, *[c for c in cuts if c < len(text)], len(text)]
    words = [text[a:b] for a, b in zip(bounds, bounds[1:]) if b > a]
    if draw(st.booleans()):
        words = [w for w in words if not w.isspace()]
    return words, text


def outcome(align: Callable[[list[str], str], object], words: list[str], text: str) -> object:
    """The alignment, or the message it is refused with (a word with whitespace at its edge can be)."""
    try:
        return align(words, text)
    except ValueError as error:
        return str(error)


@given(cut_texts())
def test_words_and_spaces_is_spacys_alignment(cut: tuple[list[str], str]) -> None:
    words, text = cut
    assert outcome(words_and_spaces, words, text) == outcome(get_words_and_spaces, words, text)


@given(TEXTS)
def test_char_tokenizer_makes_spacys_char_doc(text: str) -> None:
    spacy_nlp = spacy.blank("zh")  # segmenter "char" by default
    ours = CharTokenizer(spacy_nlp.vocab)(text)
    theirs = spacy_nlp.make_doc(text)
    assert [(t.text, t.whitespace_) for t in ours] == [(t.text, t.whitespace_) for t in theirs]
    assert ours.user_data[DOC_TEXT_KEY] == theirs.text  # the text doc_text reads, kept as the doc was made


@pytest.mark.parametrize(("words", "text"), [(["中国", "美国"], "中国人"), (["中国"], "中 国 x")])
def test_words_that_are_not_the_text_are_refused_as_spacy_refuses_them(words: list[str], text: str) -> None:
    with pytest.raises(ValueError) as ours:
        words_and_spaces(words, text)
    with pytest.raises(ValueError) as theirs:
        get_words_and_spaces(words, text)
    assert str(ours.value) == str(theirs.value)


@given(TEXTS)
def test_char_words_and_spaces_is_the_alignment_of_every_character(text: str) -> None:
    from pipeline.core.tokens import char_words_and_spaces

    assert char_words_and_spaces(text) == get_words_and_spaces(list(text), text)
