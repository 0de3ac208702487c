"""The one record type that flows through every stage.

Stages are pure functions ``Document -> Document`` (or generators over documents);
reading and writing happen only at the edges (``pipeline.jsonl``).  Text is frozen
once repaired: later stages only add spans, whose offsets are Python ``str``
indices into ``Document.text`` (end exclusive).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any


@dataclass
class Edit:
    """One change a stage made to the scan, so a reviewer can see why text differs.

    ``raw_start``/``raw_end`` are code-point offsets into the raw (decoded) file.
    """

    kind: str
    raw_start: int
    raw_end: int
    replacement: str


@dataclass
class Block:
    """A layout block of the clean text: headline, subheadline, byline, body, pull_quote, attribution."""

    kind: str
    start: int
    end: int


@dataclass
class Document:
    """A newspaper article as it moves from raw scan to reviewed annotations.

    ``offsets[i]`` is the raw-file offset (code points of the decoded file) that
    ``text[i]`` came from; inserted characters map to the raw position they were
    inserted at.
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

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Document":
        """Build from a JSON object; unknown keys are kept in ``meta['extra']`` rather than lost."""
        known = {f.name for f in fields(cls)}
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
