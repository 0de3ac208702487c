"""The page read into paragraphs, as repair writes it out and as normalize needs it for quote marks.

Steps, all on the normalised text:
1. :mod:`pipeline.page.layout` gives each line a role and finds side-by-side columns,
   which are read back column by column;
2. page furniture and decorative quote marks go, Markdown markers and indentation are stripped;
3. lines that belong to one paragraph are rejoined (``continues``), using sentence-final
   punctuation, line widths against the column width, indentation and blank lines;
4. the result is one paragraph per line of ``text`` with a ``Block`` per paragraph, the
   found metadata, an offset per character, and why each dropped character went.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from pipeline.core.edits import raw_span
from pipeline.core.record import Block, Document, Edit
from pipeline.core.text_tables import BLANKS, BULLETS, STORY_OPENER_RE
from pipeline.page import layout
from pipeline.page.analysis import PageAnalysis, analyze_page
from pipeline.page.cells import read_columns
from pipeline.page.layout import PARAGRAPH_INDENT
from pipeline.page.spaces import find_body_spaces

JOINABLE_ROLES = frozenset({layout.BODY, layout.PULL_QUOTE})


@dataclass
class Unit:
    """One printed line (or column cell) of text in reading order."""

    role: str
    start: int
    end: int
    width: float
    indented: bool
    newline: int | None  # index of the source "\n" ending this line, if the unit owns it
    ends: bool = False  # it ends with what can end a paragraph (layout.ends_paragraph)


@dataclass
class Break:
    """Something between units that is not text: a blank line, furniture, a page change."""


@dataclass
class ColumnBreak:
    """The move from the foot of one side-by-side column to the head of the next: no paragraph evidence."""


@dataclass(frozen=True)
class Evidence:
    """What the whole article says about its lines: column width, indentation, blank-line habit."""

    width: float | None
    indents_paragraphs: bool
    blank_between_paragraphs: bool


# A whole line in brackets: a story's signature or dateline (（李少奇）, （本报珀斯1月18日电）).
SIGNATURE_LINE_RE = re.compile(r"[（(][^（）()]{1,24}[）)]")
COLON_SHORTFALL = 3.0  # em: a line ending in a colon ends its paragraph only when this much short


# Marks a typesetter hangs past a full line's end rather than start the next line with them (a paragraph's
# first line ``当时的定价接近区间高位，`` is its indent short of the column without its comma).
HANGING_MARKS = "，、；："


def _opens_paragraph(evidence: Evidence, following: str, following_width: float) -> bool:
    """Whether ``following`` looks like a paragraph's first line whose indent OCR lost: two characters
    short of the column, running on."""
    if evidence.width is None or not following or layout.ends_paragraph(following):
        return False
    text = following.rstrip(BLANKS)
    if text[-1:] in HANGING_MARKS:  # rule hanging_mark_outside: a mark hung past the line's end takes no room
        following_width -= 1.0
    return PARAGRAPH_INDENT - 0.5 <= evidence.width - following_width <= PARAGRAPH_INDENT + 1


# em: the indent at least, and a fifth of the column (a line an OCR slip shortened is a character or two short,
# and a narrow column's paragraph end may be no shorter than its next paragraph's indented first line)
LOST_STOP_SHORTFALL = PARAGRAPH_INDENT
LOST_STOP_SHARE = 0.2


def _lost_its_full_stop(previous: str, previous_width: float, evidence: Evidence, following: str, following_width: float) -> bool:
    """A paragraph's last line whose closing mark OCR lost (``他同加蒂举行了会谈``): in an article that indents,
    a line short of the column by the indent and a fifth of the column at least, ending in a character or a
    term's closing bracket or quote mark (``软银愿景基金（Vision Fund）``; no comma), before a paragraph's first
    line (rule ``lost_full_stop``: ``总领事吴祖荣`` | ``谢家树在天后庙举`` in a column ten characters wide)."""
    text = previous.rstrip(BLANKS)
    if not (evidence.indents_paragraphs and evidence.width and text) or not (text[-1].isalnum() or text[-1] in CLOSING_MARKS):
        return False
    return _short_of_the_column(previous_width, evidence) and _opens_paragraph(evidence, following, following_width)


# A term in brackets or quotes may end a sentence whose full stop OCR lost (``软银愿景基金（Vision Fund）``).
CLOSING_MARKS = "）)”’》"


def _short_of_the_column(width: float, evidence: Evidence) -> bool:
    """Short of the column by more than OCR's slips shorten a line: the indent, and a fifth of the column."""
    return evidence.width is not None and width <= evidence.width - max(LOST_STOP_SHORTFALL, LOST_STOP_SHARE * evidence.width)


def _signature_after_lost_stop(previous: str, previous_width: float, evidence: Evidence, following: str) -> bool:
    """Rule ``signature_after_lost_stop``: a line all in brackets (``（本报珀斯1月18日电）``) after a line short of the
    column that ends in a character (``之翻开崭新的一页`` whose full stop OCR lost) is the story's signature: the
    sentence before it ended.  After a line near the column's width it is a sentence's bracket (``（包括民办教师）``)."""
    text = previous.rstrip(BLANKS)
    return (
        bool(text)
        and text[-1].isalnum()
        and bool(SIGNATURE_LINE_RE.fullmatch(following.strip(BLANKS)))
        and _short_of_the_column(previous_width, evidence)
    )


_STRAY_STOPS_RE = re.compile(f"[{BLANKS}。，,.]+$")


def opener_runs_on(line: str) -> bool:
    """Rule ``story_opener_runs_on``: a line that holds a story's opening words alone (``新华社北京1月19日电``), with
    a mark OCR read after them (``电。``) or none, is no paragraph of its own: the story runs on after them."""
    bare = _STRAY_STOPS_RE.sub("", "".join(line.split()))
    opener = STORY_OPENER_RE.match(bare)
    return opener is not None and opener.end() == len(bare)


def continues(
    previous: str,
    previous_width: float,
    following_indented: bool,
    blank_between: bool,
    evidence: Evidence,
    *,
    opens_paragraph: bool = False,
    following: str = "",
    following_width: float = 0.0,
    last_line: str = "",
) -> bool:
    """Whether the next line continues the paragraph of ``previous`` (a line-break repair rule).

    * A body paragraph never ends on a line without 。！？” and the like (headlines,
      crossheads and bylines are other roles): ``促使企业尽`` | ``快投产``, whatever the
      line's width, an indent or a blank line between (a column or page break) say; unless
      OCR lost the mark: in an article that indents, a line ending in a character, short of the
      column by the indent and a fifth of it, before a paragraph's first line (``他同加蒂举行了会谈``
      | ``钱其琛说，…``).
    * Otherwise indentation, where the article uses it, opens a paragraph.
    * A colon ends a paragraph only on a line clearly short of the column (``同志们：``).
    * Free-running lines (one paragraph per line) end their paragraph.
    * Hard-wrapped lines: a line shorter than the column ends its paragraph; a full line
      continues, unless a blank line follows in an article that separates paragraphs so.
      A paragraph's first line (``opens_paragraph``) is full two characters short: its
      indent, which OCR seldom keeps; so a full line ending a sentence, followed by a line
      two characters short that runs on (``following``), ends its paragraph; after a blank
      line, one a character short does too.
    * A line that is all in brackets after a sentence's end (``（李少奇）``, ``（本报珀斯1月18日电）``)
      is the story's signature, a paragraph of its own; so it is after a line short of the column
      whose full stop OCR lost (``_signature_after_lost_stop``).
    * A story's opening words alone on the paragraph's last line (``last_line``), a mark OCR read after
      them or not (``新华社北京1月19日电。``), run on into the story (``opener_runs_on``).
    """
    if opener_runs_on(last_line):
        return True
    if not layout.ends_paragraph(previous):
        return not (
            _lost_its_full_stop(previous, previous_width, evidence, following, following_width)
            or _signature_after_lost_stop(previous, previous_width, evidence, following)
        )
    if evidence.indents_paragraphs and following_indented:
        return False
    if SIGNATURE_LINE_RE.fullmatch(following.strip(BLANKS)):
        return False  # a line of its own in brackets after a sentence's end: the story's signature
    indent = PARAGRAPH_INDENT if opens_paragraph else 0.0
    if evidence.width is None:  # free-running lines
        return False
    shortfall = evidence.width - previous_width - indent
    if previous.rstrip(BLANKS)[-1] in "：:":  # 同志们： ends a paragraph; 他说： at a line's end mostly runs on
        return shortfall < COLON_SHORTFALL
    if shortfall >= 1:  # a short line
        return False
    if _opens_paragraph(evidence, following, following_width):
        return False
    if following and not layout.ends_paragraph(following):
        short_by = evidence.width - following_width
        if blank_between and PARAGRAPH_INDENT - 1.25 <= short_by <= PARAGRAPH_INDENT + 1:
            return False  # a blank line, then a line a character short (its indent lost, a character too)
    if evidence.indents_paragraphs:  # a full line, and the next is not indented: a sentence ended at a line's end
        return True
    return not (blank_between and evidence.blank_between_paragraphs)


class _Reader:
    """Turns lines into units in reading order, remembering why each dropped character was dropped."""

    def __init__(self, text: str, widths: list[float]) -> None:
        self.text = text
        self.widths = widths
        self.dropped_as = ["paragraph_break"] * len(text)
        self.sequence: list[Unit | Break | ColumnBreak] = []

    def width(self, start: int, end: int) -> float:
        return sum(self.widths[start:end])

    def mark(self, start: int, end: int, kind: str) -> None:
        for index in range(start, min(end, len(self.text))):
            self.dropped_as[index] = kind

    def add_line(self, start: int, end: int, role: str) -> None:
        line = self.text[start:end]
        newline = end if end < len(self.text) else None
        if role in layout.DROPPED_ROLES:
            kind = {
                layout.FURNITURE: "remove_furniture",
                layout.QUOTE_MARK: "remove_decoration",
                layout.NOISE: "remove_noise",
            }.get(role, "paragraph_break")
            self.mark(start, end, kind)
            self.sequence.append(Break())
            return
        prefix = layout.markdown_prefix_length(line)
        self.mark(start, start + prefix, "strip_markup")
        body = line[prefix:]
        if role == layout.CROSSHEAD:  # its bullet, kept by normalisation as the evidence, goes now
            bullets = len(body) - len(body.lstrip(BULLETS))
            self.mark(start + prefix, start + prefix + bullets, "stray_symbol")
            prefix += bullets
            body = body[bullets:]
        lead = len(body) - len(body.lstrip(BLANKS))
        trail = len(body) - len(body.rstrip(BLANKS))
        self.mark(start + prefix, start + prefix + lead, "strip_indent")
        self.mark(end - trail, end, "trailing_space")
        self.sequence.append(
            Unit(
                role=role,
                start=start + prefix + lead,
                end=end - trail,
                width=self.width(start + prefix, end - trail),
                indented=layout.is_indented(body),
                newline=newline,
                ends=layout.ends_paragraph(body),
            )
        )

    def add_columns(self, spans: list[tuple[int, int]], hint: float | None = None) -> None:
        """Read a side-by-side region column by column (:func:`pipeline.page.cells.read_columns`); ``hint``:
        the column width the page's other lines show."""
        lines = [self.text[s:e] for s, e in spans]
        line_widths = [self.widths[s:e] for s, e in spans]
        columns = read_columns(lines, line_widths, hint=hint)
        first, last = spans[0][0], spans[-1][1]
        self.mark(first, last + 1, "split_columns")
        for column in range(columns.count):
            cells = [(spans[r][0] + cell.start, spans[r][0] + cell.end, cell.indented) for r, row in enumerate(columns.rows) for cell in [row[column]]]
            while cells and cells[-1][0] == cells[-1][1]:
                cells.pop()
            if column:
                self.sequence.append(ColumnBreak())
            for s, e, indented in cells:
                if s == e:
                    self.sequence.append(Break())
                else:
                    ends = layout.ends_paragraph(self.text[s:e])
                    self.sequence.append(Unit(layout.BODY, s, e, self.width(s, e), indented, None, ends))


def _evidence(sequence: list[Unit | Break | ColumnBreak]) -> Evidence:
    """The article's habits: its column width; whether it indents paragraphs (lines that still show an
    indent, or, where OCR lost them all, lines after a paragraph's end two characters short of the
    column: :func:`indents_by_width`); whether a blank line follows most paragraph ends."""
    units = [u for u in sequence if isinstance(u, Unit) and u.role == layout.BODY]
    width = layout.estimate_column_width([u.width for u in units])
    indented = sum(u.indented for u in units)
    indents = indented >= 2 and indented >= 0.05 * len(units) or indents_by_width(units, width)
    blank_after_end = ends = 0
    if width is not None:
        for index, item in enumerate(sequence[:-1]):
            if isinstance(item, Unit) and item.role == layout.BODY and item.width <= width - 2:
                ends += 1
                blank_after_end += isinstance(sequence[index + 1], Break)
    return Evidence(width, indents, ends > 0 and blank_after_end / ends >= 0.5)


MIN_INDENT_VOTES = 2


def indents_by_width(units: list[Unit], width: float | None) -> bool:
    """Whether the lines that open paragraphs are two characters short of the column (an indent OCR lost)
    rather than full (paragraphs set apart by space), judged over the whole article on the lines that run
    on after a sentence's end: two at least two characters short, and twice as many as the full ones after
    a paragraph's short last line."""
    if width is None:
        return False
    short = flush = 0
    for before, after in zip(units, units[1:]):
        if not before.ends or after.ends:
            continue
        if width - PARAGRAPH_INDENT - 1 <= after.width <= width - 1.5:
            short += 1
        elif after.width >= width - 0.5 and before.width <= width - PARAGRAPH_INDENT:
            flush += 1  # after a paragraph's short last line, a full line: the next paragraph set flush
    return short >= MIN_INDENT_VOTES and short >= 2 * flush


def _paragraphs(text: str, sequence: list[Unit | Break | ColumnBreak], evidence: Evidence) -> list[list[Unit]]:
    paragraphs: list[list[Unit]] = []
    blank = False
    for item in sequence:
        if isinstance(item, ColumnBreak):
            continue
        if isinstance(item, Break):
            blank = bool(paragraphs)
            continue
        if paragraphs:
            last = paragraphs[-1][-1]
            # the paragraph's last lines, so a bracket opened a line before is seen closing
            so_far = "".join(text[u.start : u.end] for u in paragraphs[-1][-3:])
            opens = len(paragraphs[-1]) == 1
            if (
                item.role == last.role
                and item.role in JOINABLE_ROLES
                and continues(
                    so_far,
                    last.width,
                    item.indented,
                    blank,
                    evidence,
                    opens_paragraph=opens,
                    following=text[item.start : item.end],
                    following_width=item.width,
                    last_line=text[last.start : last.end],
                )
            ):
                paragraphs[-1].append(item)
                blank = False
                continue
        paragraphs.append([item])
        blank = False
    return fragments_joined(text, paragraphs)


MAX_FRAGMENT = 4  # characters


def fragments_joined(text: str, paragraphs: list[list[Unit]]) -> list[list[Unit]]:
    """A body paragraph of at most four characters that ends a sentence (``式开工。``, ``店。``) is no
    paragraph but the tail of a sentence a column cut set apart: it joins the paragraph before it (the
    first one joins the one after).  Its characters are counted without blanks, which repair drops
    between Chinese characters (``工作 。``).  One that runs on already joined the next (``continues``),
    unless rule ``lost_full_stop`` ended it (``吴祖荣`` before a paragraph's first line): between two body
    paragraphs, that is a sentence's tail whose full stop OCR lost, and it joins the one before too.  One
    that ends in a colon (``图片：``) or without punctuation at the page's end (``记者问``) stays."""

    def tail(units: list[Unit], *, inside: bool) -> bool:
        pieces = "".join(ch for u in units for ch in text[u.start : u.end] if ch not in BLANKS)
        if units[0].role != layout.BODY or not pieces or len(pieces) > MAX_FRAGMENT or pieces[-1] in "：:":
            return False
        return layout.ends_paragraph(pieces) or (inside and pieces[-1].isalnum())

    out: list[list[Unit]] = []
    for number, units in enumerate(paragraphs):
        inside = number + 1 < len(paragraphs) and paragraphs[number + 1][0].role == layout.BODY
        if out and out[-1][0].role == layout.BODY and tail(units, inside=inside):
            out[-1] = out[-1] + units
        elif out and len(out) == 1 and tail(out[0], inside=False) and units[0].role == layout.BODY:
            out[0] = out[0] + units
        else:
            out.append(units)
    return out


@dataclass(frozen=True)
class PageReading:
    """The page as repair reads it: paragraphs (one per line of ``text``) and why each dropped character went.

    ``kept[i]``/``dropped_as[i]`` are about character ``i`` of the document read;
    ``inserted`` are the line joins and paragraph breaks added.
    """

    text: str
    offsets: list[int]
    blocks: list[Block]
    kept: list[bool]
    dropped_as: list[str]
    inserted: list[Edit]
    meta: dict[str, Any]


def read_page(doc: Document, analysis: PageAnalysis | None = None) -> PageReading:
    """Read the page into paragraphs; ``analysis`` is ``analyze_page(doc)`` when the caller has it."""
    text = doc.text
    if not doc.offsets:
        doc = replace(doc, offsets=list(range(len(text))))
    offsets = doc.offsets
    if analysis is None:
        analysis = analyze_page(doc)
    spans, widths, page = analysis.spans, analysis.widths, analysis.page
    lines = [text[s:e] for s, e in spans]

    reader = _Reader(text, widths)
    single = [sum(widths[s:e]) for (s, e), role, side in zip(spans, page.roles, page.column_rows) if role == layout.BODY and not side]
    hint = layout.estimate_column_width(single)
    index = 0
    while index < len(lines):
        if page.column_rows[index]:
            end = index
            while end < len(lines) and page.column_rows[end]:
                end += 1
            reader.add_columns(spans[index:end], hint)
            index = end
        else:
            reader.add_line(*spans[index], page.roles[index])
            index += 1

    evidence = _evidence(reader.sequence)
    paragraphs = _paragraphs(text, reader.sequence, evidence)

    out_chars: list[str] = []
    out_offsets: list[int] = []
    kept = [False] * len(text)
    inserted: list[Edit] = []
    blocks: list[Block] = []

    def keep(start: int, end: int) -> None:
        kept[start:end] = [True] * (end - start)
        out_chars.extend(text[start:end])
        out_offsets.extend(offsets[start:end])

    def insert(string: str, at: int, kind: str) -> None:
        raw_at = raw_span(doc, at, at)[0]
        out_chars.extend(string)
        out_offsets.extend([raw_at] * len(string))
        inserted.append(Edit(kind, raw_at, raw_at, string))

    for number, units in enumerate(paragraphs):
        if number:
            previous = paragraphs[number - 1][-1]
            if previous.newline is not None and not kept[previous.newline]:
                keep(previous.newline, previous.newline + 1)
            else:
                insert("\n", previous.end, "paragraph_break")
        block_start = len(out_chars)
        for position, unit in enumerate(units):
            if position:
                before = out_chars[-1] if out_chars else ""
                after = text[unit.start] if unit.start < unit.end else ""
                if re.match(r"[A-Za-z]", before) and re.match(r"[A-Za-z]", after):
                    insert(" ", unit.start, "join_lines")
            cursor = unit.start
            if unit.role != layout.BYLINE and unit.role not in layout.HEADLINE_ROLES:
                for s, e, _ in find_body_spaces(text[unit.start : unit.end]):
                    keep(cursor, unit.start + s)
                    reader.mark(unit.start + s, unit.start + e, "space_between_cjk")
                    cursor = unit.start + e
            keep(cursor, unit.end)
        kind = units[0].role
        blocks.append(Block(kind, block_start, len(out_chars)))

    for units in paragraphs:
        for before, after in zip(units, units[1:]):
            for i in range(before.end, after.start):
                if reader.dropped_as[i] == "paragraph_break":
                    reader.dropped_as[i] = "join_lines"
    return PageReading("".join(out_chars), out_offsets, blocks, kept, reader.dropped_as, inserted, page.meta)


@dataclass
class Page:
    """What was read of a document's page, handed from one stage to the next on ``Document.page``.

    ``reading`` is there when the stage that analysed the page also read it.
    """

    analysis: PageAnalysis
    reading: PageReading | None = None
