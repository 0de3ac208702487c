"""The page reading normalize makes for quote directions is the one repair uses: same output, read once."""

from __future__ import annotations

import weakref
from pathlib import Path

import pytest

from pipeline.stages import normalize, repair
from pipeline.stages.ingest import read_article
from pipeline.core.jsonl import dump_document
from pipeline.stages.normalize import RECENT_ANALYSES, analyze_page, normalize_document
from pipeline.core.record import Document
from pipeline.stages.repair import RECENT_READINGS, read_page, repair_document

FIXTURES = Path(__file__).parent / "fixtures"
# pages whose quote marks normalize can only settle by reading the page (columns, ASCII marks, lines to rejoin)
READ_PAGES = sorted((FIXTURES / "ocr").glob("*.txt")) + [
    FIXTURES / "layouts" / "19980116-05-013_c2_w16_s19.txt",
    FIXTURES / "seed_zzwb_20130428.txt",
]


def fresh_copy(doc: Document) -> Document:
    """The same record as a new object, as the stand-alone repair stage reads it from normalized.jsonl."""
    return Document.from_dict(doc.to_dict())


@pytest.mark.parametrize("path", READ_PAGES, ids=lambda p: p.name)
def test_repair_of_a_normalised_page_is_the_same_with_or_without_the_remembered_reading(path: Path) -> None:
    normalised = normalize_document(read_article(path))
    assert normalised in repair._recent_readings  # normalize read this page, so repair can skip reading it
    expected = repair_document(fresh_copy(normalised))
    reused = repair_document(normalised)
    assert normalised not in repair._recent_readings  # handed out once
    assert dump_document(reused) == dump_document(expected)
    assert dump_document(repair_document(normalised)) == dump_document(expected)  # and read again when asked again


def test_a_reading_belongs_to_the_document_object_not_to_an_equal_one() -> None:
    normalised = normalize_document(read_article(READ_PAGES[0]))
    twin = fresh_copy(normalised)
    assert twin not in repair._recent_readings
    assert dump_document(repair_document(twin)) == dump_document(repair_document(normalised))


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


def test_remembered_readings_are_bounded() -> None:
    doc = normalize_document(Document(id="t", text="他说：“好”\n"))
    for number in range(RECENT_READINGS + 10):
        read_page(Document(id=str(number), text=doc.text, offsets=list(doc.offsets)), remember=True)
    assert len(repair._recent_readings) <= RECENT_READINGS


def test_a_page_is_analysed_once_per_document_object() -> None:
    normalised = normalize_document(read_article(READ_PAGES[0]))
    twin = fresh_copy(normalised)
    analysis = analyze_page(normalised)
    assert analyze_page(normalised) is analysis
    again = analyze_page(twin)
    assert again is not analysis
    assert (again.spans, again.widths, again.page) == (analysis.spans, analysis.widths, analysis.page)


def test_analyses_are_bounded_and_do_not_keep_documents_alive() -> None:
    docs = [Document(id=str(n), text=f"标题{n}\n\n正文。", offsets=list(range(6 + len(str(n))))) for n in range(80)]
    for doc in docs:
        analyze_page(doc)
    assert len(normalize._recent_analyses) <= RECENT_ANALYSES
    last = weakref.ref(docs[-1])
    del docs, doc
    assert last() is None
