"""The BILUO decoder behind ``entities_from_tags``: well-formed sequences read back exactly, ill-formed ones repaired."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
import spacy
from hypothesis import given
from hypothesis import strategies as st

import pipeline.stages.components  # noqa: F401  (registers entities_from_tags)
from pipeline.core.schema import load_schema
from pipeline.stages.entities.tags import best_biluo_path, biluo_tags, spans_from_tags

LABELS = load_schema().entity_labels


@pytest.mark.parametrize(
    ("tags", "spans"),
    [
        ([], []),
        (["O", "O"], []),
        (["B-PERSON", "I-PERSON", "L-PERSON", "O", "U-ORG"], [(0, 3, "PERSON"), (4, 5, "ORG")]),
        (["B-DATE", "L-DATE", "B-DATE", "L-DATE"], [(0, 2, "DATE"), (2, 4, "DATE")]),
        # ill-formed: I/L without an open entity start one; a label change closes the open one
        (["O", "I-ORG", "L-ORG"], [(1, 3, "ORG")]),
        (["L-PERSON", "O"], [(0, 1, "PERSON")]),
        (["B-ORG", "I-ORG", "L-PERSON"], [(0, 2, "ORG"), (2, 3, "PERSON")]),
        (["B-ORG", "I-ORG"], [(0, 2, "ORG")]),  # runs to the end
        (["B-ORG", "O", "L-ORG"], [(0, 1, "ORG"), (2, 3, "ORG")]),
        (["B-ORG", "U-DATE"], [(0, 1, "ORG"), (1, 2, "DATE")]),
    ],
)
def test_spans_from_tags(tags: list[str], spans: list[tuple[int, int, str]]) -> None:
    assert spans_from_tags(tags) == spans


def _ents(length: int) -> st.SearchStrategy[list[tuple[int, int, str]]]:
    """Disjoint entity spans over ``length`` tokens."""
    return st.lists(st.tuples(st.integers(0, length), st.integers(1, 4), st.sampled_from(LABELS))).map(
        lambda items: _disjoint(items, length)
    )


def _disjoint(items: list[tuple[int, int, str]], length: int) -> list[tuple[int, int, str]]:
    kept: list[tuple[int, int, str]] = []
    for start, width, label in sorted(items):
        end = min(start + width, length)
        if start < end and (not kept or start >= kept[-1][1]):
            kept.append((start, end, label))
    return kept


@given(st.integers(0, 30).flatmap(lambda n: st.tuples(st.just(n), _ents(n))))
def test_well_formed_tags_read_back_to_the_entities(case: tuple[int, list[tuple[int, int, str]]]) -> None:
    length, ents = case
    doc = spacy.blank("zh")("字" * length)
    doc.ents = [spacy.tokens.Span(doc, start, end, label=label) for start, end, label in ents]
    assert spans_from_tags(biluo_tags(doc)) == ents


@given(st.lists(st.sampled_from(["O"] + [f"{m}-{label}" for m in "BILU" for label in LABELS]), max_size=40))
def test_any_tag_sequence_gives_disjoint_spans_inside_the_sequence(tags: list[str]) -> None:
    spans = spans_from_tags(tags)
    assert all(0 <= start < end <= len(tags) for start, end, _ in spans)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))
    assert {label for _, _, label in spans} <= set(LABELS)
    assert sum(end - start for start, end, _ in spans) == sum(tag != "O" for tag in tags)


def test_component_sets_doc_ents_from_token_tags() -> None:
    nlp = spacy.blank("zh")
    nlp.add_pipe("entities_from_tags")
    doc = nlp.make_doc("市长马懿在会上")
    for token, tag in zip(doc, ["O", "O", "B-PERSON", "L-PERSON", "O", "O", "O"]):
        token.tag_ = tag
    doc = nlp.get_pipe("entities_from_tags")(doc)
    assert [(e.text, e.label_) for e in doc.ents] == [("马懿", "PERSON")]


TAGS = tuple(sorted(["O"] + [f"{m}-{label}" for m in "BILU" for label in LABELS]))


def _well_formed(tags: list[str]) -> bool:
    """Every B/I is followed by I/L of its label, every I/L follows B/I of its label."""
    previous = "O"
    for tag in tags + ["O"]:
        move, _, label = tag.partition("-")
        continues = previous[0] in "BI"
        if continues != (move in ("I", "L")) or (continues and previous.partition("-")[2] != label):
            return False
        previous = tag
    return True


@given(st.lists(st.lists(st.floats(-5, 5), min_size=len(TAGS), max_size=len(TAGS)), max_size=25))
def test_best_path_is_always_well_formed(rows: list[list[float]]) -> None:
    import numpy

    scores = numpy.array(rows, dtype="float32").reshape(len(rows), len(TAGS))
    tags = [TAGS[i] for i in best_biluo_path(scores, TAGS)]
    assert len(tags) == len(rows)
    assert _well_formed(tags)


def test_best_path_keeps_a_well_formed_argmax_and_mends_a_broken_name() -> None:
    import numpy

    def scores(best: list[str], second: dict[int, str] | None = None) -> numpy.ndarray:
        table = numpy.full((len(best), len(TAGS)), -4.0, dtype="float32")
        for i, tag in enumerate(best):
            table[i, TAGS.index(tag)] = 2.0
        for i, tag in (second or {}).items():
            table[i, TAGS.index(tag)] = 1.5
        return table

    kept = ["O", "B-ORG", "I-ORG", "L-ORG", "U-PERSON"]
    assert [TAGS[i] for i in best_biluo_path(scores(kept), TAGS)] == kept
    # 中国新星石油公司 with one middle character guessed O: one ORG, not two pieces
    broken = ["B-ORG", "I-ORG", "O", "I-ORG", "L-ORG"]
    mended = best_biluo_path(scores(broken, {2: "I-ORG"}), TAGS)
    assert [TAGS[i] for i in mended] == ["B-ORG", "I-ORG", "I-ORG", "I-ORG", "L-ORG"]


SMALL_TAGS = ("O", "B-ORG", "I-ORG", "L-ORG", "U-ORG", "U-PERSON")


@given(st.lists(st.lists(st.floats(-5, 5), min_size=len(SMALL_TAGS), max_size=len(SMALL_TAGS)), min_size=1, max_size=5))
def test_best_path_scores_as_high_as_any_well_formed_path(rows: list[list[float]]) -> None:
    import itertools

    import numpy

    logits = numpy.array(rows, dtype="float64")
    log_probs = logits - numpy.log(numpy.exp(logits - logits.max(axis=1, keepdims=True)).sum(axis=1, keepdims=True))
    log_probs -= logits.max(axis=1, keepdims=True)

    def score(path: Sequence[int]) -> float:
        return float(sum(log_probs[i, tag] for i, tag in enumerate(path)))

    best = max(
        score(path)
        for path in itertools.product(range(len(SMALL_TAGS)), repeat=len(rows))
        if _well_formed([SMALL_TAGS[i] for i in path])
    )
    found = best_biluo_path(logits, SMALL_TAGS)
    assert _well_formed([SMALL_TAGS[i] for i in found])
    assert score(found) == pytest.approx(best, abs=1e-9)


ANY_TAGS = ["O", "", "U", "B"] + [f"{m}-{label}" for m in "BILU" for label in LABELS]


@given(st.lists(st.sampled_from(ANY_TAGS), max_size=40))
def test_tags_given_only_where_not_o_read_the_same(tags: list[str]) -> None:
    from pipeline.stages.entities.tags import spans_from_tagged

    positions = [i for i, tag in enumerate(tags) if tag not in ("O", "")]
    assert spans_from_tagged(positions, [tags[i] for i in positions]) == spans_from_tags(tags)


@given(st.lists(st.sampled_from(ANY_TAGS[:2] + ANY_TAGS[4:]), min_size=1, max_size=30))  # spans with labels
def test_component_reads_any_token_tags_as_spans_from_tags(tags: list[str]) -> None:
    nlp = spacy.blank("zh")
    nlp.add_pipe("entities_from_tags")
    doc = nlp.make_doc("字" * len(tags))
    for token, tag in zip(doc, tags):
        token.tag_ = tag
    doc = nlp.get_pipe("entities_from_tags")(doc)
    assert [(e.start, e.end, e.label_) for e in doc.ents] == spans_from_tags(tags)


@pytest.mark.parametrize("overwrite", [False, True])
@given(
    docs=st.lists(
        st.lists(st.tuples(st.integers(0, len(TAGS) - 1), st.booleans()), max_size=20),  # (tag id, tagged before)
        min_size=1, max_size=4,
    )
)
def test_tags_set_as_one_array_as_spacy_sets_them(overwrite: bool, docs: list[list[tuple[int, bool]]]) -> None:
    import numpy
    from spacy.attrs import TAG
    from spacy.pipeline import Tagger

    from pipeline.stages.entities.tags import BiluoTagger

    nlp = spacy.blank("zh")
    tagger = BiluoTagger(nlp.vocab, None, overwrite=overwrite)  # no model: only the tags are set here
    tagger.cfg["labels"] = list(TAGS)
    for tag in TAGS:
        nlp.vocab.strings.add(tag)

    def fresh() -> list:
        made = []
        for rows in docs:
            doc = nlp.make_doc("字" * len(rows))
            for token, (_, before) in zip(doc, rows):
                if before:
                    token.tag_ = "X"
            made.append(doc)
        return made

    tag_ids = [numpy.array([tag_id for tag_id, _ in rows], dtype="int64") for rows in docs]
    ours, spacys = fresh(), fresh()
    tagger.set_annotations(ours, tag_ids)
    Tagger.set_annotations(tagger, spacys, tag_ids)
    assert [doc.to_array(TAG).tolist() for doc in ours] == [doc.to_array(TAG).tolist() for doc in spacys]
