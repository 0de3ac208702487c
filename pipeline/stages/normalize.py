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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache

from pipeline.page import layout
from pipeline.core.record import Document, Edit, RecentDocuments
from pipeline.core.text_tables import (
    ASCII_FULL_STOP_RE,
    ASCII_PUNCT_NEAR_CJK_RE,
    CJK,
    ASCII_TO_FULLWIDTH_PUNCT,
    CJK_PUNCT,
    COLUMN_GAP_RE,
    CREDIT_RE,
    CONTROL_RE,
    CORNER_QUOTE_RE,
    CORNER_QUOTES,
    CRLF,
    DOUBLE_QUOTE_LOOKALIKES,
    DOUBLE_QUOTES,
    FULLWIDTH_ALNUM_RE,
    FULLWIDTH_DECIMAL_POINT_RE,
    FULLWIDTH_TO_HALFWIDTH,
    FUNCTION_END,
    FUNCTION_START,
    HAN,
    HAN_RE,
    LEADING_BULLET_RE,
    QUOTE_CLOSES_BEFORE,
    QUOTE_OPENS_AFTER,
    SINGLE_QUOTES,
    SINGLE_SPACE_BETWEEN_CJK_RE,
    SPACE_BETWEEN_CJK_RE,
    TRAILING_SPACE_RE,
    ZERO_WIDTH_RE,
)

Replacement = tuple[int, int, str]
"""``(start, end, new_text)``: replace ``text[start:end]`` by ``new_text``."""
Finder = Callable[[str], Iterable[Replacement]]


# --- applying replacements -------------------------------------------------------------------
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
    characters map to the raw position where the replaced span started.
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
    return replace(doc, text="".join(text_parts), offsets=offset_parts, edits=edits)


def _regex_finder(pattern: re.Pattern[str], replacement: str | Callable[[re.Match[str]], str]) -> Finder:
    def find(text: str) -> Iterator[Replacement]:
        for match in pattern.finditer(text):
            new = replacement if isinstance(replacement, str) else replacement(match)
            yield match.start(), match.end(), new

    return find


# --- finders -------------------------------------------------------------------------------
find_line_ends = _regex_finder(CRLF, "\n")
find_zero_width = _regex_finder(ZERO_WIDTH_RE, "")
find_control_chars = _regex_finder(CONTROL_RE, "")
find_fullwidth_alnum = _regex_finder(FULLWIDTH_ALNUM_RE, lambda m: m.group().translate(FULLWIDTH_TO_HALFWIDTH))
find_fullwidth_decimal_points = _regex_finder(FULLWIDTH_DECIMAL_POINT_RE, ".")
_ASCII_TO_FULLWIDTH_PUNCT_TABLE = str.maketrans(ASCII_TO_FULLWIDTH_PUNCT)
find_ascii_punctuation = _regex_finder(ASCII_PUNCT_NEAR_CJK_RE, lambda m: m.group().translate(_ASCII_TO_FULLWIDTH_PUNCT_TABLE))
find_ascii_full_stops = _regex_finder(ASCII_FULL_STOP_RE, "。")
find_corner_quotes = _regex_finder(CORNER_QUOTE_RE, lambda m: CORNER_QUOTES[m.group()])
find_trailing_spaces = _regex_finder(TRAILING_SPACE_RE, "")


def find_leading_bullets(text: str) -> Iterator[Replacement]:
    """Bullets at the start of a line, except a crosshead's (see :func:`layout.is_crosshead_at`)."""
    lines: list[str] = []
    for match in LEADING_BULLET_RE.finditer(text):
        lines = lines or text.split("\n")
        if not layout.is_crosshead_at(lines, text.count("\n", 0, match.start())):
            yield match.start(), match.end(), ""


def find_spaces_between_cjk(text: str, *, keep_column_gaps: bool = False) -> Iterator[Replacement]:
    """Spaces between two Chinese characters (OCR artefacts); with ``keep_column_gaps`` only single ones."""
    pattern = SINGLE_SPACE_BETWEEN_CJK_RE if keep_column_gaps else SPACE_BETWEEN_CJK_RE
    for match in pattern.finditer(text):
        yield match.start(), match.end(), ""


_NUMBER_RUN_RE = re.compile(r"[0-9%.·]+(?:[ \t][0-9%.·]+)*")
_CJK_CHAR_RE = re.compile(f"[{CJK}]")
_LATIN_RE = re.compile(r"[A-Za-z]")


def find_number_spaces(text: str) -> Iterator[Replacement]:
    """Spaces an OCR engine sets inside numbers in Chinese text and around them (``达1 0 0 %，`` -> ``达100%，``).

    Only numbers next to Chinese text (through at most one space) are touched, and none
    next to Latin letters, so ``Windows 7 and 8`` keeps its spaces.
    """
    for match in _NUMBER_RUN_RE.finditer(text):
        start, end = match.span()
        left = start - 1 if start >= 1 and text[start - 1] not in " \t" else start - 2
        right = end if end < len(text) and text[end] not in " \t" else end + 1
        left_char = text[left] if left >= 0 and text[left + 1 : start].strip(" \t") == "" else ""
        right_char = text[right] if right < len(text) and text[end:right].strip(" \t") == "" else ""
        if _LATIN_RE.match(left_char or "_") or _LATIN_RE.match(right_char or "_"):
            continue
        left_cjk, right_cjk = bool(_CJK_CHAR_RE.match(left_char or "_")), bool(_CJK_CHAR_RE.match(right_char or "_"))
        if not (left_cjk or right_cjk):
            continue
        for space in re.finditer(r"[ \t]", match.group()):
            yield start + space.start(), start + space.end(), ""
        if left_cjk and left == start - 2:
            yield start - 1, start, ""
        if right_cjk and right == end + 1:
            yield end, end + 1, ""


def find_body_spaces(text: str, *, keep_column_gaps: bool = False) -> list[Replacement]:
    """Body text: spaces between Chinese characters and inside or around numbers in Chinese text,
    except between the names of an in-text credit (本报讯（记者 王继兵 袁帅）), where they separate people."""
    found = set(find_spaces_between_cjk(text, keep_column_gaps=keep_column_gaps)) | set(find_number_spaces(text))
    credits = [match.span() for match in CREDIT_RE.finditer(text)] if "（" in text or "(" in text else []
    if not credits:
        return sorted(found)
    padding = {edit for start, end in credits for edit in find_name_padding(text, start, end)}
    return sorted(edit for edit in found if edit in padding or not any(start < edit[0] < end for start, end in credits))


_HAN_RUN_RE = re.compile(f"[{HAN}]+")


def find_name_padding(text: str, start: int = 0, end: int | None = None) -> Iterator[Replacement]:
    """Spaces that set a two-character name to a three-character width (记者 刘  勇): between two
    single characters in a byline or credit, where the other spaces separate names."""
    runs = list(_HAN_RUN_RE.finditer(text, start, len(text) if end is None else end))
    for left, right in zip(runs, runs[1:]):
        gap = text[left.end() : right.start()]
        if len(left.group()) == 1 and len(right.group()) == 1 and gap and not gap.strip(_SPACE_CHARS):
            yield left.end(), right.start(), ""


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(60)
    return jieba


def space_cuts_phrase(left: str, right: str) -> bool:
    """Whether a space between two headline segments cuts a phrase (an OCR line end).

    Parallel phrases (``集聚产业 追梦中原``) keep their space.  A space cuts a phrase when
    the next segment starts with a function word (``重点项目 和产业``), the previous one
    ends with one, every segment is a single character (letter-spaced OCR), or a
    dictionary word spans the space (``产业集 聚区``).
    """
    if not left or not right:
        return False
    if not (re.match(f"[{HAN}]", left[-1]) and re.match(f"[{HAN}]", right[0])):
        return False
    if right[0] in FUNCTION_START or left[-1] in FUNCTION_END:
        return True
    if len(left) == 1 or len(right) == 1:
        return True
    window_left, window_right = left[-3:], right[:3]
    joined = window_left + window_right
    boundary = len(window_left)
    return any(
        start < boundary < end for _, start, end in _jieba().tokenize(joined, HMM=False)
    )


def find_headline_spaces(text: str) -> Iterator[Replacement]:
    """Spaces in a headline that cut a phrase; spaces between parallel phrases stay."""
    for match in re.finditer(r"[ \t\u00a0\u3000]+", text):
        left = re.split(r"[ \t\u00a0\u3000]+", text[: match.start()])[-1]
        right = re.split(r"[ \t\u00a0\u3000]+", text[match.end() :])[0]
        if space_cuts_phrase(left, right):
            yield match.start(), match.end(), ""


_QUOTE_FAMILIES = (DOUBLE_QUOTES, SINGLE_QUOTES)
_QUOTE_CHARS = "".join(DOUBLE_QUOTES + SINGLE_QUOTES) + DOUBLE_QUOTE_LOOKALIKES
_QUOTE_CHAR_RE = re.compile(f"[{re.escape(_QUOTE_CHARS)}]")
_SPACE_CHARS = " \t\u00a0\u3000"
# Chinese text an ASCII or look-alike mark must touch to count as a quote mark (curly quotes left out,
# so one mark's repair does not make its neighbour a candidate)
_CHINESE_CONTEXT_RE = re.compile(f"[{HAN}{CJK_PUNCT.translate(str.maketrans('', '', _QUOTE_CHARS))}]")
_COLUMN_GAP_RUN_RE = re.compile(f"[{_SPACE_CHARS}]{{2,}}")
_LATIN_RE = re.compile("[A-Za-z\uff21-\uff3a\uff41-\uff5a]")
_ALNUM_RE = re.compile("[A-Za-z0-9\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")


def _neighbours(paragraph: str, position: int) -> tuple[str, str]:
    """The nearest non-space characters before and after ``position`` ("" at the paragraph's edges)."""
    before = paragraph[:position].rstrip(_SPACE_CHARS)
    after = paragraph[position + 1 :].lstrip(_SPACE_CHARS)
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
            return None if family is SINGLE_QUOTES and _ALNUM_RE.search(touching) else family
        if char == family[2]:
            if (_ALNUM_RE if family is SINGLE_QUOTES else _LATIN_RE).search(touching):
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
    for start, end in _line_spans(text):
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


def _line_spans(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    for line in text.split("\n"):
        yield start, start + len(line)
        start += len(line) + 1


@dataclass(frozen=True)
class PageAnalysis:
    """A document's lines, each character's printed width, and what ``layout.analyze`` makes of the lines."""

    spans: list[tuple[int, int]]
    widths: list[float]
    page: layout.PageLayout


RECENT_ANALYSES = 64
"""How many documents ``analyze_page`` remembers: a chain's chunk (``run.CHUNK_SIZE``) in two or three versions."""
_recent_analyses: RecentDocuments[PageAnalysis] = RecentDocuments(RECENT_ANALYSES)


def analyze_page(doc: Document) -> PageAnalysis:
    """The page's layout analysis, made once per document object.

    Normalize's last round analyses the very document whose quote marks are then read
    in paragraphs and which the repair stage gets next; each of them would analyse the
    same page again, so the analysis is remembered for the last documents.
    """
    found = _recent_analyses.get(doc)
    if found is not None:
        return found
    text = doc.text
    widths = layout.printed_widths(doc)
    spans = list(_line_spans(text))
    page = layout.analyze([text[s:e] for s, e in spans], [sum(widths[s:e]) for s, e in spans])
    analysis = PageAnalysis(spans, widths, page)
    _recent_analyses.put(doc, analysis)
    return analysis


def _find_layout_spaces(doc: Document) -> Iterator[tuple[str, Replacement]]:
    """Space rules scoped by line role: headline rule, body rule; bylines and furniture keep theirs."""
    text = doc.text
    analysis = analyze_page(doc)
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


def _find_quote_directions(doc: Document) -> list[Replacement]:
    """Quote marks to turn, decided per paragraph as repair will read the page.

    A quotation often runs over a line end and, on a page of columns, over marks the
    OCR engine read into the gaps between columns; repair's reading of the page (columns
    apart, stray marks and furniture out, lines rejoined) gives the paragraphs the
    marks really alternate in.  Each decision is mapped back through the raw offsets.
    """
    if not _QUOTE_CHAR_RE.search(doc.text) or _quotes_pair_line_by_line(doc.text):
        return []
    from pipeline.stages.repair import read_page  # repair builds on this module: imported when needed

    read = read_page(doc, remember=True)  # the repair stage reuses it if this document is the one normalised
    offsets = doc.offsets  # only the marks are visited, not every character
    index_of_raw = {offsets[i]: i for i in (m.start() for m in _QUOTE_CHAR_RE.finditer(doc.text)) if i < len(offsets)}
    replacements = []
    for block in read.blocks:
        paragraph = read.text[block.start : block.end]
        if layout.parse_furniture(_COLUMN_GAP_RUN_RE.sub(" ", paragraph)):
            continue  # a running head read as text: its marks are OCR noise between the fields
        for start, end, new in find_quote_directions(paragraph):
            index = index_of_raw.get(read.offsets[block.start + start])
            if index is not None and doc.text[index] == paragraph[start]:
                replacements.append((index, index + 1, new))
    return replacements


def normalize_document(doc: Document) -> Document:
    """Normalise a document's characters and spaces, recording every change (pure, idempotent)."""
    if not doc.offsets:
        doc = replace(doc, offsets=list(range(len(doc.text))))
    # one rule's change can give another rule work (``我 , 你`` -> ``我 ， 你`` -> ``我，你``): run to a fixed point;
    # quote directions, which need the whole page read, are settled once the other rules have finished
    for _ in range(MAX_ROUNDS):
        before = doc.text
        for kind, finder in CHARACTER_RULES:
            doc = edit_document(doc, kind, list(finder(doc.text)))
        doc = edit_document_by_kind(doc, list(_find_layout_spaces(doc)))
        if doc.text == before:
            doc = edit_document(doc, "quote_direction", _find_quote_directions(doc))
            if doc.text == before:
                break
    return doc
