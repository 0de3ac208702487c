"""Training a pkuseg model on a tiny corpus, compressing it, and scoring it."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.segmenter import compact
from pipeline.segmenter.model import load_segmenter
from pipeline.train.segmenter import evaluate_file, train_model

pytestmark = pytest.mark.slow  # training runs: `make test`, not `make test-fast`


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, float]:
    """A model trained for one pass over 300 People's Daily lines: (compact folder, raw folder, dev F1)."""
    root = tmp_path_factory.mktemp("pkuseg")
    fixtures = Path(__file__).parent / "fixtures"
    evaluation = train_model(
        fixtures / "seg_train_tiny.txt",
        fixtures / "seg_dev_tiny.txt",
        root / "compact",
        iterations=1,
        raw_dir=root / "raw",
        log=io.StringIO(),
    )
    return root / "compact", root / "raw", evaluation.score.f1


def test_tiny_corpus_trains_a_usable_model(trained: tuple[Path, Path, float]) -> None:
    compact_dir, raw_dir, f1 = trained
    assert compact.is_compact_folder(compact_dir) and compact.is_raw_folder(raw_dir)
    assert 0.75 < f1 <= 1.0  # one pass over 300 lines; one token per character scores about 0.3
    words = load_segmenter(str(compact_dir)).words("中国人民站起来了。")
    assert "".join(words) == "中国人民站起来了。" and len(words) < 9


def test_compact_model_segments_like_the_raw_one(trained: tuple[Path, Path, float], fixtures: Path) -> None:
    compact_dir, raw_dir, _ = trained
    lines = ["".join(line.split()) for line in (fixtures / "seg_dev_tiny.txt").read_text("utf-8").splitlines()]
    compact_words = list(load_segmenter(str(compact_dir)).pipe_words(lines))
    raw_words = list(load_segmenter(str(raw_dir)).pipe_words(lines))
    same = sum(a == b for a, b in zip(compact_words, raw_words))
    assert same >= 0.9 * len(lines)  # int8 rounding may flip a few close calls


def test_meta_records_training_and_dev_scores(trained: tuple[Path, Path, float]) -> None:
    meta = compact.read_compact(trained[0]).meta
    assert meta["train_file"] == "seg_train_tiny.txt" and meta["iterations"] == 1
    assert meta["dev"]["f1"] == pytest.approx(trained[2], abs=1e-4)
    assert meta["quantisation"] == "int8" and meta["size_bytes"] > 0


def test_pruning_keeps_bias_and_drops_weak_features(trained: tuple[Path, Path, float]) -> None:
    raw = compact.read_raw(trained[1])
    pruned = compact.prune(raw, 0.05)
    assert pruned.features[0] == compact.BIAS_FEATURE
    assert 0 < pruned.n_feature < raw.n_feature
    assert np.abs(pruned.node_weights[1:]).max(axis=1).min() >= 0.05
    mentioned = {w for f in pruned.features for w in compact._feature_words(f)}
    assert pruned.words <= mentioned


def test_pruning_at_zero_changes_no_weight(trained: tuple[Path, Path, float]) -> None:
    raw = compact.read_raw(trained[1])
    pruned = compact.prune(raw, 0.0)
    assert pruned.n_feature == raw.n_feature
    by_feature = dict(zip(raw.features, raw.node_weights.tolist()))
    assert all(by_feature[f] == w for f, w in zip(pruned.features, pruned.node_weights.tolist()))


@pytest.mark.parametrize(("kind", "tolerance"), [("float64", 0.0), ("float16", 1e-3), ("int8", 1 / 254)])
def test_quantisation_round_trip(kind: str, tolerance: float) -> None:
    weights = np.random.default_rng(0).normal(size=(200, 5))
    codes, scale = compact.quantise(weights, kind)
    restored = compact.dequantise(codes, scale)
    relative = np.abs(restored - weights).max(axis=0) / np.abs(weights).max(axis=0)
    assert relative.max() <= tolerance + 1e-12


def test_unknown_quantisation_is_refused() -> None:
    with pytest.raises(ValueError, match="int8"):
        compact.quantise(np.zeros((2, 5)), "int4")


def test_evaluate_command_on_crlf_gold(trained: tuple[Path, Path, float], fixtures: Path) -> None:
    result = CliRunner().invoke(
        app, ["segmenter", "evaluate", str(fixtures / "seg_gold_crlf.txt"), "--segmenter", str(trained[0])]
    )
    assert result.exit_code == 0, result.output
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("F1 0.") and len(last) == len("F1 0.0000")
    direct = evaluate_file(load_segmenter(str(trained[0])), fixtures / "seg_gold_crlf.txt").score
    assert direct.gold == 292 and float(last.split()[1]) == pytest.approx(direct.f1, abs=1e-4)


def test_evaluate_command_with_missing_model_explains(fixtures: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["segmenter", "evaluate", str(fixtures / "seg_gold_crlf.txt"), "--segmenter", str(tmp_path / "none")]
    )
    assert result.exit_code == 1
    assert "corpusprep segmenter train" in result.output and "Traceback" not in result.output


def test_training_writes_the_words_to_merge(tmp_path: Path, fixtures: Path) -> None:
    out = tmp_path / "merging"
    out.mkdir()
    compact.write_merge_words(out, ["旧词"])  # left from an earlier model in the same folder
    train_model(fixtures / "seg_train_tiny.txt", fixtures / "seg_dev_tiny.txt", out, iterations=1, log=io.StringIO())
    assert compact.read_merge_words(out) is None  # not asked for: the stale list is gone
    train_model(
        fixtures / "seg_train_tiny.txt", fixtures / "seg_dev_tiny.txt", out, iterations=1, merge_min_count=2,
        log=io.StringIO(),
    )
    words = compact.read_merge_words(out)
    assert words and all(len(word) >= 2 for word in words)
    assert compact.read_meta(out)["merge_min_count"] == 2
    assert load_segmenter(str(out)).info["merge_words"] == len(words)


def test_training_twice_gives_the_same_model(tmp_path: Path) -> None:
    from pipeline.train.segmenter import train_raw

    fixtures = Path(__file__).parent / "fixtures"
    for name in ("first", "second"):
        train_raw(
            fixtures / "seg_train_tiny.txt", fixtures / "seg_dev_tiny.txt", tmp_path / name, iterations=1, log=io.StringIO()
        )
    first, second = compact.read_raw(tmp_path / "first"), compact.read_raw(tmp_path / "second")
    assert first.features == second.features
    assert np.array_equal(first.node_weights, second.node_weights)
    assert np.array_equal(first.edge_weights, second.edge_weights)
