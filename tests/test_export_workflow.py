"""The whole workflow on the seed article: raw scan -> corpus -> dataset -> `load_dataset`."""

from __future__ import annotations

import os

os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import json
import shutil
from pathlib import Path

import pytest
import yaml
from datasets import load_dataset
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.export import features_for

SEED = Path(__file__).parent / "fixtures" / "seed_zzwb_20130428.txt"


@pytest.mark.slow
def test_seed_to_loadable_dataset(tmp_path: Path) -> None:
    raw = tmp_path / "in"
    raw.mkdir()
    shutil.copy(SEED, raw / SEED.name)
    corpus = tmp_path / "corpus"
    result = CliRunner().invoke(app, ["run", "-i", str(raw), "-o", str(corpus), "--segmenter", "char"])
    assert result.exit_code == 0, result.output
    [record] = [json.loads(line) for line in (corpus / "prelabeled.jsonl").read_text(encoding="utf-8").splitlines()]

    folder = corpus / "dataset"
    header = yaml.safe_load((folder / "README.md").read_text(encoding="utf-8").split("---\n")[1])
    configs = [config["config_name"] for config in header["configs"]]
    assert {"documents", "ner"} <= set(configs)
    loaded = {name: load_dataset(str(folder), name, cache_dir=str(tmp_path / "cache")) for name in configs}
    for name, dataset in loaded.items():
        for split in dataset.values():
            assert split.features == features_for(name)

    [document] = [row for split in loaded["documents"].values() for row in split]
    assert document["id"] == record["id"] and document["text"] == record["text"]
    assert len(document["entities"]) == len(record["entities"])
    assert document["review"]["state"] == "prelabeled"
    assert [(b["kind"], b["start"], b["end"]) for b in document["blocks"]] == [
        (b["kind"], b["start"], b["end"]) for b in record["blocks"]
    ]
    assert document["headline"] and document["headline"] == record["meta"].get("headline")
    assert document["byline"] and set(record["meta"]["reporters"]) <= set(document["byline"].split())
    sentences = [row for split in loaded["ner"].values() for row in split]
    for row in sentences:
        assert row["tokens"] == list(record["text"][row["start"] : row["end"]])
    assert "".join(token for row in sentences for token in row["tokens"] if not token.isspace()) == "".join(
        record["text"].split()
    )
    tag_names = features_for("ner")["ner_tags"].feature
    begins = sum(tag_names.int2str(tag).startswith("B-") for row in sentences for tag in row["ner_tags"])
    assert 0 < begins <= len(record["entities"])
    quotes = [row for split in loaded.get("quotes", {}).values() for row in split]
    assert len(quotes) == len(record["quotes"])
