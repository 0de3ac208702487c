"""The evaluation helpers behind `make eval-ner`: exact-span scores, known pd1998 differences, jieba baseline."""

from __future__ import annotations

import json

import pytest
from rich.console import Console

from pipeline.eval.entities import (
    Scores,
    SourceScores,
    gold_spans,
    guideline_adjusted,
    issue_date,
    jieba_spans,
    prelabel_article_spans,
    prelabel_spans,
    rule_table,
    split_merged_names,
    target_table,
)


def test_scores_exact_spans() -> None:
    scores = Scores()
    scores.add({(0, 2, "ORG"), (4, 7, "PERSON")}, {(0, 2, "ORG"), (4, 6, "PERSON"), (8, 9, "DATE")})
    assert scores.prf("ORG") == (1.0, 1.0, 1.0)
    assert scores.prf("PERSON") == (0.0, 0.0, 0.0)  # 4-6 is not 4-7: exact spans only
    assert scores.prf("DATE") == (0.0, 0.0, 0.0)
    assert scores.micro() == pytest.approx((1 / 3, 1 / 2, 0.4))


def test_gold_spans_reads_both_formats_and_drops_other_labels() -> None:
    record = {"entities": [[0, 2, "ORG"], [3, 5, "LOC"], {"start": 6, "end": 8, "label": "DATE", "text": "昨晚"}]}
    assert gold_spans(record, ["PERSON", "ORG", "DATE", "PERCENT"]) == {(0, 2, "ORG"), (6, 8, "DATE")}


@pytest.mark.parametrize(
    ("text", "span", "kept"),
    [
        ("目前", (0, 2, "DATE"), False),
        ("全年", (0, 2, "DATE"), False),
        ("昨晚", (0, 2, "DATE"), True),
        ("三个百分点", (0, 5, "PERCENT"), False),
        ("八成", (0, 2, "PERCENT"), False),
        ("12%", (0, 3, "PERCENT"), True),
        ("省委", (0, 2, "ORG"), False),
        ("人民日报", (0, 4, "ORG"), False),
        ("国务院", (0, 3, "ORG"), True),
        ("省政协", (0, 3, "ORG"), False),
        ("自治区党委", (0, 5, "ORG"), False),
        ("福建省政协", (0, 5, "ORG"), True),
        ("省文化厅", (0, 4, "ORG"), False),  # a level's department: never ORG in pd1998
        ("市公安局", (0, 4, "ORG"), False),
        ("省委宣传部", (0, 5, "ORG"), False),
        ("北京市公安局", (0, 6, "ORG"), True),  # a named place's department is
        ("县乡干部", (0, 4, "ORG"), True),  # no department: an ORG here is scored as any other
        ("９０年代以来", (0, 4, "DATE"), False),  # decades and seasons: never DATE in pd1998
        ("上个世纪60年代", (0, 8, "DATE"), False),
        ("本赛季", (0, 3, "DATE"), False),
        ("本月", (0, 2, "DATE"), True),
        ("据《先驱报》报道", (2, 5, "ORG"), False),  # a paper in 《》: never ORG in pd1998
        ("《经济周刊》编辑部", (1, 5, "ORG"), False),
        ("先驱报社", (0, 4, "ORG"), True),
    ],
)
def test_guideline_adjusted_removes_only_known_differences(text: str, span: tuple, kept: bool) -> None:
    assert (span in guideline_adjusted(text, [span])) is kept


def test_jieba_baseline_maps_pos_tags() -> None:
    text = "江泽民昨天在北京会见了新华社记者,增长12%。"
    spans = {(text[s:e], label) for s, e, label in jieba_spans(text)}
    assert ("江泽民", "PERSON") in spans
    assert ("昨天", "DATE") in spans
    assert ("12%", "PERCENT") in spans


@pytest.mark.parametrize(("rid", "day"), [("19980116-01-001-001", "1998-01-16"), ("x", None), ("19981399-1", None)])
def test_issue_date_from_pd1998_ids(rid: str, day: str | None) -> None:
    assert issue_date(rid) == day


def test_guideline_adjusted_joins_ranges_like_the_guidelines() -> None:
    text = "1月19日至24日,增产10%—30%"
    gold = [(0, 5, "DATE"), (6, 9, "DATE"), (12, 15, "PERCENT"), (16, 19, "PERCENT")]
    assert guideline_adjusted(text, gold) == {(0, 9, "DATE"), (12, 19, "PERCENT")}


def test_guideline_adjusted_takes_the_first_month_of_a_month_range() -> None:
    text = "去年1—11月全国轻工业,1—11月累计"
    gold = [(0, 2, "DATE"), (4, 7, "DATE"), (15, 18, "DATE")]  # pd1998: 去年 / 1— / 11月
    assert guideline_adjusted(text, gold) == {(0, 7, "DATE"), (13, 18, "DATE")}


@pytest.mark.parametrize(
    ("text", "span", "adjusted"),
    [
        ("15日晚在京举行", (0, 3, "DATE"), (0, 4, "DATE")),  # pd1998 leaves 晚 out; the guidelines keep it
        ("15日晚在京举行", (0, 4, "DATE"), (0, 4, "DATE")),
        ("16日晚上到", (0, 3, "DATE"), (0, 3, "DATE")),  # 晚上 is not 晚
        ("节日晚会", (0, 2, "DATE"), (0, 2, "DATE")),
    ],
)
def test_guideline_adjusted_keeps_the_evening_in_a_date(text: str, span: tuple, adjusted: tuple) -> None:
    assert guideline_adjusted(text, [span]) == {adjusted}


@pytest.mark.parametrize(
    ("gold", "predicted", "adjusted"),
    [
        # (胡勇辉余清楚): one pd1998 span, two people named exactly -> two gold names
        ({(1, 7, "PERSON")}, {(1, 4, "PERSON"), (4, 7, "PERSON")}, {(1, 4, "PERSON"), (4, 7, "PERSON")}),
        # only one of the two found: the pd1998 span stays (one miss, not a free hit)
        ({(1, 7, "PERSON")}, {(1, 4, "PERSON")}, {(1, 7, "PERSON")}),
        # pieces that do not tile the span exactly leave it alone
        ({(1, 7, "PERSON")}, {(1, 4, "PERSON"), (5, 7, "PERSON")}, {(1, 7, "PERSON")}),
        # one predicted span equal to the gold span is no split
        ({(1, 7, "PERSON")}, {(1, 7, "PERSON")}, {(1, 7, "PERSON")}),
        # other labels are never split
        ({(0, 6, "ORG")}, {(0, 3, "ORG"), (3, 6, "ORG")}, {(0, 6, "ORG")}),
    ],
)
def test_split_merged_names(gold: set, predicted: set, adjusted: set) -> None:
    assert split_merged_names(gold, predicted) == adjusted


def test_article_predictions_map_back_to_their_paragraphs() -> None:
    meta = {"date": "1998-01-16"}
    records = [
        {"id": "19980116-01-001-001", "text": "市委书记吴天君昨天说,增长12%。", "meta": meta},
        {"id": "19980116-01-001-002", "text": "吴天君强调。", "meta": meta},
        {"id": "19980116-01-002-001", "text": "", "meta": meta},
        {"id": "19980116-01-003-001", "text": "今年产值增长5%。", "meta": meta},
    ]
    in_articles = prelabel_article_spans(records)
    alone = list(prelabel_spans(records))
    assert len(in_articles) == len(records)
    for record, spans in zip(records, in_articles):
        assert all(0 <= s < e <= len(record["text"]) for s, e, _ in spans)
    texts = [{(r["text"][s:e], label) for s, e, label in spans} for r, spans in zip(records, in_articles)]
    assert ("吴天君", "PERSON") in texts[1]  # known from the article's first paragraph
    assert texts[2] == set()
    assert in_articles[3] == alone[3]  # an article of one paragraph: the same as alone


def test_target_table_says_met_or_the_gap() -> None:
    from rich.console import Console

    scores = {"prelabel (model + rules)": Scores(), "model only": Scores()}
    scores["prelabel (model + rules)"].add({(0, 2, "ORG"), (3, 5, "PERSON")}, {(0, 2, "ORG"), (3, 4, "PERSON")})
    console = Console(width=200, record=True)
    console.print(target_table(scores, ["PERSON", "ORG", "DATE"], {"PERSON": 0.95, "ORG": 0.88}))
    text = console.export_text()
    assert "1.000 (met)" in text  # ORG
    assert "0.000 (gap 0.950)" in text  # PERSON
    assert "DATE" not in text and "model only" not in text  # no target, not the prelabeler


def test_another_corpus_is_scored_raw_and_as_our_guidelines_have_it(tmp_path) -> None:
    """A CLUENER-style gold (PERSON/ORG only, 央行 tagged, 张先生 whole): the adjusted figures
    score 张 for 张先生 and neither side on 央行; the summary leaves unannotated labels out."""
    from pipeline.eval.entities import evaluate_file, summary_table
    from pipeline.train.ner.external import CORPORA

    text = "张先生说，央行昨天宣布降息。"
    gold = tmp_path / "cluener" / "dev.jsonl"
    gold.parent.mkdir()
    gold.write_text(json.dumps({"id": "c1", "text": text, "entities": [[0, 3, "PERSON"], [5, 7, "ORG"]]}, ensure_ascii=False) + "\n")
    scores = evaluate_file(gold, ["PERSON", "ORG"], conventions=CORPORA["cluener"], sample_errors=0)
    assert scores["raw"].tp["PERSON"] == 0 and scores["raw"].fn["PERSON"] == 1
    assert scores["adjusted"].fn["ORG"] == 0 and scores["adjusted"].fp["ORG"] == 0  # 央行: unknown, not scored
    assert scores["adjusted"].tp["PERSON"] + scores["adjusted"].fn["PERSON"] == 1  # 张, as the guidelines mark it
    rendered = summary_table({"cluener/dev.jsonl": scores}, ["PERSON", "ORG", "DATE", "PERCENT"])
    assert rendered.columns[3]._cells == ["-"] and rendered.columns[4]._cells == ["-"]


def _source_scores(counts: dict[tuple[str, str], tuple[int, int]]) -> SourceScores:
    scores = SourceScores()
    for key, (correct, predicted) in counts.items():
        scores.correct[key], scores.predicted[key] = correct, predicted
    return scores


@pytest.mark.parametrize(
    ("source", "counts_per_set", "cells"),
    [
        ("title_name", [(3, 6), (0, 3)], ["!0.500 (3/6)", "!0.000 (0/3)"]),
        ("byline", [(34, 34), None], ["1.000 (34/34)", "-"]),
        ("org_gazetteer", [(586, 593), (9, 10)], ["0.988 (586/593)", "0.900 (9/10)"]),
        ("model", [(70, 100), (1, 2)], ["0.700 (70/100)", "0.500 (1/2)"]),  # the model is no rule to drop
    ],
)
def test_rule_table_marks_rules_below_the_floor_on_each_set(
    source: str, counts_per_set: list[tuple[int, int] | None], cells: list[str]
) -> None:
    sets = {f"set{i}": _source_scores({("PERSON", source): c} if c else {}) for i, c in enumerate(counts_per_set)}
    console = Console(width=200, record=True)
    console.print(rule_table(sets, ["PERSON", "ORG"]))
    row = next(line for line in console.export_text().splitlines() if f" {source} " in line)
    assert [cell.strip() for cell in row.split("│")[3:-1]] == cells


@pytest.mark.parametrize(
    ("text", "span", "adjusted"),
    [
        ("１９９７年底，", (0, 5, "DATE"), (0, 6, "DATE")),  # pd1998 leaves 底 out
        ("1997年末", (0, 5, "DATE"), (0, 6, "DATE")),
        ("1997年初步核算", (0, 5, "DATE"), (0, 5, "DATE")),  # 初步 is no part of the date
        ("1997年的", (0, 5, "DATE"), (0, 5, "DATE")),
        ("截至一九九七年底,", (2, 7, "DATE"), (2, 8, "DATE")),
        ("截至１１月末,", (2, 5, "DATE"), (2, 6, "DATE")),  # and of a month (51 of 54 in train)
        ("去年10月底,", (0, 5, "DATE"), (0, 6, "DATE")),
        ("去年底,", (0, 2, "DATE"), (0, 3, "DATE")),
        ("11月初步统计", (0, 3, "DATE"), (0, 3, "DATE")),
    ],
)
def test_guideline_adjusted_takes_the_end_of_a_year_or_month_pd1998_leaves_out(text: str, span: tuple, adjusted: tuple) -> None:
    assert guideline_adjusted(text, [span]) == {adjusted}


def test_words_of_a_given_segmenter_reach_the_rules_as_the_segment_stage_gives_them() -> None:
    """The jackknife cuts each half with a segmenter trained without it; given the shipped segmenter's folder,
    the prelabeler must label exactly as when it cuts the words itself."""
    from pipeline.eval.entities import prelabel_entities
    from pipeline.segmenter.model import SHIPPED_MODEL

    meta = {"date": "1998-01-16"}
    records = [
        {"id": "19980116-01-001-001", "text": "江西省高等级公路管理局局长马丁·劳伦斯昨天说,增长12%。", "meta": meta},
        {"id": "19980116-01-001-002", "text": "", "meta": meta},
        {"id": "19980116-01-001-003", "text": "新华社北京1月5日电 国务院副总理吴邦国说。", "meta": meta},
    ]
    given = list(prelabel_entities(records, segmenter_dir=SHIPPED_MODEL))
    assert given == list(prelabel_entities(records))
    assert any(e["label"] == "ORG" for e in given[0])


def test_word_features_cut_with_the_segmenter_they_are_given() -> None:
    """prelabel_entities(segmenter_dir=...) hands the prelabeler a segmenter; the words it reads are that one's."""
    from pipeline.segmenter.model import load_segmenter
    from pipeline.stages.prelabel import load_prelabeler

    nlp = load_prelabeler().nlp
    word_features = nlp.get_pipe("word_features")
    assert word_features(nlp.make_doc("新年讲话"))._.word_spans == [[0, 2], [2, 4]]
    word_features.segmenter = load_segmenter("char")
    assert word_features(nlp.make_doc("新年讲话"))._.word_spans == [[0, 1], [1, 2], [2, 3], [3, 4]]
