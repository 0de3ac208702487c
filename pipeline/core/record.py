"""The one record type that flows through every stage.

Stages are pure functions ``Document -> Document`` (or generators over documents);
reading and writing happen only at the edges (``pipeline.core.jsonl``).  Text is frozen
once repaired: later stages only add spans, whose offsets are Python ``str``
indices into ``Document.text`` (end exclusive).
"""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from typing import Any


@dataclass
class Edit:
    """One change a stage made to the scan, so a reviewer can see why text differs.

    ``raw_start``/``raw_end`` are code-point offsets into the raw (decoded) file.  Ingest of
    an ALTO or hOCR page makes two kinds: ``page_layout`` (a line end, space or indent put
    between words, inserted at the offset just after the word before it) and
    ``xml_reference`` (a character written ``&amp;`` or ``&#x4e2d;`` in the file).
    """

    kind: str
    raw_start: int
    raw_end: int
    replacement: str


@dataclass
class Block:
    """A layout block of the clean text: headline, subheadline, byline, body, crosshead, pull_quote, attribution.

    Before repair, a document ingest laid out from an ALTO or hOCR page has blocks over its
    ingested text saying what the page's geometry made of some lines (``furniture``,
    ``headline``, ``subheadline``); normalize carries them through its edits and repair's
    blocks replace them.
    """

    kind: str
    start: int
    end: int


@dataclass
class Document:
    """A newspaper article as it moves from raw scan to reviewed annotations.

    ``offsets[i]`` is the raw-file offset (code points of the decoded file) that
    ``text[i]`` came from; inserted characters map to the raw position they were
    inserted at.  For an ALTO or hOCR page the raw file is the XML, and a character's
    offset is where it stands in a ``String``'s ``CONTENT`` attribute or an ``ocrx_word``'s
    text; one page may give several documents (``id`` ``page#1``, ``page#2``...).
    """

    id: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict)
    offsets: list[int] = field(default_factory=list)
    edits: list[Edit] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    tokens: list[list[int]] = field(default_factory=list)
    entities: list[dict[str, Any]] = field(default_factory=list)
    quotes: list[dict[str, Any]] = field(default_factory=list)
    review: dict[str, Any] | None = None
    # What normalize read of the page (a ``pipeline.page.reading.Page``), handed to repair in the chain;
    # never written out, and not carried by ``dataclasses.replace``, so a document made from this one
    # starts without it. Typed ``Any``: the record sits below the page reading and names nothing above it.
    page: Any = field(default=None, init=False, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """An independent plain copy (as ``dataclasses.asdict`` gives, without its per-value overhead)."""
        return {
            "id": self.id,
            "text": self.text,
            "meta": _plain_copy(self.meta),
            "offsets": list(self.offsets),
            "edits": [_edit_dict(edit) for edit in self.edits],
            "blocks": [_block_dict(block) for block in self.blocks],
            "tokens": _plain_copy(self.tokens),
            "entities": _plain_copy(self.entities),
            "quotes": _plain_copy(self.quotes),
            "review": _plain_copy(self.review),
        }

    def json_fields(self) -> dict[str, Any]:
        """The fields as a shallow dict in field order, sharing the document's lists: only for serialising.

        Writing millions of artefact lines, a deep copy per document (``to_dict``)
        would cost more than the JSON encoding itself.
        """
        return {
            "id": self.id,
            "text": self.text,
            "meta": self.meta,
            "offsets": self.offsets,
            "edits": [_edit_dict(edit) for edit in self.edits],
            "blocks": [_block_dict(block) for block in self.blocks],
            "tokens": self.tokens,
            "entities": self.entities,
            "quotes": self.quotes,
            "review": self.review,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        """Build from a JSON object; unknown keys are kept in ``meta['extra']`` rather than lost."""
        known = set(RECORD_FIELDS)
        kwargs = {k: v for k, v in data.items() if k in known}
        extra = {k: v for k, v in data.items() if k not in known}
        if "id" not in kwargs or "text" not in kwargs:
            raise ValueError("a record needs at least 'id' and 'text'")
        kwargs["meta"] = dict(kwargs.get("meta") or {})
        if extra:
            kwargs["meta"].setdefault("extra", {}).update(extra)
        kwargs["edits"] = [e if isinstance(e, Edit) else Edit(**e) for e in kwargs.get("edits") or []]
        kwargs["blocks"] = [b if isinstance(b, Block) else Block(**b) for b in kwargs.get("blocks") or []]
        return cls(**kwargs)


RECORD_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Document) if f.init)
"""The fields written out, in order (``Document.page`` is handed on in memory only)."""


def record_asdict(doc: Document) -> dict[str, Any]:
    """``dataclasses.asdict`` of the written fields: what ``to_dict`` must equal."""
    return {key: value for key, value in asdict(doc).items() if key in RECORD_FIELDS}


def _edit_dict(edit: Edit | dict[str, Any]) -> dict[str, Any]:
    if isinstance(edit, Edit):
        return {"kind": edit.kind, "raw_start": edit.raw_start, "raw_end": edit.raw_end, "replacement": edit.replacement}
    return _plain_copy(edit)


def _block_dict(block: Block | dict[str, Any]) -> dict[str, Any]:
    if isinstance(block, Block):
        return {"kind": block.kind, "start": block.start, "end": block.end}
    return _plain_copy(block)


def _plain_copy(value: Any) -> Any:
    """Deep copy of JSON-like data, converting dataclasses as ``asdict`` does."""
    kind = type(value)
    if kind is dict:
        return {_plain_copy(k): _plain_copy(v) for k, v in value.items()}
    if kind is list:
        return [_plain_copy(item) for item in value]
    if kind is tuple:
        return tuple(_plain_copy(item) for item in value)
    if value is None or kind in (str, int, float, bool):
        return value
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    return copy.deepcopy(value)
