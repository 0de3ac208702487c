"""Provenance: every clean character maps back to the raw character it came from, or an edit says why not."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.core.record import Document
from pipeline.eval.synthetic import lay_out_article
from pipeline.stages.normalize import normalize_document
from pipeline.stages.repair import repair_document

FIXTURES = Path(__file__).parent / "fixtures"
ARTICLES = [json.loads(p.read_text("utf-8")) for p in sorted((FIXTURES / "layouts").glob("*.json"))]
SEED = (FIXTURES / "seed_zzwb_20130428.txt").read_text("utf-8")


def unexplained(raw: str, doc: Document) -> list[int]:
    """Indices of clean characters that differ from their raw character with no edit covering them."""
    bad = []
    for index, (char, offset) in enumerate(zip(doc.text, doc.offsets)):
        if 0 <= offset < len(raw) and raw[offset] == char:
            continue
        explained = any(
            (edit.raw_start <= offset < edit.raw_end or edit.raw_start == offset) and char in edit.replacement
            for edit in doc.edits
        )
        if not explained:
            bad.append(index)
    return bad


def check(raw: str) -> Document:
    doc = repair_document(normalize_document(Document(id="p", text=raw)))
    assert len(doc.offsets) == len(doc.text)
    assert all(0 <= offset <= len(raw) for offset in doc.offsets)
    assert unexplained(raw, doc) == []
    assert all(0 <= e.raw_start <= e.raw_end <= len(raw) for e in doc.edits)
    for block in doc.blocks:
        assert 0 <= block.start <= block.end <= len(doc.text)
    return doc


def test_seed_maps_back() -> None:
    doc = check(SEED)
    # the rejoined break keeps both halves' raw positions
    start = doc.text.index("促使企业尽快投产")
    raw_positions = doc.offsets[start : start + 8]
    assert SEED[raw_positions[4]] == "尽" and SEED[raw_positions[5]] == "快"
    assert raw_positions[5] - raw_positions[4] > 1  # a removed blank line lies between them
    assert any(e.kind == "join_lines" and raw_positions[4] < e.raw_start < raw_positions[5] for e in doc.edits)
    assert any(e.kind == "remove_furniture" and SEED[e.raw_start : e.raw_end] == "AA02" for e in doc.edits)


@settings(max_examples=60)
@given(
    article=st.sampled_from(ARTICLES),
    columns=st.integers(1, 3),
    width=st.integers(10, 25),
    seed=st.integers(0, 10_000),
)
def test_synthetic_layouts_map_back(article: dict, columns: int, width: int, seed: int) -> None:
    raw = lay_out_article(
        article["body"],
        headline=article["headline"],
        publication="河南日报",
        date=datetime.date(1998, 1, 22),
        page="A06",
        reporters=["王继兵"],
        column_width=width,
        columns=columns,
        seed=seed,
    )
    doc = check(raw)
    assert doc.meta["date"] == "1998-01-22"


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from(list("中文报道记者 　  ,;:()!?％１Ａ\n\n\r\t□#\u200b“”。，、—AB12")), max_size=120))
def test_any_text_maps_back(raw: str) -> None:
    check(raw)
