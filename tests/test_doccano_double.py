"""Double review against a real doccano 1.8.4: a seeded sample goes to a project with individual annotations,
two reviewers annotate it alone through the API with known differences, the agreement report gives the
figures worked out by hand, and the adjudicator's decisions reach reviewed.jsonl and the exported dataset."""

from __future__ import annotations

import os

os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from doccano_reviewer import add_relation, add_span, toggle_confirmed
from double_review_case import (
    ADJUDICATED_ENTITIES,
    ADJUDICATED_QUOTE,
    DECISIONS,
    DISAGREEMENTS,
    EXPECTED,
    MARKS,
    REVIEWERS,
    TEXTS,
)
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.core.jsonl import read_documents, write_documents
from pipeline.core.record import Document
from pipeline.review.client import ReviewClient
from pipeline.review.double import choose_sample
from pipeline.review.push import server_documents
from pipeline.review.server import LocalServer
from pipeline.review.settings import ServerSettings

pytestmark = [pytest.mark.doccano, pytest.mark.slow]

PROJECT, DOUBLE = "agree", "agree-double"
PASSWORD = "double-pass-2026"
OTHERS = {"shared-1": "村里修好了水渠，大家都很高兴。", "shared-2": "省政府昨天召开会议。"}
SEED = 2  # draws double-1 and double-2 from the four documents (checked below)


def records() -> list[Document]:
    """The pushed records; the pre-labeller took 郑州日报 for a person and found no quote."""
    docs = []
    for doc_id, text in {**TEXTS, **OTHERS}.items():
        entities = [{"start": 10, "end": 14, "label": "PERSON", "text": text[10:14]}] if doc_id == "double-1" else []
        docs.append(Document(id=doc_id, text=text, meta={"publication": "测试报", "date": "2026-12-06"},
                             entities=entities))  # fmt: skip
    return docs


def cli(*args: str, code: int = 0) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == code, result.output
    return " ".join(result.output.split())


def annotate(client: ReviewClient, project_id: int, example_id: int, marks: Any) -> None:
    """What a reviewer does in the web UI: mark the spans, link them, confirm."""
    ids = {span: add_span(client, project_id, example_id, *span) for span in sorted(marks.spans)}
    for source, target, kind in sorted(marks.links):
        add_relation(client, project_id, example_id, ids[source], ids[target], kind)
    toggle_confirmed(client, project_id, example_id)


def test_two_reviewers_agreement_and_adjudication(
    doccano_server: LocalServer, admin_client: ReviewClient, cli_env: Any, tmp_path: Path
) -> None:
    corpus = tmp_path / "corpus"
    prelabeled = corpus / "prelabeled.jsonl"
    write_documents(prelabeled, records())
    assert choose_sample(list({**TEXTS, **OTHERS}), 2, SEED) == set(TEXTS)
    for name in (*REVIEWERS, "carol"):
        admin_client.create_user(name, PASSWORD)

    # a reviewer is needed twice over
    output = cli("doccano", "push", "-i", str(prelabeled), "-p", PROJECT, "--double-review", "2", "--reviewer", "alice",
                 code=1)  # fmt: skip
    assert "two or more reviewers" in output
    output = cli("doccano", "push", "-i", str(prelabeled), "-p", PROJECT, "--double-review", "2", "--seed", str(SEED),
                 "--reviewer", "alice", "--reviewer", "bob")  # fmt: skip
    assert "2 sampled (seed 2), 2 created, 0 already there" in output and "alice, bob" in output
    assert "2 created, 0 refreshed, 0 unchanged" in output

    shared, double = admin_client.find_project(PROJECT), admin_client.find_project(DOUBLE)
    assert shared is not None and double is not None
    assert shared.collaborative_annotation and not double.collaborative_annotation
    on = {name: {c.doc_id for cs in server_documents(admin_client, p.id).values() for c in cs}
          for name, p in ((PROJECT, shared), (DOUBLE, double))}  # fmt: skip
    assert on == {PROJECT: set(OTHERS), DOUBLE: set(TEXTS)}
    assert {(m.username, m.role) for m in admin_client.members(double.id)} >= {("alice", "annotator"), ("bob", "annotator")}
    # pushing again changes nothing
    output = cli("doccano", "push", "-i", str(prelabeled), "-p", PROJECT, "--double-review", "2", "--seed", str(SEED),
                 "--reviewer", "alice", "--reviewer", "bob")  # fmt: skip
    assert "0 created, 2 already there" in output and "0 created, 0 refreshed, 2 unchanged" in output

    # each reviewer sees the bare text and annotates it alone
    examples = {c.doc_id: c.example_id for cs in server_documents(admin_client, double.id).values() for c in cs}
    for name in REVIEWERS:
        reviewer = ReviewClient.connect(ServerSettings(doccano_server.settings.url, name, PASSWORD))
        for doc_id, example in examples.items():
            assert reviewer.spans(double.id, example) == []
            annotate(reviewer, double.id, example, MARKS[doc_id][name])
    alice = ReviewClient.connect(ServerSettings(doccano_server.settings.url, "alice", PASSWORD))
    assert len(alice.spans(double.id, examples["double-1"])) == len(MARKS["double-1"]["alice"].spans)  # not bob's

    # agreement: the hand-computed figures
    report_path = corpus / "agreement.json"
    output = cli("doccano", "agreement", "-p", DOUBLE, "-o", str(report_path))
    assert "alice and bob: 2 document(s) both confirmed, 38 characters" in output
    assert "ORG vs PERSON" in output
    report = json.loads(report_path.read_text(encoding="utf-8"))
    (pair,) = report["pairs"]
    assert pair["reviewers"] == ["alice", "bob"] and pair["documents"] == 2
    found = {(row["group"], row["label"]): (row["exact_f1"], row["overlap_f1"], row["kappa"]) for row in pair["rows"]}
    assert set(found) == set(EXPECTED)
    for key, figures in EXPECTED.items():
        assert found[key] == tuple(None if f is None else pytest.approx(f, abs=5e-5) for f in figures), key
    assert report["disagreements"] == 5
    assert [(row["layer"], row["what"], row["labels"]) for row in report["feedback"]][:2] == [
        ("entities", "label", ["ORG", "PERSON"]), ("entities", "missing", ["DATE"])
    ]

    # the review list: who said what where they differ
    review_list = corpus / "adjudication.jsonl"
    output = cli("doccano", "adjudicate", "-p", DOUBLE, "--list", str(review_list))
    assert "2 document(s) confirmed by two or more reviewers, 5 disagreement(s) to decide" in output
    lines = [json.loads(line) for line in review_list.read_text(encoding="utf-8").splitlines()]
    listed = [(d["item"], d["layer"], d["what"], tuple(d["labels"]), (d["start"], d["end"]))
              for d in lines if d["kind"] == "disagreement"]  # fmt: skip
    assert listed == DISAGREEMENTS
    assert lines[1]["said"] == {"alice": [{"start": 10, "end": 14, "label": "ORG", "text": "郑州日报"}],
                                "bob": [{"start": 10, "end": 14, "label": "PERSON", "text": "郑州日报"}]}  # fmt: skip

    # the adjudicator decides four of five: nothing of double-1 is written yet, double-2 (no disagreement) is
    for line in lines:
        if line["kind"] == "disagreement" and line["item"] != 5:
            line["decision"] = DECISIONS[line["item"]]
    review_list.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    reviewed = corpus / "reviewed.jsonl"
    output = cli("doccano", "adjudicate", "--decisions", str(review_list), "--by", "carol", "-i", str(prelabeled),
                 "-o", str(reviewed))  # fmt: skip
    assert "1 document(s) wait for decisions (1 undecided): double-1" in output
    assert [doc.id for doc in read_documents(reviewed)] == ["double-2"]

    # writing the list again keeps the decisions made; then the last one
    output = cli("doccano", "adjudicate", "-p", DOUBLE, "--list", str(review_list))
    assert "4 decided in the earlier list (kept)" in output
    lines = [json.loads(line) for line in review_list.read_text(encoding="utf-8").splitlines()]
    for line in lines:
        if line["kind"] == "disagreement" and line["item"] == 5:
            line["decision"] = DECISIONS[5]
    review_list.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    output = cli("doccano", "adjudicate", "--decisions", str(review_list), "--by", "carol", "-i", str(prelabeled),
                 "-o", str(reviewed))  # fmt: skip
    assert "2 document(s) adjudicated by carol (5 disagreement(s) decided), 1 new" in output and "backup at" in output
    assert list(corpus.glob("reviewed.jsonl.*.bak"))
    got = {doc.id: doc for doc in read_documents(reviewed)}
    one = got["double-1"]
    assert {(e["start"], e["end"], e["label"], e["text"]) for e in one.entities} == ADJUDICATED_ENTITIES
    assert {role: one.quotes[0][role]["text"] for role in ("speaker", "cue", "content")} == ADJUDICATED_QUOTE
    assert (one.review["state"], one.review["by"], one.review["reviewers"]) == ("adjudicated", ["carol"], ["alice", "bob"])
    assert one.review["doccano_project"] == DOUBLE and one.review["doccano_example_id"] == examples["double-1"]

    # the export takes the adjudicated records, says so on every row, and quotes the agreement in its card
    output = cli("export", "--corpus", str(corpus))
    dataset = corpus / "dataset"
    rows = [row for path in sorted(dataset.glob("documents/*.parquet")) for row in pq.read_table(path).to_pylist()]
    states = {row["id"]: (row["review"]["state"], row["review"]["by"], row["review"]["reviewed"]) for row in rows}
    assert states == {"double-1": ("adjudicated", ["carol"], True), "double-2": ("adjudicated", ["carol"], True),
                      "shared-1": ("prelabeled", [], False), "shared-2": ("prelabeled", [], False)}  # fmt: skip
    row = next(row for row in rows if row["id"] == "double-1")
    assert {(e["start"], e["end"], e["text"]) for e in row["entities"]} == {(s, e, t) for s, e, _, t in ADJUDICATED_ENTITIES}
    ner = [row for path in sorted(dataset.glob("ner/*.parquet")) for row in pq.read_table(path).to_pylist()]
    assert {row["review"]["state"] for row in ner if row["document_id"] == "double-1"} == {"adjudicated"}
    card = (dataset / "README.md").read_text(encoding="utf-8")
    assert "## Review agreement" in card and "| alice / bob | entities | PERSON | 1 / 2 | 0.667 | 0.667 | 0.550 |" in card
    assert "2 document(s) in this export have\n`review.state == \"adjudicated\"`" in card
