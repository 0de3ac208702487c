"""The segment stage's word offsets, aligned from pkuseg's cut, are those of the Doc spaCy would build."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.tokens import Doc
from spacy.util import get_words_and_spaces

from pipeline.core.record import Document
from pipeline.segmenter.model import Segmenter, aligned_word_offsets, load_segmenter, word_offsets
from pipeline.stages.ingest import read_article
from pipeline.stages.normalize import normalize_document
from pipeline.stages.repair import repair_document

FIXTURES = Path(__file__).parent / "fixtures"
VOCAB = spacy.blank("zh").vocab  # Chinese lexical attributes (IS_SPACE) as the segment pipeline has them


def offsets_through_doc(words: list[str], text: str) -> list[list[int]]:
    tokens, spaces = get_words_and_spaces(words, text)
    return word_offsets(Doc(VOCAB, words=tokens, spaces=spaces))


@pytest.mark.parametrize(
    ("words", "text", "expected"),
    [
        (["新年", "讲话"], "新年讲话", [[0, 2], [2, 4]]),
        (["新年", "讲话"], "新年 讲话", [[0, 2], [3, 5]]),
        (["新年", " ", "讲话"], "新年  讲话\n", [[0, 2], [4, 6]]),
        (["Windows", "7"], "Windows 7", [[0, 7], [8, 9]]),
        ([], "", []),
        ([], " \n", []),
    ],
)
def test_aligned_word_offsets(words: list[str], text: str, expected: list[list[int]]) -> None:
    assert aligned_word_offsets(words, text) == expected == offsets_through_doc(words, text)


pieces = st.lists(
    st.tuples(st.text(alphabet="新年讲话好a1，", min_size=1, max_size=4), st.text(alphabet=" \n\t\u3000", max_size=2)),
    max_size=12,
)


@settings(max_examples=300)
@given(pieces)
def test_alignment_matches_the_doc_spacy_builds(parts: list[tuple[str, str]]) -> None:
    text = "".join(word + gap for word, gap in parts)
    words = [word for word, _ in parts]
    assert aligned_word_offsets(words, text) == offsets_through_doc(words, text)


@pytest.fixture(scope="module")
def shipped() -> Segmenter:
    return load_segmenter()


def _pipe_path(segmenter: Segmenter) -> Segmenter:
    """The same model through ``nlp.pipe``: a Segmenter whose cut is not taken directly."""
    through_pipe = replace(segmenter)
    through_pipe._pkuseg_cut = lambda: None  # type: ignore[method-assign]
    return through_pipe


PAGES = sorted((FIXTURES / "ocr").glob("*.txt")) + sorted((FIXTURES / "layouts").glob("*.txt"))


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_segment_stage_gives_the_tokens_of_spacys_pipeline(shipped: Segmenter, path: Path) -> None:
    doc = repair_document(normalize_document(read_article(path)))
    extra = Document(id="spaces", text="新年  讲话\n\n  一九九八年 ，Windows 7\u3000好")
    assert shipped._pkuseg_cut() is not None
    direct = list(shipped.segment_documents([doc, extra]))
    piped = list(_pipe_path(shipped).segment_documents([doc, extra]))
    assert [d.tokens for d in direct] == [d.tokens for d in piped]
    assert [d.meta for d in direct] == [d.meta for d in piped]
    assert direct[0].tokens  # the page has words


@pytest.mark.parametrize(
    ("words", "text"),
    [
        (["新年", " ", "讲话"], "新年  讲话"),
        (["新 年", "讲话"], "新 年讲话"),  # a word holding whitespace
        (["新年", "\n", "讲话"], "新年\n讲话"),  # a whitespace word
        (["年", "年"], "年 年"),
    ],
)
def test_words_not_as_pkuseg_cuts_them_align_as_spacy_aligns_them(words: list[str], text: str) -> None:
    assert aligned_word_offsets(words, text) == offsets_through_doc(words, text)
