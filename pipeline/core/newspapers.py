"""The newspapers a running head can name, and which one an OCR'd masthead means.

The list is a data file with its source (``data/newspapers.tsv``): each paper's name as it
prints it, with aliases (former names, traditional characters).  OCR garbles a masthead a
character at a time (``人民上日报``, ``人民目报``, ``河南曰报``), so a printed name is matched by
edit distance: :func:`match_newspaper` gives the paper's name, and the caller keeps the
form it read (``meta['publication_raw']``) beside it.

Edit distance is a plain Levenshtein distance with a cut-off, written here: names are
2-10 characters and the list is about a hundred, so a small dynamic programme costs
microseconds, and no package (rapidfuzz is not among the requirements) is needed for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).parent / "data"
NEWSPAPERS_FILE = DATA / "newspapers.tsv"
SECTIONS_FILE = DATA / "sections.txt"


@dataclass(frozen=True)
class Newspaper:
    """One paper: its name as printed today, other forms of it, national/province/city, where."""

    name: str
    aliases: tuple[str, ...]
    scope: str
    region: str

    @property
    def forms(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@lru_cache(maxsize=1)
def newspapers() -> tuple[Newspaper, ...]:
    """The papers of ``data/newspapers.tsv`` (comment lines start with ``#``; the first other line is the header)."""
    rows = [line.split("\t") for line in NEWSPAPERS_FILE.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    papers = []
    for row in rows[1:]:
        name, aliases, scope, region = (row + ["", "", "", ""])[:4]
        papers.append(Newspaper(name.strip(), tuple(a.strip() for a in aliases.split(",") if a.strip()), scope.strip(), region.strip()))
    return tuple(papers)


@lru_cache(maxsize=1)
def section_names() -> frozenset[str]:
    """The section names running heads print (``data/sections.txt``: 要闻, 国际, 文化 ...)."""
    lines = SECTIONS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@lru_cache(maxsize=1)
def _forms() -> dict[str, str]:
    """Every printed form (names and aliases) -> the paper's name."""
    return {form: paper.name for paper in newspapers() for form in paper.forms}


def named_exactly(printed: str) -> str | None:
    """The paper whose name or alias ``printed`` is, exactly (a masthead standing alone on a line)."""
    return _forms().get(printed.strip())


def levenshtein(a: str, b: str, limit: int | None = None) -> int:
    """Edit distance (insertions, deletions, substitutions) between ``a`` and ``b``.

    With ``limit``, any distance above it comes back as ``limit + 1`` as soon as it is
    certain (a row of the table all above the limit), which keeps a search over the
    list cheap.
    """
    if limit is not None and abs(len(a) - len(b)) > limit:
        return limit + 1
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b)))
        if limit is not None and min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def allowed_distance(name: str) -> int:
    """How many characters OCR may have garbled in a printed name of this length and it still be named.

    One in a name of up to four characters (人民日报, 大河报), two in longer ones (中国青年报,
    人民日报海外版); two-character names must be read exactly.
    """
    if len(name) <= 2:
        return 0
    return 1 if len(name) <= 4 else 2


def match_newspaper(printed: str) -> str | None:
    """The name of the paper ``printed`` (a masthead or a running head's field, as read) names, or None.

    In order: an exact name or alias; the name or alias nearest by edit distance within
    :func:`allowed_distance`, if one paper alone is nearest (``人民日报丂外版`` is
    人民日报海外版, not the 人民日报 inside it); the longest name or alias inside it
    (``要闻人民日报``).  Two papers equally near (``郑州日报`` and ``郑州晚报`` from
    ``郑州X报``) name neither.
    """
    printed = printed.strip()
    if not printed:
        return None
    forms = _forms()
    if printed in forms:
        return forms[printed]
    nearest = _nearest(printed)
    if nearest is not None:
        return nearest
    inside = [form for form in forms if len(form) >= 3 and form in printed]
    return forms[max(inside, key=len)] if inside else None


def nearest_newspaper(printed: str) -> str | None:
    """The paper a printed name means by edit distance alone (``大m报`` -> 大河报), not by a name inside it: a
    running head's field read on its own."""
    printed = printed.strip()
    return _nearest(printed) if printed else None


@lru_cache(maxsize=1)
def _forms_by_length() -> tuple[dict[int, tuple[tuple[str, str, int, frozenset[str]], ...]], int]:
    """Every printed form with its paper's name, the edits it allows and its characters, by the form's length;
    and the most edits any form allows (a form further in length than that from a string is never near it)."""
    by_length: dict[int, list[tuple[str, str, int, frozenset[str]]]] = {}
    for form, name in _forms().items():
        by_length.setdefault(len(form), []).append((form, name, allowed_distance(form), frozenset(form)))
    most = max((entry[2] for entries in by_length.values() for entry in entries), default=0)
    return {length: tuple(entries) for length, entries in by_length.items()}, most


@lru_cache(maxsize=8192)
def _nearest(printed: str) -> str | None:
    """The paper one of whose forms is nearest ``printed`` within its allowed distance, if it alone is.

    Kept per string: every token of a page's first and last lines is looked up, and the same ones recur
    page after page."""
    best: set[str] = set()
    best_distance = None
    size = len(printed)
    by_length, most = _forms_by_length()
    near = (entry for length in range(size - most, size + most + 1) for entry in by_length.get(length, ()))
    for form, name, limit, characters in near:
        if abs(len(form) - size) > limit:
            continue  # as levenshtein would say, without the call
        # no fewer edits than the longer string has characters the other lacks: most forms share too few
        shared = sum(ch in characters for ch in printed)
        if max(size, len(form)) - min(shared, len(form)) > limit:
            continue
        distance = levenshtein(printed, form, limit)
        if distance > limit:
            continue
        if best_distance is None or distance < best_distance:
            best, best_distance = {name}, distance
        elif distance == best_distance:
            best.add(name)
    return next(iter(best)) if len(best) == 1 else None
