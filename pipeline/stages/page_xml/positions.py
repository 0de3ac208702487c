"""XML read with the place in the file of every character of text.

The standard library's expat parser streams the file (no tree is built, so a 10 MB file
costs one pass) and tells, for every event, the byte where it starts.  From that byte the
character offset in the decoded file follows by counting forwards (events come in file
order, so the count never restarts), and from the event's start the raw characters of an
attribute value (ALTO's ``CONTENT``) or of a text node (hOCR's words) are walked beside
the parsed value: each parsed character gets the offset of the raw one it came from.  A
character reference or entity (``&amp;``, ``&#x4e2d;``) gives its character the offset of
its ``&``, and an ``Edit`` says what it stood for.
"""

from __future__ import annotations

import re
from functools import lru_cache
from xml.parsers import expat

from pipeline.core.record import Edit

XML_REFERENCE = "xml_reference"
_ENCODING_RE = re.compile(rb"""^(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


class XMLFault(Exception):
    """A file that is not well-formed XML: the parser's reason and the line it stopped at."""

    def __init__(self, reason: str, line: int | None) -> None:
        self.reason, self.line = reason, line
        super().__init__(reason)


def declared_encoding(data: bytes) -> str:
    """The encoding an XML file declares (``<?xml ... encoding="GB18030"?>``), UTF-8 when it declares none."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    match = _ENCODING_RE.match(data[:400])
    return match.group(1).decode("ascii") if match else "utf-8"


class PositionedParser:
    """An expat parser over the decoded text of a file that knows where each event is in that text.

    Handlers are set on :attr:`expat` as usual; inside one, :meth:`offset` is where the
    current event starts (a character offset into ``text``).
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.data = text.encode("utf-8")
        # the bytes handed over are UTF-8 whatever the file declared (the text was decoded by its declaration)
        self.expat = expat.ParserCreate(encoding="utf-8")
        self._byte = 0
        self._char = 0

    def offset(self) -> int:
        """Character offset in ``text`` of the current event's start."""
        byte = self.expat.CurrentByteIndex
        if byte < self._byte:  # never in file order; counted afresh to stay right
            self._byte = self._char = 0
        self._char += len(self.data[self._byte : byte].decode("utf-8"))
        self._byte = byte
        return self._char

    def parse(self) -> None:
        """Run the parser over the whole text; a fault is raised as :class:`XMLFault` with its line."""
        try:
            self.expat.Parse(self.data, True)
        except expat.ExpatError as error:
            raise XMLFault(expat.ErrorString(error.code), error.lineno) from error

    def attribute_offsets(self, start: int, name: str, value: str) -> tuple[list[int], list[Edit]]:
        """Offsets (and reference edits) of the characters of attribute ``name``'s ``value`` in the tag at ``start``."""
        match = _attribute_re(name).search(self.text, start)
        if match is None:  # cannot happen for an attribute the parser reported; the tag's start stands in
            return [start] * len(value), [Edit(XML_REFERENCE, start, start, value)] if value else []
        return self.walk(match.end(), value)

    def walk(self, start: int, value: str) -> tuple[list[int], list[Edit]]:
        """Offsets of ``value``'s characters in the raw text from ``start``, walking references and line ends."""
        text = self.text
        offsets: list[int] = []
        edits: list[Edit] = []
        position = start
        for char in value:
            raw = text[position] if position < len(text) else ""
            if raw == "&":
                end = text.find(";", position) + 1 or position + 1
                offsets.append(position)
                edits.append(Edit(XML_REFERENCE, position, end, char))
                position = end
            elif raw == "\r":  # XML reads \r\n and \r as \n (a space in an attribute)
                end = position + (2 if text.startswith("\r\n", position) else 1)
                offsets.append(position)
                edits.append(Edit(XML_REFERENCE, position, end, char))
                position = end
            else:
                offsets.append(position)
                if raw != char:
                    edits.append(Edit(XML_REFERENCE, position, position + 1, char))
                position += 1
        return offsets, edits


@lru_cache(maxsize=16)
def _attribute_re(name: str) -> re.Pattern[str]:
    return re.compile(r"\s" + re.escape(name) + r"\s*=\s*([\"'])")


def local_name(name: str) -> str:
    """An element or attribute name without its namespace prefix (``alto:String`` -> ``String``)."""
    return name.rpartition(":")[2]


def read_xml_text(data: bytes) -> str:
    """The text of an XML file, decoded as it declares; raises ``UnicodeDecodeError``/``LookupError`` if it cannot be."""
    encoding = declared_encoding(data)
    text = data.decode(encoding)
    return text[1:] if text.startswith("\ufeff") else text
