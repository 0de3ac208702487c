"""Printing and recording benchmark figures: rich tables, and JSON with the machine's state.

Figures measured while other work runs on the machine are low; the load average
before and after every measurement goes into the JSON and the table so that a
reader can tell.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pipeline.core.jsonl import write_json
from pipeline.core.paths import MODELS_DIR, REPO_DIR

NER_MODEL_DIR = MODELS_DIR / "ner"
SPEED_WORDS = re.compile(r"chars?/(cpu-)?s|speed|per second|throughput", re.IGNORECASE)


def _git(*args: str) -> str | None:
    try:
        return subprocess.run(["git", *args], cwd=REPO_DIR, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def _memory_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024**2
    except OSError:
        pass
    return None


def machine_info() -> dict[str, Any]:
    """Where and when the figures were taken: machine, versions, commit, load."""
    import spacy

    status = _git("status", "--porcelain", "--untracked-files=no")
    return {
        "timestamp": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "git_commit": _git("rev-parse", "HEAD"),
        "git_dirty": bool(status) if status is not None else None,
        "platform": platform.platform(),
        "cpu": _cpu_model(),
        "cpu_count": os.cpu_count(),
        "memory_gb": _memory_gb(),
        "python": sys.version.split()[0],
        "spacy": spacy.__version__,
        "load_average": os.getloadavg(),
    }


def _markdown_tables(text: str) -> list[list[dict[str, str]]]:
    tables, rows = [], []
    for line in [*text.splitlines(), ""]:
        if line.strip().startswith("|"):
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
            continue
        if len(rows) > 2:
            header = rows[0]
            tables.append([dict(zip(header, row)) for row in rows[2:]])
        rows = []
    return tables


def _shown(path: Path) -> str:
    """A path relative to the project when it is inside it."""
    try:
        return str(path.resolve().relative_to(REPO_DIR))
    except ValueError:
        return str(path)


def ner_variants(model_dir: Path = NER_MODEL_DIR) -> dict[str, Any] | None:
    """The NER speed/quality choices as the model's own card or JSON gives them (None if it gives none)."""
    for path in sorted(model_dir.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            continue
        rows = data.get("variants") if isinstance(data, dict) else data
        if isinstance(rows, list) and rows and all(isinstance(row, dict) for row in rows):
            return {"source": _shown(path), "rows": rows}
    card = model_dir / "MODEL_CARD.md"
    if card.exists():
        for table in _markdown_tables(card.read_text(encoding="utf-8")):
            if table and any(SPEED_WORDS.search(key) for key in table[0]):
                return {"source": _shown(card), "rows": table}
    return None


def _number(value: Any, digits: int = 0) -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def _figures_row(label: str, figures: dict[str, Any], baselines: list[str]) -> list[str]:
    label = escape(label)
    if "error" in figures:
        return [label, "[red]unavailable[/red]"] + [""] * (8 + len(baselines))
    ratios = figures.get("vs_baseline", {})
    return [
        label,
        _number(figures["documents"]),
        _number(figures["characters"]),
        _number(figures["load_seconds"], 1),
        _number(figures["seconds"], 1),
        _number(figures["chars_per_second"]),
        _number(figures["chars_per_cpu_second"]),
        _number(figures["docs_per_second"], 1),
        _number(figures["peak_rss_mb"]),
        f"{figures['load_average_after'][0]:.2f}",
        *[f"{ratios[name]:.2f}×" if name in ratios else "" for name in baselines],
    ]


def _spread(figures: dict[str, Any] | None) -> str:
    """`` (median of 3 runs: 23,100-25,600)`` for a repeated measurement, else nothing."""
    runs = (figures or {}).get("runs") or []
    if len(runs) < 2:
        return ""
    speeds = [run["chars_per_cpu_second"] for run in runs]
    return f" (median of {len(runs)} runs: {min(speeds):,.0f}-{max(speeds):,.0f})"


def render(results: dict[str, Any], console: Console | None = None) -> None:
    """Print the measurements, the targets and the NER choices."""
    console = console or Console(width=None if sys.stdout.isatty() else 200)
    baselines = list(results["baselines"])
    table = Table(title="corpusprep throughput and peak memory (each row a fresh process)")
    for column in ("measurement", "docs", "chars", "load s", "run s", "chars/s", "chars/CPU-s", "docs/s",
                   "peak RSS MB", "load avg"):
        table.add_column(column, justify="left" if column == "measurement" else "right")
    for name in baselines:
        table.add_column(f"vs {name}", justify="right")
    for name, figures in results["stages"].items():
        table.add_row(*_figures_row(f"stage {name}", figures, baselines))
    table.add_section()
    for name, figures in results["chain"].items():
        table.add_row(*_figures_row(f"chain {name}", figures, baselines))
    table.add_section()
    for name, figures in results["baselines"].items():
        table.add_row(*_figures_row(f"baseline {name}", figures, baselines))
    console.print(table)
    for group in ("stages", "chain", "baselines"):
        for name, figures in results[group].items():
            if "error" in figures:
                console.print(f"[red]{group} {escape(name)} unavailable[/red]: {escape(figures['error'])}")
    if results.get("segmenter_fallback_reason"):
        console.print(
            f"[yellow]segmenter[/yellow]: the shipped model could not be loaded, so prelabel and the chain ran "
            f"with --segmenter {results['segmenter']}"
        )
    console.print(
        "chars = characters of each measurement's input: raw scans for ingest and normalize, the document text "
        "after that; for the chain, the text of the documents it produced (the raw scans are in the JSON). "
        "Stage rows exclude model loading ('load s'); chain rows include it. "
        "chars/CPU-s counts the CPU time of the process and its workers: the per-core figure."
    )

    summary = results["summary"]
    targets = Table(title="targets")
    for column in ("target", "goal", "measured"):
        targets.add_column(column)
    goals = summary["targets"]
    targets.add_row("whole chain, chars per CPU-second (1 worker)",
                    f"≥ {goals['chars_per_cpu_second_floor']:,} (the floor); {goals['chars_per_cpu_second']:,} (issue #8's goal)",
                    _number(summary.get("chain_chars_per_cpu_second")) + _spread(results["chain"].get("workers=1")))
    targets.add_row("whole chain, chars per second (1 worker, wall)", "", _number(summary.get("chain_chars_per_second")))
    targets.add_row("whole chain, peak RSS MB", f"< {goals['peak_rss_mb']:,}", _number(summary.get("chain_peak_rss_mb")))
    growth = summary.get("memory_growth")
    if growth:
        targets.add_row(
            f"peak RSS at {growth['characters_ratio']:.1f}× the characters", "flat",
            f"{growth['peak_rss_mb']['sample']:,.0f} → {growth['peak_rss_mb']['full']:,.0f} MB "
            f"({growth['peak_rss_ratio']:.2f}×)",
        )
    for key, value in summary.items():
        if key.startswith("speedup_"):
            count = int(key.rsplit("_", 1)[-1])
            targets.add_row(f"speed-up 1 → {count} workers (wall)", f"≈ {count}×", f"{value:.2f}×")
            efficiency = summary.get(f"cpu_efficiency_1_to_{count}")
            if efficiency is not None:
                targets.add_row(
                    f"CPU efficiency with {count} workers (chars per CPU-second vs 1)", "≈ 1",
                    f"{efficiency:.2f} (bound on free cores: {count * efficiency:.2f}×)",
                )
    for key, value in summary.items():
        if key.startswith("ray_vs_workers_"):
            count = int(key.rsplit("_", 1)[-1])
            ray = results["chain"][f"ray cpus={count}"]
            targets.add_row(
                f"Ray engine, {count} CPU(s): chars per CPU-second vs --workers {count}", "",
                f"{ray['chars_per_cpu_second']:,.0f} vs {results['chain'][f'workers={count}']['chars_per_cpu_second']:,.0f}"
                f" ({value:.2f}×); an actor's peak RSS {_number(ray.get('actor_peak_rss_mb'))} MB",
            )
    machine = results["machine"]
    targets.add_row(
        "machine", "",
        f"{machine['cpu_count']} cores, load average {results['machine_before']['load_average'][0]:.2f} → "
        f"{machine['load_average'][0]:.2f} (1 min)",
    )
    console.print(targets)

    variants = results.get("ner_variants")
    if variants:
        ner = Table(title="NER choices: speed and quality")
        columns = list(dict.fromkeys(key for row in variants["rows"] for key in row))
        for column in columns:
            ner.add_column(str(column))
        for row in variants["rows"]:
            ner.add_row(*[str(row.get(column, "")) for column in columns])
        console.print(ner)
        console.print(f"(figures as given in {variants['source']}, not measured by this run)")
    else:
        console.print(f"NER choices: no speed/quality figures in {_shown(NER_MODEL_DIR)} yet.")


def write_results(results: dict[str, Any], path: Path) -> None:
    write_json(path, results)
