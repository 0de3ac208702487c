"""Chunks run outside spaCy memory zones until a pipeline's vocabulary is full, in zones after: bounded, same output."""

from __future__ import annotations

import pytest

from pipeline import run
from pipeline.core.jsonl import dump_document
from pipeline.core.record import Document

# characters no pipeline knows before it meets them: every chunk brings new strings
HAN_RUN = [chr(code) for code in range(0x4E00, 0x4E00 + 600)]


def chunks_of_new_characters(count: int, size: int = 40) -> list[list[Document]]:
    return [
        [Document(id=f"{number}", text="".join(HAN_RUN[number * size : (number + 1) * size]))]
        for number in range(count)
    ]


def segment_chunks(budget: int, chunks: list[list[Document]]) -> tuple[list[str], list[int]]:
    """Lines the char segment stage writes for each chunk, and its vocabulary's size before and after each."""
    stage = run.load_stage("segment", segmenter="char")
    strings = stage.__self__.nlp.vocab.strings
    lines, sizes = [], [len(strings)]
    original = run.VOCABULARY_BUDGET
    run.VOCABULARY_BUDGET = budget
    try:
        for chunk in chunks:
            with run._memory_zones([stage]):
                lines += [dump_document(doc) for doc in stage(chunk)]
            sizes.append(len(strings))
    finally:
        run.VOCABULARY_BUDGET = original
    return lines, sizes


@pytest.mark.parametrize("budget", [0, 100, 10_000])
def test_vocabulary_stays_within_budget_plus_one_chunk(budget: int) -> None:
    chunks = chunks_of_new_characters(12)
    _, sizes = segment_chunks(budget, chunks)
    initial = sizes[0]
    one_chunk = 40 + 5  # its characters, and the odd string the pipeline adds
    assert max(sizes) <= max(budget, initial) + one_chunk
    if budget >= initial + 12 * one_chunk:
        assert sizes[-1] >= initial + 12 * 40  # under budget every character is kept


def test_a_full_vocabulary_is_not_grown_by_later_chunks() -> None:
    _, sizes = segment_chunks(0, chunks_of_new_characters(6))
    assert len(set(sizes)) == 1


def test_output_is_the_same_in_and_out_of_memory_zones() -> None:
    chunks = chunks_of_new_characters(5) + [[Document(id="again", text="".join(HAN_RUN[:80]) + " 新年讲话")]]
    in_zones, _ = segment_chunks(0, chunks)
    outside, _ = segment_chunks(10**9, chunks)
    assert in_zones == outside
    assert all('"tokens":[[0,1]' in line for line in in_zones)


def test_a_stage_run_on_its_own_keeps_its_vocabulary_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """`corpusprep <stage>` and the bench's stage rows go through stage_lines_in_zones: same lines, bounded."""
    stage = run.load_stage("segment", segmenter="char")
    strings = stage.__self__.nlp.vocab.strings
    documents = [doc for chunk in chunks_of_new_characters(12) for doc in chunk]
    monkeypatch.setattr(run, "CHUNK_SIZE", 1)
    monkeypatch.setattr(run, "VOCABULARY_BUDGET", 0)
    before = len(strings)
    lines = list(run.stage_lines_in_zones(stage, documents))
    assert len(strings) == before  # a full vocabulary: every chunk ran in a zone
    assert lines == [dump_document(doc) for doc in stage(documents)]  # the same output as one plain pass
