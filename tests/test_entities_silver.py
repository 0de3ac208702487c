"""Silver NER training text: the seeded sample of articles and the shipped pre-labeller's spans as records."""

from __future__ import annotations

import json
import lzma
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.train.ner.corpus import convert
from pipeline.train.ner.silver import main, sample_texts


@given(st.lists(st.text(max_size=3), max_size=30), st.integers(0, 40), st.integers(0, 5))
def test_sample_is_distinct_in_file_order_and_repeatable(texts: list[str], articles: int, seed: int) -> None:
    sample = sample_texts(texts, articles, seed)
    indexes = [index for index, _ in sample]
    assert len(sample) == min(articles, len(texts))
    assert indexes == sorted(set(indexes))
    assert all(texts[index] == text for index, text in sample)
    assert sample == sample_texts(texts, articles, seed)


ARTICLES = [
    "新华社北京1月5日电 国务院总理李鹏今天在人民大会堂会见了美国客人。李鹏说，中美合作前景广阔。",
    "记者从北京市统计局获悉，今年上半年全市居民收入增长８％。",
    "今天天气晴朗。",
]


@pytest.mark.slow
@pytest.mark.parametrize("compressed", [False, True], ids=["jsonl", "xz"])
def test_silver_records_carry_the_prelabellers_spans(tmp_path: Path, compressed: bool) -> None:
    lines = "".join(
        json.dumps({"id": str(i), "text": text}, ensure_ascii=False) + "\n" for i, text in enumerate(ARTICLES)
    )
    source = tmp_path / ("in.jsonl.xz" if compressed else "in.jsonl")
    if compressed:
        with lzma.open(source, "wt", encoding="utf-8") as handle:
            handle.write(lines)
    else:
        source.write_text(lines, encoding="utf-8")
    target = tmp_path / "silver.jsonl"
    main([str(target), str(source), "--articles", str(len(ARTICLES) + 1), "--seed", "1"])
    records = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [record["text"] for record in records] == ARTICLES  # all of them, in file order, full width kept
    found = {(record["text"][s:e], label) for record in records for s, e, label in record["entities"]}
    expected = {
        ("李鹏", "PERSON"),
        ("1月5日", "DATE"),
        ("北京市统计局", "ORG"),
        ("８％", "PERCENT"),
        ("今年上半年", "DATE"),
    }
    assert expected <= found
    assert all(record["missing"] == [] for record in records)
    counts = convert(target, tmp_path / "silver.spacy")  # the DocBin writer reads the records as they are
    assert sum(counts.values()) == sum(len(record["entities"]) for record in records)
