"""Normalise: fix what the scanner and OCR did to characters, keeping a trail back to the scan.

Each normaliser is a small ``str -> str`` function with keyword-only options (as in
textacy's ``preprocessing``), built on a *finder* that yields the replacements it
would make.  ``normalize_document`` runs the same finders over a ``Document`` so
that ``offsets`` stay true (``offsets[i]`` is the raw offset of ``text[i]``) and
each change is listed as an ``Edit``.  Space rules depend on what a line is
(headline, byline, body), which ``pipeline.page.layout`` recognises.  Every rule is
idempotent, so normalising twice changes nothing.  Quote marks get their direction
back per paragraph, as repair will rejoin the lines (``_find_quote_directions``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from pipeline.core.edits import (
    Finder,
    Replacement,
    apply_replacements,
    edit_document,
    edit_document_by_kind,
    regex_finder,
)
from pipeline.core.record import Document
from pipeline.core.text_tables import (
    ASCII_FULL_STOP_RE,
    ASCII_PUNCT_NEAR_CJK_RE,
    ASCII_TO_FULLWIDTH_PUNCT,
    BLANKS,
    CJK_PUNCT,
    COLUMN_GAP_RE,
    CONTROL_RE,
    CORNER_QUOTE_RE,
    CORNER_QUOTES,
    CRLF,
    DOUBLE_QUOTE_LOOKALIKES,
    DOUBLE_QUOTES,
    FULLWIDTH_ALNUM_RE,
    FULLWIDTH_DECIMAL_POINT_RE,
    FULLWIDTH_TO_HALFWIDTH,
    HAN,
    HAN_RE,
    LATIN_LETTER_RE,
    LATIN_OR_DIGIT_RE,
    LEADING_BULLET_RE,
    QUOTE_CLOSES_BEFORE,
    QUOTE_OPENS_AFTER,
    SINGLE_QUOTES,
    TRAILING_SPACE_RE,
    ZERO_WIDTH_RE,
)
from pipeline.page import layout
from pipeline.page.analysis import PageAnalysis, analyze_page, line_spans
from pipeline.page.reading import Page, PageReading, read_page
from pipeline.page.spaces import (
    find_body_spaces,
    find_headline_spaces,
    find_name_padding,
    find_number_spaces,
    find_spaces_between_cjk,
)

# --- finders -------------------------------------------------------------------------------
find_line_ends = regex_finder(CRLF, "\n")
find_zero_width = regex_finder(ZERO_WIDTH_RE, "")
find_control_chars = regex_finder(CONTROL_RE, "")
find_fullwidth_alnum = regex_finder(FULLWIDTH_ALNUM_RE, lambda m: m.group().translate(FULLWIDTH_TO_HALFWIDTH))
find_fullwidth_decimal_points = regex_finder(FULLWIDTH_DECIMAL_POINT_RE, ".")
_ASCII_TO_FULLWIDTH_PUNCT_TABLE = str.maketrans(ASCII_TO_FULLWIDTH_PUNCT)
find_ascii_punctuation = regex_finder(ASCII_PUNCT_NEAR_CJK_RE, lambda m: m.group().translate(_ASCII_TO_FULLWIDTH_PUNCT_TABLE))
find_ascii_full_stops = regex_finder(ASCII_FULL_STOP_RE, "。")
find_corner_quotes = regex_finder(CORNER_QUOTE_RE, lambda m: CORNER_QUOTES[m.group()])
find_trailing_spaces = regex_finder(TRAILING_SPACE_RE, "")


def find_leading_bullets(text: str) -> Iterator[Replacement]:
    """Bullets at the start of a line, except a crosshead's (see :func:`layout.is_crosshead_at`)."""
    lines: list[str] = []
    for match in LEADING_BULLET_RE.finditer(text):
        lines = lines or text.split("\n")
        if not layout.is_crosshead_at(lines, text.count("\n", 0, match.start())):
            yield match.start(), match.end(), ""


_QUOTE_FAMILIES = (DOUBLE_QUOTES, SINGLE_QUOTES)
_QUOTE_CHARS = "".join(DOUBLE_QUOTES + SINGLE_QUOTES) + DOUBLE_QUOTE_LOOKALIKES
_QUOTE_CHAR_RE = re.compile(f"[{re.escape(_QUOTE_CHARS)}]")
# Chinese text an ASCII or look-alike mark must touch to count as a quote mark (curly quotes left out,
# so one mark's repair does not make its neighbour a candidate)
_CHINESE_CONTEXT_RE = re.compile(f"[{HAN}{CJK_PUNCT.translate(str.maketrans('', '', _QUOTE_CHARS))}]")
_COLUMN_GAP_RUN_RE = re.compile(f"[{BLANKS}]{{2,}}")


def _neighbours(paragraph: str, position: int) -> tuple[str, str]:
    """The nearest non-space characters before and after ``position`` ("" at the paragraph's edges)."""
    before = paragraph[:position].rstrip(BLANKS)
    after = paragraph[position + 1 :].lstrip(BLANKS)
    return before[-1:], after[:1]


def _quote_family(paragraph: str, position: int) -> tuple[str, str, str] | None:
    """The family (opening, closing, ASCII) of the quote mark at ``position``, or None if it is no quote mark.

    Curly double marks always count.  A single mark touching a Latin letter or digit is
    an apostrophe or a prime (``don't``, ``’97``, ``5'``), an ASCII double mark touching a
    Latin letter belongs to Latin text (``"OK"``); otherwise an ASCII mark counts in
    Chinese text only, and a look-alike only between Han characters.
    """
    char = paragraph[position]
    before, after = _neighbours(paragraph, position)
    touching = paragraph[position - 1 : position] + paragraph[position + 1 : position + 2]
    for family in _QUOTE_FAMILIES:
        if char in family[:2]:
            return None if family is SINGLE_QUOTES and LATIN_OR_DIGIT_RE.search(touching) else family
        if char == family[2]:
            if (LATIN_OR_DIGIT_RE if family is SINGLE_QUOTES else LATIN_LETTER_RE).search(touching):
                return None
            chinese = _CHINESE_CONTEXT_RE.match(before or "_") or _CHINESE_CONTEXT_RE.match(after or "_")
            return family if chinese else None
    if char in DOUBLE_QUOTE_LOOKALIKES and HAN_RE.match(before or "_") and HAN_RE.match(after or "_"):
        return DOUBLE_QUOTES
    return None


def find_quote_directions(paragraph: str) -> Iterator[Replacement]:
    """Quote marks of one paragraph whose direction OCR got wrong (``坚持”稳定压倒一切”的`` -> ``坚持“稳定压倒一切”的``).

    Within a paragraph a family's marks alternate: open, close, open, ...  The
    alternation is taken only when it is consistent with what the text around each
    mark says: a mark at the paragraph start or right after ``：`` opens, one at the
    paragraph end or right before ``。，！？`` closes.  An odd number of marks, any
    disagreement, or a mark of the family that is no quote mark here (an apostrophe,
    ``"OK"``: the pairs around it are uncertain) leaves the family's marks as they are.
    Replacements keep the length.
    """
    positions: dict[tuple[str, str, str], list[int]] = {}
    uncertain = set()
    for match in _QUOTE_CHAR_RE.finditer(paragraph):
        family = _quote_family(paragraph, match.start())
        if family is not None:
            positions.setdefault(family, []).append(match.start())
        else:
            uncertain.update(f for f in _QUOTE_FAMILIES if match.group() in f)
    for family, found in positions.items():
        if len(found) % 2 or family in uncertain:
            continue
        wanted = []
        for number, position in enumerate(found):
            before, after = _neighbours(paragraph, position)
            opens = number % 2 == 0
            opens_here = not before or before in QUOTE_OPENS_AFTER
            closes_here = not after or after in QUOTE_CLOSES_BEFORE
            if (opens and closes_here) or (not opens and opens_here):
                break
            wanted.append((position, family[0] if opens else family[1]))
        else:
            for position, mark in wanted:
                if paragraph[position] != mark:
                    yield position, position + 1, mark


# --- str -> str normalisers ------------------------------------------------------------------
def normalize_line_ends(text: str) -> str:
    """CRLF, CR and form feeds become ``\\n``."""
    return apply_replacements(text, find_line_ends(text))


def remove_invisible(text: str) -> str:
    """Drop zero-width characters, soft hyphens and control characters (keeps tabs and newlines)."""
    text = apply_replacements(text, find_zero_width(text))
    return apply_replacements(text, find_control_chars(text))


def fold_fullwidth(text: str) -> str:
    """Full-width digits, Latin letters and ％ become half-width (same length)."""
    text = apply_replacements(text, find_fullwidth_alnum(text))
    return apply_replacements(text, find_fullwidth_decimal_points(text))


def fullwidth_punctuation(text: str) -> str:
    """ASCII ``, ; : ( ) ! ?`` next to Chinese text become ``，；：（）！？`` (runs of them too), and a
    full stop ending a Chinese sentence ``。``."""
    for _ in range(MAX_ROUNDS):
        changed = apply_replacements(text, find_ascii_punctuation(text))
        changed = apply_replacements(changed, find_ascii_full_stops(changed))
        if changed == text:
            break
        text = changed
    return text


def remove_spaces_between_cjk(text: str, *, keep_column_gaps: bool = False) -> str:
    """Body text: spaces between two Chinese characters go; spaces between Latin words stay."""
    return apply_replacements(text, find_spaces_between_cjk(text, keep_column_gaps=keep_column_gaps))


def remove_number_spaces(text: str) -> str:
    """Spaces inside and around numbers in Chinese text go (``我国1 1亿亩`` -> ``我国11亿亩``)."""
    return apply_replacements(text, find_number_spaces(text))


def normalize_headline_spaces(text: str) -> str:
    """Headlines: a space that cuts a phrase goes; one between parallel phrases stays."""
    return apply_replacements(text, find_headline_spaces(text))


def restore_quote_directions(text: str) -> str:
    """Quote marks get the direction their place in the paragraph demands; here each line is a paragraph."""
    replacements = []
    for start, end in line_spans(text):
        replacements += [(start + s, start + e, new) for s, e, new in find_quote_directions(text[start:end])]
    return apply_replacements(text, replacements)


def remove_leading_bullets(text: str) -> str:
    """Stray OCR symbols (□ ■ ◆ ...) at the start of a line, as before a byline, go."""
    return apply_replacements(text, find_leading_bullets(text))


# --- the stage -------------------------------------------------------------------------------
MAX_ROUNDS = 5
CHARACTER_RULES: tuple[tuple[str, Finder], ...] = (
    ("line_end", find_line_ends),
    ("zero_width", find_zero_width),
    ("control_char", find_control_chars),
    ("fullwidth_to_halfwidth", find_fullwidth_alnum),
    ("fullwidth_to_halfwidth", find_fullwidth_decimal_points),
    ("ascii_punctuation", find_ascii_punctuation),
    ("ascii_punctuation", find_ascii_full_stops),
    ("corner_quote", find_corner_quotes),
    ("trailing_space", find_trailing_spaces),
    ("stray_symbol", find_leading_bullets),
)


def _find_layout_spaces(text: str, analysis: PageAnalysis) -> Iterator[tuple[str, Replacement]]:
    """Space rules scoped by line role: headline rule, body rule; bylines and furniture keep theirs."""
    spans, page = analysis.spans, analysis.page
    for (start, end), role, in_columns in zip(spans, page.roles, page.column_rows):
        line = text[start:end]
        if role in layout.HEADLINE_ROLES:
            prefix = layout.markdown_prefix_length(line)
            for s, e, new in find_headline_spaces(line[prefix:]):
                yield "headline_space", (start + prefix + s, start + prefix + e, new)
        elif role == layout.BYLINE:
            for s, e, new in find_name_padding(line):
                yield "space_between_cjk", (start + s, start + e, new)
        elif role in layout.TEXT_ROLES and not in_columns:
            # rows of side-by-side columns keep their spaces: they show where the columns meet,
            # and repair takes them out of each column's lines once it has read the columns apart
            for s, e, new in find_body_spaces(line):
                yield "space_between_cjk", (start + s, start + e, new)


_CURLY_QUOTE_RE = {family: re.compile(f"[{family[0]}{family[1]}]") for family in _QUOTE_FAMILIES}
_AMBIGUOUS_QUOTE_RE = re.compile(f"[{re.escape(DOUBLE_QUOTES[2] + SINGLE_QUOTES[2] + DOUBLE_QUOTE_LOOKALIKES)}]")


def _quotes_pair_line_by_line(text: str) -> bool:
    """Whether every line's curly marks already pair up (open, close, ...) and no ASCII mark or column gap is there.

    Paragraphs are then whole lines joined, so each alternates as it is and nothing
    would change: most clean text is spared reading the page.
    """
    if _AMBIGUOUS_QUOTE_RE.search(text) or COLUMN_GAP_RE.search(text):
        return False
    for line in text.split("\n"):
        for family, pattern in _CURLY_QUOTE_RE.items():
            marks = pattern.findall(line)
            half = len(marks) // 2
            if len(marks) % 2 or marks[0::2] != [family[0]] * half or marks[1::2] != [family[1]] * half:
                return False
    return True


def _marks_to_settle(text: str) -> bool:
    """Whether some quote mark's direction can only be settled by reading the page."""
    return bool(_QUOTE_CHAR_RE.search(text)) and not _quotes_pair_line_by_line(text)


def _find_quote_directions(doc: Document, read: PageReading) -> list[Replacement]:
    """Quote marks to turn, decided per paragraph of the page as repair will read it.

    A quotation often runs over a line end and, on a page of columns, over marks the
    OCR engine read into the gaps between columns; the page's reading (columns apart,
    stray marks and furniture out, lines rejoined) gives the paragraphs the marks
    really alternate in.  Each decision is mapped back through the raw offsets.
    """
    offsets = doc.offsets  # only the marks are visited, not every character
    index_of_raw = {offsets[i]: i for i in (m.start() for m in _QUOTE_CHAR_RE.finditer(doc.text)) if i < len(offsets)}
    replacements = []
    for block in read.blocks:
        paragraph = read.text[block.start : block.end]
        if layout.parse_furniture(_COLUMN_GAP_RUN_RE.sub(" ", paragraph)):
            continue  # a running head read as text: its marks are OCR noise between the fields
        for start, _, new in find_quote_directions(paragraph):
            index = index_of_raw.get(read.offsets[block.start + start])
            if index is not None and doc.text[index] == paragraph[start]:
                replacements.append((index, index + 1, new))
    return replacements


def _with_character_rules(doc: Document) -> Document:
    """``doc`` with the character rules run until they change nothing, so that the page analysis,
    which costs more than all of them, runs on their result alone."""
    for _ in range(MAX_ROUNDS):
        before = doc.text
        for kind, finder in CHARACTER_RULES:
            doc = edit_document(doc, kind, list(finder(doc.text)))
        if doc.text == before:
            break
    return doc


def normalize_document(doc: Document) -> Document:
    """Normalise a document's characters and spaces, recording every change (pure, idempotent).

    The page is analysed (and, when quote marks need it, read) once per round, after the
    character rules have finished: another round, and another analysis, only where the layout's
    spaces or the quote marks changed the text.  What was made of the final text goes out with
    the document on ``Document.page``, so the repair stage does not read the same page again.
    """
    if not doc.offsets:
        doc = replace(doc, offsets=list(range(len(doc.text))))
    page: Page | None = None
    paged: Document | None = None  # the document ``page`` was made of
    # one rule's change can give another rule work (``我 , 你`` -> ``我 ， 你`` -> ``我，你``): run to a fixed point;
    # quote directions, which need the whole page read, are settled once the other rules have finished
    for _ in range(MAX_ROUNDS):
        doc = _with_character_rules(doc)
        before = doc.text
        analysed, analysis = doc, analyze_page(doc)
        doc = edit_document_by_kind(doc, list(_find_layout_spaces(doc.text, analysis)))
        if doc.text == before:
            page, paged = Page(analysis if doc is analysed else analyze_page(doc)), doc
            if _marks_to_settle(doc.text):
                page.reading = read_page(doc, page.analysis)
                doc = edit_document(doc, "quote_direction", _find_quote_directions(doc, page.reading))
            if doc.text == before:
                break
    if page is None or doc is not paged:
        return doc
    handed = replace(doc)  # the caller's document is not changed
    handed.page = page
    return handed
