"""The review list of disagreements and the adjudicator's decisions, as pure functions (no server)."""

from __future__ import annotations

import copy
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from double_review_case import ADJUDICATED_ENTITIES, ADJUDICATED_QUOTE, DECISIONS, MARKS, TEXTS

from pipeline.core.jsonl import read_documents, write_documents
from pipeline.core.record import Document
from pipeline.core.schema import load_schema
from pipeline.review.adjudicate import (
    DecisionError,
    adjudicate,
    carry_decisions,
    decided_items,
    group_lines,
    review_list_lines,
)
from pipeline.review.agreement import DoubleDocument, compare_document
from pipeline.review.convert import document_hash
from pipeline.review.merge import is_reviewed, merge_reviews

SCHEMA = load_schema()
WHEN = datetime(2026, 12, 6, 9, 30, tzinfo=timezone.utc)
PROJECT = "corpusprep-double"


def prelabeled(doc_id: str) -> Document:
    """The pushed record: the pre-labeller took 郑州日报 for a person and found no quote."""
    text = TEXTS[doc_id]
    entities = [{"start": 10, "end": 14, "label": "PERSON", "text": text[10:14]}] if doc_id == "double-1" else []
    return Document(id=doc_id, text=text, meta={"publication": "测试报"}, entities=entities)


RECORDS = {doc_id: prelabeled(doc_id) for doc_id in TEXTS}


def review_list() -> list[dict[str, Any]]:
    docs = [DoubleDocument(i, TEXTS[i], document_hash(i, TEXTS[i]), n, MARKS[i]) for n, i in enumerate(TEXTS, 1)]
    return [json.loads(json.dumps(line)) for line in review_list_lines([compare_document(d, SCHEMA) for d in docs], PROJECT)]


def decide(lines: list[dict[str, Any]], decisions: dict[int, Any], doc_id: str = "double-1") -> list[dict[str, Any]]:
    lines = copy.deepcopy(lines)
    for line in lines:
        if line["kind"] == "disagreement" and line["document_id"] == doc_id and line["item"] in decisions:
            line["decision"] = decisions[line["item"]]
    return lines


def take(lines: list[dict[str, Any]]) -> Any:
    listed, problems = group_lines(enumerate(lines, start=1))
    assert problems == []
    return adjudicate(listed, RECORDS, SCHEMA, "carol", WHEN)


def test_the_list_says_who_said_what() -> None:
    lines = review_list()
    assert [(line["kind"], line["document_id"]) for line in lines] == [
        ("document", "double-1"), *[("disagreement", "double-1")] * 5, ("document", "double-2")
    ]
    head = lines[0]
    assert head["reviewers"] == ["alice", "bob"] and head["disagreements"] == 5 and head["example_id"] == 1
    assert {(s["label"], s["text"]) for s in head["agreed"]["spans"]} == {
        ("PERSON", "吴天君"), ("PERCENT", "12%"), ("SPEAKER", "吴天君"), ("CUE", "指出")
    }
    first = lines[1]
    assert first["said"] == {
        "alice": [{"start": 10, "end": 14, "label": "ORG", "text": "郑州日报"}],
        "bob": [{"start": 10, "end": 14, "label": "PERSON", "text": "郑州日报"}],
    }
    assert (first["what"], first["text"], first["decision"]) == ("label", "郑州日报", None)
    link = lines[2]
    assert link["said"]["alice"][0]["type"] == "CUE_OF" and link["said"]["alice"][0]["to"]["text"] == "指出"
    assert link["said"]["bob"] == []


SAID = {"alice": [{"start": 0, "end": 2, "label": "PERSON"}], "bob": []}


@pytest.mark.parametrize(
    ("decision", "kept"),
    [
        (None, None),
        ("", None),
        ("none", ()),
        ([], ()),
        ("alice", ((0, 2, "PERSON"),)),
        ("bob", ()),
        ([{"start": 0, "end": 3, "label": "ORG", "text": "ignored"}], ((0, 3, "ORG"),)),
    ],
)
def test_a_decision_keeps(decision: Any, kept: Any) -> None:
    assert decided_items({"layer": "entities", "said": SAID, "decision": decision}) == kept


@pytest.mark.parametrize(
    ("decision", "message"),
    [
        ("carol", "no reviewer of this document"),
        (3, "must be a reviewer's name"),
        ([{"start": 0, "label": "ORG"}], "needs start, end and label"),
    ],
)
def test_an_unusable_decision_says_what_to_write(decision: Any, message: str) -> None:
    with pytest.raises(DecisionError, match=message):
        decided_items({"layer": "entities", "said": SAID, "decision": decision})


def test_decided_documents_become_adjudicated_records() -> None:
    result = take(decide(review_list(), DECISIONS))
    assert (result.waiting, result.problems, result.decided) == ({}, [], 5)
    records = {doc.id: doc for doc in result.records}
    one = records["double-1"]
    assert {(e["start"], e["end"], e["label"], e["text"]) for e in one.entities} == ADJUDICATED_ENTITIES
    (quote,) = one.quotes
    assert {role: quote[role]["text"] for role in ("speaker", "cue", "content")} == ADJUDICATED_QUOTE
    assert quote["speaker_name"] == "吴天君" and quote["kind"] == "indirect"
    assert one.review == {
        "state": "adjudicated", "by": ["carol"], "reviewers": ["alice", "bob"], "doccano_example_id": 1,
        "doccano_project": PROJECT, "document_hash": document_hash("double-1", TEXTS["double-1"]),
        "edited": True, "disagreements": 5, "pulled_at": "2026-12-06T09:30:00+00:00",
    }  # fmt: skip
    two = records["double-2"]  # nothing to decide: what both marked
    assert [(e["label"], e["text"]) for e in two.entities] == [("DATE", "明年")]
    assert two.quotes[0]["content"]["text"] == "明年还要扩大规模。" and two.quotes[0]["kind"] == "direct"
    assert two.review["disagreements"] == 0 and is_reviewed(two.review)
    assert one.meta == RECORDS["double-1"].meta and one.text == TEXTS["double-1"]


def test_an_undecided_document_waits_and_the_others_go_on() -> None:
    result = take(decide(review_list(), {k: v for k, v in DECISIONS.items() if k != 5}))
    assert result.waiting == {"double-1": 1}
    assert [doc.id for doc in result.records] == ["double-2"]


@pytest.mark.parametrize(
    ("decisions", "problem"),
    [
        # bob's quote without its full stop, but alice's links, which end on the longer quote
        ({**DECISIONS, 4: "bob"}, "ends on a span the decisions drop"),
        ({**DECISIONS, 1: [{"start": 20, "end": 40, "label": "ORG"}]}, "not inside the text"),
        ({**DECISIONS, 1: [{"start": 10, "end": 14, "label": "PLACE"}]}, "not in the label schema"),
        ({**DECISIONS, 2: "dave"}, "no reviewer of this document"),
    ],
)
def test_a_decision_that_cannot_be_used_is_reported_with_its_line(decisions: dict[int, Any], problem: str) -> None:
    result = take(decide(review_list(), decisions))
    ((line, message),) = result.problems
    assert problem in message and "double-1" in message and 1 <= line <= 6
    assert [doc.id for doc in result.records] == ["double-2"]


def test_a_list_made_on_another_text_is_refused() -> None:
    lines = decide(review_list(), DECISIONS)
    lines[0]["document_hash"] = "0" * 64
    result = take(lines)
    assert result.problems == [(1, "document double-1: its text differs from the input's: write the list again "
                                   "from the project the input was pushed to")]  # fmt: skip


def test_lines_that_fit_no_document_are_reported() -> None:
    lines = review_list()
    listed, problems = group_lines(enumerate([lines[1], lines[0], lines[0], {"kind": "x"}], start=1))
    assert [line for line, _ in problems] == [1, 3, 4] and list(listed) == ["double-1"]


def test_decisions_carry_over_to_a_new_list_where_the_question_is_the_same() -> None:
    old = decide(review_list(), DECISIONS)
    new = review_list()
    new[1]["said"]["bob"] = [{"start": 10, "end": 13, "label": "PERSON", "text": "郑州日"}]  # bob changed item 1
    assert carry_decisions(new, old) == 4
    assert [line["decision"] for line in new if line["kind"] == "disagreement"] == [None, "alice", "alice", "alice", "bob"]


def test_an_adjudicated_review_replaces_a_single_review_and_is_never_lost() -> None:
    adjudicated = {doc.id: doc for doc in take(decide(review_list(), DECISIONS)).records}
    single = Document.from_dict({**RECORDS["double-1"].to_dict(), "review": {
        "state": "confirmed", "by": ["alice"], "doccano_project": "corpusprep", "doccano_example_id": 40,
        "document_hash": "x", "edited": False, "pulled_at": "2026-12-07T10:00:00+00:00"}})  # fmt: skip
    merged = merge_reviews([single], [adjudicated["double-1"]])
    assert merged.records[0].review["state"] == "adjudicated" and merged.counts.replaced == 1
    again = merge_reviews(merged.records, [single])  # a later pull of the single review does not undo it
    assert again.records[0].review["state"] == "adjudicated" and again.counts.outranked == 1
    assert not again.loses_reviews


# --- the command, on files (taking decisions in needs no server) ------------------------------


def cli(*args: str) -> Any:
    from typer.testing import CliRunner

    from pipeline.cli import app

    return CliRunner().invoke(app, ["doccano", *args])


def test_the_command_merges_decisions_and_reports_unusable_lines(tmp_path: Path) -> None:
    prelabeled, listed, reviewed = tmp_path / "prelabeled.jsonl", tmp_path / "adjudication.jsonl", tmp_path / "r.jsonl"
    write_documents(prelabeled, RECORDS.values())
    lines = decide(review_list(), {**DECISIONS, 2: "dave"})
    listed.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines) + "{oops\n", "utf-8")
    args = ["adjudicate", "--decisions", str(listed), "--by", "carol", "-i", str(prelabeled), "-o", str(reviewed)]
    result = cli(*args)
    output = " ".join(result.output.split())
    assert result.exit_code == 1
    assert f"{listed}:3: document double-1, item 2: decision 'dave' is no reviewer" in output
    assert f"{listed}:8: not valid JSON" in output
    assert "1 document(s) adjudicated by carol (0 disagreement(s) decided), 1 new" in output
    assert [doc.id for doc in read_documents(reviewed)] == ["double-2"]

    listed.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in decide(review_list(), DECISIONS)))
    result = cli(*args)
    assert result.exit_code == 0, result.output
    assert "2 document(s) adjudicated by carol (5 disagreement(s) decided), 1 new, 0 replacing older reviews, 1 " \
           "unchanged" in " ".join(result.output.split()) and "backup at" in result.output  # fmt: skip
    assert [doc.review["state"] for doc in read_documents(reviewed)] == ["adjudicated", "adjudicated"]
    assert len(list(tmp_path.glob("r.jsonl.*.bak"))) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["push", "-i", "tests/fixtures/prelabeled_seed.jsonl", "--reviewer", "alice"], "add --double-review N"),
        (["adjudicate", "--decisions", "tests/fixtures/prelabeled_seed.jsonl"], "needs --by NAME"),
        (["adjudicate", "--decisions", "tests/fixtures/prelabeled_seed.jsonl", "--by", "c", "-i", "missing.jsonl"],
         "missing.jsonl not found"),
    ],
)  # fmt: skip
def test_options_that_do_not_go_together_are_refused_before_any_server(args: list[str], message: str) -> None:
    result = cli(*args)
    assert result.exit_code == 1 and message in " ".join(result.output.split())
