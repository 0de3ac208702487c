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


def analyze_page(doc: Document) -> PageAnalysis:
    """Measure and classify the lines of ``doc`` (its text, and its edits for printed widths)."""
    text = doc.text
    widths = layout.printed_widths(doc)
    spans = list(line_spans(text))
    page = layout.analyze([text[s:e] for s, e in spans], [sum(widths[s:e]) for s, e in spans])
    return PageAnalysis(spans, widths, page)
