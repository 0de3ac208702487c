"""Learning from reviews: what counts as gold, which tags the tagger learns, which model a run uses,
and the loop itself (a name reviewers taught is found in a text the model never saw)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
import spacy
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from pipeline.learn import LEARN_CARD, SHIPPED_MODEL, choose_model, learnt_models, next_version_dir
from pipeline.train.learn.gold import (
    CONFIRMED,
    EDITED,
    LEFT_OUT_NO_PRELABELS,
    LEFT_OUT_TEXT_CHANGED,
    LEFT_OUT_UNEDITED,
    review_gold,
)
from pipeline.train.learn.learn import (
    KEPT_WEIGHTS,
    MIN_SCORED,
    NEW_WEIGHTS,
    gold_rehearsal,
    held_out_ids,
    pattern_labels_agreed,
    sample_by_characters,
    verdict,
)
from pipeline.train.learn.update import load_model, reference_tags

LABELS = ("PERSON", "ORG", "DATE", "PERCENT")
TEXT = "张三在北京大学说明年见"  # 张三 PERSON 0-2, 北京大学 ORG 3-7, 明年 DATE 8-10


def entity(start: int, end: int, label: str) -> dict:
    return {"start": start, "end": end, "label": label, "text": TEXT[start:end]}


def reviewed(state: str, edited: bool, entities: list[dict], text: str = TEXT) -> dict:
    return {"id": "a", "text": text, "entities": entities, "review": {"state": state, "edited": edited}}


PRELABELED = {"id": "a", "text": TEXT, "entities": [entity(3, 7, "ORG"), entity(8, 10, "DATE")]}


@pytest.mark.parametrize(
    ("record", "before", "kind", "entities", "missing", "negatives"),
    [
        # confirmed: whole, every character known
        (reviewed("confirmed", False, [entity(0, 2, "PERSON"), entity(3, 7, "ORG")]), None, CONFIRMED,
         [[0, 2, "PERSON"], [3, 7, "ORG"]], [], []),
        # unconfirmed, a name added: only the name is known
        (reviewed("unconfirmed", True, [entity(0, 2, "PERSON"), entity(3, 7, "ORG"), entity(8, 10, "DATE")]), PRELABELED,
         EDITED, [[0, 2, "PERSON"]], [[2, 11]], []),
        # unconfirmed, a date deleted: "not DATE" there, the rest unknown
        (reviewed("unconfirmed", True, [entity(3, 7, "ORG")]), PRELABELED, EDITED, [], [[0, 8], [10, 11]], [[8, 10, "DATE"]]),
        # unconfirmed, a boundary moved: the new span is known, the old one is no negative (they overlap)
        (reviewed("unconfirmed", True, [entity(3, 5, "ORG"), entity(8, 10, "DATE")]), PRELABELED, EDITED,
         [[3, 5, "ORG"]], [[0, 3], [5, 11]], []),
    ],
)
def test_what_a_review_teaches(record, before, kind, entities, missing, negatives) -> None:
    gold, found_kind = review_gold(record, before, LABELS)
    assert found_kind == kind
    assert (gold["entities"], gold["missing"], gold["not"]) == (entities, missing, negatives)


@pytest.mark.parametrize(
    ("record", "before", "kind"),
    [
        (reviewed("unconfirmed", False, [entity(0, 2, "PERSON")]), PRELABELED, LEFT_OUT_UNEDITED),
        (reviewed("unconfirmed", True, [entity(0, 2, "PERSON")]), None, LEFT_OUT_NO_PRELABELS),
        (reviewed("unconfirmed", True, [], text=TEXT + "。"), PRELABELED, LEFT_OUT_TEXT_CHANGED),
        # edited, but not its entities (a quote was changed): nothing known about entities
        (reviewed("unconfirmed", True, PRELABELED["entities"]), PRELABELED, LEFT_OUT_UNEDITED),
    ],
)
def test_an_unreviewed_prelabel_is_never_learnt(record, before, kind) -> None:
    assert review_gold(record, before, LABELS) == (None, kind)


@pytest.fixture(scope="module")
def blank_zh() -> spacy.language.Language:
    return spacy.blank("zh")  # the char segmenter: one token a character, as the model's


KNOWN_TAGS = frozenset({"B-PERSON", "L-PERSON", "B-ORG", "I-ORG", "L-ORG", "B-DATE", "L-DATE", "O"})


@pytest.mark.parametrize(
    ("record", "tags", "dropped"),
    [
        ({"entities": [[0, 2, "PERSON"]], "missing": [[2, 11]], "not": []},
         ["B-PERSON", "L-PERSON"] + [""] * 9, {}),
        ({"entities": [], "missing": [[0, 8], [10, 11]], "not": [[8, 10, "DATE"]]},
         [""] * 8 + ["!B-DATE", "!L-DATE", ""], {}),
        ({"entities": [[3, 4, "ORG"]], "missing": [], "not": []},  # U-ORG: the model has no output for it
         ["O"] * 3 + [""] + ["O"] * 7, {"U-ORG": 1}),
    ],
)
def test_reference_tags(blank_zh, record: dict, tags: list[str], dropped: dict) -> None:
    doc = blank_zh.make_doc(TEXT)
    doc.ents = [doc.char_span(s, e, label=label) for s, e, label in record["entities"]]
    counted: Counter = Counter()
    assert reference_tags(doc, record, KNOWN_TAGS, counted) == tags
    assert dict(counted) == dropped


@pytest.mark.parametrize(("count", "kept_back"), [(0, 0), (1, 0), (2, 1), (4, 1), (10, 2), (20, 5)])
def test_held_out_share(count: int, kept_back: int) -> None:
    ids = [f"doc{i}" for i in range(count)]
    held = held_out_ids(ids, 0.25)
    assert len(held) == kept_back and held <= set(ids)
    assert held == held_out_ids(list(reversed(ids)), 0.25)  # by id, not by order


def test_rehearsal_sample_size() -> None:
    records = [{"id": str(i), "text": "字" * 10} for i in range(20)]
    assert len(sample_by_characters(records, 35, seed=0)) == 4
    assert sample_by_characters(records, 0, seed=0) == []


@pytest.mark.parametrize(
    ("text", "entities", "kept", "missing"),
    [
        # pd1998's aspectual 赛前 is DATE there, no date under the guidelines: unknown, not taught
        ("赛前他说", [[0, 2, "DATE"]], [], [[0, 2]]),
        # a date the patterns give just so (full-width digits as pd1998 writes them) is rehearsed
        ("他说１２月３１日来", [[2, 8, "DATE"]], [[2, 8, "DATE"]], []),
        # pd1998 leaves 晚 out of 27日晚: its span and the pattern's are both unknown
        ("27日晚张三说", [[0, 3, "DATE"], [4, 6, "PERSON"]], [[4, 6, "PERSON"]], [[0, 3], [0, 4]]),
        # 三个百分点 and 全年, no PERCENT and no DATE in pd1998: unknown, not O
        ("全年增长三个百分点", [], [], [[0, 2], [4, 9]]),
        # a pattern match inside a name the record has (十月 of 十月革命纪念馆) leaves the name as it is
        ("十月革命纪念馆开放", [[0, 7, "ORG"]], [[0, 7, "ORG"]], []),
        # other labels, and what was unknown before, stay as they are
        ("张三在北京大学", [[0, 2, "PERSON"], [3, 7, "ORG"]], [[0, 2, "PERSON"], [3, 7, "ORG"]], []),
    ],
)
def test_rehearsal_dates_and_percents_are_known_where_the_patterns_agree(text, entities, kept, missing) -> None:
    record = pattern_labels_agreed({"id": "r", "text": text, "entities": entities, "missing": []})
    assert (record["entities"], record["missing"]) == (kept, missing)


PIECES = ["赛前", "今年", "12月31日", "增长", "12%", "三成", "张三", "说", "晚"]


@st.composite
def rehearsal_records(draw: st.DrawFn) -> dict:
    """Texts of date-like and plain pieces, with spans of any label over whole pieces (none overlapping)."""
    pieces = draw(st.lists(st.sampled_from(PIECES), min_size=1, max_size=8))
    starts = [sum(map(len, pieces[:index])) for index in range(len(pieces) + 1)]
    labels = draw(st.lists(st.sampled_from([None, *LABELS]), min_size=len(pieces), max_size=len(pieces)))
    entities = [[starts[i], starts[i + 1], label] for i, label in enumerate(labels) if label]
    return {"id": "r", "text": "".join(pieces), "entities": entities, "missing": []}


@given(rehearsal_records())
def test_a_rehearsal_span_is_kept_or_unknown(record: dict) -> None:
    agreed = pattern_labels_agreed(record)
    assert all(span in record["entities"] for span in agreed["entities"])  # nothing is made up
    for start, end, label in record["entities"]:  # every span dropped is unknown
        assert [start, end, label] in agreed["entities"] or [start, end] in agreed["missing"]
    for start, end, _ in agreed["entities"]:  # a span kept is taught whole: nothing over it is unknown
        assert not any(s < end and start < e for s, e in agreed["missing"])
    names = [span for span in record["entities"] if span[2] in ("PERSON", "ORG")]
    assert [span for span in agreed["entities"] if span[2] in ("PERSON", "ORG")] == names  # names are not touched


def test_an_earlier_unknown_stretch_stays_unknown() -> None:
    record = pattern_labels_agreed({"id": "r", "text": "张三赛前说", "entities": [[2, 4, "DATE"]], "missing": [[0, 2]]})
    assert (record["entities"], record["missing"]) == ([], [[0, 2], [2, 4]])


def test_the_gold_rehearsal_follows_the_patterns(tmp_path: Path) -> None:
    data = tmp_path / "train.jsonl"
    data.write_text(json.dumps({"id": "p", "text": "目前１２月３１日江泽民说", "entities": [[0, 2, "DATE"], [2, 8, "DATE"], [8, 11, "PERSON"]]},
                               ensure_ascii=False) + "\n")  # fmt: skip
    (record,) = gold_rehearsal(data, 5, LABELS, seed=0)
    assert (record["entities"], record["missing"]) == ([[2, 8, "DATE"], [8, 11, "PERSON"]], [[0, 2]])


def fake_model(folder: Path, card: bool = True) -> Path:
    folder.mkdir(parents=True)
    (folder / "config.cfg").write_text("")
    (folder / "meta.json").write_text("{}")
    if card:
        (folder / LEARN_CARD).write_text("{}")
    return folder


def test_model_choice(tmp_path: Path) -> None:
    models = tmp_path / "models"
    assert choose_model(None, tmp_path).shipped
    assert next_version_dir(models).name == "v001"
    fake_model(models / "v001")
    fake_model(models / "v010")
    fake_model(models / "v011", card=False)  # half-written: not a learnt model yet
    assert [p.name for p in learnt_models(models)] == ["v001", "v010"]
    assert next_version_dir(models).name == "v012"
    assert choose_model(None, tmp_path).path.name == "v010"
    assert choose_model("shipped", tmp_path).shipped
    assert choose_model(str(models / "v001"), tmp_path).path.name == "v001"
    with pytest.raises(ValueError, match="not an entity model folder"):
        choose_model(str(tmp_path / "nowhere"), tmp_path)


def test_a_learnt_model_redoes_prelabel(tmp_path: Path) -> None:
    from pipeline.run import code_fingerprint, stage_options

    model = fake_model(tmp_path / "v001")
    assert stage_options("prelabel", None, str(model)) == {"model": str(model)}
    assert stage_options("segment", None, str(model)) == {"segmenter": None}
    before = code_fingerprint("prelabel", None, str(model))
    assert before != code_fingerprint("prelabel", None, None)
    (model / "meta.json").write_text('{"retrained": true}')
    assert code_fingerprint("prelabel", None, str(model)) != before


UNSEEN = "阿不都热合曼"  # a name the shipped model misses (checked below, so the test cannot pass vacuously)
TAUGHT = [
    f"记者今天见到了{UNSEEN}，{UNSEEN}说这项工作很重要。",
    f"{UNSEEN}是县里的技术员。昨天，{UNSEEN}又下乡了。",
    f"村民们都认识{UNSEEN}。{UNSEEN}告诉记者，今年的收成不错。",
    f"在{UNSEEN}的帮助下，合作社办起来了，{UNSEEN}很高兴。",
]
UNSEEN_TEXT = f"{UNSEEN}表示，明年将继续推进改革。"


def confirmed_record(index: int, text: str) -> dict:
    """A confirmed review naming UNSEEN."""
    spans = [{"start": i, "end": i + len(UNSEEN), "label": "PERSON", "text": UNSEEN}
             for i in range(len(text)) if text.startswith(UNSEEN, i)]
    return {"id": f"taught-{index}", "text": text, "meta": {}, "entities": spans,
            "review": {"state": "confirmed", "edited": True, "by": ["reviewer"]}}


def test_a_name_reviewers_taught_is_found_in_a_text_the_model_never_saw(tmp_path: Path) -> None:
    from pipeline.cli import app
    from pipeline.stages.prelabel import load_prelabeler

    def people(model: Path) -> set[str]:
        return {e["text"] for e in load_prelabeler(model_dir=model).label_text(UNSEEN_TEXT) if e["label"] == "PERSON"}

    def model_people(model: Path) -> set[str]:  # the statistical model alone, without the rules and their lexicon
        return {e.text for e in load_model(model)(UNSEEN_TEXT).ents if e.label_ == "PERSON"}

    assert UNSEEN not in people(SHIPPED_MODEL) | model_people(SHIPPED_MODEL)
    reviews = tmp_path / "corpus" / "reviewed.jsonl"
    reviews.parent.mkdir()
    reviews.write_text("".join(json.dumps(confirmed_record(i, t), ensure_ascii=False) + "\n" for i, t in enumerate(TAUGHT)))
    result = CliRunner().invoke(app, [
        "learn", "--reviewed", str(reviews), "--rehearsal-data", str(tmp_path / "none.jsonl"),
        "--epochs", "6", "--learn-rate", "0.002", "--no-keep-if-better",
    ])
    assert result.exit_code == 0, result.output
    model = tmp_path / "corpus" / "models" / "v001"
    card = json.loads((model / LEARN_CARD).read_text())
    assert (len(card["documents"]["learnt_from"]), len(card["documents"]["kept_back_for_scoring"])) == (3, 1)
    assert card["rehearsal"]["kind"] == "none"  # no outside data, no unreviewed pre-labels
    assert UNSEEN in people(model) and UNSEEN in model_people(model)  # the model learnt it, not only the rules
    (entry,) = [json.loads(line) for line in (model / "lexicon" / "persons.jsonl").read_text().splitlines()]
    assert entry["text"] == UNSEEN and {r["id"] for r in entry["reviews"]} == {"taught-0", "taught-1", "taught-2", "taught-3"}
    assert choose_model(None, tmp_path / "corpus").path == model.resolve()
    assert not (SHIPPED_MODEL / LEARN_CARD).exists()  # the shipped model is never changed


@pytest.mark.parametrize(
    ("before", "after", "words", "has_words", "keep_if_better", "expected"),
    [
        # nothing kept back to score on: the reviewers' words still make a version, new weights only when asked
        (None, None, None, True, True, (True, KEPT_WEIGHTS)),
        (None, None, None, False, True, (False, NEW_WEIGHTS)),
        (None, None, None, False, False, (True, NEW_WEIGHTS)),
        # new weights better than the ones in use, with the same words and without
        (0.80, 0.90, 0.85, True, True, (True, NEW_WEIGHTS)),
        (0.80, 0.90, None, False, True, (True, NEW_WEIGHTS)),
        # better than the weights in use alone, not than them with the words: the words with the weights in use
        (0.80, 0.84, 0.85, True, True, (True, KEPT_WEIGHTS)),
        # the words lose on the kept-back dozen: kept all the same, people vouched for them
        (0.80, 0.79, 0.78, True, True, (True, KEPT_WEIGHTS)),
        # no words and no better weights: nothing, unless asked
        (0.80, 0.79, None, False, True, (False, NEW_WEIGHTS)),
        (0.80, 0.79, None, False, False, (True, NEW_WEIGHTS)),
    ],
)
def test_which_version_learn_keeps(before: float | None, after: float | None, words: float | None, has_words: bool,
                                   keep_if_better: bool, expected: tuple) -> None:
    def scores(f1: float | None) -> dict | None:
        return None if f1 is None else {"micro": {"f1": f1}}

    kept, weights, _ = verdict(scores(before), scores(after), scores(words), has_words, keep_if_better, MIN_SCORED)
    assert (kept, weights) == expected


@pytest.mark.parametrize(
    ("scored", "has_words", "expected"),
    [
        (MIN_SCORED, True, (True, NEW_WEIGHTS)),  # enough kept-back documents to judge the better weights
        (MIN_SCORED - 1, True, (True, KEPT_WEIGHTS)),  # too few: the words with the weights in use
        (MIN_SCORED - 1, False, (False, NEW_WEIGHTS)),  # too few, and no words: nothing
    ],
)
def test_too_few_kept_back_documents_choose_no_weights(scored: int, has_words: bool, expected: tuple) -> None:
    better = ({"micro": {"f1": 0.8}}, {"micro": {"f1": 0.9}}, {"micro": {"f1": 0.85}} if has_words else None)
    kept, weights, _ = verdict(*better, has_words, True, scored)
    assert (kept, weights) == expected


def test_a_model_that_is_not_better_is_not_kept(tmp_path: Path) -> None:
    from pipeline.cli import app

    reviews = tmp_path / "reviewed.jsonl"  # confirmed with no name in them: nothing for the rules' lexicon either
    reviews.write_text("".join(json.dumps({**confirmed_record(i, t), "entities": []}, ensure_ascii=False) + "\n"
                               for i, t in enumerate(TAUGHT)))
    result = CliRunner().invoke(app, [  # learning rate 0: the same model, so not better
        "learn", "--reviewed", str(reviews), "--rehearsal-data", str(tmp_path / "none.jsonl"), "--epochs", "1",
        "--learn-rate", "0",
    ])
    assert result.exit_code == 3, result.output
    assert "kept the old one" in result.output
    assert not (tmp_path / "models").exists() or not any((tmp_path / "models").iterdir())


def test_weights_that_gain_nothing_give_way_to_the_ones_in_use_with_the_reviewers_words(tmp_path: Path) -> None:
    from pipeline.cli import app
    from pipeline.stages.prelabel import load_prelabeler

    reviews = tmp_path / "reviewed.jsonl"  # the reviewer added the name: the rules' lexicon learns it
    reviews.write_text("".join(json.dumps(confirmed_record(i, t), ensure_ascii=False) + "\n" for i, t in enumerate(TAUGHT)))
    result = CliRunner().invoke(app, [  # learning rate 0: updated weights equal to the ones in use, so no gain
        "learn", "--reviewed", str(reviews), "--rehearsal-data", str(tmp_path / "none.jsonl"), "--epochs", "1",
        "--learn-rate", "0",
    ])
    assert result.exit_code == 0, result.output
    assert "keeps the weights in use with the reviewers' words" in result.output
    model = tmp_path / "models" / "v001"
    card = json.loads((model / LEARN_CARD).read_text())
    assert card["weights"] == "kept"
    assert (model / "tagger" / "model").read_bytes() == (SHIPPED_MODEL / "tagger" / "model").read_bytes()
    assert UNSEEN in {e["text"] for e in load_prelabeler(model_dir=model).label_text(UNSEEN_TEXT) if e["label"] == "PERSON"}
    assert "the weights are those of" in (model / "MODEL_CARD.md").read_text()


def test_each_record_says_which_model_labelled_it() -> None:
    from pipeline.core.record import Document
    from pipeline.stages.prelabel import prelabel_stage

    [document] = prelabel_stage(None)([Document(id="a", text=UNSEEN_TEXT)])
    assert document.meta["ner_model"] == {"name": "shipped", "path": "pipeline/models/ner"}


def test_the_same_reviews_give_the_same_model(tmp_path: Path) -> None:
    from pipeline.train.learn.learn import train_copy
    from pipeline.train.learn.update import UpdateSettings

    records = [{"id": f"t{i}", "text": t, "entities": [[t.index(UNSEEN), t.index(UNSEEN) + len(UNSEEN), "PERSON"]], "missing": []}
               for i, t in enumerate(TAUGHT)]  # fmt: skip
    settings = UpdateSettings(epochs=2, dropout=0.3)  # dropout draws random masks: seeded too
    facts = [train_copy(SHIPPED_MODEL, records, [], tmp_path / name, settings) for name in ("first", "second")]
    assert facts[0]["losses"] == facts[1]["losses"]
    weights = [(tmp_path / name / "tagger" / "model").read_bytes() for name in ("first", "second")]
    assert weights[0] == weights[1]
    assert weights[0] != (SHIPPED_MODEL / "tagger" / "model").read_bytes()
