"""hOCR: the pages, blocks, lines and words of an (X)HTML file, found by their ``class``.

``ocr_page`` is a page, ``ocr_carea`` (or ``ocrx_block``) a text block, ``ocr_line`` and the
other line classes Tesseract writes (``ocr_textfloat``, ``ocr_header``, ``ocr_caption``)
lines, ``ocrx_word`` words; boxes are the ``bbox`` of each element's ``title``.  A word's
characters are its text nodes' (markup inside a word, such as ``<strong>``, adds none),
each at its offset in the file.  A line without word elements (some engines write none)
is split into words at its white space, each boxed by its share of the line.
``x_fsize`` in a line's title, where an engine gives it, is the line's type size.
"""

from __future__ import annotations

import re

from pipeline.core.record import Edit
from pipeline.stages.page_xml.model import Box, Line, Page, PageFile, Word, make_word
from pipeline.stages.page_xml.positions import PositionedParser, local_name

LINE_CLASSES = frozenset({"ocr_line", "ocrx_line", "ocr_textfloat", "ocr_header", "ocr_caption"})
BLOCK_CLASSES = frozenset({"ocr_carea", "ocrx_block"})
_BBOX_RE = re.compile(r"\bbbox\s+(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)")
_FSIZE_RE = re.compile(r"\bx_fsize\s+([\d.]+)")


class NotHocr(Exception):
    """Well-formed XML that is no hOCR page (no ``ocr_page`` element)."""


def _bbox(title: str) -> Box | None:
    match = _BBOX_RE.search(title)
    return Box(*(float(value) for value in match.groups())) if match else None


def _split_line_text(chars: list[tuple[str, int]], edits: list[Edit], box: Box) -> list[Word]:
    """Words of a line that has no word elements: its text cut at white space, each boxed by its share."""
    total = max(1, len(chars))
    words, current = [], []
    for position, (char, offset) in enumerate([*chars, (" ", -1)]):
        if char.isspace():
            if current:
                first, last = current[0][0], current[-1][0] + 1
                part = Box(box.x0 + box.width * first / total, box.y0, box.x0 + box.width * last / total, box.y1)
                offsets = [o for _, (_, o) in current]
                word = make_word("".join(c for _, (c, _) in current), offsets, [e for e in edits if e.raw_start in set(offsets)], part)
                if word is not None:
                    words.append(word)
            current = []
        else:
            current.append((position, (char, offset)))
    return words


def read_hocr(text: str) -> PageFile:
    """The pages of an hOCR file's text (raises ``XMLFault`` for bad XML, ``NotHocr`` for other XML)."""
    parser = PositionedParser(text)
    pages: list[Page] = []
    # what each open element is: "page", "block", "line", "word" or ""
    stack: list[str] = []
    state: dict = {"page": None, "block": -1, "line": None, "word": None}

    def start(name: str, attrs: dict[str, str]) -> None:
        classes = set(attrs.get("class", "").split())
        kind = ""
        if "ocrx_word" in classes and state["line"] is not None:
            kind = "word"
            state["word"] = {"box": _bbox(attrs.get("title", "")) or state["line"]["box"], "chars": [], "edits": []}
        elif classes & LINE_CLASSES and state["page"] is not None:
            kind = "line"
            title = attrs.get("title", "")
            size = _FSIZE_RE.search(title)
            state["line"] = {
                "box": _bbox(title), "words": [], "chars": [], "edits": [], "size": float(size.group(1)) if size else None,
            }
        elif classes & BLOCK_CLASSES:
            kind = "block"
            state["block"] += 1
        elif "ocr_page" in classes:
            kind = "page"
            state["page"] = Page([], _bbox(attrs.get("title", "")))
        stack.append(kind)

    def characters(data: str) -> None:
        target = state["word"] or state["line"]
        if target is None or (target is state["line"] and target["words"]):
            return  # outside any line, or white space between a line's word elements
        offsets, edits = parser.walk(parser.offset(), data)
        target["chars"].extend(zip(data, offsets))
        target["edits"].extend(edits)

    def end(name: str) -> None:
        kind = stack.pop()
        if kind == "word":
            word, state["word"] = state["word"], None
            line = state["line"]
            if word["box"] is not None and line is not None:
                made = make_word("".join(c for c, _ in word["chars"]), [o for _, o in word["chars"]], word["edits"], word["box"])
                if made is not None:
                    line["words"].append(made)
        elif kind == "line":
            line, state["line"] = state["line"], None
            page = state["page"]
            if page is None or line["box"] is None:
                return
            words = line["words"] or _split_line_text(line["chars"], line["edits"], line["box"])
            if words:
                page.lines.append(Line(words, line["box"], state["block"], line["size"]))
        elif kind == "page":
            pages.append(state["page"])
            state["page"] = None

    def first(name: str, attrs: dict[str, str]) -> None:
        if local_name(name).lower() != "html":
            raise NotHocr(f"the root element is <{local_name(name)}>, not <html>")
        parser.expat.StartElementHandler = start
        start(name, attrs)

    parser.expat.StartElementHandler = first
    parser.expat.EndElementHandler = end
    parser.expat.CharacterDataHandler = characters
    parser.parse()
    if not pages:
        raise NotHocr("no ocr_page element")
    return PageFile("hocr", pages)
