"""The chain in shards, for an engine that spreads documents over machines (no cluster code here).

Such an engine cannot append to one artefact per stage as ``pipeline.run`` does.  Here each
batch of documents the last stage group finishes is a shard, written where it was made: one
JSONL file per stage (``shards/<artefact>/<name>.jsonl``), the dataset's rows as Parquet
(``shards/dataset/<config>/<split>/<name>.parquet``) and, last, its done-marker
(``shards/done/<name>.json``): the shard's documents (source file, size, mtime), those a
stage failed on, and its counts.  The driver only ever reads markers.

Documents go through the same stage functions as in a local run, by way of the same
:func:`pipeline.run.process_lines` in chunks of the same bounds, so each record is the one a
local run writes, and a document a stage fails on is left out of that stage's shard and the
later ones, reported with the same line and listed in ``skipped.json`` with the same entry.

Resuming: a marker whose documents are all still there, unchanged, keeps its shard, and its
documents are not redone; shard files without a marker (a batch cut off) are removed.
``plan.json`` records each stage's code and options; when they change every shard is redone.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import shutil
import socket
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pipeline
from pipeline.core.batching import chunked
from pipeline.core.jsonl import atomic_writer, dump_document, write_json
from pipeline.core.record import Document
from pipeline.run import (
    CHUNK_CHARACTERS,
    CHUNK_SIZE,
    EXIT_SKIPPED,
    STAGE_FILES,
    DocumentFailure,
    RunSummary,
    code_fingerprint,
    console,
    describe_error,
    finish_skipped,
    keep_models_out_of_collection,
    load_stage,
    process_lines,
    quarantine,
    report_failure,
    report_unreadable,
    skipped_reasons,
    stage_options,
    summary_table,
    unreadable_entry,
)
from pipeline.stages import STAGE_NAMES, StreamStage, stage_named

SHARDS_DIR = "shards"
DONE_DIR = "done"
DATASET_DIR = "dataset"
PLAN = "plan.json"
SHARD_MANIFEST = "manifest.json"
# Documents per shard: what a resumed run keeps or redoes; a shard is a file per stage and configuration
# split, so about 2,600 shards for a billion characters of 1,500-character articles.
SHARD_DOCUMENTS = 256

Columns = dict[str, list[Any]]


def stage_groups() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The stages after ingest in two groups: those without models, then those from the first that loads models.

    The first group runs wherever there is a free CPU; the second where its models stay loaded.
    """
    names = STAGE_NAMES[1:]
    first = next((index for index, name in enumerate(names) if stage_named(name).models), len(names))
    return names[:first], names[first:]


def stage_dir(name: str) -> str:
    """The folder of a stage's shards: its artefact's name without ``.jsonl`` (``shards/prelabeled/``)."""
    return STAGE_FILES[name].removesuffix(".jsonl")


def run_plan(segmenter: str | None, model: str | None, export: bool) -> dict[str, Any]:
    """What decides every shard's content besides its documents: the stages' code and options, and the export."""
    return {
        "version": pipeline.__version__,
        "stages": {
            name: {"code": code_fingerprint(name, segmenter, model), "options": stage_options(name, segmenter, model)}
            for name in STAGE_NAMES
        },
        "export": export,
    }


def plan_digest(plan: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(plan, sort_keys=True).encode()).hexdigest()


def source_rows(input_dir: Path, sources: Iterable[Path]) -> list[dict[str, Any]]:
    """One row per article file: its path as the run names it (for reports), its place below the input, size, mtime."""
    rows = []
    for path in sources:
        try:
            status = path.stat()
            size, mtime = status.st_size, status.st_mtime_ns
        except OSError:  # gone since it was listed: ingest reports it
            size = mtime = -1
        rows.append({"path": str(path), "source": path.relative_to(input_dir).as_posix(), "size": size, "mtime_ns": mtime})
    return rows


# --- in the workers -----------------------------------------------------------------------


def _failure(entry: dict[str, Any], message: str | None = None) -> str:
    return json.dumps({"entry": entry, "message": message}, ensure_ascii=False)


def _run_stages(columns: Columns, stages: list[tuple[str, StreamStage]], rows: list[int], source: str) -> None:
    """The documents of ``rows`` (their line in column ``source``) through the stages, in chunks as the local run
    makes them; each stage's line goes into its column, a failure into ``failure``."""
    pairs = [(row, columns[source][row]) for row in rows]
    for chunk in chunked(pairs, CHUNK_SIZE, weight=lambda pair: len(pair[1]), max_weight=CHUNK_CHARACTERS):
        output = process_lines(stages, [line for _, line in chunk])
        failed_at = {failure.index: number for failure in output.failures
                     for number, (name, _) in enumerate(stages) if name == failure.stage}
        for number, ((name, _), lines) in enumerate(zip(stages, output.lines)):
            passed = [row for index, (row, _) in enumerate(chunk) if failed_at.get(index, len(stages)) > number]
            for row, line in zip(passed, lines, strict=True):
                columns[name][row] = line
        for failure in output.failures:
            row = chunk[failure.index][0]
            columns["failure"][row] = _failure({"id": columns["id"][row], "stage": failure.stage, "reason": failure.reason})


def read_and_clean(columns: Columns, *, input_dir: str, output_dir: str, stages: tuple[str, ...]) -> Columns:
    """The first group: read each article file (ingest) and run it through the stages without models.

    ``input_dir`` and ``output_dir`` are absolute, as every machine sees them; an unreadable
    file is copied to the output's ``quarantine/`` as in a local run.
    """
    from pipeline.stages.ingest import IngestError, read_article

    count = len(columns["source"])
    out: Columns = {key: list(values) for key, values in columns.items()}
    out.update({"id": [""] * count, "failure": [""] * count, **{name: [""] * count for name in STAGE_NAMES}})
    root, aside = Path(input_dir), Path(output_dir)
    readable = []
    for row, (shown, source) in enumerate(zip(columns["path"], columns["source"])):
        path = root / source
        try:
            doc = read_article(path, root=root)
        except IngestError as error:
            quarantine(path, root, aside)
            message = str(error).replace(str(path), shown, 1)  # the file as the run was given it, as a local run says
            out["failure"][row] = _failure(unreadable_entry(Path(shown), error), message)
            continue
        out["id"][row], out[STAGE_NAMES[0]][row] = doc.id, dump_document(doc)
        readable.append(row)
    _run_stages(out, [(name, load_stage(name)) for name in stages], readable, STAGE_NAMES[0])
    return out


def _rss_mb(field_name: str = "VmRSS") -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


class ShardLabeller:
    """The second group, as one worker holds it: the model stages loaded once, then a shard per batch.

    Each batch (rows from :func:`read_and_clean`) goes through the model stages and is written
    as a shard; what comes back is one row saying what the shard holds.
    """

    def __init__(
        self, *, output_dir: str, stages: tuple[str, ...], segmenter: str | None, model: str | None,
        plan: dict[str, Any],
    ) -> None:
        self.root = Path(output_dir) / SHARDS_DIR
        self.plan, self.digest = plan, plan_digest(plan)
        self.error: str | None = None
        try:
            self.stages = [(name, load_stage(name, segmenter=segmenter, model=model)) for name in stages]
        except Exception as error:  # noqa: BLE001 - handed back with the first batch, as a local worker raises it
            self.error = f"{type(error).__name__}: {error}"
        keep_models_out_of_collection()
        self.actor = {"host": socket.gethostname(), "pid": os.getpid(), "loaded_rss_mb": _rss_mb()}

    def __call__(self, columns: Columns) -> Columns:
        """The shard's row: its name, documents and failures; or, when the worker cannot go on, ``error`` says why
        (in one line: an exception raised here would reach the driver wrapped, its message lost)."""
        if self.error is not None:
            return _shard_row("", 0, [], error=self.error)
        rows = sorted(range(len(columns["source"])), key=lambda row: columns["source"][row])
        if not rows:
            return {"shard": [], "documents": [], "failures": [], "error": []}
        before = self.stages[0][0]
        previous = STAGE_NAMES[STAGE_NAMES.index(before) - 1]
        _run_stages(columns, self.stages, [row for row in rows if columns[previous][row] and not columns["failure"][row]],
                    previous)
        try:
            marker = write_shard(self.root, columns, rows, self.digest, export=self.plan["export"], actor=self.actor)
        except OSError as error:
            return _shard_row("", 0, [], error=f"cannot write a shard in {self.root}: {describe_error(error)}: free "
                              "space (or fix the permissions) and run again; finished shards are kept")
        return _shard_row(marker["shard"], len(rows), marker["failures"])


def _shard_row(name: str, documents: int, failures: list[dict[str, Any]], error: str = "") -> Columns:
    return {"shard": [name], "documents": [documents], "failures": [json.dumps(failures)], "error": [error]}


class WorkerError(RuntimeError):
    """A worker could not go on (a stage's model did not load, a shard could not be written); the message says why."""


def shard_name(digest: str, sources: list[str]) -> str:
    """A shard's name from the plan and its documents: a batch retried after a lost worker writes the same files."""
    return hashlib.sha256("\0".join([digest, *sources]).encode()).hexdigest()[:20]


def write_shard(
    root: Path, columns: Columns, rows: list[int], digest: str, *, export: bool, actor: dict[str, Any]
) -> dict[str, Any]:
    """Write one shard's files, its marker last; returns the marker."""
    name = shard_name(digest, [columns["source"][row] for row in rows])
    lines = {stage: [columns[stage][row] for row in rows if columns[stage][row]] for stage in STAGE_NAMES}
    for stage, stage_lines in lines.items():
        with atomic_writer(root / stage_dir(stage) / f"{name}.jsonl") as handle:
            handle.writelines(stage_lines)
    final = [Document.from_dict(json.loads(line)) for line in lines[STAGE_NAMES[-1]]]
    if export:
        write_dataset_rows(root / DATASET_DIR, name, final)
    entities = Counter(str(entity.get("label")) for doc in final for entity in doc.entities)
    marker = {
        "shard": name,
        "plan": digest,
        "documents": [{key: columns[key][row] for key in ("source", "size", "mtime_ns")} for row in rows],
        "failures": [
            {"source": columns["source"][row], **json.loads(columns["failure"][row])} for row in rows if columns["failure"][row]
        ],
        "lines": {stage: len(stage_lines) for stage, stage_lines in lines.items()},
        "characters": sum(len(doc.text) for doc in final),
        "entities": dict(entities),
        "quotes": sum(len(doc.quotes) for doc in final),
        "actor": {**actor, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024},
    }
    write_json(root / DONE_DIR / f"{name}.json", marker)
    return marker


def write_dataset_rows(folder: Path, name: str, documents: list[Document]) -> None:
    """The dataset's rows of these documents, per configuration and split, as Parquet with the declared features.

    Placed as an export without reviews places them (the hash split); reviews pulled later
    are merged by ``corpusprep export`` on one machine.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    from pipeline.core.schema import load_schema
    from pipeline.export.features import CONFIGS, features_for
    from pipeline.export.rows import ROW_BUILDERS
    from pipeline.export.splits import SplitRule, placement
    from pipeline.review.merge import is_reviewed

    schema = load_schema()
    for config in CONFIGS:
        features = features_for(config, schema)
        by_split: dict[str, list[dict[str, Any]]] = {}
        for doc in documents:
            split = placement(doc.id, is_reviewed(doc.review), SplitRule())
            if split is not None:
                by_split.setdefault(split, []).extend(map(features.encode_example, ROW_BUILDERS[config](doc, schema)))
        for split, rows in by_split.items():
            if rows:
                target = folder / config / split / f"{name}.parquet"
                target.parent.mkdir(parents=True, exist_ok=True)
                partial = target.with_name(f".{target.name}.tmp")
                pq.write_table(pa.Table.from_pylist(rows, schema=features.arrow_schema), partial)
                os.replace(partial, target)


# --- on the driver ------------------------------------------------------------------------


@dataclass
class ShardState:
    """What an output folder's shards hold before a run: the markers kept and the documents still to do."""

    markers: list[dict[str, Any]]
    pending: list[dict[str, Any]]
    removed: int = 0  # shards dropped (their documents changed or went, or cut off)
    fresh: bool = False  # no shard was kept: a new plan, --force, or a first run


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _shard_files(root: Path) -> list[Path]:
    folders = [root / stage_dir(name) for name in STAGE_NAMES] + [root / DATASET_DIR]
    return [path for folder in folders if folder.is_dir() for path in folder.rglob("*") if path.is_file()]


def prepare(output_dir: Path, plan: dict[str, Any], sources: list[dict[str, Any]], *, force: bool = False) -> ShardState:
    """Keep the shards whose documents are unchanged, remove the rest; the source rows still to do."""
    root = output_dir / SHARDS_DIR
    digest = plan_digest(plan)
    fresh = force or _read_json(root / PLAN) != plan
    if fresh:
        shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True, exist_ok=True)
    write_json(root / PLAN, plan)
    current = {row["source"]: (row["size"], row["mtime_ns"]) for row in sources}
    kept: list[dict[str, Any]] = []
    covered: set[str] = set()
    removed = 0
    for path in sorted((root / DONE_DIR).glob("*.json")) if (root / DONE_DIR).is_dir() else []:
        marker = _read_json(path)
        documents = marker.get("documents", []) if isinstance(marker, dict) else []
        sources_of = [doc["source"] for doc in documents]
        if (
            isinstance(marker, dict) and marker.get("plan") == digest and documents
            and all(current.get(doc["source"]) == (doc["size"], doc["mtime_ns"]) for doc in documents)
            and not covered.intersection(sources_of)
            and all((root / stage_dir(name) / f"{marker['shard']}.jsonl").is_file() for name in STAGE_NAMES)
        ):
            kept.append(marker)
            covered.update(sources_of)
        else:
            path.unlink()
            removed += 1
    names = {marker["shard"] for marker in kept}
    for path in _shard_files(root):  # files of shards dropped above or cut off before their marker
        if path.name.split(".")[0] not in names:
            path.unlink()
    pending = [row for row in sources if row["source"] not in covered]
    return ShardState(kept, pending, removed, fresh=fresh or not kept)


def report_failures(failures: Iterable[dict[str, Any]]) -> None:
    """Say what failed in a shard, one line a document, as a local run says it."""
    for failure in failures:
        entry = failure["entry"]
        if failure.get("message") is not None:
            report_unreadable(failure["message"])
        else:
            report_failure(entry["id"], DocumentFailure(0, entry["stage"], entry["reason"]))


def finish(
    input_dir: Path, output_dir: Path, sources: list[dict[str, Any]], not_read: list[dict[str, Any]], *, export: bool,
    seconds: float,
) -> int:
    """Read every marker, write ``skipped.json`` and the shard manifest, print the summary; the run's exit code.

    ``skipped.json`` lists what a local run lists, in the same order: what is not read, the
    unreadable files, then the documents a stage failed on, in input order.
    """
    root = output_dir / SHARDS_DIR
    markers = [_read_json(path) for path in sorted((root / DONE_DIR).glob("*.json"))]
    order = {row["source"]: index for index, row in enumerate(sources)}
    failures = sorted((failure for marker in markers for failure in marker["failures"]), key=lambda f: order[f["source"]])
    unreadable = [failure["entry"] for failure in failures if failure["entry"].get("stage") == "ingest"]
    failed = [failure["entry"] for failure in failures if failure["entry"].get("stage") != "ingest"]
    report = not_read + unreadable + failed
    code = finish_skipped(output_dir, report)
    totals = {name: sum(marker["lines"][name] for marker in markers) for name in STAGE_NAMES}
    write_json(root / SHARD_MANIFEST, {
        "version": pipeline.__version__,
        "plan": plan_digest(_read_json(root / PLAN)),
        "documents": totals,
        "shards": [{"shard": marker["shard"], "lines": marker["lines"]} for marker in markers],
    })
    written = totals[STAGE_NAMES[-1]]
    if not written:
        what = "readable article" if not totals[STAGE_NAMES[0]] else "document got through every stage"
        console.print(f"[red]error[/red]: no {what} (input {input_dir}): no dataset rows written")
        return EXIT_SKIPPED
    entities: Counter[str] = Counter()
    for marker in markers:
        entities.update(marker["entities"])
    dataset = root / DATASET_DIR
    console.print(f"[green]done[/green]: {len(markers)} shard(s) in {root}")
    console.print(summary_table(RunSummary(
        articles=len(sources), written=written, skipped=skipped_reasons(report), entities=dict(entities),
        quotes=sum(marker["quotes"] for marker in markers), artefacts=root,
        dataset=dataset if export and dataset.is_dir() else None, seconds=seconds,
    )))
    return code
