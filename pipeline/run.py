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
"""

from __future__ import annotations

import ast
import gc
import hashlib
import json
import os
import shutil
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import ExitStack, nullcontext
from dataclasses import dataclass
from itertools import islice
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

import pipeline
from pipeline.core.batching import chunked
from pipeline.core.jsonl import atomic_writer, dump_document, leading_id, read_documents, write_json
from pipeline.core.paths import CONFIGS_DIR, MODELS_DIR, PACKAGE_DIR, SCHEMA_DIR
from pipeline.core.record import Document
from pipeline.stages import STAGE_NAMES, STAGES, StreamStage, stage_named

console = Console(stderr=True)

STAGE_FILES = {stage.name: stage.artefact for stage in STAGES}
SKIPPED_REPORT = "skipped.json"
QUARANTINE_DIR = "quarantine"
MANIFEST = "manifest.json"
CHECKPOINT = "checkpoint.json"
PARTIAL_SUFFIX = ".partial"
EXIT_SKIPPED = 2
EXIT_PAUSED = 3
CHUNK_SIZE = 16
# A chunk also stops at this many characters of JSON, so that a run of long articles does not
# raise peak memory: what a worker holds at once is bounded by this, not by the articles' sizes.
CHUNK_CHARACTERS = 60_000

# Data every stage may read besides its code: the label schema and the spaCy configs.
SHARED_DATA = (SCHEMA_DIR, CONFIGS_DIR)


def progress_bar() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=not console.is_terminal,
    )


# --- ingest and single-stage commands ----------------------------------------------


def ingest_sources(input_dir: Path, output_dir: Path | None) -> tuple[Iterator[Document], list[dict]]:
    """Stream readable articles; unreadable ones are reported, listed and copied aside.

    Returns the document stream and the (filled while streaming) list of skipped files.
    """
    from pipeline.stages.ingest import IngestError, list_sources, read_article

    skipped: list[dict] = []
    sources = list_sources(input_dir)

    def stream() -> Iterator[Document]:
        with progress_bar() as progress:
            task = progress.add_task("articles", total=len(sources))
            for path in sources:
                try:
                    yield read_article(path)
                except IngestError as error:
                    console.print(f"[red]skipped[/red] {error}")
                    skipped.append({"file": str(path), "line": error.line, "reason": error.reason})
                    if output_dir is not None:
                        aside = output_dir / QUARANTINE_DIR
                        aside.mkdir(parents=True, exist_ok=True)
                        shutil.copy2(path, aside / path.name)
                finally:
                    progress.advance(task)

    return stream(), skipped


def _finish_skipped(output_dir: Path, skipped: list[dict]) -> int:
    write_json(output_dir / SKIPPED_REPORT, {"skipped": skipped, "count": len(skipped)})
    if skipped:
        console.print(
            f"[yellow]{len(skipped)} file(s) skipped[/yellow]: see {output_dir / SKIPPED_REPORT}; "
            f"copies kept in {output_dir / QUARANTINE_DIR}"
        )
        return EXIT_SKIPPED
    return 0


def run_ingest(input_dir: Path, output: Path) -> int:
    documents, skipped = ingest_sources(input_dir, output.parent)
    with atomic_writer(output) as handle:
        for doc in documents:
            handle.write(dump_document(doc))
    return _finish_skipped(output.parent, skipped)


def run_stream_stage(
    input: Path, output: Path, stage: Callable[[Iterable[Document]], Iterator[Document]], name: str
) -> None:
    """Apply a streaming stage (one that batches, e.g. through ``nlp.pipe``) to a JSONL artefact."""
    with progress_bar() as progress, atomic_writer(output) as handle:
        task = progress.add_task(name, total=None)
        for line in stage_lines_in_zones(stage, read_documents(input)):
            handle.write(line)
            progress.advance(task)


def stage_lines_in_zones(stage: StreamStage, documents: Iterable[Document]) -> Iterator[str]:
    """The stage's output as JSONL lines, run chunk by chunk as the chain runs it: each chunk in
    the stage's spaCy memory zone once its vocabulary is full (:func:`_memory_zones`), and
    serialised inside it, so a stage run on its own keeps its memory bounded too."""
    for chunk in chunked(documents, CHUNK_SIZE, weight=lambda doc: len(doc.text), max_weight=CHUNK_CHARACTERS):
        with _memory_zones([stage]):
            lines = [dump_document(doc) for doc in stage(chunk)]
        yield from lines


# --- stages as streaming functions ----------------------------------------------------


def load_stage(name: str, *, segmenter: str | None = None) -> StreamStage:
    """The stage ``name`` as a function over a stream of documents (models loaded once here)."""
    stage = stage_named(name)
    if stage.kind == "source":
        raise ValueError(f"unknown stage {name!r}; stages after ingest are {', '.join(STAGE_NAMES[1:])}")
    return stage.load(segmenter=segmenter)


_WORKER_STAGES: list[StreamStage] = []
_WORKER_ERROR: list[str] = []


def _load_worker_stages(names: tuple[str, ...], segmenter: str | None) -> None:
    """Process initializer: load each stage (and its models) once per process.

    A failure is kept and raised with the first chunk, so that the run stops with
    the real reason rather than with a broken pool.
    """
    try:
        _WORKER_STAGES[:] = [load_stage(name, segmenter=segmenter) for name in names]
    except Exception as error:  # noqa: BLE001 - re-raised in _process_chunk
        _WORKER_ERROR[:] = [f"{type(error).__name__}: {error}"]
    _keep_models_out_of_collection()


def _keep_models_out_of_collection() -> None:
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


def _process_chunk(lines: list[str]) -> list[list[str]]:
    """Run one chunk of JSONL lines through the loaded stages; one list of lines per stage."""
    if _WORKER_ERROR:
        raise RuntimeError(_WORKER_ERROR[0])
    docs = [Document.from_dict(json.loads(line)) for line in lines]
    out: list[list[str]] = []
    with _memory_zones(_WORKER_STAGES):
        for stage in _WORKER_STAGES:
            docs = list(stage(docs))
            if len(docs) != len(lines):
                raise RuntimeError(f"a stage returned {len(docs)} documents for {len(lines)}")
            out.append([dump_document(doc) for doc in docs])
    return out


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


def sources_fingerprint(input_dir: Path, sources: list[Path]) -> str:
    """Names, sizes and mtimes of the raw articles (hashing millions of scans would cost a pass)."""
    digest = hashlib.sha256(str(input_dir.resolve()).encode())
    for path in sources:
        digest.update(f"{path.name}\0{file_stat(path)}\n".encode())
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
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                todo += [alias.name for alias in node.names if alias.name == "pipeline" or alias.name.startswith("pipeline.")]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                    base = f"{parent}.{base}" if base else parent
                if base == "pipeline" or base.startswith("pipeline."):
                    todo.append(base)
                    todo += [f"{base}.{alias.name}" for alias in node.names]
    return sorted(seen.values())


def code_fingerprint(stage: str, segmenter: str | None = None) -> str:
    """What decides a stage's output besides its input: its code, the schema, configs and models."""
    digest = hashlib.sha256(pipeline.__version__.encode())
    for path in module_closure(stage_named(stage).module):
        digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0" + path.read_bytes())
    for root in SHARED_DATA:
        _tree_stats(digest, root)
    if stage_named(stage).models:
        _tree_stats(digest, MODELS_DIR)
        if stage == "segment" and segmenter and Path(segmenter).exists():
            _tree_stats(digest, Path(segmenter).resolve())
    return digest.hexdigest()


def stage_options(stage: str, segmenter: str | None) -> dict[str, Any]:
    return stage_named(stage).options_of(segmenter=segmenter)


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


def run_chain(
    input_dir: Path,
    output_dir: Path,
    *,
    workers: int = 1,
    segmenter: str | None = None,
    export: bool = True,
    force: bool = False,
    pause_after: int | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> int:
    """Stream every article through every stage, writing one artefact per stage.

    Stages whose input, code and options are unchanged since the last complete run
    are skipped; an interrupted run continues where it stopped.  ``pause_after``
    stops after that many more documents, keeping the checkpoint (exit code 3), so a
    long archive can be processed in sittings.  ``chunk_size`` documents go to a
    worker at a time; it changes neither order nor content.
    """
    from pipeline.stages.ingest import list_sources

    output_dir.mkdir(parents=True, exist_ok=True)
    sources = list_sources(input_dir)
    sources_digest = sources_fingerprint(input_dir, sources)
    plans = [StagePlan(name, code_fingerprint(name, segmenter), stage_options(name, segmenter)) for name in STAGE_NAMES]
    manifest = {"stages": {}} if force else read_manifest(output_dir)
    first = first_stale_stage(output_dir, plans, sources_digest, manifest)
    active = plans[first:]
    if not active:
        console.print(f"[green]up to date[/green]: every stage's inputs are unchanged ({output_dir / MANIFEST})")
        _discard_checkpoint(output_dir)
        code = _previous_skipped_code(output_dir)
        _export(output_dir, export)
        return code
    for plan in plans[:first]:
        console.print(f"[dim]skipped {plan.name}: inputs unchanged[/dim]")

    checkpoint = {
        "first_stage": active[0].name,
        "input": sources_digest if first == 0 else manifest["stages"][plans[first - 1].name]["output"]["sha256"],
        "stages": {plan.name: {"code": plan.code, "options": plan.options} for plan in active},
    }
    partials = [output_dir / (plan.path + PARTIAL_SUFFIX) for plan in active]
    done = 0
    previous = _read_json(output_dir / CHECKPOINT)
    if previous == checkpoint and not force and all(path.exists() for path in partials):
        done = resume_partials(partials)
        console.print(f"[cyan]resuming[/cyan] from {active[0].name}: {done} document(s) already done")
    else:
        for path in partials:
            path.unlink(missing_ok=True)
            path.touch()
        for plan in active:
            manifest["stages"].pop(plan.name, None)
        write_json(output_dir / CHECKPOINT, checkpoint)

    skipped: list[dict] = []
    if first == 0:
        documents, skipped = ingest_sources(input_dir, output_dir)
        inputs: Iterator[tuple[str, str]] = ((doc.id, dump_document(doc)) for doc in documents)
    else:
        inputs = _artefact_lines(output_dir / plans[first - 1].path)
    budget = Budget(skip_done(inputs, done, partials[0]), pause_after)

    worker_stages = tuple(plan.name for plan in active if plan.name != "ingest")
    handles = [open(path, "a", encoding="utf-8") for path in partials]
    # The ingest stream draws its own progress bar (rich allows one live display at a time).
    progress = progress_bar() if first else None
    try:
        with progress or nullcontext():
            if progress is not None:
                total = manifest["stages"][plans[first - 1].name]["documents"]
                task = progress.add_task(" → ".join(plan.name for plan in active), total=total, completed=done)
            for chunk, stage_lines in _run_chunks(budget, worker_stages, segmenter, workers, chunk_size):
                if first == 0:
                    handles[0].writelines(line for _, line in chunk)
                for handle, lines in zip(handles[1:] if first == 0 else handles, stage_lines):
                    handle.writelines(lines)
                for handle in handles:
                    handle.flush()
                done += len(chunk)
                if progress is not None:
                    progress.update(task, completed=done)
    finally:
        for handle in handles:
            handle.close()
        if first == 0:
            documents.close()
        gc.unfreeze()  # with one worker the models were frozen in this process

    if budget.paused:
        console.print(f"[yellow]paused[/yellow] after {done} document(s); run again to continue")
        return EXIT_PAUSED
    _commit_stages(output_dir, active, partials, checkpoint["input"], manifest, done)
    code = _finish_skipped(output_dir, skipped) if first == 0 else _previous_skipped_code(output_dir)
    _export(output_dir, export)
    console.print(f"[green]done[/green]: artefacts in {output_dir}")
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
    inputs: Iterable[tuple[str, str]], stages: tuple[str, ...], segmenter: str | None, workers: int, chunk_size: int
) -> Iterator[tuple[list[tuple[str, str]], list[list[str]]]]:
    """Chunks of ``(id, line)`` with, per stage, the lines it made of them (in input order)."""
    chunks = chunked(inputs, chunk_size, weight=lambda item: len(item[1]), max_weight=CHUNK_CHARACTERS)
    if not stages:
        yield from ((chunk, []) for chunk in chunks)
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
        initargs=(stages, segmenter),
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
    manifest: dict[str, Any], documents: int,
) -> None:
    """Move finished artefacts into place, then record them; the checkpoint goes last."""
    for plan, partial in zip(active, partials):
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
            "documents": documents,
        }
        input_digest = digest
    manifest["version"] = pipeline.__version__
    write_json(output_dir / MANIFEST, manifest)
    (output_dir / CHECKPOINT).unlink(missing_ok=True)


def _discard_checkpoint(output_dir: Path) -> None:
    """Remove what an interrupted run left, once the finished artefacts are known to be current."""
    for name in STAGE_FILES.values():
        (output_dir / (name + PARTIAL_SUFFIX)).unlink(missing_ok=True)
    (output_dir / CHECKPOINT).unlink(missing_ok=True)


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
