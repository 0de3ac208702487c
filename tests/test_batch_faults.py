"""No document stops a batch: long texts are segmented in pieces, a document a stage fails on is left out
(and listed) while the others come out unchanged, whatever the workers; a failed write leaves the
complete artefacts alone and a re-run finishes the job."""

from __future__ import annotations

import datetime
import errno
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

import pipeline.run
import pipeline.stages.repair
from pipeline.cli import app
from pipeline.core.record import Document
from pipeline.core.text import text_pieces
from pipeline.eval.synthetic import lay_out_article
from pipeline.run import EXIT_PAUSED, EXIT_SKIPPED, MANIFEST, SKIPPED_REPORT, STAGE_FILES, run_chain
from pipeline.segmenter.model import load_segmenter

pytestmark = pytest.mark.slow  # whole chains run to failure and back: `make test`, not `make test-fast`

SEGMENTER = "char"
FAILING_ID = "003_article"
OPTIONS = dict(segmenter=SEGMENTER, export=False)


@pytest.fixture(scope="module")
def articles(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed and seven articles laid out from its paragraphs."""
    fixtures = Path(__file__).parent / "fixtures"
    folder = tmp_path_factory.mktemp("scans")
    shutil.copy(fixtures / "seed_zzwb_20130428.txt", folder / "000_seed.txt")
    text = (fixtures / "seed_zzwb_20130428.txt").read_text(encoding="utf-8")
    paragraphs = [line for line in text.splitlines() if line.strip() and not line.startswith(("#", "□"))]
    for number in range(1, 8):
        body = [paragraphs[(number + k) % len(paragraphs)][: 120 + 30 * number] for k in range(2)]
        scan = lay_out_article(
            body, headline="集聚产业 追梦中原", publication="郑州晚报", date=datetime.date(2013, 4, number),
            page=f"第{number}版", reporters=["王继兵"], columns=1 + number % 2, seed=number,
        )
        (folder / f"{number:03d}_article.txt").write_text(scan, encoding="utf-8")
    return folder


def artefacts(output: Path) -> dict[str, bytes]:
    return {name: (output / name).read_bytes() for name in STAGE_FILES.values()}


def without(content: bytes, doc_id: str) -> bytes:
    """An artefact without the line of ``doc_id``."""
    lines = content.splitlines(keepends=True)
    kept = [line for line in lines if json.loads(line)["id"] != doc_id]
    assert len(kept) == len(lines) - 1
    return b"".join(kept)


@pytest.fixture(scope="module")
def reference(articles: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """Artefacts of a run in which nothing fails."""
    output = tmp_path_factory.mktemp("reference")
    assert run_chain(articles, output, **OPTIONS) == 0
    return artefacts(output)


def fail_on(monkeypatch: pytest.MonkeyPatch, module: object, entry: str, doc_id: str) -> None:
    """Make a stage's document function raise on one document (the stage loads it by name, so this is what runs)."""
    original = getattr(module, entry)

    def failing(doc: Document) -> Document:
        if doc.id == doc_id:
            raise ValueError(f"injected failure on {doc.id}\nsecond line of the message")
        return original(doc)

    monkeypatch.setattr(module, entry, failing)


# --- long texts -------------------------------------------------------------------------------


@given(st.text(alphabet="文字\n ", max_size=60), st.integers(min_value=1, max_value=12))
def test_pieces_cover_the_text_within_the_limit(text: str, limit: int) -> None:
    pieces = text_pieces(text, limit)
    assert "".join(piece for _, piece in pieces) == text
    assert [offset for offset, _ in pieces] == [sum(len(p) for _, p in pieces[:n]) for n in range(len(pieces))]
    assert all(len(piece) <= limit for _, piece in pieces)
    for (offset, piece), _ in zip(pieces, pieces[1:]):  # every cut but the last is after a line break if one is in reach
        assert piece.endswith("\n") or "\n" not in text[offset : offset + limit]


@pytest.mark.parametrize("segmenter", [SEGMENTER, None], ids=["char", "shipped-pkuseg"])
@pytest.mark.parametrize("slack", [1, 333, 2000])
def test_text_over_the_length_limit_gets_the_words_of_the_whole(fixtures: Path, segmenter: str | None, slack: int) -> None:
    """Pieces cut at line breaks (the limit is above the longest line) give the whole text's words."""
    text = (fixtures / "seed_zzwb_20130428.txt").read_text(encoding="utf-8") * 3
    limit = max(len(line) + 1 for line in text.splitlines()) + slack
    model = load_segmenter(segmenter)
    whole = next(model.segment_documents([Document(id="long", text=text)]))
    model.nlp.max_length = limit
    pieced = next(model.segment_documents([Document(id="long", text=text)]))
    assert len(text) > limit and pieced.tokens == whole.tokens and pieced.text == text


# --- a document a stage fails on --------------------------------------------------------------


@pytest.mark.parametrize("chunk_size", [1, 3, 16])
@pytest.mark.parametrize(("module", "entry", "stage"), [
    (pipeline.stages.repair, "repair_document", "repair"),
    ("pipeline.stages.normalize", "normalize_document", "normalize"),
])
def test_failing_document_is_left_out_and_the_others_are_unchanged(
    articles: Path, reference: dict[str, bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    module: object, entry: str, stage: str, chunk_size: int,
) -> None:
    module = __import__(module, fromlist=["_"]) if isinstance(module, str) else module
    fail_on(monkeypatch, module, entry, FAILING_ID)
    assert run_chain(articles, tmp_path, chunk_size=chunk_size, **OPTIONS) == EXIT_SKIPPED
    later = list(STAGE_FILES)[list(STAGE_FILES).index(stage):]
    expected = {
        name: without(content, FAILING_ID) if stage_name in later else content
        for (stage_name, name), content in zip(STAGE_FILES.items(), reference.values())
    }
    assert artefacts(tmp_path) == expected
    report = json.loads((tmp_path / SKIPPED_REPORT).read_text(encoding="utf-8"))
    assert report == {
        "skipped": [{"id": FAILING_ID, "stage": stage, "reason": f"ValueError: injected failure on {FAILING_ID}"}],
        "count": 1,
    }
    manifest = json.loads((tmp_path / MANIFEST).read_text(encoding="utf-8"))
    assert [manifest["stages"][name]["documents"] for name in STAGE_FILES] == [
        8 - (name in later) for name in STAGE_FILES
    ]
    assert run_chain(articles, tmp_path, **OPTIONS) == EXIT_SKIPPED  # up to date: still reported


def test_paused_run_with_a_failure_resumes_to_the_same_output(
    articles: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fail_on(monkeypatch, pipeline.stages.repair, "repair_document", FAILING_ID)
    straight = tmp_path / "straight"
    assert run_chain(articles, straight, chunk_size=2, **OPTIONS) == EXIT_SKIPPED
    paused = tmp_path / "paused"
    assert run_chain(articles, paused, chunk_size=2, pause_after=5, **OPTIONS) == EXIT_PAUSED
    assert run_chain(articles, paused, chunk_size=2, **OPTIONS) == EXIT_SKIPPED
    assert artefacts(paused) == artefacts(straight)
    assert (paused / SKIPPED_REPORT).read_bytes() == (straight / SKIPPED_REPORT).read_bytes()


LAUNCHER = textwrap.dedent(
    """
    # Runs `corpusprep` with the repair stage failing on one document. Worker processes are
    # spawned, and spawn imports this main script in each of them: the patch holds there too.
    import os

    import pipeline.stages.repair as repair

    original = repair.repair_document


    def failing(doc):
        if doc.id == os.environ["FAIL_ON"]:
            raise ValueError(f"injected failure on {doc.id}")
        return original(doc)


    repair.repair_document = failing

    if __name__ == "__main__":
        from pipeline.cli import app

        app()
    """
)


def test_failure_in_a_worker_process_gives_the_same_output(
    articles: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fail_on(monkeypatch, pipeline.stages.repair, "repair_document", FAILING_ID)
    in_process = tmp_path / "one"
    assert run_chain(articles, in_process, chunk_size=3, **OPTIONS) == EXIT_SKIPPED
    launcher = tmp_path / "launch.py"
    launcher.write_text(LAUNCHER, encoding="utf-8")
    workers = tmp_path / "two"
    command = [sys.executable, str(launcher), "run", "-i", str(articles), "-o", str(workers),
               "--workers", "2", "--segmenter", SEGMENTER, "--no-export"]
    result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "FAIL_ON": FAILING_ID}, timeout=300)
    assert result.returncode == EXIT_SKIPPED, result.stderr
    assert f"skipped document {FAILING_ID}: the repair stage failed: ValueError: injected failure" in result.stderr
    assert "Traceback" not in result.stderr
    assert artefacts(workers) == artefacts(in_process)
    assert (workers / SKIPPED_REPORT).read_bytes() == (in_process / SKIPPED_REPORT).read_bytes()


# --- a write that fails -----------------------------------------------------------------------


class FullDisk:
    """A file handle whose writes fail with ENOSPC once ``lines`` lines have been written."""

    def __init__(self, handle, lines: int) -> None:
        self.handle, self.left = handle, lines

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def write(self, text: str) -> int:
        if self.left <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.left -= text.count("\n")
        return self.handle.write(text)

    def __getattr__(self, name: str):
        return getattr(self.handle, name)


def fill_disk_while_writing(monkeypatch: pytest.MonkeyPatch, artefact: str, lines: int) -> None:
    """The chain's appends to ``artefact``'s partial file fail after ``lines`` lines."""
    real_open = open

    def open_with_full_disk(path, mode="r", *args, **kwargs):
        handle = real_open(path, mode, *args, **kwargs)
        if "a" in mode and Path(path).name == artefact + pipeline.run.PARTIAL_SUFFIX:
            return FullDisk(handle, lines)
        return handle

    monkeypatch.setattr(pipeline.run, "open", open_with_full_disk, raising=False)


@pytest.mark.parametrize("lines", [0, 4])
@pytest.mark.parametrize("earlier_run", [False, True], ids=["fresh", "over-a-complete-run"])
def test_full_disk_is_one_line_and_a_rerun_completes(
    articles: Path, reference: dict[str, bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    lines: int, earlier_run: bool,
) -> None:
    if earlier_run:
        assert run_chain(articles, tmp_path, **OPTIONS) == 0
    before = {path.name: path.read_bytes() for path in tmp_path.iterdir() if path.is_file()}
    fill_disk_while_writing(monkeypatch, STAGE_FILES["segment"], lines)
    command = ["run", "-i", str(articles), "-o", str(tmp_path), "--segmenter", SEGMENTER, "--no-export", "--force"]
    result = CliRunner().invoke(app, command)
    assert result.exit_code == 1
    message = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert message == [
        f"error: cannot write {tmp_path / (STAGE_FILES['segment'] + '.partial')}: No space left on device: "
        "free space (or fix the permissions) and run again; complete artefacts are untouched and finished documents are kept"
    ]
    assert "Traceback" not in result.output
    assert {name: (tmp_path / name).read_bytes() for name in before} == before
    monkeypatch.undo()
    assert run_chain(articles, tmp_path, **OPTIONS) == 0
    assert artefacts(tmp_path) == reference
