"""The ``corpusprep`` command: one subcommand per stage, plus ``run`` for the whole chain.

Typer gives typed options, ``--help`` from docstrings and shell completion for free;
rich (through typer) gives readable errors and progress bars.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Any

import typer
from typer.core import TyperGroup
from typer.exceptions import TyperException

from pipeline.stages import STAGES, Stage

EXIT_ERROR = 1


def one_line_error(error: Exception) -> str:
    """An error as one line a person can act on: what went wrong, where, and what to do."""
    from pipeline.core.jsonl import ArtefactWriteError, RecordError
    from pipeline.stages.ingest import IngestError

    if isinstance(error, ArtefactWriteError):
        return (
            f"{error}: free space (or fix the permissions) and run again; "
            "complete artefacts are untouched and finished documents are kept"
        )
    if isinstance(error, RecordError):
        return f"{error}; fix or remove the line"
    if isinstance(error, IngestError):
        return str(error)
    if isinstance(error, OSError) and error.filename is not None:
        return f"{error.filename}: {error.strerror or error}"
    from pipeline.engines.ray_engine import RayUnavailable
    from pipeline.engines.shards import WorkerError
    from pipeline.run import StageLoadError, describe_error
    from pipeline.segmenter.model import SegmenterModelError

    if isinstance(error, (StageLoadError, SegmenterModelError, RayUnavailable, WorkerError, ValueError)):
        return str(error).strip().splitlines()[0]
    return f"{describe_error(error)} (unexpected: run again with --debug for the traceback, and report it)"


class OneLineErrors(TyperGroup):
    """The command group: an error in any command is one line and exit code 1; its traceback only with --debug."""

    def invoke(self, ctx: typer.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, TyperException):  # usage errors and exits: typer's own handling
            raise
        except Exception as error:
            if ctx.params.get("debug"):
                raise
            typer.secho(f"error: {one_line_error(error)}", fg="red", err=True)
            raise typer.Exit(EXIT_ERROR) from None


app = typer.Typer(
    cls=OneLineErrors,
    help="Turn OCR'd Chinese newspaper articles into a reviewed, published NLP corpus.\n\n"
    "Stages: ingest -> normalize -> repair -> segment -> prelabel (entities, quotes) "
    "-> doccano review -> export -> publish. `corpusprep run` does them all.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)


@app.callback()
def main(
    debug: bool = typer.Option(False, "--debug", help="Show the full traceback of an error, not just its one line."),
) -> None:
    """Global options (read by OneLineErrors)."""
segmenter_app = typer.Typer(help="Train and evaluate the pkuseg word segmentation model.", no_args_is_help=True)
doccano_app = typer.Typer(help="Review in doccano: push pre-annotations, pull reviews back.", no_args_is_help=True)
app.add_typer(segmenter_app, name="segmenter")
app.add_typer(doccano_app, name="doccano")

InputDir = typer.Option(..., "--input", "-i", help="Folder of raw article .txt files, ALTO .xml and hOCR .hocr pages.", exists=True, file_okay=False)
OutputDir = typer.Option(..., "--output", "-o", help="Folder to write the stage artefacts into.")
InputFile = typer.Option(..., "--input", "-i", help="JSONL records to read.", exists=True, dir_okay=False)
Recursive = typer.Option(
    False, "--recursive", "-r",
    help="Also read the input's subfolders (a file's id then names them: 2013/04/a.txt -> 2013/04/a).",
)
OutputFile = typer.Option(..., "--output", "-o", help="JSONL file to write (atomically).")


class Engine(str, Enum):
    """Where ``corpusprep run`` runs the stages."""

    local = "local"
    ray = "ray"


@app.command()
def run(
    input: Path = InputDir,
    output: Path = OutputDir,
    workers: int | None = typer.Option(
        None, "--workers", "-w", min=1, help="Processes to spread documents over (default 1). With --engine ray: "
        "the CPUs of the local Ray, or on a cluster the actors (default: one per CPU of the cluster).",
    ),
    segmenter: str | None = typer.Option(
        None, help="pkuseg model folder, official pkuseg model name, or 'char' (default: the shipped model)."
    ),
    export: bool = typer.Option(
        True, help="Also export the Hugging Face dataset into OUTPUT/dataset (--engine ray: its rows as Parquet shards)."
    ),
    force: bool = typer.Option(False, help="Redo every stage even if its inputs are unchanged."),
    pause_after: int | None = typer.Option(
        None, min=0, help="Stop after this many more documents, keeping the checkpoint (exit 3); run again to go on."
    ),
    recursive: bool = Recursive,
    model: str | None = typer.Option(
        None, "--model", help="Entity model folder for prelabel, or 'shipped' (default: the newest one "
        "`corpusprep learn` kept under OUTPUT/models/, else the shipped model).",
    ),
    engine: Engine = typer.Option(
        Engine.local, "--engine", help="local: this machine's processes; ray: Ray Data, here or on a cluster "
        "(needs the ray extra), writing shards under OUTPUT/shards/.",
    ),
    address: str | None = typer.Option(
        None, "--address", envvar="RAY_ADDRESS", help="With --engine ray: the Ray cluster to run on (default: start "
        "Ray on this machine with --workers CPUs).",
    ),
) -> None:
    """Run the whole chain on a folder of raw articles, one JSONL artefact per stage.

    Writes ingested, normalized, repaired, segmented and prelabeled JSONL files, a
    skipped-files report, and (by default) the exported dataset.  Exit code 2 means
    some input files or documents were skipped (see OUTPUT/skipped.json), or that
    there was no readable article at all (nothing is then exported).  With --engine ray
    each stage's records are JSONL shards (OUTPUT/shards/<artefact>/) and the dataset's
    rows Parquet shards (OUTPUT/shards/dataset/<config>/<split>/).
    """
    if engine is Engine.ray:
        if pause_after is not None:
            raise ValueError("--pause-after is for the local engine: stop a Ray run (Ctrl-C) and start it again; "
                             "finished shards are kept")
        from pipeline.engines.ray_engine import run_on_ray

        raise typer.Exit(
            run_on_ray(
                input, output, workers=workers, address=address, segmenter=segmenter, model=model, export=export,
                force=force, recursive=recursive,
            )
        )
    from pipeline.run import run_chain

    raise typer.Exit(
        run_chain(
            input, output, workers=workers or 1, segmenter=segmenter, export=export, force=force,
            pause_after=pause_after, recursive=recursive, model=model,
        )
    )


SegmenterOption = typer.Option(
    None, "--segmenter", help="pkuseg model folder, official pkuseg model name, or 'char' (default: the shipped model)."
)


ModelOption = typer.Option(
    None, "--model", help="Entity model folder (`corpusprep learn` writes them), or 'shipped' (the default)."
)


def _ingest_command(input: Path = InputDir, output: Path = OutputFile, recursive: bool = Recursive) -> None:
    from pipeline.run import run_ingest

    raise typer.Exit(run_ingest(input, output, recursive=recursive))


def _stage_command(stage: Stage) -> Callable[..., None]:
    """The command that runs one stage of the table over a JSONL artefact (options as the stage takes them)."""

    def run_stage(input: Path, output: Path, **options: Any) -> None:
        from pipeline.run import run_stream_stage

        raise typer.Exit(run_stream_stage(input, output, stage.load(**options), stage.name))

    if "segmenter" in stage.options:

        def with_segmenter(input: Path = InputFile, output: Path = OutputFile, segmenter: str | None = SegmenterOption) -> None:
            run_stage(input, output, segmenter=segmenter)

        return with_segmenter

    if "model" in stage.options:

        def with_model(input: Path = InputFile, output: Path = OutputFile, model: str | None = ModelOption) -> None:
            run_stage(input, output, model=model)

        return with_model

    def plain(input: Path = InputFile, output: Path = OutputFile) -> None:
        run_stage(input, output)

    return plain


# One command per stage, named, described and ordered by the stage table (pipeline/stages/__init__.py).
for _stage in STAGES:
    app.command(_stage.name, help=_stage.summary)(_ingest_command if _stage.kind == "source" else _stage_command(_stage))


@app.command()
def show(
    input: Path = InputFile,
    output: Path | None = typer.Option(
        None, "--output", "-o",
        help="Index page to write (default: INPUT beside itself, X.jsonl -> X.html); the pages go in X_pages/ beside it.",
    ),
    per_page: int = typer.Option(50, "--per-page", min=1, help="Documents per page (every document gets a page)."),
) -> None:
    """Write review pages of pre-labelled documents: headline, meta, entities with values, quotes.

    Exit code 2 if some lines of INPUT are not records (they are left out and counted).
    """
    from pipeline.show import write_review

    written = write_review(input, output, per_page=per_page)
    typer.echo(
        f"wrote {written.documents} document(s) on {written.pages} page(s) of up to {per_page}: "
        f"open {written.index} (pages in {written.pages_dir})"
    )
    if written.bad_lines:
        typer.secho(f"{written.bad_lines} line(s) of {input} are not records: left out", fg="yellow", err=True)
        raise typer.Exit(2)


from typing import TYPE_CHECKING  # noqa: E402  (segmenter commands' own section)

if TYPE_CHECKING:
    from pipeline.segmenter.model import Segmenter
    from pipeline.train.segmenter import Evaluation



@segmenter_app.command("train")
def segmenter_train(
    train: Path = typer.Option(..., help="Space-segmented training corpus (one paragraph a line).", exists=True),
    dev: Path = typer.Option(..., help="Space-segmented dev corpus, scored after each iteration.", exists=True),
    out: Path = typer.Option(..., help="Folder to write the compact model into (other files there are kept)."),
    iterations: int = typer.Option(8, min=1, help="Training passes over the corpus."),
    feature_trim: int = typer.Option(0, min=0, help="Drop features seen at most this many times."),
    regularisation: float = typer.Option(1.0, min=0.0001, help="Sigma of the L2 prior (smaller = stronger)."),
    min_weight: float = typer.Option(0.0, min=0.0, help="Prune features whose weights are all below this."),
    quantise: str = typer.Option("int8", help="Stored weight type: int8, float16, float32 or float64."),
    keep_raw: Path | None = typer.Option(None, help="Also keep the unpruned pkuseg model folder here."),
    merge_min_count: int = typer.Option(
        0, min=0, help="Merge after the CRF the training words seen this often and never split (0: none)."
    ),
) -> None:
    """Train a pkuseg model with spacy_pkuseg.train, prune and quantise it, and score it on DEV."""
    from pipeline.train.segmenter import train_model

    evaluation = train_model(
        train, dev, out, iterations=iterations, feature_trim=feature_trim, regularisation=regularisation,
        min_weight=min_weight, quantisation=quantise, raw_dir=keep_raw, merge_min_count=merge_min_count,
    )
    _print_evaluation(evaluation)


@segmenter_app.command("compress")
def segmenter_compress(
    raw: Path = typer.Argument(..., help="A plain pkuseg model folder (features.msgpack, weights.npz).", exists=True),
    out: Path = typer.Option(..., help="Folder to write the compact model into."),
    min_weight: float = typer.Option(0.0, min=0.0, help="Prune features whose weights are all below this."),
    quantise: str = typer.Option("int8", help="Stored weight type: int8, float16, float32 or float64."),
    dev: Path | None = typer.Option(None, help="Score the compact model on this gold file.", exists=True),
) -> None:
    """Prune, quantise and compress a pkuseg model folder (to measure what each step costs)."""
    from pipeline.segmenter.compact import folder_size, record_scores
    from pipeline.train.segmenter import compress_model, evaluate_file

    model = compress_model(raw, out, min_weight=min_weight, quantisation=quantise)
    typer.echo(f"features {model.n_feature}  words {len(model.words)}  bytes {folder_size(out)}")
    if dev is not None:
        evaluation = evaluate_file(_load_segmenter(str(out)), dev)
        record_scores(out, evaluation.score)
        _print_evaluation(evaluation)


@segmenter_app.command("evaluate")
def segmenter_evaluate(
    gold: Path = typer.Argument(..., help="Gold file: words separated by spaces, a sentence a line.", exists=True),
    segmenter: str | None = SegmenterOption,
) -> None:
    """Segment the gold file's text and print word precision, recall and F1 (SIGHAN scoring)."""
    from pipeline.train.segmenter import evaluate_file

    _print_evaluation(evaluate_file(_load_segmenter(segmenter), gold))


def _load_segmenter(choice: str | None) -> Segmenter:
    """Load a segmenter; a missing or corrupt model is a one-paragraph error, not a traceback."""
    from pipeline.segmenter.model import SegmenterModelError, load_segmenter

    try:
        return load_segmenter(choice)
    except SegmenterModelError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None


def _print_evaluation(evaluation: Evaluation) -> None:
    score = evaluation.score
    typer.echo(f"words gold {score.gold}  predicted {score.predicted}  correct {score.correct}")
    typer.echo(
        f"chars/s {evaluation.chars_per_second:,.0f} wall, {evaluation.chars_per_cpu_second:,.0f} per CPU second "
        f"({evaluation.chars} chars in {evaluation.seconds:.2f} s)"
    )
    typer.echo(f"P {score.precision:.4f}")
    typer.echo(f"R {score.recall:.4f}")
    typer.echo(f"F1 {score.f1:.4f}")


@app.command()
def learn(
    reviewed: Path = typer.Option(Path("corpus/reviewed.jsonl"), "--reviewed", exists=True, dir_okay=False,
                                  help="Reviewed records (`corpusprep doccano pull`)."),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Model folder to write (default: the next version under REVIEWED's folder/models/, v001, v002...)."
    ),
    prelabeled: Path | None = typer.Option(
        None, "--prelabeled", help="The pushed pre-labels, to tell an unconfirmed document's edits apart "
        "(default: prelabeled.jsonl beside REVIEWED; without it unconfirmed documents are left out).",
    ),
    base: Path | None = typer.Option(None, "--base", help="Model to train further (default: the shipped model)."),
    rehearsal_data: Path = typer.Option(
        Path("../shared/data/pd1998/train.jsonl"), "--rehearsal-data",
        help="The base model's training data (pd1998 JSONL) for rehearsal, used when present; otherwise "
        "pre-labelled documents nobody reviewed, tagged by the base model (pseudo-rehearsal).",
    ),
    keep_if_better: bool = typer.Option(
        True, "--keep-if-better/--no-keep-if-better",
        help="Write a new version only if it beats the model in use on the kept-back reviews (new weights only if they beat the weights in use with the same lists).",
    ),
    epochs: int | None = typer.Option(None, min=1, help="Passes over the reviews and rehearsal sample (default 4)."),
    learn_rate: float | None = typer.Option(None, min=0.0, help="Adam's learning rate (default 0.0005)."),
    held_out_share: float = typer.Option(0.25, min=0.0, max=0.9, help="Share of the confirmed documents kept back for scoring."),
) -> None:
    """Update the entity model with the reviewed documents, score it against the model in use, keep it if better.

    Confirmed documents are learnt whole; unconfirmed ones only where the reviewer changed the
    pre-labels. Names, quote cues and sources reviewers added join the rules' lists in the
    model's lexicon/ folder, each with the review it came from, and names they took away are never
    given again. The new weights are kept only if they beat the weights in use with the same lists;
    else the new version keeps the weights in use with the new lists (when those do no worse). It
    goes to a numbered folder with its card (MODEL_CARD.md, learning.json); `corpusprep run` then
    uses the newest one. Exit code 3 when nothing was better and nothing was written.
    """
    from dataclasses import replace

    from pipeline.core.jsonl import iter_json_lines
    from pipeline.learn import SHIPPED_MODEL, choose_model, learnt_models_dir, next_version_dir
    from pipeline.train.learn.card import score_rows
    from pipeline.train.learn.learn import learn_from_reviews
    from pipeline.train.learn.update import UpdateSettings

    corpus_dir = reviewed.parent
    prelabeled = prelabeled or corpus_dir / "prelabeled.jsonl"
    before = {str(r["id"]): r for _, r in iter_json_lines(prelabeled)} if prelabeled.is_file() else None
    records = [r for _, r in iter_json_lines(reviewed)]
    target = output or next_version_dir(learnt_models_dir(corpus_dir))
    settings = UpdateSettings()
    settings = replace(
        settings, epochs=settings.epochs if epochs is None else epochs,
        learn_rate=settings.learn_rate if learn_rate is None else learn_rate,
    )
    current = choose_model(None, corpus_dir)
    report = learn_from_reviews(
        records, before, base=base or SHIPPED_MODEL, current=current.path, output=target,
        rehearsal_data=rehearsal_data, settings=settings, held_out_share=held_out_share, keep_if_better=keep_if_better,
    )
    card = report.card
    typer.echo(f"learnt from {len(card['documents']['learnt_from'])} document(s) ({card['documents']['counts']}), "
               f"rehearsal {card['rehearsal']['kind']} ({card['rehearsal']['documents']} documents), {card['seconds']} s")
    if before is None:
        typer.echo(f"no {prelabeled}: unconfirmed documents left out (their edits cannot be told from the pre-labels)")
    from pipeline.core.schema import load_schema

    typer.echo("\n".join(score_rows(card["scores"]["before"], card["scores"]["after"], load_schema().entity_labels)))
    lexicon = card["lexicon"]
    typer.echo(f"rules' lexicon: {', '.join(f'{n} {kind}' for kind, n in lexicon['entries'].items())} "
               f"({len(lexicon['new'])} new, {len(lexicon['left_out'])} left out)")
    typer.echo(report.reason)
    if not report.kept:
        raise typer.Exit(3)
    typer.echo(f"wrote {report.output} (card: {report.output / 'MODEL_CARD.md'})")


@app.command()
def bench(
    data: Path = typer.Option(Path("../shared/data/pd1998"), help="pd1998 folder (train.jsonl, dev.jsonl).",
                              exists=True, file_okay=False),
    build: Path = typer.Option(Path("build/bench"), help="Folder for the workload and the artefacts."),
    output: Path = typer.Option(Path("corpus/bench.json"), "--output", "-o", help="JSON file for the figures."),
    scale: int = typer.Option(1, min=1, help="Repeat the corpus this many times (BENCH_SCALE)."),
    workers: int = typer.Option(2, min=1, help="Also measure the chain with this many workers."),
    segmenter: str | None = typer.Option(None, help="Segmenter for the stages and the chain (default: shipped)."),
    repeats: int = typer.Option(
        3, min=1, help="Run the one-worker chain this many times; its figures are the median run's (BENCH_REPEATS)."
    ),
) -> None:
    """Measure chars/s, docs/s and peak memory of every stage, the chain and baselines (jieba, spaCy char)."""
    from pipeline.eval.bench.harness import run_bench
    from pipeline.eval.bench.report import render, write_results

    counts = (1,) if workers == 1 else (1, workers)
    results = run_bench(
        data, build / f"scale-{scale}", scale=scale, workers=counts, segmenter=segmenter, repeats=repeats
    )
    write_results(results, output)
    render(results)
    typer.echo(f"wrote {output}")


@app.command()
def export(
    corpus: Path = typer.Option(
        Path("corpus"), "--corpus", "-c", help="Folder with prelabeled.jsonl (and reviewed.jsonl).", file_okay=False
    ),
    output: Path | None = typer.Option(None, "--output", "-o", help="Dataset folder (default: CORPUS/dataset)."),
    reviewed_only: bool = typer.Option(
        False, "--reviewed-only", help="Only documents a reviewer confirmed or edited (no machine labels)."
    ),
    reviewed_test_minimum: int | None = typer.Option(
        None,
        "--reviewed-test-minimum",
        min=0,
        help="Once this many reviewed documents hash into test, test holds reviewed documents only (default 20).",
    ),
) -> None:
    """Export the corpus as a Hugging Face dataset: Parquet per configuration and split, plus its card.

    Reviewed records (reviewed.jsonl) replace the pre-labelled ones; --reviewed-only
    leaves out every document nobody confirmed or edited.  Load the result with
    `datasets.load_dataset(FOLDER, "ner")` (or "documents", "quotes").
    """
    from pipeline.export import export_dataset
    from pipeline.export.build import ExportError

    try:
        minimum = {} if reviewed_test_minimum is None else {"reviewed_test_minimum": reviewed_test_minimum}
        folder = export_dataset(corpus, output or corpus / "dataset", reviewed_only=reviewed_only, **minimum)
    except (FileNotFoundError, ExportError) as error:
        typer.secho(str(error), fg="red", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"wrote {folder} (card: {folder / 'README.md'})")


@app.command()
def publish(
    repo_id: str = typer.Option(..., "--repo-id", help="Hub dataset repo, e.g. your-name/zh-news-quotes."),
    dataset: Path = typer.Option(Path("corpus/dataset"), "--dataset", "-d", help="Exported dataset folder."),
    private: bool = typer.Option(False, help="Create the repo as private."),
    timeout: float = typer.Option(10.0, min=0.1, help="Seconds to wait for the Hub to answer a connection."),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Check the card and files and list what would be uploaded; contact no Hub."
    ),
) -> None:
    """Push the exported dataset folder to the Hugging Face Hub (token: HF_TOKEN, else `hf auth login`'s).

    Without a token or network it says why, exits with code 1 and leaves the folder
    ready to upload.  The token is never printed.  --dry-run loads every configuration
    with `datasets.load_dataset` and lists the files with their sizes instead.
    """
    from pipeline.export.publish import NO_TOKEN_ADVICE, PublishError, publish_dataset
    from pipeline.export.publish import dry_run as check_without_upload

    try:
        if dry_run:
            checked = check_without_upload(dataset, repo_id)
        else:
            published = publish_dataset(dataset, repo_id, private=private, timeout=timeout)
    except PublishError as error:
        typer.secho(f"not published: {error}", fg="red", err=True)
        if error.folder_ready:
            typer.echo(
                f"{dataset} is unchanged and ready to upload; run this command again once that is fixed.", err=True
            )
        raise typer.Exit(1) from None
    if not dry_run:
        typer.echo(f"published {published.files} files to {published.url}")
        return
    total = sum(file.size for file in checked.files)
    typer.echo(f"dry run: would upload {len(checked.files)} files ({total:,} bytes) to dataset repo {checked.repo_id}:")
    for file in checked.files:
        typer.echo(f"  {file.size:>12,}  {file.path}")
    for config, splits in checked.rows.items():
        counts = ", ".join(f"{split} {rows:,}" for split, rows in splits.items())
        typer.echo(f"config {config}: card and files agree, load_dataset reads {counts} rows")
    typer.echo(f"token: {checked.token.source}" if checked.token else f"token: none found ({NO_TOKEN_ADVICE})")
    typer.echo("nothing was uploaded")


ReviewProject = typer.Option("corpusprep", "--project", "-p", help="doccano project name.")


@doccano_app.command("up")
def doccano_up(
    home: Path | None = typer.Option(None, help="Data folder (default: DOCCANO_HOME or .doccano/)."),
    port: int | None = typer.Option(None, help="Port on 127.0.0.1 (default: DOCCANO_PORT or 8000)."),
) -> None:
    """Start a local doccano (web server + task worker) on 127.0.0.1; prints the URL and where the password is."""
    from pipeline.review import commands, settings

    raise typer.Exit(commands.up(home or settings.doccano_home(), port or settings.doccano_port()))


@doccano_app.command("down")
def doccano_down(
    home: Path | None = typer.Option(None, help="Data folder (default: DOCCANO_HOME or .doccano/)."),
) -> None:
    """Stop the local doccano started by `up` (by the PIDs it recorded)."""
    from pipeline.review import commands, settings

    raise typer.Exit(commands.down(home or settings.doccano_home()))


class PushOrder(str, Enum):
    """The order ``doccano push`` uploads documents in (see pipeline/learn/uncertainty.py)."""

    input = "input"
    uncertain = "uncertain"


@doccano_app.command("push")
def doccano_push(
    input: Path = typer.Option(Path("corpus/prelabeled.jsonl"), "--input", "-i", exists=True, dir_okay=False,
                               help="Pre-labelled JSONL records."),
    project: str = ReviewProject,
    order: PushOrder = typer.Option(
        PushOrder.input, "--order", case_sensitive=False,
        help="Upload order, which doccano keeps: 'input' (as in INPUT) or 'uncertain' (the documents the entity "
        "model is least sure of first: lowest mean margin between its two likeliest tags per character).",
    ),
    model: str | None = typer.Option(
        None, "--model", help="With --order uncertain: the entity model that judges (default: the newest learnt "
        "model under INPUT's folder/models/, else the shipped one; 'shipped' for that one).",
    ),
    double_review: int = typer.Option(
        0, "--double-review", min=0, metavar="N",
        help="Put a sample of N documents (drawn by a seeded hash of their ids) into a second project with "
        "individual annotations, where every --reviewer annotates each one alone, from the bare text; the rest "
        "go to --project as usual. Documents already in that project stay in the sample.",
    ),
    reviewers: list[str] = typer.Option(
        [], "--reviewer", metavar="NAME",
        help="With --double-review: a doccano user who annotates the sample (give two or more; each becomes an "
        "annotator of the double-review project; create users on doccano's admin page first).",
    ),
    seed: int = typer.Option(0, "--seed", help="With --double-review: the seed of the sample draw."),
    double_project: str | None = typer.Option(
        None, "--double-project", help="With --double-review: its project's name (default: PROJECT-double)."
    ),
) -> None:
    """Upload pre-labels for review; a re-push refreshes only documents no reviewer touched.

    With --order uncertain the documents the model is least sure of come first in doccano, so each
    review teaches `corpusprep learn` the most. Documents already on the server keep their place.
    With --double-review N a sample is reviewed twice, independently: measure it with
    `corpusprep doccano agreement`, settle it with `corpusprep doccano adjudicate`.
    """
    from pipeline.review import commands

    if reviewers and not double_review:
        typer.secho("--reviewer is for a double-review sample: add --double-review N", fg="red", err=True)
        raise typer.Exit(1)
    raise typer.Exit(commands.push(input, project, order.value, model, double_review, reviewers, seed, double_project))


@doccano_app.command("pull")
def doccano_pull(
    input: Path = typer.Option(Path("corpus/prelabeled.jsonl"), "--input", "-i", exists=True, dir_okay=False,
                               help="The pre-labelled records that were pushed."),
    output: Path = typer.Option(Path("corpus/reviewed.jsonl"), "--output", "-o", help="Reviewed JSONL to write."),
    project: str = ReviewProject,
    confirmed_only: bool = typer.Option(False, help="Only documents a reviewer confirmed."),
    force: bool = typer.Option(
        False, "--force", help="Write even if the result holds fewer reviewed documents than OUTPUT (a backup is kept)."
    ),
) -> None:
    """Download the reviews and merge them into reviewed.jsonl (newer review wins; the old file is backed up).

    Exits 1 without writing when no document in the project matches --input.
    """
    from pipeline.review import commands

    raise typer.Exit(commands.pull(input, output, project, confirmed_only, force))


DoubleProject = typer.Option(
    "corpusprep-double", "--project", "-p", help="The double-review project (`push --double-review`'s)."
)


@doccano_app.command("agreement")
def doccano_agreement(
    project: str = DoubleProject,
    output: Path = typer.Option(Path("corpus/agreement.json"), "--output", "-o",
                                help="JSON report to write (`corpusprep export` quotes it in the dataset card)."),
    examples: int = typer.Option(3, "--examples", min=0, help="Examples kept per kind of disagreement."),
) -> None:
    """How far the reviewers of the double-review sample agree, per label, and where they differ most.

    Over the documents both of a pair confirmed: span F1 between them, exact (same characters
    and label) and by overlap (same label, a character shared), and Cohen's kappa on character
    tags; for entities, quote roles (SPEAKER, CUE, CONTENT) and links (SPEAKER_OF, CUE_OF; F1
    only). Then the label pairs and span types they disagree on most, with examples, for the
    guidelines. Prints the tables and writes OUTPUT.
    """
    from pipeline.review import commands

    raise typer.Exit(commands.agreement(project, output, examples))


@doccano_app.command("adjudicate")
def doccano_adjudicate(
    project: str = DoubleProject,
    review_list: Path = typer.Option(Path("corpus/adjudication.jsonl"), "--list", "-l",
                                     help="The review list of disagreements to write."),
    decisions: Path | None = typer.Option(
        None, "--decisions", "-d", exists=True, dir_okay=False,
        help="A review list with decisions filled in: take them into --output instead of writing a list.",
    ),
    by: str | None = typer.Option(None, "--by", help="With --decisions: who decided (the adjudicator)."),
    input: Path = typer.Option(Path("corpus/prelabeled.jsonl"), "--input", "-i", dir_okay=False,
                               help="With --decisions: the pre-labelled records that were pushed."),
    output: Path = typer.Option(Path("corpus/reviewed.jsonl"), "--output", "-o",
                                help="With --decisions: the reviewed JSONL to merge into."),
    force: bool = typer.Option(
        False, "--force", help="Write even if the result holds fewer reviewed documents than OUTPUT (a backup is kept)."
    ),
) -> None:
    """Settle where the double reviewers differ: write the review list, then take the decisions in.

    Without --decisions: writes LIST (JSONL), for every document two or more reviewers confirmed,
    a line with what they all marked and one line per disagreement (document, span or link, who
    said what), with "decision": null. Decisions already made in an earlier LIST are kept. Fill
    each decision with a reviewer's name (take theirs), "none", or a list of spans or links.

    With --decisions FILE --by NAME: every fully decided document goes into OUTPUT with review
    state "adjudicated" and by [NAME], merged as pull merges (newer review wins, an adjudicated one
    outranks a single reviewer's; the old file is kept as a dated backup).
    """
    from pipeline.review import commands

    if decisions is None:
        raise typer.Exit(commands.adjudication_list(project, review_list))
    if not by:
        typer.secho("--decisions needs --by NAME: who decided", fg="red", err=True)
        raise typer.Exit(1)
    if not input.is_file():
        typer.secho(f"{input} not found: pass --input with the pre-labelled records that were pushed", fg="red", err=True)
        raise typer.Exit(1)
    raise typer.Exit(commands.adjudicate(decisions, input, output, by, force))


@doccano_app.command("status")
def doccano_status(
    project: str | None = typer.Option(None, "--project", "-p", help="One project (default: all).")
) -> None:
    """Review progress per project: documents, confirmed, remaining."""
    from pipeline.review import commands

    raise typer.Exit(commands.status(project))


@app.command()
def schema(
    check: bool = typer.Option(False, "--check", help="Only check that GUIDELINES.md is up to date (exit 1 if not)."),
) -> None:
    """Regenerate the label table in annotation_schema/GUIDELINES.md from labels.yaml."""
    from pipeline.core.schema import GUIDELINES_FILE, guidelines_with_label_table, load_schema

    current = GUIDELINES_FILE.read_text(encoding="utf-8")
    updated = guidelines_with_label_table(current, load_schema())
    if check:
        if updated != current:
            typer.echo(f"{GUIDELINES_FILE} is out of date: run `corpusprep schema`", err=True)
            raise typer.Exit(1)
        typer.echo(f"{GUIDELINES_FILE} is up to date")
        return
    GUIDELINES_FILE.write_text(updated, encoding="utf-8")
    typer.echo(f"wrote the label table into {GUIDELINES_FILE}")
