"""Small model files: prune near-zero features, quantise weights, compress.

spacy-pkuseg reads a folder with ``features.msgpack`` (word list, bigram list,
``feature -> index`` map, ``tag -> index`` map) and ``weights.npz`` (float64
``w`` of ``n_feature * n_tag`` node weights followed by ``n_tag * n_tag`` edge
weights, and ``sizes = [n_tag, n_feature]``).  Trained on half a month of news
that is ~40 MB; most of it is features whose weights are all close to zero and
digits spent on float64.  The compact folder keeps:

- ``features.txt.xz``: the kept feature strings in index order (sorted, so xz
  finds the shared prefixes), then the words that kept features still mention;
- ``weights.npz``-like ``quantised.npz``: node weights as int8 or float16 codes
  with a per-tag scale, edge weights as float64;
- ``meta.json``: how it was made (pruning threshold, quantisation, F1, data);
- optionally ``merge_words.txt.xz``: words the training corpus always writes
  whole, merged after the CRF (:mod:`pipeline.segmenter.lexicon`).

:func:`expand_compact` writes the folder spacy-pkuseg reads.  Feature index 0
is the bias feature ``$$`` that pkuseg's inference always fires; it stays at 0.
The bigram list is only used while training, so expanded folders leave it empty.
"""

from __future__ import annotations

import hashlib
import json
import lzma
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import srsly

RAW_FEATURES = "features.msgpack"
RAW_WEIGHTS = "weights.npz"
COMPACT_FEATURES = "features.txt.xz"
COMPACT_WEIGHTS = "quantised.npz"
META = "meta.json"
MERGE_WORDS = "merge_words.txt.xz"
BIAS_FEATURE = "$$"
WORD_FEATURE_PREFIXES = ("w-1.", "w1.")
PAIR_FEATURE_PREFIXES = ("ww.l.", "ww.r.")
QUANTISATIONS = ("float64", "float32", "float16", "int8")


@dataclass
class PkusegModel:
    """A pkuseg CRF in memory: feature strings (index order), words, tags and weights."""

    features: list[str]
    words: set[str]
    tag_to_idx: dict[str, int]
    node_weights: np.ndarray  # (n_feature, n_tag) float64
    edge_weights: np.ndarray  # (n_tag * n_tag,) float64
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def n_feature(self) -> int:
        return len(self.features)

    @property
    def n_tag(self) -> int:
        return len(self.tag_to_idx)


def is_raw_folder(folder: Path) -> bool:
    return (folder / RAW_FEATURES).is_file() and (folder / RAW_WEIGHTS).is_file()


def is_compact_folder(folder: Path) -> bool:
    return (folder / COMPACT_FEATURES).is_file() and (folder / COMPACT_WEIGHTS).is_file()


def read_raw(folder: Path) -> PkusegModel:
    """Read the folder spacy_pkuseg.train writes."""
    data = srsly.read_msgpack(folder / RAW_FEATURES)
    feature_to_idx: dict[str, int] = data["feature_to_idx"]
    features = [""] * len(feature_to_idx)
    for feature, index in feature_to_idx.items():
        features[index] = feature
    with np.load(folder / RAW_WEIGHTS) as npz:
        n_tag, n_feature = (int(x) for x in npz["sizes"])
        w = np.asarray(npz["w"], dtype=np.float64)
    if n_feature != len(features) or w.shape[0] != n_tag * (n_feature + n_tag):
        raise ValueError(f"{folder}: weights do not match the feature table")
    meta = read_meta(folder)
    return PkusegModel(
        features=features,
        words=set(data["unigram"]),
        tag_to_idx=dict(data["tag_to_idx"]),
        node_weights=w[: n_feature * n_tag].reshape(n_feature, n_tag),
        edge_weights=w[n_feature * n_tag :].copy(),
        meta=meta,
    )


def write_raw(model: PkusegModel, folder: Path, *, feature_table: bool = True) -> None:
    """Write the two files spacy-pkuseg loads (``features.msgpack``, ``weights.npz``).

    ``feature_table=False`` writes only the bias feature: for a caller that gives
    pkuseg another feature extractor built from ``model.features`` in memory,
    which saves writing and re-reading the whole table at every load.
    """
    folder.mkdir(parents=True, exist_ok=True)
    table = model.features if feature_table else model.features[:1]
    data = {
        "unigram": sorted(model.words),
        "bigram": [],
        "feature_to_idx": dict(zip(table, range(len(table)))),
        "tag_to_idx": model.tag_to_idx,
    }
    srsly.write_msgpack(folder / RAW_FEATURES, data)
    w = np.concatenate([model.node_weights.reshape(-1), model.edge_weights]).astype(np.float64)
    np.savez(folder / RAW_WEIGHTS, sizes=np.array([model.n_tag, model.n_feature]), w=w)


def _feature_words(feature: str) -> list[str]:
    """The lexicon words a feature looks up (``w1.X`` -> X, ``ww.l.X*Y`` -> X, Y)."""
    for prefix in WORD_FEATURE_PREFIXES:
        if feature.startswith(prefix):
            return [feature[len(prefix) :]]
    for prefix in PAIR_FEATURE_PREFIXES:
        if feature.startswith(prefix):
            return feature[len(prefix) :].split("*", 1)
    return []


def prune(model: PkusegModel, min_weight: float) -> PkusegModel:
    """Drop features whose weights are all below ``min_weight`` in magnitude.

    A dropped feature adds (nearly) nothing to any tag score, so decoding barely
    changes.  Words no kept feature mentions are dropped from the lexicon too:
    pkuseg only consults the lexicon to build word features, and pair features
    of a non-word never exist, so this changes no score.  Features are re-ordered
    alphabetically (bias first) so the compressed table shares prefixes.
    """
    strength = np.abs(model.node_weights).max(axis=1)
    keep = [i for i in range(model.n_feature) if strength[i] >= min_weight and model.features[i] != BIAS_FEATURE]
    keep.sort(key=lambda i: model.features[i])
    bias = model.features.index(BIAS_FEATURE) if BIAS_FEATURE in model.features else None
    order = ([bias] if bias is not None else []) + keep
    features = [model.features[i] for i in order]
    words = {word for feature in features for word in _feature_words(feature)} & model.words
    meta = dict(model.meta, min_weight=min_weight)
    return PkusegModel(features, words, model.tag_to_idx, model.node_weights[order], model.edge_weights.copy(), meta)


def quantise(weights: np.ndarray, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """Codes and per-tag scales for ``(n_feature, n_tag)`` weights; ``codes * scale`` restores them."""
    if kind not in QUANTISATIONS:
        raise ValueError(f"unknown quantisation {kind!r}; choose one of {', '.join(QUANTISATIONS)}")
    if kind != "int8":
        return weights.astype(kind), np.ones(weights.shape[1])
    scale = np.abs(weights).max(axis=0) / 127.0
    scale[scale == 0] = 1.0
    return np.round(weights / scale).astype(np.int8), scale


def dequantise(codes: np.ndarray, scale: np.ndarray) -> np.ndarray:
    return codes.astype(np.float64) * scale


def write_compact(model: PkusegModel, folder: Path, quantisation: str = "int8") -> None:
    """Write the compact folder (features.txt.xz, quantised.npz, meta.json)."""
    folder.mkdir(parents=True, exist_ok=True)
    if any("\n" in feature for feature in model.features):
        raise ValueError("feature strings may not contain line breaks")
    table = "\n".join(model.features) + "\n\n" + "\n".join(sorted(model.words))
    (folder / COMPACT_FEATURES).write_bytes(lzma.compress(table.encode("utf-8"), preset=9 | lzma.PRESET_EXTREME))
    codes, scale = quantise(model.node_weights, quantisation)
    tags = [tag for tag, _ in sorted(model.tag_to_idx.items(), key=lambda item: item[1])]
    np.savez_compressed(
        folder / COMPACT_WEIGHTS, codes=codes, scale=scale, edges=model.edge_weights, tags=np.array(tags)
    )
    meta = dict(model.meta, quantisation=quantisation, n_feature=model.n_feature, n_word=len(model.words))
    (folder / META).write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def read_compact(folder: Path) -> PkusegModel:
    """Read a compact folder back into float64 weights."""
    table = lzma.decompress((folder / COMPACT_FEATURES).read_bytes()).decode("utf-8")
    feature_part, _, word_part = table.partition("\n\n")
    features = feature_part.split("\n")
    words = set(word_part.split("\n")) if word_part else set()
    with np.load(folder / COMPACT_WEIGHTS) as npz:
        node_weights = dequantise(npz["codes"], npz["scale"])
        edges = np.asarray(npz["edges"], dtype=np.float64)
        tags = [str(tag) for tag in npz["tags"]]
    if node_weights.shape != (len(features), len(tags)) or edges.shape != (len(tags) ** 2,):
        raise ValueError(f"{folder}: weights do not match the feature table")
    meta = read_meta(folder)
    return PkusegModel(features, words, {tag: i for i, tag in enumerate(tags)}, node_weights, edges, meta)


def write_merge_words(folder: Path, words: list[str]) -> None:
    """Write the words merged after the CRF (one a line, xz)."""
    if any("\n" in word for word in words):
        raise ValueError("words may not contain line breaks")
    data = "\n".join(sorted(words)).encode("utf-8")
    (folder / MERGE_WORDS).write_bytes(lzma.compress(data, preset=9 | lzma.PRESET_EXTREME))


def read_merge_words(folder: Path) -> list[str] | None:
    """The words merged after the CRF, or None when the folder has none."""
    path = folder / MERGE_WORDS
    if not path.is_file():
        return None
    text = lzma.decompress(path.read_bytes()).decode("utf-8")
    return text.split("\n") if text else []


def expand_compact(folder: Path, destination: Path) -> None:
    """Write the folder spacy-pkuseg reads from a compact folder."""
    write_raw(read_compact(folder), destination)


def folder_digest(folder: Path) -> str:
    """sha256 over the model files (names and bytes), to record which model made a corpus."""
    digest = hashlib.sha256()
    names = [COMPACT_FEATURES, COMPACT_WEIGHTS] if is_compact_folder(folder) else [RAW_FEATURES, RAW_WEIGHTS]
    names += [MERGE_WORDS] if (folder / MERGE_WORDS).is_file() else []
    for name in names:
        digest.update(name.encode())
        with open(folder / name, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def read_meta(folder: Path) -> dict[str, Any]:
    """A model folder's ``meta.json`` (empty when it has none)."""
    path = folder / META
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def folder_size(folder: Path) -> int:
    """Bytes of the files in a model folder."""
    return sum(path.stat().st_size for path in folder.iterdir() if path.is_file())


def record_scores(folder: Path, score: Any) -> None:
    """Add the dev scores of a compact model to its ``meta.json``."""
    path = folder / META
    meta = read_meta(folder)
    meta["dev"] = {
        "precision": round(score.precision, 4),
        "recall": round(score.recall, 4),
        "f1": round(score.f1, 4),
        "words": score.gold,
    }
    meta["size_bytes"] = sum(
        (folder / name).stat().st_size
        for name in (COMPACT_FEATURES, COMPACT_WEIGHTS, MERGE_WORDS)
        if (folder / name).is_file()
    )
    path.write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
