"""Articles read off a page's geometry: running head, headlines by type size, columns, reading order.

A page of an ALTO or hOCR file is read as a person reads a newspaper page:

1. **Type sizes.**  A word's size is the smaller of its box's height and its width per
   character (OCR boxes reach into the next line or over a gap, a Chinese character is as
   wide as it is tall); a line's size is its words' median, or the font size its style
   names when every line has one.  The body size is the size most characters are set in.
2. **Columns run together.**  An OCR engine often reads a row of two columns as one
   line.  Where gaps as wide as a gutter line up in at least three rows, the gutter is
   found, and lines are cut at it (also where a stray mark or a wide box fills the gap in
   one row); marks read off a column rule go.  A wide gap beside display type also cuts
   (two headlines on one row).
3. **Furniture by position.**  The top row of the page (and a second one, a page number
   set above the running head), with its middle in the top 15 % of the page, is the
   running head when it is set apart (white space of about an em below it) in body type
   with a number in it (a date, a page), or when it reads as one (a date, or a listed
   paper's name before digits); a short last row in the bottom band, set apart, with a
   number is the folio.  Lines the file puts in a page margin (ALTO) are furniture too.
4. **Headlines by size.**  Lines of two or more Chinese characters set at least 1.4 times
   the body size are display type; display lines stacked one over the other (or side by
   side less than 1.5 of their ems apart) form a headline group, and lines set 1.2 times
   the body size right under one join it.  The group's largest lines are the headline
   (read as one line), its smaller ones kicker (above) or deck (below).
5. **Articles.**  Every headline group starts an article.  It rules sideways to halfway
   to the next headline beside it, narrowed to the columns that begin just below it (a
   column of another story running on beside it does not begin there): a body line
   belongs to the nearest headline above it whose reach covers the line's middle.  Lines
   under no headline (a story continued from another page) are an article of their own.
6. **Reading order** inside an article: lines as wide as several columns cut it into
   bands; in each band the lines are sorted into columns by their horizontal extent and
   read down each column, left to right.
7. **Text.**  Each article becomes text, one printed line a line: the running head first
   (every article of the page gets it, for its date and paper), then kicker, headline, deck
   and body.  A word gap of more than ~0.6 em, or between two Latin words, is a space; a
   line starting ~1.2 em right of its column is indented (two ideographic spaces).  Every
   character keeps the file offset it was read from; every space, indent and line end put
   in is an ``Edit`` (kind ``page_layout``) at the offset just after the word before it.
   Running head, headline, kicker and deck lines get ``Block``s (``furniture``,
   ``headline``, ``subheadline``), which the text stages take as given.

Lines are sorted and their neighbours looked up by position (bisect); only headlines,
which are few on a page, are compared with each other, so the cost grows with the page,
not with its square (10 MB of ALTO: about 2 s).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from statistics import median

from pipeline.core.newspapers import match_newspaper
from pipeline.core.record import Block, Edit
from pipeline.core.text_tables import HAN
from pipeline.page import layout
from pipeline.stages.page_xml.model import Box, Line, Page, Word, union_of

PAGE_LAYOUT = "page_layout"
HEADLINE_RATIO = 1.4  # display type: this many times the body size or more
DECK_RATIO = 1.2  # set this much larger than the body right under a headline: part of its group
HEADLINE_SHARE = 0.85  # of a headline group's largest size: the headline; smaller: kicker or deck
TOP_BAND = 0.15  # share of the page's height where a running head can be
BOTTOM_BAND = 0.10  # ... and a folio
FURNITURE_GAP = 0.9  # ems of white space that set a running head or folio apart
FURNITURE_ROWS = 2
FOLIO_CHARS = 12
COLUMN_GAP = 1.5  # ems: a gap this wide inside a body line lies between two columns
WORD_SPACE = 0.6  # ems: a gap this wide between words is a space
INDENT = 1.2  # ems right of the column's edge: an indented line
SPANNING = 1.6  # times the usual line width: a line across several columns
BELOW = 4.0  # ems under a headline within which the columns it heads begin
INDENT_REACH = 3.0  # ems left of a column's first line where the column's edge may be
SAME_HEADLINE_GAP = 1.5  # ems between two parts of one headline on a row (more: two headlines side by side)
SAME_ROW = 0.5  # share of the smaller height two boxes must share to stand in one row

_MEASURED_RE = re.compile(f"[{HAN}A-Za-z0-9]")
_HAN_RE = re.compile(f"[{HAN}]")
_LATIN_END_RE = re.compile(r"[A-Za-z0-9]$")
_LATIN_START_RE = re.compile(r"^[A-Za-z0-9]")


@dataclass
class Piece:
    """A printed line, or the part of one in one column: its words left to right, box and type size."""

    words: list[Word]
    box: Box
    size: float
    block: int

    @property
    def text(self) -> str:
        return "".join(word.text for word in self.words)


@dataclass
class Article:
    """One article of a page: its lines by role, the body in reading order (with which lines are indented)."""

    furniture: list[list[Piece]] = field(default_factory=list)  # rows, top to bottom
    kicker: list[Piece] = field(default_factory=list)
    headline: list[Piece] = field(default_factory=list)
    deck: list[Piece] = field(default_factory=list)
    body: list[Piece] = field(default_factory=list)
    indented: list[bool] = field(default_factory=list)

    @property
    def box(self) -> Box | None:
        pieces = self.kicker + self.headline + self.deck + self.body
        return union_of([p.box for p in pieces]) if pieces else None


@dataclass
class LaidOut:
    """An article as text for the text stages: characters, their file offsets, what was put in, role blocks."""

    text: str
    offsets: list[int]
    edits: list[Edit]
    blocks: list[Block]
    box: Box | None


# --- sizes and rows ------------------------------------------------------------------------------
def word_size(word: Word) -> float | None:
    """The type size a word is set in: the smaller of its box's height and its width per em.

    OCR boxes are noisy both ways (a box reaching into the line below is too tall, one
    spanning a gap too wide); a Chinese character is as wide as it is tall, so the smaller
    of the two is the safer measure.  Words of punctuation alone (small boxes) say nothing.
    """
    if word.measured is None:
        if not _MEASURED_RE.search(word.text) or word.box.height <= 0:
            word.measured = 0.0
        else:
            ems = layout.display_width(word.text)
            word.measured = min(word.box.height, word.box.width / ems) if ems and word.box.width > 0 else word.box.height
    return word.measured or None


def piece_size(words: list[Word], box: Box, font_size: float | None = None) -> float:
    """A line's type size: the font size the file gives it, else the median of its words' sizes."""
    if font_size:
        return font_size
    sizes = [size for word in words if (size := word_size(word))]
    return median(sizes) if sizes else max(box.height, 1.0)


def body_size(pieces: list[Piece]) -> float:
    """The size most characters are set in (the median over characters)."""
    weighted = sorted((p.size, len(p.text)) for p in pieces)
    total = sum(n for _, n in weighted)
    count = 0
    for size, n in weighted:
        count += n
        if 2 * count >= total:
            return size
    return weighted[-1][0] if weighted else 1.0


def rows_of(pieces: list[Piece]) -> list[list[Piece]]:
    """Pieces grouped into rows (sharing most of their height), top to bottom, each left to right."""
    rows: list[tuple[Box, list[Piece]]] = []
    for piece in sorted(pieces, key=lambda p: (p.box.y0, p.box.x0)):
        if rows:
            box, members = rows[-1]
            if box.y_overlap(piece.box) >= SAME_ROW * min(box.height, piece.box.height):
                rows[-1] = (box.union(piece.box), members + [piece])
                continue
        rows.append((piece.box, [piece]))
    return [sorted(members, key=lambda p: p.box.x0) for _, members in rows]


def _row_text(row: list[Piece]) -> str:
    return " ".join(p.text for p in row)


# --- furniture -----------------------------------------------------------------------------------
def furniture_rows(rows: list[list[Piece]], page: Box, body: float) -> tuple[list[list[Piece]], list[list[Piece]]]:
    """The running head rows at the top and the folio row at the bottom (see the module's step 2)."""
    def display(row: list[Piece]) -> bool:
        return any(is_display(p, body) for p in row)

    def box(row: list[Piece]) -> Box:
        return union_of([p.box for p in row])

    def reads_as_head(row: list[Piece]) -> bool:
        """A date, or a listed paper's name before digits: what only a running head prints at a page's top."""
        text = _row_text(row)
        if layout.find_date(text) or layout.parse_furniture(text):
            return True
        leading = re.match(f"[^{HAN}]*([{HAN}]{{3,10}})", text)
        return bool(leading and re.search(r"\d", text) and match_newspaper(leading.group(1)))

    top: list[list[Piece]] = []
    for index, row in enumerate(rows[:FURNITURE_ROWS]):
        if index != len(top) or (box(row).y0 + box(row).y1) / 2 > page.y0 + TOP_BAND * page.height:
            break
        below = rows[index + 1] if index + 1 < len(rows) else None
        apart = below is None or box(below).y0 - box(row).y1 >= FURNITURE_GAP * body
        # set apart, in body type, with a number (a date, a page): a running head; a masthead in display type names itself
        if (apart and not display(row) and re.search(r"\d", _row_text(row))) or reads_as_head(row):
            top.append(row)
    bottom: list[list[Piece]] = []
    if len(rows) > len(top) + 1:
        last, above = rows[-1], rows[-2]
        text = _row_text(last)
        if (
            not display(last)
            and box(last).y0 >= page.y1 - BOTTOM_BAND * page.height
            and box(last).y0 - box(above).y1 >= FURNITURE_GAP * body
            and len(text.replace(" ", "")) <= FOLIO_CHARS
            and (re.search(r"\d", text) or layout.parse_furniture(text) is not None)
        ):
            bottom.append(last)
    return top, bottom


# --- headlines and articles -------------------------------------------------------------------------
def is_display(piece: Piece, body: float) -> bool:
    """Display type: set :data:`HEADLINE_RATIO` times the body size or larger, in at least two Chinese
    characters (one large box alone, such as a smudge read as ``re``, is no headline)."""
    return piece.size >= HEADLINE_RATIO * body and len(_HAN_RE.findall(piece.text)) >= 2



@dataclass
class _Group:
    """Display lines stacked into one headline group, and how far sideways its article reaches."""

    pieces: list[Piece]
    box: Box
    left: float = 0.0
    right: float = 0.0


def headline_groups(display: list[Piece]) -> list[_Group]:
    """Display lines stacked one over the other (overlapping sideways, less than a line apart), or
    set side by side in one row less than :data:`SAME_HEADLINE_GAP` of their ems apart, as groups."""
    groups: list[_Group] = []
    for piece in sorted(display, key=lambda p: (p.box.y0, p.box.x0)):
        for group in reversed(groups):
            gap = piece.box.y0 - group.box.y1
            stacked = group.box.x_overlap(piece.box) > 0 and gap <= piece.size and piece.box.y0 >= group.box.y0
            in_row = group.box.y_overlap(piece.box) >= SAME_ROW * piece.box.height
            if stacked or (in_row and -group.box.x_overlap(piece.box) <= SAME_HEADLINE_GAP * piece.size):
                group.pieces.append(piece)
                group.box = group.box.union(piece.box)
                break
        else:
            groups.append(_Group([piece], piece.box))
    return groups


def attach_decks(groups: list[_Group], pieces: list[Piece], body: float) -> list[Piece]:
    """Lines set larger than the body (:data:`DECK_RATIO`) right under a headline group, within its width,
    join the group (a deck, or a headline's second line measured small); the other pieces are returned."""
    rest = []
    for piece in sorted(pieces, key=lambda p: p.box.y0):
        if piece.size >= DECK_RATIO * body and len(_HAN_RE.findall(piece.text)) >= 2:
            for group in groups:
                gap = piece.box.y0 - group.box.y1
                inside = group.box.x0 - body <= piece.box.x0 and piece.box.x1 <= group.box.x1 + body
                if inside and -piece.box.height / 2 <= gap <= piece.size:
                    group.pieces.append(piece)
                    group.box = group.box.union(piece.box)
                    break
            else:
                rest.append(piece)
        else:
            rest.append(piece)
    return rest


def _reading_sorted(groups: list[_Group]) -> list[_Group]:
    """Groups in reading order: by rows (sharing height), each row left to right."""
    rows: list[tuple[Box, list[_Group]]] = []
    for group in sorted(groups, key=lambda g: g.box.y0):
        if rows and rows[-1][0].y_overlap(group.box) > 0:
            rows[-1] = (rows[-1][0].union(group.box), rows[-1][1] + [group])
        else:
            rows.append((group.box, [group]))
    return [g for _, members in rows for g in sorted(members, key=lambda g: g.box.x0)]


def set_reach(groups: list[_Group], body_pieces: list[Piece], page: Box, body: float) -> None:
    """How far sideways each headline rules: to halfway to the next headline beside it (or the page
    edge), narrowed to the columns that begin just below it.

    A column begins below a headline when a line starts within a few ems under it with no
    line of its own column above it, up to the headline's top: a column of another article
    running on beside a headline (an L-shaped story) does not begin there.
    """
    by_top = sorted(body_pieces, key=lambda p: p.box.y0)
    tops = [p.box.y0 for p in by_top]
    by_bottom = sorted(body_pieces, key=lambda p: p.box.y1)
    bottoms = [p.box.y1 for p in by_bottom]
    ordered = sorted(groups, key=lambda g: g.box.y0)
    group_tops = [g.box.y0 for g in ordered]
    tallest = max((g.box.height for g in groups), default=0.0)
    for group in groups:
        near = ordered[bisect_left(group_tops, group.box.y0 - tallest) : bisect_left(group_tops, group.box.y1)]
        beside = [g for g in near if g is not group and g.box.y_overlap(group.box) > 0]
        left = max([(g.box.x1 + group.box.x0) / 2 for g in beside if g.box.x1 <= group.box.x0] or [page.x0])
        right = min([(group.box.x1 + g.box.x0) / 2 for g in beside if g.box.x0 >= group.box.x1] or [page.x1])
        starts = []
        for piece in by_top[bisect_left(tops, group.box.y1 - body) : bisect_right(tops, group.box.y1 + BELOW * body)]:
            if not left <= piece.box.cx <= right:
                continue
            above = by_bottom[bisect_left(bottoms, group.box.y0 - body) : bisect_left(bottoms, piece.box.y0 + body / 2)]
            if not any(
                other is not piece and other.box.y0 < piece.box.y0
                and other.box.x_overlap(piece.box) > 0.5 * min(other.box.width, piece.box.width)
                for other in above
            ):
                starts.append(piece.box)
        reach = union_of([group.box, *starts])
        # a column's first line may be indented: its edge lies up to a few ems to the left
        group.left, group.right = max(left, reach.x0 - INDENT_REACH * body), min(right, reach.x1 + body)


def assign(groups: list[_Group], pieces: list[Piece]) -> tuple[list[list[Piece]], list[Piece]]:
    """Each body piece to the nearest headline above it that reaches over its middle; the rest apart."""
    by_bottom = sorted(range(len(groups)), key=lambda k: groups[k].box.y1)
    bottoms = [groups[k].box.y1 for k in by_bottom]
    owned: list[list[Piece]] = [[] for _ in groups]
    orphans: list[Piece] = []
    for piece in pieces:
        # headlines ending above the piece's middle, nearest first
        k = bisect_left(bottoms, (piece.box.y0 + piece.box.y1) / 2)
        for index in reversed(by_bottom[:k]):
            group = groups[index]
            if group.left <= piece.box.cx <= group.right:
                owned[index].append(piece)
                break
        else:
            orphans.append(piece)
    return owned, orphans


# --- reading order inside an article -----------------------------------------------------------------
def gap_cuts(words: list[Word], body: float) -> list[int]:
    """Where a line is cut (before ``words[i]``): gaps between words as wide as the white between columns.

    OCR engines run close columns (and headlines side by side) into one line; the gap is
    at least :data:`COLUMN_GAP` body ems, and as many of the smaller neighbour's own ems,
    so the spaces between a headline's phrases do not cut it.
    """
    cuts = []
    for index in range(1, len(words)):
        before, word = words[index - 1], words[index]
        local = min(word_size(before) or body, word_size(word) or body)
        if word.box.x0 - before.box.x1 >= COLUMN_GAP * max(body, local):
            cuts.append(index)
    return cuts


@dataclass(frozen=True)
class Gutter:
    """The white between two columns, where lines cut cleanly in several rows: its middle and its height."""

    x: float
    y0: float
    y1: float


def find_gutters(cut_lines: list[tuple[list[Word], Box, list[int]]], body: float) -> list[Gutter]:
    """Gutters from the wide gaps: where the gaps of at least three lines overlap, the place most of them share.

    A gap runs from one word's right edge to the next one's left edge; noise in the white
    (a stray mark, a box too wide) moves its edges but not the white they all share.
    """
    gaps = sorted(
        (words[i - 1].box.x1, words[i].box.x0, box.y0, box.y1) for words, box, cuts in cut_lines for i in cuts
    )
    clusters: list[list[tuple[float, float, float, float]]] = []
    reach = float("-inf")
    for gap in gaps:
        if clusters and gap[0] <= reach:
            clusters[-1].append(gap)
            reach = max(reach, gap[1])
        else:
            clusters.append([gap])
            reach = gap[1]
    gutters = []
    for cluster in clusters:
        if len(cluster) < 3:
            continue
        # the place covered by most gaps: sweep their edges
        edges = sorted([(left, 1) for left, _, _, _ in cluster] + [(right, -1) for _, right, _, _ in cluster])
        best, best_x, count = 0, cluster[0][0], 0
        for index, (x, step) in enumerate(edges):
            count += step
            if count > best:
                best, best_x = count, (x + edges[index + 1][0]) / 2 if index + 1 < len(edges) else x
        covering = [(y0, y1) for left, right, y0, y1 in cluster if left <= best_x <= right]
        if len(covering) >= 3:
            gutters.append(Gutter(best_x, min(y0 for y0, _ in covering) - 2 * body, max(y1 for _, y1 in covering) + 2 * body))
    return gutters


def gutter_cuts(words: list[Word], box: Box, gutters: list[Gutter], body: float) -> list[int]:
    """Where a line crosses a gutter with no clean gap (a stray mark or a wide box in the white):
    between the words whose middles lie either side of the gutter's middle."""
    cuts = []
    middle = (box.y0 + box.y1) / 2
    for gutter in gutters:
        if gutter.y0 <= middle <= gutter.y1 and box.x0 + body < gutter.x < box.x1 - body:
            cuts += [i for i in range(1, len(words)) if words[i - 1].box.cx < gutter.x <= words[i].box.cx][:1]
    return cuts


def _at_gutter(words: list[Word], index: int, box: Box, gutters: list[Gutter]) -> bool:
    """Whether the gap before ``words[index]`` holds a gutter."""
    left, right = words[index - 1].box.x1, words[index].box.x0
    return any(left <= g.x <= right and g.y0 <= (box.y0 + box.y1) / 2 <= g.y1 for g in gutters)


def _by_display(words: list[Word], index: int, body: float) -> bool:
    return max(word_size(words[index - 1]) or 0.0, word_size(words[index]) or 0.0) >= HEADLINE_RATIO * body


def off_the_rule(words: list[Word], gutters: list[Gutter], box: Box, body: float) -> list[Word]:
    """The words without marks the OCR engine read off a column rule: punctuation alone (``。。``, ``|``)
    standing within two ems of a gutter."""
    middle = (box.y0 + box.y1) / 2
    near = [g.x for g in gutters if g.y0 <= middle <= g.y1]
    return [
        word for word in words
        if _MEASURED_RE.search(word.text) or not any(abs(word.box.cx - x) <= 2 * body for x in near)
    ] or words


def cut(piece: Piece, cuts: list[int], font_size: float | None = None) -> list[Piece]:
    """The piece cut before the words at ``cuts``, each part measured afresh."""
    if not cuts:
        return [piece]
    bounds = [0, *sorted(set(cuts)), len(piece.words)]
    parts = []
    for start, end in zip(bounds, bounds[1:]):
        words = piece.words[start:end]
        if words:  # across, its words' extent; up and down, the line's (word boxes reach into the lines around)
            box = Box(min(w.box.x0 for w in words), piece.box.y0, max(w.box.x1 for w in words), piece.box.y1)
            parts.append(Piece(words, box, piece_size(words, box, font_size), piece.block))
    return parts


def columns_of(pieces: list[Piece]) -> list[list[Piece]]:
    """Pieces sorted into columns by their horizontal extent, left to right, each top to bottom."""
    columns: list[tuple[float, float, list[Piece]]] = []
    for piece in sorted(pieces, key=lambda p: p.box.x0):
        if columns:
            x0, x1, members = columns[-1]
            overlap = min(x1, piece.box.x1) - piece.box.x0
            if overlap > 0.3 * min(x1 - x0, piece.box.width):
                columns[-1] = (x0, max(x1, piece.box.x1), members + [piece])
                continue
        columns.append((piece.box.x0, piece.box.x1, [piece]))
    return [sorted(members, key=lambda p: p.box.y0) for _, _, members in columns]


def reading_order(pieces: list[Piece], body: float) -> tuple[list[Piece], list[bool]]:
    """The body of an article in reading order (module step 5) and which of its lines are indented."""
    if not pieces:
        return [], []
    widths = [p.box.width for p in pieces if len(p.text) >= 4] or [p.box.width for p in pieces]
    usual = median(widths)
    spanning = sorted((p for p in pieces if p.box.width > SPANNING * usual), key=lambda p: p.box.y0)
    centres = [(p.box.y0 + p.box.y1) / 2 for p in spanning]
    bands: list[list[Piece]] = [[] for _ in range(len(spanning) + 1)]
    for piece in pieces:
        if piece.box.width <= SPANNING * usual:
            bands[bisect_left(centres, (piece.box.y0 + piece.box.y1) / 2)].append(piece)
    ordered: list[Piece] = []
    indented: list[bool] = []
    for number, band in enumerate(bands):
        if number:
            ordered.append(spanning[number - 1])
            indented.append(False)
        for column in columns_of(band):
            edge = min(p.box.x0 for p in column)
            for piece in column:
                ordered.append(piece)
                indented.append(piece.box.x0 - edge >= INDENT * body)
    return ordered, indented


# --- the page ------------------------------------------------------------------------------------
def read_articles(page: Page) -> tuple[list[Article], float]:
    """The articles of a page in reading order (see the module's steps), and the page's body size."""
    lines = [line for line in page.lines if line.words]
    if not lines:
        return [], 1.0
    use_font_size = all(line.font_size for line in lines)

    def font(line: Line) -> float | None:
        return line.font_size if use_font_size else None

    whole = [Piece(line.words, line.box, piece_size(line.words, line.box, font(line)), line.block) for line in lines]
    first_body = body_size(whole)
    # columns run together: cut at wide gaps, then where the gaps found line up, at those gutters
    gaps = [gap_cuts(line.words, first_body) for line in lines]
    body_gaps = [[i for i in c if not _by_display(line.words, i, first_body)] for line, c in zip(lines, gaps)]
    gutters = find_gutters([(line.words, line.box, c) for line, c in zip(lines, body_gaps) if c], first_body)
    # a wide gap cuts where it lines up with a gutter, or next to display type (headlines side by side,
    # a headline run into the column beside it); elsewhere it is an OCR box too narrow, inside a column
    cuts = [
        [i for i in line_gaps if _at_gutter(line.words, i, line.box, gutters) or _by_display(line.words, i, first_body)]
        for line, line_gaps in zip(lines, gaps)
    ]
    split = []
    for piece, line, line_cuts in zip(whole, lines, cuts):
        parts = []
        for part in cut(piece, line_cuts, font(line)):
            if is_display(part, first_body):
                parts.append(part)
                continue
            words = off_the_rule(part.words, gutters, part.box, first_body)
            if words is not part.words:
                box = Box(min(w.box.x0 for w in words), part.box.y0, max(w.box.x1 for w in words), part.box.y1)
                part = Piece(words, box, piece_size(words, box, font(line)), part.block)
            parts += cut(part, gutter_cuts(part.words, part.box, gutters, first_body), font(line))
        split.append(parts)
    margin = [p for parts, line in zip(split, lines) if line.margin for p in parts]
    pieces = [p for parts, line in zip(split, lines) if not line.margin for p in parts]
    box = page.box if page.box is not None and page.box.height > 0 else union_of([p.box for p in pieces or margin])
    body = body_size(pieces or margin)
    rows = rows_of(pieces)
    top, bottom = furniture_rows(rows, box, body)
    furniture = rows_of(margin) + top + bottom
    placed = {id(p) for row in top + bottom for p in row}
    rest = [p for p in pieces if id(p) not in placed]
    display = [p for p in rest if is_display(p, body)]
    text_pieces = [p for p in rest if not is_display(p, body)]
    groups = _reading_sorted(headline_groups(display))
    text_pieces = attach_decks(groups, text_pieces, body)
    set_reach(groups, text_pieces, box, body)
    owned, orphans = assign(groups, text_pieces)
    furniture.sort(key=lambda row: row[0].box.y0)

    articles = []
    if orphans:
        ordered, indented = reading_order(orphans, body)
        articles.append(Article(furniture, body=ordered, indented=indented))
    for group, members in zip(groups, owned):
        largest = max(p.size for p in group.pieces)
        head = [p for p in group.pieces if p.size >= HEADLINE_SHARE * largest]
        top_of_head = min(p.box.y0 for p in head)
        others = [p for p in group.pieces if p.size < HEADLINE_SHARE * largest]
        ordered, indented = reading_order(members, body)
        articles.append(
            Article(
                furniture,
                kicker=[p for p in others if p.box.y0 < top_of_head],
                headline=sorted(head, key=lambda p: (p.box.y0, p.box.x0)),
                deck=[p for p in others if p.box.y0 >= top_of_head],
                body=ordered,
                indented=indented,
            )
        )
    return articles, body


# --- text ----------------------------------------------------------------------------------------
class _Writer:
    """Text put together from words, with each character's file offset and an edit for what is put in."""

    def __init__(self, em: float) -> None:
        self.em = em
        self.chars: list[str] = []
        self.offsets: list[int] = []
        self.edits: list[Edit] = []
        self.blocks: list[Block] = []
        self.last: Word | None = None

    def insert(self, string: str, at: int) -> None:
        self.chars.extend(string)
        self.offsets.extend([at] * len(string))
        self.edits.append(Edit(PAGE_LAYOUT, at, at, string))

    def word(self, word: Word, previous: Word | None, em: float) -> None:
        if previous is not None:
            gap = word.box.x0 - previous.box.x1
            latin = _LATIN_END_RE.search(previous.text) and _LATIN_START_RE.search(word.text)
            local = max(em, word_size(previous) or 0.0, word_size(word) or 0.0)
            if gap >= WORD_SPACE * local or latin:
                self.insert(" ", previous.end)
        self.chars.extend(word.text)
        self.offsets.extend(word.offsets)
        self.edits.extend(word.edits)
        self.last = word

    def line(self, words: list[Word], role: str | None = None, indented: bool = False, size: float = 0.0) -> None:
        """One printed line; ``size``: its type size, if larger than the body's (a headline's gaps are wider)."""
        if not words:
            return
        em = max(self.em, size)
        if self.chars:
            self.insert("\n", self.last.end if self.last else words[0].offsets[0])
        start = len(self.chars)
        if indented:
            self.insert("\u3000\u3000", words[0].offsets[0])
        previous = None
        for word in words:
            self.word(word, previous, em)
            previous = word
        if role is not None:
            self.blocks.append(Block(role, start, len(self.chars)))


def _joined(pieces: list[Piece]) -> list[Word]:
    """The words of lines read as one (a headline set on two lines), line after line."""
    return [word for piece in sorted(pieces, key=lambda p: (p.box.y0, p.box.x0)) for word in piece.words]


def lay_out(article: Article, em: float) -> LaidOut:
    """The article as text (module step 6)."""
    writer = _Writer(em)
    for row in article.furniture:
        writer.line([w for p in row for w in p.words], layout.FURNITURE)
    for piece in article.kicker:
        writer.line(piece.words, layout.SUBHEADLINE, size=piece.size)
    if article.headline:
        writer.line(_joined(article.headline), layout.HEADLINE, size=min(p.size for p in article.headline))
    for piece in article.deck:
        writer.line(piece.words, layout.SUBHEADLINE, size=piece.size)
    for piece, indented in zip(article.body, article.indented):
        writer.line(piece.words, indented=indented)
    edits = sorted(writer.edits, key=lambda e: (e.raw_start, e.raw_end))
    return LaidOut("".join(writer.chars), writer.offsets, edits, writer.blocks, article.box)


def page_articles(page: Page) -> list[LaidOut]:
    """The articles of a page as text, in reading order; a page of furniture alone gives none."""
    articles, em = read_articles(page)
    return [lay_out(article, em) for article in articles if article.headline or article.body]
