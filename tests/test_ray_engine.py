"""The Ray engine gives the local run's records: 200 benchmark articles through both, the same records
(sorted by id) and dataset rows; a second run redoes nothing, a run cut off redoes only the unfinished
shard; a document a stage fails on and an unreadable file are reported and listed as a local run does, and a
model that does not load stops the run with the local run's one line.

One Ray (2 CPUs, no dashboard, files under /tmp) serves the whole module. Its workers get a setup hook
that makes the repair stage raise on one document id, which only the bad-document test's input holds
(the local run gets the same failure through monkeypatch, as in test_batch_faults).
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("ray")

import ray.cloudpickle  # noqa: E402 - only once Ray is known to be there

import pipeline.stages.repair  # noqa: E402
from pipeline.cli import one_line_error  # noqa: E402
from pipeline.core.record import Document  # noqa: E402
from pipeline.engines.ray_engine import local_ray, run_on_ray  # noqa: E402
from pipeline.engines.shards import DATASET_DIR, DONE_DIR, SHARDS_DIR, WorkerError, stage_dir  # noqa: E402
from pipeline.eval.bench.workload import build_workload  # noqa: E402
from pipeline.run import EXIT_SKIPPED, SKIPPED_REPORT, STAGE_FILES, run_chain  # noqa: E402
from pipeline.stages import STAGE_NAMES  # noqa: E402

pytestmark = [pytest.mark.ray, pytest.mark.slow]  # a Ray and whole chains: `make test`, not `make test-fast`

FIXTURES = Path(__file__).parent / "fixtures"
FAILING_ID = "zz_fails_in_repair"
CPUS = 2
SHARD = 64  # documents: four shards of the 200 articles, two for each actor


def failing_repair(original: Any) -> Any:
    """``repair_document`` raising on ``FAILING_ID``'s document only."""

    def failing(doc: Document) -> Document:
        if doc.id == FAILING_ID:
            raise ValueError(f"injected failure on {doc.id}")
        return original(doc)

    return failing


def _fail_in_repair() -> None:
    """Setup hook of every Ray worker of this module (runs before any stage is loaded)."""
    import pipeline.stages.repair as repair

    repair.repair_document = failing_repair(repair.repair_document)


@pytest.fixture(scope="module")
def ray_cpus() -> Any:
    ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the hook goes to the workers by value
    with local_ray(CPUS, worker_process_setup_hook=_fail_in_repair):
        yield CPUS


@pytest.fixture(scope="module")
def bench_articles(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """200 articles of the benchmark's workload: the test excerpt of pd1998 (20 articles) typeset as `make bench`
    typesets pd1998, ten times in different layouts (BENCH_SCALE=10): the same 200 files on every run."""
    workload = build_workload(FIXTURES / "pd1998_excerpt", tmp_path_factory.mktemp("bench"), scale=10)
    assert workload.articles == 200
    return workload.scans


def local_records(output: Path, stage: str) -> list[str]:
    lines = (output / STAGE_FILES[stage]).read_text(encoding="utf-8").splitlines(keepends=True)
    return sorted(lines, key=lambda line: json.loads(line)["id"])


def shard_records(output: Path, stage: str) -> list[str]:
    lines = [line for path in (output / SHARDS_DIR / stage_dir(stage)).glob("*.jsonl")
             for line in path.read_text(encoding="utf-8").splitlines(keepends=True)]
    return sorted(lines, key=lambda line: json.loads(line)["id"])


def local_rows(dataset: Path, config: str, split: str) -> list[dict[str, Any]]:
    import pyarrow.parquet as pq

    files = sorted((dataset / config).glob(f"{split}-*.parquet"))
    return sorted((row for path in files for row in pq.read_table(path).to_pylist()), key=lambda row: row["id"])


def shard_rows(output: Path, config: str, split: str) -> list[dict[str, Any]]:
    import pyarrow.parquet as pq

    files = sorted((output / SHARDS_DIR / DATASET_DIR / config / split).glob("*.parquet"))
    return sorted((row for path in files for row in pq.read_table(path).to_pylist()), key=lambda row: row["id"])


def shard_files(output: Path) -> dict[Path, int]:
    """Every file the shards consist of, with its modification time."""
    return {path: path.stat().st_mtime_ns for path in (output / SHARDS_DIR).rglob("*")
            if path.is_file() and path.parent.name != SHARDS_DIR}


@pytest.fixture(scope="module")
def both_runs(bench_articles: Path, ray_cpus: int, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    local = tmp_path_factory.mktemp("local")
    assert run_chain(bench_articles, local, workers=1) == 0
    on_ray = tmp_path_factory.mktemp("ray")
    assert run_on_ray(bench_articles, on_ray, workers=ray_cpus, shard_documents=SHARD) == 0
    return local, on_ray


@pytest.mark.parametrize("stage", STAGE_NAMES)
def test_ray_writes_the_records_of_a_local_run(both_runs: tuple[Path, Path], stage: str) -> None:
    local, on_ray = both_runs
    expected = local_records(local, stage)
    assert len(expected) == 200
    assert shard_records(on_ray, stage) == expected


@pytest.mark.parametrize("config", ["documents", "ner", "quotes"])
@pytest.mark.parametrize("split", ["train", "validation", "test"])
def test_ray_writes_the_rows_of_a_local_export(both_runs: tuple[Path, Path], config: str, split: str) -> None:
    local, on_ray = both_runs
    expected = local_rows(local / "dataset", config, split)
    assert shard_rows(on_ray, config, split) == expected
    assert expected or (config, split) == ("quotes", "test")  # every split of 200 articles has rows, quotes aside


def test_a_second_run_redoes_nothing(
    both_runs: tuple[Path, Path], bench_articles: Path, ray_cpus: int, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    _, on_ray = both_runs
    again = tmp_path / "again"
    shutil.copytree(on_ray, again)  # copy2: the files keep their times
    before = shard_files(again)
    assert run_on_ray(bench_articles, again, workers=ray_cpus, shard_documents=SHARD) == 0
    assert "up to date" in capsys.readouterr().err
    assert shard_files(again) == before


def test_a_run_cut_off_redoes_only_the_unfinished_shard(
    both_runs: tuple[Path, Path], bench_articles: Path, ray_cpus: int, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    _, on_ray = both_runs
    cut = tmp_path / "cut"
    shutil.copytree(on_ray, cut)
    markers = sorted((cut / SHARDS_DIR / DONE_DIR).glob("*.json"))
    assert len(markers) > 1
    unfinished = markers[0]
    documents = len(json.loads(unfinished.read_text(encoding="utf-8"))["documents"])
    unfinished.unlink()  # as if the run had stopped before this shard's marker was written
    (cut / SHARDS_DIR / stage_dir("prelabel") / f"{unfinished.stem}.jsonl").unlink()
    kept = {path: stamp for path, stamp in shard_files(cut).items() if unfinished.stem not in path.name}
    capsys.readouterr()
    assert run_on_ray(bench_articles, cut, workers=ray_cpus, shard_documents=SHARD) == 0
    assert f"resuming: {200 - documents} document(s) in {len(markers) - 1} shard(s) already done" in capsys.readouterr().err
    after = shard_files(cut)
    assert {path: after[path] for path in kept} == kept  # the finished shards were not touched
    assert (cut / SHARDS_DIR / DONE_DIR / unfinished.name).exists()
    for stage in STAGE_NAMES:
        assert shard_records(cut, stage) == shard_records(on_ray, stage)


@pytest.fixture
def articles_with_faults(bench_articles: Path, tmp_path: Path) -> Path:
    """Twenty benchmark articles, a copy of one named FAILING_ID (repair fails on it) and a binary file."""
    folder = tmp_path / "faults"
    folder.mkdir()
    for path in sorted(bench_articles.glob("*.txt"))[:20]:
        shutil.copy2(path, folder / path.name)
    shutil.copy2(sorted(bench_articles.glob("*.txt"))[0], folder / f"{FAILING_ID}.txt")
    (folder / "000_binary.txt").write_bytes(b"\x00\x01binary\x00" * 10)
    return folder


def test_a_failing_document_is_reported_and_left_out_as_in_a_local_run(
    articles_with_faults: Path, ray_cpus: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with monkeypatch.context() as patch:
        patch.setattr(pipeline.stages.repair, "repair_document", failing_repair(pipeline.stages.repair.repair_document))
        assert run_chain(articles_with_faults, tmp_path / "local", workers=1) == EXIT_SKIPPED
    local_said = capsys.readouterr().err
    assert run_on_ray(articles_with_faults, tmp_path / "ray", workers=ray_cpus) == EXIT_SKIPPED
    ray_said = capsys.readouterr().err

    def skipped_lines(said: str) -> list[str]:  # one a document or file (the summary's "skipped" row aside)
        return [line for line in said.splitlines() if line.startswith(("skipped document ", f"skipped {articles_with_faults}"))]

    assert skipped_lines(ray_said) == skipped_lines(local_said)
    assert f"skipped document {FAILING_ID}: the repair stage failed: ValueError: injected failure" in ray_said
    assert len(skipped_lines(ray_said)) == 2  # the document, and the binary file
    report = (tmp_path / "ray" / SKIPPED_REPORT).read_bytes()
    assert report == (tmp_path / "local" / SKIPPED_REPORT).read_bytes()
    assert (tmp_path / "ray" / "quarantine" / "000_binary.txt").read_bytes() == (articles_with_faults / "000_binary.txt").read_bytes()
    for stage in STAGE_NAMES:
        assert shard_records(tmp_path / "ray", stage) == local_records(tmp_path / "local", stage)
    assert FAILING_ID in {json.loads(line)["id"] for line in shard_records(tmp_path / "ray", "normalize")}
    assert FAILING_ID not in {json.loads(line)["id"] for line in shard_records(tmp_path / "ray", "repair")}


def test_a_model_that_does_not_load_stops_the_run_in_one_line(
    articles_with_faults: Path, ray_cpus: int, tmp_path: Path
) -> None:
    with pytest.raises(WorkerError) as stopped:
        run_on_ray(articles_with_faults, tmp_path / "ray", workers=ray_cpus, segmenter=str(tmp_path / "no-model"))
    assert str(stopped.value).startswith(f"SegmenterModelError: pkuseg model {tmp_path / 'no-model'}: no such folder.")
    assert "\n" not in one_line_error(stopped.value)
    assert not list((tmp_path / "ray" / SHARDS_DIR).glob(f"{DONE_DIR}/*.json"))
