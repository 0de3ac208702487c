"""Orchestration at the edges: reading inputs, chaining pure stages, writing artefacts.

Every stage is a pure ``Document -> Document`` function or a generator over
documents; this module is the only place that opens files for the chain.

The chain streams: documents flow in small chunks through all stages and each
stage's lines are appended to its artefact, so memory does not grow with the
corpus.  With ``workers > 1`` the chunks are spread over a process pool (each
worker loads the models once) and collected in input order, so the output does
not depend on the number of workers.

Runs are resumable.  ``manifest.json`` in the output folder records, per stage,
the fingerprint of its input, its code and options and of the artefact it wrote;
a stage whose record still matches is skipped.  While a run is under way each
artefact grows as ``<name>.partial`` and ``checkpoint.json`` names what is being
redone; an interrupted run, started again with the same plan, keeps the complete
documents already written and continues after the last one.  Artefacts are only
renamed into place, and the manifest updated, when every document is done.

No document stops a batch: a chunk in which a stage raises is run again document by
document, and a document a stage fails on is reported with its id, left out of that
stage's artefact and the later ones, and listed in ``skipped.json`` with the stage and
the reason (exit code 2), as unreadable files are.  While a run is under way those
documents are kept in ``failed.jsonl.partial``, and ``progress.json`` records after
every chunk how many lines each partial artefact holds, which is where a resumed run
cuts them back to.
"""

from __future__ import annotations

import ast
import functools
import gc
import hashlib
import json
import os
import shutil
import sys
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import ExitStack, nullcontext, suppress
from dataclasses import dataclass, field
from itertools import islice
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

import pipeline
from pipeline.core.batching import chunked
from pipeline.core.jsonl import (
    ArtefactWriteError,
    RecordError,
    atomic_writer,
    dump_document,
    dump_line,
    leading_id,
    loads,
    read_documents,
    write_json,
)
from pipeline.core.paths import CONFIGS_DIR, MODELS_DIR, PACKAGE_DIR, SCHEMA_DIR
from pipeline.core.record import Document
from pipeline.learn import choose_model
from pipeline.stages import STAGE_NAMES, STAGES, StreamStage, stage_named

if TYPE_CHECKING:
    from pipeline.stages.ingest import FolderSurvey

console = Console(stderr=True, soft_wrap=True)  # a message is one line, however long

STAGE_FILES = {stage.name: stage.artefact for stage in STAGES}
SKIPPED_REPORT = "skipped.json"
QUARANTINE_DIR = "quarantine"
MANIFEST = "manifest.json"
CHECKPOINT = "checkpoint.json"
FAILED_PARTIAL = "failed.jsonl.partial"
PROGRESS = "progress.json"
PARTIAL_SUFFIX = ".partial"
EXIT_SKIPPED = 2
EXIT_PAUSED = 3
CHUNK_SIZE = 16
# A chunk also stops at this many characters of JSON, so that a run of long articles does not
# raise peak memory: what a worker holds at once is bounded by this, not by the articles' sizes.
CHUNK_CHARACTERS = 60_000

# Data every stage may read besides its code: the label schema and the spaCy configs.
SHARED_DATA = (SCHEMA_DIR, CONFIGS_DIR)


def progress_bar() -> Progress | ProgressLog:
    """A live bar on a terminal; elsewhere (a log file, nohup, CI) a plain line every so often.

    A bar redrawn in place is lost when the output is not a terminal, so there a run
    would say nothing until it ends.
    """
    if console.is_terminal:
        return Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        )
    return ProgressLog(console, every=LOG_EVERY_DOCUMENTS, interval=LOG_EVERY_SECONDS)


LOG_EVERY_DOCUMENTS = 500
LOG_EVERY_SECONDS = 30.0


def progress_line(description: str, completed: int, total: int | None, seconds: float) -> str:
    """One progress line for a log: ``segment → prelabel: 500/2,000 (25%), 41 s, 12.2/s``."""
    rate = f", {completed / seconds:,.1f}/s" if seconds > 0 and completed else ""
    if total:
        done = f"{completed:,}/{total:,} ({100 * completed // total}%)"
    else:
        done = f"{completed:,} documents"
    return f"{description}: {done}, {seconds:,.0f} s{rate}"


@dataclass
class _LoggedTask:
    description: str
    total: int | None
    completed: int
    started: float
    logged_completed: int
    logged_at: float


class ProgressLog:
    """The part of rich's ``Progress`` the chain uses, as plain log lines: one every ``every``
    documents or ``interval`` seconds (whichever comes first), and one at the end."""

    def __init__(
        self, output: Console, *, every: int = LOG_EVERY_DOCUMENTS, interval: float = LOG_EVERY_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.output, self.every, self.interval, self.clock = output, every, interval, clock
        self.tasks: list[_LoggedTask] = []

    def __enter__(self) -> ProgressLog:
        return self

    def __exit__(self, *exc_info: object) -> None:
        for task in self.tasks:
            if task.completed != task.logged_completed:
                self._log(task)

    def add_task(self, description: str, total: float | None = None, completed: int = 0) -> int:
        now = self.clock()
        self.tasks.append(_LoggedTask(description, int(total) if total is not None else None, completed, now, completed, now))
        return len(self.tasks) - 1

    def advance(self, task_id: int, advance: float = 1) -> None:
        self.update(task_id, completed=self.tasks[task_id].completed + int(advance))

    def update(self, task_id: int, *, completed: float | None = None) -> None:
        task = self.tasks[task_id]
        if completed is not None:
            task.completed = int(completed)
        if task.completed - task.logged_completed >= self.every or self.clock() - task.logged_at >= self.interval:
            self._log(task)

    def _log(self, task: _LoggedTask) -> None:
        now = self.clock()
        self.output.print(progress_line(task.description, task.completed, task.total, now - task.started), highlight=False)
        task.logged_completed, task.logged_at = task.completed, now


# --- the run's summary ---------------------------------------------------------------------


@dataclass(frozen=True)
class RunSummary:
    """What a finished run did, for its closing table."""

    articles: int  # article files found in the input
    written: int  # documents in the last artefact
    skipped: list[tuple[str, str, int]]  # (stage, reason, how many), most frequent first
    entities: dict[str, int]  # label -> count, in the last artefact
    quotes: int
    artefacts: Path
    dataset: Path | None  # None: not exported
    seconds: float


def skipped_reasons(entries: Iterable[dict[str, Any]], width: int = 90) -> list[tuple[str, str, int]]:
    """``skipped.json``'s entries grouped by stage and reason (cut to ``width``), most frequent first."""
    counts = Counter(
        (str(entry.get("stage") or "ingest"), _shorten(str(entry.get("reason") or "?"), width)) for entry in entries
    )
    return sorted(((stage, reason, count) for (stage, reason), count in counts.items()), key=lambda row: (-row[2], row[0], row[1]))


def _shorten(text: str, width: int) -> str:
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1] + "…"


def summary_table(summary: RunSummary) -> Table:
    """The run's closing table: documents in, written and skipped (by reason), what was found, where it went."""
    table = Table(title="corpusprep run", title_justify="left", show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    skipped = sum(count for _, _, count in summary.skipped)
    table.add_row("articles in", f"{summary.articles:,}")
    table.add_row("documents written", f"{summary.written:,}")
    table.add_row("skipped", f"{skipped:,}" + (f" (see {summary.artefacts / SKIPPED_REPORT})" if skipped else ""))
    for stage, reason, count in summary.skipped:
        table.add_row("", f"{count:,} × {stage}: {reason}")
    entity_total = sum(summary.entities.values())
    table.add_row("entities", f"{entity_total:,}")
    for label, count in sorted(summary.entities.items(), key=lambda item: (-item[1], item[0])):
        table.add_row("", f"{label} {count:,}")
    table.add_row("quotes", f"{summary.quotes:,}")
    table.add_row("artefacts", str(summary.artefacts))
    table.add_row("dataset", str(summary.dataset) if summary.dataset else "not exported")
    table.add_row("time", _duration(summary.seconds))
    return table


def _duration(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min {rest:02d} s" if minutes else f"{seconds:.1f} s"


def count_labels(artefact: Path) -> tuple[Counter[str], int]:
    """Entities per label and quotes in a final artefact: one pass over its lines (small beside the stages)."""
    entities: Counter[str] = Counter()
    quotes = 0
    with open(artefact, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                record = loads(line)
                entities.update(str(entity.get("label")) for entity in record.get("entities") or ())
                quotes += len(record.get("quotes") or ())
    return entities, quotes


def gather_run_summary(output_dir: Path, *, articles: int, exported: bool, seconds: float) -> RunSummary:
    """Read the summary off the finished output folder (manifest, skipped.json, last artefact)."""
    last = STAGE_NAMES[-1]
    written = (read_manifest(output_dir).get("stages", {}).get(last) or {}).get("documents", 0)
    entities, quotes = count_labels(output_dir / STAGE_FILES[last])
    dataset = output_dir / "dataset"
    return RunSummary(
        articles=articles, written=written, skipped=skipped_reasons(_previous_skipped(output_dir)),
        entities=dict(entities), quotes=quotes, artefacts=output_dir,
        dataset=dataset if exported and dataset.is_dir() else None, seconds=seconds,
    )


def report_run(output_dir: Path, *, articles: int, exported: bool, started: float) -> None:
    console.print(
        summary_table(gather_run_summary(output_dir, articles=articles, exported=exported, seconds=time.monotonic() - started))
    )


# --- ingest and single-stage commands ----------------------------------------------


def report_not_read(survey: FolderSurvey) -> list[dict]:
    """Say what in the input folder is not read and what to do (subfolders in one line); the skipped entries."""
    for item in survey.not_read:
        if item.path not in survey.subfolders:
            console.print(f"[yellow]not read[/yellow] {item.path.relative_to(survey.root).as_posix()}: {item.reason}")
    if survey.subfolders:
        console.print(f"[yellow]{len(survey.subfolders)} subfolder(s) not read[/yellow]: pass --recursive")
    return [{"file": str(item.path), "line": None, "reason": item.reason, "stage": "ingest"} for item in survey.not_read]


def no_article_error(survey: FolderSurvey, recursive: bool) -> int:
    """One line for an input folder without a single article file; the run's exit code."""
    where = "in or below" if recursive else "in"
    console.print(f"[red]error[/red]: no article file (.txt, .xml, .hocr) {where} {survey.root}: nothing done")
    return EXIT_SKIPPED


def ingest_sources(
    input_dir: Path, output_dir: Path | None, *, recursive: bool = False, survey: FolderSurvey | None = None
) -> tuple[Iterator[Document], list[dict]]:
    """Stream readable articles; unreadable ones are reported, listed and copied aside.

    Returns the document stream and the list of skipped files (what is not read at
    all, then, filled while streaming, the article files that could not be read).
    """
    from pipeline.stages.ingest import IngestError, read_source, survey_folder

    survey = survey or survey_folder(input_dir, recursive=recursive)
    skipped = report_not_read(survey)
    sources = survey.sources

    def stream() -> Iterator[Document]:
        with progress_bar() as progress:
            task = progress.add_task("articles", total=len(sources))
            for path in sources:
                try:
                    documents = read_source(path, root=input_dir)
                except IngestError as error:
                    report_unreadable(str(error))
                    skipped.append(unreadable_entry(path, error))
                    if output_dir is not None:
                        quarantine(path, input_dir, output_dir)
                    continue
                finally:
                    progress.advance(task)
                yield from documents  # an ALTO or hOCR page: one document per article

    return stream(), skipped


def report_unreadable(message: str) -> None:
    """The line that reports an article file ingest could not read (``path:line: reason``)."""
    console.print(f"[red]skipped[/red] {message}")


def unreadable_entry(path: Path, error: Any) -> dict[str, Any]:
    """``skipped.json``'s entry for an article file ingest could not read (``error``: an ``IngestError``)."""
    return {"file": str(path), "line": error.line, "reason": error.reason, "stage": "ingest"}


def quarantine(path: Path, input_dir: Path, output_dir: Path) -> None:
    """Copy an unreadable article file aside, under the output's ``quarantine/``, as it lies below the input."""
    aside = output_dir / QUARANTINE_DIR / path.relative_to(input_dir)
    aside.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(path, aside)


def finish_skipped(output_dir: Path, skipped: list[dict]) -> int:
    write_json(output_dir / SKIPPED_REPORT, {"skipped": skipped, "count": len(skipped)})
    if skipped:
        documents = sum(1 for item in skipped if "id" in item)
        files = len(skipped) - documents
        what = " and ".join(
            part for part in (f"{files} file(s)" if files else "", f"{documents} document(s)" if documents else "") if part
        )
        aside = output_dir / QUARANTINE_DIR
        kept = f"; copies of unreadable files kept in {aside}" if aside.is_dir() and any(aside.iterdir()) else ""
        console.print(f"[yellow]{what} skipped[/yellow]: see {output_dir / SKIPPED_REPORT}{kept}")
        return EXIT_SKIPPED
    return 0


def run_ingest(input_dir: Path, output: Path, *, recursive: bool = False) -> int:
    from pipeline.stages.ingest import survey_folder

    survey = survey_folder(input_dir, recursive=recursive)
    if not survey.sources:
        report_not_read(survey)
        return no_article_error(survey, recursive)
    documents, skipped = ingest_sources(input_dir, output.parent, survey=survey)
    count = 0
    with atomic_writer(output) as handle:
        for doc in documents:
            _write_lines(handle, output, [dump_document(doc)])
            count += 1
    code = finish_skipped(output.parent, skipped)
    if not count:
        console.print(f"[red]error[/red]: no readable article in {input_dir}: every file was skipped")
    return code


def run_stream_stage(
    input: Path, output: Path, stage: Callable[[Iterable[Document]], Iterator[Document]], name: str
) -> int:
    """Apply a streaming stage (one that batches, e.g. through ``nlp.pipe``) to a JSONL artefact.

    A line that is not a record and a document the stage fails on are reported (one
    line each) and left out; every other record is processed and written.  Returns
    the exit code: 2 if anything was left out.
    """
    bad_lines: list[RecordError] = []

    def report_bad_line(error: RecordError) -> None:
        console.print(f"[red]{error}[/red]; fix or remove the line")
        bad_lines.append(error)

    failed = 0
    documents = read_documents(input, on_error=report_bad_line)
    with progress_bar() as progress, atomic_writer(output) as handle:
        task = progress.add_task(name, total=None)
        for chunk in chunked(documents, CHUNK_SIZE, weight=lambda doc: len(doc.text), max_weight=CHUNK_CHARACTERS):
            result = process_documents([(name, stage)], chunk)
            for failure in result.failures:
                report_failure(chunk[failure.index].id, failure)
            failed += len(result.failures)
            _write_lines(handle, output, result.lines[0])
            progress.advance(task, len(chunk))
    if bad_lines or failed:
        console.print(
            f"[yellow]{len(bad_lines)} line(s) and {failed} document(s) left out[/yellow] of {output}; "
            "the other records were written"
        )
        return EXIT_SKIPPED
    return 0


def _write_lines(handle: Any, path: Path, lines: list[str]) -> None:
    """Write lines to an artefact; a failed write (disk full) names the artefact."""
    try:
        handle.writelines(lines)
        handle.flush()
    except OSError as error:
        raise ArtefactWriteError(path, error) from error


def stage_lines_in_zones(stage: StreamStage, documents: Iterable[Document]) -> Iterator[str]:
    """The stage's output as JSONL lines, run chunk by chunk as the chain runs it: each chunk in
    the stage's spaCy memory zone once its vocabulary is full (:func:`_memory_zones`), and
    serialised inside it, so a stage run on its own keeps its memory bounded too."""
    for chunk in chunked(documents, CHUNK_SIZE, weight=lambda doc: len(doc.text), max_weight=CHUNK_CHARACTERS):
        with _memory_zones([stage]):
            lines = [dump_document(doc) for doc in stage(chunk)]
        yield from lines


# --- stages as streaming functions ----------------------------------------------------


def load_stage(name: str, *, segmenter: str | None = None, model: str | None = None) -> StreamStage:
    """The stage ``name`` as a function over a stream of documents (models loaded once here)."""
    stage = stage_named(name)
    if stage.kind == "source":
        raise ValueError(f"unknown stage {name!r}; stages after ingest are {', '.join(STAGE_NAMES[1:])}")
    return stage.load(segmenter=segmenter, model=model)


_WORKER_STAGES: list[StreamStage] = []
_WORKER_STAGE_NAMES: list[str] = []
_WORKER_ERROR: list[str] = []


def _load_worker_stages(names: tuple[str, ...], segmenter: str | None, model: str | None = None) -> None:
    """Process initializer: load each stage (and its models) once per process.

    A failure is kept and raised with the first chunk, so that the run stops with
    the real reason rather than with a broken pool.
    """
    try:
        _WORKER_STAGES[:] = [load_stage(name, segmenter=segmenter, model=model) for name in names]
        _WORKER_STAGE_NAMES[:] = names
    except Exception as error:  # noqa: BLE001 - re-raised in _process_chunk
        _WORKER_ERROR[:] = [f"{type(error).__name__}: {error}"]
    keep_models_out_of_collection()


def keep_models_out_of_collection() -> None:
    """Move what is loaded (the models) out of the cyclic garbage collector's reach for the run.

    The models live as long as the run, and their millions of objects (pkuseg's
    feature table alone) would otherwise be walked by every full collection: 1.9 of
    the chain's ~55 CPU seconds on the bench workload.  ``run_chain`` hands them back
    (``gc.unfreeze``) when it ends, so a process that runs several chains frees the
    models of each.
    """
    gc.collect()
    gc.freeze()


# Strings a pipeline's vocabulary may keep for the life of the process (see _memory_zones).
VOCABULARY_BUDGET = 100_000


def _memory_zones(stages: list[StreamStage]) -> ExitStack:
    """spaCy memory zones around one chunk for the stages that run a spaCy pipeline, once their vocabulary is full.

    Strings a pipeline interns while processing (new words, characters) would otherwise
    stay in its vocabulary for the life of the process, and memory would grow with the
    corpus.  Inside a zone, though, every lexeme not yet known is made anew in every
    chunk (for the prelabel stage's character tokens that was most of building the
    Doc).  So chunks run outside zones until the vocabulary holds ``VOCABULARY_BUDGET``
    strings (the frequent characters and words, met early), and in zones from then on:
    memory stays bounded and known lexemes are looked up.  A lexeme depends only on its
    string, so the output is the same either way.  Everything a chunk produced is
    serialised inside its zone.
    """
    stack = ExitStack()
    for stage in stages:
        nlp = getattr(getattr(stage, "__self__", None), "nlp", None)
        if hasattr(nlp, "memory_zone") and len(nlp.vocab.strings) >= VOCABULARY_BUDGET:
            stack.enter_context(nlp.memory_zone())
    return stack


@dataclass(frozen=True)
class DocumentFailure:
    """A document a stage raised on: its place in the chunk, the stage, and the error in one line."""

    index: int
    stage: str
    reason: str


@dataclass(frozen=True)
class ChunkOutput:
    """Per stage, the lines of the chunk's documents that got through it; and the documents that did not."""

    lines: list[list[str]]
    failures: list[DocumentFailure] = field(default_factory=list)


def describe_error(error: BaseException, limit: int = 300) -> str:
    """An exception as one line (type and the first line of its message), for reports."""
    message = str(error).strip().splitlines()[0] if str(error).strip() else ""
    text = f"{type(error).__name__}: {message}" if message else type(error).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _through_stages(stages: list[tuple[str, StreamStage]], docs: list[Document]) -> list[list[str]]:
    """The chunk through every stage, in the stages' memory zones: one list of lines per stage."""
    out: list[list[str]] = []
    with _memory_zones([stage for _, stage in stages]):
        for _, stage in stages:
            count = len(docs)
            docs = list(stage(docs))
            if len(docs) != count:
                raise RuntimeError(f"a stage returned {len(docs)} documents for {count}")
            out.append([dump_document(doc) for doc in docs])
    return out


def process_documents(stages: list[tuple[str, StreamStage]], docs: list[Document]) -> ChunkOutput:
    """Run a chunk through the stages; if any raises, run it again document by document.

    Stages are pure functions of each document, so a document's lines are the same
    whether it ran in a chunk or alone: only the documents that fail are lost, each
    left out of the stage it failed in and of those after it.
    """
    try:
        return ChunkOutput(_through_stages(stages, docs))
    except Exception:  # noqa: BLE001 - which document failed is found below, one at a time
        pass
    lines: list[list[str]] = [[] for _ in stages]
    failures: list[DocumentFailure] = []
    for index, doc in enumerate(docs):
        for number, (name, stage) in enumerate(stages):
            try:
                with _memory_zones([stage]):
                    (doc,) = list(stage([doc]))
                    line = dump_document(doc)
            except Exception as error:  # noqa: BLE001 - reported and listed in skipped.json
                failures.append(DocumentFailure(index, name, describe_error(error)))
                break
            lines[number].append(line)
    return ChunkOutput(lines, failures)


def report_failure(doc_id: str, failure: DocumentFailure) -> None:
    console.print(f"[red]skipped[/red] document {doc_id}: the {failure.stage} stage failed: {failure.reason}")


class StageLoadError(RuntimeError):
    """A stage (or its model) could not be loaded in a worker; the message says why."""


def _process_chunk(lines: list[str]) -> ChunkOutput:
    """Run one chunk of JSONL lines through the stages this worker loaded (see :func:`process_lines`)."""
    if _WORKER_ERROR:
        raise StageLoadError(_WORKER_ERROR[0])
    return process_lines(list(zip(_WORKER_STAGE_NAMES, _WORKER_STAGES)), lines)


def process_lines(stages: list[tuple[str, StreamStage]], lines: list[str]) -> ChunkOutput:
    """A chunk of JSONL lines through the stages (see :func:`process_documents`); failures index ``lines``.

    A line that is not a record fails in the first stage.  Every engine runs documents through here.
    """
    docs: list[Document] = []
    places: list[int] = []
    failures: list[DocumentFailure] = []
    for index, line in enumerate(lines):
        try:
            docs.append(Document.from_dict(loads(line)))
            places.append(index)
        except (ValueError, TypeError, KeyError) as error:
            failures.append(DocumentFailure(index, stages[0][0], f"not a valid record: {describe_error(error)}"))
    result = process_documents(stages, docs)
    failures += [DocumentFailure(places[f.index], f.stage, f.reason) for f in result.failures]
    return ChunkOutput(result.lines, sorted(failures, key=lambda failure: failure.index))


def ordered_map(
    function: Callable[[Any], Any],
    items: Iterable[Any],
    *,
    workers: int,
    initializer: Callable[..., None],
    initargs: tuple,
    window: int | None = None,
) -> Iterator[Any]:
    """``map`` over a process pool, in input order, with at most ``window`` items in flight.

    Unlike ``Pool.imap`` (whose feeder thread drains the input at once) this keeps
    memory bounded however long the input is.  With one worker everything runs here.
    """
    if workers <= 1:
        initializer(*initargs)
        yield from map(function, items)
        return
    window = window or 3 * workers
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn"), initializer=initializer, initargs=initargs) as pool:
        pending: deque[Future] = deque()
        for item in items:
            pending.append(pool.submit(function, item))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


# --- fingerprints and the manifest ----------------------------------------------------


def file_stat(path: Path) -> dict[str, int]:
    status = path.stat()
    return {"size": status.st_size, "mtime_ns": status.st_mtime_ns}


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _tree_stats(digest: hashlib._Hash, root: Path) -> None:
    """Feed names, sizes and mtimes of every file under ``root`` into ``digest``."""
    if root.is_file():
        digest.update(f"{root}\0{file_stat(root)}\n".encode())
        return
    if root.is_dir():
        for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            digest.update(f"{path.relative_to(root)}\0{file_stat(path)}\n".encode())


def sources_fingerprint(input_dir: Path, sources: list[Path], not_read: Iterable[Path] = ()) -> str:
    """Paths, sizes and mtimes of the raw articles (hashing millions of scans would cost a pass).

    What the folder holds that is not read (PDFs, subfolders) counts too, so that the
    skipped-files report of a run is never out of date.
    """
    digest = hashlib.sha256(str(input_dir.resolve()).encode())
    for path in sources:
        digest.update(f"{path.relative_to(input_dir).as_posix()}\0{file_stat(path)}\n".encode())
    for path in not_read:
        digest.update(f"not read\0{path.relative_to(input_dir).as_posix()}\n".encode())
    return digest.hexdigest()


def _module_path(name: str) -> Path | None:
    relative = Path(*name.split(".")[1:])
    if relative == Path():
        return PACKAGE_DIR / "__init__.py"
    for candidate in (PACKAGE_DIR / relative.with_suffix(".py"), PACKAGE_DIR / relative / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def module_closure(module: str) -> list[Path]:
    """Source files of ``module`` and of every ``pipeline`` module it imports, transitively."""
    seen: dict[str, Path] = {}
    todo = [module]
    while todo:
        name = todo.pop()
        path = _module_path(name)
        if name in seen or path is None:
            continue
        seen[name] = path
        todo += _pipeline_imports(name, path)
    return sorted(seen.values())


@functools.cache
def _pipeline_imports(name: str, path: Path) -> tuple[str, ...]:
    """The ``pipeline`` modules one source file imports (parsed once per process: every stage's closure shares most files)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if alias.name == "pipeline" or alias.name.startswith("pipeline.")]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            if base == "pipeline" or base.startswith("pipeline."):
                found.append(base)
                found += [f"{base}.{alias.name}" for alias in node.names]
    return tuple(found)


def code_files(stage: str) -> list[Path]:
    """The files a stage's code is: its modules (:func:`module_closure`) and the data files beside
    them (a package's ``data/`` folder: word lists such as ``core/data/newspapers.tsv``, which
    are edited as much as code)."""
    modules = module_closure(stage_named(stage).module)
    folders = sorted({path.parent / "data" for path in modules if (path.parent / "data").is_dir()})
    data = [path for folder in folders for path in sorted(folder.rglob("*")) if path.is_file() and "__pycache__" not in path.parts]
    return modules + data


def code_fingerprint(stage: str, segmenter: str | None = None, model: str | None = None) -> str:
    """What decides a stage's output besides its input: its code and data files, the schema, configs
    and models (a learnt entity model's files too, so a retrained ``model`` redoes prelabel)."""
    digest = hashlib.sha256(pipeline.__version__.encode())
    for path in code_files(stage):
        digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0" + path.read_bytes())
    for root in SHARED_DATA:
        _tree_stats(digest, root)
    if stage_named(stage).models:
        _tree_stats(digest, MODELS_DIR)
        if stage == "segment" and segmenter and Path(segmenter).exists():
            _tree_stats(digest, Path(segmenter).resolve())
        if stage == "prelabel" and model and Path(model).exists():
            _tree_stats(digest, Path(model).resolve())
    return digest.hexdigest()


def stage_options(stage: str, segmenter: str | None, model: str | None = None) -> dict[str, Any]:
    return stage_named(stage).options_of(segmenter=segmenter, model=model)


def read_manifest(output_dir: Path) -> dict[str, Any]:
    path = output_dir / MANIFEST
    if not path.exists():
        return {"stages": {}}
    return json.loads(path.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class StagePlan:
    """What a stage would be run with: compared against the manifest to decide whether to redo it."""

    name: str
    code: str
    options: dict[str, Any]

    @property
    def path(self) -> str:
        return STAGE_FILES[self.name]


def first_stale_stage(
    output_dir: Path, plans: list[StagePlan], sources_digest: str, manifest: dict[str, Any]
) -> int:
    """Index of the first stage whose recorded run no longer matches (``len(plans)`` if none)."""
    expected_input = sources_digest
    for index, plan in enumerate(plans):
        entry = manifest["stages"].get(plan.name)
        output = output_dir / plan.path
        if (
            entry is None
            or entry.get("input") != expected_input
            or entry.get("code") != plan.code
            or entry.get("options") != plan.options
            or not output.exists()
            or file_stat(output) != {k: entry["output"][k] for k in ("size", "mtime_ns")}
        ):
            return index
        expected_input = entry["output"]["sha256"]
    return len(plans)


# --- checkpoints ----------------------------------------------------------------------


def _complete_line_ends(path: Path) -> Iterator[tuple[int, str]]:
    """``(byte offset after the line, record id)`` for every complete, valid line of a partial file."""
    offset = 0
    with open(path, "rb") as handle:
        for raw in handle:
            if not raw.endswith(b"\n"):
                return
            try:
                record_id = json.loads(raw)["id"]
            except (ValueError, KeyError, TypeError):
                return
            offset += len(raw)
            yield offset, record_id


def resume_partials(partials: list[Path]) -> int:
    """Cut every partial artefact back to the documents complete in all of them; return how many."""
    counts = []
    for path in partials:
        counts.append(sum(1 for _ in _complete_line_ends(path)) if path.exists() else 0)
    done = min(counts)
    for path in partials:
        if not path.exists():
            path.touch()
            continue
        end = 0
        for number, (offset, _) in enumerate(_complete_line_ends(path)):
            if number == done:
                break
            end = offset
        with open(path, "r+b") as handle:
            handle.truncate(end)
    return done


def skip_done(lines: Iterable[tuple[str, str]], done: int, partial: Path) -> Iterator[tuple[str, str]]:
    """Drop the first ``done`` input lines, checking their ids against the partial artefact."""
    iterator = iter(lines)
    for (_, expected), (record_id, _) in zip(_complete_line_ends(partial), islice(iterator, done)):
        if record_id != expected:
            raise RuntimeError(
                f"cannot resume: input document {record_id!r} where {partial} has {expected!r}; "
                "run again with --force"
            )
    yield from iterator


# --- the whole chain ------------------------------------------------------------------


@dataclass
class RunProgress:
    """How far a run has come: input documents done, complete lines of each partial artefact, failed documents."""

    documents: int
    lines: list[int]
    failed: int = 0


def _cut_to_lines(path: Path, count: int) -> bool:
    """Cut a partial file back to its first ``count`` complete lines; False if it has fewer."""
    end = 0
    if count:
        for number, (offset, _) in enumerate(_complete_line_ends(path), start=1):
            if number == count:
                end = offset
                break
        else:
            return False
    with open(path, "r+b") as handle:
        handle.truncate(end)
    return True


def resume_progress(partials: list[Path], failed_log: Path, progress_path: Path) -> RunProgress:
    """Where an interrupted run goes on, its partial files cut back to it.

    ``progress.json`` (written after every chunk) says how many lines each partial
    held; lines written after it (a chunk cut off) are dropped.  Without it, and with
    no failed document (every partial then has a line per document), the partials
    are cut back to the documents complete in all of them; otherwise the run starts over.
    """
    recorded = _read_json(progress_path)
    if isinstance(recorded, dict) and len(recorded.get("lines", ())) == len(partials):
        progress = RunProgress(recorded["documents"], list(recorded["lines"]), recorded.get("failed", 0))
        if all(_cut_to_lines(path, count) for path, count in zip(partials, progress.lines)) and _cut_to_lines(
            failed_log, progress.failed
        ):
            return progress
    if not failed_log.exists() or failed_log.stat().st_size == 0:
        failed_log.touch()
        done = resume_partials(partials)
        return RunProgress(done, [done] * len(partials))
    for path in [*partials, failed_log]:
        path.write_bytes(b"")
    return RunProgress(0, [0] * len(partials))


def _write_progress(path: Path, progress: RunProgress) -> None:
    """Record progress after a chunk; replaced whole, so a crash leaves the old record or the new one."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps({"documents": progress.documents, "lines": progress.lines, "failed": progress.failed}))
    os.replace(temporary, path)


def run_chain(
    input_dir: Path,
    output_dir: Path,
    *,
    workers: int = 1,
    segmenter: str | None = None,
    model: str | None = None,
    export: bool = True,
    force: bool = False,
    pause_after: int | None = None,
    chunk_size: int = CHUNK_SIZE,
    recursive: bool = False,
) -> int:
    """Stream every article through every stage, writing one artefact per stage.

    Stages whose input, code and options are unchanged since the last complete run
    are skipped; an interrupted run continues where it stopped.  ``pause_after``
    stops after that many more documents, keeping the checkpoint (exit code 3), so a
    long archive can be processed in sittings.  ``chunk_size`` documents go to a
    worker at a time; it changes neither order nor content.  ``recursive``: read the
    input's subfolders too (ids then name the subfolder, ``2013/04/a``).  ``model``: the
    entity model folder for prelabel (``shipped`` for the shipped one); by default the
    newest one ``corpusprep learn`` kept under ``OUTPUT/models/``, else the shipped one.

    Returns 0, or 2 when files or documents were skipped (``skipped.json``) or when
    no article got through at all (then nothing is committed or exported).
    """
    from pipeline.stages.ingest import survey_folder

    started = time.monotonic()
    survey = survey_folder(input_dir, recursive=recursive)
    if not survey.sources:
        report_not_read(survey)
        return no_article_error(survey, recursive)
    output_dir.mkdir(parents=True, exist_ok=True)
    sources_digest = sources_fingerprint(input_dir, survey.sources, [item.path for item in survey.not_read])
    choice = choose_model(model, output_dir)  # by default the newest model `learn` kept for this corpus
    model = None if choice.shipped else str(choice.path)
    plans = [
        StagePlan(name, code_fingerprint(name, segmenter, model), stage_options(name, segmenter, model)) for name in STAGE_NAMES
    ]
    manifest = {"stages": {}} if force else read_manifest(output_dir)
    first = first_stale_stage(output_dir, plans, sources_digest, manifest)
    active = plans[first:]
    if not active:
        console.print(f"[green]up to date[/green]: every stage's inputs are unchanged ({output_dir / MANIFEST})")
        _discard_checkpoint(output_dir)
        code = _previous_skipped_code(output_dir)
        _export(output_dir, export)
        report_run(output_dir, articles=len(survey.sources), exported=export, started=started)
        return code
    for plan in plans[:first]:
        console.print(f"[dim]skipped {plan.name}: inputs unchanged[/dim]")

    checkpoint = {
        "first_stage": active[0].name,
        "input": sources_digest if first == 0 else manifest["stages"][plans[first - 1].name]["output"]["sha256"],
        "stages": {plan.name: {"code": plan.code, "options": plan.options} for plan in active},
    }
    partials = [output_dir / (plan.path + PARTIAL_SUFFIX) for plan in active]
    failed_log, progress_path = output_dir / FAILED_PARTIAL, output_dir / PROGRESS
    previous = _read_json(output_dir / CHECKPOINT)
    if previous == checkpoint and not force and all(path.exists() for path in partials):
        progress = resume_progress(partials, failed_log, progress_path)
        console.print(f"[cyan]resuming[/cyan] from {active[0].name}: {progress.documents} document(s) already done")
    else:
        for path in [*partials, failed_log]:
            path.unlink(missing_ok=True)
            path.touch()
        progress_path.unlink(missing_ok=True)
        progress = RunProgress(0, [0] * len(partials))
        for plan in active:
            manifest["stages"].pop(plan.name, None)
        write_json(output_dir / CHECKPOINT, checkpoint)

    skipped: list[dict] = []
    if first == 0:
        documents, skipped = ingest_sources(input_dir, output_dir, survey=survey)
        inputs: Iterator[tuple[str, str]] = ((doc.id, dump_document(doc)) for doc in documents)
    else:
        inputs = _artefact_lines(output_dir / plans[first - 1].path)
    if progress.failed:  # the first partial lacks the failed documents: nothing to check the input against
        pending: Iterable[tuple[str, str]] = islice(inputs, progress.documents, None)
    else:
        pending = skip_done(inputs, progress.documents, partials[0])
    budget = Budget(pending, pause_after)

    worker_stages = tuple(plan.name for plan in active if plan.name != "ingest")
    handles = [open(path, "a", encoding="utf-8") for path in partials]
    failed_handle = open(failed_log, "a", encoding="utf-8")
    # The ingest stream draws its own progress bar (rich allows one live display at a time).
    progress_display = progress_bar() if first else None
    try:
        with progress_display or nullcontext():
            if progress_display is not None:
                total = manifest["stages"][plans[first - 1].name]["documents"]
                task = progress_display.add_task(
                    " → ".join(plan.name for plan in active), total=total, completed=progress.documents
                )
            for chunk, output in _run_chunks(budget, worker_stages, segmenter, workers, chunk_size, model):
                failures = []
                for failure in output.failures:
                    report_failure(chunk[failure.index][0], failure)
                    failures.append(dump_line({"id": chunk[failure.index][0], "stage": failure.stage, "reason": failure.reason}))
                _write_lines(failed_handle, failed_log, failures)  # before the artefacts: see resume_progress
                stage_lines = [[line for _, line in chunk], *output.lines] if first == 0 else output.lines
                for number, (path, handle, lines) in enumerate(zip(partials, handles, stage_lines)):
                    _write_lines(handle, path, lines)
                    progress.lines[number] += len(lines)
                progress.documents += len(chunk)
                progress.failed += len(failures)
                _write_progress(progress_path, progress)
                if progress_display is not None:
                    progress_display.update(task, completed=progress.documents)
    except BaseException:
        for handle in [*handles, failed_handle]:
            with suppress(OSError):  # what is lost here is redone on the next run
                handle.close()
        raise
    else:
        for handle in [*handles, failed_handle]:
            handle.close()
    finally:
        if first == 0:
            documents.close()
        gc.unfreeze()  # with one worker the models were frozen in this process

    if budget.paused:
        console.print(f"[yellow]paused[/yellow] after {progress.documents} document(s); run again to continue")
        return EXIT_PAUSED
    earlier = set(STAGE_NAMES[:first])
    kept = skipped if first == 0 else [item for item in _previous_skipped(output_dir) if item.get("stage", "ingest") in earlier]
    report = kept + [json.loads(line) for line in failed_log.read_text(encoding="utf-8").splitlines() if line.strip()]
    code = finish_skipped(output_dir, report)
    if not progress.lines[-1]:
        _discard_checkpoint(output_dir)
        what = "readable article" if first == 0 and not progress.lines[0] else "document got through every stage"
        console.print(f"[red]error[/red]: no {what} (input {input_dir}): nothing committed or exported")
        return EXIT_SKIPPED
    _commit_stages(output_dir, active, partials, checkpoint["input"], manifest, progress.lines)
    _export(output_dir, export)
    console.print(f"[green]done[/green]: artefacts in {output_dir}")
    report_run(output_dir, articles=len(survey.sources), exported=export, started=started)
    return code


class Budget:
    """Pass at most ``limit`` items through, noting whether more were left (the run then pauses)."""

    def __init__(self, items: Iterable[Any], limit: int | None) -> None:
        self.items, self.limit, self.paused = items, limit, False

    def __iter__(self) -> Iterator[Any]:
        for count, item in enumerate(self.items):
            if self.limit is not None and count >= self.limit:
                self.paused = True
                return
            yield item


def _run_chunks(
    inputs: Iterable[tuple[str, str]], stages: tuple[str, ...], segmenter: str | None, workers: int, chunk_size: int,
    model: str | None = None,
) -> Iterator[tuple[list[tuple[str, str]], ChunkOutput]]:
    """Chunks of ``(id, line)`` with, per stage, the lines it made of them (in input order), and the failures."""
    chunks = chunked(inputs, chunk_size, weight=lambda item: len(item[1]), max_weight=CHUNK_CHARACTERS)
    if not stages:
        yield from ((chunk, ChunkOutput([])) for chunk in chunks)
        return
    # The pool sees only the lines; the chunk itself is kept here in a bounded queue of the same size.
    window = 3 * max(workers, 1)
    held: deque[list[tuple[str, str]]] = deque()

    def lines_of(all_chunks: Iterable[list[tuple[str, str]]]) -> Iterator[list[str]]:
        for chunk in all_chunks:
            held.append(chunk)
            yield [line for _, line in chunk]

    results = ordered_map(
        _process_chunk,
        lines_of(chunks),
        workers=workers,
        initializer=_load_worker_stages,
        initargs=(stages, segmenter, model),
        window=window,
    )
    for stage_lines in results:
        yield held.popleft(), stage_lines


def _artefact_lines(path: Path) -> Iterator[tuple[str, str]]:
    """``(id, line)`` of an earlier stage's artefact; the id is read off the line's start, so
    each record is parsed once (by the worker that processes it), not twice."""
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                doc_id = leading_id(line)
                if doc_id is None:
                    doc_id = json.loads(line)["id"]
                yield doc_id, line if line.endswith("\n") else line + "\n"


def _commit_stages(
    output_dir: Path, active: list[StagePlan], partials: list[Path], input_digest: str,
    manifest: dict[str, Any], documents: list[int],
) -> None:
    """Move finished artefacts into place, then record them (with their documents); the checkpoint goes last."""
    for plan, partial, count in zip(active, partials, documents):
        with open(partial, "rb+") as handle:
            os.fsync(handle.fileno())
        final = output_dir / plan.path
        os.replace(partial, final)
        digest = file_sha256(final)
        manifest["stages"][plan.name] = {
            "input": input_digest,
            "code": plan.code,
            "options": plan.options,
            "output": {"path": plan.path, "sha256": digest, **file_stat(final)},
            "documents": count,
        }
        input_digest = digest
    manifest["version"] = pipeline.__version__
    write_json(output_dir / MANIFEST, manifest)
    for name in (FAILED_PARTIAL, PROGRESS):
        (output_dir / name).unlink(missing_ok=True)
    (output_dir / CHECKPOINT).unlink(missing_ok=True)


def _discard_checkpoint(output_dir: Path) -> None:
    """Remove what an interrupted run left, once the finished artefacts are known to be current."""
    for name in STAGE_FILES.values():
        (output_dir / (name + PARTIAL_SUFFIX)).unlink(missing_ok=True)
    for name in (FAILED_PARTIAL, PROGRESS):
        (output_dir / name).unlink(missing_ok=True)
    (output_dir / CHECKPOINT).unlink(missing_ok=True)


def _previous_skipped(output_dir: Path) -> list[dict]:
    """The entries of the last run's skipped-files report (files, and documents with their stage)."""
    report = _read_json(output_dir / SKIPPED_REPORT) or {}
    return list(report.get("skipped", []))


def _previous_skipped_code(output_dir: Path) -> int:
    report = _read_json(output_dir / SKIPPED_REPORT) or {}
    return EXIT_SKIPPED if report.get("count") else 0


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None


def _export(output_dir: Path, export: bool) -> None:
    if export:
        from pipeline.export import export_dataset

        export_dataset(output_dir, output_dir / "dataset")


if __name__ == "__main__":  # pragma: no cover
    sys.exit("use the `corpusprep` command")
