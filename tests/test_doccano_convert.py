"""Record <-> doccano conversion, validation, settings and fault messages (no server needed)."""

from __future__ import annotations

import os
import socket
import stat
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.core.jsonl import read_documents
from pipeline.core.record import Document
from pipeline.core.schema import load_schema
from pipeline.review.client import (
    ReviewClient,
    ReviewError,
    ServerProject,
    ServerRelation,
    ServerSpan,
    check_project,
)
from pipeline.review.convert import (
    META_HASH,
    META_LABELS,
    OffsetMap,
    ServerAnnotations,
    document_hash,
    from_server,
    labels_hash,
    record_annotations,
    to_doccano_line,
    to_reviewed,
    validate_document,
    validate_line,
)
from pipeline.review.server import free_port
from pipeline.review.settings import (
    ServerSettings,
    SettingsError,
    read_credentials,
    resolve_settings,
    write_credentials,
)

FIXTURES = Path(__file__).parent / "fixtures"
SCHEMA = load_schema()


def seed_documents() -> list[Document]:
    return list(read_documents(FIXTURES / "prelabeled_seed.jsonl"))


def by_id(doc_id: str) -> Document:
    return next(d for d in seed_documents() if d.id == doc_id)


def utf16_slice(text: str, start: int, end: int) -> str:
    """What a JavaScript ``text.slice(start, end)`` (doccano's web UI) shows."""
    return text.encode("utf-16-le")[2 * start : 2 * end].decode("utf-16-le")


def entity_key(e: dict) -> tuple:
    return (e["start"], e["end"], e["label"])


@pytest.mark.parametrize(
    ("text", "index", "units"),
    [("马懿说", 2, 2), ("𠮷野家", 1, 2), ("𠮷野家", 3, 4), ("a𠮷b𠮷", 4, 6), ("", 0, 0)],
)
def test_offsets_count_utf16_units(text: str, index: int, units: int) -> None:
    offsets = OffsetMap(text)
    assert offsets.to_units(index) == units
    assert offsets.to_index(units) == index


@given(st.text(alphabet=st.sampled_from("中文𠮷野家😀a“”"), max_size=30), st.data())
def test_offset_map_round_trips_and_slices_like_javascript(text: str, data: st.DataObject) -> None:
    offsets = OffsetMap(text)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    assert offsets.to_index(offsets.to_units(start)) == start
    assert offsets.to_index(offsets.to_units(end), end=True) == end
    assert utf16_slice(text, offsets.to_units(start), offsets.to_units(end)) == text[start:end]


def test_offset_inside_a_surrogate_pair_widens_to_the_character() -> None:
    offsets = OffsetMap("𠮷野")
    assert (offsets.to_index(1), offsets.to_index(1, end=True)) == (0, 1)


def test_document_hash_is_stable_and_depends_on_id_and_text() -> None:
    assert document_hash("a", "文") == document_hash("a", "文")
    assert len({document_hash("a", "文"), document_hash("b", "文"), document_hash("a", "字")}) == 3


@pytest.mark.parametrize("doc", seed_documents(), ids=lambda d: d.id)
def test_doccano_line_is_valid_and_shows_the_same_text_in_the_web_ui(doc: Document) -> None:
    line = to_doccano_line(doc, SCHEMA)
    assert validate_document(doc, SCHEMA) == []
    assert validate_line(line, SCHEMA) == []
    assert line["text"] == doc.text and line[META_HASH] == document_hash(doc.id, doc.text)
    shown = {(utf16_slice(doc.text, e["start_offset"], e["end_offset"]), e["label"]) for e in line["entities"]}
    assert {(e["text"], e["label"]) for e in doc.entities} <= shown
    for quote in doc.quotes:
        assert (quote["content"]["text"], "CONTENT") in shown
        assert (quote["speaker"]["text"], "SPEAKER") in shown
    ids = {e["id"]: e for e in line["entities"]}
    assert len(line["relations"]) == 2 * len(doc.quotes)
    for relation in line["relations"]:
        assert ids[relation["from_id"]]["label"] == "CONTENT"
        assert ids[relation["to_id"]]["label"] == {"SPEAKER_OF": "SPEAKER", "CUE_OF": "CUE"}[relation["type"]]


def test_non_bmp_offsets_differ_between_record_and_doccano() -> None:
    doc = by_id("nonbmp_yoshinoya")
    line = to_doccano_line(doc, SCHEMA)
    person = next(e for e in line["entities"] if e["label"] == "PERSON")
    record_person = next(e for e in doc.entities if e["label"] == "PERSON")
    assert (record_person["start"], person["start_offset"]) == (5, 6)  # 𠮷 is one code point, two UTF-16 units


@pytest.mark.parametrize(
    ("doc_id", "problem"),
    [
        ("bad_outside", "not inside the text"),
        ("bad_label", "not in the label schema"),
        ("bad_text", "not its recorded text"),
        ("bad_quote", "no content span"),
    ],
)
def test_invalid_records_are_caught_before_upload(doc_id: str, problem: str) -> None:
    doc = next(d for d in read_documents(FIXTURES / "prelabeled_invalid.jsonl") if d.id == doc_id)
    assert any(problem in p for p in validate_document(doc, SCHEMA))


def test_dangling_relation_is_caught_before_upload() -> None:
    line = to_doccano_line(by_id("nonbmp_yoshinoya"), SCHEMA)
    line["relations"].append({"id": 99, "from_id": 1, "to_id": 404, "type": "SPEAKER_OF"})
    assert any("points to a span id" in p for p in validate_line(line, SCHEMA))


def pushed_annotations(doc: Document) -> ServerAnnotations:
    """What doccano holds right after the push, through the server's own offset unit."""
    line = to_doccano_line(doc, SCHEMA)
    spans = [ServerSpan(e["id"], e["start_offset"], e["end_offset"], e["label"]) for e in line["entities"]]
    relations = [ServerRelation(r["id"], r["from_id"], r["to_id"], r["type"]) for r in line["relations"]]
    return from_server(doc.text, spans, relations)


@pytest.mark.parametrize("doc", seed_documents(), ids=lambda d: d.id)
def test_unedited_review_gives_back_the_pre_labels(doc: Document) -> None:
    annotations = pushed_annotations(doc)
    assert labels_hash(*annotations.keys()) == to_doccano_line(doc, SCHEMA)[META_LABELS]
    reviewed = to_reviewed(doc, annotations, SCHEMA, {"state": "unconfirmed"})
    assert sorted(reviewed.entities, key=entity_key) == sorted(doc.entities, key=entity_key)
    assert reviewed.quotes == sorted(doc.quotes, key=lambda q: q["content"]["start"])
    assert reviewed.review == {"state": "unconfirmed"} and doc.review is None


def test_reviewer_edits_become_entities_and_quotes() -> None:
    doc = by_id("000_2ac1f2df68704ade")
    text = doc.text
    annotations = pushed_annotations(doc)
    ids = {key: span_id for span_id, key in annotations.spans.items()}
    wrong = next(k for k in ids if k[2] == "PERSON" and text[k[0] : k[1]] == "郑州日报")
    old_speaker = next(k for k in ids if k[2] == "SPEAKER" and text[k[0] : k[1]] == "记者")
    content = next(k for k in ids if k[2] == "CONTENT" and text[k[0] : k[1]].startswith("今年"))
    del annotations.spans[ids[wrong]]
    del annotations.spans[ids[old_speaker]]
    start = text.index("郑州日报")
    annotations.spans[1001] = (start, start + 4, "ORG")
    annotations.spans[1002] = (start, start + 6, "SPEAKER")
    annotations.relations.append((ids[content], 1002, "SPEAKER_OF"))

    reviewed = to_reviewed(doc, annotations, SCHEMA, {"state": "confirmed"})
    assert ("郑州日报", "PERSON") not in {(e["text"], e["label"]) for e in reviewed.entities}
    assert ("郑州日报", "ORG") in {(e["text"], e["label"]) for e in reviewed.entities}
    assert next(e for e in reviewed.entities if e["label"] == "DATE" and e["text"] == "一季度")["value"] == "2013-Q1"
    fixed = next(q for q in reviewed.quotes if q["content"]["text"].startswith("今年"))
    assert fixed["speaker"]["text"] == fixed["speaker_name"] == "郑州日报记者"
    assert fixed["kind"] == "direct"
    pronoun = next(q for q in reviewed.quotes if q["speaker"] and q["speaker"]["text"] == "他")
    assert pronoun["speaker_name"] == "吴天君"  # the reviewer kept the pronoun span: its resolved name stays


REVIEWED_VALUES = [
    # (text, issue date, span added in doccano, its label, value expected after pull)
    ("他们计划后年完工。", "2018-03-02", "后年", "DATE", "2020"),
    ("1997年8月开工，11月投产。", "1998-01-05", "11月", "DATE", "1997-11"),
    ("今明两年都要完成。", "2018-03-02", "今明两年", "DATE", "2018/2019"),
    ("三月份出口增长。", "2013-04-28", "三月份", "DATE", "2013-03"),
    ("同比增长百分之十二。", "2013-04-28", "百分之十二", "PERCENT", 12.0),
    ("合格率达到八成。", "2013-04-28", "八成", "PERCENT", 80.0),
    ("《二月》是一首诗。", "2013-04-28", "二月", "DATE", None),
]


@pytest.mark.parametrize(("text", "issue", "added", "label", "value"), REVIEWED_VALUES)
def test_a_date_or_percent_a_reviewer_adds_gets_its_value_on_pull(
    text: str, issue: str, added: str, label: str, value: object
) -> None:
    doc = Document(id="v", text=text, meta={"date": issue})
    start = text.index(added)
    annotations = ServerAnnotations(spans={1: (start, start + len(added), label)}, relations=[])
    (entity,) = to_reviewed(doc, annotations, SCHEMA, {"state": "confirmed"}).entities
    assert entity.get("value") == value


def test_a_value_the_reviewer_kept_is_not_recomputed() -> None:
    text = "1997年8月开工，11月投产。"
    start = text.index("11月")
    kept = {"start": start, "end": start + 3, "label": "DATE", "text": "11月", "value": "1997-11-15", "source": "model"}
    doc = Document(id="k", text=text, meta={"date": "1998-01-05"}, entities=[kept])
    annotations = ServerAnnotations(spans={1: (start, start + 3, "DATE"), 2: (0, 7, "DATE")}, relations=[])
    entities = {e["text"]: e for e in to_reviewed(doc, annotations, SCHEMA, {}).entities}
    assert entities["11月"]["value"] == "1997-11-15" and entities["1997年8月"]["value"] == "1997-08"


@pytest.mark.parametrize(("prefix", "kind"), [("他说:“", "direct"), ("他说,", "indirect")])
def test_a_new_quote_gets_its_kind_from_the_quote_marks(prefix: str, kind: str) -> None:
    doc = Document(id="k", text=prefix + "要加强领导。")
    start = len(prefix)
    annotations = ServerAnnotations(spans={1: (start, len(doc.text), "CONTENT"), 2: (0, 1, "SPEAKER")},
                                    relations=[(1, 2, "SPEAKER_OF")])  # fmt: skip
    (quote,) = to_reviewed(doc, annotations, SCHEMA, {}).quotes
    assert (quote["kind"], quote["speaker_name"], quote["cue"]) == (kind, "他", None)


def test_unattached_speaker_is_reported_not_lost() -> None:
    doc = Document(id="u", text="马懿强调。")
    reviewed = to_reviewed(doc, ServerAnnotations(spans={1: (0, 2, "SPEAKER")}), SCHEMA, {})
    assert reviewed.quotes == [] and reviewed.review["unattached"] == [{"start": 0, "end": 2, "text": "马懿", "label": "SPEAKER"}]


def test_shared_speaker_span_is_pushed_once() -> None:
    text = "马懿说,要快。马懿说,要稳。"
    speaker = {"start": 0, "end": 2, "text": "马懿"}
    quotes = [
        {"speaker": speaker, "speaker_name": "马懿", "cue": None, "content": {"start": 4, "end": 6, "text": "要快"}, "kind": "indirect"},
        {"speaker": speaker, "speaker_name": "马懿", "cue": None, "content": {"start": 11, "end": 13, "text": "要稳"}, "kind": "indirect"},
    ]  # fmt: skip
    spans, relations = record_annotations(Document(id="s", text=text, quotes=quotes), SCHEMA)
    assert [s for s in spans if s[2] == "SPEAKER"] == [(0, 2, "SPEAKER")] and len(relations) == 2


# --- settings and faults ----------------------------------------------------------------


def test_credentials_file_is_private_and_round_trips(tmp_path: Path) -> None:
    settings = ServerSettings("http://127.0.0.1:9", "admin", "s3cret", "key")
    path = write_credentials(settings, tmp_path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert read_credentials(tmp_path) == settings
    assert "s3cret" not in repr(settings)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"DOCCANO_URL": "http://h:1/", "DOCCANO_USERNAME": "u", "DOCCANO_PASSWORD": "p"}, ("http://h:1", "u")),
        ({}, ("http://127.0.0.1:9", "admin")),
    ],
)
def test_environment_wins_over_the_credentials_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: dict, expected: tuple) -> None:
    write_credentials(ServerSettings("http://127.0.0.1:9", "admin", "pw"), tmp_path)
    for key in ("DOCCANO_URL", "DOCCANO_USERNAME", "DOCCANO_PASSWORD"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    settings = resolve_settings(tmp_path)
    assert (settings.url, settings.username) == expected


def test_missing_settings_say_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DOCCANO_URL", raising=False)
    with pytest.raises(SettingsError, match="make doccano-up"):
        resolve_settings(tmp_path)
    monkeypatch.setenv("DOCCANO_URL", "http://h:1")
    with pytest.raises(SettingsError, match="DOCCANO_PASSWORD"):
        resolve_settings(tmp_path)


def test_server_down_gets_a_clear_message() -> None:
    settings = ServerSettings(f"http://127.0.0.1:{free_port()}", "admin", "pw")
    with pytest.raises(ReviewError, match="cannot reach doccano.*make doccano-up"):
        ReviewClient.connect(settings, timeout=5)


def test_a_server_that_never_answers_times_out() -> None:
    """A stuck server (it accepts the connection, then says nothing) costs one timeout, not forever."""
    with socket.socket() as stuck:
        stuck.bind(("127.0.0.1", 0))
        stuck.listen()
        settings = ServerSettings(f"http://127.0.0.1:{stuck.getsockname()[1]}", "admin", "pw")
        started = time.monotonic()
        with pytest.raises(ReviewError, match="did not answer within 1 s"):
            ReviewClient.connect(settings, timeout=1)
        assert time.monotonic() - started < 5


class FailingHandler(BaseHTTPRequestHandler):
    """Answers every request with a server error, as a broken doccano would."""

    def do_POST(self) -> None:
        body = b"database is locked"
        self.send_response(500)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_an_http_failure_is_one_line_with_the_status_and_body() -> None:
    server = HTTPServer(("127.0.0.1", 0), FailingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        with pytest.raises(ReviewError) as raised:
            ReviewClient.connect(ServerSettings(url, "admin", "pw"), timeout=5)
        assert str(raised.value) == f"doccano at {url} answered 500: database is locked"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    ("changes", "complaint"),
    [
        ({"project_type": "DocumentClassification"}, "not SequenceLabeling"),
        ({"use_relation": False}, "relations are off"),
        ({"collaborative_annotation": False}, "per user"),
        ({"grapheme_mode": True}, "grapheme mode"),
    ],
)
def test_a_project_that_does_not_fit_is_refused(changes: dict, complaint: str) -> None:
    fields = dict(id=1, name="p", project_type="SequenceLabeling", use_relation=True,
                  allow_overlapping=True, collaborative_annotation=True, grapheme_mode=False)  # fmt: skip
    check_project(ServerProject(**fields))
    with pytest.raises(ReviewError, match=complaint):
        check_project(ServerProject(**{**fields, **changes}))
