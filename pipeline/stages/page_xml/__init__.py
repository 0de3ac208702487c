"""Pages in ALTO and hOCR: ingest's reader of OCR files that keep the layout.

:func:`read_page_xml` parses the file (:mod:`.alto`, :mod:`.hocr`, both through
:mod:`.positions`, which keeps each character's place in the file) and
:mod:`.geometry` reads its pages into articles: text in reading order with, for every
character, its offset in the file.
"""

from __future__ import annotations

import re

from pipeline.stages.page_xml.alto import NotAlto, read_alto
from pipeline.stages.page_xml.geometry import LaidOut, page_articles
from pipeline.stages.page_xml.hocr import NotHocr, read_hocr
from pipeline.stages.page_xml.model import PageFile
from pipeline.stages.page_xml.positions import XMLFault, read_xml_text

__all__ = ["LaidOut", "NotPageXML", "XMLFault", "page_articles", "read_page_xml", "read_xml_text"]

# The first element's name, past the XML declaration, comments, processing instructions and DOCTYPE.
_ROOT_RE = re.compile(r"<([A-Za-z_][\w:.-]*)")
_PROLOG_RE = re.compile(r"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)", re.DOTALL)


class NotPageXML(Exception):
    """Well-formed XML that is neither ALTO nor hOCR; str() says what it is instead."""


def root_name(text: str) -> str | None:
    """The name of a file's first element, without namespace prefix (``alto``, ``html``), or None."""
    position = 0
    while match := _PROLOG_RE.match(text, position):
        if match.end() == position:
            break
        position = match.end()
    match = _ROOT_RE.match(text, position + len(text[position:]) - len(text[position:].lstrip()))
    return match.group(1).rpartition(":")[2] if match else None


def read_page_xml(text: str) -> PageFile:
    """The pages of an ALTO or hOCR file, told apart by the root element (``<alto>``, ``<html>``).

    Raises :class:`XMLFault` (not well-formed, with the line) or :class:`NotPageXML`.
    """
    root = root_name(text)
    try:
        if root is not None and root.lower() == "html":
            return read_hocr(text)
        return read_alto(text)
    except (NotAlto, NotHocr) as error:
        raise NotPageXML(str(error)) from error
