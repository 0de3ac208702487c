"""Words the training corpus always writes whole, and merging them after the CRF."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.core.record import Document
from pipeline.segmenter import compact
from pipeline.segmenter.lexicon import WordMerger, consistent_words
from pipeline.segmenter.model import SHIPPED_MODEL, SegmenterModelError, load_segmenter

CORPUS = [
    "新年 讲话 发表 了".split(),
    "他 发表 新年 讲话".split(),
    "新 年 到 了".split(),  # 新年 written as two words here
    "中国 人民 站 起来 了".split(),
    "中国 人民 的 讲话".split(),
]


@pytest.mark.parametrize(
    ("min_count", "expected"),
    [
        (1, ["中国", "人民", "发表", "讲话", "起来"]),  # 新年 is split once, so never listed
        (2, ["中国", "人民", "发表", "讲话"]),
        (3, ["讲话"]),
    ],
)
def test_consistent_words(min_count: int, expected: list[str]) -> None:
    assert consistent_words(CORPUS, min_count) == sorted(expected)


def test_a_word_whose_characters_also_span_a_boundary_is_not_listed() -> None:
    corpus = ["人民 日报".split(), "人 民主".split()]  # 人民 also stands across the boundary of 人|民主
    assert consistent_words(corpus, 1) == ["日报", "民主"]


@pytest.mark.parametrize(
    ("words", "sent", "expected"),
    [
        (["新年"], ["新", "年", "讲话"], ["新年", "讲话"]),
        (["中国人民", "中国"], ["中", "国", "人民"], ["中国人民"]),  # the longest run wins
        (["中国人民", "中国"], ["中", "国", "人"], ["中国", "人"]),  # a prefix that never completes
        (["讲话"], ["讲话"], ["讲话"]),
        (["讲话"], ["讲", "话", "讲", "话"], ["讲话", "讲话"]),
        (["人民日报"], ["人民", "日报", "社"], ["人民日报", "社"]),
        (["国人"], ["中国", "人"], ["中国", "人"]),  # only whole words are joined
        ([], ["中", "国"], ["中", "国"]),
    ],
)
def test_merger_table(words: list[str], sent: list[str], expected: list[str]) -> None:
    assert WordMerger(words)(sent) == expected


@given(
    sent=st.lists(st.text(alphabet="中国人民新年", min_size=1, max_size=3), max_size=12),
    words=st.lists(st.text(alphabet="中国人民新年", min_size=2, max_size=5), max_size=6),
)
def test_merging_keeps_the_text_and_only_joins_into_listed_words(sent: list[str], words: list[str]) -> None:
    merged = WordMerger(words)(list(sent))
    assert "".join(merged) == "".join(sent)
    assert all(word in sent or word in words for word in merged)
    assert len(merged) <= len(sent)


def test_then_runs_after_the_merge() -> None:
    merger = WordMerger(["新年"], then=lambda sent: [word + "/" for word in sent])
    assert merger(["新", "年", "好"]) == ["新年/", "好/"]


def test_a_model_folder_with_merge_words_merges_them(tmp_path: Path) -> None:
    plain = load_segmenter()
    folder = tmp_path / "merging"
    shutil.copytree(SHIPPED_MODEL, folder, ignore=shutil.ignore_patterns(compact.MERGE_WORDS))
    text = "江泽民发表新年讲话。"
    words = plain.words(text)
    target = words[0] + words[1]  # join the first two words the CRF gives
    compact.write_merge_words(folder, [target])
    merging = load_segmenter(str(folder))
    assert merging.words(text) == [target, *words[2:]]
    (doc,) = merging.segment_documents([Document(id="a", text=text)])
    assert doc.meta["segmenter"]["merge_words"] == 1
    assert compact.folder_digest(folder) != compact.folder_digest(SHIPPED_MODEL)


def test_corrupt_merge_words_explain(tmp_path: Path) -> None:
    folder = tmp_path / "broken"
    shutil.copytree(SHIPPED_MODEL, folder)
    (folder / compact.MERGE_WORDS).write_bytes(b"not xz")
    with pytest.raises(SegmenterModelError, match="corrupt"):
        load_segmenter(str(folder))
