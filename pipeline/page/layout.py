"""Layout recognition: what each line of a scan is, and how its columns sit.

Works on plain lines (no offsets), so both normalisation (which scopes its space
rules by line role) and repair (which builds paragraphs and blocks) use the same
reading of the page.  Evidence used is what any newspaper scan gives: Markdown
heading markers when a converter left them, a byline's role word (记者, 通讯员),
dates, weekdays and page numbers in running heads, lone decorative quote marks and
``——NAME`` lines around pull quotes, line widths against the column width, and
runs of spaces where side-by-side columns meet.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from pipeline.core.newspapers import levenshtein, match_newspaper, named_exactly, nearest_newspaper, section_names
from pipeline.core.numbers import parse_number
from pipeline.core.record import Document
from pipeline.core.text_tables import (
    ATTRIBUTION_RE,
    BLANKS,
    BULLETS,
    BYLINE_RE,
    BYLINE_ROLE_RE,
    CLOSING_QUOTES,
    COLUMN_CUT_RE,
    COLUMN_GAP_RE,
    CREDIT_RE,
    DATE_DIGIT_LOOKALIKE_RE,
    DATE_DIGIT_LOOKALIKES,
    DATE_RE,
    EDITORS_NOTE_RE,
    END_MARK_RE,
    GARBLED_DATE_RE,
    HAN,
    HEAD_FIELD_RE,
    INDENT_RE,
    JUMP_LINE_RE,
    LONE_QUOTE_MARK_RE,
    MARKDOWN_HEADING_RE,
    NAME_SPLIT_RE,
    OCR_DATE_DIGITS,
    OCR_PAGE_DIGITS,
    PAGE_IN_HEAD_RE,
    PAGE_LINE_RE,
    PAGE_RE,
    PARAGRAPH_FINAL,
    PARTIAL_DATE_RE,
    PUBLICATION_LINE_RE,
    PUBLICATION_RE,
    SENTENCE_FINAL,
    STAFF_CREDIT_RE,
    STORY_OPENER_RE,
    STRAY_MARK_RE,
    WEEKDAY_LINE_RE,
    WEEKDAY_RE,
    WEEKDAYS,
)

BLANK = "blank"
FURNITURE = "furniture"
HEADLINE = "headline"
SUBHEADLINE = "subheadline"
BYLINE = "byline"
QUOTE_MARK = "quote_mark"
PULL_QUOTE = "pull_quote"
ATTRIBUTION = "attribution"
BODY = "body"
CROSSHEAD = "crosshead"

# Heading lines: their spaces between phrases stay (集聚产业 追梦中原), and no body line joins them.
HEADLINE_ROLES = frozenset({HEADLINE, SUBHEADLINE, CROSSHEAD})
TEXT_ROLES = frozenset({BODY, PULL_QUOTE, ATTRIBUTION})
NOISE = "noise"
DROPPED_ROLES = frozenset({BLANK, FURNITURE, QUOTE_MARK, NOISE})

PARAGRAPH_INDENT = 2.0  # em: a paragraph's first line is indented two characters in print
MAX_FURNITURE_WIDTH = 40
MAX_HEADLINE_WIDTH = 90
MAX_COLUMN_WIDTH = 45
MAX_BYLINE_WIDTH = 40
BYLINE_SEARCH_LINES = 8
SENTENCE_PUNCT_RE = re.compile(r"[，。；！？,;!?]")
# Punctuation standing right after white space in a running head: what an OCR engine read into the gap
# between its fields (``星期四 ，A05``), not a sentence's.
_HEAD_NOISE_RE = re.compile(r"(?<=[ \t\u3000])[。，,.、；;]+")
_BLANK_RUN_RE = re.compile(f"[{BLANKS}]{{2,}}")
# A printed field of a running head that may be the paper's name: a run without spaces holding Chinese.
_HEAD_TOKEN_RE = re.compile(f"[^{BLANKS}]*[{HAN}][^{BLANKS}]*")
# Where a running head's date begins, when OCR garbled the rest of it: the first digit.
_DATE_START_RE = re.compile(r"\d")
# A weekday in a running head whose first character OCR misread (蜂期五 for 星期五).
_GARBLED_WEEKDAY_RE = re.compile(f"(?<![\\d第])[{HAN}]期[{WEEKDAYS}]")
# How many of a page's first lines may be its running head (a masthead, the date line, the page number).
RUNNING_HEAD_LINES = 3
MAX_HEAD_NOISE = 4  # Chinese characters beside a running head's date that are none of its fields


@dataclass
class PageLayout:
    """The reading of one article's lines: a role per line, which lines are side-by-side column rows, metadata."""

    roles: list[str]
    column_rows: list[bool]
    meta: dict[str, Any] = field(default_factory=dict)


# --- measuring ---------------------------------------------------------------------------------
_NOT_HALF_WIDTH_RE = re.compile(r"[^ -~]+")


def display_width(text: str) -> float:
    """Printed width in em: Chinese and full-width characters 1, ASCII (half-width) 0.5.

    Counted as the length less half the printable ASCII characters, which a regular expression
    finds in C: this runs for every line of every page, several times."""
    return len(text) - 0.5 * len(_NOT_HALF_WIDTH_RE.sub("", text))


def printed_widths(doc: Document) -> list[float]:
    """Width in em of each character as printed on the page.

    Normalisation folds full-width digits and letters to half-width; on the page they
    were full-width, which matters when a line's width is compared with the column's.
    """
    folded = {edit.raw_start for edit in doc.edits if edit.kind == "fullwidth_to_halfwidth"}
    # display_width inlined for single characters: this runs once per character of every document.
    widths = [1.0 if raw in folded or not " " <= ch <= "~" else 0.5 for ch, raw in zip(doc.text, doc.offsets)]
    for start, end in spaced_number_runs(doc.text, doc.offsets):
        for index in range(start, end):
            widths[index] = 0.0 if doc.text[index] in " \t" else 1.0
    return widths


_NUMBER_RUN_RE = re.compile(r"[0-9.%](?:[ \t]?[0-9.%])+")
# Single Latin letters with a space between each (``V C D``): full-width letters read one em box at a time.
_SPACED_LETTERS_RE = re.compile(r"(?<![A-Za-z])[A-Za-z](?:[ \t][A-Za-z])+(?![A-Za-z])")


def spaced_number_runs(text: str, offsets: list[int]) -> list[tuple[int, int]]:
    """Numbers an OCR engine read from full-width digits (``3 8 1 3``, ``1 2 . 3``): each digit sits in
    an em box, so the engine sets spaces between them (still in the text, or removed by normalisation:
    a gap in the offsets). On the page each digit took a full em and the spaces none.  So did letters
    read one by one (``V C D``)."""
    runs = [match.span() for match in _SPACED_LETTERS_RE.finditer(text)]
    for match in _NUMBER_RUN_RE.finditer(text):
        start, end = match.span()
        spaced = " " in match.group() or "\t" in match.group()
        if not spaced and offsets:
            spaced = any(offsets[i + 1] - offsets[i] > 1 for i in range(start, end - 1))
        if spaced:
            runs.append((start, end))
    return sorted(runs)



def estimate_column_width(widths: list[float], *, min_lines: int = 4, min_share: float = 0.45) -> float | None:
    """The column width of hard-wrapped text: the width most lines share, or None if lines are free-running.

    Most lines of a hard-wrapped column are full (the column width, give or take a
    half-width character or a hanging punctuation mark); paragraph ends are shorter.
    """
    widths = [w for w in widths if w >= 4]
    if len(widths) < min_lines:
        return None
    counts = Counter(round(w) for w in widths)
    best, best_near = None, 0
    for candidate in counts:
        near = sum(n for w, n in counts.items() if candidate - 1 <= w <= candidate + 1)
        if near > best_near or (near == best_near and best is not None and candidate > best):
            best, best_near = candidate, near
    if best is None or best > MAX_COLUMN_WIDTH or best_near / len(widths) < min_share:
        return None
    # the full width: the widest common width near the mode (hanging punctuation excepted)
    near_widths = sorted(w for w in widths if best - 1 <= round(w) <= best + 1)
    return near_widths[len(near_widths) // 2] if near_widths else float(best)


def is_indented(line: str) -> bool:
    return bool(INDENT_RE.match(line))


def markdown_prefix_length(line: str) -> int:
    """Length of a leading Markdown heading marker (``## ``), 0 if none."""
    match = MARKDOWN_HEADING_RE.match(line)
    return match.end() if match else 0


def ends_paragraph(line: str) -> bool:
    """Whether a line ends with punctuation that can end a paragraph: 。！？… or a colon, or a closing
    quote mark or bracket after a sentence's end (。” ！）, ``（完）`` alone).  A term in quotes or
    brackets (“稳中求进” 《人民日报》 电（记者王言彬）) at a line's end is no sentence's end, nor is
    anything inside a bracket still open (``（来源：``)."""
    stripped = line.rstrip(BLANKS)
    if not stripped or stripped[-1] not in PARAGRAPH_FINAL:
        return False
    if stripped.count("（") + stripped.count("(") > stripped.count("）") + stripped.count(")"):
        return False  # inside a bracket: （来源：
    if stripped[-1] in "）)":
        opening = max(stripped.rfind("（"), stripped.rfind("("))
        before = stripped[:opening].rstrip(BLANKS) if opening >= 0 else ""
        return opening <= 0 or not before or before[-1] in SENTENCE_FINAL + CLOSING_QUOTES
    if stripped[-1] in CLOSING_QUOTES + "》":
        core = stripped.rstrip(CLOSING_QUOTES + "》" + BLANKS)
        return not core or core[-1] in SENTENCE_FINAL
    return True


# --- furniture, bylines, attributions --------------------------------------------------------
def page_number(token: str, *, placed: bool = False) -> str | None:
    """A page label (``AO5`` read by OCR -> ``A05``), or None without a single digit (``placed``: the token
    stands where a running head prints its page, and may be all letters OCR read for digits: ``BOL``).

    A label with section letters has a two-digit number, as the papers print them (A05, AA12): a
    digit OCR lost or doubled (``AA1``, ``BO02``) is set back, and ``A1`` is the page ``A01`` is.
    """
    match = re.fullmatch(r"(?P<letters>[A-Z]{0,2}?)(?P<number>[\dOolIL]{1,3})", token)
    if not match or not (placed and match["letters"] or re.search(r"\d", match["number"])):
        return None
    number = match["number"].translate(OCR_PAGE_DIGITS)
    if not number.strip("0"):
        return None  # no page 0
    if match["letters"]:
        number = number[1:] if len(number) == 3 else number.zfill(2)  # BO02, Al10: a character doubled or strewn
    return match["letters"] + number


def broken_page_number(token: str) -> str | None:
    """A page label with a letter OCR read into its number, between two of its digits (``AAOT7`` -> ``AA07``),
    or None: section letters, then a two-digit number once that letter is out."""
    match = re.fullmatch(r"(?P<letters>[A-Z]{1,2}?)(?P<first>[\dOolIL])[A-Za-z](?P<last>\d)", token)
    return page_number(match["letters"] + match["first"] + match["last"]) if match else None


def find_date(text: str) -> re.Match[str] | None:
    """The issue date in a running head, digits OCR misread (``1998年]月16日``) read as the digits they are;
    the match's positions are ``text``'s."""
    return DATE_RE.search(DATE_DIGIT_LOOKALIKE_RE.sub(lambda m: m.group().translate(DATE_DIGIT_LOOKALIKES), text))


def weekday_number(printed: str | None) -> int | None:
    """Monday 0 .. Sunday 6 of a printed weekday (``星期五``, ``周日``, OCR's ``蜂期五``), None if none."""
    if not printed or printed[-1] not in WEEKDAYS:
        return None
    return min(WEEKDAYS.index(printed[-1]), 6)


def issue_date(date: re.Match[str], weekday: str | None = None) -> str | None:
    """The ISO date a running head's date (a :data:`DATE_RE` match of :func:`find_date`) prints, or None.

    OCR misreads, loses or doubles a digit (``1998年1月46日``, ``1月195日``): a printed date that is no
    date is the one date a digit away from it (month and day together) that falls on the weekday
    printed beside it (星期五: 16 January), if there is exactly one.  A date that is a date stands
    as printed, unless the weekday beside it says otherwise and exactly one date a digit away falls on
    that weekday (rule ``date_against_weekday``: ``1998年10月11日 星期二``, 11 October 1998 a Sunday, is 13
    October with a digit misread); with several such dates (``1998年1月2日 星期二``: 6, 20 and 27 January)
    or none, the weekday may be the misread field, and the date stands as printed.
    """
    year = int(date["year"])
    month = (date["month"] or date["month2"]).translate(OCR_DATE_DIGITS)
    day = (date["day"] or date["day2"]).translate(OCR_DATE_DIGITS)
    try:
        printed = datetime.date(year, int(month), int(day))
    except ValueError:
        return _date_on_weekday(year, month, day, weekday)
    number = weekday_number(weekday)
    if number is None or printed.weekday() == number:
        return printed.isoformat()
    return _date_on_weekday(year, month, day, weekday) or printed.isoformat()


def garbled_issue_date(text: str, weekday: str | None) -> str | None:
    """The ISO date of a running head's date OCR garbled past :data:`DATE_RE` (``1998年志17日``: a month read
    as a character, ``2018年10`` with its day on the next line), read with the printed weekday, or None.

    The garbled month or day is compared character by character with the dates of the year: the one
    date a character away that falls on the weekday is the printed one (``志/17`` on a Saturday is
    1/17, not 10/17, two characters away); a date as printed must fall on the weekday too."""
    date = GARBLED_DATE_RE.search(text)
    if date is None or weekday_number(weekday) is None:
        return None
    return _date_on_weekday(int(date["year"]), date["month"].translate(OCR_DATE_DIGITS), date["day"].translate(OCR_DATE_DIGITS), weekday)


def _date_on_weekday(year: int, month: str, day: str, weekday: str | None) -> str | None:
    """The date of ``year`` that falls on ``weekday`` as printed, else the one a character from ``month``/``day``."""
    number = weekday_number(weekday)
    if number is None:
        return None
    found: dict[int, list[datetime.date]] = {0: [], 1: []}
    printed = f"{month}/{day}"
    start = datetime.date(year, 1, 1)
    for offset in range((datetime.date(year + 1, 1, 1) - start).days):
        candidate = start + datetime.timedelta(days=offset)
        if candidate.weekday() == number and (distance := levenshtein(printed, f"{candidate.month}/{candidate.day}", 1)) <= 1:
            found[distance].append(candidate)
    nearest = found[0] or found[1]
    return nearest[0].isoformat() if len(nearest) == 1 else None


def _head_text(line: str) -> str:
    """A line read as a running head: what OCR reads into the white between its fields (stray quote marks,
    a full stop after a space, an underline ``_A07``) taken for spaces, and a date or page written in Chinese
    numerals (一九九八年一月十六日, 第十二版), as older papers print them, in digits."""
    text = _HEAD_NOISE_RE.sub(" ", STRAY_MARK_RE.sub(" ", _UNDERLINE_RE.sub(" ", line)))
    if "版" in text:
        text = _CHINESE_PAGE_RE.sub(lambda m: f"第{_in_digits(m[1])}版", text)
    if "日" in text:
        text = _CHINESE_DATE_RE.sub(lambda m: f"{_in_digits(m[1])}年{_in_digits(m[2])}月{_in_digits(m[3])}日", text)
    return text


_UNDERLINE_RE = re.compile(r"_+")
_CHINESE_NUMBER = "[二三四五六七八九]?十[一二三四五六七八九]?|[一二三四五六七八九]"  # 1 to 99
_CHINESE_PAGE_RE = re.compile(f"第\\s*({_CHINESE_NUMBER})\\s*版")
# 一九九八年一月十六日: the year digit by digit, 〇/○/零 for nought
_CHINESE_DATE_RE = re.compile(f"([〇○零一二三四五六七八九]{{4}})年({_CHINESE_NUMBER})月({_CHINESE_NUMBER})日")


def _in_digits(numeral: str) -> int:
    """A Chinese numeral the patterns above matched, as a whole number (十二 -> 12, 一九九八 -> 1998)."""
    return int(parse_number(numeral))


def parse_furniture(line: str) -> dict[str, Any] | None:
    """Metadata from a page-furniture line (running head, dateline, page number), or None if it is not one.

    Marks an OCR engine reads into the white space between the fields (``河南日报”1998年``)
    are taken for spaces first, and the fields' width is measured without the white space
    between them (a head spread over the page's width comes back with runs of spaces).
    """
    text = " ".join(_head_text(line).split())
    if JUMP_LINE_RE.match(text) or END_MARK_RE.match(text):
        return {}  # where the article goes on, came from or ends: no text of it
    if find_date(text) and WEEKDAY_RE.search(text):  # a head's fields: marks between them are OCR's
        text = " ".join(re.sub(r"[，。；;]|(?<!\d)[,.]|[,.](?!\d)", " ", text).split())
    if not text or display_width(text) > MAX_FURNITURE_WIDTH or SENTENCE_PUNCT_RE.search(STAFF_CREDIT_RE.sub(" ", text)):
        return None
    found: dict[str, Any] = {}
    date = find_date(text)
    if date:
        rest = _blanked(text, date.start(), date.end())
        printed_weekday = WEEKDAY_RE.search(rest)
        if value := issue_date(date, printed_weekday.group() if printed_weekday else None):
            found["date"] = value  # 1998年1月49日 without a weekday: a date OCR broke, no value
        if not rest.strip(BLANKS):
            return found  # a date alone (or one OCR broke past reading): the running head's fields, one a line
        weekday = WEEKDAY_RE.search(rest)
        if weekday:
            found["weekday"] = weekday.group()
            rest = _blanked(rest, weekday.start(), weekday.end())
        publication = PUBLICATION_RE.search(rest)
        if publication and not BYLINE_ROLE_RE.search(publication.group()):  # not 新华社记者张三报(道)
            found.update(publication_fields(publication.group()))
            rest = _blanked(rest, publication.start(), publication.end())
        else:  # a paper whose name has no 报 (南方周末), or whose 报 OCR misread (人民日扳) or spaced out (河南 日报)
            paper, rest = _known_paper(rest, date.start())
            found.update(paper)
        rest = _without_head_fields(rest)
        page = PAGE_RE.fullmatch(rest.strip(BLANKS)) if re.search(r"\d", rest) else None
        if page and page_number(page["page"]):
            found["page"] = page_number(page["page"])
            rest = ""
        elif page := PAGE_IN_HEAD_RE.search(rest):
            if number := page_number(page["page"] or page["alone"], placed=True):
                found["page"] = number
                rest = rest[: page.start()] + " " + rest[page.end() :]
        leftover = re.findall(f"[{HAN}]", rest)
        names_the_paper = "publication" in found or "page" in found or ("weekday" in found and "date" in found)
        return found if names_the_paper and len(leftover) <= 6 else None
    if re.search(f"[{HAN}]", text) and not re.search(f"[{HAN}]", _without_head_fields(text)):
        return {}  # a line of staff credits alone: 责任编辑：张三　版式设计：李四
    page_line = PAGE_LINE_RE.match(text)
    if page_line and page_number(page_line["page"]):
        return {"page": page_number(page_line["page"])}
    if PUBLICATION_LINE_RE.match(text) or named_exactly(text):
        return publication_fields(text)
    if WEEKDAY_LINE_RE.match(text):
        return {"weekday": text}
    return _head_fields(text)


MAX_SECTION_NAME = 4


def _head_fields(text: str) -> dict[str, Any] | None:
    """A running head without a readable date, field by field: the page, the paper, the weekday, a
    date whose day OCR lost, staff credits and up to two short words (section names), nothing else.

    ``AA02 国际 责任编辑：王芳``, ``星期一 B05``, ``南方日报 2018年10月：日 星期一``; a field must be
    whole (``据新京报报道`` names no paper), and a weekday or a broken date alone is not enough.
    """
    rest = _without_head_fields(text)
    credits = rest != text
    if PARTIAL_DATE_RE.fullmatch(rest.strip()) and rest.strip().endswith("日"):
        return {}  # a date OCR broke, alone on its line: 1998年1月416日
    rest = PARTIAL_DATE_RE.sub(" ", rest)
    dated = rest != _without_head_fields(text)
    found: dict[str, Any] = {}
    words = 0
    for word in rest.split():
        if WEEKDAY_LINE_RE.match(word):
            found.setdefault("weekday", word)
        elif PUBLICATION_LINE_RE.match(word) and not BYLINE_ROLE_RE.search(word):
            found.setdefault("publication", word)
        elif (page := PAGE_RE.fullmatch(word)) and re.search(r"\d", word) and page_number(page["page"]):
            if "page" in found:
                return None  # two numbers (1 9 9 8 从习): a number in text, no running head's page
            found["page"] = page_number(page["page"])
        elif re.fullmatch(f"[{HAN}]{{1,{MAX_SECTION_NAME}}}", word):
            words += 1
        else:
            return None
    strong = "page" in found or "publication" in found or credits
    if words > 2 or not (strong or (dated and found)):
        return None
    return found


def publication_fields(printed: str) -> dict[str, str]:
    """``meta`` fields for a paper's name as printed: ``publication``, the name of the paper it means
    (:func:`pipeline.core.newspapers.match_newspaper`: ``人民上日报`` -> ``人民日报``), and
    ``publication_raw``, the printed form, when OCR garbled it.  A paper not on the list keeps
    the name as printed."""
    name = match_newspaper(printed)
    if name is None or name == printed:
        return {"publication": printed}
    return {"publication": name, "publication_raw": printed}


def running_head_fields(line: str, *, placed: bool = False) -> dict[str, Any] | None:
    """What a running head too noisy for :func:`parse_furniture` still says, or None if the line is no running head.

    A line at the top or the foot of a page that prints an issue date beside a weekday or a
    paper's name (``河南日报 ”1998年1月24日”星期四 口口 一 ，A05``), or a whole date with hardly
    anything else, is the running head, however
    much noise the OCR engine read into it: furniture, never the headline.  Sentence
    punctuation between Chinese characters still makes it text.  A weekday may have lost
    its first character to OCR (``蜂期五``).  ``placed``: the page's geometry already put the
    line in the running head band: whatever fields can be read are taken, even without a
    date (``河南日报。1998年]月16昌``).
    """
    text = _head_text(line).strip(BLANKS)
    date = find_date(text)
    if (not date and not placed) or display_width(_BLANK_RUN_RE.sub(" ", text)) > MAX_HEADLINE_WIDTH:
        return None
    if re.search(f"[{HAN}][，。；！？,;!?][{HAN}]", text) and not placed:
        return None
    found: dict[str, Any] = {}
    rest = text
    if date:
        rest = _blanked(text, date.start(), date.end())
        printed_weekday = WEEKDAY_RE.search(rest) or _GARBLED_WEEKDAY_RE.search(rest)
        value = issue_date(date, printed_weekday.group() if printed_weekday else None)
        if value is None:
            return None
        found["date"] = value
    if weekday := WEEKDAY_RE.search(rest) or _GARBLED_WEEKDAY_RE.search(rest):
        found["weekday"] = weekday.group()
        rest = _blanked(rest, weekday.start(), weekday.end())
    # a date OCR garbled (1998年]月16昌) still marks where the paper's name ends
    paper, rest = _known_paper(rest, date.start() if date else _DATE_START_RE.search(rest + "0").start())
    found.update(paper)
    # a whole date with a few characters of noise around it (``报   1998年1月20   拥一``) is a head's date too
    dated = "date" in found and len(re.findall(f"[{HAN}]", rest)) <= MAX_HEAD_NOISE
    if "weekday" not in found and "publication" not in found and not dated and not placed:
        return None
    pages = [page_number(m["page"] or m["alone"], placed=bool(date)) for m in PAGE_IN_HEAD_RE.finditer(rest)]
    if pages := [page for page in pages if page]:
        found["page"] = pages[-1]  # the number at the line's end, where running heads print it
    return found


def _blanked(text: str, start: int, end: int) -> str:
    """``text`` with ``text[start:end]`` blanked out, its length (and the positions after it) kept."""
    return text[:start] + " " * (end - start) + text[end:]


def _known_paper(rest: str, date_at: int) -> tuple[dict[str, str], str]:
    """A listed paper a running head names where :data:`PUBLICATION_RE` finds none, and the head without it.

    Its name is a field of its own (南方周末, 人民日扳 read for 人民日报), or, set in a masthead
    face the OCR engine spaced out (``人民 日报。``), the Chinese characters before the date.
    """
    for token in _HEAD_TOKEN_RE.finditer(rest):
        printed = (PUBLICATION_RE.search(token.group()) or token).group()
        if match_newspaper(printed):
            return publication_fields(printed), _blanked(rest, token.start(), token.end())
    before = re.findall(f"[{HAN}]", rest[:date_at])
    if len(before) >= 3 and match_newspaper("".join(before)):
        return publication_fields("".join(before)), re.sub(f"[{HAN}]", " ", rest[:date_at]) + rest[date_at:]
    return {}, rest


def _without_head_fields(text: str) -> str:
    """``text`` without a running head's staff credits and other fields (lunar date, serial numbers)."""
    return HEAD_FIELD_RE.sub(" ", STAFF_CREDIT_RE.sub(" ", text))


def parse_byline(line: str) -> list[str] | None:
    """Reporter names from a byline (``□郑州晚报记者 王继兵 袁帅`` -> ``["王继兵", "袁帅"]``), or None."""
    text = line.strip(BLANKS)
    if not text or display_width(text) > MAX_BYLINE_WIDTH or re.search(r"[。！？]", text):
        return None
    match = BYLINE_RE.match(text)
    if not match:
        return None
    if match["dateline"] and re.search("[，,]", match["names"]):
        return None  # 本报讯 记者 张三 昨日，我市…: the story itself begins
    names = [name for name in NAME_SPLIT_RE.split(match["names"]) if name]
    names = [name[role.end() :] if (role := BYLINE_ROLE_RE.match(name)) else name for name in names]
    names = padded_names_joined(names)
    if any(len(name) > 5 for name in names):
        return None  # a phrase, no name: the line is text
    names = [name for name in names if len(name) >= 2]
    return names or None


def padded_names_joined(pieces: list[str]) -> list[str]:
    """A two-character name set to a three-character width is one name (刘 勇 -> 刘勇): runs of
    single characters are joined."""
    names: list[str] = []
    for piece in pieces:
        if len(piece) == 1 and names and len(names[-1]) == 1:
            names[-1] += piece
        else:
            names.append(piece)
    return names


def parse_credit(text: str) -> list[str]:
    """Reporter names from an in-text credit at a story's start: ``电（记者孙杰）``."""
    match = CREDIT_RE.search(text[:80])
    if not match:
        return []
    pieces = BYLINE_ROLE_RE.sub("|", match["names"]).split("|")  # each role's names on their own
    names = [name for piece in pieces for name in padded_names_joined(NAME_SPLIT_RE.split(piece.strip()))]
    return [name for name in names if 2 <= len(name) <= 5]


def is_attribution(line: str) -> bool:
    return bool(ATTRIBUTION_RE.match(line.strip(BLANKS)))


# --- side-by-side columns ------------------------------------------------------------------------
def _has_column_gap(line: str) -> bool:
    return bool(COLUMN_GAP_RE.search(line.strip(BLANKS)))


def _is_offset_cell(line: str) -> bool:
    """A row whose first column is empty: text that starts far to the right."""
    return len(line) - len(line.lstrip(" \t")) >= 4 and bool(line.strip())


MIN_GAP_ROW_SHARE = 0.15
MIN_ALIGNED_ROWS = 4  # fewer rows line their quote marks up by chance


def column_regions(lines: list[str], roles: list[str]) -> list[tuple[int, int]]:
    """``(first, last + 1)`` line ranges where two or more columns are printed side by side.

    A run of body lines is side by side when rows show a gap between columns (a run of
    spaces), a few of them and not only one or two in a long run (a wide space in a line
    of Latin text in a column read on its own), or when most rows show a space or a stray
    mark at one position (close columns run together).
    """
    regions = []
    index = 0
    while index < len(lines):
        if roles[index] not in (BODY, BLANK):
            index += 1
            continue
        run_end = index
        while run_end < len(lines) and roles[run_end] in (BODY, BLANK):
            run_end += 1
        body_rows = [i for i in range(index, run_end) if roles[i] == BODY]
        gap_rows = [i for i in body_rows if _has_column_gap(lines[i])]
        rows = [lines[i] for i in body_rows]
        if (len(gap_rows) >= 2 and len(gap_rows) >= MIN_GAP_ROW_SHARE * len(body_rows)) or (
            len(body_rows) >= MIN_ALIGNED_ROWS and _has_aligned_cuts(rows)
        ):
            regions.append((body_rows[0], body_rows[-1] + 1))
        index = run_end
    return regions


def _has_aligned_cuts(lines: list[str]) -> bool:
    """Whether most rows show a cut candidate (a space, a stray mark) at one position: two close
    columns an OCR engine ran together with no run of spaces between them."""
    widths = [char_widths(line) for line in lines]
    row_widths = [sum(line_widths[: len(line.rstrip())]) for line, line_widths in zip(lines, widths)]
    cuts = [
        (sum(line_widths[: match.start()]), row)
        for row, (line, line_widths) in enumerate(zip(lines, widths))
        for match in _cut_candidates(line)
        # a cell on either side: a space after a comma near a line's end is no column's edge
        if MIN_CELL_WIDTH <= sum(line_widths[: match.start()]) <= row_widths[row] - MIN_CELL_WIDTH
    ]
    rows = sum(1 for line in lines if line.strip())
    for left, _ in cuts:  # a window as wide as the tolerance, from each cut on
        having = {row for position, row in cuts if left <= position <= left + ALIGNED_CUT_TOLERANCE}
        reaching = sum(1 for width in row_widths if width > left + MIN_CELL_WIDTH)
        if len(having) >= max(3, rows // 3) and reaching and len(having) / reaching >= 0.6:
            return True
    return False


ALIGNED_CUT_TOLERANCE = 1.0
MIN_CELL_WIDTH = 5.0


def char_widths(line: str) -> list[float]:
    return [0.5 if " " <= ch <= "~" else 1.0 for ch in line]


def _cut_candidates(line: str) -> list[re.Match[str]]:
    """Places in a line where two close columns may meet (see ``COLUMN_CUT_RE``), spaces inside numbers excepted."""
    found = []
    for match in COLUMN_CUT_RE.finditer(line):
        if match.start() == 0 or match.end() == len(line):
            continue
        bare = not match.group().strip(" \t") and len(match.group()) == 1
        if bare and line[match.start() - 1].isdigit() and line[match.end()].isdigit():
            continue
        found.append(match)
    return found


# --- the whole page ------------------------------------------------------------------------------
def _next_nonblank(lines: list[str], index: int) -> int | None:
    for j in range(index + 1, len(lines)):
        if lines[j].strip(BLANKS):
            return j
    return None


GIVEN_ROLES = frozenset({FURNITURE, HEADLINE, SUBHEADLINE})


def _take_furniture_meta(meta: dict[str, Any], found: dict[str, Any]) -> None:
    """Metadata of a furniture line, where no earlier line gave it; a printed name goes only with its own paper.

    A page label with section letters (A05) takes the place of a bare number an earlier line gave (``13``
    on a line of its own: a date's day the head's line break cut off, as like as not)."""
    named = "publication" in meta
    for key, value in found.items():
        if key == "page" and str(meta.get("page", "")).isdigit() and not value.isdigit():
            meta["page"] = value
        elif key != "publication_raw" or not named:
            meta.setdefault(key, value)


def analyze(lines: list[str], widths: list[float] | None = None, given: list[str | None] | None = None) -> PageLayout:
    """Recognise furniture, headline(s), byline, pull quotes and body lines of an article.

    ``widths`` are the lines' printed widths (see ``printed_widths``); measured from
    the text if not given.  ``given``: roles the page's geometry settled (an ALTO or hOCR
    page: the running head band is ``furniture``, the tallest lines ``headline``), one per
    line or None; those lines take them, and the text rules decide the others.
    """
    if widths is None:
        widths = [display_width(line) for line in lines]
    if given is None:
        given = [None] * len(lines)
    roles: list[str | None] = [None] * len(lines)
    meta: dict[str, Any] = {}

    printed = 0  # non-blank lines so far: a running head is among the first or the last
    total = sum(1 for line in lines if line.strip(BLANKS))
    for index, line in enumerate(lines):
        if not line.strip(BLANKS):
            roles[index] = BLANK
            continue
        printed += 1
        if given[index] in GIVEN_ROLES:
            roles[index] = given[index]
            if given[index] == FURNITURE:
                _take_furniture_meta(meta, parse_furniture(line) or running_head_fields(line, placed=True) or {})
            continue
        if markdown_prefix_length(line):
            continue
        furniture = parse_furniture(line)
        edge = printed <= RUNNING_HEAD_LINES or printed > total - RUNNING_HEAD_LINES
        if furniture is None and edge:
            furniture = running_head_fields(line)
        if furniture is not None:
            roles[index] = FURNITURE
            if not edge and furniture.get("page", "x").isdigit() and not re.search("[第版]", line):
                furniture = {key: value for key, value in furniture.items() if key != "page"}  # a number OCR strewed
            _take_furniture_meta(meta, furniture)
        elif LONE_QUOTE_MARK_RE.match(line.strip(BLANKS)):
            roles[index] = QUOTE_MARK
        elif EDITORS_NOTE_RE.match(line.strip(BLANKS)):
            roles[index] = BODY

    _mark_head_words(lines, roles)
    _mark_section_labels(lines, roles)
    _mark_broken_heads(lines, roles, meta)
    _mark_edge_heads(lines, roles, meta)
    _date_by_weekday(lines, roles, meta)

    # headlines: Markdown markers, else the lines above the byline, else a short first line
    headings = [i for i, line in enumerate(lines) if roles[i] is None and markdown_prefix_length(line)]
    content = [i for i in range(len(lines)) if roles[i] is None]
    byline_at = None
    for index in content[:BYLINE_SEARCH_LINES]:
        names = parse_byline(lines[index])
        if names:
            byline_at, meta["reporters"] = index, names
            roles[index] = BYLINE
            break
    if byline_at is None:  # the story's opening words (本报讯, 新华社北京3月5日电) end the headlines as a byline would
        byline_at = next(
            (
                i
                for i in content[:BYLINE_SEARCH_LINES]
                if STORY_OPENER_RE.match(lines[i].strip(BLANKS)) and not _has_column_gap(lines[i])
            ),
            None,
        )
    if any(role in (HEADLINE, SUBHEADLINE) for role in given):
        pass  # the page's type sizes named the headlines
    elif headings:
        levels = [len(MARKDOWN_HEADING_RE.match(lines[i]).group(1)) for i in headings]  # type: ignore[union-attr]
        top = headings[levels.index(min(levels))]
        for i in headings:
            roles[i] = HEADLINE if i == top else SUBHEADLINE
    elif byline_at is not None:
        above = [i for i in content if i < byline_at and roles[i] is None]
        if 0 < len(above) <= 3 and all(display_width(lines[i].strip(BLANKS)) <= MAX_HEADLINE_WIDTH for i in above):
            roles[above[0]] = HEADLINE
            for i in above[1:]:
                roles[i] = SUBHEADLINE
    else:
        _guess_headline(lines, roles, widths)

    _mark_pull_quotes(lines, roles)
    _mark_crossheads(lines, roles)
    _mark_noise(lines, roles, widths)
    final_roles = [role or BODY for role in roles]

    if "reporters" not in meta:
        first_body = next((lines[i] for i, role in enumerate(final_roles) if role == BODY), "")
        credit = parse_credit(first_body.strip(BLANKS))
        if credit:
            meta["reporters"] = credit

    column_rows = [False] * len(lines)
    for first, last in column_regions(lines, final_roles):
        for index in range(first, last):
            column_rows[index] = final_roles[index] in (BODY, BLANK)
    return PageLayout(final_roles, column_rows, meta)


def _mark_head_words(lines: list[str], roles: list[str | None]) -> None:
    """Short words an OCR engine set on lines of their own out of a running head (a section name,
    a broken field: 国际, 综合新闻, 日) are furniture where they stand between furniture lines, or
    between one and the page's edge: a short headline under the running head has text after it."""
    nonblank = [i for i, line in enumerate(lines) if line.strip(BLANKS)]
    changed = True
    while changed:
        changed = False
        for position, index in enumerate(nonblank):
            if roles[index] is not None or not re.fullmatch(f"[{HAN}]{{1,{MAX_SECTION_NAME}}}", lines[index].strip(BLANKS)):
                continue
            above = roles[nonblank[position - 1]] if position else None
            below = roles[nonblank[position + 1]] if position + 1 < len(nonblank) else None
            edge = position in (0, len(nonblank) - 1)
            if (above == FURNITURE or edge) and (below == FURNITURE or edge) and FURNITURE in (above, below):
                roles[index] = FURNITURE
                changed = True


SECTION_LABEL_REACH = 2  # printed lines: how near a running head's line a section label OCR set apart stands


def is_section_label_at(lines: list[str], roles: list[str | None], index: int) -> bool:
    """Rule ``section_label``: a line that is a section's name alone (文化, 国际: ``data/sections.txt``) with a
    running head's line among the printed lines next to it (two either side) is that head's section label,
    which an OCR engine reading the page block by block (Tesseract ``--psm 3``) set apart, wherever it landed
    on the page.  Far from the running head the same word is text: a crosshead, a short headline."""
    if lines[index].strip(BLANKS) not in section_names():
        return False
    printed = [i for i, line in enumerate(lines) if line.strip(BLANKS)]
    position = printed.index(index)
    near = printed[max(0, position - SECTION_LABEL_REACH) : position] + printed[position + 1 : position + 1 + SECTION_LABEL_REACH]
    return any(roles[i] == FURNITURE for i in near)


def _mark_section_labels(lines: list[str], roles: list[str | None]) -> None:
    """Section labels set apart from the running head (rule ``section_label``) are furniture."""
    for index in range(len(lines)):
        if roles[index] is None and is_section_label_at(lines, roles, index):
            roles[index] = FURNITURE


HEAD_SIGNALS = (PUBLICATION_RE, WEEKDAY_RE, STAFF_CREDIT_RE, re.compile(r"(?:19|20)\d\d\S?年"))


def _mark_broken_heads(lines: list[str], roles: list[str | None], meta: dict[str, Any]) -> None:
    """A running head OCR broke past reading (``Ano4 国际责任编辑：刘洋郑州晚报 19es年1月1e日星期一``): the
    page's first or last line, unpunctuated, showing two of a paper's name, a weekday, a staff
    credit and a year, is furniture.  Its weekday is kept; the paper's name, run into a staff
    credit's names (刘洋郑州晚报), is not to be told."""
    changed = True
    while changed:
        changed = False
        nonblank = [i for i, line in enumerate(lines) if line.strip(BLANKS) and roles[i] != FURNITURE]
        for index in nonblank[:1] + nonblank[-1:]:
            text = " ".join(STRAY_MARK_RE.sub(" ", lines[index]).split())
            if roles[index] is not None or SENTENCE_PUNCT_RE.search(STAFF_CREDIT_RE.sub(" ", text)):
                continue
            if sum(bool(signal.search(text)) for signal in HEAD_SIGNALS) >= 2:
                roles[index] = FURNITURE
                if weekday := WEEKDAY_RE.search(text):
                    meta.setdefault("weekday", weekday.group())
                changed = True


# A field of a running head OCR broke that is still one by its form: a date with 年 or 月 between digits
# (19es年1月1e日, 2018年11), a weekday that lost a character (星期, 呈期六), a token without Chinese.
_BROKEN_HEAD_FIELD_RE = re.compile(f"(?:星期|[{HAN}]期[{WEEKDAYS}])|[^{HAN}]+")


def _broken_date(token: str) -> bool:
    """What OCR left of a date: digits with 年 or 月 (19es年1月1e日, 2018年11, 1998年1有49日) or a year's
    first digits (198昨区区), and hardly another Chinese character."""
    others = len(re.findall(f"[{HAN}]", re.sub("[年月日]", "", token)))
    dated = bool(re.search(r"\d", token) and re.search("[年月]", token))
    return dated and others <= 1 or bool(re.match(r"(?:19|20)\d", token)) and others <= 3
# A page label OCR broke past reading (AAOT7, Ano4): section letters, then letters and digits.
_BROKEN_PAGE_RE = re.compile(r"[A-Z]{1,3}(?=[A-Za-z0-9]*\d)[A-Za-z0-9]{1,4}")


def head_tokens(line: str) -> list[str]:
    """A running head's fields, one per token: stray marks and staff credits out, punctuation at the ends off."""
    text = STAFF_CREDIT_RE.sub(" ", _head_text(line))
    return [token.strip("。，、；：:;,.") for token in text.split() if token.strip("。，、；：:;,.")]


def _head_field_form(token: str) -> bool:
    """Whether a token has the form of a running head's field other than the paper's name (see edge_head_fields)."""
    if WEEKDAY_RE.fullmatch(token) or _GARBLED_WEEKDAY_RE.fullmatch(token):
        return True
    if (page := PAGE_RE.fullmatch(token)) and page_number(page["page"], placed=True):
        return True
    return bool(
        re.fullmatch(f"[{HAN}]{{1,{MAX_SECTION_NAME}}}", token)
        or _BROKEN_PAGE_RE.fullmatch(token)
        or _broken_date(token)
        or _BROKEN_HEAD_FIELD_RE.fullmatch(token)
    )


def edge_head_fields(line: str) -> dict[str, Any] | None:
    """What a line read as a running head says, however broken its fields, or None if it is no running head.

    Every token must be a head's field: a listed paper's name (exactly or within the edits the list
    allows: ``大m报``), a weekday, a page label, a date, up to two section names, or what OCR left of
    them (``19es年1月1e日``, ``呈期六``, ``AAOT7``, a token without Chinese); a word longer than a
    section's name (四座新建核电站进展顺利) makes the line text.  And one must anchor it: the paper, a
    staff credit, a page label, a weekday or a date.
    """
    tokens = head_tokens(line)
    # a token that is no field but a paper's name makes the line text: found before any name is looked up by
    # edit distance, the dearest test, on the tokens before it (most lines at a page's edge are text)
    for token in tokens:
        if not _head_field_form(token) and not (named_exactly(token) or nearest_newspaper(token)):
            return None
    credited = bool(STAFF_CREDIT_RE.search(_head_text(line)))
    found: dict[str, Any] = {}
    words = 0
    anchored = credited
    for token in tokens:
        if "publication" not in found and (exact := named_exactly(token) or nearest_newspaper(token)):
            found.update(publication_fields(token) if exact != token else {"publication": exact})
        elif weekday := WEEKDAY_RE.fullmatch(token) or _GARBLED_WEEKDAY_RE.fullmatch(token):
            found.setdefault("weekday", weekday.group())
        elif (page := PAGE_RE.fullmatch(token)) and (number := page_number(page["page"], placed=True)):
            found.setdefault("page", number)
        elif re.fullmatch(f"[{HAN}]{{1,{MAX_SECTION_NAME}}}", token):
            words += 1  # a section's name
        elif _BROKEN_PAGE_RE.fullmatch(token) or _broken_date(token):
            anchored = True
            if number := broken_page_number(token):
                found.setdefault("page", number)
        elif not _BROKEN_HEAD_FIELD_RE.fullmatch(token):
            return None
    if words > 2 or not (anchored or found):
        return None
    if date := find_date(" ".join(tokens)):
        if value := issue_date(date, found.get("weekday")):
            found["date"] = value
    return found


def _mark_edge_heads(lines: list[str], roles: list[str | None], meta: dict[str, Any]) -> None:
    """A line among a page's first or last printed lines whose fields are a running head's however broken
    (:func:`edge_head_fields`: ``南方日报 ”20184``, ``大m报``, ``AAOT7  体育``, ``Ano4 国际 责任编辑 : 刘洋 郑州晚报
    19es年1月1e日 星期一``), next to another line of the running head or the page's edge, is furniture:
    its paper, page and weekday are taken where no line gave them."""
    printed = [i for i, line in enumerate(lines) if line.strip(BLANKS)]
    edge = set(printed[:RUNNING_HEAD_LINES] + printed[-RUNNING_HEAD_LINES:])
    for position, index in enumerate(printed):
        if index not in edge or roles[index] not in (None, FURNITURE):
            continue
        if re.search(f"[{HAN}][，。；！？,;!?][{HAN}]", STAFF_CREDIT_RE.sub(" ", lines[index])):
            continue
        neighbours = [printed[p] for p in (position - 1, position + 1) if 0 <= p < len(printed)]
        beside_head = position in (0, len(printed) - 1) or any(roles[i] == FURNITURE for i in neighbours)
        found = edge_head_fields(lines[index])
        if found is not None and (beside_head or roles[index] == FURNITURE):
            roles[index] = FURNITURE
            _take_furniture_meta(meta, found)


def _date_by_weekday(lines: list[str], roles: list[str | None], meta: dict[str, Any]) -> None:
    """A running head's date OCR broke (``1998年1月416日``) read again with the weekday another line of the
    running head prints (a head set on two lines, or at the foot): :func:`issue_date`."""
    if "date" in meta or "weekday" not in meta:
        return
    for index, line in enumerate(lines):
        if roles[index] == FURNITURE and (date := find_date(" ".join(STRAY_MARK_RE.sub(" ", line).split()))):
            if value := issue_date(date, meta["weekday"]):
                meta["date"] = value
                return
    # garbled past DATE_RE, or its day set on the head's next line (``2018年10`` / ``13``): the head's lines read together
    furniture = [" ".join(STRAY_MARK_RE.sub(" ", line).split()) for index, line in enumerate(lines) if roles[index] == FURNITURE]
    for first in range(len(furniture)):
        if value := garbled_issue_date(" ".join(furniture[first : first + 2]), meta["weekday"]):
            meta["date"] = value
            return


CENTRED_INDENT = 6  # spaces before a line an OCR engine set for a centred one, far more than an indent's


def _guess_headline(lines: list[str], roles: list[str | None], line_widths: list[float]) -> None:
    """Without Markdown or a byline: a first line that is short, unpunctuated and stands apart is the headline,
    and so is a block of two such lines a blank line closes (a headline and its sub-headline)."""
    content = [i for i in range(len(lines)) if roles[i] is None]
    if len(content) < 2:
        return
    column = estimate_column_width([line_widths[i] for i in content])
    picked = 0
    block_open = False  # the headline ran straight into the next line: a second heading line must close the block
    for index in content[:2]:
        text = lines[index].strip(BLANKS)
        following = _next_nonblank(lines, index)
        stands_apart = following is not None and following > index + 1
        if block_open and not stands_apart:
            break
        off_width = column is not None and abs(line_widths[index] - column) > 1.5 and not _has_column_gap(lines[index])
        body_width = column is not None and abs(line_widths[index] - column) <= 1
        # a line above rows of side-by-side columns, itself all of a piece: set across the columns' heads
        above_columns = following is not None and _has_column_gap(lines[following]) and not is_indented(lines[following])
        centred = len(lines[index]) - len(lines[index].lstrip(" \t")) >= CENTRED_INDENT
        if (
            text[-1] in "。"
            or display_width(text) > MAX_HEADLINE_WIDTH
            or not (stands_apart or off_width or above_columns)
            or body_width
            or _has_column_gap(lines[index])
            or (is_indented(lines[index]) and not centred)
        ):
            break
        roles[index] = HEADLINE if picked == 0 else SUBHEADLINE
        picked += 1
        block_open = not stands_apart
    if picked == 2 and content[-1] == content[1]:
        roles[content[1]] = None


# A line an OCR engine read from a rule or a border: dashes and mostly marks (一 一- 一” 一 和, UL-一).
RULE_DASHES = "一-—–_~="
RULE_CHARACTERS = RULE_DASHES + "·.。，,、”“\"'|"
MIN_RULE_SHARE = 0.6
NOISE_WIDTH = 6.0  # em: a scrap of OCR noise at a page's foot is no wider, and holds no quote mark or bracket
QUOTE_AND_BRACKET_MARKS = "“”‘’\"'（）()《》【】「」"


def is_rule_line(line: str) -> bool:
    text = "".join(line.split())
    dashes = sum(ch in RULE_DASHES for ch in text)
    return dashes >= 2 and sum(ch in RULE_CHARACTERS for ch in text) >= MIN_RULE_SHARE * len(text)


def _mark_noise(lines: list[str], roles: list[str | None], widths: list[float]) -> None:
    """What an OCR engine read from the page's rules, borders and specks, no text of it: a line of dashes
    and marks among the page's first lines (the rule under the running head), and the scraps of unfinished
    text after the story's last sentence (``y 寺痢男对六``, ``他``, ``NS``, ``一一``), short lines no
    sentence ends, several or of a character or two, a blank line before them and nothing but furniture
    after them (after a label such as ``图片：``, or a short line of words alone, they are text)."""
    printed = [i for i, line in enumerate(lines) if line.strip(BLANKS)]
    for index in printed[: RUNNING_HEAD_LINES + 2]:
        if roles[index] in (None, HEADLINE, SUBHEADLINE) and is_rule_line(lines[index]):
            roles[index] = NOISE
    scraps: list[int] = []
    for index in reversed(printed):
        if roles[index] in (FURNITURE, NOISE):
            continue
        text = lines[index].strip(BLANKS)
        body = roles[index] in (None, BODY)
        short = widths[index] <= NOISE_WIDTH and not re.search(f"[{QUOTE_AND_BRACKET_MARKS}]", text)
        if body and (short or is_rule_line(text)) and not ends_paragraph(text):
            scraps.append(index)
            continue
        # after a label (图片：) short lines are text; scraps stand apart from the story, a blank line between,
        # and are several, or one of a character or two (a short line of words alone, 记者问, is text)
        apart = bool(scraps) and not lines[index + 1].strip(BLANKS)
        specks = len(scraps) > 1 or any(len(lines[i].strip(BLANKS)) <= 2 or is_rule_line(lines[i]) for i in scraps)
        if body and ends_paragraph(text) and text[-1] not in "：:" and apart and specks:
            for scrap in scraps:
                roles[scrap] = NOISE
        break


MAX_CROSSHEAD_WIDTH = 40


def is_crosshead(line: str) -> bool:
    """A short line led by a bullet, with no sentence punctuation, that is no byline: a crosshead
    inside the body (■ 早高峰发车间隔6分钟), a heading of its own that no paragraph runs into.
    Normalisation keeps its bullet, the evidence, and repair drops it."""
    text = line.strip(BLANKS)
    if not text or text[0] not in BULLETS:
        return False
    heading = text.lstrip(BULLETS + BLANKS)
    return (
        bool(heading)
        and display_width(heading) <= MAX_CROSSHEAD_WIDTH
        and not SENTENCE_PUNCT_RE.search(heading)
        and parse_byline(line) is None
    )


def is_crosshead_at(lines: list[str], index: int) -> bool:
    """Whether line ``index`` is a crosshead: one with a blank line (or the end of the page) after
    it, where the first line of a bulleted, hard-wrapped paragraph (●各地利用已归集的住房公积金建) runs on."""
    stands_apart = index + 1 >= len(lines) or not lines[index + 1].strip(BLANKS)
    return stands_apart and is_crosshead(lines[index])


def _mark_crossheads(lines: list[str], roles: list[str | None]) -> None:
    for index in range(len(lines)):
        if roles[index] is None and is_crosshead_at(lines, index):
            roles[index] = CROSSHEAD


def _mark_pull_quotes(lines: list[str], roles: list[str | None]) -> None:
    """Lines between lone “ and ” marks, and a quotation followed by a ``——NAME`` line, are pull quotes."""
    inside = False
    for index, line in enumerate(lines):
        if roles[index] == QUOTE_MARK:
            inside = line.strip(BLANKS) in "“「『\""  and not inside
            continue
        if roles[index] is not None:
            continue
        if is_attribution(line):
            roles[index] = ATTRIBUTION
            previous = index - 1
            while previous >= 0 and roles[previous] == BLANK:
                previous -= 1
            if previous >= 0 and roles[previous] in (None, BODY):
                roles[previous] = PULL_QUOTE
        elif inside:
            roles[index] = PULL_QUOTE
