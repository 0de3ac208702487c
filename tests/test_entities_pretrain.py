"""Pretraining the NER encoder: the text pieces, the reader's features, the masking, one real update."""

from __future__ import annotations

import json
from pathlib import Path

import numpy
import pytest
from hypothesis import given
from hypothesis import strategies as st
from spacy.attrs import LEMMA
from spacy.strings import get_string_id
from spacy.training.pretrain import create_pretraining_model, make_update
from spacy.util import load_config, load_model_from_config, registry

from pipeline.core.paths import CONFIGS_DIR
from pipeline.stages.entities.features import word_position_features
from pipeline.train.ner.pretrain import MASK, create_pretrain_text, mask_docs, sentence_pieces

TEXTS = [
    {
        "text": "李鹏会见了外宾。双方谈了合作。",
        "words": [[0, 2], [2, 4], [4, 5], [5, 7], [7, 8], [8, 10], [10, 11], [11, 13], [13, 14]],
    },
    {"text": "新华社北京1月1日电", "words": [[0, 3], [3, 5], [5, 9], [9, 10]]},
]


@pytest.mark.parametrize(
    ("text", "limit", "pieces"),
    [
        ("他来了。她走了。", 10, ["他来了。她走了。"]),
        ("他来了。她走了。", 5, ["他来了。", "她走了。"]),
        ("好!真的?对;", 4, ["好!", "真的?", "对;"]),
        ("一二三四五六七", 3, ["一二三", "四五六", "七"]),  # a sentence longer than the limit is cut
        ("甲。一二三四五", 3, ["甲。", "一二三", "四五"]),
        ("   ", 5, []),  # whitespace alone teaches nothing
        ("", 5, []),
    ],
)
def test_sentence_pieces(text: str, limit: int, pieces: list[str]) -> None:
    assert sentence_pieces(text, limit) == pieces


@given(st.text(alphabet="李鹏说好。！?;a1", max_size=60), st.integers(1, 12))
def test_pieces_cover_the_text_within_the_limit(text: str, limit: int) -> None:
    pieces = sentence_pieces(text, limit)
    assert "".join(pieces) == text
    assert all(0 < len(piece) <= limit for piece in pieces)


@pytest.fixture(scope="module")
def nlp():
    config = load_config(CONFIGS_DIR / "ner_train.cfg")
    return load_model_from_config(config, auto_fill=True)


@pytest.fixture()
def prepared(tmp_path: Path) -> Path:
    path = tmp_path / "pretrain.jsonl"
    path.write_text("".join(json.dumps(record, ensure_ascii=False) + "\n" for record in TEXTS), encoding="utf-8")
    return path


def test_reader_sets_the_features_the_ner_trains_with(nlp, prepared: Path) -> None:
    docs = [example.reference for example in create_pretrain_text(prepared)(nlp)]
    assert [doc.text for doc in docs] == [record["text"] for record in TEXTS]
    for doc, record in zip(docs, TEXTS):
        text = record["text"]
        assert [token.norm for token in doc] == [get_string_id(text[i : i + 2]) for i in range(len(text))]
        assert [token.lemma for token in doc] == [
            get_string_id(f) for f in word_position_features(text, record["words"])
        ]


def test_reader_needs_a_path(nlp) -> None:
    with pytest.raises(SystemExit, match="--paths.raw_text"):
        next(iter(create_pretrain_text(None)(nlp)))


@pytest.mark.parametrize("mask_prob", [0.0, 0.3, 1.0])
def test_masking_hides_characters_and_keeps_the_features_honest(nlp, prepared: Path, mask_prob: float) -> None:
    docs = [example.reference for example in create_pretrain_text(prepared)(nlp)]
    masked, hidden = mask_docs(docs, mask_prob, numpy.random.default_rng(0))
    assert len(hidden) == sum(len(doc) for doc in docs)
    at = 0
    for doc, copy in zip(docs, masked):
        text, shown = doc.text, copy.text
        assert len(shown) == len(text)
        here = hidden[at : at + len(doc)]
        at += len(doc)
        assert all(shown[i] == text[i] for i in numpy.flatnonzero(~here))  # what is not hidden is unchanged
        # bigrams from the masked text: no neighbour gives a hidden character away
        assert [token.norm for token in copy] == [get_string_id(shown[i : i + 2]) for i in range(len(shown))]
        assert (copy.to_array([LEMMA]) == doc.to_array([LEMMA])).all()
    if mask_prob == 0.0:
        assert not hidden.any()
    if mask_prob == 1.0:
        assert hidden.all()
        assert sum(shown.count(MASK) for shown in (copy.text for copy in masked)) > 0.5 * len(hidden)


def test_one_pretraining_update_teaches_the_encoder(nlp, prepared: Path) -> None:
    config = nlp.config.interpolate()
    settings = registry.resolve(config["pretraining"])
    model = create_pretraining_model(nlp, settings)
    docs = [example.reference for example in create_pretrain_text(prepared)(nlp)]
    before = model.get_ref("tok2vec").to_bytes()
    loss = make_update(model, docs, settings["optimizer"], model.attrs["loss"])
    assert numpy.isfinite(loss) and loss > 0
    assert model.get_ref("tok2vec").to_bytes() != before


def test_shipped_config_names_nothing_from_training_code(tmp_path: Path) -> None:
    """A model trained with the pretraining settings in its config ships without them and loads without this module."""
    import shutil
    import subprocess
    import sys

    from pipeline.core.paths import MODELS_DIR
    from pipeline.train.ner.ship import ship

    trained = tmp_path / "model-best"
    shutil.copytree(MODELS_DIR / "ner", trained)
    config = load_config(trained / "config.cfg", interpolate=False)
    train_config = load_config(CONFIGS_DIR / "ner_train.cfg", interpolate=False)
    config["pretraining"] = train_config["pretraining"]
    config["corpora"]["pretrain"] = train_config["corpora"]["pretrain"]
    config.to_disk(trained / "config.cfg")
    ship(trained, tmp_path / "shipped")
    shipped = load_config(tmp_path / "shipped" / "config.cfg", interpolate=False)
    assert shipped["pretraining"] == {} and "pretrain" not in shipped["corpora"]
    loads = "import spacy, pipeline.stages.components, sys; spacy.load(sys.argv[1])"
    subprocess.run([sys.executable, "-c", loads, str(tmp_path / "shipped")], check=True)


def test_prelabeler_brings_a_model_s_static_vectors_along(tmp_path: Path) -> None:
    """An encoder trained with static vectors (include_static_vectors, floret) reads them from the pipeline's vocab."""
    import shutil

    from spacy.vectors import Vectors

    from pipeline.core.paths import MODELS_DIR
    from pipeline.stages.prelabel import build_pipeline

    model = tmp_path / "ner"
    shutil.copytree(MODELS_DIR / "ner", model)
    table = numpy.arange(1, 41, dtype="f").reshape(10, 4)
    vectors = Vectors(mode="floret", data=table, minn=2, maxn=3, hash_count=2)
    vectors.to_disk(model / "vocab")
    nlp = build_pipeline(model_dir=model)
    assert nlp.vocab.vectors.mode == "floret" and nlp.vocab.vectors.shape == (10, 4)
    assert (nlp.vocab.vectors.get_batch(["李"]) != 0).any()
