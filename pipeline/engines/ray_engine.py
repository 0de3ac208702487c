"""``corpusprep run --engine ray``: the chain on Ray Data, on this machine or on a cluster.

The driver lists the input folder as a local run does (what is not read is reported the
same way); the article files still to do (:func:`pipeline.engines.shards.prepare`) become a
Ray dataset, and one ``map_batches`` runs each stage group of :mod:`pipeline.engines.shards`:
reading and the stages without models as tasks, the model stages in a pool of actors (a
callable class: each actor loads the models once and keeps them).  The actors write the
shards; the driver receives one small row per shard, reports what failed and, at the end,
reads the markers for ``skipped.json`` and the summary.

Locally Ray is started with ``--workers`` CPUs and stopped after the run.  With ``--address``
(or ``RAY_ADDRESS``) the run joins that cluster, with ``--workers`` actors (default: one per
CPU of the cluster); input and output folders must then be at the same path on every node
(a shared file system), and every node needs this package installed.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pipeline.core.paths import PACKAGE_DIR
from pipeline.engines.shards import (
    SHARD_DOCUMENTS,
    ShardLabeller,
    WorkerError,
    finish,
    prepare,
    read_and_clean,
    report_failures,
    run_plan,
    source_rows,
    stage_groups,
)
from pipeline.learn import choose_model
from pipeline.run import CHUNK_SIZE, console, no_article_error, progress_bar, report_not_read

RAY_MISSING = "the Ray engine needs Ray: pip install 'corpusprep[ray]' (in this project: make setup-ray)"


class RayUnavailable(RuntimeError):
    """Ray is not installed; the message says how to install it."""


def import_ray() -> Any:
    try:
        import ray
        import ray.data  # noqa: F401 - the extra's data library, checked here rather than mid-run
    except ImportError as error:
        raise RayUnavailable(f"{RAY_MISSING} ({error})") from None
    return ray


def worker_environment() -> dict[str, Any]:
    """The runtime environment of a local Ray's workers: they import this very package, wherever it lies."""
    paths = [str(PACKAGE_DIR.parent), *filter(None, [os.environ.get("PYTHONPATH")])]
    return {"env_vars": {"PYTHONPATH": os.pathsep.join(paths)}}


@contextmanager
def local_ray(cpus: int, **runtime_env: Any) -> Iterator[None]:
    """Ray on this machine with ``cpus`` CPUs, no dashboard, worker logs kept out of the terminal and its files in a
    temporary folder under /tmp (short: Ray's socket paths must be); stopped and removed afterwards."""
    ray = import_ray()
    temp = tempfile.mkdtemp(prefix="corpusprep-ray-", dir="/tmp")
    try:
        ray.init(
            num_cpus=cpus, include_dashboard=False, log_to_driver=False, _temp_dir=temp,
            logging_level=logging.WARNING, runtime_env={**worker_environment(), **runtime_env},
        )
        yield
    finally:
        ray.shutdown()
        shutil.rmtree(temp, ignore_errors=True)


@contextmanager
def ray_session(address: str | None, cpus: int) -> Iterator[None]:
    """A Ray to run on: one already started in this process (kept running), the cluster at ``address`` or
    ``RAY_ADDRESS``, or a local one with ``cpus`` CPUs."""
    ray = import_ray()
    if ray.is_initialized():
        yield
        return
    address = address or os.environ.get("RAY_ADDRESS")
    if not address:
        with local_ray(cpus):
            yield
        return
    ray.init(address=address, log_to_driver=False, logging_level=logging.WARNING)
    try:
        yield
    finally:
        ray.shutdown()


def _lists(batch: dict[str, Any]) -> dict[str, list[Any]]:
    """A Ray batch (columns as numpy arrays) as plain lists of Python values."""
    return {key: values.tolist() if hasattr(values, "tolist") else list(values) for key, values in batch.items()}


def _read_and_clean(batch: dict[str, Any], **options: Any) -> dict[str, list[Any]]:
    return read_and_clean(_lists(batch), **options)


class _Labeller(ShardLabeller):
    """:class:`ShardLabeller` taking Ray's batches."""

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:  # type: ignore[override]
        return super().__call__(_lists(batch))


def run_on_ray(
    input_dir: Path,
    output_dir: Path,
    *,
    workers: int | None = None,
    address: str | None = None,
    segmenter: str | None = None,
    model: str | None = None,
    export: bool = True,
    force: bool = False,
    recursive: bool = False,
    shard_documents: int = SHARD_DOCUMENTS,
) -> int:
    """Run every article through every stage on Ray, writing shards (see :mod:`pipeline.engines.shards`).

    ``workers``: CPUs of a local Ray (default 1); on a cluster, the number of actors
    (default: the cluster's CPUs).  Returns 0, or 2 when files or documents were skipped
    (``skipped.json``) or nothing got through.
    """
    from pipeline.stages.ingest import survey_folder

    ray = import_ray()
    started = time.monotonic()
    survey = survey_folder(input_dir, recursive=recursive)
    if not survey.sources:
        report_not_read(survey)
        return no_article_error(survey, recursive)
    output_dir.mkdir(parents=True, exist_ok=True)
    choice = choose_model(model, output_dir)  # by default the newest model `learn` kept for this corpus
    model = None if choice.shipped else str(choice.path)
    plan = run_plan(segmenter, model, export)
    not_read = report_not_read(survey)
    sources = source_rows(input_dir, survey.sources)
    state = prepare(output_dir, plan, sources, force=force)
    if state.markers:
        done = len(sources) - len(state.pending)
        console.print(f"[cyan]resuming[/cyan]: {done} document(s) in {len(state.markers)} shard(s) already done")
    if state.pending:
        with ray_session(address, workers or 1):
            actors = workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
            for row in _shard_rows(ray, state.pending, input_dir, output_dir, plan, segmenter, model, actors, shard_documents):
                if row["error"]:
                    raise WorkerError(row["error"])
                report_failures(json.loads(row["failures"]))
    else:
        console.print("[green]up to date[/green]: every document is in a finished shard")
    return finish(input_dir, output_dir, sources, not_read, export=export, seconds=time.monotonic() - started)


def _shard_rows(
    ray: Any, pending: list[dict[str, Any]], input_dir: Path, output_dir: Path, plan: dict[str, Any],
    segmenter: str | None, model: str | None, actors: int, shard_documents: int,
) -> Iterator[dict[str, Any]]:
    """The pending files through both stage groups on Ray; one row per shard written, as they come."""
    logging.getLogger("ray.data").setLevel(logging.ERROR)  # its advice on tuning and its progress, not for a run's user
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False  # the run draws its own
    clean, labelled = stage_groups()
    places = {"input_dir": os.path.abspath(input_dir), "output_dir": os.path.abspath(output_dir)}
    actors = min(actors, -(-len(pending) // shard_documents))  # no more actors than shards
    blocks = -(-len(pending) // CHUNK_SIZE)
    dataset = ray.data.from_items(pending, override_num_blocks=blocks).map_batches(
        _read_and_clean, batch_size=CHUNK_SIZE, fn_kwargs={**places, "stages": clean},
    ).map_batches(
        _Labeller, batch_size=shard_documents, compute=ray.data.ActorPoolStrategy(size=actors),
        fn_constructor_kwargs={"output_dir": places["output_dir"], "stages": labelled, "segmenter": segmenter,
                               "model": model, "plan": plan},
    )
    with progress_bar() as progress:
        task = progress.add_task(f"ray ({actors} actor(s)): " + " → ".join(("ingest", *clean, *labelled)), total=len(pending))
        for row in dataset.iter_rows():
            yield row
            progress.advance(task, row["documents"])
