"""The dataset card for users: tag compatibility with the Hub's Chinese NER sets, figures quoted from model cards,
terms and citation; and the card's own conversion code, run against a locally built peoples_daily_ner look-alike."""

from __future__ import annotations

import os

os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import json
import re
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from datasets import ClassLabel, Dataset, Features, Sequence, Value, concatenate_datasets, load_dataset

from pipeline.core.schema import load_schema
from pipeline.export import export_dataset
from pipeline.export.card import MODEL_CARD, MODELS, model_identity, prelabel_rows, score_rows, segmenter_scores
from pipeline.export.tagschemes import HUB_NER_TAGS, hub_tag, hub_tag_ids

CORPUS = Path(__file__).parent / "fixtures" / "export_corpus"


@pytest.fixture(scope="module")
def dataset_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return export_dataset(CORPUS, tmp_path_factory.mktemp("export") / "dataset")


@pytest.fixture(scope="module")
def card(dataset_dir: Path) -> str:
    return (dataset_dir / "README.md").read_text(encoding="utf-8").split("---\n", 2)[2]


# --- tags against peoples_daily_ner / msra_ner ----------------------------------------------------


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        ("O", "O"),
        ("B-PERSON", "B-PER"),
        ("I-PERSON", "I-PER"),
        ("B-ORG", "B-ORG"),
        ("I-ORG", "I-ORG"),
        ("B-DATE", "O"),
        ("I-PERCENT", "O"),
        ("B-LOC", "B-LOC"),
    ],  # fmt: skip
)
def test_hub_tag_table(ours: str, theirs: str) -> None:
    assert hub_tag(ours) == theirs


def test_hub_tag_ids_follow_our_schema_order() -> None:
    names = load_schema().bio_names()
    assert [HUB_NER_TAGS[i] for i in hub_tag_ids(names)] == [hub_tag(name) for name in names]


def peoples_daily_like() -> Dataset:
    """Two sentences with the features peoples_daily_ner and msra_ner declare on the Hub (built here, no download)."""
    features = Features(
        {
            "id": Value("string"),
            "tokens": Sequence(Value("string")),
            "ner_tags": Sequence(ClassLabel(names=list(HUB_NER_TAGS))),
        }
    )
    return Dataset.from_dict(
        {
            "id": ["0", "1"],
            "tokens": [list("江泽民在北京"), list("新华社电")],
            "ner_tags": [[1, 2, 2, 0, 5, 6], [3, 4, 4, 0]],
        },
        features=features,
    )


def python_blocks(card: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", card, flags=re.DOTALL)


def test_the_cards_conversion_lets_ours_and_peoples_daily_concatenate(dataset_dir: Path, card: str, tmp_path) -> None:
    ner = load_dataset(str(dataset_dir), "ner", cache_dir=str(tmp_path / "cache"))
    theirs = peoples_daily_like()
    with pytest.raises(ValueError):
        concatenate_datasets([ner["train"], theirs])  # as the issue found: the features differ
    [conversion] = [block for block in python_blocks(card) if "TO_HUB" in block]
    namespace = {"ner": ner}
    exec(conversion, namespace)  # the card's code, exactly as a user copies it
    combined = concatenate_datasets([namespace["ner_hub"]["train"], theirs])
    assert len(combined) == len(ner["train"]) + len(theirs)
    assert combined.features == theirs.features
    ours_names = ner["train"].features["ner_tags"].feature.names
    for before, after in zip(ner["train"], combined):
        assert after["tokens"] == before["tokens"]
        assert [HUB_NER_TAGS[t] for t in after["ner_tags"]] == [hub_tag(ours_names[t]) for t in before["ner_tags"]]
    assert any(HUB_NER_TAGS[t] == "B-PER" for row in combined.select(range(len(ner["train"]))) for t in row["ner_tags"])


def test_the_card_says_exactly_how_the_tags_differ(card: str) -> None:
    assert json.dumps(list(HUB_NER_TAGS)) in card
    assert json.dumps(load_schema().bio_names()) in card
    assert "`B-PERSON` -> `B-PER`" in card
    assert "as in peoples_daily_ner" not in card


# --- figures quoted from the model cards ----------------------------------------------------------

SCORES = """# A model

## Scores (exact spans)
Intro line.

| set | system | PERSON | micro F1 |
|---|---|---|---|
| dev raw | prelabel (model + rules) | 0.9 | 0.85 |
| dev raw | model only | 0.8 | 0.80 |
| modern gold raw | prelabel (model + rules) | 1.0 | 0.98 |

Prose after.
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            SCORES,
            "| set | system | PERSON | micro F1 |\n|---|---|---|---|\n| dev raw | prelabel (model + rules) | 0.9 | 0.85 |",
        ),
        (SCORES.replace("## Scores", "## Training"), None),  # no scores section
        ("# A model\n\n## Scores\n\nNot measured yet.\n", None),  # a section without a table
        (SCORES.replace("| dev raw | prelabel", "| dev raw | rules"), None),  # no pre-labeller row
    ],
)
def test_score_rows_quote_the_pre_labellers_development_rows(tmp_path: Path, text: str, expected) -> None:
    path = tmp_path / MODEL_CARD
    path.write_text(text, encoding="utf-8")
    assert score_rows(path, prelabel_rows) == expected
    assert score_rows(tmp_path / "absent.md", prelabel_rows) is None


@pytest.mark.parametrize(
    ("meta", "identity", "scores"),
    [
        ({"name": "ner_zh", "version": "1.2"}, "`ner_zh` version 1.2", None),
        (
            {"version": "2026-11-29.3", "dev": {"precision": 0.95, "recall": 0.94, "f1": 0.945}},
            "`m` version 2026-11-29.3",
            "word precision / recall / F1 0.95 / 0.94 / 0.945",
        ),  # fmt: skip
        ({}, "`m` (no version recorded)", None),
    ],
)
def test_model_identity_and_segmenter_scores_come_from_meta_json(
    tmp_path: Path, meta: dict, identity: str, scores
) -> None:
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    assert model_identity(folder) == identity
    assert segmenter_scores(folder) == scores


def test_the_card_quotes_the_shipped_models(card: str) -> None:
    for folder in MODELS.values():
        assert model_identity(folder) in card
    scores = score_rows(MODELS["entities"] / MODEL_CARD, prelabel_rows)
    assert scores and scores in card
    assert segmenter_scores(MODELS["words"]) in card


# --- what a user needs ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "needed",
    ["research use only", "People's Daily", "MSRA", "CLUENER", "BosonNLP", "2018 Sina news", "```bibtex",
     "@article{yu2002pku", 'load_dataset("path/to/this/folder", "ner")', 'row["review"]["reviewed"]'],
)  # fmt: skip
def test_the_card_gives_terms_citation_and_loading(card: str, needed: str) -> None:
    assert needed in card


def test_the_card_is_short_and_holds_no_development_notes(card: str) -> None:
    assert len(card.encode("utf-8")) < 10_000
    for note in ("What each compression step costs", "Tried and not shipped", "Variants measured", "jackknif"):
        assert note not in card


# --- the reviewers' agreement, when the corpus has a report -------------------------------------


def test_without_an_agreement_report_the_card_has_no_agreement_section(card: str) -> None:
    assert "## Review agreement" not in card


def test_the_card_quotes_the_agreement_report_and_counts_adjudicated_rows(tmp_path: Path) -> None:
    from double_review_case import MARKS, REVIEWERS, TEXTS

    from pipeline.core.jsonl import read_documents, write_documents
    from pipeline.export.build import ExportError
    from pipeline.review.agreement import AGREEMENT_FILE, DoubleDocument, agreement_report

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    documents = [DoubleDocument(i, TEXTS[i], "h", n, MARKS[i]) for n, i in enumerate(TEXTS, 1)]
    report = {"measured_at": "2026-12-06T09:30:00+00:00", **agreement_report(documents, REVIEWERS, load_schema())}
    (corpus / AGREEMENT_FILE).write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    first = next(read_documents(corpus / "prelabeled.jsonl"))
    first.review = {"state": "adjudicated", "by": ["carol"], "reviewers": list(REVIEWERS), "edited": False,
                    "pulled_at": "2026-12-06T10:00:00+00:00"}  # fmt: skip
    write_documents(corpus / "reviewed.jsonl", [first])

    text = (export_dataset(corpus, tmp_path / "dataset") / "README.md").read_text(encoding="utf-8")
    assert "## Review agreement" in text and "(alice, bob)" in text and "measured 2026-12-06T09:30:00+00:00" in text
    assert "| alice / bob | entities | PERSON | 1 / 2 | 0.667 | 0.667 | 0.550 |" in text
    assert "| alice / bob | links | all | 4 / 3 | 0.571 | 0.857 | — |" in text
    assert "| ORG vs PERSON | entities | 1 |" in text
    assert "1 document(s) in this export have\n`review.state == \"adjudicated\"`" in text
    rows = [r for path in (tmp_path / "dataset").glob("documents/*.parquet") for r in pq.read_table(path).to_pylist()]
    (row,) = [r for r in rows if r["id"] == first.id]
    assert row["review"] == {"state": "adjudicated", "by": ["carol"], "edited": False,
                             "pulled_at": "2026-12-06T10:00:00+00:00", "reviewed": True}  # fmt: skip

    (corpus / AGREEMENT_FILE).write_text("{not json", encoding="utf-8")
    with pytest.raises(ExportError, match="agreement.json: not valid JSON.*doccano agreement"):
        export_dataset(corpus, tmp_path / "dataset")
