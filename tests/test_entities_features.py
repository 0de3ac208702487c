"""Character features of the NER model: bigrams, pkuseg word shapes, and where the words come from."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy
from hypothesis import given
from hypothesis import strategies as st
from spacy.strings import get_string_id

import pipeline.stages.components  # noqa: F401  (registers word_features)
from pipeline.core.record import Document
from pipeline.core.text import segmenter_view
from pipeline.stages.entities.features import NO_WORD, segment_word_spans, token_texts, word_position_features
from pipeline.stages.prelabel import _pkuseg_words, _words_in_piece
from pipeline.train.ner.jackknife import half_of, split_segmented, write_cuts


@pytest.mark.parametrize(
    ("text", "spans", "features"),
    [
        ("江泽民说", [[0, 1], [1, 3], [3, 4]], ["S1", "B2", "E2", "S1"]),
        ("有限公司", [[0, 4]], ["B4", "I4", "I4", "E4"]),
        ("奥尔布赖特的", [[0, 5], [5, 6]], ["B5", "I5", "I5", "I5", "E5", "S1"]),
        ("中华人民共和国", [[0, 7]], ["B5", "I5", "I5", "I5", "I5", "I5", "E5"]),  # lengths above 5 share one class
        ("李 鹏", [[0, 1], [2, 3]], ["S1", NO_WORD, "S1"]),  # whitespace is in no word
        ("", [], []),
    ],
)
def test_word_position_features(text: str, spans: list[list[int]], features: list[str]) -> None:
    assert word_position_features(text, spans) == features


@given(st.text(alphabet="的是李鹏公司 ,(", max_size=30), st.lists(st.integers(1, 6), max_size=10))
def test_every_character_gets_exactly_one_feature(text: str, lengths: list[int]) -> None:
    spans, start = [], 0
    for length in lengths:  # consecutive words, the last possibly running past the text
        spans.append([start, start + length])
        start += length
    features = word_position_features(text, spans)
    assert len(features) == len(text)
    covered = min(start, len(text))
    assert all(f != NO_WORD for f in features[:covered]) and all(f == NO_WORD for f in features[covered:])


def test_segmenter_view_widens_punctuation_only() -> None:
    text = "他说:“好(12%)”,Ab!"
    view = segmenter_view(text)
    assert len(view) == len(text)
    assert view == "他说：“好（12％）”，Ab！"


def test_component_uses_given_words_before_cutting() -> None:
    nlp = spacy.blank("zh")
    nlp.add_pipe("word_features")
    doc = nlp.make_doc("李鹏会见")
    doc._.word_spans = [[0, 2], [2, 4]]  # what a segment stage cut: the component must not re-cut
    doc = nlp.get_pipe("word_features")(doc)
    assert [t.lemma for t in doc] == [get_string_id(f) for f in ["B2", "E2", "B2", "E2"]]


def test_component_cuts_with_the_shipped_segmenter_when_no_words_are_given() -> None:
    nlp = spacy.blank("zh")
    nlp.add_pipe("word_features")
    text = "国务院总理李鹏昨天在北京会见了客人。"
    doc = nlp(text)
    assert doc._.word_spans == segment_word_spans([text])[0]
    assert ["".join(text[s:e]) for s, e in doc._.word_spans][:3] == ["国务院", "总理", "李"]


def test_component_reads_training_cuts(tmp_path: Path) -> None:
    cuts = tmp_path / "cuts.jsonl"
    cuts.write_text(json.dumps({"text": "李鹏会见", "words": [[0, 4]]}, ensure_ascii=False) + "\n", encoding="utf-8")
    nlp = spacy.blank("zh")
    nlp.add_pipe("word_features", config={"cuts_path": str(cuts)})
    assert nlp("李鹏会见")._.word_spans == [[0, 4]]
    assert nlp("别的文本")._.word_spans != [[0, 4]]  # a text the cuts do not hold is cut by pkuseg


@pytest.mark.parametrize(
    ("words", "offset", "length", "inside"),
    [
        ([[0, 2], [2, 3]], 0, 3, [[0, 2], [2, 3]]),
        ([[0, 2], [2, 3], [4, 6], [6, 7]], 4, 3, [[0, 2], [2, 3]]),
        ([[0, 2], [2, 5], [5, 6]], 3, 3, [[2, 3]]),  # a word cut by the piece boundary is left out
    ],
)
def test_words_in_piece(words: list[list[int]], offset: int, length: int, inside: list[list[int]]) -> None:
    assert _words_in_piece(words, offset, length) == inside


@pytest.mark.parametrize(
    ("meta", "tokens", "reused"),
    [
        ({"segmenter": {"name": "pkuseg"}}, [[0, 2]], True),
        ({"segmenter": {"name": "char"}}, [[0, 1], [1, 2]], False),  # char tokens are no words: cut again
        ({}, [], False),
    ],
)
def test_prelabel_reuses_only_pkuseg_words(meta: dict, tokens: list[list[int]], reused: bool) -> None:
    document = Document(id="d", text="李鹏", meta=meta, tokens=tokens)
    assert (_pkuseg_words(document) is not None) == reused


def test_prelabel_gives_the_same_entities_with_reused_or_recut_words() -> None:
    from pipeline.segmenter.model import load_segmenter
    from pipeline.stages.prelabel import load_prelabeler

    text = "国务院总理李鹏昨天在北京会见了美国国务卿奥尔布赖特，中国银行行长出席。"
    segmented = next(load_segmenter().segment_documents([Document(id="d", text=text)]))
    prelabeler = load_prelabeler()
    reused = next(prelabeler.label_documents([segmented])).entities
    recut = next(prelabeler.label_documents([Document(id="d", text=text)])).entities
    assert reused == recut and any(e["label"] == "PERSON" for e in reused)


def test_jackknife_halves_by_issue_day(tmp_path: Path) -> None:
    records = [{"id": f"199801{day:02d}-01-001-001", "text": f"第{day}天"} for day in (1, 7, 8, 15)]
    train = tmp_path / "train.jsonl"
    train.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    seg = tmp_path / "train_seg.txt"
    seg.write_text("".join(f"第 {r['text'][1:-1]} 天\n" for r in records), encoding="utf-8")
    assert [half_of(r["id"]) for r in records] == ["a", "a", "b", "b"]
    halves = split_segmented(train, seg, tmp_path / "work")
    assert halves["a"].read_text(encoding="utf-8").splitlines() == ["第 1 天", "第 7 天"]
    assert halves["b"].read_text(encoding="utf-8").splitlines() == ["第 8 天", "第 15 天"]


@pytest.mark.slow
def test_jackknife_cuts_each_half_with_the_other_halfs_model(tmp_path: Path) -> None:
    from pipeline.segmenter.model import SHIPPED_MODEL

    records = [
        {"id": "19980103-01-001-001", "text": "国务院总理李鹏会见客人，１２％。"},
        {"id": "19980110-01-001-001", "text": "江泽民主席在北京。"},
    ]
    train = tmp_path / "train.jsonl"
    train.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    cuts = tmp_path / "cuts.jsonl"
    assert write_cuts(train, {"a": SHIPPED_MODEL, "b": SHIPPED_MODEL}, cuts) == 2
    written = [json.loads(line) for line in cuts.read_text(encoding="utf-8").splitlines()]
    texts = [r["text"] for r in written]
    assert texts == ["国务院总理李鹏会见客人,12%。", "江泽民主席在北京。"]  # keyed by the width-folded text the NER reads
    assert [r["words"] for r in written] == segment_word_spans(texts)


@given(st.text(alphabet=st.sampled_from(list("李鹏说 \n\u3000a1,。𠮷")), max_size=40))
def test_token_texts_match_spacy_tokens(text: str) -> None:
    doc = spacy.blank("zh")(text)
    assert token_texts(doc) == [token.text for token in doc]


def test_jackknife_refuses_misaligned_files(tmp_path: Path) -> None:
    train = tmp_path / "train.jsonl"
    train.write_text('{"id": "19980101-01-001-001", "text": "江泽民说"}\n', encoding="utf-8")
    seg = tmp_path / "train_seg.txt"
    seg.write_text("李 鹏 说\n", encoding="utf-8")
    with pytest.raises(ValueError, match="train_seg.txt:1"):
        split_segmented(train, seg, tmp_path / "work")


@given(st.text(alphabet="中文 𠮷Ａ,\n", max_size=40))
def test_doc_text_is_the_docs_text_joined_once(text: str) -> None:
    from pipeline.core.text import DOC_TEXT_KEY, doc_text

    doc = spacy.blank("zh").make_doc(text)
    assert DOC_TEXT_KEY not in doc.user_data
    assert doc_text(doc) == doc.text
    assert doc.user_data[DOC_TEXT_KEY] == doc.text  # kept: the next reader does not join the tokens again
    assert token_texts(doc) == [token.text for token in doc]


def positions_one_span_at_a_time(text: str, word_spans: list[list[int]]) -> list[str]:
    """The definition: spans written in order, each clipped to the text, a later one over an earlier."""
    features = [NO_WORD] * len(text)
    for start, end in word_spans:
        start, end = max(start, 0), min(end, len(text))
        for i in range(start, end):
            size = min(end - start, 5)
            features[i] = "S1" if size == 1 else ("B" if i == start else "E" if i == end - 1 else "I") + str(size)
    return features


@given(st.text(alphabet="的是李鹏公司 ", max_size=25), st.lists(st.lists(st.integers(-3, 30), min_size=2, max_size=2), max_size=8))
def test_word_positions_of_any_spans_even_overlapping(text: str, spans: list[list[int]]) -> None:
    assert word_position_features(text, spans) == positions_one_span_at_a_time(text, spans)


@given(st.text(alphabet=st.sampled_from(list("李鹏说 \n\u3000a1,。𠮷")), max_size=40), st.integers(1, 4))
def test_token_features_are_the_hashes_of_their_strings(text: str, word_length: int) -> None:
    from spacy.attrs import LEMMA, NORM

    from pipeline.stages.entities.features import set_char_bigrams, set_word_features

    doc = spacy.blank("zh")(text)
    spans = [[start, min(start + word_length, len(text))] for start in range(0, len(text), word_length)]
    set_word_features(set_char_bigrams(doc), spans)
    words = [token.text for token in doc]
    positions = word_position_features(text, spans)
    assert doc.to_array(NORM).tolist() == [get_string_id(a + b) for a, b in zip(words, words[1:] + [""])]
    assert doc.to_array(LEMMA).tolist() == [get_string_id(positions[token.idx]) for token in doc]
