"""The label schema is the single source: the guideline's table and sections follow it."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.core.schema import (
    GUIDELINES_FILE,
    TABLE_END,
    TABLE_START,
    guidelines_with_label_table,
    label_table_markdown,
    load_schema,
)


def test_guidelines_label_table_is_generated_from_the_schema() -> None:
    current = GUIDELINES_FILE.read_text(encoding="utf-8")
    assert guidelines_with_label_table(current, load_schema()) == current, "run `corpusprep schema`"


def test_every_entity_label_has_a_guideline_section() -> None:
    current = GUIDELINES_FILE.read_text(encoding="utf-8")
    for label in load_schema().entity_labels:
        assert f"\n## {label}\n" in current


def test_table_lists_every_label_once() -> None:
    schema = load_schema()
    table = label_table_markdown(schema)
    for name in schema.span_labels + schema.relation_labels:
        assert table.count(f"| {name} |") == 1


def test_regenerating_replaces_only_the_marked_table() -> None:
    text = f"intro\n{TABLE_START}\nstale table\n{TABLE_END}\noutro\n"
    updated = guidelines_with_label_table(text, load_schema())
    assert updated.startswith("intro\n") and updated.endswith("\noutro\n")
    assert "stale table" not in updated and "| PERSON | entity |" in updated


def test_missing_markers_are_a_clear_error() -> None:
    with pytest.raises(ValueError, match="markers"):
        guidelines_with_label_table("no markers here", load_schema())


def test_malformed_schema_file_names_the_file(tmp_path: Path) -> None:
    broken = tmp_path / "labels.yaml"
    broken.write_text("entities: []\n", encoding="utf-8")
    with pytest.raises(ValueError, match=str(broken)):
        load_schema(broken)


def test_schema_check_command_passes_on_the_committed_guidelines() -> None:
    result = CliRunner().invoke(app, ["schema", "--check"])
    assert result.exit_code == 0, result.output
