"""The floor plan holds: runtime code never imports build-time or measuring code, and a stage
never imports another stage (what two stages share lives below both: core/, page/, segmenter/)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "pipeline"
BUILD_AND_MEASURE = ("pipeline.train", "pipeline.eval")
# The command line is the one front door to every command, training and benchmarks included:
# it imports them inside the commands that build or measure, never at its top.
FRONT_DOOR = "pipeline.cli"
# Which stage a module belongs to: the stage module and the rule packages only it loads.
STAGE_PARTS = {
    "ingest": ("pipeline.stages.ingest", "pipeline.stages.page_xml"),
    "normalize": ("pipeline.stages.normalize",),
    "repair": ("pipeline.stages.repair",),
    "segment": ("pipeline.stages.segment",),
    "prelabel": (
        "pipeline.stages.prelabel",
        "pipeline.stages.components",
        "pipeline.stages.entities",
        "pipeline.stages.quotes",
    ),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """Every ``pipeline`` module the file imports, at its top or inside a function: ``(line, name)``."""
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    return imports_in(path.read_text(encoding="utf-8"), package)


def imports_in(source: str, package: str) -> list[tuple[int, str]]:
    """``(line, name)`` of the ``pipeline`` modules (and names, which may be modules) ``source`` imports."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            found += [(node.lineno, base)] + [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return [(line, name) for line, name in found if name == "pipeline" or name.startswith("pipeline.")]


def within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)


def stage_of(name: str) -> str | None:
    return next((stage for stage, parts in STAGE_PARTS.items() if within(name, parts)), None)


SOURCES = sorted(PACKAGE.rglob("*.py"))
RUNTIME = [path for path in SOURCES if not within(module_name(path), BUILD_AND_MEASURE + (FRONT_DOOR,))]


def test_the_rules_see_the_whole_package() -> None:
    names = {module_name(path) for path in RUNTIME}
    assert {"pipeline.run", "pipeline.stages.normalize", "pipeline.page.reading", "pipeline.export.build"} <= names
    assert not any(within(name, BUILD_AND_MEASURE) for name in names)
    for stage in STAGE_PARTS:  # the table of stages and this test name the same stages
        assert stage in __import__("pipeline.stages", fromlist=["STAGE_NAMES"]).STAGE_NAMES


@pytest.mark.parametrize("path", RUNTIME, ids=module_name)
def test_runtime_code_never_imports_training_or_evaluation(path: Path) -> None:
    wrong = [f"{path.name}:{line} imports {name}" for line, name in imported_modules(path) if within(name, BUILD_AND_MEASURE)]
    assert not wrong


@pytest.mark.parametrize("path", [p for p in SOURCES if stage_of(module_name(p))], ids=module_name)
def test_a_stage_never_imports_another_stage(path: Path) -> None:
    own = stage_of(module_name(path))
    wrong = [
        f"{path.name}:{line} ({own}) imports {name} ({stage_of(name)})"
        for line, name in imported_modules(path)
        if stage_of(name) not in (None, own)
    ]
    assert not wrong


def test_the_front_door_imports_build_and_measure_code_only_inside_commands() -> None:
    tree = ast.parse((PACKAGE / "cli.py").read_text(encoding="utf-8"))
    top_level = [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]
    names = [alias.name for node in top_level for alias in node.names] + [
        node.module or "" for node in top_level if isinstance(node, ast.ImportFrom)
    ]
    assert not [name for name in names if within(name, BUILD_AND_MEASURE)]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from pipeline.train.segmenter import train_model\n", ["pipeline.train.segmenter", "pipeline.train.segmenter.train_model"]),
        ("def f():\n    import pipeline.eval.metrics\n", ["pipeline.eval.metrics"]),
        ("from ..eval import metrics\n", ["pipeline.eval", "pipeline.eval.metrics"]),
        ("import json\n", []),
    ],
)
def test_imports_are_found_at_the_top_inside_functions_and_relative(source: str, expected: list[str]) -> None:
    assert [name for _, name in imports_in(source, "pipeline.stages")] == expected
