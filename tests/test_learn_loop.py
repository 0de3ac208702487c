"""The loop from review to better pre-labels, against a real doccano 1.8.4: pre-label, push (least sure
first), a reviewer adds and fixes names and a quote through the API and confirms, pull, learn,
pre-label again: what the reviewer taught is found in other documents, where the shipped model
missed it; a re-push refreshes the untouched documents and leaves the reviewed ones alone."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from doccano_reviewer import add_member, add_relation, add_span, create_user, delete_span, toggle_confirmed
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.core.jsonl import read_documents, write_documents
from pipeline.core.record import Document
from pipeline.learn import LEARN_CARD, SHIPPED_MODEL
from pipeline.learn.uncertainty import by_uncertainty
from pipeline.review.client import ReviewClient
from pipeline.review.push import server_documents
from pipeline.review.server import LocalServer
from pipeline.review.settings import ServerSettings

pytestmark = [pytest.mark.doccano, pytest.mark.slow]

PROJECT = "learn-loop"
REVIEWER, PASSWORD = "loop-reviewer", "loop-pass-2026"
# Names the shipped model misses (checked below): two Uyghur names and two companies of the 2010s; and
# 小红书, which it takes for a person.
PERSONS, ORGS = ("阿不都热合曼", "热依拉木"), ("蔚来汽车", "拼多多", "小红书")
CUE = "放话"  # a cue the attributor does not know (reported speech after a comma: no ：“ makes any verb a cue)
# The reviewed documents, and what the reviewer makes their names and their quote (speaker, cue, content).
REVIEWED = {
    "taught-1": ("记者今天在喀什见到了阿不都热合曼。阿不都热合曼放话，合作社一定要办好。蔚来汽车的工程师也来帮忙了。",
                 ("阿不都热合曼", CUE, "合作社一定要办好。")),
    "taught-2": ("阿不都热合曼是县里的技术员。热依拉木告诉记者，蔚来汽车和拼多多都在这里设了服务点。", None),
    "taught-3": ("小红书的负责人表示，平台将加强管理。热依拉木和阿不都热合曼都参加了会议，拼多多也派了人。", None),
}
# Documents nobody reviews: the names and the cue again, in other sentences; and one without them.
OTHERS = {
    "other-1": "阿不都热合曼放话，明年还要扩大规模。",
    "other-2": "蔚来汽车的新车很受欢迎，热依拉木也买了一辆。拼多多的订单也多了。",
    "other-3": "村里修好了水渠，大家都很高兴。",
}


def cli(*args: str) -> Any:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


def occurrences(text: str, word: str) -> list[tuple[int, int]]:
    found, start = [], text.find(word)
    while start != -1:
        found.append((start, start + len(word)))
        start = text.find(word, start + len(word))
    return found


def gold_names(text: str) -> set[tuple[int, int, str]]:
    return {(s, e, label) for words, label in ((PERSONS, "PERSON"), (ORGS, "ORG")) for w in words for s, e in occurrences(text, w)}


def names_found(document: Document) -> set[tuple[str, str]]:
    return {(e["text"], e["label"]) for e in document.entities if e["label"] in ("PERSON", "ORG")}


def quotes_found(document: Document) -> set[tuple[str | None, str | None, str]]:
    return {((q["speaker"] or {}).get("text"), (q["cue"] or {}).get("text"), q["content"]["text"]) for q in document.quotes}


def review_as_taught(client: ReviewClient, pid: int, eid: int, text: str, quote: tuple[str, str, str] | None) -> None:
    """What the reviewer does in the web UI: every name right (wrong ones deleted, missing ones added), the quote linked."""
    gold = gold_names(text)
    present = set()
    for span in client.spans(pid, eid):
        key = (span.start, span.end, span.label)
        if span.label in ("PERSON", "ORG") and key not in gold:
            delete_span(client, pid, eid, span.id)
        present.add(key)
    for start, end, label in sorted(gold - present):
        add_span(client, pid, eid, start, end, label)
    if quote is not None:
        speaker, cue, content = quote
        cue_at = text.index(cue)
        speaker_at, content_at = text.rindex(speaker, 0, cue_at), text.index(content, cue_at)
        where = {"SPEAKER": (speaker_at, speaker_at + len(speaker)), "CUE": (cue_at, cue_at + len(cue)),
                 "CONTENT": (content_at, content_at + len(content))}  # fmt: skip
        ids = {role: add_span(client, pid, eid, start, end, role) for role, (start, end) in where.items()}
        add_relation(client, pid, eid, ids["CONTENT"], ids["SPEAKER"], "SPEAKER_OF")
        add_relation(client, pid, eid, ids["CONTENT"], ids["CUE"], "CUE_OF")
    toggle_confirmed(client, pid, eid)


def test_reviews_teach_the_next_prelabels(
    doccano_server: LocalServer, admin_client: ReviewClient, cli_env: Any, tmp_path: Path
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    texts = {**{doc_id: text for doc_id, (text, _) in REVIEWED.items()}, **OTHERS}
    segmented = corpus / "segmented.jsonl"
    write_documents(segmented, [Document(id=doc_id, text=text, meta={"date": "2026-06-01"}) for doc_id, text in texts.items()])
    prelabeled = corpus / "prelabeled.jsonl"
    cli("prelabel", "--input", str(segmented), "--output", str(prelabeled))
    before = {d.id: d for d in read_documents(prelabeled)}
    for doc_id in OTHERS:  # the shipped pre-labeller misses them: nothing is found by chance below
        assert not names_found(before[doc_id]) & ({(w, "PERSON") for w in PERSONS} | {(w, "ORG") for w in ORGS})
    assert not any(cue == CUE for _, cue, _ in quotes_found(before["other-1"]))

    # push, least sure first: doccano lists the documents in that order
    output = cli("doccano", "push", "--input", str(prelabeled), "--project", PROJECT, "--order", "uncertain")
    assert "6 created" in output and "least sure first" in output
    pid = admin_client.find_project(PROJECT).id
    order = [d.id for d, _ in by_uncertainty(read_documents(prelabeled), SHIPPED_MODEL)]
    on_server = {c.example_id: c.doc_id for copies in server_documents(admin_client, pid).values() for c in copies}
    assert [on_server[example.id] for example in admin_client.examples(pid)] == order

    # a reviewer adds the missing names, fixes 小红书 (PERSON -> ORG), links a quote with a new cue, confirms
    create_user(admin_client, REVIEWER, PASSWORD)
    add_member(admin_client, pid, REVIEWER, "annotator")
    reviewer = ReviewClient.connect(ServerSettings(doccano_server.settings.url, REVIEWER, PASSWORD))
    example_of = {doc_id: example_id for example_id, doc_id in on_server.items()}
    for doc_id, (text, quote) in REVIEWED.items():
        review_as_taught(reviewer, pid, example_of[doc_id], text, quote)
    snapshot = {doc_id: sorted(admin_client.spans(pid, example_of[doc_id]), key=lambda s: s.id) for doc_id in REVIEWED}

    reviewed = corpus / "reviewed.jsonl"
    cli("doccano", "pull", "--input", str(prelabeled), "--output", str(reviewed), "--project", PROJECT)
    pulled = {d.id: d for d in read_documents(reviewed)}
    assert {doc_id for doc_id, d in pulled.items() if d.review["state"] == "confirmed"} == set(REVIEWED)

    # learn: a few passes, pseudo-rehearsal on the unreviewed documents (no outside data)
    output = cli("learn", "--reviewed", str(reviewed), "--rehearsal-data", str(tmp_path / "none.jsonl"), "--epochs", "2")
    model = corpus / "models" / "v001"
    assert f"wrote {model}" in output
    card = json.loads((model / LEARN_CARD).read_text())
    assert card["rehearsal"]["kind"] == "pseudo" and card["kept"]
    persons = {e["text"]: e for e in map(json.loads, (model / "lexicon" / "persons.jsonl").read_text().splitlines())}
    assert set(persons) == set(PERSONS)
    assert persons["热依拉木"]["reviews"] == [
        {"id": doc_id, "reviewer": REVIEWER, "pulled_at": pulled[doc_id].review["pulled_at"]} for doc_id in ("taught-2", "taught-3")
    ]
    orgs = [json.loads(line)["text"] for line in (model / "lexicon" / "orgs.jsonl").read_text().splitlines()]
    cues = [json.loads(line)["text"] for line in (model / "lexicon" / "cues.jsonl").read_text().splitlines()]
    assert (sorted(orgs), cues) == (sorted(ORGS), [CUE])

    # pre-label again with the learnt model: the names and the cue are found in the documents nobody reviewed
    cli("prelabel", "--input", str(segmented), "--output", str(prelabeled), "--model", str(model))
    after = {d.id: d for d in read_documents(prelabeled)}
    assert names_found(after["other-1"]) >= {("阿不都热合曼", "PERSON")}
    assert names_found(after["other-2"]) >= {("热依拉木", "PERSON"), ("蔚来汽车", "ORG"), ("拼多多", "ORG")}
    assert ("阿不都热合曼", CUE, "明年还要扩大规模。") in quotes_found(after["other-1"])
    assert after["other-1"].meta["ner_model"]["name"] == "v001"

    # a re-push refreshes the untouched documents whose pre-labels changed, and keeps every reviewed one as it was
    changed = sorted(doc_id for doc_id in OTHERS if after[doc_id].entities != before[doc_id].entities
                     or after[doc_id].quotes != before[doc_id].quotes)  # fmt: skip
    assert {"other-1", "other-2"} <= set(changed)
    output = cli("doccano", "push", "--input", str(prelabeled), "--project", PROJECT)
    assert f"0 created, {len(changed)} refreshed, {len(OTHERS) - len(changed)} unchanged, 3 kept" in output
    now = {c.doc_id: c.example_id for copies in server_documents(admin_client, pid).values() for c in copies}
    assert len(now) == len(texts)
    for doc_id in REVIEWED:
        assert now[doc_id] == example_of[doc_id]
        assert sorted(admin_client.spans(pid, now[doc_id]), key=lambda s: s.id) == snapshot[doc_id]
    for doc_id in changed:  # uploaded afresh with the new pre-labels
        assert now[doc_id] != example_of[doc_id]
        spans = {(texts[doc_id][s.start : s.end], s.label) for s in admin_client.spans(pid, now[doc_id])}
        assert names_found(after[doc_id]) <= spans
