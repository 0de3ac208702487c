"""Changing a document's text while keeping its trail back to the scan.

A *finder* yields the replacements a rule would make; :func:`edit_document` applies
them to a ``Document`` so that ``offsets`` stay true (``offsets[i]`` is the raw offset
of ``text[i]``) and each change is listed as an ``Edit``.  Normalize builds its rules
on these; repair maps what it drops and inserts back to the raw file with :func:`raw_span`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace

from pipeline.core.record import Block, Document, Edit

Replacement = tuple[int, int, str]
"""``(start, end, new_text)``: replace ``text[start:end]`` by ``new_text``."""
Finder = Callable[[str], Iterable[Replacement]]


def apply_replacements(text: str, replacements: Iterable[Replacement]) -> str:
    """Apply non-overlapping replacements (in any order) to a string."""
    out, position = [], 0
    for start, end, new in sorted(replacements):
        out += [text[position:start], new]
        position = end
    out.append(text[position:])
    return "".join(out)


def raw_span(doc: Document, start: int, end: int) -> tuple[int, int]:
    """The raw-file span that ``doc.text[start:end]`` came from (an insertion point if empty)."""
    if start < end:
        covered = doc.offsets[start:end]
        return min(covered), max(covered) + 1
    if start < len(doc.offsets):
        return doc.offsets[start], doc.offsets[start]
    end_of_raw = (doc.offsets[-1] + 1) if doc.offsets else 0
    return end_of_raw, end_of_raw


def edit_document(doc: Document, kind: str, replacements: Iterable[Replacement]) -> Document:
    """Apply replacements to ``doc.text``, carrying ``offsets`` along and listing each change as an ``Edit``."""
    return edit_document_by_kind(doc, [(kind, replacement) for replacement in replacements])


def edit_document_by_kind(doc: Document, changes_by_kind: Iterable[tuple[str, Replacement]]) -> Document:
    """Apply non-overlapping replacements, each with its own edit kind.

    A same-length replacement keeps each character's offset; otherwise the new
    characters map to the raw position where the replaced span started.  With nothing
    to change, the very same document comes back.
    """
    changes = sorted((s, e, new, kind) for kind, (s, e, new) in changes_by_kind if doc.text[s:e] != new)
    if not changes:
        return doc
    text_parts: list[str] = []
    offset_parts: list[int] = []
    edits = list(doc.edits)
    position = 0
    for start, end, new, kind in changes:
        text_parts.append(doc.text[position:start])
        offset_parts += doc.offsets[position:start]
        raw_start, raw_end = raw_span(doc, start, end)
        if len(new) == end - start:
            offset_parts += doc.offsets[start:end]
        else:
            offset_parts += [raw_start] * len(new)
        text_parts.append(new)
        edits.append(Edit(kind, raw_start, raw_end, new))
        position = end
    text_parts.append(doc.text[position:])
    offset_parts += doc.offsets[position:]
    blocks = _moved_blocks(doc.blocks, [(start, end, len(new)) for start, end, new, _ in changes]) if doc.blocks else doc.blocks
    return replace(doc, text="".join(text_parts), offsets=offset_parts, edits=edits, blocks=blocks)


def _moved_blocks(blocks: list[Block], changes: list[tuple[int, int, int]]) -> list[Block]:
    """Blocks carried onto the changed text (``changes``: sorted ``(start, end, new length)``).

    A block keeps the text it covered: a change inside it, or one the block starts or ends
    inside, is the block's; a change just before its start or just after its end is not.
    """
    starts = [start for start, _, _ in changes]
    shifts = [0]
    for start, end, length in changes:
        shifts.append(shifts[-1] + length - (end - start))

    def moved(position: int, is_end: bool) -> int:
        k = bisect_right(starts, position) - 1  # the last change starting at or before the position
        if k < 0:
            return position
        start, end, length = changes[k]
        if position == start:
            return start + shifts[k]
        if position < end:
            return start + shifts[k] + (length if is_end else 0)
        return position + shifts[k + 1]

    return [replace(block, start=moved(block.start, False), end=max(moved(block.start, False), moved(block.end, True))) for block in blocks]


def regex_finder(pattern: re.Pattern[str], replacement: str | Callable[[re.Match[str]], str]) -> Finder:
    """A finder replacing every match of ``pattern`` by a string or by what a function makes of the match."""

    def find(text: str) -> Iterator[Replacement]:
        for match in pattern.finditer(text):
            new = replacement if isinstance(replacement, str) else replacement(match)
            yield match.start(), match.end(), new

    return find
