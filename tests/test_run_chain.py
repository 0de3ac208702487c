"""The whole chain: output independent of workers, resumed runs equal uninterrupted ones, skipping.

Articles are typeset from the seed fixture's paragraphs with ``pipeline.eval.synthetic``
(several layouts, one or two columns), so the chain sees OCR-like scans.  The
segmenter is spaCy's char segmenter, which needs no trained model.
"""

from __future__ import annotations

import datetime
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.eval.synthetic import lay_out_article
from pipeline.run import (
    CHECKPOINT,
    EXIT_PAUSED,
    EXIT_SKIPPED,
    MANIFEST,
    PARTIAL_SUFFIX,
    QUARANTINE_DIR,
    SKIPPED_REPORT,
    STAGE_FILES,
    run_chain,
)

pytestmark = pytest.mark.slow  # whole chains: `make test`, not `make test-fast`

ARTICLES = 10
SEGMENTER = "char"


def seed_paragraphs(fixtures: Path) -> list[str]:
    text = (fixtures / "seed_zzwb_20130428.txt").read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.startswith(("#", "□"))]


@pytest.fixture(scope="module")
def articles(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of scans: the seed itself plus articles laid out from its paragraphs."""
    fixtures = Path(__file__).parent / "fixtures"
    folder = tmp_path_factory.mktemp("scans")
    shutil.copy(fixtures / "seed_zzwb_20130428.txt", folder / "000_seed.txt")
    paragraphs = seed_paragraphs(fixtures)
    for number in range(1, ARTICLES):
        body = [paragraphs[(number + k) % len(paragraphs)][: 150 + 40 * number] for k in range(2)]
        scan = lay_out_article(
            body,
            headline="集聚产业 追梦中原",
            publication="郑州晚报",
            date=datetime.date(2013, 4, number),
            page=f"第{number}版",
            reporters=["王继兵"],
            columns=1 + number % 2,
            seed=number,
        )
        (folder / f"{number:03d}_article.txt").write_text(scan, encoding="utf-8")
    return folder


def artefacts(output: Path) -> dict[str, bytes]:
    return {name: (output / name).read_bytes() for name in STAGE_FILES.values()}


def uninterrupted(articles: Path, output: Path, segmenter: str | None = SEGMENTER) -> dict[str, bytes]:
    """The artefacts of one uninterrupted run with one worker, made just now.

    Made in each test rather than once, so that every comparison is between runs of
    the same code.
    """
    assert run_chain(articles, output, segmenter=segmenter, export=False, chunk_size=3) == 0
    return artefacts(output)


def test_every_article_reaches_every_artefact(articles: Path, tmp_path: Path) -> None:
    for name, content in uninterrupted(articles, tmp_path).items():
        assert content.count(b"\n") == ARTICLES, name


@pytest.mark.parametrize(
    ("workers", "chunk_size", "segmenter"),
    [(2, 1, SEGMENTER), (2, 3, SEGMENTER), (1, 1, SEGMENTER), (2, 2, None)],  # None: the shipped pkuseg model
)
def test_output_does_not_depend_on_workers_or_chunks(
    articles: Path, tmp_path: Path, workers: int, chunk_size: int, segmenter: str | None
) -> None:
    code = run_chain(articles, tmp_path, workers=workers, segmenter=segmenter, export=False, chunk_size=chunk_size)
    assert code == 0
    assert artefacts(tmp_path) == uninterrupted(articles, tmp_path / "reference", segmenter)


@pytest.mark.parametrize(("pause_after", "workers"), [(0, 1), (4, 2), (9, 1)])
def test_paused_run_resumes_to_the_uninterrupted_output(
    articles: Path, tmp_path: Path, pause_after: int, workers: int
) -> None:
    options = dict(workers=workers, segmenter=SEGMENTER, export=False, chunk_size=2)
    assert run_chain(articles, tmp_path, pause_after=pause_after, **options) == EXIT_PAUSED
    prelabeled = STAGE_FILES["prelabel"]
    assert not (tmp_path / prelabeled).exists()
    partial = (tmp_path / (prelabeled + PARTIAL_SUFFIX)).read_bytes()
    assert partial.count(b"\n") == pause_after
    assert run_chain(articles, tmp_path, **options) == 0
    assert artefacts(tmp_path) == uninterrupted(articles, tmp_path / "reference")
    assert not list(tmp_path.glob("*" + PARTIAL_SUFFIX)) and not (tmp_path / CHECKPOINT).exists()


def test_torn_last_line_is_redone(articles: Path, tmp_path: Path) -> None:
    """A write cut off mid-line (a crash) leaves half a record: resuming drops it and redoes that document."""
    options = dict(segmenter=SEGMENTER, export=False, chunk_size=2)
    assert run_chain(articles, tmp_path, pause_after=5, **options) == EXIT_PAUSED
    segmented = tmp_path / (STAGE_FILES["segment"] + PARTIAL_SUFFIX)
    lines = segmented.read_bytes().splitlines(keepends=True)
    segmented.write_bytes(b"".join(lines[:3]) + lines[3][: len(lines[3]) // 2])
    assert run_chain(articles, tmp_path, **options) == 0
    assert artefacts(tmp_path) == uninterrupted(articles, tmp_path / "reference")


@pytest.fixture(scope="module")
def many_articles(articles: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough scans for several chunks, so a run can be caught between its first and last chunk."""
    folder = tmp_path_factory.mktemp("many-scans")
    sources = sorted(articles.glob("*.txt"))
    for copy in range(6):
        for source in sources:
            shutil.copy(source, folder / f"{copy}_{source.name}")
    return folder


def test_killed_run_resumes_to_the_uninterrupted_output(
    many_articles: Path, tmp_path: Path
) -> None:
    """Kill a real ``corpusprep run`` once it has written some documents, then run it again."""
    articles = many_articles
    command = [
        sys.executable, "-c", "from pipeline.cli import app; app()", "run", "--input", str(articles), "--output", str(tmp_path),
        "--segmenter", SEGMENTER, "--no-export",
    ]
    partial = tmp_path / (STAGE_FILES["prelabel"] + PARTIAL_SUFFIX)
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while process.poll() is None and time.monotonic() < deadline:
        if partial.exists() and partial.read_bytes().count(b"\n") >= 1:
            os.kill(process.pid, signal.SIGKILL)
            break
        time.sleep(0.005)
    process.wait()
    assert process.returncode == -signal.SIGKILL, "the run ended before it could be interrupted"
    assert not (tmp_path / STAGE_FILES["prelabel"]).exists()
    assert run_chain(articles, tmp_path, segmenter=SEGMENTER, export=False) == 0
    assert artefacts(tmp_path) == uninterrupted(articles, tmp_path / "reference")


def _mtimes(output: Path) -> dict[str, int]:
    return {name: (output / name).stat().st_mtime_ns for name in STAGE_FILES.values()}


def test_unchanged_inputs_skip_every_stage(articles: Path, tmp_path: Path) -> None:
    options = dict(segmenter=SEGMENTER, export=False)
    assert run_chain(articles, tmp_path, **options) == 0
    before = _mtimes(tmp_path)
    assert run_chain(articles, tmp_path, **options) == 0
    assert _mtimes(tmp_path) == before
    assert run_chain(articles, tmp_path, force=True, **options) == 0
    assert all(after > before[name] for name, after in _mtimes(tmp_path).items())


def test_changed_input_is_redone(articles: Path, tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    shutil.copytree(articles, inputs)
    output, fresh = tmp_path / "out", tmp_path / "fresh"
    options = dict(segmenter=SEGMENTER, export=False)
    assert run_chain(inputs, output, **options) == 0
    changed = inputs / "001_article.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n市委书记吴天君出席会议。\n", encoding="utf-8")
    assert run_chain(inputs, output, **options) == 0
    assert "吴天君出席会议".encode() in (output / STAGE_FILES["prelabel"]).read_bytes()
    assert run_chain(inputs, fresh, **options) == 0
    assert artefacts(output) == artefacts(fresh)


def test_edited_artefact_makes_later_stages_redo(articles: Path, tmp_path: Path) -> None:
    """An artefact changed by hand no longer matches the manifest: it and what follows are redone."""
    options = dict(segmenter=SEGMENTER, export=False)
    assert run_chain(articles, tmp_path, **options) == 0
    expected = artefacts(tmp_path)
    before = _mtimes(tmp_path)
    repaired = tmp_path / STAGE_FILES["repair"]
    repaired.write_bytes(repaired.read_bytes())  # same bytes, new mtime: the stage cannot trust it
    assert run_chain(articles, tmp_path, **options) == 0
    after = _mtimes(tmp_path)
    assert after[STAGE_FILES["normalize"]] == before[STAGE_FILES["normalize"]]
    assert after[STAGE_FILES["prelabel"]] > before[STAGE_FILES["prelabel"]]
    assert artefacts(tmp_path) == expected
    assert (tmp_path / MANIFEST).exists()


def test_unreadable_file_is_skipped_on_every_run(articles: Path, tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    shutil.copytree(articles, inputs)
    (inputs / "005_broken.txt").write_bytes(b"\x00\x01\x02\xff\xfe" * 200)
    output = tmp_path / "out"
    options = dict(segmenter=SEGMENTER, export=False)
    for _ in range(2):  # the second run skips every stage but still reports the file
        assert run_chain(inputs, output, **options) == EXIT_SKIPPED
        assert (output / QUARANTINE_DIR / "005_broken.txt").exists()
        assert '"count": 1' in (output / SKIPPED_REPORT).read_text(encoding="utf-8")
    assert (output / STAGE_FILES["prelabel"]).read_bytes().count(b"\n") == ARTICLES
