"""The benchmark's parts on small inputs: workload, one measurement, ratios, report.

Speed is never asserted; what is checked is that the figures are counted right and
that the report says where they came from.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.console import Console

from pipeline.eval.bench.harness import median_run, summarise
from pipeline.eval.bench.measure import _reason, run_measurement
from pipeline.eval.bench.report import machine_info, ner_variants, render
from pipeline.eval.bench.workload import SAMPLE_EVERY, build_workload, reporters_of
from pipeline.eval.synthetic import articles_from_pd1998


@pytest.fixture
def pd1998(fixtures: Path) -> Path:
    return fixtures / "pd1998_excerpt"


def _article_count(folder: Path) -> int:
    return sum(1 for name in ("train.jsonl", "dev.jsonl") for _ in articles_from_pd1998(folder / name))


@pytest.mark.parametrize("scale", [1, 2])
def test_workload_writes_one_scan_per_article_and_scale(pd1998: Path, tmp_path: Path, scale: int) -> None:
    workload = build_workload(pd1998, tmp_path, scale)
    scans = sorted(workload.scans.glob("*.txt"))
    assert workload.articles == len(scans) == _article_count(pd1998) * scale
    assert workload.characters == sum(len(path.read_text(encoding="utf-8")) for path in scans)
    sample = sorted(workload.sample.glob("*.txt"))
    assert workload.sample_articles == len(sample) == -(-workload.articles // SAMPLE_EVERY)
    assert {path.name for path in sample} <= {path.name for path in scans}


def test_scaled_workload_repeats_text_in_new_layouts(pd1998: Path, tmp_path: Path) -> None:
    workload = build_workload(pd1998, tmp_path, 2)
    first, second = (workload.scans.glob(f"*-{rep:02d}.txt") for rep in (0, 1))
    pairs = list(zip(sorted(first), sorted(second)))
    assert pairs and any(a.read_text(encoding="utf-8") != b.read_text(encoding="utf-8") for a, b in pairs)


def test_unchanged_workload_is_reused(pd1998: Path, tmp_path: Path) -> None:
    build_workload(pd1998, tmp_path, 1)
    stamps = {path: path.stat().st_mtime_ns for path in (tmp_path / "scans").glob("*.txt")}
    build_workload(pd1998, tmp_path, 1)
    assert {path: path.stat().st_mtime_ns for path in (tmp_path / "scans").glob("*.txt")} == stamps


@pytest.mark.parametrize(
    ("paragraphs", "reporters"),
    [
        (["（新华社记者戴浩摄）"], ["戴浩"]),
        (["本报记者 张三、李四报道"], ["张三"]),
        (["本报讯 今天下午召开会议。"], []),
    ],
)
def test_reporters_come_from_the_article(paragraphs: list[str], reporters: list[str]) -> None:
    assert reporters_of(paragraphs) == reporters


def test_one_measurement_counts_its_input(tmp_path: Path) -> None:
    texts = ["中共中央总书记江泽民发表新年讲话。", "１２月３１日，北京。"]
    source = tmp_path / "texts.jsonl"
    source.write_text("".join(json.dumps({"id": str(i), "text": t}) + "\n" for i, t in enumerate(texts)), "utf-8")
    figures = run_measurement("baseline", "spacy-char", str(source))
    assert figures["documents"] == 2
    assert figures["characters"] == sum(map(len, texts))
    assert figures["peak_rss_mb"] > 0 and figures["seconds"] >= 0
    assert len(figures["load_average_before"]) == 3


def test_failed_measurement_reports_its_reason(tmp_path: Path) -> None:
    figures = run_measurement("baseline", "no-such-baseline", str(tmp_path / "x.jsonl"), log=tmp_path / "log")
    assert figures["error"] == "ValueError: unknown baseline 'no-such-baseline'"


@pytest.mark.parametrize(
    ("log", "reason"),
    [
        ("Traceback (most recent call last):\n  File x\n    raise SegmenterModelError(\n"
         "pipeline.segmenter.model.SegmenterModelError: no model\n", "pipeline.segmenter.model.SegmenterModelError: no model"),
        ("progress\nRuntimeError: the prelabel stage is not available\nImportError: later echo\n",
         "RuntimeError: the prelabel stage is not available"),
        ("nothing went wrong here\n", None),
    ],
)
def test_reason_is_the_first_exception_line(tmp_path: Path, log: str, reason: str | None) -> None:
    path = tmp_path / "log"
    path.write_text(log, encoding="utf-8")
    assert _reason(path) == reason


def _figures(characters: int, seconds: float, rss: float) -> dict:
    return {
        "documents": 10, "characters": characters, "seconds": seconds, "cpu_seconds": seconds,
        "load_seconds": 0.0, "peak_rss_mb": rss, "chars_per_second": characters / seconds,
        "chars_per_cpu_second": characters / seconds, "docs_per_second": 10 / seconds,
        "load_average_after": [1.0, 1.0, 1.0],
    }


def test_summary_gives_ratios_speedup_and_memory_growth() -> None:
    stages = {"segment": _figures(100_000, 2.0, 300)}
    baselines = {"jieba-cut": _figures(100_000, 1.0, 90), "broken": {"error": "x"}}
    chain = {"workers=1": _figures(1_000_000, 40.0, 500), "workers=2": _figures(1_000_000, 25.0, 900),
             "sample": _figures(100_000, 5.0, 450)}
    summary = summarise(stages, baselines, chain, (1, 2))
    assert stages["segment"]["vs_baseline"] == {"jieba-cut": 0.5}
    assert summary["speedup_1_to_2"] == pytest.approx(1.6)
    assert summary["cpu_efficiency_1_to_2"] == pytest.approx(1.6)  # the figures give equal CPU and wall
    assert summary["memory_growth"]["characters_ratio"] == pytest.approx(10)
    assert summary["memory_growth"]["peak_rss_ratio"] == pytest.approx(500 / 450)
    assert summary["chain_chars_per_cpu_second"] == pytest.approx(25_000)


@pytest.mark.parametrize(
    ("ray", "expected"),
    [
        ({"ray cpus=1": _figures(1_000_000, 50.0, 500), "ray cpus=2": _figures(1_000_000, 50.0, 500)},
         {"ray_vs_workers_1": 0.8, "ray_vs_workers_2": 0.5}),
        ({"ray cpus=1": {"error": "the Ray engine needs Ray"}, "ray cpus=2": _figures(1_000_000, 20.0, 500)},
         {"ray_vs_workers_2": 1.25}),
        ({}, {}),
    ],
)
def test_summary_sets_ray_beside_as_many_workers(ray: dict, expected: dict) -> None:
    chain = {"workers=1": _figures(1_000_000, 40.0, 500), "workers=2": _figures(1_000_000, 25.0, 900), **ray}
    summary = summarise({}, {}, chain, (1, 2))
    assert {key: value for key, value in summary.items() if key.startswith("ray_")} == pytest.approx(expected)


def test_report_prints_ray_beside_the_workers() -> None:
    chain = {"workers=1": _figures(1_000_000, 40.0, 500), "ray cpus=1": {**_figures(1_000_000, 50.0, 500),
                                                                          "actor_peak_rss_mb": 505.0}}
    results = {"stages": {}, "baselines": {}, "chain": chain, "ner_variants": None,
               "machine": machine_info(), "machine_before": machine_info()}
    results["summary"] = summarise({}, {}, chain, (1,))
    console = Console(record=True, width=220)
    render(results, console)
    text = console.export_text()
    assert "chain ray cpus=1" in text
    assert "Ray engine, 1 CPU(s): chars per CPU-second vs --workers 1" in text
    assert "20,000 vs 25,000 (0.80×); an actor's peak RSS 505 MB" in text


@pytest.mark.parametrize(
    ("files", "expected_rows"),
    [
        ({"variants.json": json.dumps({"variants": [{"name": "char cnn", "chars/s": 21000, "F1": 0.81}]})}, 1),
        ({"MODEL_CARD.md": "# NER\n\n| variant | F1 | chars/s |\n|---|---|---|\n| a | 0.8 | 30,000 |\n"
                           "| b | 0.7 | 60,000 |\n\n| other | table |\n|---|---|\n| x | y |\n"}, 2),
        ({"MODEL_CARD.md": "| variant | dev ents_f | model chars/CPU-s |\n|---|---|---|\n| B | 0.844 | 31,023 |\n"}, 1),
        ({"MODEL_CARD.md": "# NER\n\n| label | F1 |\n|---|---|\n| PERSON | 0.9 |\n"}, 0),
        ({}, 0),
    ],
)
def test_ner_variants_come_only_from_the_model_folder(tmp_path: Path, files: dict, expected_rows: int) -> None:
    model_dir = tmp_path / "ner"
    model_dir.mkdir(parents=True)
    for name, text in files.items():
        (model_dir / name).write_text(text, encoding="utf-8")
    variants = ner_variants(model_dir)
    assert (len(variants["rows"]) if variants else 0) == expected_rows


def test_report_prints_figures_targets_and_unavailable_parts() -> None:
    results = {
        "stages": {"segment": _figures(100_000, 2.0, 300), "prelabel": {"error": "RuntimeError: not ready",
                                                                      "load_average_after": [1, 1, 1]}},
        "baselines": {"jieba-cut": _figures(100_000, 1.0, 90)},
        "chain": {"workers=1": _figures(1_000_000, 40.0, 500), "workers=2": _figures(1_000_000, 25.0, 600)},
        "ner_variants": {"source": "pipeline/models/ner/variants.json", "rows": [{"name": "cnn-64", "F1": 0.8}]},
        "machine": machine_info(),
        "machine_before": machine_info(),
    }
    results["summary"] = summarise(results["stages"], results["baselines"], results["chain"], (1, 2))
    console = Console(record=True, width=220)
    render(results, console)
    text = console.export_text()
    assert "stage segment" in text and "50,000" in text and "25,000" in text
    assert "prelabel unavailable" in text and "RuntimeError: not ready" in text
    assert "0.50×" in text
    assert "1.60×" in text and "3.20×" in text  # speed-up, and the bound two free cores would give
    assert "cnn-64" in text and "pipeline/models/ner/variants.json" in text


def _run(cpu_seconds: float) -> dict:
    return {**_figures(1_000_000, cpu_seconds, 400), "load_average_before": [1.0, 1.0, 1.0]}


@pytest.mark.parametrize(
    ("cpu_seconds", "median"),
    [
        ([50.0], 50.0),
        ([44.0, 56.0, 47.0], 47.0),
        ([44.0, 47.0, 56.0, 45.0], 47.0),  # an even count: the slower of the middle two
        ([40.0, 40.0, 60.0], 40.0),
    ],
)
def test_the_median_run_gives_the_figures(cpu_seconds: list[float], median: float) -> None:
    figures = median_run([_run(seconds) for seconds in cpu_seconds])
    assert figures["cpu_seconds"] == median
    assert len(figures.get("runs", [None])) == len(cpu_seconds)


def test_a_failed_run_fails_the_repeated_measurement() -> None:
    assert median_run([_run(44.0), {"error": "RuntimeError: boom"}, _run(46.0)]) == {"error": "RuntimeError: boom"}


def test_report_prints_the_spread_of_repeated_chain_runs() -> None:
    chain = {"workers=1": median_run([_run(40.0), _run(50.0), _run(45.0)])}
    results = {"stages": {}, "baselines": {}, "chain": chain, "ner_variants": None,
               "machine": machine_info(), "machine_before": machine_info()}
    results["summary"] = summarise({}, {}, chain, (1,))
    console = Console(record=True, width=220)
    render(results, console)
    assert "22,222 (median of 3 runs: 20,000-25,000)" in console.export_text()
