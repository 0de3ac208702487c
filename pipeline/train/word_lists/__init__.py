"""Derive the entity rules' word lists (``pipeline/stages/entities/data/``) from training data."""

from __future__ import annotations

from pathlib import Path

from pipeline.stages.entities.lexicon import DATA


def write_word_list(name: str, comment: str, body: str, folder: Path = DATA) -> Path:
    """Write a list in ``folder`` (the rules' ``data/``) as ``lexicon.word_list`` reads it: a comment line naming its
    source, then the words."""
    path = folder / name
    path.write_text(f"# {comment}\n{body}\n", encoding="utf-8")
    return path
