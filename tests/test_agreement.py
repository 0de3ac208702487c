"""Agreement between reviewers: kappa, character tags, span and link F1, disagreements, the sample draw.

Every expected figure is worked out by hand (here, or in ``double_review_case.py``)."""

from __future__ import annotations

import pytest
from double_review_case import DISAGREEMENTS, EXPECTED, MARKS, REVIEWERS, TEXTS
from hypothesis import given
from hypothesis import strategies as st

from pipeline.core.schema import load_schema
from pipeline.review.agreement import (
    Annotation,
    DoubleDocument,
    MatchCounts,
    agreement_report,
    character_tags,
    cohen_kappa,
    compare_document,
    guideline_feedback,
    links_overlap,
    match_counts,
    pair_agreement,
    reviewer_pairs,
)
from pipeline.review.double import choose_sample, sample_rank

SCHEMA = load_schema()
CASE = [DoubleDocument(doc_id, TEXTS[doc_id], f"hash-{doc_id}", n, MARKS[doc_id]) for n, doc_id in enumerate(TEXTS, 1)]


@pytest.mark.parametrize(
    ("a", "b", "kappa"),
    [
        # p_o = 9/10; p_e = 0.2·0.3 + 0.8·0.7 = 0.62; (0.9 - 0.62)/(1 - 0.62) = 0.28/0.38
        ("1100000000", "1110000000", 0.28 / 0.38),
        ("PPOOGG", "PPOOGG", 1.0),
        # p_o = 4/6; counts P 2/2, O 2/3, G 2/1: p_e = (4 + 6 + 2)/36 = 1/3; (2/3 - 1/3)/(2/3)
        ("PPOOGG", "POOOGP", 0.5),
        # p_o = 0; p_e = (1 + 1)/4: -0.5/0.5
        ("XO", "OX", -1.0),
        # agreeing on the same tag everywhere: chance explains it all, kappa is undefined
        ("OOOO", "OOOO", None),
        ("", "", None),
    ],
)
def test_cohen_kappa(a: str, b: str, kappa: float | None) -> None:
    found = cohen_kappa(list(a), list(b))
    assert found == (None if kappa is None else pytest.approx(kappa))


def test_kappa_needs_tags_for_the_same_characters() -> None:
    with pytest.raises(ValueError, match="as many tags"):
        cohen_kappa(["O"], ["O", "O"])


@given(st.lists(st.sampled_from("OPG"), min_size=1, max_size=40), st.lists(st.sampled_from("OPG"), min_size=1, max_size=40))
def test_kappa_is_symmetric_and_at_most_one(a: list[str], b: list[str]) -> None:
    b = (b * len(a))[: len(a)]
    one, other = cohen_kappa(a, b), cohen_kappa(b, a)
    assert one == other or (one is not None and other == pytest.approx(one))
    assert one is None or one <= 1.0 + 1e-12
    assert cohen_kappa(a, a) in (None, pytest.approx(1.0))


@pytest.mark.parametrize(
    ("labels", "tags"),
    [
        ({"PERSON", "ORG"}, ["PERSON", "PERSON", "O", "O", "ORG", "O"]),
        ({"PERSON", "SPEAKER"}, ["PERSON", "PERSON+SPEAKER", "SPEAKER", "SPEAKER", "O", "O"]),
        ({"DATE"}, ["O"] * 6),
    ],
)
def test_character_tags(labels: set[str], tags: list[str]) -> None:
    spans = [(0, 2, "PERSON"), (1, 4, "SPEAKER"), (4, 5, "ORG")]
    assert character_tags(6, spans, labels) == tags


P, C, S = "PERSON", "CONTENT", "SPEAKER"


@pytest.mark.parametrize(
    ("a", "b", "overlap", "counts", "exact_f1", "overlap_f1"),
    [
        # 1 of 3 and 2 the same: 2/5; by overlap 2/3 and 2/2: 2·(2/3)/(5/3) = 0.8
        ({(0, 2, P), (5, 8, P), (10, 12, P)}, {(0, 2, P), (5, 9, P)}, None, (3, 2, 1, 2, 2), 0.4, 0.8),
        # touching is not overlapping
        ({(0, 2, P)}, {(2, 4, P)}, None, (1, 1, 0, 0, 0), 0.0, 0.0),
        (set(), set(), None, (0, 0, 0, 0, 0), None, None),
        (set(), {(0, 2, P)}, None, (0, 1, 0, 0, 0), 0.0, 0.0),
        # links: the same type with both ends overlapping
        ({((3, 9, C), (0, 2, S), "SPEAKER_OF")}, {((3, 8, C), (0, 2, S), "SPEAKER_OF")}, links_overlap,
         (1, 1, 0, 1, 1), 0.0, 1.0),
        ({((3, 9, C), (0, 2, S), "SPEAKER_OF")}, {((3, 9, C), (0, 2, S), "CUE_OF")}, links_overlap,
         (1, 1, 0, 0, 0), 0.0, 0.0),
    ],
)  # fmt: skip
def test_match_counts(a, b, overlap, counts, exact_f1, overlap_f1) -> None:  # noqa: ANN001
    found = match_counts(a, b, overlap) if overlap else match_counts(a, b)
    assert found.as_tuple() == counts
    assert found.exact_f1 == (None if exact_f1 is None else pytest.approx(exact_f1))
    assert found.overlap_f1 == (None if overlap_f1 is None else pytest.approx(overlap_f1))


def test_counts_add_up() -> None:
    assert (MatchCounts(1, 2, 3, 4, 5) + MatchCounts(1, 1, 1, 1, 1)).as_tuple() == (2, 3, 4, 5, 6)


@pytest.mark.parametrize(("group", "label"), sorted(EXPECTED))
def test_pair_agreement_matches_the_hand_computed_figures(group: str, label: str) -> None:
    row = pair_agreement(CASE, *REVIEWERS, SCHEMA).row(group, label)
    exact, overlap, kappa = EXPECTED[(group, label)]
    assert row.counts.exact_f1 == pytest.approx(exact)
    assert row.counts.overlap_f1 == pytest.approx(overlap)
    assert row.kappa == (None if kappa is None else pytest.approx(kappa))


def test_every_row_is_checked_by_hand() -> None:
    rows = pair_agreement(CASE, *REVIEWERS, SCHEMA).rows
    assert {(row.group, row.label) for row in rows} == set(EXPECTED)


def test_pairs_count_only_documents_both_confirmed() -> None:
    alone = DoubleDocument("x", "他说", "h", 9, {"alice": Annotation(frozenset({(0, 1, S)}))})
    pair = pair_agreement([*CASE, alone], *REVIEWERS, SCHEMA)
    assert (pair.documents, pair.characters) == (2, 38)
    assert reviewer_pairs([alone], ["alice", "bob"]) == []
    assert reviewer_pairs(CASE, ["bob", "carol", "alice"]) == [("alice", "bob")]


def test_disagreements_are_grouped_and_named() -> None:
    compared = compare_document(CASE[0], SCHEMA)
    found = [(d.item, d.layer, d.what, d.labels, (d.start, d.end)) for d in compared.disagreements]
    assert found == DISAGREEMENTS
    assert compared.agreed.spans == {(4, 7, "PERSON"), (20, 23, "PERCENT"), (4, 7, S), (7, 9, "CUE")}
    assert compared.agreed.links == frozenset()
    assert compared.disagreements[0].said == {"alice": ((10, 14, "ORG"),), "bob": ((10, 14, "PERSON"),)}
    assert compared.disagreements[4].said == {"alice": ((14, 16, "DATE"),), "bob": ()}
    assert compare_document(CASE[1], SCHEMA).disagreements == []


def test_a_chain_of_overlaps_is_one_disagreement() -> None:
    marks = {
        "alice": Annotation(frozenset({(0, 3, P), (4, 6, P)})),
        "bob": Annotation(frozenset({(2, 5, "ORG")})),
        "carol": Annotation(frozenset({(0, 3, P)})),
    }
    (one,) = compare_document(DoubleDocument("d", "吴天君和马懿说", "h", 1, marks), SCHEMA).disagreements
    assert (one.what, one.labels, one.start, one.end) == ("label", ("ORG", "PERSON"), 0, 6)
    assert one.said["carol"] == ((0, 3, P),) and one.said["bob"] == ((2, 5, "ORG"),)


def test_guideline_feedback_lists_the_commonest_first_with_examples() -> None:
    twice = DoubleDocument("double-3", TEXTS["double-1"], "h3", 3, MARKS["double-1"])
    rows = guideline_feedback([compare_document(doc, SCHEMA) for doc in [*CASE, twice]], examples=1)
    assert [(r.layer, r.what, r.labels, r.count) for r in rows][:2] == [
        ("entities", "label", ("ORG", "PERSON"), 2),
        ("entities", "missing", ("DATE",), 2),
    ]
    assert rows[0].title == "ORG vs PERSON" and rows[1].title == "DATE left out by a reviewer"
    assert rows[0].examples == [{
        "document_id": "double-1", "item": 1, "text": "…书记吴天君指出，[郑州日报]今年投资增长12…",
        "said": {"alice": ["ORG 郑州日报"], "bob": ["PERSON 郑州日报"]},
    }]  # fmt: skip
    link = next(r for r in rows if r.labels == ("SPEAKER_OF",))
    assert link.examples[0]["said"]["bob"] == ["SPEAKER_OF 郑州日报今年投资增长12% -> 吴天君"]


def test_the_report_counts_what_it_compared() -> None:
    report = agreement_report(CASE, REVIEWERS, SCHEMA)
    assert (report["documents_in_project"], report["documents_compared"], report["disagreements"]) == (2, 2, 5)
    assert report["confirmed_by"] == {"alice": 2, "bob": 2}
    (pair,) = report["pairs"]
    person = next(r for r in pair["rows"] if r["label"] == "PERSON")
    assert person == {"group": "entities", "label": "PERSON", "spans_a": 1, "spans_b": 2, "exact_matches": 1,
                      "overlapping_a": 1, "overlapping_b": 1, "exact_f1": 0.6667, "overlap_f1": 0.6667,
                      "kappa": 0.5503}  # fmt: skip


@given(st.sets(st.tuples(st.integers(0, 20), st.integers(1, 8), st.sampled_from(["PERSON", "ORG", "CONTENT"]))))
def test_a_reviewer_agrees_with_themselves(raw: set[tuple[int, int, str]]) -> None:
    spans = frozenset((start, start + length, label) for start, length, label in raw)
    same = Annotation(spans)
    doc = DoubleDocument("d", "字" * 30, "h", 1, {"alice": same, "bob": same})
    assert compare_document(doc, SCHEMA).disagreements == []
    for row in pair_agreement([doc], "alice", "bob", SCHEMA).rows:
        assert row.counts.exact_f1 in (None, 1.0) and row.counts.overlap_f1 in (None, 1.0)
        assert row.kappa in (None, pytest.approx(1.0))


# --- the sample ------------------------------------------------------------------------------

IDS = [f"doc-{n:02d}" for n in range(20)]


def test_the_sample_is_seeded_and_ignores_input_order() -> None:
    first = choose_sample(IDS, 5, seed=7)
    assert len(first) == 5 and first == choose_sample(list(reversed(IDS)), 5, seed=7)
    assert first == set(sorted(IDS, key=lambda i: sample_rank(i, 7))[:5])
    assert choose_sample(IDS, 5, seed=8) != first


@pytest.mark.parametrize(
    ("size", "already", "kept"),
    [
        (5, {"doc-03", "doc-04"}, {"doc-03", "doc-04"}),  # already there: stays, the draw fills the rest
        (1, {"doc-03", "doc-04"}, {"doc-03", "doc-04"}),  # a smaller N never takes a document out
        (5, {"gone"}, set()),  # a document no longer in the input is not sampled
        (30, set(), set(IDS)),
    ],
)
def test_documents_already_in_the_sample_stay(size: int, already: set[str], kept: set[str]) -> None:
    sample = choose_sample(IDS, size, seed=0, already=already)
    assert kept <= sample and len(sample) == max(min(size, len(IDS)), len(kept)) and "gone" not in sample
