"""The page normalize reads is handed to repair on the document: same output as reading it again, read once."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.core.jsonl import dump_document
from pipeline.core.record import Document
from pipeline.page.analysis import analyze_page
from pipeline.page.reading import read_page
from pipeline.stages.ingest import read_article
from pipeline.stages.normalize import normalize_document
from pipeline.stages.repair import repair_document

FIXTURES = Path(__file__).parent / "fixtures"


def read_by_normalize(path: Path) -> bool:
    """Whether normalize reads the page: its quote marks can only be settled so."""
    page = normalize_document(read_article(path)).page
    return page is not None and page.reading is not None


# pages whose quote marks normalize can only settle by reading the page (columns, ASCII marks, lines to rejoin)
READ_PAGES = [path for path in sorted((FIXTURES / "ocr").glob("*.txt")) if read_by_normalize(path)] + [
    FIXTURES / "layouts" / "19980116-05-013_c2_w16_s19.txt",
    FIXTURES / "seed_zzwb_20130428.txt",
]


def test_most_ocr_pages_are_read_by_normalize() -> None:
    assert len(READ_PAGES) - 2 >= 0.75 * len(list((FIXTURES / "ocr").glob("*.txt")))


def fresh_copy(doc: Document) -> Document:
    """The same record as a new object, as the stand-alone repair stage reads it from normalized.jsonl."""
    return Document.from_dict(doc.to_dict())


@pytest.mark.parametrize("path", READ_PAGES, ids=lambda p: p.name)
def test_repair_of_a_normalised_page_is_the_same_with_or_without_the_handed_reading(path: Path) -> None:
    normalised = normalize_document(read_article(path))
    assert normalised.page is not None and normalised.page.reading is not None  # normalize read this page
    expected = repair_document(fresh_copy(normalised))
    assert dump_document(repair_document(normalised)) == dump_document(expected)


@pytest.mark.parametrize("path", READ_PAGES[:2], ids=lambda p: p.name)
def test_the_handed_analysis_is_the_analysis_of_the_normalised_text(path: Path) -> None:
    normalised = normalize_document(read_article(path))
    again = analyze_page(fresh_copy(normalised))
    assert normalised.page is not None
    handed = normalised.page.analysis
    assert (handed.spans, handed.widths, handed.page) == (again.spans, again.widths, again.page)


def test_a_page_without_quote_marks_to_settle_hands_on_its_analysis_only() -> None:
    normalised = normalize_document(Document(id="t", text="标题\n\n正文第一段。\n\n正文第二段。"))
    assert normalised.page is not None
    assert normalised.page.reading is None
    assert repair_document(normalised).text == repair_document(fresh_copy(normalised)).text


def test_the_page_is_never_written_out_nor_carried_to_a_new_document() -> None:
    normalised = normalize_document(read_article(READ_PAGES[0]))
    assert "page" not in normalised.to_dict()
    assert '"page"' not in dump_document(normalised)
    assert fresh_copy(normalised).page is None
    assert dataclasses.replace(normalised, text=normalised.text + "。").page is None
    assert repair_document(normalised).page is None


def test_normalize_leaves_its_input_alone() -> None:
    raw = read_article(READ_PAGES[0])
    normalize_document(raw)
    assert raw.page is None
    clean = normalize_document(Document(id="t", text="正文。"))  # nothing to change: still a new object
    assert normalize_document(clean) is not clean or clean.page is None


@pytest.mark.parametrize(
    ("text", "paragraphs"),
    [
        ("他说：“今年\n要办好。”\n\n记者问", ["他说：“今年要办好。”", "记者问"]),
        ("标题\n\n正文第一段。\n\n正文第二段。", ["标题", "正文第一段。", "正文第二段。"]),
    ],
)
def test_read_page_gives_the_paragraphs_repair_writes(text: str, paragraphs: list[str]) -> None:
    doc = normalize_document(Document(id="t", text=text))
    reading = read_page(doc)
    assert [reading.text[b.start : b.end] for b in reading.blocks] == paragraphs
    assert reading.text == repair_document(doc).text
    assert len(reading.offsets) == len(reading.text)


@given(st.text(max_size=60))
def test_display_width_counts_half_width_characters_as_half(text: str) -> None:
    from pipeline.page.layout import display_width

    assert display_width(text) == sum(0.5 if " " <= ch <= "~" else 1.0 for ch in text)
