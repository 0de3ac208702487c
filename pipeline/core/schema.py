"""Label schema loader: every label list in the project comes from ``annotation_schema/``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from pipeline.core.paths import SCHEMA_DIR

SCHEMA_FILE = SCHEMA_DIR / "labels.yaml"
GUIDELINES_FILE = SCHEMA_DIR / "GUIDELINES.md"
TABLE_START = "<!-- label table: generated from labels.yaml by `corpusprep schema`; do not edit -->"
TABLE_END = "<!-- end of label table -->"


@dataclass(frozen=True)
class Label:
    name: str
    color: str
    description: str


@dataclass(frozen=True)
class Schema:
    entities: tuple[Label, ...]
    quote_roles: tuple[Label, ...]
    relations: tuple[Label, ...]

    @property
    def entity_labels(self) -> list[str]:
        return [label.name for label in self.entities]

    @property
    def quote_role_labels(self) -> list[str]:
        return [label.name for label in self.quote_roles]

    @property
    def relation_labels(self) -> list[str]:
        return [label.name for label in self.relations]

    @property
    def span_labels(self) -> list[str]:
        """Every span type a reviewer sees: entities, then quote roles."""
        return self.entity_labels + self.quote_role_labels

    def bio_names(self) -> list[str]:
        """BIO tag names in the peoples_daily_ner / msra_ner convention: O, B-X, I-X, ..."""
        names = ["O"]
        for label in self.entity_labels:
            names += [f"B-{label}", f"I-{label}"]
        return names


def _labels(items: list[dict]) -> tuple[Label, ...]:
    return tuple(Label(str(i["name"]), str(i.get("color", "#888888")), str(i.get("description", ""))) for i in items)


@lru_cache(maxsize=4)
def load_schema(path: Path = SCHEMA_FILE) -> Schema:
    """Read the schema file; fails loudly if it is missing or malformed."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise FileNotFoundError(f"label schema not found at {path}") from exc
    try:
        return Schema(_labels(data["entities"]), _labels(data["quote_roles"]), _labels(data["relations"]))
    except (KeyError, TypeError) as exc:
        raise ValueError(f"{path}: malformed label schema ({exc})") from exc


def label_table_markdown(schema: Schema) -> str:
    """The guideline's label table, generated so it can never drift from ``labels.yaml``."""
    rows = ["| label | kind | colour | what it marks |", "|---|---|---|---|"]
    for kind, labels in (("entity", schema.entities), ("quote role", schema.quote_roles), ("relation", schema.relations)):
        rows += [f"| {label.name} | {kind} | `{label.color}` | {label.description} |" for label in labels]
    return "\n".join(rows)


def guidelines_with_label_table(guidelines: str, schema: Schema) -> str:
    """``guidelines`` with the text between the table markers replaced by the generated table."""
    try:
        head, rest = guidelines.split(TABLE_START, 1)
        _, tail = rest.split(TABLE_END, 1)
    except ValueError as exc:
        raise ValueError(f"the guidelines need the markers {TABLE_START!r} and {TABLE_END!r}") from exc
    return f"{head}{TABLE_START}\n{label_table_markdown(schema)}\n{TABLE_END}{tail}"
