"""The chain's parts: checkpoint recovery, bounded ordered parallel map, chunks, budgets, fingerprints."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.core.batching import chunked
from pipeline.run import (
    PACKAGE_DIR,
    Budget,
    _load_worker_stages,
    code_files,
    module_closure,
    ordered_map,
    resume_partials,
    skip_done,
)


def _line(record_id: str) -> str:
    return json.dumps({"id": record_id, "text": "文"}) + "\n"


@pytest.mark.parametrize(
    ("contents", "done", "kept"),
    [
        # every file complete and equally long
        ([["a", "b"], ["a", "b"]], 2, [2, 2]),
        # the later stage is one document behind: both are cut back to it
        ([["a", "b", "c"], ["a", "b"]], 2, [2, 2]),
        # a torn last line counts as not written
        ([["a", "b", "c"], ["a", "b", "c", "!torn"]], 3, [3, 3]),
        ([["a", "!torn"], ["a"]], 1, [1, 1]),
        ([[], ["a"]], 0, [0, 0]),
    ],
)
def test_resume_partials_keeps_what_every_stage_completed(
    tmp_path: Path, contents: list[list[str]], done: int, kept: list[int]
) -> None:
    paths = []
    for number, ids in enumerate(contents):
        path = tmp_path / f"{number}.partial"
        path.write_text(
            "".join(_line(i) if not i.startswith("!") else _line("x")[:9] for i in ids), encoding="utf-8"
        )
        paths.append(path)
    assert resume_partials(paths) == done
    for path, count in zip(paths, kept):
        text = path.read_text(encoding="utf-8")
        assert text.count("\n") == count and (not text or text.endswith("\n"))


def test_skip_done_refuses_a_different_input(tmp_path: Path) -> None:
    partial = tmp_path / "p.partial"
    partial.write_text(_line("a") + _line("b"), encoding="utf-8")
    lines = [("a", _line("a")), ("b", _line("b")), ("c", _line("c"))]
    assert [record_id for record_id, _ in skip_done(lines, 2, partial)] == ["c"]
    with pytest.raises(RuntimeError, match="cannot resume"):
        list(skip_done([("a", ""), ("z", ""), ("c", "")], 2, partial))


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_ordered_map_keeps_input_order(workers: int) -> None:
    items = [list(range(n)) for n in range(40, 0, -1)]  # uneven work, so workers finish out of order
    results = ordered_map(
        sum, iter(items), workers=workers, initializer=_load_worker_stages, initargs=((), None), window=4
    )
    assert list(results) == [sum(item) for item in items]


def test_ordered_map_reports_a_stage_that_cannot_load() -> None:
    from pipeline.run import _process_chunk

    results = ordered_map(
        _process_chunk, [[_line("a")]], workers=2, initializer=_load_worker_stages, initargs=(("nonsense",), None)
    )
    with pytest.raises(RuntimeError, match="unknown stage 'nonsense'"):
        list(results)


@given(
    st.lists(st.integers(min_value=0, max_value=50)),
    st.integers(min_value=1, max_value=7),
    st.one_of(st.none(), st.integers(min_value=1, max_value=80)),
)
def test_chunks_rebuild_the_input_within_their_bounds(items: list[int], size: int, max_weight: int | None) -> None:
    chunks = list(chunked(items, size, weight=lambda item: item, max_weight=max_weight))
    assert [item for chunk in chunks for item in chunk] == items
    assert all(0 < len(chunk) <= size for chunk in chunks)
    if max_weight is not None:
        assert all(sum(chunk) <= max_weight or len(chunk) == 1 for chunk in chunks)


@given(st.lists(st.integers()), st.one_of(st.none(), st.integers(min_value=0, max_value=10)))
def test_budget_passes_at_most_its_limit(items: list[int], limit: int | None) -> None:
    budget = Budget(items, limit)
    passed = list(budget)
    expected = items if limit is None else items[:limit]
    assert passed == expected
    assert budget.paused == (limit is not None and len(items) > limit)


def test_module_closure_follows_imports() -> None:
    closure = module_closure("pipeline.run")
    assert PACKAGE_DIR / "run.py" in closure
    core = PACKAGE_DIR / "core"
    assert {core / "jsonl.py", core / "record.py", PACKAGE_DIR / "__init__.py"} <= set(closure)
    assert PACKAGE_DIR / "cli.py" not in closure


def test_a_stages_fingerprint_covers_the_page_reading_it_shares_and_not_the_other_stage() -> None:
    closure = set(module_closure("pipeline.stages.normalize"))
    assert PACKAGE_DIR / "page" / "reading.py" in closure
    assert PACKAGE_DIR / "stages" / "repair.py" not in closure


def test_a_stages_fingerprint_covers_the_word_lists_beside_its_code() -> None:
    """Editing the list of newspapers redoes the stages that read mastheads (normalize reads the page too)."""
    newspapers = PACKAGE_DIR / "core" / "data" / "newspapers.tsv"
    assert newspapers in code_files("repair") and newspapers in code_files("normalize")
    assert PACKAGE_DIR / "core" / "data" / "surnames.txt" in code_files("prelabel")
    assert not any(path.parent.name == "data" and "eval" in path.parts for path in code_files("prelabel"))
