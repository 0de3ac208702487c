"""Small shared types for the quote stages: paragraphs and record-format spans."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pipeline.core.record import Block
from pipeline.core.text_tables import HAN

SpanDict = dict[str, Any]


# A run of spaces between two Han characters outside a title: between a headline, a dateline and the story on
# one line (哈佛诉讼案中国侨网10月25日电 据美国《星岛日报》报道); spaces beside a Latin word, a number or a bracket
# only set it apart in running text (Facebook 公司 CFO David Wehner 在财报中称, 《黄帝内经》 中也载文表示).
_UNIT_GAP_RE = re.compile(f"(?<=[{HAN}])[ \u3000\xa0]+(?=[{HAN}])")


def after_unit_gap(text: str, start: int, end: int) -> int:
    """Where the last unit of ``text[start:end]`` begins: past its last space between units of a line, if any
    (not one inside a title: 《研经 言·用药 论二》)."""
    gaps = [
        gap.end()
        for gap in _UNIT_GAP_RE.finditer(text, start, end)
        if gap.end() < end and text.count("《", start, gap.start()) <= text.count("》", start, gap.start())
    ]
    return gaps[-1] if gaps else start


def span_dict(text: str, start: int, end: int) -> SpanDict:
    """A span in the record format: ``{"start", "end", "text"}`` (``str`` indices, end exclusive)."""
    return {"start": start, "end": end, "text": text[start:end]}


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of the article: ``text[start:end]`` with no newline inside."""

    index: int
    start: int
    end: int


def paragraphs(text: str) -> list[Paragraph]:
    """Non-blank paragraphs of a whole article whose paragraphs are separated by ``\\n``."""
    found: list[Paragraph] = []
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        if line.strip():
            found.append(Paragraph(len(found), start, end))
        start = end + 1
    return found


def paragraph_kinds(paras: list[Paragraph], blocks: Iterable[Block]) -> dict[int, str]:
    """What layout found each paragraph to be (``headline``, ``byline``, ``attribution``, ...), by paragraph index.

    Layout's blocks are paragraphs of the repaired text; a paragraph no block starts in is left out.
    """
    starts = {para.start: para.index for para in paras}
    kinds: dict[int, str] = {}
    for block in blocks:
        index = starts.get(block.start)
        if index is None:
            para = paragraph_at(paras, block.start)
            index = para.index if para is not None else None
        if index is not None:
            kinds.setdefault(index, block.kind)
    return kinds


def paragraph_at(paras: list[Paragraph], pos: int) -> Paragraph | None:
    """The paragraph holding ``pos`` (its end counts as inside)."""
    for para in paras:
        if para.start <= pos <= para.end:
            return para
    return None


def strip_span(text: str, start: int, end: int, chars: str = " \t\u3000") -> tuple[int, int]:
    """Shrink ``[start, end)`` past leading and trailing ``chars``."""
    while start < end and text[start] in chars:
        start += 1
    while end > start and text[end - 1] in chars:
        end -= 1
    return start, end
