"""Which spaces on a page are OCR artefacts: between Chinese characters, inside numbers, padding a
name to a width, cutting a headline's phrase.

Normalisation drops them line by line, by what :mod:`pipeline.page.layout` says a line
is; the page reading drops them again inside the cells of side-by-side columns, whose
gaps normalisation had to keep.  Finders yield ``(start, end, "")`` replacements.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from pipeline.core.edits import Replacement
from pipeline.core.text_tables import (
    BLANKS,
    CJK,
    CREDIT_RE,
    FUNCTION_END,
    FUNCTION_START,
    HAN,
    HAN_RUN_RE,
    LATIN_LETTER_RE,
    SINGLE_SPACE_BETWEEN_CJK_RE,
    SPACE_BETWEEN_CJK_RE,
)

_NUMBER_RUN_RE = re.compile(r"[0-9%.·]+(?:[ \t][0-9%.·]+)*")
_CJK_CHAR_RE = re.compile(f"[{CJK}]")
_BLANK_RUN_RE = re.compile(f"[{BLANKS}]+")


def find_spaces_between_cjk(text: str, *, keep_column_gaps: bool = False) -> Iterator[Replacement]:
    """Spaces between two Chinese characters (OCR artefacts); with ``keep_column_gaps`` only single ones."""
    pattern = SINGLE_SPACE_BETWEEN_CJK_RE if keep_column_gaps else SPACE_BETWEEN_CJK_RE
    for match in pattern.finditer(text):
        yield match.start(), match.end(), ""


def find_number_spaces(text: str) -> Iterator[Replacement]:
    """Spaces an OCR engine sets inside numbers in Chinese text and around them (``达1 0 0 %，`` -> ``达100%，``).

    Only numbers next to Chinese text (through at most one space) are touched, and none
    next to Latin letters, half- or full-width, so ``Windows 7 and 8`` keeps its spaces.
    """
    for match in _NUMBER_RUN_RE.finditer(text):
        start, end = match.span()
        left = start - 1 if start >= 1 and text[start - 1] not in " \t" else start - 2
        right = end if end < len(text) and text[end] not in " \t" else end + 1
        left_char = text[left] if left >= 0 and text[left + 1 : start].strip(" \t") == "" else ""
        right_char = text[right] if right < len(text) and text[end:right].strip(" \t") == "" else ""
        if LATIN_LETTER_RE.match(left_char or "_") or LATIN_LETTER_RE.match(right_char or "_"):
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


def find_name_padding(text: str, start: int = 0, end: int | None = None) -> Iterator[Replacement]:
    """Spaces that set a two-character name to a three-character width (记者 刘  勇): between two
    single characters in a byline or credit, where the other spaces separate names."""
    runs = list(HAN_RUN_RE.finditer(text, start, len(text) if end is None else end))
    for left, right in zip(runs, runs[1:]):
        gap = text[left.end() : right.start()]
        if len(left.group()) == 1 and len(right.group()) == 1 and gap and not gap.strip(BLANKS):
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
    return any(start < boundary < end for _, start, end in _jieba().tokenize(joined, HMM=False))


def find_headline_spaces(text: str) -> Iterator[Replacement]:
    """Spaces in a headline that cut a phrase; spaces between parallel phrases stay."""
    for match in _BLANK_RUN_RE.finditer(text):
        left = _BLANK_RUN_RE.split(text[: match.start()])[-1]
        right = _BLANK_RUN_RE.split(text[match.end() :])[0]
        if space_cuts_phrase(left, right):
            yield match.start(), match.end(), ""
