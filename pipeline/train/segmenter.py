"""Train a pkuseg model with ``spacy_pkuseg.train`` and ship it compact.

spacy-pkuseg keeps its training options on one module-level ``config`` object
(feature frequency cut-off, L2 regularisation, ...); :func:`pkuseg_options` sets
them for one run and puts them back afterwards.  :func:`train_raw` runs pkuseg's
own trainer an iteration at a time, keeping the best model on dev.  Training writes a plain pkuseg
folder (~40 MB from half a month of news); :func:`compress_model` prunes,
quantises and compresses it, and :func:`evaluate_file` measures what that cost.
"""

from __future__ import annotations

import contextlib
import io
import os
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from pipeline.eval.segmentation import Score, read_gold, score_words
from pipeline.segmenter import compact, lexicon


@dataclass(frozen=True)
class Evaluation:
    """Word scores of a segmenter on a gold file, and how fast it ran there.

    ``cpu_seconds`` is this process's CPU time: on a shared machine it measures
    per-core speed where wall-clock time would measure the other jobs too.
    """

    score: Score
    chars: int
    seconds: float
    cpu_seconds: float = 0.0

    @property
    def chars_per_second(self) -> float:
        return self.chars / self.seconds if self.seconds else 0.0

    @property
    def chars_per_cpu_second(self) -> float:
        return self.chars / self.cpu_seconds if self.cpu_seconds else 0.0


@contextlib.contextmanager
def pkuseg_options(**options: Any) -> Iterator[None]:
    """Set attributes of spacy-pkuseg's global training config for one run."""
    from spacy_pkuseg.config import config

    saved = {name: getattr(config, name, None) for name in options}
    try:
        for name, value in options.items():
            setattr(config, name, value)
        yield
    finally:
        for name, value in saved.items():
            setattr(config, name, value)


# pkuseg's trainer shuffles the training sentences with Python's random module, unseeded: seeded
# here, training the same data twice gives the same model.
TRAINING_SEED = 0


@contextlib.contextmanager
def _seeded(seed: int) -> Iterator[None]:
    """Python's random numbers from ``seed`` inside the block; the caller's sequence is restored after."""
    state = random.getstate()
    random.seed(seed)
    try:
        yield
    finally:
        random.setstate(state)


def train_raw(
    train_file: Path,
    dev_file: Path,
    out_dir: Path,
    *,
    iterations: int = 8,
    feature_trim: int = 0,
    regularisation: float = 1.0,
    patience: int = 3,
    log: TextIO | None = None,
) -> list[float]:
    """Train a plain pkuseg model folder (features.msgpack, weights.npz) into ``out_dir``.

    This is ``spacy_pkuseg.train`` step by step, so that the model is saved
    after every iteration that improves the dev F1 (pkuseg's own loop saves only
    the last one) and training stops after ``patience`` iterations without
    improvement.  ``feature_trim`` drops features seen at most that many times;
    ``regularisation`` is the L2 prior's sigma (smaller = stronger).  Progress
    goes to ``log`` (stdout if None).  Returns the dev F1 (percent) per iteration.
    """
    from spacy_pkuseg.config import config
    from spacy_pkuseg.data import DataSet
    from spacy_pkuseg.feature_extractor import FeatureExtractor
    from spacy_pkuseg.trainer import Trainer

    for path in (train_file, dev_file):
        if not path.is_file():
            raise FileNotFoundError(f"no such file: {path}")
    out_dir.mkdir(parents=True, exist_ok=True)
    log = log or sys.stdout
    options = dict(
        trainFile=str(train_file), testFile=str(dev_file), modelDir=str(out_dir), nThread=1, ttlIter=iterations,
        init_model=None, featureTrim=feature_trim, reg=regularisation, swLog=io.StringIO(),
    )
    scores: list[float] = []
    with pkuseg_options(**options), contextlib.redirect_stdout(log), _seeded(TRAINING_SEED):
        os.makedirs(config.outDir, exist_ok=True)
        extractor = FeatureExtractor()
        extractor.build(config.trainFile)
        extractor.save(str(out_dir))
        for text, conll, feats, idx, gold in (
            (config.trainFile, config.c_train, config.f_train, config.fFeatureTrain, config.fGoldTrain),
            (config.testFile, config.c_test, config.f_test, config.fFeatureTest, config.fGoldTest),
        ):
            extractor.convert_text_file_to_feature_file(text, conll, feats)
            extractor.convert_feature_file_to_idx_file(feats, idx, gold)
        config.globalCheck()
        trainset = DataSet.load(config.fFeatureTrain, config.fGoldTrain)
        devset = DataSet.load(config.fFeatureTest, config.fGoldTest)
        trainer = Trainer(config, trainset, extractor)
        print(f"features {len(extractor.feature_to_idx)}, train/dev sentences {len(trainset)}/{len(devset)}")
        for iteration in range(iterations):
            started = time.time()
            trainer.train_epoch()
            f1 = trainer.test(devset, iteration)[0]
            improved = not scores or f1 > max(scores)
            scores.append(f1)
            if improved:
                trainer.model.save(str(out_dir))
            print(f"iteration {iteration + 1}: dev F1 {f1:.2f}% ({time.time() - started:.0f} s)"
                  + (" saved" if improved else ""), flush=True)
            if len(scores) - 1 - scores.index(max(scores)) >= patience:
                break
    return scores


def evaluate_file(segmenter: Any, gold_file: Path) -> Evaluation:
    """Segment the joined text of each gold line and score it (SIGHAN word P/R/F1)."""
    gold = list(read_gold(gold_file))
    texts = ["".join(words) for words in gold]
    start, cpu_start = time.perf_counter(), time.process_time()
    predicted = list(segmenter.pipe_words(texts))
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    score = Score()
    for gold_words, predicted_words in zip(gold, predicted):
        score += score_words(gold_words, predicted_words)
    return Evaluation(score, sum(map(len, texts)), seconds, cpu_seconds)


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
    patience: int = 3,
    merge_min_count: int = 0,
    log: TextIO | None = None,
) -> Evaluation:
    """Train, compress into ``out_dir`` and score the result on ``dev_file``.

    The plain model is kept in ``raw_dir`` when given (to try other compressions
    later), else trained in a temporary folder.  ``merge_min_count`` > 0 also
    writes the training words seen at least that often and never split
    (:func:`lexicon.consistent_words`), which the segmenter merges after the CRF.
    """
    from pipeline.segmenter.model import load_segmenter

    with tempfile.TemporaryDirectory(prefix="pkuseg-train-") as scratch:
        raw = raw_dir or Path(scratch)
        train_raw(
            train_file, dev_file, raw, iterations=iterations, feature_trim=feature_trim,
            regularisation=regularisation, patience=patience, log=log,
        )
        meta = {
            "version": date.today().isoformat(),
            "train_file": train_file.name,
            "dev_file": dev_file.name,
            "iterations": iterations,
            "feature_trim": feature_trim,
            "regularisation": regularisation,
            "merge_min_count": merge_min_count,
        }
        compress_model(raw, out_dir, min_weight=min_weight, quantisation=quantisation, meta=meta)
    merge_file = out_dir / compact.MERGE_WORDS
    if merge_min_count > 0:
        compact.write_merge_words(out_dir, lexicon.consistent_words(read_gold(train_file), merge_min_count))
    elif merge_file.is_file():
        merge_file.unlink()  # left from an earlier model: it belongs to that one
    evaluation = evaluate_file(load_segmenter(str(out_dir)), dev_file)
    compact.record_scores(out_dir, evaluation.score)
    return evaluation
