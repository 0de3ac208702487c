"""Rows of side-by-side columns cut into cells, by what a full column line is worth.

An OCR engine that reads a page row by row (Tesseract ``--psm 6``, ``pdftotext -layout``)
writes each printed row of an article set in columns as one line: the columns' lines run
together, set apart by a run of spaces, a single space, a mark it read into the white
(``。”``, a column rule read as ``|``) or nothing at all.  Positions along such a line are
no measure of where a column starts (an indent is lost, a run of spaces is as long as the
engine guessed), but the printed width of the text is: a column's lines are full, as wide
as the column, except a paragraph's last line (which ends a sentence) and its first
(indented, two characters short).

So each row is cut where the cells it gives are best explained: every place a row may be
cut costs by what stands there (a wide gap or a column rule nothing, a single space
something, running text most), every cell costs by how its width departs from the column's
without a reason (a sentence's end, an indent after a paragraph's end in the column above,
an empty cell where a column has ended), and a gap left inside a cell costs too.  The
count and width of the columns are those whose cuts cost least over the whole region.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.core.text_tables import BLANKS, NO_LINE_START, PARAGRAPH_FINAL
from pipeline.page.layout import PARAGRAPH_INDENT, ends_paragraph, is_indented

# What may stand where two columns meet: a stray full stop or comma after a space (and before a space or a
# quote mark, ``时 。”事侦缉``, or doubled, ``中 ，，期``), a column rule, quote marks, spaces; a run of them
# is one separator.  A column rule's edges read as marks (``但。 |``, ``“| ，参观``): a mark next to one,
# with or without a space between, is the rule's.
STRAY_MARKS = '。，,.、；;“”"'
SEPARATOR_RE = re.compile(
    rf"(?:[{STRAY_MARKS}]?[ \t\u3000]*[|｜]+[ \t\u3000]*[{STRAY_MARKS}]*(?=[^{STRAY_MARKS}]|$)"
    r"|[ \t\u3000]+(?:[。，,.、；;]{2,}|[。，,.、；;]+(?:[“”\"]+|(?=[ \t\u3000]|$)))|[ \t\u3000]*[“”\"]+|[ \t\u3000]+)+"
)
SPACE = " \t\u3000"
OPENING_QUOTES = "“‘"
QUOTE_MARKS = '“”‘’"'
QUOTED_GAP_RE = re.compile(f"[{SPACE}{QUOTE_MARKS}]*")  # separators of spaces and quote marks only

# What cutting a row costs, by what stands there: how much likelier that is where columns meet than inside a
# column's running text (a log-likelihood ratio, negative where it is likelier between columns).  Inside text
# a space or a quote mark is rare and a run of spaces, a stray mark between spaces or a column rule rarer
# still; where close columns meet an OCR engine sets one of them more often than not.
CUT_AT_GAP = -5.0  # two spaces or more, or a column rule
CUT_AT_MARK = -4.0  # a stray full stop or comma between spaces
CUT_AT_QUOTE_AND_SPACE = -3.0
CUT_AT_SPACE = -2.5
CUT_AT_QUOTE = -1.5
CUT_IN_NUMBER = 0.5  # a space between digits (``1 9 9 6``, ``77. 2``): OCR's, in a number set in em boxes
CUT_NEXT_TO_NUMBER = -1.0  # a space between a digit and a character (``1 6 日``): often OCR's too
NUMBER_CHARACTERS = "0123456789.%"
CUT_IN_LATIN = 0.5  # a space next to a Latin letter: most often between two words
CUT_IN_TEXT = 1.2
# A cell may not start with punctuation that never starts a line (``，``): the line before it hangs it.
CELL_OPENS_WITH_PUNCTUATION = 0.8
# A column rule, a run of spaces, a stray mark between spaces left inside a cell: rare in running text.
RULE_INSIDE = 2.0
GAP_INSIDE = 2.0
MARK_INSIDE = 1.0
# Cells: full within FULL_SLACK em; over it, per em; short with a reason, empty, short without one (per em).
FULL_SLACK = 1.0
# A full cell's width off the column's, per em: a column's lines are as wide as it, give or take an OCR slip.
OFF_WIDTH = 1.5
OVERFULL = 3.0
SHORT_WITH_REASON = 0.2
EMPTY_AT_EDGE = 0.3
EMPTY_INSIDE = 0.5
EMPTY_MID_PARAGRAPH = 2.0  # an empty cell in a column whose last line above runs on
SHORT_WITHOUT_REASON = 1.5
# ... up to: a line that is no column's (a headline, a running head, OCR's noise) costs no more.
SHORT_MAX = 4.0
OVERFULL_MAX = 8.0
# Every column costs this much per row: of two readings that explain the rows as well, the one with fewer columns.
PER_COLUMN = 0.05
MAX_COLUMNS = 5
BEAM = 6.0  # a row's cut is followed on only from places this close to the cheapest so far
MIN_COLUMN_WIDTH = 6.0


@dataclass(frozen=True)
class Cut:
    """A place a row may be cut: the separator ``line[start:end]`` (empty inside running text), its cost, and
    what leaving it inside a cell costs."""

    start: int
    end: int
    cost: float
    inside: float


@dataclass(frozen=True)
class Cell:
    """One column's part of a row: ``line[start:end]`` (``start == end`` when empty), and whether it is a
    paragraph's first line whose indent the OCR engine dropped (two characters short, below a paragraph's end)."""

    start: int
    end: int
    indented: bool = False


@dataclass(frozen=True)
class Columns:
    """How a region's rows were cut: the number of columns, their width (em), the cells of each row, the cost."""

    count: int
    width: float
    rows: list[list[Cell]]
    cost: float


def separator_cost(separator: str, before: str, after: str) -> tuple[float, float]:
    """``(cost of cutting here, cost of leaving it inside a cell)`` for a separator between ``before`` and ``after``."""
    spaces = sum(ch in SPACE for ch in separator)
    marks = separator.strip(SPACE)
    if "|" in marks or "｜" in marks:
        return CUT_AT_GAP, RULE_INSIDE
    if spaces >= 2:
        return CUT_AT_GAP, GAP_INSIDE
    if any(ch in "。，,.、；;" for ch in marks):
        return CUT_AT_MARK, MARK_INSIDE
    if marks and spaces:
        return CUT_AT_QUOTE_AND_SPACE, 0.0
    if marks:
        return CUT_AT_QUOTE, 0.0
    if before in NUMBER_CHARACTERS and after in NUMBER_CHARACTERS:
        return CUT_IN_NUMBER, 0.0
    if before in NUMBER_CHARACTERS or after in NUMBER_CHARACTERS:
        return CUT_NEXT_TO_NUMBER, 0.0
    if before.isascii() and before.isalpha() or after.isascii() and after.isalpha():
        return CUT_IN_LATIN, 0.0
    return CUT_AT_SPACE, 0.0


def row_cuts(line: str) -> list[Cut]:
    """Every place ``line`` may be cut, in order: the row's start and end (past white space at either end), each
    separator, and between any two characters of running text.  A quote mark alone at either end is text."""
    separators = [
        m for m in SEPARATOR_RE.finditer(line) if m.group().strip('“”"') or 0 < m.start() < m.end() < len(line)
    ]
    lead = separators[0].end() if separators and separators[0].start() == 0 else 0
    trail = separators[-1].start() if separators and separators[-1].end() == len(line) else len(line)
    cuts = [Cut(0, lead, 0.0, 0.0)]
    position = lead
    for match in separators:
        start, end = match.span()
        if start == 0 or end == len(line):
            continue
        cuts.extend(Cut(i, i, CUT_IN_TEXT, 0.0) for i in range(position + 1, start))
        cost, inside = separator_cost(match.group(), line[start - 1], line[end])
        cuts.append(Cut(start, end, cost, inside))
        position = end
    cuts.extend(Cut(i, i, CUT_IN_TEXT, 0.0) for i in range(position + 1, trail))
    cuts.append(Cut(max(trail, position), len(line), 0.0, 0.0))
    return cuts


@dataclass(frozen=True)
class _CellsFrom:
    """The cells that may start at one cut: ``(end cut, cost, indented, room left)`` for each that ends
    before the row's end and within reach of the column's width, in order; the cell to the row's end (its
    cost, whether indented); whether it is within reach of a cell that is not the row's last."""

    cells: list[tuple[int, float, bool, float]]
    to_end_cost: float
    to_end_indented: bool
    reaches_end: bool


class _Row:
    """One row's cuts with what the cells between them need, measured once for every reading tried."""

    def __init__(self, line: str, widths: list[float]) -> None:
        self.line = line
        self.cuts = row_cuts(line)
        ink = [0.0]
        for ch, width in zip(line, widths):
            ink.append(ink[-1] + (0.0 if ch in SPACE else width))
        self.ink = ink
        inside = [0.0]
        for cut in self.cuts:
            inside.append(inside[-1] + cut.inside)
        self.inside = inside
        self.starts = [ink[cut.start] for cut in self.cuts]
        self.ends = [ink[cut.end] for cut in self.cuts]
        self.spaces = [_spaces(line[cut.start : cut.end]) for cut in self.cuts]
        # a cell after the cut opens with punctuation that never starts a line (``，``): the line before hangs it
        self.opens_badly = [cut.end < len(line) and line[cut.end] in NO_LINE_START for cut in self.cuts]
        # an indent the row still shows: ideographic spaces before the cell (``　　据新华社``)
        self.shown = [line[cut.start : cut.end].endswith("\u3000") for cut in self.cuts]
        self._ends: dict[tuple[int, int], bool] = {}
        self.cut_costs = [cut.cost for cut in self.cuts]
        # where a cell ending at each cut has its last printed character, when that may end a paragraph (-1
        # when it may not): most cells end in running text, which ``ends_paragraph`` then need not read
        self.final_at: list[int] = []
        for cut in self.cuts:
            at = len(line[: cut.start].rstrip(SPACE + BLANKS)) - 1
            self.final_at.append(at if at >= 0 and line[at] in PARAGRAPH_FINAL else -1)
        self._cells: dict[tuple[float, bool], list[_CellsFrom | None]] = {}
        self._cut: dict[tuple[int, float, tuple[bool, ...], Spacing | None, bool], tuple[float, list[Cell]]] = {}

    def cells_from(self, a: int, width: float, may_indent: bool) -> _CellsFrom:
        """The cells that may start at cut ``a`` in a column of ``width`` (see ``_cells_from``), worked
        out once per row: every reading of a region, and every column of a reading, asks again."""
        table = self._cells.get((width, may_indent))
        if table is None:
            table = self._cells[width, may_indent] = [None] * len(self.cuts)
        found = table[a]
        if found is None:
            found = table[a] = self._cells_from(a, width, may_indent)
        return found

    def _cells_from(self, a: int, width: float, may_indent: bool) -> _CellsFrom:
        """What each cell from cut ``a`` costs as a column line of ``width``, and whether it is read as an
        indented first line: a full line costs by how far its width is off; an overfull one by how far it
        runs over; a short one little with a reason (an indent lost, below a paragraph's end; a paragraph's
        last line), more without one.  Separators left inside cost, and so does a cell that opens with
        punctuation that never starts a line.  (Each cell is one pass of this loop: what stays the same
        along the row is looked up once, since a region's reading spends its time here.)"""
        last = len(self.cuts) - 1
        reach = width + FULL_SLACK + 3.0
        full = width + FULL_SLACK
        starts, inside, left = self.starts, self.inside, self.ends[a]
        stop = a + 1  # cells that end before the row's end reach no further than this
        while stop < last and starts[stop] - left <= reach:
            stop += 1
        opens = CELL_OPENS_WITH_PUNCTUATION if self.opens_badly[a] else 0.0
        shown = self.shown[a]
        indents = may_indent or shown
        after_gap = inside[a + 1]
        final_at, opening = self.final_at, self.cuts[a].end
        cells: list[tuple[int, float, bool, float]] = []
        append = cells.append
        for b in [*range(a + 1, stop), last]:
            wide = starts[b] - left
            cost = (inside[b] - after_gap if b > a + 1 else 0.0) + opens
            if wide > full:
                over = OVERFULL * (wide - width - FULL_SLACK)
                append((b, cost + (over if over < OVERFULL_MAX else OVERFULL_MAX), False, 0.0))
                continue
            short = width - wide
            if short <= FULL_SLACK:
                append((b, cost + OFF_WIDTH * abs(short), shown, short if short > 0.0 else 0.0))
            elif indents and abs(short - PARAGRAPH_INDENT) <= FULL_SLACK:
                append((b, cost + SHORT_WITH_REASON, True, short))
            elif final_at[b] >= opening and self.ends_paragraph(a, b):
                append((b, cost + SHORT_WITH_REASON, shown, short))
            else:
                under = SHORT_WITHOUT_REASON * (short - FULL_SLACK)
                append((b, cost + (under if under < SHORT_MAX else SHORT_MAX), False, short))
        _, to_end_cost, to_end_indented, _ = cells.pop()
        return _CellsFrom(cells, to_end_cost, to_end_indented, stop == last)

    def ends_paragraph(self, a: int, b: int) -> bool:
        """Whether the cell ends a sentence, as a paragraph's short last line does (a colon seldom ends one)."""
        if (a, b) not in self._ends:
            text = self.line[self.cuts[a].end : self.cuts[b].start].rstrip(SPACE)
            self._ends[a, b] = ends_paragraph(text) and text[-1] not in "：:"
        return self._ends[a, b]


@dataclass(frozen=True)
class Spacing:
    """How many spaces the engine sets between two columns in this region (the median after a full cell in a
    first reading).  A run of spaces after a full cell many times as long holds an empty cell: a column
    whose text ended, or a blank between paragraphs.  (How many spaces an em of white is worth varies too
    much along a row of OCR to count the empty cells by it.)"""

    gap: float

    def long(self, spaces: int) -> bool:
        return spaces >= LONG_GAP_FACTOR * max(1.0, self.gap) + 2


LONG_GAP_FACTOR = 3.0
LONG_GAP_UNEXPLAINED = 1.5  # a long run of spaces after a full cell, with no empty cell in it
# A row's first cell after this many leading spaces is no column's first.
LONG_LEAD = 4
LEAD_UNEXPLAINED = 1.0
LEAD_MISSING = 1.0  # empty cells at a row's start with no white space before its text (an engine may drop it)


def _spaces(text: str) -> int:
    return sum(ch in SPACE for ch in text) + text.count("\u3000")  # an ideographic space is two


def cut_row(
    row: _Row, count: int, width: float, ended: list[bool], spacing: Spacing | None = None, *, keep_quotes: bool = True
) -> tuple[float, list[Cell]]:
    """The cheapest cut of one row into ``count`` cells of ``width`` em; ``ended[k]``: column ``k``'s last
    line above ended a paragraph (so this row's cell may be an indented first line); ``spacing``: the
    region's, which says where a run of spaces holds empty cells (a column whose text ended, or a blank
    between paragraphs); ``keep_quotes``: a quote mark by a gap that touches a cell's text is the text's."""
    key = (count, width, tuple(ended), spacing, keep_quotes)
    if key in row._cut:
        cost, cells = row._cut[key]
        return cost, list(cells)
    line, cuts = row.line, row.cuts
    last = len(cuts) - 1
    infinity = float("inf")
    # best[k][j]: cheapest cost of the first k cells ending at cut j; back[k][j]: (cut the last non-empty
    # cell started at, empty cells after it, whether that cell is an indented first line)
    best: list[list[float]] = [[infinity] * len(cuts) for _ in range(count + 1)]
    back: list[list[tuple[int, int, bool] | None]] = [[None] * len(cuts) for _ in range(count + 1)]

    # a run of spaces may hold empty cells (a column whose text ended, or a blank between paragraphs) where it
    # is longer than the region's spacing; after a full cell, a long run holding none is unexplained
    spaces = row.spaces
    holds_empties = [n >= 2 and (spacing is None or n > spacing.gap + 1) for n in spaces]
    long_after_full = [spacing is not None and spacing.long(n) for n in spaces]
    cut_costs = row.cut_costs

    # empty cells at the row's start, after leading white space (an engine sets fewer spaces before a row's
    # first text than between texts, so their count is not read)
    # a column pauses (an empty cell) after a paragraph's end (a blank between paragraphs, or the story's
    # end), seldom in mid-paragraph
    edge = [0.0]
    inside = [0.0]
    for k in range(count):
        edge.append(edge[-1] + (EMPTY_AT_EDGE if ended[k] else EMPTY_MID_PARAGRAPH))
        inside.append(inside[-1] + (EMPTY_INSIDE if ended[k] else EMPTY_MID_PARAGRAPH))
    lead = spaces[0]
    for empties in range(count):
        if empties:
            cost = edge[empties] + (0.0 if lead >= 2 else LEAD_MISSING)
        else:
            cost = LEAD_UNEXPLAINED if lead >= LONG_LEAD else 0.0
        best[empties][0], back[empties][0] = cost, (0, empties, False)
    for k in range(count):
        level = best[k]
        bound = min(level) + BEAM  # cuts far costlier than the best so far lead nowhere better
        final = k == count - 1
        after = inside[k + 1]
        next_best, next_back = best[k + 1], back[k + 1]
        for a in range(last):
            base = level[a]
            # (empty cells at the row's start are no cut to compare); a cut not reached leads nowhere
            if base > bound and a or base == infinity:
                continue
            found = row.cells_from(a, width, ended[k])
            if not final:
                # a cell that ends before the row's end, then empty cells
                for b, cost, indented, room in found.cells:
                    start = base + cost + cut_costs[b]
                    gap = LONG_GAP_UNEXPLAINED if room <= FULL_SLACK + 1 and long_after_full[b] else 0.0
                    total = start + after - after + gap
                    if total < next_best[b]:
                        next_best[b], next_back[b] = total, (a, 0, indented)
                    if holds_empties[b]:
                        for empties in range(1, count - k - 1):
                            total = start + inside[k + 1 + empties] - after + 0.0
                            target = best[k + 1 + empties]
                            if total < target[b]:
                                target[b], back[k + 1 + empties][b] = total, (a, empties, indented)
                if not found.reaches_end:
                    continue
            # the last cell runs to the row's end, however wide; empty cells after it: columns that ended above
            cost, indented = found.to_end_cost, found.to_end_indented
            reached = edge[k + 1]
            for empties in range(count - k):
                total = base + cost + edge[k + 1 + empties] - reached
                target = best[k + 1 + empties]
                if total < target[last]:
                    target[last], back[k + 1 + empties][last] = total, (a, empties, indented)
    cells: list[Cell] = []
    k, j = count, last
    while k > 0:
        step = back[k][j]
        assert step is not None
        a, empties, indented = step
        cells.extend(Cell(cuts[j].start, cuts[j].start) for _ in range(empties))
        k -= empties
        if k == 0:
            break
        start, end = cuts[a].end, cuts[j].start
        if keep_quotes:
            start, end = _quotes_kept(line, cuts[a], cuts[j], start, end)
        end = _stop_kept(row, cuts[j], start, end, width)
        cells.append(Cell(start, end, indented))
        k, j = k - 1, a
    row._cut[key] = best[count][last], cells[::-1]
    return best[count][last], cells[::-1]


_SET_APART_STOP_RE = re.compile(r"[ \t]?[。！？]")


def _stop_kept(row: _Row, after: Cut, start: int, end: int, width: float) -> int:
    """A cell's end with the sentence's end mark the engine set a space apart (``两个文明建设 。    0 0 余名``) kept,
    where the cell is a line ending in a character short of its column by more than an indent: a paragraph's last line, whose
    mark this is, not one read into the white between two columns' running text."""
    line = row.line
    mark = _SET_APART_STOP_RE.match(line, end) if end == after.start and end > start else None
    if mark is None or not line[end - 1].isalnum() or row.ink[end] - row.ink[start] > width - PARAGRAPH_INDENT - FULL_SLACK:
        return end
    return mark.end()


def _quotes_kept(line: str, before: Cut, after: Cut, start: int, end: int) -> tuple[int, int]:
    """A cell's ends with a quote mark that touches its text kept (``   ”只有发扬``: the engine turned an opening
    mark, which normalisation sets right); a mark between two texts with no space goes the way it faces."""
    if not QUOTED_GAP_RE.fullmatch(line[before.start : before.end]):
        pass  # a mark by a column rule or a stray full stop is the rule's
    elif (
        start > before.start
        and line[start - 1] in QUOTE_MARKS
        and (start - 2 < before.start or line[start - 2] not in QUOTE_MARKS)
    ):
        touching_left = start - 1 == before.start and start - 1 > 0 and line[start - 2] not in SPACE
        if not touching_left or line[start - 1] in OPENING_QUOTES:
            start -= 1
    if not QUOTED_GAP_RE.fullmatch(line[after.start : after.end]):
        pass
    elif end < after.end and line[end] in QUOTE_MARKS and (end + 1 >= after.end or line[end + 1] not in QUOTE_MARKS):
        touching_right = end + 1 == after.end and end + 1 < len(line) and line[end + 1] not in SPACE
        if not touching_right or line[end] not in OPENING_QUOTES:
            end += 1
    return start, end


def cut_rows(
    lines: list[str],
    widths: list[list[float]],
    count: int,
    width: float,
    spacing: Spacing | None = None,
    *,
    rows: list[_Row | None] | None = None,
    keep_quotes: bool = True,
) -> Columns:
    """Cut every row of a region into ``count`` cells of ``width`` em, top to bottom (a blank row is no row);
    ``rows``: the rows measured already."""
    if rows is None:
        rows = measured_rows(lines, widths)
    ended = [True] * count
    cut: list[list[Cell]] = []
    total = 0.0
    for line, row in zip(lines, rows):
        if row is None:
            cut.append([Cell(0, 0)] * count)
            continue
        cost, cells = cut_row(row, count, width, ended, spacing, keep_quotes=keep_quotes)
        total += cost + PER_COLUMN * count
        for k, cell in enumerate(cells):
            if cell.start < cell.end:
                ended[k] = ends_paragraph(line[cell.start : cell.end])
        cut.append(cells)
    return Columns(count, width, cut, total)


def measured_rows(lines: list[str], widths: list[list[float]]) -> list[_Row | None]:
    """Each line measured as a row, None for a blank one."""
    return [_Row(line, line_widths) if line.strip() else None for line, line_widths in zip(lines, widths)]


MIN_SPACING_SAMPLES = 6


def fitted_spacing(lines: list[str], widths: list[list[float]], columns: Columns) -> Spacing | None:
    """The region's spacing: the median count of spaces between a full cell and the next of a reading; None
    without enough of them."""
    gaps: list[int] = []
    for line, line_widths, cells in zip(lines, widths, columns.rows):
        for left, right in zip(cells, cells[1:]):
            if left.start < left.end and right.start < right.end:
                ink = ink_width(line[left.start : left.end], line_widths[left.start : left.end])
                if columns.width - ink <= FULL_SLACK:
                    gaps.append(_spaces(line[left.end : right.start]))
    if len(gaps) < MIN_SPACING_SAMPLES:
        return None
    return Spacing(sorted(gaps)[len(gaps) // 2])


def ink_width(line: str, widths: list[float]) -> float:
    """A row's printed width without the separators in it."""
    kept = [True] * len(line)
    for match in SEPARATOR_RE.finditer(line):
        for i in range(*match.span()):
            kept[i] = False
    return sum(w for w, keep in zip(widths, kept) if keep)


SAMPLE_ROWS = 10
KEPT_READINGS = 4
FULL_ROW_SHARE = 0.85  # the rows' printed width at this quantile: a full row's
WIDTH_STEPS = (-2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0)  # em, about a full row's width shared out


def candidate_widths(lines: list[str], widths: list[list[float]], count: int, hint: float | None) -> list[float]:
    """Column widths to try for ``count`` columns: about a full row's printed width shared out (a full row is
    among the widest: the rows with an empty cell or a paragraph's end are narrower), and ``hint``."""
    inks = sorted(ink_width(line, w) for line, w in zip(lines, widths) if line.strip())
    found: set[float] = set()
    if inks:
        full = inks[min(len(inks) - 1, int(FULL_ROW_SHARE * len(inks)))]
        found.update(round((full / count + step) * 2) / 2 for step in WIDTH_STEPS)
    if hint is not None:
        found.add(round(hint * 2) / 2)
    return sorted(w for w in found if w >= MIN_COLUMN_WIDTH)


# A clear reading: text runs (one space inside a run at most) set apart by runs of white space, each run
# starting at one of a few printed positions (em) that line up row after row, evenly spaced.
TEXT_RUN_RE = re.compile(r"\S+(?:[ \t]?\S+)*")
CLEAR_START_TOLERANCE = 1.5  # em: a column's runs start this close to one another (an indent, a space's jitter)
CLEAR_START_SPREAD = 4.5  # em: and no further apart than this (a width normalisation changed, an indent)
CLEAR_FIRST_START = 2.0  # em: the first column starts at the row's start, give or take an indent
CLEAR_PITCH_RATIO = 1.25  # the widest step from one column's start to the next over the narrowest
CLEAR_INDENT = 1.0  # em: a run starting this far right of its column's start is an indented first line
CLEAR_GAP_INDENT = 1.5  # em: ... or after a full line, with a gap this much wider than the column's usual one
CLEAR_MIN_GAPS = 3  # gaps after full lines a column's usual one is told from


def clear_columns(lines: list[str], widths: list[list[float]]) -> Columns | None:
    """The region read the way a clean layout sets it (``pdftotext -layout``, a typeset page): each row's text
    runs, set apart by two spaces or more, start at the same few printed positions, evenly spaced, one run per
    column and none reaching over the next column's start (a mark hung past a full line may; a run two characters
    in, an indented first line, is its column's); each run is its column's cell, indented where it starts
    right of its column's start or, after a full line, past a gap wider than the column's usual one.  None when the rows show no such reading (ragged OCR gaps, a stray mark read
    into the white, two columns run together): the costs of :func:`read_columns` decide those."""
    runs: list[list[tuple[int, int, float, float, float]]] = []  # (start, end, left, right, where the text starts)
    for line, line_widths in zip(lines, widths):
        found = []
        edge = [0.0]
        for width in line_widths:
            edge.append(edge[-1] + width)
        for match in TEXT_RUN_RE.finditer(line):
            start, end = match.span()
            lead = len(line[:start].rstrip("\u3000"))  # an indent of ideographic spaces starts where its column does
            found.append((start, end, edge[lead], edge[end], edge[start]))
        runs.append(found)
    positions = sorted(run[2] for row in runs for run in row)
    if not positions:
        return None
    clusters: list[list[float]] = [[positions[0]]]
    for position in positions[1:]:
        # a run this close to the last, or an indented first line (two characters in) this close to the first
        if position - clusters[-1][-1] <= CLEAR_START_TOLERANCE or position - clusters[-1][0] <= PARAGRAPH_INDENT + CLEAR_START_TOLERANCE:
            clusters[-1].append(position)
        else:
            clusters.append([position])
    if not 2 <= len(clusters) <= MAX_COLUMNS or clusters[0][0] > CLEAR_FIRST_START:
        return None
    if any(c[-1] - c[0] > CLEAR_START_SPREAD for c in clusters):
        return None
    starts = [0.0] + [c[len(c) // 2] for c in clusters[1:]]
    pitches = [b - a for a, b in zip(starts, starts[1:])]
    if max(pitches) > CLEAR_PITCH_RATIO * min(pitches) or min(pitches) < MIN_COLUMN_WIDTH:
        return None
    count = len(starts)
    placed: list[list[tuple[int, int, float, float, float] | None]] = []
    widest = 0.0
    for row in runs:
        cells: list[tuple[int, int, float, float, float] | None] = [None] * count
        column = -1
        for run in row:
            start, end, left, right, text_at = run
            at = next(k for k in range(count - 1, -1, -1) if clusters[k][0] <= left)
            if at <= column or (at + 1 < count and right > starts[at + 1] + CLEAR_START_TOLERANCE):
                return None  # two runs in one column, or a run over the next column's start
            cells[at] = run
            column = at
            widest = max(widest, right - left)
        placed.append(cells)
    gaps = _gaps_after_full_cells(placed, count, widest)
    out = []
    for line, cells in zip(lines, placed):
        row_cells = []
        for at, run in enumerate(cells):
            if run is None:
                row_cells.append(Cell(0, 0))
                continue
            start, end, _, _, text_at = run
            indented = is_indented(line[start:end]) or text_at - starts[at] >= CLEAR_INDENT
            left = cells[at - 1] if at else None
            if not indented and left is not None and gaps[at] is not None and left[3] - left[2] >= widest - FULL_SLACK:
                indented = text_at - left[3] - gaps[at] >= CLEAR_GAP_INDENT  # a gap wider than the column's usual
            row_cells.append(Cell(start, end, indented))
        out.append(row_cells)
    return Columns(count, widest, out, 0.0)


def _gaps_after_full_cells(
    placed: list[list[tuple[int, int, float, float, float] | None]], count: int, widest: float
) -> list[float | None]:
    """The usual gap (em, the median) before each column's runs where the run on its left is a full line: an OCR
    engine measures a row's white as it finds it, so a run that starts two characters into its column (an
    indent) shows a gap that much wider, where its start may not stand out from the jitter of runs' starts."""
    usual: list[float | None] = [None] * count
    for at in range(1, count):
        found = sorted(
            row[at][4] - left[3]
            for row in placed
            if (left := row[at - 1]) is not None and row[at] is not None and left[3] - left[2] >= widest - FULL_SLACK
        )
        if len(found) >= CLEAR_MIN_GAPS:
            usual[at] = found[len(found) // 2]
    return usual


def read_columns(lines: list[str], widths: list[list[float]], *, hint: float | None = None) -> Columns:
    """A region's columns: the clear reading where the rows show one (:func:`clear_columns`), else the
    cheapest cut of its rows over column counts and widths, then cut again with the spacing that reading
    shows; ``hint``: the page's column width where its lines outside the region show it."""
    clear = clear_columns(lines, widths)
    if clear is not None:
        return clear
    rows = measured_rows(lines, widths)
    readings = [
        (count, width) for count in range(1, MAX_COLUMNS + 1) for width in candidate_widths(lines, widths, count, hint)
    ]
    # the readings tried on a sample of rows first, the likeliest few on them all
    text_rows = [i for i, row in enumerate(rows) if row is not None]
    if len(text_rows) > SAMPLE_ROWS:
        step = len(text_rows) / SAMPLE_ROWS
        sample = [text_rows[int(k * step)] for k in range(SAMPLE_ROWS)]
        costs = {
            reading: cut_rows(
                [lines[i] for i in sample], [widths[i] for i in sample], *reading, rows=[rows[i] for i in sample]
            ).cost
            for reading in readings
        }
        readings = sorted(readings, key=costs.__getitem__)[:KEPT_READINGS]
    best: Columns | None = None
    for count, width in readings:
        found = cut_rows(lines, widths, count, width, rows=rows)
        if best is None or found.cost < best.cost:
            best = found
    if best is None:
        return Columns(1, 0.0, [[Cell(0, len(line))] for line in lines], 0.0)
    spacing = fitted_spacing(lines, widths, best) if best.count > 1 else None
    keep_quotes = not quoted_gaps(lines, best)
    if spacing is None and keep_quotes:
        return best
    return cut_rows(lines, widths, best.count, best.width, spacing, rows=rows, keep_quotes=keep_quotes)


QUOTED_GAPS_SHARE = 0.3


def quoted_gaps(lines: list[str], columns: Columns) -> bool:
    """Whether the engine read quote marks into the gaps between the columns in many rows (``成本 ”会影响``): then a
    quote mark by a gap is the gap's, even where it touches a cell's text."""
    gaps = quoted = 0
    for line, cells in zip(lines, columns.rows):
        for left, right in zip(cells, cells[1:]):
            if left.start < left.end and right.start < right.end:
                gaps += 1
                quoted += any(ch in QUOTE_MARKS for ch in line[max(0, left.end - 1) : right.start + 1])
    return gaps > 0 and quoted / gaps >= QUOTED_GAPS_SHARE
