"""What ``corpusprep run`` tells its user: progress as log lines when the output is not a
terminal, and a closing summary (documents in, written, skipped by reason, entities per
label, quotes, where things are, time taken)."""

from __future__ import annotations

import datetime
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console
from rich.progress import Progress

import pipeline.run as run
from pipeline.eval.synthetic import lay_out_article
from pipeline.run import (
    ProgressLog,
    RunSummary,
    progress_bar,
    progress_line,
    run_chain,
    skipped_reasons,
    summary_table,
)

REPO = Path(__file__).parent.parent


def rendered(summary: RunSummary) -> str:
    console = Console(record=True, width=200, file=io.StringIO())
    console.print(summary_table(summary))
    return console.export_text()


# --- progress without a terminal --------------------------------------------------------------


@pytest.mark.parametrize(
    ("description", "completed", "total", "seconds", "line"),
    [
        ("articles", 500, 2000, 41.0, "articles: 500/2,000 (25%), 41 s, 12.2/s"),
        ("segment → prelabel", 2000, 2000, 100.0, "segment → prelabel: 2,000/2,000 (100%), 100 s, 20.0/s"),
        ("prelabel", 1500, None, 60.0, "prelabel: 1,500 documents, 60 s, 25.0/s"),
        ("articles", 0, 10, 0.0, "articles: 0/10 (0%), 0 s"),  # no rate before anything is done
    ],
)
def test_progress_line(description: str, completed: int, total: int | None, seconds: float, line: str) -> None:
    assert progress_line(description, completed, total, seconds) == line


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(
    ("steps", "logged"),
    [
        # (documents advanced, seconds passed) per step -> the completed counts logged (the last at the end)
        ([(1, 1.0)] * 3, [3]),                     # few and fast: only the closing line
        ([(2, 1.0)] * 5, [4, 8, 10]),              # every 4 documents, then the end
        ([(1, 20.0)] * 3, [2, 3]),                 # every 30 s although few documents
        ([(4, 1.0), (0, 40.0)], [4, 4]),           # stalled: still a line every 30 s; none repeated at the end
        ([], []),                                  # nothing done: nothing said
    ],
)
def test_progress_log_says_every_n_documents_or_seconds(steps: list[tuple[int, float]], logged: list[int]) -> None:
    output, clock = Console(file=io.StringIO(), width=200), FakeClock()
    with ProgressLog(output, every=4, interval=30.0, clock=clock) as progress:
        task = progress.add_task("articles", total=10)
        for documents, seconds in steps:
            clock.now += seconds
            progress.advance(task, documents)
    lines = output.file.getvalue().splitlines()
    assert [int(line.split(": ")[1].split("/")[0]) for line in lines] == logged


def test_progress_log_continues_a_resumed_count() -> None:
    """The chain's display starts at the documents already done and is updated with absolute counts."""
    output, clock = Console(file=io.StringIO(), width=200), FakeClock()
    with ProgressLog(output, every=10, clock=clock) as progress:
        task = progress.add_task("segment → prelabel", total=100, completed=40)
        clock.now = 5.0
        progress.update(task, completed=55)
    assert output.file.getvalue().splitlines() == ["segment → prelabel: 55/100 (55%), 5 s, 11.0/s"]


@pytest.mark.parametrize(("terminal", "kind"), [(True, Progress), (False, ProgressLog)])
def test_a_bar_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch, terminal: bool, kind: type) -> None:
    monkeypatch.setattr(run, "console", Console(file=io.StringIO(), force_terminal=terminal))
    assert isinstance(progress_bar(), kind)


def test_the_command_logs_lines_when_its_output_is_a_pipe() -> None:
    """The real console, as `corpusprep run` gets it from a shell with its stderr redirected."""
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE")}
    env["PYTHONPATH"] = str(REPO)
    script = "from pipeline.run import progress_bar, ProgressLog; print(type(progress_bar()).__name__)"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
    assert result.stdout.strip() == "ProgressLog"


# --- the summary ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entries", "grouped"),
    [
        ([], []),
        (
            [{"file": "a.txt", "reason": "binary file", "stage": "ingest"},
             {"id": "d1", "stage": "prelabel", "reason": "ValueError: x"},
             {"file": "b.txt", "reason": "binary file", "stage": "ingest"}],
            [("ingest", "binary file", 2), ("prelabel", "ValueError: x", 1)],
        ),
        ([{"file": "old.txt", "reason": "empty"}], [("ingest", "empty", 1)]),  # older reports: no stage
        ([{"id": "d", "stage": "segment", "reason": "a\nlong   " + "x" * 200}], [("segment", "a long " + "x" * 82 + "…", 1)]),
    ],
)
def test_skipped_reasons_are_grouped(entries: list[dict], grouped: list[tuple[str, str, int]]) -> None:
    assert skipped_reasons(entries) == grouped


SUMMARY = RunSummary(
    articles=12, written=10, skipped=[("ingest", "binary file", 1), ("prelabel", "ValueError: x", 1)],
    entities={"PERSON": 30, "DATE": 12, "PERCENT": 2}, quotes=7, artefacts=Path("/data/corpus"),
    dataset=Path("/data/corpus/dataset"), seconds=754.2,
)


@pytest.mark.parametrize(
    ("summary", "lines"),
    [
        (SUMMARY, ["articles in 12", "documents written 10", "skipped 2 (see /data/corpus/skipped.json)",
                   "1 × ingest: binary file", "1 × prelabel: ValueError: x", "entities 44", "PERSON 30", "DATE 12",
                   "PERCENT 2", "quotes 7", "artefacts /data/corpus", "dataset /data/corpus/dataset", "time 12 min 34 s"]),
        (RunSummary(1, 1, [], {}, 0, Path("out"), None, 3.04),
         ["skipped 0", "entities 0", "quotes 0", "dataset not exported", "time 3.0 s"]),
        (RunSummary(1, 1, [], {}, 0, Path("out"), None, 3 * 3600 + 5 * 60 + 1), ["time 3 h 05 min"]),
    ],
)
def test_summary_table(summary: RunSummary, lines: list[str]) -> None:
    text = [" ".join(line.split()) for line in rendered(summary).splitlines()]
    for line in lines:
        assert line in text, (line, text)


# --- a whole run, without a terminal --------------------------------------------------------------


@pytest.fixture(scope="module")
def scans(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed fixture, two short articles laid out from its paragraphs, and a file that is not text."""
    fixtures = Path(__file__).parent / "fixtures"
    folder = tmp_path_factory.mktemp("scans")
    shutil.copy(fixtures / "seed_zzwb_20130428.txt", folder / "000_seed.txt")
    paragraphs = [line for line in (folder / "000_seed.txt").read_text(encoding="utf-8").splitlines()
                  if line.strip() and not line.startswith(("#", "□"))]
    for number in (1, 2):
        scan = lay_out_article(
            [paragraphs[number][:120]], headline="集聚产业 追梦中原", publication="郑州晚报",
            date=datetime.date(2013, 4, number), page=f"第{number}版", reporters=["王继兵"], columns=1, seed=number,
        )
        (folder / f"00{number}_article.txt").write_text(scan, encoding="utf-8")
    (folder / "003_broken.txt").write_bytes(b"\x00\x01\x02\xff\xfe" * 50)
    return folder


@pytest.mark.slow  # a whole chain (models loaded once): `make test`, not `make test-fast`
def test_a_run_without_a_terminal_logs_progress_and_ends_with_its_summary(
    scans: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    output = Console(file=io.StringIO(), width=200)  # a file: not a terminal
    monkeypatch.setattr(run, "console", output)
    monkeypatch.setattr(run, "LOG_EVERY_DOCUMENTS", 2)
    corpus = tmp_path / "corpus"
    assert run_chain(scans, corpus, segmenter="char", export=False) == run.EXIT_SKIPPED
    text = output.file.getvalue()
    lines = [" ".join(line.split()) for line in text.splitlines()]
    progress = [line.split(",")[0] for line in lines if line.startswith("articles: ")]
    assert progress == ["articles: 2/4 (50%)", "articles: 4/4 (100%)"]
    entities, quotes = run.count_labels(corpus / "prelabeled.jsonl")
    assert entities["PERSON"] and quotes  # the seed has named people and quotes
    expected = ["articles in 4", "documents written 3", f"skipped 1 (see {corpus / 'skipped.json'})",
                "1 × ingest: binary file (control byte 0x00 at offset 0)", f"entities {sum(entities.values())}",
                f"PERSON {entities['PERSON']}", f"quotes {quotes}", f"artefacts {corpus}", "dataset not exported"]
    for line in expected:
        assert line in lines, (line, text)
    assert any(line.startswith("time ") for line in lines)
    assert "\x1b[" not in text  # no terminal control codes in a log

    output.file.truncate(0)
    output.file.seek(0)
    assert run_chain(scans, corpus, segmenter="char", export=False) == run.EXIT_SKIPPED  # up to date
    again = [" ".join(line.split()) for line in output.file.getvalue().splitlines()]
    assert "documents written 3" in again and f"quotes {quotes}" in again
