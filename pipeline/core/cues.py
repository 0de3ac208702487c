"""The cue verbs of speech (``data/cues.tsv``): each with its class and where the entry came from.

Read by the quote attributor (a cue and its source) and by the entity rules (a Latin name right
before a cue is a person speaking), so it lives below both stages.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class CueEntry:
    """One cue verb of ``data/cues.tsv``: its class and where the entry came from."""

    word: str
    cue_class: str
    headline: bool
    addressee: bool
    speaker_only: bool  # a cue only after someone who can speak: the verb is as often not speech (情况表明, 现场确认)
    source: str


def cue_entries(path: Path = DATA / "cues.tsv") -> tuple[CueEntry, ...]:
    """The cue lexicon, longest words first (so that 说道 wins over 说)."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    rows = csv.DictReader(lines, delimiter="\t")
    entries = [CueEntry(r["cue"], r["class"], r["headline"] == "1", r["addressee"] == "1", r["speaker_only"] == "1", r["source"]) for r in rows]
    return tuple(sorted(entries, key=lambda e: -len(e.word)))


CUES: tuple[CueEntry, ...] = cue_entries()
#: Classes whose verbs introduce the words they quote right after them (说“…”, 认为“…”, 批评“…”); a demand or a
#: promise quoted so is a slogan or a term more often (提出“三个代表”, 要求“两个务必”).
QUOTING_CLASSES: frozenset[str] = frozenset({"say", "state", "think", "report", "write", "answer", "ask", "accuse", "praise"})
