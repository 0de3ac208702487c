"""The page measured and classified: a document's lines, each character's printed width, and
what :func:`pipeline.page.layout.analyze` makes of the lines.

Pure: the analysis of a document is made where it is needed and handed on explicitly
(normalize hands it, with the reading, to repair on the document: ``Document.page``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from pipeline.core.record import Document
from pipeline.page import layout


def line_spans(text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of every line of ``text``, without its newline."""
    start = 0
    for line in text.split("\n"):
        yield start, start + len(line)
        start += len(line) + 1


@dataclass(frozen=True)
class PageAnalysis:
    """A document's lines, each character's printed width, and the layout of the lines."""

    spans: list[tuple[int, int]]
    widths: list[float]
    page: layout.PageLayout


# ``meta['format']`` of a document whose text ingest laid out from a page's geometry (ALTO, hOCR):
# its blocks say which lines are the running head and the headlines.
LAID_OUT_FORMATS = frozenset({"alto", "hocr"})


def given_roles(doc: Document, spans: list[tuple[int, int]]) -> list[str | None] | None:
    """The roles the page's geometry gave lines (``furniture``, ``headline``, ``subheadline``
    blocks of a laid-out page), one per line; None for a document read from text."""
    if doc.meta.get("format") not in LAID_OUT_FORMATS or not doc.blocks:
        return None
    marked = sorted((b.start, b.end, b.kind) for b in doc.blocks if b.kind in layout.GIVEN_ROLES and b.start < b.end)
    roles: list[str | None] = [None] * len(spans)
    k = 0
    for index, (start, end) in enumerate(spans):
        while k < len(marked) and marked[k][1] <= start:
            k += 1
        if k < len(marked) and start < end and marked[k][0] <= start < marked[k][1]:
            roles[index] = marked[k][2]
    return roles


def analyze_page(doc: Document) -> PageAnalysis:
    """Measure and classify the lines of ``doc`` (its text, and its edits for printed widths)."""
    text = doc.text
    widths = layout.printed_widths(doc)
    spans = list(line_spans(text))
    page = layout.analyze([text[s:e] for s, e in spans], [sum(widths[s:e]) for s, e in spans], given_roles(doc, spans))
    return PageAnalysis(spans, widths, page)
