"""Train a pkuseg model with ``spacy_pkuseg.train`` and ship it compact.

spacy-pkuseg keeps its training options on one module-level ``config`` object
(feature frequency cut-off, L2 regularisation, ...); :func:`pkuseg_options` sets
them for one run and puts them back afterwards.  Training writes a plain pkuseg
folder (~40 MB from half a month of news); :func:`compress_model` prunes,
quantises and compresses it, and :func:`evaluate_file` measures what that cost.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pipeline.segmenter import compact
from pipeline.segmenter.scoring import Score, read_gold, score_words


@dataclass(frozen=True)
class Evaluation:
    """Word scores of a segmenter on a gold file, and how fast it ran there."""

    score: Score
    chars: int
    seconds: float

    @property
    def chars_per_second(self) -> float:
        return self.chars / self.seconds if self.seconds else 0.0


@contextlib.contextmanager
def pkuseg_options(**options: Any) -> Iterator[None]:
    """Set attributes of spacy-pkuseg's global training config for one run."""
    from spacy_pkuseg.config import config

    saved = {name: getattr(config, name) for name in options}
    try:
        for name, value in options.items():
            setattr(config, name, value)
        yield
    finally:
        for name, value in saved.items():
            setattr(config, name, value)


def train_raw(
    train_file: Path,
    dev_file: Path,
    out_dir: Path,
    *,
    iterations: int = 8,
    feature_trim: int = 0,
    regularisation: float = 1.0,
    log: io.TextIOBase | None = None,
) -> None:
    """Train a plain pkuseg model folder (features.msgpack, weights.npz) into ``out_dir``.

    ``feature_trim`` drops features seen at most that many times in training;
    ``regularisation`` is the L2 prior's sigma (smaller = stronger).  pkuseg
    prints its own per-iteration dev score; it goes to ``log`` (stdout if None).
    """
    import spacy_pkuseg

    for path in (train_file, dev_file):
        if not path.is_file():
            raise FileNotFoundError(f"no such file: {path}")
    out_dir.mkdir(parents=True, exist_ok=True)
    redirect = contextlib.redirect_stdout(log) if log is not None else contextlib.nullcontext()
    with pkuseg_options(featureTrim=feature_trim, reg=regularisation), redirect:
        spacy_pkuseg.train(str(train_file), str(dev_file), str(out_dir), train_iter=iterations)


def evaluate_file(segmenter: Any, gold_file: Path) -> Evaluation:
    """Segment the joined text of each gold line and score it (SIGHAN word P/R/F1)."""
    gold = list(read_gold(gold_file))
    texts = ["".join(words) for words in gold]
    start = time.perf_counter()
    predicted = list(segmenter.pipe_words(texts))
    seconds = time.perf_counter() - start
    score = Score()
    for gold_words, predicted_words in zip(gold, predicted):
        score += score_words(gold_words, predicted_words)
    return Evaluation(score, sum(map(len, texts)), seconds)


def compress_model(
    raw_dir: Path, out_dir: Path, *, min_weight: float, quantisation: str, meta: dict[str, Any] | None = None
) -> compact.PkusegModel:
    """Prune and quantise a plain pkuseg folder into a compact one in ``out_dir``."""
    model = compact.read_raw(raw_dir)
    model.meta.update(meta or {})
    pruned = compact.prune(model, min_weight)
    compact.write_compact(pruned, out_dir, quantisation)
    return pruned


def train_model(
    train_file: Path,
    dev_file: Path,
    out_dir: Path,
    *,
    iterations: int = 8,
    feature_trim: int = 0,
    regularisation: float = 1.0,
    min_weight: float = 0.0,
    quantisation: str = "int8",
    raw_dir: Path | None = None,
    log: io.TextIOBase | None = None,
) -> Evaluation:
    """Train, compress into ``out_dir`` and score the result on ``dev_file``.

    The plain model is kept in ``raw_dir`` when given (to try other compressions
    later), else trained in a temporary folder.
    """
    from pipeline.segment import load_segmenter

    with tempfile.TemporaryDirectory(prefix="pkuseg-train-") as scratch:
        raw = raw_dir or Path(scratch)
        train_raw(
            train_file, dev_file, raw, iterations=iterations, feature_trim=feature_trim,
            regularisation=regularisation, log=log,
        )
        meta = {
            "version": date.today().isoformat(),
            "train_file": train_file.name,
            "dev_file": dev_file.name,
            "iterations": iterations,
            "feature_trim": feature_trim,
            "regularisation": regularisation,
        }
        compress_model(raw, out_dir, min_weight=min_weight, quantisation=quantisation, meta=meta)
    evaluation = evaluate_file(load_segmenter(str(out_dir)), dev_file)
    compact.record_scores(out_dir, evaluation.score)
    return evaluation
