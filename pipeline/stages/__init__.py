"""The runtime stages, in chain order: one table that ``corpusprep run``, each stage's own
command and ``corpusprep bench`` all read.

Each stage after ingest is a function over a stream of documents, made by its module's
entry point (a ``Document -> Document`` function, or a loader that loads the stage's
models once and returns the stream function).  Modules are imported only when a stage
is loaded, so reading the table costs nothing.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from pipeline.core.record import Document

StreamStage = Callable[[Iterable[Document]], Iterator[Document]]


@dataclass(frozen=True)
class Stage:
    """One stage: its name, the artefact it writes, where its code is and how to load it.

    ``entry`` names, in ``module``, a ``Document -> Document`` function (``kind="document"``)
    or a loader taking the stage's ``options`` and returning a :data:`StreamStage`
    (``kind="loader"``).  ``models``: it loads trained models from the package, which
    therefore belong to its code fingerprint.
    """

    name: str
    artefact: str
    module: str
    summary: str
    entry: str = ""
    kind: Literal["document", "loader", "source"] = "document"
    options: tuple[str, ...] = ()
    models: bool = False

    def load(self, **options: Any) -> StreamStage:
        """The stage as a function over a stream of documents, its models loaded here."""
        if self.kind == "source":
            raise ValueError(f"{self.name} reads files, not documents: use `corpusprep {self.name}`")
        try:
            entry = getattr(importlib.import_module(self.module), self.entry)
        except ImportError as error:
            raise RuntimeError(f"the {self.name} stage is not available: {error}") from error
        if self.kind == "document":
            return lambda documents: map(entry, documents)
        return entry(**{option: options.get(option) for option in self.options})

    def options_of(self, **options: Any) -> dict[str, Any]:
        """The options this stage takes, from all the run's options (recorded in the manifest)."""
        return {option: options.get(option) for option in self.options}


STAGES: tuple[Stage, ...] = (
    Stage(
        "ingest", "ingested.jsonl", "pipeline.stages.ingest",
        "Read raw .txt articles (UTF-8, BOM, GB18030/GBK) and ALTO/hOCR pages (one record per article) into records; report unreadable files.",
        kind="source",
    ),
    Stage(
        "normalize", "normalized.jsonl", "pipeline.stages.normalize",
        "Normalise punctuation, widths, stray OCR symbols and spaces in ingested records.",
        entry="normalize_document",
    ),
    Stage(
        "repair", "repaired.jsonl", "pipeline.stages.repair",
        "Recognise layout (headline, byline, pull quotes, furniture) and rejoin broken lines.",
        entry="repair_document",
    ),
    Stage(
        "segment", "segmented.jsonl", "pipeline.stages.segment",
        "Segment record text into words with spaCy's Chinese pipeline and pkuseg.",
        entry="segment_stage", kind="loader", options=("segmenter",), models=True,
    ),
    Stage(
        "prelabel", "prelabeled.jsonl", "pipeline.stages.prelabel",
        'Pre-label PERSON, ORG, DATE, PERCENT and quote attributions on JSONL records ({"id","text"} at least).',
        entry="prelabel_stage", kind="loader", options=("model",), models=True,
    ),
)
STAGE_NAMES: tuple[str, ...] = tuple(stage.name for stage in STAGES)
STAGE_BY_NAME: dict[str, Stage] = {stage.name: stage for stage in STAGES}


def stage_named(name: str) -> Stage:
    """The stage called ``name``; an unknown name is an error that lists the known ones."""
    try:
        return STAGE_BY_NAME[name]
    except KeyError:
        raise ValueError(f"unknown stage {name!r}; the stages are {', '.join(STAGE_NAMES)}") from None
