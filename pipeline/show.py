"""Review pages for pre-labelled records: what a person reads to check the labels.

Each document shows its headline, publication, date, page and reporters, then its text
with the layout blocks, the entities (DATE and PERCENT with their values) and the quotes:
a quote's speaker, cue and content carry the quote's number and colour in the text, and
the quotes are listed under it with the same number, colour and a link.  A corpus is
spread over pages of ``per_page`` documents, with an index page listing every document,
so nothing is left out without saying so.

Plain HTML rather than displaCy: displaCy's entity view draws non-overlapping spans of
one kind, but a quote's speaker is often also a PERSON and its content holds DATEs and
PERCENTs, and it has no place for a document's header or a quote list; it would also
import spaCy just to draw a page.  Every piece of record text is escaped (documents are
untrusted input); the page has no script.

Building a page is pure (records in, HTML out); :func:`write_review` does the reading
and writing.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from itertools import islice
from pathlib import Path
from typing import Any
from urllib.parse import quote as url_quote

from pipeline.core.jsonl import RecordError, atomic_writer, read_documents
from pipeline.core.record import Document
from pipeline.core.schema import load_schema

PER_PAGE = 50
PAGE_NAME = "page-{number:04d}.html"
PAGE_PATTERN = re.compile(r"page-(\d{4,})\.html")
QUOTE_ROLES = ("speaker", "cue", "content")
# Distinct colours for quotes 1, 2, 3, ... of a document (cycled), apart from the entity colours.
QUOTE_COLOURS = ("#9a6324", "#911eb4", "#469990", "#808000", "#000075", "#e6194b", "#3cb44b", "#f032e6")
FALLBACK_COLOUR = "#888888"
HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")

STYLE = """
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", sans-serif; margin: 0 auto; max-width: 60rem;
       padding: 1rem; color: #222; line-height: 1.9; }
nav { margin: .5rem 0; } nav a { margin-right: 1rem; }
.note { background: #fff3cd; padding: .3rem .6rem; }
article.doc { border-top: 2px solid #ccc; margin-top: 2rem; padding-top: .5rem; }
article.doc h2 { margin: .2rem 0; } .subheadline { color: #555; margin: 0; }
dl.meta { display: grid; grid-template-columns: max-content auto; gap: 0 1rem; margin: .5rem 0; font-size: .9rem; }
dl.meta dt { color: #777; } dl.meta dd { margin: 0; }
.text { margin: 1rem 0; }
.block { white-space: pre-wrap; margin: .3rem 0; position: relative; }
.block-kind { position: absolute; left: -5.5rem; width: 5rem; text-align: right; color: #999; font-size: .7rem; }
.block-headline { font-weight: bold; font-size: 1.2rem; } .block-subheadline { font-weight: bold; }
.block-byline, .block-attribution { color: #555; } .block-pull_quote { font-style: italic; }
mark.ent { background: var(--c); padding: .1rem 0; }
.ent-label { font-size: .65rem; font-weight: bold; color: #fff; background: var(--c-solid); margin: 0 .15rem;
             padding: 0 .2rem; border-radius: .2rem; vertical-align: middle; }
.q-speaker { outline: 2px solid var(--q); } .q-cue { text-decoration: underline double var(--q); }
.q-content { border-bottom: 3px solid var(--q); }
a.q-tag { font-size: .65rem; color: #fff; background: var(--q); padding: 0 .2rem; border-radius: .2rem;
          text-decoration: none; vertical-align: super; }
table { border-collapse: collapse; font-size: .9rem; width: 100%; }
th, td { border: 1px solid #ddd; padding: .2rem .4rem; text-align: left; vertical-align: top; }
td.swatch { color: #fff; background: var(--q); font-weight: bold; }
.entity-counts { font-size: .9rem; color: #555; }
"""


# --- the model of a document as drawn -----------------------------------------------------


@dataclass(frozen=True)
class Mark:
    """One span to draw: an entity (``role`` is None) or one role of quote number ``quote``."""

    start: int
    end: int
    label: str
    colour: str
    role: str | None = None
    quote: int = 0
    title: str = ""


@dataclass(frozen=True)
class IndexRow:
    """What the index says of one document, and where its page shows it."""

    number: int
    id: str
    headline: str
    publication: str
    date: str
    page: str
    entities: int
    quotes: int
    href: str


@dataclass(frozen=True)
class ReviewWritten:
    """What :func:`write_review` wrote: the counts to report and where to look."""

    documents: int
    pages: int
    index: Path
    pages_dir: Path
    bad_lines: int


@lru_cache(maxsize=1)
def entity_colours() -> dict[str, str]:
    """The schema's colour per entity label (a colour that is not ``#rrggbb`` becomes grey)."""
    return {label.name: safe_colour(label.color) for label in load_schema().entities}


def safe_colour(colour: str) -> str:
    """``colour`` if it is ``#rrggbb``, else grey: colours go into style attributes."""
    return colour if HEX_COLOUR.fullmatch(colour) else FALLBACK_COLOUR


def quote_colour(number: int) -> str:
    return QUOTE_COLOURS[(number - 1) % len(QUOTE_COLOURS)]


def entity_label(entity: dict[str, Any]) -> str:
    """The label as shown: with the normalised value when there is one (``DATE 2013-04-27``, ``PERCENT 0.12``)."""
    value = entity.get("value")
    return f"{entity.get('label')} {value}" if value is not None else str(entity.get("label"))


def _span(value: Any, length: int) -> tuple[int, int] | None:
    """``(start, end)`` of a span dict if it is a non-empty span inside the text; None otherwise."""
    if not isinstance(value, dict):
        return None
    start, end = value.get("start"), value.get("end")
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= length):
        return None
    return start, end


def document_marks(document: Document) -> list[Mark]:
    """Every span to draw: the entities, then each quote's speaker, cue and content.

    Spans outside the text or empty are left out (records are untrusted); overlaps are kept.
    """
    length, colours, marks = len(document.text), entity_colours(), []
    for entity in document.entities:
        span = _span(entity, length)
        if span is not None:
            label = str(entity.get("label"))
            source = entity.get("source")
            title = f"{entity_label(entity)}" + (f" (source: {source})" if source else "")
            marks.append(Mark(*span, entity_label(entity), colours.get(label, FALLBACK_COLOUR), title=title))
    for number, quote in enumerate(document.quotes, start=1):
        for role in QUOTE_ROLES:
            span = _span(quote.get(role), length)
            if span is not None:
                marks.append(Mark(*span, f"Q{number} {role}", quote_colour(number), role=role, quote=number))
    return marks


def _regions(document: Document) -> list[tuple[str, int, int]]:
    """The text cut into ``(kind, start, end)`` regions: the layout blocks in order, and what lies between
    them (kind ``text``) unless it is only whitespace. Blocks out of range or overlapping are cut to fit."""
    length, regions, position = len(document.text), [], 0
    blocks = sorted((b.start, b.end, b.kind) for b in document.blocks if isinstance(b.start, int) and isinstance(b.end, int))
    for start, end, kind in blocks:
        start, end = max(start, position), min(end, length)
        if start >= end:
            continue
        if document.text[position:start].strip():
            regions.append(("text", position, start))
        regions.append((str(kind), start, end))
        position = end
    if document.text[position:].strip() or not regions:
        regions.append(("text", position, length))
    return regions


def _segment_html(text: str, start: int, end: int, marks: Sequence[Mark], anchor: str) -> str:
    """One stretch of text no span starts or ends inside, wrapped in the spans covering it.

    Quote roles are the outer wrappers, entities the inner; a quote role's tag goes where the
    role starts, an entity's label where it ends.
    """
    covering = [m for m in marks if m.start <= start and m.end >= end]
    html = escape(text[start:end])
    for mark in (m for m in covering if m.role is None):
        badge = (
            f'<span class="ent-label">{escape(mark.label)}</span>' if mark.end == end else ""
        )
        html = (
            f'<mark class="ent" style="--c: {mark.colour}40; --c-solid: {mark.colour}" '
            f'title="{escape(mark.title)}">{html}{badge}</mark>'
        )
    for mark in (m for m in covering if m.role is not None):
        tag = (
            f'<a class="q-tag" href="#{anchor}-q{mark.quote}" style="--q: {mark.colour}">{escape(mark.label)}</a>'
            if mark.start == start
            else ""
        )
        html = f'<span class="q-{mark.role}" style="--q: {mark.colour}">{tag}{html}</span>'
    return html


def text_html(document: Document, anchor: str) -> str:
    """The document's text, block by block, with its entities and quote roles drawn."""
    marks = document_marks(document)
    parts = []
    for kind, start, end in _regions(document):
        cuts = sorted({start, end} | {p for m in marks for p in (m.start, m.end) if start < p < end})
        inner = "".join(_segment_html(document.text, a, b, marks, anchor) for a, b in zip(cuts, cuts[1:]))
        css_class = re.sub(r"[^a-z_]", "", kind)
        parts.append(f'<div class="block block-{css_class}"><span class="block-kind">{escape(kind)}</span>{inner}</div>')
    return "".join(parts)


def _span_text(document: Document, value: Any) -> str:
    span = _span(value, len(document.text))
    return document.text[span[0] : span[1]] if span else ""


def quotes_html(document: Document, anchor: str) -> str:
    """The quote list under the text: number (in the quote's colour), speaker, cue, content, kind and source."""
    if not document.quotes:
        return '<p class="quotes-none">no quotes</p>'
    rows = []
    for number, quote in enumerate(document.quotes, start=1):
        speaker = _span_text(document, quote.get("speaker"))
        name = quote.get("speaker_name")
        if name and str(name) != speaker:
            speaker = f"{speaker} ({name})" if speaker else str(name)
        cells = [speaker, _span_text(document, quote.get("cue")), _span_text(document, quote.get("content")),
                 str(quote.get("kind") or ""), str(quote.get("source") or "")]
        rows.append(
            f'<tr id="{anchor}-q{number}"><td class="swatch" style="--q: {quote_colour(number)}">Q{number}</td>'
            + "".join(f"<td>{escape(cell)}</td>" for cell in cells) + "</tr>"
        )
    head = "<tr><th>#</th><th>speaker</th><th>cue</th><th>content</th><th>kind</th><th>source</th></tr>"
    return f'<table class="quotes">{head}{"".join(rows)}</table>'


def _meta_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "、".join(str(item) for item in value)
    return str(value)


def headline_of(document: Document) -> str:
    """The headline: the record's own (``meta.headline``), else its headline block, else empty."""
    if document.meta.get("headline"):
        return _meta_text(document.meta["headline"])
    for block in document.blocks:
        if block.kind == "headline":
            return document.text[block.start : block.end]
    return ""


def document_html(document: Document, number: int) -> str:
    """One document: header (headline, subheadline, meta), text with spans, entity counts, quote list."""
    anchor = f"d{number}"
    meta = document.meta
    fields = [
        ("publication", _meta_text(meta.get("publication"))),
        ("date", _meta_text(meta.get("date"))),
        ("page", _meta_text(meta.get("page"))),
        ("reporters", _meta_text(meta.get("reporters"))),
        ("id", document.id),
    ]
    meta_html = "".join(f"<dt>{name}</dt><dd>{escape(value) or '—'}</dd>" for name, value in fields)
    subheadline = _meta_text(meta.get("subheadline"))
    counts = Counter(str(entity.get("label")) for entity in document.entities)
    count_text = ", ".join(f"{label} {count}" for label, count in sorted(counts.items())) or "none"
    return (
        f'<article class="doc" id="{anchor}">'
        f'<h2>{number}. {escape(headline_of(document)) or "(no headline)"}</h2>'
        + (f'<p class="subheadline">{escape(subheadline)}</p>' if subheadline else "")
        + f'<dl class="meta">{meta_html}</dl>'
        f'<div class="text">{text_html(document, anchor)}</div>'
        f'<p class="entity-counts">entities: {escape(count_text)}; quotes: {len(document.quotes)}</p>'
        f"{quotes_html(document, anchor)}</article>"
    )


def index_row(document: Document, number: int, href: str) -> IndexRow:
    meta = document.meta
    return IndexRow(
        number, document.id, headline_of(document), _meta_text(meta.get("publication")), _meta_text(meta.get("date")),
        _meta_text(meta.get("page")), len(document.entities), len(document.quotes), href,
    )


def _html_page(title: str, body: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f"<style>{STYLE}</style></head><body>{body}</body></html>\n"
    )


def _link(href: str | None, text: str) -> str:
    return f'<a href="{escape(href)}">{text}</a>' if href else ""


def page_html(
    documents: Sequence[tuple[int, Document]], *, title: str, note: str = "",
    index_href: str | None = None, previous_href: str | None = None, next_href: str | None = None,
) -> str:
    """A page of numbered documents, with links to the index and the neighbouring pages."""
    nav = " ".join(
        link for link in (_link(previous_href, "← previous page"), _link(index_href, "index"), _link(next_href, "next page →"))
        if link
    )
    nav_html = f"<nav>{nav}</nav>" if nav else ""
    note_html = f'<p class="note">{escape(note)}</p>' if note else ""
    body = "".join(document_html(document, number) for number, document in documents)
    return _html_page(title, f"<h1>{escape(title)}</h1>{nav_html}{note_html}{body}{nav_html}")


def index_html(rows: Sequence[IndexRow], *, title: str, pages: Sequence[str], per_page: int, note: str = "") -> str:
    """The index: how many documents on how many pages, links to each page, a row per document."""
    page_links = " ".join(_link(href, str(number)) for number, href in enumerate(pages, start=1))
    summary = f"{len(rows)} document(s) on {len(pages)} page(s) of up to {per_page}"
    table_rows = "".join(
        f"<tr><td>{row.number}</td><td>{_link(row.href, escape(row.headline) or '(no headline)')}</td>"
        f"<td>{escape(row.id)}</td><td>{escape(row.publication)}</td><td>{escape(row.date)}</td><td>{escape(row.page)}</td>"
        f"<td>{row.entities}</td><td>{row.quotes}</td></tr>"
        for row in rows
    )
    head = "<tr><th>#</th><th>headline</th><th>id</th><th>publication</th><th>date</th><th>page</th><th>entities</th><th>quotes</th></tr>"
    note_html = f'<p class="note">{escape(note)}</p>' if note else ""
    body = (
        f"<h1>{escape(title)}</h1><p>{summary}</p>{note_html}"
        + (f"<nav>pages: {page_links}</nav>" if pages else "")
        + f"<table>{head}{table_rows}</table>"
    )
    return _html_page(title, body)


# --- reading and writing --------------------------------------------------------------------


def default_output(input: Path) -> Path:
    """Next to the input, not in the current folder: ``X.jsonl`` -> ``X.html``."""
    return input.with_suffix(".html")


def pages_folder(index: Path) -> Path:
    """The folder beside the index that holds the pages: ``X.html`` -> ``X_pages``."""
    return index.with_name(f"{index.stem}_pages")


def numbered_pages(documents: Iterable[Document], per_page: int) -> Iterator[list[tuple[int, Document]]]:
    """The documents numbered from 1, ``per_page`` at a time."""
    numbered = enumerate(documents, start=1)
    while page := list(islice(numbered, per_page)):
        yield page


def write_review(input: Path, output: Path | None = None, *, per_page: int = PER_PAGE) -> ReviewWritten:
    """Write the index page (``output``, default beside ``input``) and the pages of ``per_page`` documents.

    Streams: at most two pages of documents are held at once (a page links to the next only
    once the next is known to exist).  Pages left from an earlier, longer corpus are removed.
    Lines that are not records are left out and counted.
    """
    if per_page < 1:
        raise ValueError(f"--per-page must be at least 1, not {per_page}")
    index = output or default_output(input)
    folder = pages_folder(index)
    bad_lines: list[RecordError] = []
    title = f"{input.name}: pre-labelled documents for review"
    rows: list[IndexRow] = []
    index_from_page = url_quote(f"../{index.name}")

    def page_href(number: int) -> str:
        return url_quote(PAGE_NAME.format(number=number))

    def write_page(number: int, page: list[tuple[int, Document]], last: bool) -> None:
        html = page_html(
            page, title=f"{input.name}: page {number}, documents {page[0][0]}–{page[-1][0]}", index_href=index_from_page,
            previous_href=page_href(number - 1) if number > 1 else None,
            next_href=None if last else page_href(number + 1),
        )
        with atomic_writer(folder / PAGE_NAME.format(number=number)) as handle:
            handle.write(html)

    held: list[tuple[int, Document]] | None = None
    pages = 0
    for page in numbered_pages(read_documents(input, on_error=bad_lines.append), per_page):
        pages += 1
        href = url_quote(f"{folder.name}/{PAGE_NAME.format(number=pages)}")
        rows += [index_row(document, number, f"{href}#d{number}") for number, document in page]
        if held is not None:
            write_page(pages - 1, held, last=False)
        held = page
    if held is not None:
        write_page(pages, held, last=True)
    remove_stale_pages(folder, pages)
    note = f"{len(bad_lines)} line(s) of {input.name} are not records and are left out" if bad_lines else ""
    page_hrefs = [url_quote(f"{folder.name}/{PAGE_NAME.format(number=n)}") for n in range(1, pages + 1)]
    with atomic_writer(index) as handle:
        handle.write(index_html(rows, title=title, pages=page_hrefs, per_page=per_page, note=note))
    return ReviewWritten(len(rows), pages, index, folder, len(bad_lines))


def remove_stale_pages(folder: Path, pages: int) -> None:
    """Remove our page files numbered above ``pages`` (an earlier run had more documents); nothing else."""
    if folder.is_dir():
        for path in folder.iterdir():
            match = PAGE_PATTERN.fullmatch(path.name)
            if match and int(match.group(1)) > pages:
                path.unlink()


def render_html(input: Path, output: Path, *, limit: int) -> int:
    """One page of the first ``limit`` documents of ``input`` (a quick look); returns how many it shows.

    When the input holds more, the page says so at the top.
    """
    documents = read_documents(input)
    shown = list(islice(enumerate(documents, start=1), max(limit, 0)))
    more = next(documents, None) is not None
    note = f"the first {len(shown)} document(s) of {input.name}; it holds more" if more else ""
    with atomic_writer(output) as handle:
        handle.write(page_html(shown, title=f"{input.name}: pre-labelled documents", note=note))
    return len(shown)
