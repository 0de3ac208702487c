"""The quote development set's tools: blind selection, inline tags read back, agreement by the scorer's matching."""

from __future__ import annotations

import pytest

from pipeline.eval.modern_gold import MarkedTextError
from pipeline.eval.quote_gold import agreement, eligible, parse_marked, pd1998_articles, standoff_record, with_text


def _brief(layers: dict) -> list[tuple]:
    return [
        (
            q["speaker"] and q["speaker"]["text"],
            q["speaker_name"],
            q["cue"] and q["cue"]["text"],
            q["content"]["text"],
            q["kind"],
        )
        for q in layers["quotes"]
    ]


@pytest.mark.parametrize(
    ("marked", "text", "quotes", "slogans"),
    [
        ("没有引语。", "没有引语。", [], []),
        (
            "<S1>马懿</S1>在会上<C1>指出</C1>,<Q1 indirect 马懿>当前经济向好。</Q1>",
            "马懿在会上指出,当前经济向好。",
            [("马懿", "马懿", "指出", "当前经济向好。", "indirect")],
            [],
        ),
        (
            "<S1>他</S1><C1>说</C1>：“<Q1 direct 吴天君>要抓<T>强投资</T>。</Q1>”\n“<Q2 direct 吴天君>好。</Q2>”",
            "他说：“要抓强投资。”\n“好。”",
            [("他", "吴天君", "说", "要抓强投资。", "direct"), (None, "吴天君", None, "好。", "direct")],
            ["强投资"],
        ),
        (  # attribution numbers order the output, not the order of the tags
            "“<Q2 direct 胡恩勇>能。</Q2>”<S2>胡恩勇</S2><C2>说</C2>。<S1>通知</S1><C1>说</C1>，<Q1 indirect 通知>可以。</Q1>",
            "“能。”胡恩勇说。通知说，可以。",
            [("通知", "通知", "说", "可以。", "indirect"), ("胡恩勇", "胡恩勇", "说", "能。", "direct")],
            [],
        ),
    ],
)
def test_tags_give_back_the_text_and_its_attributions(marked: str, text: str, quotes: list[tuple], slogans: list[str]) -> None:
    layers = parse_marked(marked, text)
    assert _brief(layers) == quotes
    assert [s["text"] for s in layers["slogans"]] == slogans
    spans = [s for q in layers["quotes"] for s in (q["speaker"], q["cue"], q["content"]) if s] + layers["slogans"]
    assert all(text[s["start"] : s["end"]] == s["text"] for s in spans)


@pytest.mark.parametrize(
    ("marked", "text", "message"),
    [
        ("<S1>他</S1>说，对。", "他说，对。", "no content"),
        ("他说，<Q1>对。</Q1>", "他说，对。", "says its kind"),
        ("他说，<Q1 direct 他>对。", "他说，对。", "left open"),
        ("他说，对。</Q1>", "他说，对。", "not open"),
        ("他说，<Q1 direct 他>对！</Q1>", "他说，对。", "differs from the article at character 4"),
        ("<T1>梦</T1>", "梦", "no number"),
        ("<S>他</S>说", "他说", "need the attribution's number"),
        ("<S1>他</S1><S1>她</S1><Q1 direct 他>说</Q1>", "他她说", "two speaker spans"),
    ],
)
def test_bad_marks_are_refused_with_the_reason(marked: str, text: str, message: str) -> None:
    with pytest.raises(MarkedTextError, match=message):
        parse_marked(marked, text)


def test_articles_are_rebuilt_from_paragraphs_in_order() -> None:
    paragraphs = [
        {"id": "19980116-01-002-001", "text": "标题"},
        {"id": "19980116-01-002-002", "text": "正文。"},
        {"id": "19980117-03-001-001", "text": "另一篇"},
    ]
    articles = list(pd1998_articles(paragraphs))
    assert [(a["id"], a["text"], a["meta"]["date"]) for a in articles] == [
        ("pd1998-19980116-01-002", "标题\n正文。", "1998-01-16"),
        ("pd1998-19980117-03-001", "另一篇", "1998-01-17"),
    ]


@pytest.mark.parametrize(
    ("text", "excluded", "expected"),
    [
        ("他说" * 150, set(), True),
        ("他说" * 150, {"a"}, False),  # in another gold set
        ("他说" * 50, set(), False),  # too short to be worth it
        ("没有" * 150, set(), False),  # no reporting words
    ],
)
def test_eligible_articles(text: str, excluded: set[str], expected: bool) -> None:
    assert eligible({"id": "a", "text": text}, excluded) is expected


def test_agreement_uses_the_scorers_matching() -> None:
    text = "张三说，今天下雨了，明天也下雨。李四认为，不会。"
    first = parse_marked("<S1>张三</S1><C1>说</C1>，<Q1 indirect 张三>今天下雨了，明天也下雨。</Q1><S2>李四</S2><C2>认为</C2>，<Q2 indirect 李四>不会。</Q2>", text)
    # the second annotator ends the first content early (still more than half) and misses 李四
    second = parse_marked("<S1>张三</S1><C1>说</C1>，<Q1 indirect 张三>今天下雨了，明天也</Q1>下雨。李四认为，不会。", text)
    scores = agreement({"d": first}, {"d": second})
    assert (scores["first"], scores["second"], scores["matched"]) == (2, 1, 1)
    assert scores["f1"] == pytest.approx(2 / 3)
    assert scores["same_content_share"] == 0.0 and scores["same_cue_share"] == 1.0


def test_standoff_gold_round_trips_and_refuses_a_changed_text() -> None:
    article = {"id": "a", "text": "张三说，好。", "meta": {"category": "体育"}}
    layers = parse_marked("<S1>张三</S1><C1>说</C1>，<Q1 indirect 张三>好。</Q1>", article["text"])
    record = standoff_record(article, layers)
    assert "text" not in record
    assert with_text(record, {"a": article})["quotes"] == layers["quotes"]
    assert "text" not in record["quotes"][0]["content"]  # offsets only: the words stay in the data files
    with pytest.raises(MarkedTextError, match="hash differs"):
        with_text(record, {"a": {**article, "text": "张三说，坏。"}})
