"""ALTO and hOCR input: pages Tesseract read (tests/fixtures/page_xml/), XML with positions, the
page's geometry read into articles, offsets back into the XML file, bad files, and big ones.

The fixtures are newspaper pages typeset from pd1998 articles and read by Tesseract 5.3 into
ALTO and hOCR (``make_page_xml_fixtures.py``).  Body similarities (difflib ratio of the clean
body against the source paragraphs) are the measured figures less a small margin.  For the
page with three articles, the text Tesseract writes for the same image (``tesseract X.png
out -l chi_sim``, read as a .txt page) scores 0.49 against all three articles' text, one
document with the articles run together; the ALTO reading gives each article its own
document: 0.97, 0.62 and 0.78 (the middle one is the column Tesseract misread most).
"""

from __future__ import annotations

import difflib
import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.core.edits import edit_document
from pipeline.core.record import Block, Document
from pipeline.page import layout
from pipeline.run import EXIT_SKIPPED, QUARANTINE_DIR, SKIPPED_REPORT
from pipeline.stages.ingest import IngestError, read_page_file, read_source, survey_folder
from pipeline.stages.normalize import normalize_document
from pipeline.stages.page_xml import read_page_xml, root_name
from pipeline.stages.page_xml.geometry import PAGE_LAYOUT, page_articles
from pipeline.stages.page_xml.model import Box, Line, Page, Word
from pipeline.stages.page_xml.positions import XML_REFERENCE, PositionedParser
from pipeline.stages.repair import repair_document

PAGES = Path(__file__).parent / "fixtures" / "page_xml"
FORMATS = {".xml": "alto", ".hocr": "hocr"}


def expected(name: str) -> dict:
    return json.loads((PAGES / f"{name}.json").read_text("utf-8"))


def cleaned(path: Path) -> list[Document]:
    return [repair_document(normalize_document(doc)) for doc in read_source(path)]


def body(doc: Document) -> str:
    return "".join(doc.text[b.start : b.end] for b in doc.blocks if b.kind == "body")


def ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def unexplained(raw: str, doc: Document) -> list[int]:
    """Characters that are not the raw character at their offset, with no edit saying why (as tests/test_provenance.py)."""
    bad = []
    for index, (char, offset) in enumerate(zip(doc.text, doc.offsets)):
        if 0 <= offset < len(raw) and raw[offset] == char:
            continue
        if not any((e.raw_start <= offset < e.raw_end or e.raw_start == offset) and char in e.replacement for e in doc.edits):
            bad.append(index)
    return bad


# --- the pages Tesseract read ------------------------------------------------------------------------
# (page, headline and body similarity floors per article, page metadata the scan kept legible)
READ_PAGES = [
    ("two_columns", [0.93], {"publication": "河南日报", "date": "1998-01-16", "page": "A05"}),
    ("three_articles", [0.95, 0.58, 0.74], {"publication": "人民日报", "date": "1998-01-16", "page": "3"}),
    ("picture_news", [0.88], {"publication": "人民日报"}),
]
CASES = [(name, suffix, floors, meta) for name, floors, meta in READ_PAGES for suffix in FORMATS]


def test_every_fixture_is_listed() -> None:
    assert sorted(p.name for p in PAGES.glob("*.*") if p.suffix in FORMATS) == sorted(f"{n}{s}" for n, s, _, _ in CASES)


@pytest.mark.parametrize(("name", "suffix", "floors", "meta"), CASES, ids=[f"{c[0]}{c[1]}" for c in CASES])
def test_a_page_is_read_into_its_articles(name: str, suffix: str, floors: list[float], meta: dict) -> None:
    docs = cleaned(PAGES / f"{name}{suffix}")
    articles = expected(name)["articles"]
    assert len(docs) == len(articles)
    assert [doc.id for doc in docs] == ([name] if len(docs) == 1 else [f"{name}#{n}" for n in range(1, len(docs) + 1)])
    for doc, article, floor in zip(docs, articles, floors):
        assert doc.meta["format"] == FORMATS[suffix] and doc.meta["source"] == f"{name}{suffix}"
        assert doc.meta["headline"] == article["headline"]  # the tallest lines, read in the article's order
        assert ratio(body(doc), "".join(article["body"])) >= floor
        assert {key: doc.meta.get(key) for key in meta} == meta
        # the running head and its rule are out of the text
        assert not re.search(r"1998年.?月16", doc.text) and "星期" not in doc.text
        assert doc.text == doc.text.strip() and "\n\n" not in doc.text


@pytest.mark.parametrize("suffix", FORMATS)
def test_a_page_with_three_articles_gives_three_documents(suffix: str) -> None:
    """Each headline starts an article; each body line goes to the nearest headline above that reaches
    over it: the article across the top, then the two side by side under it, left to right."""
    docs = cleaned(PAGES / f"three_articles{suffix}")
    articles = expected("three_articles")["articles"]
    assert [doc.meta["article"] for doc in docs] == [1, 2, 3]
    for number, doc in enumerate(docs):
        scores = [ratio(body(doc), "".join(article["body"])) for article in articles]
        assert scores.index(max(scores)) == number  # its own article's text, not a neighbour's


@pytest.mark.parametrize(("name", "suffix"), [(n, s) for n, s, _, _ in CASES], ids=[f"{c[0]}{c[1]}" for c in CASES])
def test_every_character_maps_back_into_the_xml(name: str, suffix: str) -> None:
    path = PAGES / f"{name}{suffix}"
    raw = path.read_text("utf-8")
    # where word text stands in the file: inside CONTENT="..." (ALTO) or an ocrx_word element (hOCR)
    holders = (
        [(m.start(1), m.end(1)) for m in re.finditer(r'CONTENT="([^"]*)"', raw)]
        if suffix == ".xml"
        else [(m.start(1), m.end(1)) for m in re.finditer(r"class='ocrx_word'[^>]*>([^<]*)<", raw)]
    )
    starts = [s for s, _ in holders]
    for ingested in read_source(path):
        assert unexplained(raw, ingested) == []
        inserted = {e.raw_start for e in ingested.edits if e.kind == PAGE_LAYOUT}
        for char, offset in zip(ingested.text, ingested.offsets):
            if char in "\n \u3000" and offset in inserted:
                continue
            holder = max((i for i, s in enumerate(starts) if s <= offset), default=None)
            assert holder is not None and holders[holder][0] <= offset < holders[holder][1], (char, offset)
        doc = repair_document(normalize_document(ingested))
        assert len(doc.offsets) == len(doc.text) and unexplained(raw, doc) == []
        assert all(0 <= e.raw_start <= e.raw_end <= len(raw) for e in doc.edits)


# --- XML with positions --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("xml", "values"),
    [
        ('<a><s CONTENT="中文"/></a>', [("中文", [15, 16])]),
        ("<a><s CONTENT='中&amp;文'/></a>", [("中&文", [15, 16, 21])]),  # a reference: its &
        ('<a><s CONTENT="&#x4e2d;国"/></a>', [("中国", [15, 23])]),
        ('<a><s x="1" CONTENT="报"/><s CONTENT="道"/></a>', [("报", [21]), ("道", [37])]),
        ('<?xml version="1.0"?>\n<a>\n  <s  CONTENT = "新华社" /></a>', [("新华社", [43, 44, 45])]),
    ],
)
def test_attribute_values_keep_their_place(xml: str, values: list[tuple[str, list[int]]]) -> None:
    parser = PositionedParser(xml)
    found = []

    def start(name: str, attrs: dict[str, str]) -> None:
        if "CONTENT" in attrs:
            offsets, edits = parser.attribute_offsets(parser.offset(), "CONTENT", attrs["CONTENT"])
            found.append((attrs["CONTENT"], offsets))
            assert all(e.kind == XML_REFERENCE for e in edits)

    parser.expat.StartElementHandler = start
    parser.parse()
    assert found == values
    for value, offsets in found:
        for char, offset in zip(value, offsets):
            assert xml[offset] == char or xml[offset] == "&"


@given(st.text(alphabet=st.sampled_from(list("中文报道AB1 <>&\"'\n。，")), min_size=1, max_size=30))
def test_any_text_node_maps_back(text: str) -> None:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    xml = f"<p>前<w>{escaped}</w>后</p>"
    parser = PositionedParser(xml)
    chars: list[tuple[str, int]] = []
    parser.expat.CharacterDataHandler = lambda data: chars.extend(zip(data, parser.walk(parser.offset(), data)[0]))
    parser.parse()
    assert "".join(c for c, _ in chars) == f"前{text}后"
    for char, offset in chars:
        assert xml[offset] == char or (xml[offset] == "&" and char in "&<>")


ALTO_PAGE = """<?xml version="1.0" encoding="UTF-8"?>
<{p}alto xmlns{colon}{prefix}="{ns}">
 <{p}Layout><{p}Page WIDTH="1000" HEIGHT="1400"><{p}PrintSpace>
  <{p}TextBlock ID="b1"><{p}TextLine HPOS="100" VPOS="200" WIDTH="600" HEIGHT="60">
   <{p}String CONTENT="中国积极推进" HPOS="100" VPOS="200" WIDTH="360" HEIGHT="60"/>
   <{p}String CONTENT="监狱法制建设" HPOS="460" VPOS="200" WIDTH="360" HEIGHT="60"/>
  </{p}TextLine></{p}TextBlock>
  <{p}TextBlock ID="b2"><{p}TextLine HPOS="100" VPOS="300" WIDTH="420" HEIGHT="30">
   <{p}String CONTENT="本报北京1月15日讯，" HPOS="100" VPOS="300" WIDTH="300" HEIGHT="30"/>
   <{p}SP WIDTH="10" HPOS="400" VPOS="300"/><{p}String CONTENT="记者从司法部获悉" HPOS="400" VPOS="300" WIDTH="240" HEIGHT="30"/>
  </{p}TextLine><{p}TextLine HPOS="100" VPOS="340" WIDTH="420" HEIGHT="30">
   <{p}String CONTENT="新中国第一部监狱法颁布以来" HPOS="100" VPOS="340" WIDTH="420" HEIGHT="30"/>
  </{p}TextLine></{p}TextBlock>
 </{p}PrintSpace></{p}Page></{p}Layout>
</{p}alto>
"""


@pytest.mark.parametrize(
    ("ns", "prefix"),
    [
        ("http://www.loc.gov/standards/alto/ns-v2#", ""),
        ("http://www.loc.gov/standards/alto/ns-v3#", ""),
        ("http://www.loc.gov/standards/alto/ns-v4#", ""),
        ("http://www.loc.gov/standards/alto/ns-v4#", "alto"),
        ("http://schema.ccs-gmbh.com/ALTO", ""),
    ],
    ids=["v2", "v3", "v4", "v4-prefixed", "v1-ccs"],
)
def test_alto_versions_read_alike(ns: str, prefix: str) -> None:
    xml = ALTO_PAGE.format(ns=ns, prefix=prefix, colon=":" if prefix else "", p=f"{prefix}:" if prefix else "")
    (article,) = page_articles(read_page_xml(xml).pages[0])
    assert article.text == "中国积极推进监狱法制建设\n本报北京1月15日讯，记者从司法部获悉\n新中国第一部监狱法颁布以来"
    assert [(b.kind, article.text[b.start : b.end]) for b in article.blocks] == [("headline", "中国积极推进监狱法制建设")]
    assert all(xml[o] == c for c, o in zip(article.text, article.offsets) if c != "\n")


HOCR_PAGE = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head><title></title></head><body>
<div class='ocr_page' title='bbox 0 0 1000 1400'>
 <div class='ocr_carea' title="bbox 100 200 820 260"><p class='ocr_par'>
  <span class='ocr_line' title="bbox 100 200 820 260"><span class='ocrx_word' title='bbox 100 200 460 260'><strong>中国</strong>积极推进</span>
  <span class='ocrx_word' title='bbox 460 200 820 260'>监狱法制建设</span></span></p></div>
 <div class='ocr_carea' title="bbox 100 300 500 330"><p class='ocr_par'>
  <span class='ocr_line' title="bbox 100 300 500 330">本报北京1月15日讯 A&amp;B</span></p></div>
</div></body></html>
"""


def test_hocr_words_markup_inside_and_lines_without_words() -> None:
    (article,) = page_articles(read_page_xml(HOCR_PAGE).pages[0])
    assert article.text == "中国积极推进监狱法制建设\n本报北京1月15日讯 A&B"
    assert unexplained(HOCR_PAGE, Document(id="h", text=article.text, offsets=article.offsets, edits=article.edits)) == []
    assert [e.kind for e in article.edits if e.raw_start == HOCR_PAGE.index("&amp;")] == [XML_REFERENCE]


@pytest.mark.parametrize(
    ("text", "root"),
    [('<?xml version="1.0"?><!-- a --><alto/>', "alto"), ("<!DOCTYPE html><html/>", "html"), ("<x:alto xmlns:x='u'/>", "alto"), ("", None)],
)
def test_root_name(text: str, root: str | None) -> None:
    assert root_name(text) == root


# --- the page's geometry ---------------------------------------------------------------------------
def word(text: str, x: float, y: float, size: float = 20.0, offset: int = 0) -> Word:
    width = sum(layout.char_widths(text)) * size
    return Word(text, list(range(offset, offset + len(text))), Box(x, y, x + width, y + size))


def lines_of(spec: list[tuple[str, float, float, float]]) -> Page:
    """A page of one-word lines: (text, x, y, size); offsets count on from line to line."""
    lines, offset = [], 0
    for number, (text, x, y, size) in enumerate(spec):
        w = word(text, x, y, size, offset)
        offset += len(text) + 10
        lines.append(Line([w], w.box, number))
    return Page(lines, Box(0, 0, 1000, 1400))


COLUMN_1 = [("第一栏第一行文字", 100, 300, 20), ("第一栏第二行文字", 100, 330, 20), ("第一栏第三行。", 100, 360, 20)]
COLUMN_2 = [("第二栏第一行文字", 300, 300, 20), ("第二栏第二行文字", 300, 330, 20), ("第二栏第三行。", 300, 360, 20)]
HEAD = [("河南日报 1998年1月16日 星期五", 100, 100, 20), ("A05", 600, 100, 20)]


@pytest.mark.parametrize(
    ("spec", "texts"),
    [
        # two columns (lines listed row by row, as an OCR engine may list them): read down each, left to right
        (
            [c for pair in zip(COLUMN_2, COLUMN_1) for c in pair],
            ["第一栏第一行文字\n第一栏第二行文字\n第一栏第三行。\n第二栏第一行文字\n第二栏第二行文字\n第二栏第三行。"],
        ),
        # the running head band at the top, the tallest line the headline, whatever their order in the file
        (
            COLUMN_1 + [("标题文字在此", 100, 200, 40)] + HEAD,
            ["河南日报 1998年1月16日 星期五 A05\n标题文字在此\n第一栏第一行文字\n第一栏第二行文字\n第一栏第三行。"],
        ),
        # a page number alone at the foot, white above it: furniture, read with the head
        (
            COLUMN_1 + [("8", 300, 1350, 20)],
            ["8\n第一栏第一行文字\n第一栏第二行文字\n第一栏第三行。"],
        ),
        # two headlines side by side: two articles, each with the column under it
        (
            [("左边标题", 120, 240, 30), ("右边标题", 320, 240, 30), *COLUMN_1, *COLUMN_2],
            ["左边标题\n第一栏第一行文字\n第一栏第二行文字\n第一栏第三行。", "右边标题\n第二栏第一行文字\n第二栏第二行文字\n第二栏第三行。"],
        ),
        # text above the only headline is an article of its own (a story continued from another page)
        (
            [("上页转来的文字。", 100, 150, 20), ("本文的标题", 100, 240, 40), *COLUMN_1],
            ["上页转来的文字。", "本文的标题\n第一栏第一行文字\n第一栏第二行文字\n第一栏第三行。"],
        ),
        # a line indented two ems opens a paragraph
        ([("第一段最后一行。", 100, 300, 20), ("第二段开头", 140, 330, 20), ("第二段的下一行", 100, 360, 20)],
         ["第一段最后一行。\n\u3000\u3000第二段开头\n第二段的下一行"]),
    ],
    ids=["two-columns", "head-and-headline", "folio", "side-by-side", "continued", "indent"],
)
def test_geometry(spec: list[tuple[str, float, float, float]], texts: list[str]) -> None:
    assert [article.text for article in page_articles(lines_of(spec))] == texts


SHUFFLED_PAGE = [*HEAD, ("标题文字在此", 100, 200, 40), *COLUMN_1, *COLUMN_2]


@given(st.permutations(range(len(SHUFFLED_PAGE))))
def test_the_reading_does_not_depend_on_the_files_order(order: list[int]) -> None:
    """Lines may come in any order in the file (OCR engines list blocks as they find them): the same articles."""
    reference = page_articles(lines_of(SHUFFLED_PAGE))
    shuffled = page_articles(lines_of([SHUFFLED_PAGE[i] for i in order]))
    assert [a.text for a in shuffled] == [a.text for a in reference]
    assert reference[0].text.split("\n")[:3] == ["河南日报 1998年1月16日 星期五 A05", "标题文字在此", "第一栏第一行文字"]


STYLED_ALTO = """<alto xmlns="http://www.loc.gov/standards/alto/ns-v4#"><Styles>
 <TextStyle ID="head" FONTSIZE="24"/><TextStyle ID="text" FONTSIZE="10"/></Styles>
 <Layout><Page WIDTH="2000" HEIGHT="3000"><PrintSpace>
  <TextBlock STYLEREFS="text"><TextLine HPOS="100" VPOS="400" WIDTH="600" HEIGHT="40">
   <String CONTENT="正文第一行的文字" HPOS="100" VPOS="400" WIDTH="600" HEIGHT="40"/></TextLine>
  <TextLine HPOS="100" VPOS="450" WIDTH="600" HEIGHT="40">
   <String CONTENT="正文第二行的文字" HPOS="100" VPOS="450" WIDTH="600" HEIGHT="40"/></TextLine></TextBlock>
  <TextBlock><TextLine STYLEREFS="head" HPOS="100" VPOS="300" WIDTH="600" HEIGHT="40">
   <String CONTENT="字号定的标题" HPOS="100" VPOS="300" WIDTH="600" HEIGHT="40"/></TextLine></TextBlock>
 </PrintSpace></Page></Layout></alto>"""


def test_alto_font_sizes_name_the_headline() -> None:
    """Where every line has a FONTSIZE style, sizes come from the styles, not the boxes (all 40 high here)."""
    (article,) = page_articles(read_page_xml(STYLED_ALTO).pages[0])
    assert article.text == "字号定的标题\n正文第一行的文字\n正文第二行的文字"
    assert [(b.kind, b.start, b.end) for b in article.blocks] == [("headline", 0, 6)]


def test_columns_an_ocr_engine_ran_together_are_cut_at_the_gutter() -> None:
    """Each row of two columns as one OCR line: the gap (3 ems here) cuts it; where a stray mark fills the
    gap in one row, the gutter the other rows show cuts it."""
    lines, offset = [], 0
    for row in range(4):
        y = 300 + 30 * row
        left = word(f"左栏第{row}行文字内容", 100, y, 20, offset)
        mark = word("。", 300, y, 20, offset + 20) if row == 2 else None
        right = word(f"右栏第{row}行文字内容", 360, y, 20, offset + 40)
        words = [left, mark, right] if mark else [left, right]
        lines.append(Line(words, Box(100, y, right.box.x1, y + 20), 0))
        offset += 60
    (article,) = page_articles(Page(lines, Box(0, 0, 1000, 1400)))
    assert article.text.split("\n") == [f"左栏第{r}行文字内容" for r in range(4)] + [f"右栏第{r}行文字内容" for r in range(4)]


def test_geometry_gives_the_text_stages_their_roles() -> None:
    """The running head and the headline come as blocks the text stages take as given: a headline
    that reads like a byline stays the headline, a running head no rule would parse stays furniture."""
    page = lines_of([("噪声噪声 口口 一 ，A05", 100, 100, 20), ("记者王继兵", 100, 200, 40), *COLUMN_1])
    (article,) = page_articles(page)
    doc = Document(id="p", text=article.text, meta={"format": "alto"}, offsets=article.offsets, edits=article.edits, blocks=article.blocks)
    cleaned_doc = repair_document(normalize_document(doc))
    assert cleaned_doc.meta["headline"] == "记者王继兵" and "reporters" not in cleaned_doc.meta
    assert "噪声" not in cleaned_doc.text
    as_text = repair_document(normalize_document(Document(id="t", text=article.text)))
    assert as_text.meta.get("reporters") == ["王继兵"]  # read as plain text, the rules would take it for a byline


# --- blocks follow edits -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("replacements", "moved"),
    [
        ([(0, 1, "")], (2, 5)),  # before the block: it moves
        ([(4, 4, "XX")], (3, 8)),  # inside: it grows
        ([(6, 7, "")], (3, 6)),  # after: it stays
        ([(2, 4, "Y")], (2, 5)),  # a change it starts inside is its own
        ([(5, 7, "")], (3, 5)),  # a change it ends inside too
        ([(3, 3, "Z"), (6, 6, "W")], (3, 7)),  # an insertion at its start is in it, one at its end is not
    ],
)
def test_blocks_keep_their_text_through_edits(replacements: list[tuple[int, int, str]], moved: tuple[int, int]) -> None:
    doc = Document(id="b", text="0123456789", offsets=list(range(10)), blocks=[Block("headline", 3, 6)])
    edited = edit_document(doc, "test", replacements)
    assert (edited.blocks[0].start, edited.blocks[0].end) == moved


@given(
    st.lists(st.tuples(st.integers(0, 10), st.integers(0, 3), st.text(alphabet="ab", max_size=3)), max_size=5),
    st.integers(0, 10),
    st.integers(0, 10),
)
def test_a_block_keeps_the_characters_it_covered(changes: list[tuple[int, int, str]], start: int, end: int) -> None:
    """Any edits: every character no edit replaced is inside the moved block exactly when it was inside before."""
    start, end = min(start, end), max(start, end)
    replacements, used, replaced = [], set(), set()
    for at, length, new in changes:  # edits apart from one another (a span, or an insertion at ``at``)
        stop = min(at + length, 10)
        if set(range(at, stop + 1)) & used:
            continue
        used |= set(range(at, stop + 1))
        replaced |= set(range(at, stop))
        replacements.append((at, stop, new))
    doc = Document(id="b", text="0123456789", offsets=list(range(10)), blocks=[Block("headline", start, end)])
    edited = edit_document(doc, "test", replacements)
    block = edited.blocks[0]
    assert 0 <= block.start <= block.end <= len(edited.text)
    for position, char in enumerate(edited.text):
        if char.isdigit() and int(char) not in replaced:
            assert (block.start <= position < block.end) == (start <= int(char) < end), (position, char)


# --- files: survey, bad input, the command -----------------------------------------------------------------
def test_survey_reads_alto_and_hocr(tmp_path: Path) -> None:
    for name in ["a.txt", "b.xml", "c.HOCR", "d.html", "e.pdf"]:
        (tmp_path / name).write_text("x", encoding="utf-8")
    survey = survey_folder(tmp_path)
    assert [p.name for p in survey.sources] == ["a.txt", "b.xml", "c.HOCR"]
    assert {item.path.name for item in survey.not_read} == {"d.html", "e.pdf"}


BAD = [
    ("truncated.xml", '<?xml version="1.0"?>\n<alto>\n<Layout>\n<Page>\n', 5, "not well-formed XML (no element found): fix the file or export it"),
    ("mismatched.xml", "<alto>\n<Layout>\n</Page>\n</alto>\n", 3, "not well-formed XML (mismatched tag)"),
    ("mets.xml", '<?xml version="1.0"?>\n<mets xmlns="http://www.loc.gov/METS/"/>\n', None, "neither ALTO nor hOCR (the root element is <mets>, not <alto>)"),
    ("page.hocr", "<html><body><p>no page</p></body></html>", None, "neither ALTO nor hOCR (no ocr_page element)"),
    ("blank.xml", '<alto><Layout><Page WIDTH="10" HEIGHT="10"/></Layout></alto>', None, "no text on the ALTO page(s)"),
    ("nbsp.hocr", "<html><body><div class='ocr_page'>&nbsp;</div></body></html>", 1, "not well-formed XML (undefined entity)"),
    ("latin1.xml", '<?xml version="1.0" encoding="no-such-codec"?><alto/>', None, "cannot decode the XML as the encoding it declares"),
]


@pytest.mark.parametrize(("name", "content", "line", "reason"), BAD, ids=[b[0] for b in BAD])
def test_a_bad_file_is_one_clear_line(tmp_path: Path, name: str, content: str, line: int | None, reason: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(IngestError) as caught:
        read_page_file(path)
    assert caught.value.line == line
    assert caught.value.reason.startswith(reason)
    assert str(caught.value).startswith(f"{path}:{line}: " if line else f"{path}: ")
    assert "\n" not in str(caught.value)


def test_ingest_reads_pages_beside_text_and_goes_on_past_a_bad_file(tmp_path: Path, fixtures: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    shutil.copy(fixtures / "seed_zzwb_20130428.txt", source / "a.txt")
    shutil.copy(PAGES / "three_articles.xml", source / "b.xml")
    (source / "c.xml").write_text("<alto>\n<Layout>\n", encoding="utf-8")
    shutil.copy(PAGES / "two_columns.hocr", source / "d.hocr")
    out = tmp_path / "out" / "ingested.jsonl"
    result = CliRunner().invoke(app, ["ingest", "-i", str(source), "-o", str(out)])
    assert result.exit_code == EXIT_SKIPPED, result.output
    ids = [json.loads(line)["id"] for line in out.read_text("utf-8").splitlines()]
    assert ids == ["a", "b#1", "b#2", "b#3", "d"]
    assert f"{source / 'c.xml'}:3: not well-formed XML" in result.output.replace("\n", "")
    skipped = json.loads((out.parent / SKIPPED_REPORT).read_text("utf-8"))["skipped"]
    assert [(Path(s["file"]).name, s["line"]) for s in skipped] == [("c.xml", 3)]
    assert (out.parent / QUARANTINE_DIR / "c.xml").exists()


@pytest.mark.slow
def test_corpusprep_run_on_alto_and_hocr(tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    shutil.copy(PAGES / "three_articles.hocr", source / "p.hocr")
    shutil.copy(PAGES / "two_columns.xml", source / "q.xml")
    (source / "r.xml").write_text("<alto><Layout>", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", "-i", str(source), "-o", str(out), "--segmenter", "char"])
    assert result.exit_code == EXIT_SKIPPED, result.output
    records = [json.loads(line) for line in (out / "prelabeled.jsonl").read_text("utf-8").splitlines()]
    assert [r["id"] for r in records] == ["p#1", "p#2", "p#3", "q"]
    raws = {"p": (source / "p.hocr").read_text("utf-8"), "q": (source / "q.xml").read_text("utf-8")}
    for record in records:
        doc = Document.from_dict(record)
        assert unexplained(raws[doc.id.split("#")[0]], doc) == []
        assert doc.meta["headline"] and doc.meta["date"] == "1998-01-16"
        for entity in doc.entities:
            assert doc.text[entity["start"] : entity["end"]] == entity["text"]
    assert (out / "dataset").is_dir()


# --- a big file ----------------------------------------------------------------------------------
def big_page_file(path: Path, megabytes: float) -> int:
    """A file of about ``megabytes`` MB: the three-article page's page element (ALTO ``Page``, hOCR
    ``ocr_page``) over and over, written to ``path`` (its suffix says which format); the page count."""
    text = (PAGES / f"three_articles{path.suffix}").read_text("utf-8")
    if path.suffix == ".xml":
        start, end = text.index("<Page "), text.index("</Page>") + len("</Page>")
    else:
        start, end = text.index("<div class='ocr_page'"), text.rindex("</div>") + len("</div>")
    page = text[start:end]
    copies = int(megabytes * 1e6 / len(page.encode("utf-8"))) + 1
    path.write_text(text[:start] + "\n".join([page] * copies) + text[end:], encoding="utf-8")
    return copies


@pytest.mark.slow
@pytest.mark.parametrize("suffix", FORMATS)
def test_a_10_mb_file_is_read_in_linear_time(tmp_path: Path, suffix: str) -> None:
    """Measured here: 10 MB of ALTO (318 articles on 106 pages) in 2.2 s, 1 MB in 0.15 s."""
    small, big = tmp_path / f"small{suffix}", tmp_path / f"big{suffix}"
    per_page = []
    for path, megabytes in ((small, 1), (big, 10)):
        pages = big_page_file(path, megabytes)
        started = time.perf_counter()
        docs = read_page_file(path)
        per_page.append((time.perf_counter() - started) / pages)
        assert len(docs) == 3 * pages and docs[-1].id == f"{path.stem}#{3 * pages}"
        assert [doc.meta["file_page"] for doc in docs[-3:]] == [pages] * 3
    assert big.stat().st_size > 10e6
    # a page of the big file costs what a page of the small one does (reading it quadratically, ten times more)
    assert per_page[1] < 3 * per_page[0] + 0.005


# --- Tesseract itself ----------------------------------------------------------------------------------
def tesseract_with_chinese() -> bool:
    if shutil.which("tesseract") is None:
        return False
    languages = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True).stdout.split()
    return "chi_sim" in languages


@pytest.mark.skipif(
    not tesseract_with_chinese() and not os.environ.get("CI"),
    reason="no tesseract with chi_sim (make system-deps installs tesseract-ocr and tesseract-ocr-chi-sim)",
)
def test_tesseract_reads_a_page_end_to_end(tmp_path: Path) -> None:
    """``tesseract picture_news.png out -l chi_sim hocr alto`` on the committed image, both outputs ingested and cleaned."""
    assert tesseract_with_chinese(), "tesseract with chi_sim is missing in CI: run `make system-deps` (as root) first"
    base = tmp_path / "picture_news"
    command = ["tesseract", str(PAGES / "picture_news.png"), str(base), "-l", "chi_sim", "hocr", "alto"]
    subprocess.run(command, check=True, capture_output=True)
    article = expected("picture_news")["articles"][0]
    for suffix in FORMATS:
        (doc,) = cleaned(base.with_suffix(suffix))
        assert doc.meta["headline"] == "图片新闻"
        assert "reporters" not in doc.meta  # 图片新闻 is no byline
        assert doc.meta["publication"] == "人民日报"
        assert ratio(body(doc), "".join(article["body"])) >= 0.85
