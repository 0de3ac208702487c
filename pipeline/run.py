"""Orchestration at the edges: reading inputs, chaining pure stages, writing artefacts.

Every stage is a pure ``Document -> Document`` function or a generator over
documents; this module is the only place that opens files for the chain.  The
chain streams: one document at a time flows through all stages and is written to
each stage's artefact, so memory does not grow with the corpus.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from pipeline.jsonl import atomic_writer, dump_line, read_documents, write_json
from pipeline.record import Document

console = Console(stderr=True)

STAGE_FILES = {
    "ingest": "ingested.jsonl",
    "normalize": "normalized.jsonl",
    "repair": "repaired.jsonl",
    "segment": "segmented.jsonl",
    "prelabel": "prelabeled.jsonl",
}
SKIPPED_REPORT = "skipped.json"
QUARANTINE_DIR = "quarantine"
EXIT_SKIPPED = 2


def progress_bar() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=not console.is_terminal,
    )


def _tee(documents: Iterable[Document], handle: IO[str]) -> Iterator[Document]:
    for doc in documents:
        handle.write(dump_line(doc.to_dict()))
        yield doc


def ingest_sources(input_dir: Path, output_dir: Path | None) -> tuple[Iterator[Document], list[dict]]:
    """Stream readable articles; unreadable ones are reported, listed and copied aside.

    Returns the document stream and the (filled while streaming) list of skipped files.
    """
    from pipeline.ingest import IngestError, list_sources, read_article

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
            handle.write(dump_line(doc.to_dict()))
    return _finish_skipped(output.parent, skipped)


def run_document_stage(input: Path, output: Path, stage: Callable[[Document], Document], name: str) -> None:
    """Apply a pure per-document stage to a JSONL artefact."""
    run_stream_stage(input, output, lambda docs: (stage(doc) for doc in docs), name)


def run_stream_stage(
    input: Path, output: Path, stage: Callable[[Iterable[Document]], Iterator[Document]], name: str
) -> None:
    """Apply a streaming stage (one that batches, e.g. through ``nlp.pipe``) to a JSONL artefact."""
    with progress_bar() as progress, atomic_writer(output) as handle:
        task = progress.add_task(name, total=None)
        for doc in stage(read_documents(input)):
            handle.write(dump_line(doc.to_dict()))
            progress.advance(task)


def run_chain(
    input_dir: Path,
    output_dir: Path,
    *,
    workers: int = 1,
    segmenter: str | None = None,
    export: bool = True,
    force: bool = False,
) -> int:
    """Stream every article through every stage, writing one artefact per stage."""
    from pipeline.normalize import normalize_document
    from pipeline.prelabel import load_prelabeler
    from pipeline.repair import repair_document
    from pipeline.segment import load_segmenter

    output_dir.mkdir(parents=True, exist_ok=True)
    seg = load_segmenter(segmenter)
    prelabeler = load_prelabeler()
    documents, skipped = ingest_sources(input_dir, output_dir)
    paths = {stage: output_dir / name for stage, name in STAGE_FILES.items()}
    with (
        atomic_writer(paths["ingest"]) as ingested,
        atomic_writer(paths["normalize"]) as normalized,
        atomic_writer(paths["repair"]) as repaired,
        atomic_writer(paths["segment"]) as segmented,
        atomic_writer(paths["prelabel"]) as prelabeled,
    ):
        stream: Iterable[Document] = _tee(documents, ingested)
        stream = _tee((normalize_document(doc) for doc in stream), normalized)
        stream = _tee((repair_document(doc) for doc in stream), repaired)
        stream = _tee(seg.segment_documents(stream), segmented)
        for doc in prelabeler.label_documents(stream):
            prelabeled.write(dump_line(doc.to_dict()))
    code = _finish_skipped(output_dir, skipped)
    if export:
        from pipeline.export import export_dataset

        export_dataset(output_dir, output_dir / "dataset")
    console.print(f"[green]done[/green]: artefacts in {output_dir}")
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit("use the `corpusprep` command")
