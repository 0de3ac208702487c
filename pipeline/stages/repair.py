"""Repair: from recognised layout and broken lines to clean paragraphs, with provenance.

The page is read by :func:`pipeline.page.reading.read_page` (or was read already by
normalize, which hands its reading on ``Document.page``); this stage writes the reading
out: one paragraph per line of ``text``, a ``Block`` per paragraph, the metadata found
(headline, byline, publication, date, page), an offset per character and an ``Edit``
for each removed or inserted stretch.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from pipeline.core.edits import raw_span
from pipeline.core.record import Document, Edit
from pipeline.page import layout
from pipeline.page.reading import read_page


def repair_document(doc: Document) -> Document:
    """Recognise the layout and rejoin broken lines; pure, and keeps offsets and edits true.

    The page normalize read and handed on (``doc.page``) is used as it is; a record read
    from a file has none, and its page is read here: the same reading either way.
    """
    page = doc.page
    if page is not None and page.reading is not None:
        reading = page.reading
    else:
        reading = read_page(doc, page.analysis if page is not None else None)
    if not doc.offsets:
        doc = replace(doc, offsets=list(range(len(doc.text))))
    removed = _removal_edits(doc, reading.kept, reading.dropped_as)
    new_text = reading.text
    blocks = reading.blocks
    meta: dict[str, Any] = {**doc.meta, **reading.meta}
    for kind in (layout.HEADLINE, layout.SUBHEADLINE):
        found = [new_text[b.start : b.end] for b in blocks if b.kind == kind]
        if found:
            meta[kind] = "\n".join(found)
    edits = list(doc.edits) + sorted(removed + reading.inserted, key=lambda e: (e.raw_start, e.raw_end))
    return replace(doc, text=new_text, offsets=reading.offsets, edits=edits, blocks=blocks, meta=meta)


def _removal_edits(doc: Document, kept: list[bool], kinds: list[str]) -> list[Edit]:
    """One ``Edit`` per run of dropped characters of one kind.

    The kept runs, most of the text, are skipped by ``list.index`` rather than a character at a time."""
    edits = []
    count, index = len(kept), 0
    while True:
        try:
            index = kept.index(False, index)
        except ValueError:
            break
        kind, end = kinds[index], index + 1
        while end < count and not kept[end] and kinds[end] == kind:
            end += 1
        raw_start, raw_end = raw_span(doc, index, end)
        edits.append(Edit(kind, raw_start, raw_end, ""))
        index = end
    return edits
