"""One measurement per fresh process, so peak memory and CPU time belong to it alone.

The parent starts ``python -m pipeline.eval.bench.measure KIND ...`` and reaps it with
``os.wait4``, whose resource usage covers that child and the workers it waited
for, and nothing else.  The child times its own work (after loading its models)
and prints one JSON line.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from pipeline.core.jsonl import atomic_writer, iter_json_lines, read_documents
from pipeline.core.record import Document

EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt)\b.*")


def _cpu_seconds(who: int = resource.RUSAGE_SELF) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


class Clock:
    """Wall and CPU time of the work after ``start()`` (the models are loaded before it)."""

    def __init__(self) -> None:
        self.created = time.perf_counter()
        self.started = self.created
        self.cpu_started = _cpu_seconds()

    def start(self) -> None:
        self.started = time.perf_counter()
        self.cpu_started = _cpu_seconds()

    def figures(self, documents: int, characters: int) -> dict[str, Any]:
        return {
            "documents": documents,
            "characters": characters,
            "load_seconds": self.started - self.created,
            "seconds": time.perf_counter() - self.started,
            "cpu_seconds": _cpu_seconds() - self.cpu_started,
        }


def measure_stage(name: str, source: Path, output: Path, segmenter: str | None) -> dict[str, Any]:
    """Run one stage over an artefact (ingest: over the scans folder), writing its artefact."""
    from pipeline.run import stage_lines_in_zones

    clock = Clock()
    if name == "ingest":
        from pipeline.stages.ingest import IngestError, list_sources, read_source

        def documents() -> Iterator[Document]:
            for path in list_sources(source):
                try:
                    yield from read_source(path)
                except IngestError:
                    continue

        inputs, stage = documents(), (lambda docs: docs)
    else:
        from pipeline.run import load_stage

        inputs, stage = read_documents(source), load_stage(name, segmenter=segmenter)
    counted = _Counter(inputs)
    clock.start()
    with atomic_writer(output) as handle:
        for line in stage_lines_in_zones(stage, counted):  # as `corpusprep <stage>` and the chain run it
            handle.write(line)
    return clock.figures(counted.documents, counted.characters)


class _Counter:
    """Count documents and characters as a stage pulls them."""

    def __init__(self, documents: Iterable[Document]) -> None:
        self.documents_in, self.documents, self.characters = documents, 0, 0

    def __iter__(self) -> Iterator[Document]:
        for doc in self.documents_in:
            self.documents += 1
            self.characters += len(doc.text)
            yield doc


def measure_chain(scans: Path, output: Path, workers: int, segmenter: str | None) -> dict[str, Any]:
    """The whole chain as ``corpusprep run --force --no-export`` runs it, model loading included."""
    from pipeline.run import run_chain
    from pipeline.stages.ingest import list_sources

    raw_characters = sum(len(path.read_text(encoding="utf-8")) for path in list_sources(scans))
    clock = Clock()
    code = run_chain(scans, output, workers=workers, segmenter=segmenter, export=False, force=True)
    seconds, cpu_seconds = time.perf_counter() - clock.started, _cpu_seconds() - clock.cpu_started
    # Counted on the text the NLP stages saw, like the baselines (raw scans also hold layout spaces).
    documents = characters = 0
    for _, obj in iter_json_lines(output / "prelabeled.jsonl"):
        documents += 1
        characters += len(obj["text"])
    figures = clock.figures(documents, characters)
    figures.update(seconds=seconds, cpu_seconds=cpu_seconds, raw_characters=raw_characters, exit_code=code)
    figures["cpu_seconds"] += _cpu_seconds(resource.RUSAGE_CHILDREN)
    figures["workers"] = workers
    figures["worker_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return figures


class DescendantSampler:
    """CPU time and memory of this process's descendants, read from ``/proc`` every ``interval`` seconds.

    Ray's raylet lets the kernel reap its workers (SIGCHLD ignored), so their CPU time never
    reaches this process's RUSAGE_CHILDREN: it is read here while they run instead.  Each
    process counts with the last figures seen, so one that ends between two readings loses
    at most ``interval`` seconds of its CPU time; the actors live to the end of the run.
    """

    def __init__(self, interval: float = 0.5) -> None:
        self.interval, self.tick = interval, os.sysconf("SC_CLK_TCK")
        self.cpu: dict[tuple[int, int], float] = {}  # (pid, start time) -> CPU seconds
        self.names: dict[tuple[int, int], str] = {}  # (pid, start time) -> the process's name (ray::IDLE, raylet...)
        self.peak_rss_mb = 0.0  # the largest single descendant
        self.peak_total_rss_mb = 0.0  # all descendants together
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> DescendantSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def cpu_seconds(self) -> float:
        return sum(self.cpu.values())

    def cpu_by_name(self) -> dict[str, float]:
        """CPU seconds per process name, most first: where Ray's time went besides the actors."""
        totals: dict[str, float] = {}
        for key, seconds in self.cpu.items():
            totals[self.names[key]] = totals.get(self.names[key], 0.0) + seconds
        return dict(sorted(totals.items(), key=lambda item: -item[1]))

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def sample(self) -> None:
        table: dict[int, list[str]] = {}
        names: dict[int, str] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with contextlib.suppress(OSError, IndexError, ValueError):
                    head, tail = (entry / "stat").read_text().rsplit(")", 1)
                    table[int(entry.name)], names[int(entry.name)] = tail.split(), head.split("(", 1)[1]
        children: dict[int, list[int]] = {}
        for pid, fields in table.items():
            children.setdefault(int(fields[1]), []).append(pid)
        todo, total = list(children.get(os.getpid(), [])), 0.0
        while todo:
            pid = todo.pop()
            todo += children.get(pid, [])
            fields = table[pid]
            self.cpu[(pid, int(fields[19]))] = (int(fields[11]) + int(fields[12])) / self.tick
            self.names[(pid, int(fields[19]))] = names[pid]
            rss = int(fields[21]) * resource.getpagesize() / 2**20
            self.peak_rss_mb, total = max(self.peak_rss_mb, rss), total + rss
        self.peak_total_rss_mb = max(self.peak_total_rss_mb, total)


def measure_ray(scans: Path, output: Path, cpus: int, segmenter: str | None) -> dict[str, Any]:
    """The chain on a local Ray with ``cpus`` CPUs, as ``corpusprep run --engine ray --force --no-export`` runs it,
    Ray's start and stop and model loading included.

    CPU time: this process's and that of every process it started (Ray's daemons, workers and
    actors), read by :class:`DescendantSampler`; ``peak_rss_mb`` is then the largest of them.
    """
    from pipeline.engines.ray_engine import run_on_ray
    from pipeline.engines.shards import DONE_DIR, SHARDS_DIR
    from pipeline.stages import STAGE_NAMES

    clock = Clock()
    with DescendantSampler() as sampler:
        code = run_on_ray(scans, output, workers=cpus, segmenter=segmenter, export=False, force=True)
        seconds = time.perf_counter() - clock.started
    markers = [json.loads(path.read_text(encoding="utf-8")) for path in (output / SHARDS_DIR / DONE_DIR).glob("*.json")]
    figures = clock.figures(sum(m["lines"][STAGE_NAMES[-1]] for m in markers), sum(m["characters"] for m in markers))
    figures.update(seconds=seconds, exit_code=code, cpus=cpus, shards=len(markers))
    figures["cpu_seconds"] += sampler.cpu_seconds
    figures["processes"] = len(sampler.cpu)
    figures["cpu_seconds_by_process"] = {"corpusprep (driver)": _cpu_seconds() - clock.cpu_started, **sampler.cpu_by_name()}
    figures["descendant_peak_rss_mb"] = sampler.peak_rss_mb
    figures["descendants_total_peak_rss_mb"] = sampler.peak_total_rss_mb
    actors = [m["actor"] for m in markers]
    figures["actor_loaded_rss_mb"] = max((a["loaded_rss_mb"] or 0 for a in actors), default=None)
    figures["actor_peak_rss_mb"] = max((a["peak_rss_mb"] for a in actors), default=None)
    return figures


def _texts(source: Path) -> Iterator[str]:
    for _, obj in iter_json_lines(source):
        yield obj["text"]


def baseline_runner(name: str) -> Callable[[Iterable[str]], Iterator[Any]]:
    """A baseline, loaded (dictionaries read, pipeline built) before it is timed."""
    if name == "jieba-cut":
        import jieba

        jieba.setLogLevel(60)
        jieba.initialize()
        return lambda texts: (list(jieba.cut(text)) for text in texts)
    if name == "jieba-posseg":
        import jieba
        import jieba.posseg

        jieba.setLogLevel(60)
        jieba.initialize()
        return lambda texts: (list(jieba.posseg.cut(text)) for text in texts)
    if name == "spacy-char":
        import spacy

        nlp = spacy.blank("zh")  # the char segmenter is spaCy's default for Chinese
        return lambda texts: nlp.pipe(texts)
    raise ValueError(f"unknown baseline {name!r}")


def measure_baseline(name: str, source: Path) -> dict[str, Any]:
    clock = Clock()
    runner = baseline_runner(name)
    documents = characters = 0

    def counted() -> Iterator[str]:
        nonlocal documents, characters
        for text in _texts(source):
            documents += 1
            characters += len(text)
            yield text

    clock.start()
    for _ in runner(counted()):
        pass
    return clock.figures(documents, characters)


def main(argv: list[str]) -> int:
    kind, *args = argv
    if kind == "stage":
        name, source, output, segmenter = args
        figures = measure_stage(name, Path(source), Path(output), segmenter or None)
    elif kind == "chain":
        scans, output, workers, segmenter = args
        figures = measure_chain(Path(scans), Path(output), int(workers), segmenter or None)
    elif kind == "ray":
        scans, output, cpus, segmenter = args
        figures = measure_ray(Path(scans), Path(output), int(cpus), segmenter or None)
    elif kind == "baseline":
        name, source = args
        figures = measure_baseline(name, Path(source))
    else:
        raise SystemExit(f"unknown measurement {kind!r}")
    figures["self_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(figures), flush=True)
    return 0


def run_measurement(*args: str, log: Path | None = None) -> dict[str, Any]:
    """Start a fresh process for one measurement; its figures plus its own peak RSS and CPU time.

    ``peak_rss_mb`` comes from ``os.wait4`` for that process (it includes the workers
    it reaped); a failing measurement gives ``{"error": ...}`` with the end of its log.
    """
    load_before = os.getloadavg()
    with open(log or os.devnull, "w", encoding="utf-8") as errors:
        process = subprocess.Popen(
            [sys.executable, "-m", "pipeline.eval.bench.measure", *args],
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        )
        assert process.stdout is not None
        output = process.stdout.read()
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
    result: dict[str, Any] = {"load_average_before": load_before, "load_average_after": os.getloadavg()}
    lines = [line for line in output.splitlines() if line.startswith("{")]
    if process.returncode != 0 or not lines:
        result["error"] = _reason(log) or f"exit code {process.returncode}"
        return result
    result.update(json.loads(lines[-1]))
    # A measurement whose processes are not all reaped by it (Ray's) reads their peak itself.
    result["peak_rss_mb"] = max(usage.ru_maxrss / 1024, result.get("descendant_peak_rss_mb", 0))
    result["process_cpu_seconds"] = usage.ru_utime + usage.ru_stime
    return result


def _reason(log: Path | None) -> str | None:
    """The first exception message in a failed measurement's log (the cause, not its echoes)."""
    if log is None or not log.exists():
        return None
    for line in log.read_text(encoding="utf-8").splitlines():
        if EXCEPTION_LINE.match(line):
            return line.strip()
    return None


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
