"""Other corpora as training data that follows our guidelines, and what they leave unknown."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
import spacy
from spacy.tokens import DocBin

from pipeline.train.ner.corpus import convert
from pipeline.train.ner.external import CORPORA, follow_guidelines

PERSON_ORG = CORPORA["cluener"]


@pytest.mark.parametrize(
    ("text", "entities", "kept", "missing"),
    [
        # spans that follow our guidelines stay as they are
        ("浙商银行企业信贷部叶老桂博士", [(0, 4, "ORG"), (9, 12, "PERSON")], [[0, 4, "ORG"], [9, 12, "PERSON"]], []),
        # an honorific leaves the surname (our 黄小姐 -> 黄)
        ("张先生告诉记者", [(0, 3, "PERSON")], [[0, 1, "PERSON"]], []),
        # a placeholder is not taught either way
        ("钱某长期落脚于宾馆", [(0, 2, "PERSON")], [], [[0, 2]]),
        # a place on its own (a country as actor, a club named by its city) and a kind of body: unknown
        ("中国认为", [(0, 2, "ORG")], [], [[0, 2]]),
        ("央行宣布降息", [(0, 2, "ORG")], [], [[0, 2]]),
        # a label the corpus does not annotate (Boson's broad time) is unknown
        ("下午2时", [(0, 4, "DATE")], [], [[0, 4]]),
        # our DATE and PERCENT patterns mark what this corpus left unannotated
        ("今年增长12%", [], [], [[0, 2], [4, 7]]),
        # ... but never inside a span the corpus did annotate
        ("新华社2011年报道", [(0, 3, "ORG")], [[0, 3, "ORG"]], [[3, 8]]),
    ],
)
def test_a_corpus_span_as_our_guidelines_have_it(text: str, entities: list, kept: list, missing: list) -> None:
    assert follow_guidelines(text, entities, PERSON_ORG, Counter()) == (kept, missing)


@pytest.mark.parametrize(
    ("predicted", "missing"),
    [
        ([(0, 4, "DATE")], [[0, 4]]),  # 那天晚上: beyond the patterns, the pre-labeller's guess is unknown
        ([(0, 4, "DATE"), (5, 7, "PERSON")], [[0, 4]]),  # a label the corpus annotates stays as annotated
        ([(4, 7, "DATE")], []),  # never over a span the corpus annotated
    ],
)
def test_the_prelabellers_dates_are_unknown_where_the_corpus_has_none(predicted: list, missing: list) -> None:
    text = "那天晚上张三和李四说"
    kept, unknown = follow_guidelines(text, [(4, 6, "PERSON")], PERSON_ORG, Counter(), predicted)
    assert kept == [[4, 6, "PERSON"]] and unknown == missing


def test_every_change_is_counted_by_its_rule() -> None:
    changes: Counter = Counter()
    follow_guidelines("张先生和钱某", [(0, 3, "PERSON"), (4, 6, "PERSON")], PERSON_ORG, changes)
    assert changes == Counter({"PERSON: honorific dropped (张先生 -> 张)": 1, "PERSON: placeholder (钱某) -> unknown": 1})


def test_unknown_characters_get_no_tag_in_the_docbin(tmp_path: Path) -> None:
    """spaCy's tagger reads an empty tag as a missing value: no loss on what nobody annotated."""
    record = {"id": "x", "text": "钱某说今年张三来了", "entities": [[5, 7, "PERSON"]], "missing": [[0, 2], [3, 5]]}
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    convert(source, tmp_path / "out.spacy")
    doc = next(DocBin().from_disk(tmp_path / "out.spacy").get_docs(spacy.blank("zh").vocab))
    assert [token.tag_ for token in doc] == ["", "", "O", "", "", "B-PERSON", "L-PERSON", "O", "O"]
