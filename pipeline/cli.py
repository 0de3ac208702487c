"""The ``corpusprep`` command: one subcommand per stage, plus ``run`` for the whole chain.

Typer gives typed options, ``--help`` from docstrings and shell completion for free;
rich (through typer) gives readable errors and progress bars.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

app = typer.Typer(
    help="Turn OCR'd Chinese newspaper articles into a reviewed, published NLP corpus.\n\n"
    "Stages: ingest -> normalize -> repair -> segment -> prelabel (entities, quotes) "
    "-> doccano review -> export -> publish. `corpusprep run` does them all.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
segmenter_app = typer.Typer(help="Train and evaluate the pkuseg word segmentation model.", no_args_is_help=True)
doccano_app = typer.Typer(help="Review in doccano: push pre-annotations, pull reviews back.", no_args_is_help=True)
app.add_typer(segmenter_app, name="segmenter")
app.add_typer(doccano_app, name="doccano")

InputDir = typer.Option(..., "--input", "-i", help="Folder of raw article .txt files.", exists=True, file_okay=False)
OutputDir = typer.Option(..., "--output", "-o", help="Folder to write the stage artefacts into.")
InputFile = typer.Option(..., "--input", "-i", help="JSONL records to read.", exists=True, dir_okay=False)
OutputFile = typer.Option(..., "--output", "-o", help="JSONL file to write (atomically).")


@app.command()
def run(
    input: Path = InputDir,
    output: Path = OutputDir,
    workers: int = typer.Option(1, "--workers", "-w", min=1, help="Processes to spread documents over."),
    segmenter: Optional[str] = typer.Option(
        None, help="pkuseg model folder, official pkuseg model name, or 'char' (default: the shipped model)."
    ),
    export: bool = typer.Option(True, help="Also export the Hugging Face dataset into OUTPUT/dataset."),
    force: bool = typer.Option(False, help="Redo every stage even if its inputs are unchanged."),
) -> None:
    """Run the whole chain on a folder of raw articles, one JSONL artefact per stage.

    Writes ingested, normalized, repaired, segmented and prelabeled JSONL files, a
    skipped-files report, and (by default) the exported dataset.  Exit code 2 means
    some input files were skipped (see OUTPUT/skipped.json).
    """
    from pipeline.run import run_chain

    raise typer.Exit(run_chain(input, output, workers=workers, segmenter=segmenter, export=export, force=force))


@app.command()
def ingest(input: Path = InputDir, output: Path = OutputFile) -> None:
    """Read raw .txt articles (UTF-8, BOM, GB18030/GBK) into records; report unreadable files."""
    from pipeline.run import run_ingest

    raise typer.Exit(run_ingest(input, output))


@app.command()
def normalize(input: Path = InputFile, output: Path = OutputFile) -> None:
    """Normalise punctuation, widths, stray OCR symbols and spaces in ingested records."""
    from pipeline.normalize import normalize_document
    from pipeline.run import run_document_stage

    run_document_stage(input, output, normalize_document, "normalize")


@app.command()
def repair(input: Path = InputFile, output: Path = OutputFile) -> None:
    """Recognise layout (headline, byline, pull quotes, furniture) and rejoin broken lines."""
    from pipeline.repair import repair_document
    from pipeline.run import run_document_stage

    run_document_stage(input, output, repair_document, "repair")


@app.command()
def segment(
    input: Path = InputFile,
    output: Path = OutputFile,
    segmenter: Optional[str] = typer.Option(
        None, help="pkuseg model folder, official pkuseg model name, or 'char' (default: the shipped model)."
    ),
) -> None:
    """Segment record text into words with spaCy's Chinese pipeline and pkuseg."""
    from pipeline.run import run_stream_stage
    from pipeline.segment import load_segmenter

    run_stream_stage(input, output, load_segmenter(segmenter).segment_documents, "segment")


@app.command()
def prelabel(input: Path = InputFile, output: Path = OutputFile) -> None:
    """Pre-label PERSON, ORG, DATE, PERCENT and quote attributions on JSONL records ({"id","text"} at least)."""
    from pipeline.prelabel import load_prelabeler
    from pipeline.run import run_stream_stage

    run_stream_stage(input, output, load_prelabeler().label_documents, "prelabel")


@app.command()
def show(
    input: Path = InputFile,
    output: Path = typer.Option(Path("corpus/prelabeled.html"), "--output", "-o", help="HTML file to write."),
    limit: int = typer.Option(50, help="At most this many documents."),
) -> None:
    """Render pre-labelled documents as HTML with displaCy, for a person to look at."""
    from pipeline.show import render_html

    render_html(input, output, limit=limit)
    typer.echo(f"wrote {output}")
