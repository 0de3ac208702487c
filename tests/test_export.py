"""Export to a Hugging Face dataset: round trip, BIO alignment, splits, reviews, card."""

from __future__ import annotations

import os

os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml
from datasets import load_dataset
from hypothesis import given
from hypothesis import strategies as st

from pipeline.core.schema import load_schema
from pipeline.export import CONFIGS, SPLIT_NAMES, export_dataset, features_for, split_of
from pipeline.export.build import data_file
from pipeline.export.rows import bio_tags
from pipeline.export.sentences import split_sentences
from pipeline.export.sources import merged_documents, plan_merge

CORPUS = Path(__file__).parent / "fixtures" / "export_corpus"


@pytest.fixture(scope="module")
def dataset_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return export_dataset(CORPUS, tmp_path_factory.mktemp("export") / "dataset")


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("hf-cache"))


@pytest.fixture(scope="module")
def loaded(dataset_dir: Path, cache_dir: str) -> dict:
    """Every configuration as `load_dataset` reads the folder with its card."""
    return {config: load_dataset(str(dataset_dir), config, cache_dir=cache_dir) for config in CONFIGS}


def card_header(dataset_dir: Path) -> dict:
    text = (dataset_dir / "README.md").read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---\n")[1])


def prelabeled_records() -> list[dict]:
    return [json.loads(line) for line in (CORPUS / "prelabeled.jsonl").read_text(encoding="utf-8").splitlines()]


def decode_bio(tags: list[str]) -> list[tuple[int, int, str]]:
    """Spans ``(first, last + 1, label)`` over token positions; fails on an I- that continues nothing."""
    spans, current = [], None
    for i, tag in enumerate(tags + ["O"]):
        if tag.startswith("I-"):
            assert current is not None and current[2] == tag[2:], f"{tag} at {i} without B-: {tags}"
            continue
        if current is not None:
            spans.append((current[0], i, current[2]))
            current = None
        if tag.startswith("B-"):
            current = (i, None, tag[2:])
    return spans


# --- round trip ---------------------------------------------------------------------------------


@pytest.mark.parametrize("config", CONFIGS)
def test_each_split_loads_from_parquet_with_declared_features(dataset_dir: Path, cache_dir: str, config: str) -> None:
    files = {split: str(dataset_dir / data_file(config, split)) for split in SPLIT_NAMES}
    assert all(Path(path).is_file() for path in files.values())
    loaded = load_dataset("parquet", data_files=files, cache_dir=cache_dir)
    for split in SPLIT_NAMES:
        assert loaded[split].features == features_for(config)
        assert len(loaded[split]) > 0


@pytest.mark.parametrize("config", CONFIGS)
def test_folder_with_card_loads_with_declared_features(loaded: dict, dataset_dir: Path, config: str) -> None:
    info = next(item for item in card_header(dataset_dir)["dataset_info"] if item["config_name"] == config)
    sizes = {split["name"]: split["num_examples"] for split in info["splits"]}
    assert set(loaded[config]) == set(SPLIT_NAMES)
    for split, dataset in loaded[config].items():
        assert dataset.features == features_for(config)
        assert len(dataset) == sizes[split]


def test_documents_round_trip_text_meta_and_spans(loaded: dict) -> None:
    documents = {row["id"]: row for split in loaded["documents"].values() for row in split}
    assert set(documents) == {record["id"] for record in prelabeled_records()}
    labels = features_for("documents")["entities"].feature["label"]
    for record in prelabeled_records():
        row = documents[record["id"]]
        assert row["text"] == record["text"]
        for entity in row["entities"]:
            assert row["text"][entity["start"] : entity["end"]] == entity["text"]
            assert labels.int2str(entity["label"]) in load_schema().entity_labels
        for quote in row["quotes"]:
            for role in ("speaker", "cue", "content"):
                if quote[role] is not None:
                    assert row["text"][quote[role]["start"] : quote[role]["end"]] == quote[role]["text"]
    seed = documents["20130428-zzwb-000"]
    assert seed["meta"] == {
        "publication": "郑州晚报",
        "date": "2013-04-28",
        "page": "A01",
        "reporters": ["张三", "李四"],
        "source": "A01.txt",
    }
    assert documents["20130428-zzwb-007"]["meta"]["page"] == "5"
    assert documents["20130428-zzwb-003"]["text"] == ""


def test_labels_outside_the_schema_are_not_exported(loaded: dict) -> None:
    test_doc = next(row for row in loaded["documents"]["test"] if row["id"] == "20130428-zzwb-002")
    assert "北京" not in [entity["text"] for entity in test_doc["entities"]]


def test_what_made_a_pre_label_stays_out_of_the_dataset() -> None:
    """``source`` (the model, rule or attribution path behind a pre-label) is for review and evaluation only."""
    from pipeline.core.record import Document
    from pipeline.export.rows import document_row, quote_rows

    schema = load_schema()
    doc = Document(
        id="d1",
        text="王红说：“很好。”",
        entities=[{"start": 0, "end": 2, "label": "PERSON", "text": "王红", "source": "model"}],
        quotes=[{"speaker": {"start": 0, "end": 2, "text": "王红"}, "speaker_name": "王红",
                 "cue": {"start": 2, "end": 3, "text": "说"}, "content": {"start": 5, "end": 8, "text": "很好。"},
                 "kind": "direct", "source": "direct_after_cue"}],  # fmt: skip
    )
    row = document_row(doc, schema)
    assert list(row["entities"][0]) == ["start", "end", "label", "text", "value"]
    assert "source" not in row["quotes"][0] and "source" not in next(quote_rows(doc, schema))


def test_quote_offsets_are_relative_to_their_context(loaded: dict) -> None:
    documents = {row["id"]: row for split in loaded["documents"].values() for row in split}
    rows = [row for split in loaded["quotes"].values() for row in split]
    assert len(rows) == sum(len(doc["quotes"]) for doc in documents.values())
    role_names = features_for("quotes")["roles"].feature["label"]
    for row in rows:
        text = documents[row["document_id"]]["text"]
        assert text[row["context_start"] : row["context_start"] + len(row["context"])] == row["context"]
        for role in ("speaker", "cue", "content"):
            if row[role] is not None:
                assert row["context"][row[role]["start"] : row[role]["end"]] == row[role]["text"]
        roles = {role_names.int2str(role["label"]): (role["start"], role["end"]) for role in row["roles"]}
        assert roles["CONTENT"] == (row["content"]["start"], row["content"]["end"])
    two_paragraphs = next(row for row in rows if row["id"] == "20130428-zzwb-000-q001")
    assert two_paragraphs["context"] == "“发展是第一要务。”马懿说。"
    assert two_paragraphs["speaker"]["text"] == "马懿"


# --- BIO tags -------------------------------------------------------------------------------------


def test_ner_tags_align_with_characters_and_entity_spans(loaded: dict) -> None:
    documents = {row["id"]: row for split in loaded["documents"].values() for row in split}
    tag_names = features_for("ner")["ner_tags"].feature
    entity_names = features_for("documents")["entities"].feature["label"]
    for split in loaded["ner"].values():
        for row in split:
            doc = documents[row["document_id"]]
            assert row["tokens"] == list(doc["text"][row["start"] : row["end"]])
            assert len(row["ner_tags"]) == len(row["tokens"])
            tagged = {
                (row["start"] + s, row["start"] + e, label)
                for s, e, label in decode_bio([tag_names.int2str(t) for t in row["ner_tags"]])
            }
            entities = [
                (e["start"], e["end"], entity_names.int2str(e["label"]))
                for e in doc["entities"]
                if row["start"] <= e["start"] and e["end"] <= row["end"]
            ]
            flat = {
                span for span in entities if not any(o != span and o[0] < span[1] and span[0] < o[1] for o in entities)
            }
            assert flat <= tagged <= set(entities)


def test_nested_entities_keep_the_longer_span(loaded: dict) -> None:
    tags = features_for("ner")["ner_tags"].feature
    row = next(r for r in loaded["ner"]["test"] if r["tokens"][:6] == list("宋庆龄基金会"))
    assert [tags.int2str(t) for t in row["ner_tags"][:6]] == ["B-ORG"] + ["I-ORG"] * 5


def test_characters_outside_the_bmp_are_one_token_and_tags_align(loaded: dict) -> None:
    tags = features_for("ner")["ner_tags"].feature
    row = next(r for r in loaded["ner"]["train"] if r["id"] == "20130428-zzwb-001-0000")
    assert row["tokens"][:9] == ["𠮷", "野", "家", "集", "团", "的", "𠮷", "田", "先"]
    named = [tags.int2str(t) for t in row["ner_tags"]]
    assert named[:9] == ["B-ORG", "I-ORG", "I-ORG", "I-ORG", "I-ORG", "O", "B-PERSON", "I-PERSON", "O"]
    assert row["tokens"][-1] == "”"


@pytest.mark.parametrize(
    ("word", "tag"),
    [("本报讯", "B-ORG"), ("张三", "B-PERSON"), ("27", "I-DATE"), ("省委书记", "B-ORG"), ("吴天君", "B-PERSON"), ("郑州", "O")],
)
def test_word_tags_follow_the_entities_the_words_overlap(loaded: dict, word: str, tag: str) -> None:
    names = features_for("ner")["word_ner_tags"].feature
    row = next(r for r in loaded["ner"]["train"] if r["id"] == "20130428-zzwb-000-0000")
    assert "".join(row["words"]) == "".join(row["tokens"])
    assert names.int2str(row["word_ner_tags"][row["words"].index(word)]) == tag


def test_documents_without_word_tokens_get_empty_words(loaded: dict) -> None:
    rows = [r for r in loaded["ner"]["test"] if r["document_id"] == "20130428-zzwb-002"]
    assert rows and all(r["words"] == [] and r["word_ner_tags"] == [] for r in rows)


spans_strategy = st.lists(
    st.tuples(st.integers(0, 40), st.integers(1, 8), st.sampled_from(load_schema().entity_labels)), max_size=8
)


@given(cuts=st.lists(st.integers(1, 39), max_size=15), spans=spans_strategy)
def test_bio_tags_are_well_formed_for_any_tokens_and_spans(cuts: list[int], spans: list) -> None:
    bounds = sorted({0, 40, *cuts})
    tokens = list(zip(bounds, bounds[1:]))
    labelled = [(start, min(start + length, 40), label) for start, length, label in spans if start < 40]
    tags = bio_tags(tokens, labelled)
    assert len(tags) == len(tokens)
    for first, end, label in decode_bio(tags):
        token_start, token_end = tokens[first][0], tokens[end - 1][1]
        assert any(s < token_end and token_start < e and lab == label for s, e, lab in labelled)


# --- sentences ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("他说。我听。", ["他说。", "我听。"]),
        ("“好吃！”他说。", ["“好吃！”", "他说。"]),
        ("真的吗？！是的", ["真的吗？！", "是的"]),
        ("第一行\n\n  第二行。 ", ["第一行", "第二行。"]),
        ("𠮷田说。𠮷野家", ["𠮷田说。", "𠮷野家"]),
        ("", []),
        (" \n ", []),
        ("没有句号", ["没有句号"]),
    ],
)
def test_sentence_table(text: str, sentences: list[str]) -> None:
    assert [text[s:e] for s, e in split_sentences(text)] == sentences


def test_sentences_never_cut_a_protected_span() -> None:
    text = "雅虎！公司说。好"
    assert [text[s:e] for s, e in split_sentences(text, [(0, 5)])] == ["雅虎！公司说。", "好"]


@given(
    text=st.text(alphabet=st.sampled_from(list("中文𠮷。！？”\n 好")), max_size=60),
    protected=st.lists(st.tuples(st.integers(0, 60), st.integers(1, 6)), max_size=4),
)
def test_sentences_cover_the_text_in_order(text: str, protected: list) -> None:
    spans = [(s, min(s + n, len(text))) for s, n in protected if s < len(text)]
    sentences = split_sentences(text, spans)
    previous_end = 0
    for start, end in sentences:
        assert previous_end <= start < end <= len(text)
        assert not text[start].isspace() and not text[end - 1].isspace()
        previous_end = end
    covered = {i for s, e in sentences for i in range(s, e)}
    assert all(i in covered for i, char in enumerate(text) if not char.isspace())
    for s, e in spans:
        if e - s > 1 and any(not c.isspace() for c in text[s:e]):
            assert sum(1 for a, b in sentences if a < e and s < b) == 1


# --- splits ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("document_id", "split"),
    [("20130428-zzwb-000", "train"), ("20130428-zzwb-002", "test"), ("20130428-zzwb-007", "validation")],
)
def test_split_of_is_a_fixed_function_of_the_id(document_id: str, split: str) -> None:
    assert split_of(document_id) == split


def test_split_shares_are_about_80_10_10() -> None:
    counts = Counter(split_of(f"doc-{i}") for i in range(20_000))
    assert abs(counts["train"] / 20_000 - 0.8) < 0.02
    assert abs(counts["validation"] / 20_000 - 0.1) < 0.02
    assert abs(counts["test"] / 20_000 - 0.1) < 0.02


def rows_by_split(folder: Path, cache_dir: str, config: str) -> dict[str, dict[str, dict]]:
    loaded = load_dataset(str(folder), config, cache_dir=cache_dir)
    return {split: {row["id"]: row for row in dataset} for split, dataset in loaded.items()}


def test_adding_documents_moves_no_existing_row(dataset_dir: Path, cache_dir: str, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    added = [
        {"id": f"20130428-zzwb-{n:03d}", "text": f"第{n}篇。王{n}说：“很好。”", "meta": {}, "entities": [], "quotes": []}
        for n in range(10, 30)
    ]
    with open(corpus / "prelabeled.jsonl", "a", encoding="utf-8") as handle:
        handle.writelines(json.dumps(record, ensure_ascii=False) + "\n" for record in added)
    grown = export_dataset(corpus, tmp_path / "dataset")
    for config in CONFIGS:
        before, after = rows_by_split(dataset_dir, cache_dir, config), rows_by_split(grown, cache_dir, config)
        for split, rows in before.items():
            for row_id, row in rows.items():
                assert after[split][row_id] == row
    documents = rows_by_split(grown, cache_dir, "documents")
    for record in added:
        assert [split for split, rows in documents.items() if record["id"] in rows] == [split_of(record["id"])]


# --- reviews --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def documents(loaded: dict) -> dict[str, dict]:
    return {row["id"]: row for split in loaded["documents"].values() for row in split}


def test_reviewed_annotations_replace_pre_labels(documents: dict, loaded: dict) -> None:
    reviewed = documents["20130428-zzwb-000"]
    texts = [entity["text"] for entity in reviewed["entities"]]
    assert "本报" in texts and "郑州" not in texts
    assert reviewed["quotes"][1]["kind"] == "mixed"
    assert reviewed["review"] == {
        "state": "confirmed", "by": ["reviewer1"], "edited": True, "pulled_at": None, "reviewed": True
    }
    tags = features_for("ner")["ner_tags"].feature
    first = next(r for r in loaded["ner"]["train"] if r["id"] == "20130428-zzwb-000-0000")
    named = [tags.int2str(t) for t in first["ner_tags"]]
    assert named[:2] == ["B-ORG", "I-ORG"] and named[26:28] == ["O", "O"]
    quote = next(r for r in loaded["quotes"]["train"] if r["id"] == "20130428-zzwb-000-q001")
    assert quote["kind"] == "mixed"


def test_a_review_of_an_older_text_is_not_applied(documents: dict, dataset_dir: Path) -> None:
    stale = documents["20130428-zzwb-004"]
    assert stale["review"]["state"] == "prelabeled"
    assert stale["text"] == "市政府发布通知，要求各单位做好防汛工作。"
    assert len(stale["quotes"]) == 1
    assert "1 review(s) were made on an older text" in (dataset_dir / "README.md").read_text(encoding="utf-8")


def test_an_edited_but_unconfirmed_review_replaces_too(documents: dict) -> None:
    edited = documents["20130428-zzwb-001"]
    assert edited["review"] == {"state": "unconfirmed", "by": [], "edited": True, "pulled_at": None, "reviewed": True}
    assert "去年" not in [entity["text"] for entity in edited["entities"]]


def test_an_example_nobody_touched_keeps_the_pre_labels(documents: dict, dataset_dir: Path) -> None:
    untouched = documents["20130428-zzwb-007"]
    assert untouched["review"]["state"] == "prelabeled"
    assert [entity["text"] for entity in untouched["entities"]] == ["明天"]
    assert "1 document(s) are in doccano but nobody has confirmed or edited them" in (
        dataset_dir / "README.md"
    ).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("prelabeled_meta", "reviewed_meta", "applied"),
    [
        ({"sha256": "aa"}, {"sha256": "aa"}, True),
        ({"sha256": "aa"}, {"sha256": "bb"}, False),
        ({"sha256": "aa"}, {}, True),
        ({}, {"document_hash": "cc"}, True),
    ],
)
def test_a_stable_hash_in_meta_must_agree(tmp_path: Path, prelabeled_meta: dict, reviewed_meta: dict, applied: bool) -> None:
    base = {"id": "d1", "text": "王红说。", "entities": [], "quotes": []}
    review = {"state": "confirmed", "by": ["r"], "edited": True}
    reviewed = dict(base, meta=reviewed_meta, review=review, entities=[{"start": 0, "end": 2, "label": "PERSON"}])
    (tmp_path / "prelabeled.jsonl").write_text(json.dumps(dict(base, meta=prelabeled_meta)) + "\n", encoding="utf-8")
    (tmp_path / "reviewed.jsonl").write_text(json.dumps(reviewed) + "\n", encoding="utf-8")
    plan = plan_merge(tmp_path)
    assert (plan.replace.keys() == {"d1"}) is applied and (plan.stale == ["d1"]) is not applied
    [doc] = merged_documents(plan)
    assert len(doc.entities) == (1 if applied else 0)


def test_a_reviewed_record_without_a_pre_label_is_still_exported(tmp_path: Path) -> None:
    record = {"id": "d2", "text": "好。", "review": {"state": "confirmed", "by": ["r"]}}
    (tmp_path / "prelabeled.jsonl").write_text(json.dumps({"id": "d1", "text": "是。"}) + "\n", encoding="utf-8")
    (tmp_path / "reviewed.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    assert [doc.id for doc in merged_documents(plan_merge(tmp_path))] == ["d1", "d2"]


# --- card -----------------------------------------------------------------------------------------


def test_card_header_describes_every_config(dataset_dir: Path) -> None:
    header = card_header(dataset_dir)
    assert header["language"] == ["zh"]
    assert "token-classification" in header["task_categories"]
    assert "named-entity-recognition" in header["task_ids"]
    configs = {config["config_name"]: config for config in header["configs"]}
    assert set(configs) == set(CONFIGS)
    for config in configs.values():
        assert {item["split"] for item in config["data_files"]} == set(SPLIT_NAMES)
        assert all((dataset_dir / item["path"]).is_file() for item in config["data_files"])


def test_card_label_counts_match_the_data(dataset_dir: Path, loaded: dict) -> None:
    body = (dataset_dir / "README.md").read_text(encoding="utf-8").split("---\n", 2)[2]
    names = features_for("documents")["entities"].feature["label"]
    for label in load_schema().entities:
        count = sum(
            names.int2str(e["label"]) == label.name
            for split in SPLIT_NAMES
            for row in loaded["documents"][split]
            for e in row["entities"]
        )
        assert f"| {label.name} | {label.description} | {count} |" in body
    reviewed = [sum(row["review"]["reviewed"] for row in loaded["documents"][s]) for s in SPLIT_NAMES]
    assert reviewed == [2, 0, 0]
    assert "| train | 4 | 2 | 1 | 2 | 0 |" in body  # documents, reviewed, confirmed, edited, withheld


# --- edges ----------------------------------------------------------------------------------------


def test_a_corpus_without_sentences_exports_what_it_has(tmp_path: Path, cache_dir: str) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "prelabeled.jsonl").write_text(json.dumps({"id": "empty", "text": ""}) + "\n", encoding="utf-8")
    folder = export_dataset(corpus, tmp_path / "dataset")
    assert [c["config_name"] for c in card_header(folder)["configs"]] == ["documents"]
    assert "Not in this export, for want of rows: `ner`, `quotes`." in (folder / "README.md").read_text(encoding="utf-8")
    assert len(load_dataset(str(folder), "documents", cache_dir=cache_dir)[split_of("empty")]) == 1


def test_missing_prelabels_are_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="prelabeled.jsonl"):
        export_dataset(tmp_path, tmp_path / "dataset")


def test_export_replaces_an_earlier_folder(tmp_path: Path) -> None:
    target = tmp_path / "dataset"
    (target / "old").mkdir(parents=True)
    (target / "old" / "stale.parquet").write_text("x")
    export_dataset(CORPUS, target)
    assert not (target / "old").exists() and (target / "README.md").is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["dataset"]
