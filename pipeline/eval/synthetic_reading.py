"""Score the page reading on the benchmark's synthetic scans against the paragraphs they were typeset from.

The benchmark's scans (:mod:`pipeline.eval.bench.workload`) are pd1998 articles laid out by
:mod:`pipeline.eval.synthetic`: clean typesetting (one to three columns side by side, a
running head or a dateline at the foot, indentation kept or lost, blank lines or not),
so the source paragraphs are known exactly.  Each scan goes through ingest, normalize and
repair; its text paragraphs (``body`` and ``pull_quote`` blocks) are compared with the
article's body paragraphs (all but the first, which is printed as the headline; an article
of one paragraph prints it whole):

* paragraph boundaries as :mod:`pipeline.eval.ocr` counts them (aligned, within 3 characters);
* text identity: the share of pages whose paragraphs, joined, are the source's, and the
  share of source paragraphs read exactly as one paragraph;

both after folding the forms normalisation may change (NFKC: full-width digits, ASCII
punctuation) and dropping white space.

``python -m pipeline.eval.synthetic_reading build/bench/scale-1/sample --data ../shared/data/pd1998``
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import typer
from rich.console import Console

from pipeline.eval.metrics import precision_recall_f1
from pipeline.eval.ocr import boundaries, map_positions, matched, read, text_paragraphs
from pipeline.eval.synthetic import articles_from_pd1998

SPLITS = ("train.jsonl", "dev.jsonl")  # the splits the benchmark typesets
SCAN_NAME_RE = re.compile(r"(?P<article>\d{8}-\d+-\d+)-(?P<rep>\d+)")

console = Console(width=160)


@dataclass
class ScanScore:
    """One scan's figures."""

    name: str
    true_boundaries: int
    predicted_boundaries: int
    matched_boundaries: int
    same_text: bool
    paragraphs: int
    paragraphs_exact: int


def canonical(text: str) -> str:
    """Text as compared: NFKC-folded, without white space."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def printed_body(paragraphs: list[str]) -> list[str]:
    """The paragraphs a scan prints as body text (the first is its headline, as the workload lays it out)."""
    return paragraphs[1:] if len(paragraphs) > 1 else paragraphs


def score_paragraphs(name: str, read_paragraphs: list[str], source: list[str]) -> ScanScore:
    """Compare the paragraphs read from a scan with the source paragraphs it printed."""
    got_paragraphs = [p for p in map(canonical, read_paragraphs) if p]
    want_paragraphs = [p for p in map(canonical, source) if p]
    got, predicted = boundaries(got_paragraphs)
    want, true = boundaries(want_paragraphs)
    exact = Counter(got_paragraphs) & Counter(want_paragraphs)
    return ScanScore(
        name=name,
        true_boundaries=len(true),
        predicted_boundaries=len(predicted),
        matched_boundaries=matched(map_positions(got, want, predicted), true),
        same_text=got == want,
        paragraphs=len(want_paragraphs),
        paragraphs_exact=sum(exact.values()),
    )


def source_paragraphs(data_dir: Path) -> dict[str, list[str]]:
    """Each pd1998 article's paragraphs by article id."""
    return {article: paragraphs for name in SPLITS for article, paragraphs in articles_from_pd1998(data_dir / name)}


def score_scans(folder: Path, data_dir: Path, limit: int = 0) -> list[ScanScore]:
    """Read and score every scan in ``folder`` (``ARTICLE-REP.txt``, as the workload names them)."""
    sources = source_paragraphs(data_dir)
    scans = sorted(folder.glob("*.txt"))
    if limit:
        scans = scans[:limit]
    scores = []
    for path in scans:
        match = SCAN_NAME_RE.fullmatch(path.stem)
        if not match or match["article"] not in sources:
            raise typer.BadParameter(f"{path}: no pd1998 article of that name in {data_dir}; build the scans with `make bench`")
        paragraphs = text_paragraphs(read(path))
        scores.append(score_paragraphs(path.stem, paragraphs, printed_body(sources[match["article"]])))
    return scores


def figures(scores: list[ScanScore]) -> dict[str, float | int]:
    """The figures over a set of scans."""
    precision, recall, f1 = precision_recall_f1(
        sum(s.matched_boundaries for s in scores),
        sum(s.predicted_boundaries for s in scores),
        sum(s.true_boundaries for s in scores),
    )
    paragraphs = sum(s.paragraphs for s in scores)
    return {
        "scans": len(scores),
        "boundary_precision": round(precision, 4),
        "boundary_recall": round(recall, 4),
        "boundary_f1": round(f1, 4),
        "same_text": round(sum(s.same_text for s in scores) / max(1, len(scores)), 4),
        "paragraphs_exact": round(sum(s.paragraphs_exact for s in scores) / max(1, paragraphs), 4),
    }


def main(
    folder: Path = typer.Argument(..., help="Scans as the benchmark writes them, e.g. build/bench/scale-1/scans."),
    data: Path = typer.Option(Path("../shared/data/pd1998"), help="The pd1998 folder the scans were typeset from."),
    limit: int = typer.Option(0, help="Score only the first N scans (0: all)."),
    pages: bool = typer.Option(False, "--pages", help="Also list the scans not read exactly."),
) -> None:
    """Paragraph boundaries and text identity of the page reading on synthetic scans."""
    scores = score_scans(folder, data, limit)
    if pages:
        for s in scores:
            if not s.same_text or s.matched_boundaries != s.true_boundaries or s.predicted_boundaries != s.true_boundaries:
                console.print(
                    f"  {s.name}: boundaries {s.matched_boundaries}/{s.predicted_boundaries} read, {s.true_boundaries} printed, "
                    f"same text {s.same_text}, paragraphs exact {s.paragraphs_exact}/{s.paragraphs}",
                    markup=False,
                )
    found = figures(scores)
    console.print(
        f"{folder}: {found['scans']} scans  boundary P/R/F1 {found['boundary_precision']:.4f}/{found['boundary_recall']:.4f}/"
        f"{found['boundary_f1']:.4f}  same text {found['same_text']:.4f}  paragraphs exact {found['paragraphs_exact']:.4f}",
        markup=False,
    )


if __name__ == "__main__":
    typer.run(main)
