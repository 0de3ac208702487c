"""Pure row builders: review fields on every row, and the documents' layout (headline, byline, paragraphs)."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.core.record import Block, Document
from pipeline.core.schema import load_schema
from pipeline.export.rows import document_row, ner_rows, quote_rows, review_of

PULLED = "2026-12-01T10:00:00+00:00"


@pytest.mark.parametrize(
    ("review", "expected"),
    [
        (None, {"state": "prelabeled", "by": [], "edited": False, "pulled_at": None, "reviewed": False}),
        (
            {"state": "confirmed", "by": ["ann", "bo"], "edited": False, "pulled_at": PULLED},
            {"state": "confirmed", "by": ["ann", "bo"], "edited": False, "pulled_at": PULLED, "reviewed": True},
        ),
        (
            {"state": "unconfirmed", "by": [], "edited": True, "pulled_at": PULLED},
            {"state": "unconfirmed", "by": [], "edited": True, "pulled_at": PULLED, "reviewed": True},
        ),
        (
            {"state": "unconfirmed", "by": [], "edited": False},
            {"state": "unconfirmed", "by": [], "edited": False, "pulled_at": None, "reviewed": False},
        ),
        # files written before doccano reviews had a state: older key names, same meaning
        (
            {"confirmed": True, "reviewers": ["ann"]},
            {"state": "confirmed", "by": ["ann"], "edited": False, "pulled_at": None, "reviewed": True},
        ),
        (
            {"reviewer": "ann"},
            {"state": "unconfirmed", "by": ["ann"], "edited": False, "pulled_at": None, "reviewed": True},
        ),
    ],
)
def test_review_fields_are_named_as_in_reviewed_jsonl(review: dict | None, expected: dict) -> None:
    assert review_of(Document(id="d", text="好。", review=review)) == expected


def quoted_document(review: dict[str, Any] | None) -> Document:
    return Document(
        id="d1",
        text="王红说：“很好。”\n李明说。",
        entities=[{"start": 0, "end": 2, "label": "PERSON"}, {"start": 10, "end": 12, "label": "PERSON"}],
        quotes=[{"speaker": {"start": 0, "end": 2}, "cue": {"start": 2, "end": 3}, "content": {"start": 5, "end": 8}}],
        review=review,
    )


@pytest.mark.parametrize(
    "review",
    [None, {"state": "confirmed", "by": ["ann"], "edited": True, "pulled_at": PULLED}, {"state": "unconfirmed"}],
)
def test_every_sentence_and_attribution_carries_its_documents_review(review: dict | None) -> None:
    schema = load_schema()
    doc = quoted_document(review)
    expected = review_of(doc)
    rows = [*ner_rows(doc, schema), *quote_rows(doc, schema)]
    assert len(rows) == 3
    assert [row["review"] for row in rows] == [expected] * 3
    assert document_row(doc, schema)["review"] == expected


ARTICLE = "集聚产业 追梦中原\n副题\n记者 王继兵\n第一段。\n■ 小标题\n第二段。"
ARTICLE_BLOCKS = [
    Block("byline", 13, 19),  # out of order on purpose: rows come in reading order
    Block("headline", 0, 9),
    Block("subheadline", 10, 12),
    Block("body", 20, 24),
    Block("crosshead", 25, 30),
    Block("body", 31, 35),
]


@pytest.mark.parametrize(
    ("blocks", "meta", "expected"),
    [
        (
            ARTICLE_BLOCKS,
            {},
            {
                "headline": "集聚产业 追梦中原",
                "subheadline": "副题",
                "byline": "记者 王继兵",
                "blocks": [
                    ("headline", "集聚产业 追梦中原"),
                    ("subheadline", "副题"),
                    ("byline", "记者 王继兵"),
                    ("body", "第一段。"),
                    ("crosshead", "■ 小标题"),
                    ("body", "第二段。"),
                ],  # fmt: skip
            },
        ),
        (
            [],
            {"headline": "集聚产业 追梦中原", "subheadline": ""},
            {"headline": "集聚产业 追梦中原", "subheadline": None, "byline": None, "blocks": []},
        ),
        (
            [Block("headline", 0, 4), Block("headline", 5, 9), Block("body", 30, 99)],
            {},
            {
                "headline": "集聚产业\n追梦中原",
                "subheadline": None,
                "byline": None,
                "blocks": [("headline", "集聚产业"), ("headline", "追梦中原")],
            },  # fmt: skip
        ),
    ],
)
def test_documents_keep_headline_subheadline_byline_and_blocks(blocks: list, meta: dict, expected: dict) -> None:
    row = document_row(Document(id="d", text=ARTICLE, blocks=blocks, meta=meta), load_schema())
    got = {kind: row[kind] for kind in ("headline", "subheadline", "byline")}
    got["blocks"] = [(block["kind"], block["text"]) for block in row["blocks"]]
    assert got == expected
    assert all(ARTICLE[block["start"] : block["end"]] == block["text"] for block in row["blocks"])
