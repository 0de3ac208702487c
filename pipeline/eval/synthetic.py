"""Synthetic OCR-like scans typeset from real newspaper paragraphs.

The layout repair is judged on text that looks like what scanners and OCR engines
emit: a running head with the paper's name, date and weekday, a page-number line,
a headline and byline, body text hard-wrapped at the column width with the
paragraph indentation lost, a paragraph broken by a blank line where it runs over
to the next column or page, and (for multi-column pages) the lines of two or
three columns printed side by side, separated by runs of spaces.  Because the
source paragraphs are known, the repair's output can be scored against them.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from itertools import groupby
from pathlib import Path

from pipeline.core.jsonl import iter_json_lines
from pipeline.core.text_tables import FULLWIDTH_ALNUM_TO_ASCII

WEEKDAYS = "一二三四五六日"

# Characters a typesetter never puts at the start of a line (they hang on the previous one).
NO_LINE_START = set("，。、；：！？）》」』”’…—％,.;:!?)")

# What OCR engines commonly read full-width punctuation as.
OCR_PUNCTUATION = str.maketrans({"，": ",", "；": ";", "：": ":", "（": "(", "）": ")", "！": "!", "？": "?"})
FOLD_FULLWIDTH_ALNUM = str.maketrans(FULLWIDTH_ALNUM_TO_ASCII)


def articles_from_pd1998(jsonl_path: Path) -> Iterator[tuple[str, list[str]]]:
    """Yield ``(article_id, paragraphs)`` from a pd1998 JSONL file, streaming.

    Paragraph ids are DATE-PAGE-ARTICLE-PARAGRAPH; an article is the run of records
    sharing the first three parts.
    """

    def records() -> Iterator[tuple[str, str]]:
        for _, record in iter_json_lines(jsonl_path):
            yield "-".join(record["id"].split("-")[:3]), record["text"]

    for article_id, group in groupby(records(), key=lambda item: item[0]):
        yield article_id, [text for _, text in group]


def running_head(publication: str, date: datetime.date) -> str:
    """The line at the top of a page: paper name, date and weekday (``河南日报  1998年1月22日  星期四``)."""
    return f"{publication}  {date.year}年{date.month}月{date.day}日  星期{WEEKDAYS[date.weekday()]}"


def char_width(ch: str) -> float:
    """Printed width in em: ASCII (half-width) characters take half a Chinese character's width."""
    return 0.5 if " " <= ch <= "~" else 1.0


def wrap_paragraph(paragraph: str, width: int, *, indent: str = "") -> list[str]:
    """Hard-wrap one paragraph at ``width`` em, hanging closing punctuation on the line before."""
    text = indent + paragraph
    lines: list[str] = []
    start = 0
    while start < len(text):
        end, used = start, 0.0
        while end < len(text) and used + char_width(text[end]) <= width:
            used += char_width(text[end])
            end += 1
        while end < len(text) and text[end] in NO_LINE_START:
            end += 1
        lines.append(text[start:end])
        start = end
    return lines


def _byline(reporters: list[str], rng: random.Random) -> str:
    names = " ".join(reporters)
    return rng.choice([f"□本报记者 {names}", f"本报记者  {names}", f"■记者 {names}", f"□ 本报记者 {names}"])


def _ocr_text(text: str, *, ascii_punctuation: bool, fold_alnum: bool) -> str:
    if ascii_punctuation:
        text = text.translate(OCR_PUNCTUATION)
    if fold_alnum:
        text = text.translate(FOLD_FULLWIDTH_ALNUM)
    return text


def _body_lines(paragraphs: list[str], width: int, rng: random.Random, *, indent: str, blank_between: bool) -> list[str]:
    lines: list[str] = []
    for number, paragraph in enumerate(paragraphs):
        if number and blank_between:
            lines.append("")
        lines.extend(wrap_paragraph(paragraph, width, indent=indent))
    return lines


def _break_index(lines: list[str], rng: random.Random, width: int) -> int | None:
    """A line index inside a paragraph (between two full lines) where a column or page break falls."""
    candidates = [
        i
        for i in range(1, len(lines) - 1)
        if lines[i - 1] and lines[i] and sum(map(char_width, lines[i - 1])) >= width - 1 and lines[i - 1][-1] not in "。！？”"
    ]
    return rng.choice(candidates) if candidates else None


def _side_by_side(columns: list[list[str]], width: int, rng: random.Random) -> list[str]:
    """Print the columns' lines next to each other, as OCR engines or ``pdftotext -layout`` do.

    Each column starts at the same printed position (in em); the space before it is
    filled with half-em spaces, so the number of spaces depends on the width of the
    text to its left, with a jitter of a space now and then.
    """
    gap = rng.randint(2, 3)
    rows = max(len(column) for column in columns)
    out = []
    for row in range(rows):
        line, used = "", 0.0
        for number, column in enumerate(columns):
            cell = column[row] if row < len(column) else ""
            if number:
                target = number * (width + gap)
                spaces = max(2, round((target - used) * 2) + rng.choice((0, 0, 0, 1, -1)))
                line += " " * spaces
                used += spaces / 2
            line += cell
            used += sum(1.0 if ch in ",;:()!?" else char_width(ch) for ch in cell)  # printed full-width
        out.append(line.rstrip())
    return out


def lay_out_article(
    paragraphs: list[str],
    *,
    headline: str,
    publication: str,
    date: datetime.date,
    page: str,
    reporters: list[str],
    column_width: int = 14,
    columns: int = 1,
    seed: int = 0,
) -> str:
    """Typeset paragraphs as the raw text an OCR engine would return for a newspaper page.

    The same ``seed`` always gives the same text.  Choices made from the seed: where
    the furniture goes (running head on top or a dateline at the foot), whether
    indentation survives, blank lines between paragraphs, a mid-paragraph column
    break, full-width digits kept or folded, OCR's ASCII punctuation.
    """
    rng = random.Random(seed)
    ascii_punctuation = rng.random() < 0.7
    fold_alnum = rng.random() < 0.5
    indent = rng.choice(["", "", "", "　　", "  "])
    blank_between = rng.random() < 0.4
    furniture_on_top = rng.random() < 0.6

    printed = [p.translate(FOLD_FULLWIDTH_ALNUM) if fold_alnum else p for p in paragraphs]
    lines = _body_lines(printed, column_width, rng, indent=indent, blank_between=blank_between)
    lines = [_ocr_text(line, ascii_punctuation=ascii_punctuation, fold_alnum=False) for line in lines]

    out: list[str] = []
    if furniture_on_top:
        out += [running_head(publication, date), "", page, ""]
    out += [_ocr_text(headline, ascii_punctuation=ascii_punctuation, fold_alnum=fold_alnum), ""]
    if reporters:
        out += [_byline(reporters, rng), ""]

    if columns <= 1:
        cut = _break_index(lines, rng, column_width)
        if cut is not None:
            lines = lines[:cut] + [""] + lines[cut:]
        out += lines
    else:
        rows = max(8, -(-len(lines) // columns))
        split = [lines[i * rows : (i + 1) * rows] for i in range(columns)]
        split = [column for column in split if column]
        out += _side_by_side(split, column_width, rng)

    if not furniture_on_top:
        out += ["", f"{publication} {date.year}年{date.month}月{date.day}日", "", page, "", publication]
    return "\n".join(out) + "\n"
