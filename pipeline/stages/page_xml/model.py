"""What an ALTO or hOCR file says of a page: words with their boxes and where their characters are in the file.

Both formats come down to the same things: pages, text blocks, lines and words, each
with a bounding box, and for every character of a word the offset (code points of the
decoded file) of the character it was read from.  The geometry (:mod:`.geometry`) reads
articles out of these; it never sees XML.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.core.record import Edit


@dataclass(frozen=True)
class Box:
    """A bounding box in the file's units (pixels, ALTO's mm10 or inch1200): left, top, right, bottom."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    def union(self, other: Box) -> Box:
        return Box(min(self.x0, other.x0), min(self.y0, other.y0), max(self.x1, other.x1), max(self.y1, other.y1))

    def x_overlap(self, other: Box) -> float:
        return min(self.x1, other.x1) - max(self.x0, other.x0)

    def y_overlap(self, other: Box) -> float:
        return min(self.y1, other.y1) - max(self.y0, other.y0)


def union_of(boxes: list[Box]) -> Box:
    return Box(min(b.x0 for b in boxes), min(b.y0 for b in boxes), max(b.x1 for b in boxes), max(b.y1 for b in boxes))


@dataclass
class Word:
    """A word as the OCR engine boxed it: its text, the file offset of each character, and
    ``edits`` for characters that differ from the file's (``&amp;`` read as ``&``)."""

    text: str
    offsets: list[int]
    box: Box
    edits: list[Edit] = field(default_factory=list)
    # the type size the geometry measured (``geometry.word_size``), kept: a word is measured many times
    measured: float | None = field(default=None, compare=False, repr=False)

    @property
    def end(self) -> int:
        """The file offset just after the word's last character (an insertion point after it)."""
        return self.offsets[-1] + 1


def make_word(text: str, offsets: list[int], edits: list[Edit], box: Box) -> Word | None:
    """A word without the white space around it (and its offsets), or None if nothing else is left."""
    start, end = 0, len(text)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start == end:
        return None
    if (start, end) == (0, len(text)):
        return Word(text, offsets, box, edits)
    kept = set(offsets[start:end])
    return Word(text[start:end], offsets[start:end], box, [e for e in edits if e.raw_start in kept])


@dataclass
class Line:
    """A printed line: its words left to right, its box, the text block it was in, the font
    size its style names (ALTO ``FONTSIZE``; None when the file gives none) and whether the
    file put it in a page margin (ALTO ``TopMargin``/``BottomMargin``: running heads, folios)."""

    words: list[Word]
    box: Box
    block: int
    font_size: float | None = None
    margin: bool = False

    @property
    def text(self) -> str:
        return "".join(word.text for word in self.words)


@dataclass
class Page:
    """One page of the file: its lines in file order and its box (None: the lines' extent)."""

    lines: list[Line]
    box: Box | None = None


@dataclass
class PageFile:
    """What a file holds: its format (``alto`` or ``hocr``) and its pages."""

    format: str
    pages: list[Page]
