"""Learnt entity models at run time: where they live and which one a run uses.

``corpusprep learn`` writes each model it keeps as a numbered folder under the corpus's
``models/`` (``corpus/models/v001``, ``v002``…); ``corpusprep run`` uses the newest of them,
or the shipped model when there is none, and says which in every record's ``meta``.  The
shipped model in the package is never changed.  Only the naming and choosing live here
(runtime code), with the rules' learnt word lists a model folder carries (:mod:`.lexicon`) and
the review order by the model's uncertainty (:mod:`.uncertainty`); the learning itself is
build-time code (:mod:`pipeline.train.learn`).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.core.paths import MODELS_DIR

SHIPPED_MODEL = MODELS_DIR / "ner"
LEARNT_MODELS_FOLDER = "models"  # inside a corpus folder
LEARN_CARD = "learning.json"  # written by `corpusprep learn` into every model it keeps
_VERSION = re.compile(r"^v(\d+)$")
VERSION_DIGITS = 3


def learnt_models_dir(corpus_dir: Path) -> Path:
    return corpus_dir / LEARNT_MODELS_FOLDER


def is_model_dir(path: Path) -> bool:
    """A spaCy model folder the prelabel stage can source (its config and meta are there)."""
    return (path / "config.cfg").is_file() and (path / "meta.json").is_file()


def learnt_models(models_dir: Path) -> list[Path]:
    """The complete learnt models under ``models_dir``, oldest version first (a half-written folder has no card)."""
    if not models_dir.is_dir():
        return []
    found = [
        (int(match[1]), path)
        for path in models_dir.iterdir()
        if (match := _VERSION.match(path.name)) and is_model_dir(path) and (path / LEARN_CARD).is_file()
    ]
    return [path for _, path in sorted(found)]


def newest_learnt_model(models_dir: Path) -> Path | None:
    models = learnt_models(models_dir)
    return models[-1] if models else None


def next_version_dir(models_dir: Path) -> Path:
    """The folder for the next model: one past the highest version number present (complete or not)."""
    numbers = [int(m[1]) for p in models_dir.iterdir() if (m := _VERSION.match(p.name))] if models_dir.is_dir() else []
    return models_dir / f"v{max(numbers, default=0) + 1:0{VERSION_DIGITS}d}"


@dataclass(frozen=True)
class ModelChoice:
    """The entity model a prelabel run uses: its folder, and whether it is the shipped one."""

    path: Path
    shipped: bool

    def describe(self) -> dict[str, str]:
        """What each pre-labelled record's ``meta["ner_model"]`` says about it."""
        if self.shipped:
            return {"name": "shipped", "path": str(SHIPPED_MODEL.relative_to(MODELS_DIR.parents[1]))}
        return {"name": self.path.name, "path": str(self.path), "digest": model_digest(self.path)[:16]}


def choose_model(model: str | Path | None, corpus_dir: Path | None = None) -> ModelChoice:
    """``model`` if given (a folder, or ``shipped``), else the newest learnt model of ``corpus_dir``, else the shipped one."""
    if model is not None and str(model) != "shipped":
        path = Path(model)
        if not is_model_dir(path):
            raise ValueError(f"{path} is not an entity model folder (no config.cfg and meta.json): pass a folder "
                             "`corpusprep learn` wrote, or `shipped`")
        return ModelChoice(path.resolve(), shipped=path.resolve() == SHIPPED_MODEL.resolve())
    if model is None and corpus_dir is not None and (newest := newest_learnt_model(learnt_models_dir(corpus_dir))):
        return ModelChoice(newest.resolve(), shipped=False)
    return ModelChoice(SHIPPED_MODEL, shipped=True)


def model_digest(path: Path) -> str:
    """A hash of every file of a model folder (names and bytes): a new or retrained model gets a new one."""
    digest = hashlib.sha256()
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        digest.update(file.relative_to(path).as_posix().encode() + b"\0")
        digest.update(file.read_bytes())
    return digest.hexdigest()
