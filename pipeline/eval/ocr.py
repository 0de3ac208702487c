"""Score the page reading on real OCR pages (``make eval-ocr``).

A page set is a folder of ``NAME.txt`` (Tesseract's text of a typeset page) and
``NAME.json`` (what the page printed), as ``tests/fixtures/ocr/make_ocr_fixtures.py``
writes them.  Each page goes through ingest, normalize and repair, and its text
paragraphs (``body`` and ``pull_quote`` blocks) are compared with the printed ones:

* paragraph boundaries: both sides' paragraphs are joined and aligned (difflib); a
  boundary the reading made counts when it falls within 3 characters of a printed one,
  each matched once: precision, recall, F1 over all boundaries of the set;
* text similarity: difflib's ratio of the joined paragraphs, averaged over pages;
* metadata: the share of pages whose ``meta`` has the printed publication, date and page;
* furniture leaks: running-head fields (the paper, the date, the weekday, the page
  label, a section name or staff credit) found in the body text more often than the
  article prints them, and short paragraphs that look like a running-head line;
* fragments: paragraphs of at most 4 characters, as a share of all paragraphs read.

Figures are given per page-segmentation mode, per text source and for the whole set.
"""

from __future__ import annotations

import difflib
import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from pipeline.core.record import Document
from pipeline.eval.metrics import precision_recall_f1
from pipeline.stages.ingest import read_article
from pipeline.stages.normalize import normalize_document
from pipeline.stages.repair import repair_document

TEXT_BLOCKS = ("body", "pull_quote")
BOUNDARY_TOLERANCE = 3
FRAGMENT_CHARS = 4
META_KEYS = ("publication", "date", "page")
# a paragraph this short, most of whose characters align with a running-head line (and not with the
# article), is that line, leaked
FURNITURE_LINE_CHARS = 40
FURNITURE_LINE_SHARE = 0.6
DATE_PATTERN = re.compile(r"(?:19|20)\d\d年\d{1,2}月\d{1,2}日")
WEEKDAY_PATTERN = re.compile("星期[一二三四五六日天]")

console = Console(width=160)


@dataclass
class PageScore:
    """One page's figures."""

    name: str
    psm: int
    source: str
    true_boundaries: int
    predicted_boundaries: int
    matched_boundaries: int
    similarity: float
    meta_right: dict[str, bool]
    leaks: list[str]
    paragraphs: int
    fragments: int


@dataclass
class Totals:
    """Figures summed over pages."""

    pages: int = 0
    true_boundaries: int = 0
    predicted_boundaries: int = 0
    matched_boundaries: int = 0
    similarity: float = 0.0
    meta_right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(META_KEYS, 0))
    leaks: int = 0
    pages_with_leaks: int = 0
    paragraphs: int = 0
    fragments: int = 0

    def add(self, page: PageScore) -> None:
        self.pages += 1
        self.true_boundaries += page.true_boundaries
        self.predicted_boundaries += page.predicted_boundaries
        self.matched_boundaries += page.matched_boundaries
        self.similarity += page.similarity
        for key, right in page.meta_right.items():
            self.meta_right[key] += right
        self.leaks += len(page.leaks)
        self.pages_with_leaks += bool(page.leaks)
        self.paragraphs += page.paragraphs
        self.fragments += page.fragments

    def boundary_prf(self) -> tuple[float, float, float]:
        return precision_recall_f1(self.matched_boundaries, self.predicted_boundaries, self.true_boundaries)

    def figures(self) -> dict[str, float | int]:
        precision, recall, f1 = self.boundary_prf()
        pages = max(1, self.pages)
        return {
            "pages": self.pages,
            "boundary_precision": round(precision, 4),
            "boundary_recall": round(recall, 4),
            "boundary_f1": round(f1, 4),
            "similarity": round(self.similarity / pages, 4),
            **{f"{key}_accuracy": round(self.meta_right[key] / pages, 4) for key in META_KEYS},
            "furniture_leaks": self.leaks,
            "pages_with_leaks": self.pages_with_leaks,
            "paragraphs": self.paragraphs,
            "fragment_share": round(self.fragments / self.paragraphs, 4) if self.paragraphs else 0.0,
        }


# --- measures --------------------------------------------------------------------------------------
def boundaries(paragraphs: list[str]) -> tuple[str, list[int]]:
    """The paragraphs joined, and where each paragraph after the first begins in the joined text."""
    positions, length = [], 0
    for paragraph in paragraphs[:-1]:
        length += len(paragraph)
        positions.append(length)
    return "".join(paragraphs), positions


def map_positions(source: str, target: str, positions: list[int]) -> list[float]:
    """Where positions of ``source`` fall in ``target`` once the two are aligned (difflib).

    A position inside a matched run maps exactly; one in an unmatched stretch maps
    proportionally onto the target's unmatched stretch between the same runs.
    """
    blocks = difflib.SequenceMatcher(None, source, target, autojunk=False).get_matching_blocks()
    mapped = []
    for position in positions:
        previous_a = previous_b = 0
        for a, b, size in blocks:
            if a <= position <= a + size and size:
                mapped.append(float(b + position - a))
                break
            if position < a:  # in the unmatched stretch before this run
                span_a, span_b = a - previous_a, b - previous_b
                share = (position - previous_a) / span_a if span_a else 0.0
                mapped.append(previous_b + share * span_b)
                break
            previous_a, previous_b = a + size, b + size
        else:
            mapped.append(float(len(target)))
    return mapped


def matched(predicted: list[float], true: list[int], tolerance: float = BOUNDARY_TOLERANCE) -> int:
    """How many boundaries match one to one within ``tolerance`` (both sorted: greedy is optimal on a line)."""
    predicted, true = sorted(predicted), sorted(true)
    i = j = count = 0
    while i < len(predicted) and j < len(true):
        if abs(predicted[i] - true[j]) <= tolerance:
            count, i, j = count + 1, i + 1, j + 1
        elif predicted[i] < true[j]:
            i += 1
        else:
            j += 1
    return count


def furniture_fields(expected: dict) -> list[str]:
    """The running head's fields as printed, without spaces (page label, paper, date, section ...)."""
    fields = {re.sub(r"\s+", "", f) for line in expected.get("furniture", []) for f in re.split(r"\s{2,}", line)}
    return sorted(f for f in fields if f)


def leaks(paragraphs: list[str], expected: dict) -> list[str]:
    """Running-head text in the body: fields the body has more often than the article, and head lines."""
    body = re.sub(r"\s+", "", "".join(paragraphs))
    printed = re.sub(r"\s+", "", "".join(expected["body"]))
    found = []
    for item in furniture_fields(expected):
        if body.count(item) > printed.count(item):
            found.append(item)
    for pattern in (DATE_PATTERN, WEEKDAY_PATTERN):
        extra = len(pattern.findall(body)) - len(pattern.findall(printed))
        if extra > 0 and not any(pattern.fullmatch(item) or pattern.search(item) for item in found):
            found.extend(pattern.findall(body)[:extra])
    lines = [re.sub(r"\s+", "", line) for line in expected.get("furniture", [])]
    for paragraph in paragraphs:
        text = re.sub(r"\s+", "", paragraph)
        if len(text) > FURNITURE_LINE_CHARS or any(item in text for item in found) or covered(text, printed) >= 0.5:
            continue
        if any(covered(text, line) >= FURNITURE_LINE_SHARE for line in lines):
            found.append(text)
    return found


def covered(text: str, other: str) -> float:
    """The share of ``text``'s characters that align with characters of ``other``."""
    blocks = difflib.SequenceMatcher(None, text, other, autojunk=False).get_matching_blocks()
    return sum(size for _, _, size in blocks) / len(text) if text else 0.0


def text_paragraphs(doc: Document) -> list[str]:
    return [doc.text[b.start : b.end] for b in doc.blocks if b.kind in TEXT_BLOCKS]


def read(path: Path) -> Document:
    """The page as the pipeline reads it: ingest, normalize, repair."""
    return repair_document(normalize_document(read_article(path)))


def score_page(path: Path) -> PageScore:
    expected = json.loads(path.with_suffix(".json").read_text("utf-8"))
    doc = read(path)
    paragraphs = text_paragraphs(doc)
    got, predicted = boundaries(paragraphs)
    want, true = boundaries(expected["body"])
    setting = expected.get("page_setting", {})
    page = expected["page"]
    meta_right = {key: doc.meta.get(key) == (page if key == "page" else expected[key]) for key in META_KEYS}
    return PageScore(
        name=path.stem,
        psm=int(setting.get("psm", 0)),
        source=setting.get("source", "pd1998"),
        true_boundaries=len(true),
        predicted_boundaries=len(predicted),
        matched_boundaries=matched(map_positions(got, want, predicted), true),
        similarity=difflib.SequenceMatcher(None, got, want, autojunk=False).ratio(),
        meta_right=meta_right,
        leaks=leaks(paragraphs, expected),
        paragraphs=len(paragraphs),
        fragments=sum(1 for p in paragraphs if len(p.strip()) <= FRAGMENT_CHARS),
    )


def score_set(folder: Path) -> list[PageScore]:
    pages = sorted(folder.glob("*.txt"))
    if not pages:
        raise typer.BadParameter(f"{folder}: no OCR pages (NAME.txt + NAME.json); build them with `make ocr-pages`")
    return [score_page(path) for path in pages]


def grouped(scores: Iterable[PageScore]) -> dict[str, Totals]:
    """Totals per mode (``psm 3``), per source and for all pages."""
    groups: dict[str, Totals] = defaultdict(Totals)
    for page in scores:
        for key in (f"psm {page.psm}", page.source, "all"):
            groups[key].add(page)
    order = sorted(k for k in groups if k.startswith("psm")) + sorted(k for k in groups if not k.startswith("psm") and k != "all")
    return {key: groups[key] for key in order + ["all"]}


def table(title: str, groups: dict[str, Totals]) -> Table:
    out = Table(title=title)
    columns = ["pages", "bound P", "bound R", "bound F1", "similarity", "publication", "date", "page", "leaks", "fragments"]
    for name in ["", *columns]:
        out.add_column(name, justify="right")
    for key, totals in groups.items():
        f = totals.figures()
        out.add_row(
            key,
            str(f["pages"]),
            f"{f['boundary_precision']:.3f}",
            f"{f['boundary_recall']:.3f}",
            f"{f['boundary_f1']:.3f}",
            f"{f['similarity']:.3f}",
            *(f"{f[f'{key}_accuracy']:.3f}" for key in META_KEYS),
            f"{f['furniture_leaks']} ({f['pages_with_leaks']} pages)",
            f"{f['fragment_share']:.1%} of {f['paragraphs']}",
        )
    return out


def main(
    folders: list[Path] = typer.Argument(..., help="Page sets (folders of NAME.txt + NAME.json), e.g. build/ocr_dev."),
    pages: bool = typer.Option(False, "--pages", help="Also list each page's figures."),
    json_out: Path = typer.Option(None, "--json", help="Write the figures per set and group to this file."),
) -> None:
    """Paragraph boundaries, text similarity, metadata, furniture leaks and fragments on OCR pages."""
    report = {}
    for folder in folders:
        scores = score_set(folder)
        groups = grouped(scores)
        report[str(folder)] = {key: totals.figures() for key, totals in groups.items()}
        console.print(table(f"page reading on {folder}", groups))
        if pages:
            for page in scores:
                precision, recall, f1 = precision_recall_f1(page.matched_boundaries, page.predicted_boundaries, page.true_boundaries)
                wrong = [key for key, right in page.meta_right.items() if not right]
                console.print(
                    f"  {page.name}: boundaries {page.matched_boundaries}/{page.predicted_boundaries} read, "
                    f"{page.true_boundaries} printed (F1 {f1:.2f}), similarity {page.similarity:.3f}, "
                    f"meta wrong {wrong or '-'}, leaks {page.leaks or '-'}, fragments {page.fragments}/{page.paragraphs}",
                    markup=False,
                )
    if json_out:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    typer.run(main)
