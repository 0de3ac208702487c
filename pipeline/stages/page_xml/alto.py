"""ALTO (v1 to v4): pages, text blocks, lines and strings with their positions.

Versions differ in their namespace (``http://www.loc.gov/standards/alto/ns-v2#`` ... ``ns-v4#``,
older files ``http://schema.ccs-gmbh.com/ALTO``), not in the elements read here, so names
are taken without namespace or prefix.  A ``String``'s characters are its ``CONTENT``
attribute's, each at its offset in the file; ``HPOS``/``VPOS``/``WIDTH``/``HEIGHT`` give
the boxes.  ``TextStyle``'s ``FONTSIZE``, where ``STYLEREFS`` name one, gives a line's type
size; lines in ``TopMargin``/``BottomMargin`` are the page's margins (running heads, folios).
``SP`` and ``HYP`` carry no text read here (word gaps come from the boxes).
"""

from __future__ import annotations

from statistics import median

from pipeline.stages.page_xml.model import Box, Line, Page, PageFile, make_word, union_of
from pipeline.stages.page_xml.positions import PositionedParser, local_name

MARGINS = frozenset({"TopMargin", "BottomMargin"})


class NotAlto(Exception):
    """Well-formed XML that is no ALTO file (the root element is named)."""


def _number(attrs: dict[str, str], name: str) -> float | None:
    try:
        return float(attrs[name])
    except (KeyError, ValueError):
        return None


def _box(attrs: dict[str, str]) -> Box | None:
    x, y, w, h = (_number(attrs, key) for key in ("HPOS", "VPOS", "WIDTH", "HEIGHT"))
    if x is None or y is None or w is None or h is None:
        return None
    return Box(x, y, x + w, y + h)


def read_alto(text: str) -> PageFile:
    """The pages of an ALTO file's text (raises ``XMLFault`` for bad XML, ``NotAlto`` for other XML)."""
    parser = PositionedParser(text)
    pages: list[Page] = []
    font_sizes: dict[str, float] = {}
    state: dict = {"root": None, "margin": 0, "block": -1, "block_styles": "", "line": None, "page": None}

    def size_of(refs: str) -> float | None:
        return next((font_sizes[ref] for ref in refs.split() if ref in font_sizes), None)

    def start(name: str, attrs: dict[str, str]) -> None:
        name = local_name(name)
        if state["root"] is None:
            state["root"] = name
            if name != "alto":
                raise NotAlto(f"the root element is <{name}>, not <alto>")
        if name == "String":
            line = state["line"]
            content = attrs.get("CONTENT", "")
            if line is None or not content.strip():
                return
            box = _box(attrs) or line["box"]
            if box is None:  # a string with no position, in a line with none: nothing to place it by
                return
            word = make_word(content, *parser.attribute_offsets(parser.offset(), "CONTENT", content), box)
            if word is not None:
                line["words"].append((word, size_of(attrs.get("STYLEREFS", "")) or line["size"]))
        elif name == "TextLine":
            state["line"] = {
                "box": _box(attrs),
                "words": [],
                "size": size_of(attrs.get("STYLEREFS", "")) or size_of(state["block_styles"]),
            }
        elif name == "TextBlock":
            state["block"] += 1
            state["block_styles"] = attrs.get("STYLEREFS", "")
        elif name == "Page":
            width, height = _number(attrs, "WIDTH"), _number(attrs, "HEIGHT")
            box = Box(0, 0, width, height) if width and height else None
            state["page"] = Page([], box)
        elif name in MARGINS:
            state["margin"] += 1
        elif name == "TextStyle":
            size = _number(attrs, "FONTSIZE")
            if size and attrs.get("ID"):
                font_sizes[attrs["ID"]] = size

    def end(name: str) -> None:
        name = local_name(name)
        if name == "TextLine":
            line, state["line"] = state["line"], None
            if line is None or state["page"] is None:
                return
            words = [word for word, _ in line["words"]]
            if not words:
                return
            sizes = [size for _, size in line["words"] if size]
            box = line["box"] or union_of([w.box for w in words])
            state["page"].lines.append(
                Line(words, box, state["block"], median(sizes) if sizes else None, margin=state["margin"] > 0)
            )
        elif name == "Page":
            if state["page"] is not None:
                pages.append(state["page"])
            state["page"] = None
        elif name in MARGINS:
            state["margin"] -= 1

    parser.expat.StartElementHandler = start
    parser.expat.EndElementHandler = end
    parser.parse()
    return PageFile("alto", pages)
