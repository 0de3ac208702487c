"""The modern development set's tools: blind selection, inline marks read back, agreement."""

from __future__ import annotations

import pytest

from pipeline.eval.modern_gold import (
    MarkedTextError,
    agreement,
    parse_marked,
    select_articles,
    select_section,
    standoff_record,
    with_text,
)

LABELS = ("PERSON", "ORG", "DATE", "PERCENT")


@pytest.mark.parametrize(
    ("marked", "text", "spans"),
    [
        ("没有实体。", "没有实体。", []),
        ("[PERSON 刘玮]说", "刘玮说", [(0, 2, "PERSON", "刘玮")]),
        (
            "新京报讯 （记者 [PERSON 刘玮]）[DATE 10月30日]，[ORG 新京报]",
            "新京报讯 （记者 刘玮）10月30日，新京报",
            [(9, 11, "PERSON", "刘玮"), (12, 18, "DATE", "10月30日"), (19, 22, "ORG", "新京报")],
        ),
        ("增长[PERCENT 12%]\u00a0以上", "增长12%\u00a0以上", [(2, 5, "PERCENT", "12%")]),
        ("[PERSON 𠮷田]来了", "𠮷田来了", [(0, 2, "PERSON", "𠮷田")]),  # str offsets: one per code point
    ],
)
def test_marks_give_back_the_text_and_its_spans(marked: str, text: str, spans: list[tuple]) -> None:
    found = parse_marked(marked, text, LABELS)
    assert [(e["start"], e["end"], e["label"], e["text"]) for e in found] == spans
    assert all(text[e["start"] : e["end"]] == e["text"] for e in found)


@pytest.mark.parametrize(
    ("marked", "text", "message"),
    [
        ("[PERSON 刘玮]说了", "刘玮说", "differs"),  # a character added
        ("[PERSON 刘玮]说", "刘玮 说", "differs"),  # a space lost
        ("[LOC 北京]", "北京", "unknown label"),
    ],
)
def test_a_wrong_marked_text_is_refused(marked: str, text: str, message: str) -> None:
    with pytest.raises(MarkedTextError, match=message):
        parse_marked(marked, text, LABELS)


def _article(number: int, channel: str, length: int) -> dict:
    return {"id": f"{channel}-{number:03}", "category": channel, "title": "", "text": "字" * length}


def test_selection_takes_the_same_share_of_each_channel_within_the_lengths() -> None:
    articles = [_article(n, channel, 250 + 10 * n) for channel in ("体育", "科技") for n in range(60)]
    chosen = select_articles(articles, per_channel=5)
    assert [a["category"] for a in chosen] == ["体育"] * 5 + ["科技"] * 5
    assert all(300 <= len(a["text"]) <= 700 for a in chosen)
    assert chosen == select_articles(articles, per_channel=5)  # the seeded draw: the same articles every time
    more = select_articles(articles, per_channel=5, seed=7, excluded=frozenset(a["id"] for a in chosen))
    assert len(more) == 10 and not {a["id"] for a in more} & {a["id"] for a in chosen}  # a second draw, none twice


def test_a_section_draw_takes_one_channel_and_leaves_out_the_gold() -> None:
    articles = [_article(n, channel, 300 + n) for channel in ("体育", "科技") for n in range(60)]
    gold = frozenset(f"体育-{n:03}" for n in range(10))
    chosen = select_section(articles, size=30, excluded=gold)
    assert len(chosen) == 30 and {a["category"] for a in chosen} == {"体育"}
    assert not {a["id"] for a in chosen} & gold
    assert chosen == select_section(articles, size=30, excluded=gold)


def test_agreement_counts_spans_both_annotators_marked() -> None:
    first = {"d": [{"start": 0, "end": 2, "label": "PERSON"}, {"start": 3, "end": 6, "label": "ORG"}]}
    second = {"d": [{"start": 0, "end": 2, "label": "PERSON"}, {"start": 3, "end": 5, "label": "ORG"}]}
    table = agreement(first, second)
    assert table["PERSON"] == {"first": 1, "second": 1, "both": 1, "f1": 1.0}
    assert table["ORG"] == {"first": 1, "second": 1, "both": 0, "f1": 0.0}


def test_standoff_gold_is_joined_only_with_the_text_it_was_made_on() -> None:
    article = {"id": "a1", "category": "体育", "title": "标题", "source": "s", "text": "[PERSON 刘玮]说"}
    article["text"] = "刘玮说"
    entities = parse_marked("[PERSON 刘玮]说", article["text"], LABELS)
    record = standoff_record(article, entities)
    assert "text" not in record and "title" not in record["meta"]  # the article itself is not redistributed
    assert with_text(record, {"a1": article})["text"] == "刘玮说"
    with pytest.raises(MarkedTextError, match="hash differs"):
        with_text(record, {"a1": {**article, "text": "刘玮讲"}})
    with pytest.raises(MarkedTextError, match="no article"):
        with_text(record, {})
