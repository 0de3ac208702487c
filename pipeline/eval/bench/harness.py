"""The benchmark run: build the workload, measure stages, chain and baselines, derive the ratios.

Each stage runs on the artefact the previous one wrote, as ``corpusprep <stage>``
would; the baselines run on the text the segmenter sees (the repaired text, or the
furthest artefact available), so their ratios compare like with like.  A stage
that is not available yet is reported as such, never estimated.
"""

from __future__ import annotations

import importlib.util
from dataclasses import asdict
from pathlib import Path
from typing import Any

from rich.console import Console

from pipeline.engines.ray_engine import RAY_MISSING
from pipeline.eval.bench.measure import run_measurement
from pipeline.eval.bench.report import machine_info, ner_variants
from pipeline.eval.bench.workload import build_workload
from pipeline.run import STAGE_FILES
from pipeline.stages import STAGES

BASELINES = ("jieba-cut", "jieba-posseg", "spacy-char")
console = Console(stderr=True)


def _per_second(figures: dict[str, Any]) -> None:
    """Add chars/s, docs/s and chars per CPU-second to a measurement's figures."""
    if "error" in figures:
        return
    seconds, cpu = max(figures["seconds"], 1e-9), max(figures["cpu_seconds"], 1e-9)
    figures["chars_per_second"] = figures["characters"] / seconds
    figures["docs_per_second"] = figures["documents"] / seconds
    figures["chars_per_cpu_second"] = figures["characters"] / cpu


def _measure(label: str, *args: str, logs: Path) -> dict[str, Any]:
    console.print(f"[bold]measuring[/bold] {label} …")
    figures = run_measurement(*args, log=logs / f"{label.replace(' ', '_')}.log")
    _per_second(figures)
    if "error" in figures:
        console.print(f"  [red]unavailable[/red]: {figures['error']}")
    else:
        console.print(
            f"  {figures['chars_per_second']:,.0f} chars/s, peak {figures['peak_rss_mb']:,.0f} MB, "
            f"load average {figures['load_average_after'][0]:.2f}"
        )
    return figures


def run_bench(
    data_dir: Path,
    build_dir: Path,
    *,
    scale: int = 1,
    workers: tuple[int, ...] = (1, 2),
    segmenter: str | None = None,
    repeats: int = 3,
) -> dict[str, Any]:
    """Measure everything once, the one-worker chain ``repeats`` times; returns the figures ``report`` prints and writes."""
    machine_before = machine_info()
    console.print(f"[bold]building workload[/bold] (scale {scale}) in {build_dir} …")
    workload = build_workload(data_dir, build_dir, scale)
    console.print(f"  {workload.articles:,} articles, {workload.characters:,} raw characters")
    logs = build_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    artefacts = build_dir / "artefacts"
    option = segmenter or ""

    stages: dict[str, dict[str, Any]] = {}
    source = workload.scans
    text_source: Path | None = None
    fallback: str | None = None
    for stage in STAGES:  # the chain's own table: a new stage is measured without a change here
        name, output = stage.name, artefacts / stage.artefact
        stages[name] = _measure(f"stage {name}", "stage", name, str(source), str(output), option, logs=logs)
        if "error" in stages[name] and name == "segment" and not segmenter:
            # Without the shipped segmentation model the rest is measured with spaCy's char segmenter, and said so.
            fallback = "char"
            console.print("  [yellow]measuring the rest with --segmenter char[/yellow]")
            stages["segment[char]"] = _measure(
                "stage segment-char", "stage", name, str(source), str(output), fallback, logs=logs
            )
            option = fallback
            if "error" in stages["segment[char]"]:
                break
        elif "error" in stages[name]:
            break
        source = output
        if not stage.models:  # the baselines read the text as the last stage before the models left it
            text_source = output

    if "segment[char]" not in stages and "error" not in stages.get("segment", {"error": ""}):
        stages["segment[char]"] = _measure(
            "stage segment-char", "stage", "segment", str(artefacts / STAGE_FILES["repair"]),
            str(artefacts / "segmented-char.jsonl"), "char", logs=logs,
        )

    baselines: dict[str, dict[str, Any]] = {}
    if text_source is not None:
        for name in BASELINES:
            baselines[name] = _measure(f"baseline {name}", "baseline", name, str(text_source), logs=logs)
            baselines[name]["text_from"] = text_source.name

    chain: dict[str, dict[str, Any]] = {}
    for count in workers:
        times = repeats if count == 1 else 1  # the one-worker chain is the figure the bar is read against
        runs = [
            _measure(
                f"chain {count} worker(s)" + (f", run {run} of {times}" if times > 1 else ""),
                "chain", str(workload.scans), str(build_dir / f"chain-w{count}"), str(count), option, logs=logs,
            )
            for run in range(1, times + 1)
        ]
        chain[f"workers={count}"] = median_run(runs)
    for count in workers:  # the same chain on Ray Data, with as many CPUs
        label = f"ray cpus={count}"
        if importlib.util.find_spec("ray") is None:
            chain[label] = {"error": RAY_MISSING}
            console.print(f"[bold]measuring[/bold] chain on Ray … [red]unavailable[/red]: {RAY_MISSING}")
            continue
        chain[label] = _measure(
            f"chain ray {count} cpu(s)", "ray", str(workload.scans), str(build_dir / f"chain-ray{count}"),
            str(count), option, logs=logs,
        )
    chain["sample"] = _measure(
        "chain sample", "chain", str(workload.sample), str(build_dir / "chain-sample"), "1", option, logs=logs
    )

    return {
        "workload": {key: value for key, value in asdict(workload).items() if key != "fingerprint"},
        "stages": stages,
        "segmenter": option or "shipped pkuseg model",
        "segmenter_fallback_reason": stages.get("segment", {}).get("error") if fallback else None,
        "baselines": baselines,
        "chain": chain,
        "summary": summarise(stages, baselines, chain, workers),
        "ner_variants": ner_variants(),
        "machine": machine_info(),
        "machine_before": machine_before,
    }


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run of median CPU time among ``runs`` of one measurement, with every run's speed in ``runs``.

    The machine's noise moves one run's CPU time by up to a tenth (the same run back to back);
    the median run is the figure the bars are read against, and the spread is kept beside it.
    A failed run makes the measurement failed: an error is never averaged away.
    """
    failed = next((run for run in runs if "error" in run), None)
    if failed is not None or len(runs) == 1:
        return failed or runs[0]
    ordered = sorted(runs, key=lambda run: run["cpu_seconds"])
    median = dict(ordered[len(ordered) // 2])  # of an even count, the slower of the middle two
    median["runs"] = [
        {key: run[key] for key in ("cpu_seconds", "seconds", "chars_per_cpu_second", "load_average_before")} for run in runs
    ]
    return median


def _ok(figures: dict[str, Any] | None) -> bool:
    return figures is not None and "error" not in figures


def summarise(
    stages: dict[str, dict[str, Any]],
    baselines: dict[str, dict[str, Any]],
    chain: dict[str, dict[str, Any]],
    workers: tuple[int, ...],
) -> dict[str, Any]:
    """The figures the targets are about, plus every measurement's speed relative to each baseline."""
    summary: dict[str, Any] = {"targets": {"chars_per_cpu_second": 50_000, "chars_per_cpu_second_floor": 25_000, "peak_rss_mb": 1024}}
    for group in (stages, chain):
        for figures in group.values():
            if _ok(figures):
                figures["vs_baseline"] = {
                    name: figures["chars_per_second"] / base["chars_per_second"]
                    for name, base in baselines.items()
                    if _ok(base)
                }
    single, sample = chain.get("workers=1"), chain.get("sample")
    if _ok(single):
        summary["chain_chars_per_second"] = single["chars_per_second"]
        summary["chain_chars_per_cpu_second"] = single["chars_per_cpu_second"]
        summary["chain_peak_rss_mb"] = single["peak_rss_mb"]
        if _ok(sample):
            summary["memory_growth"] = {
                "characters_ratio": single["characters"] / max(sample["characters"], 1),
                "peak_rss_mb": {"sample": sample["peak_rss_mb"], "full": single["peak_rss_mb"]},
                "peak_rss_ratio": single["peak_rss_mb"] / sample["peak_rss_mb"],
            }
        for count in workers:
            other = chain.get(f"workers={count}")
            if count > 1 and _ok(other):
                summary[f"speedup_1_to_{count}"] = single["seconds"] / other["seconds"]
                # CPU seconds per character with N workers against one: the work parallelism adds
                # (start-up, pickling); it tells what N free cores could give when the machine is busy.
                summary[f"cpu_efficiency_1_to_{count}"] = other["chars_per_cpu_second"] / single["chars_per_cpu_second"]
    for count in workers:
        local, ray = chain.get(f"workers={count}"), chain.get(f"ray cpus={count}")
        if _ok(local) and _ok(ray):
            # Characters per CPU-second on Ray against the local run with as many workers: what Ray's
            # daemons, start-up and shipping records between processes cost per character.
            summary[f"ray_vs_workers_{count}"] = ray["chars_per_cpu_second"] / local["chars_per_cpu_second"]
    return summary
