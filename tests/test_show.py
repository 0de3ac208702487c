"""``corpusprep show``: the review page's content, its pages and index, escaping, and the page in a real browser.

The browser test drives Debian's ``chromium`` headless (``--dump-dom`` and ``--screenshot``);
it is skipped when chromium is missing, except in CI (``CI`` set), where it fails and says
to run ``make system-deps``.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.core.record import Document
from pipeline.show import (
    default_output,
    document_html,
    document_marks,
    entity_label,
    pages_folder,
    render_html,
    write_review,
)

TEXT = "集聚产业 追梦中原\n市长马懿昨天指出，今年投资增长12%。"
# offsets: headline 0-9, body 10-29 (checked below)
ARTICLE = {
    "id": "a1",
    "text": TEXT,
    "meta": {"publication": "郑州晚报", "date": "2013-04-28", "page": "A02", "reporters": ["王继兵", "袁帅"],
             "headline": "集聚产业 追梦中原"},
    "blocks": [{"kind": "headline", "start": 0, "end": 9}, {"kind": "body", "start": 10, "end": len(TEXT)}],
    "entities": [
        {"start": 12, "end": 14, "label": "PERSON", "text": "马懿", "source": "model"},
        {"start": 14, "end": 16, "label": "DATE", "text": "昨天", "value": "2013-04-27", "source": "rules"},
        {"start": 25, "end": 28, "label": "PERCENT", "text": "12%", "value": 0.12, "source": "rules"},
    ],
    "quotes": [{
        "speaker": {"start": 12, "end": 14, "text": "马懿"}, "speaker_name": "马懿",
        "cue": {"start": 16, "end": 18, "text": "指出"},
        "content": {"start": 19, "end": 28, "text": "今年投资增长12%"}, "kind": "indirect", "source": "reported_clause",
    }],
}
assert TEXT[12:14] == "马懿" and TEXT[14:16] == "昨天" and TEXT[25:28] == "12%" and TEXT[19:28] == "今年投资增长12%"

HOSTILE = '<img src=x onerror="document.title=\'owned\'"><script>document.title="owned"</script>'
HOSTILE_ARTICLE = {
    "id": "<b>x</b>",
    "text": f"{HOSTILE}说：“{HOSTILE}”",
    "meta": {"publication": HOSTILE, "headline": HOSTILE, "reporters": [HOSTILE]},
    "entities": [{"start": 0, "end": 5, "label": "<i>ORG</i>", "text": HOSTILE[:5], "source": HOSTILE}],
    "quotes": [{"speaker": {"start": 0, "end": 5}, "speaker_name": HOSTILE, "cue": None,
                "content": {"start": 0, "end": 5}, "kind": HOSTILE}],
}


def write_records(path: Path, records: list[dict[str, Any]], *, bad_lines: int = 0) -> Path:
    lines = [json.dumps(record, ensure_ascii=False) for record in records] + ["{not json"] * bad_lines
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def article(number: int) -> dict[str, Any]:
    return {**ARTICLE, "id": f"a{number}", "meta": {**ARTICLE["meta"], "headline": f"标题{number}号"}}


class TextOf(HTMLParser):
    """The visible text of a page (what a reader sees, tags and style dropped), and the tags in it."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.tags: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self._skip += tag in ("style", "script", "title")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("style", "script", "title")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible(html: str) -> tuple[str, list[str]]:
    parser = TextOf()
    parser.feed(html)
    return "".join(parser.parts), parser.tags


# --- pure parts -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entity", "shown"),
    [
        ({"label": "DATE", "value": "2013-04-27"}, "DATE 2013-04-27"),
        ({"label": "PERCENT", "value": 0.12}, "PERCENT 0.12"),
        ({"label": "PERCENT", "value": 0}, "PERCENT 0"),  # a zero value is a value
        ({"label": "PERSON"}, "PERSON"),
    ],
)
def test_entity_label_shows_the_value(entity: dict[str, Any], shown: str) -> None:
    assert entity_label(entity) == shown


@pytest.mark.parametrize(
    ("input", "index", "pages"),
    [
        ("corpus/prelabeled.jsonl", "corpus/prelabeled.html", "corpus/prelabeled_pages"),
        ("/data/run 1/pre.labeled.jsonl", "/data/run 1/pre.labeled.html", "/data/run 1/pre.labeled_pages"),
    ],
)
def test_output_goes_beside_the_input(input: str, index: str, pages: str) -> None:
    assert default_output(Path(input)) == Path(index)
    assert pages_folder(Path(index)) == Path(pages)


@pytest.mark.parametrize(
    ("span", "kept"),
    [
        ({"start": 0, "end": 2}, True),
        ({"start": 27, "end": 29}, True),   # ends at the end of the text
        ({"start": 27, "end": 30}, False),  # past the end
        ({"start": -1, "end": 2}, False),
        ({"start": 3, "end": 3}, False),    # empty
        ({"start": "0", "end": 2}, False),  # not a number
        ({"end": 2}, False),
    ],
)
def test_spans_outside_the_text_are_not_drawn(span: dict[str, Any], kept: bool) -> None:
    text = ARTICLE["text"]
    assert len(text) == 29
    document = Document(id="s", text=text, entities=[{**span, "label": "ORG"}], quotes=[{"speaker": span}])
    assert len(document_marks(document)) == (2 if kept else 0)


def test_a_document_shows_its_header_entities_with_values_and_linked_quotes() -> None:
    html = document_html(Document.from_dict(ARTICLE), 7)
    text, _ = visible(html)
    for shown in ("集聚产业 追梦中原", "郑州晚报", "2013-04-28", "A02", "王继兵、袁帅",
                  "DATE 2013-04-27", "PERCENT 0.12", "PERSON", "Q1 speaker", "Q1 cue", "Q1 content", "今年投资增长12%"):
        assert shown in text, shown
    # the quote's tags in the text link to its row in the list under the text
    assert html.count('href="#d7-q1"') == 3 and html.count('id="d7-q1"') == 1
    # speaker, cue and content are each drawn in the quote's colour
    for role in ("speaker", "cue", "content"):
        assert f'class="q-{role}"' in html
    assert 'id="d7"' in html


def test_record_text_is_escaped_everywhere() -> None:
    html = document_html(Document.from_dict(HOSTILE_ARTICLE), 1)
    text, tags = visible(html)
    assert "script" not in tags and "img" not in tags and "i" not in tags and "b" not in tags
    assert "<script>" in text and "<img" in text  # shown as text, for the reviewer to see


# --- pages and index ----------------------------------------------------------------------------


@pytest.mark.parametrize(("documents", "per_page", "pages"), [(0, 50, 0), (1, 50, 1), (50, 50, 1), (51, 50, 2), (7, 3, 3)])
def test_every_document_is_on_exactly_one_page(tmp_path: Path, documents: int, per_page: int, pages: int) -> None:
    source = write_records(tmp_path / "pre.jsonl", [article(n) for n in range(1, documents + 1)])
    written = write_review(source, per_page=per_page)
    assert (written.documents, written.pages, written.index) == (documents, pages, tmp_path / "pre.html")
    files = sorted(written.pages_dir.glob("*.html")) if pages else []
    assert len(files) == pages
    headlines = [headline for path in files for headline in _headlines(path.read_text(encoding="utf-8"))]
    assert headlines == [f"标题{n}号" for n in range(1, documents + 1)]
    index_text, _ = visible(written.index.read_text(encoding="utf-8"))
    assert f"{documents} document(s) on {pages} page(s) of up to {per_page}" in index_text
    assert all(f"标题{n}号" in index_text and f"a{n}" in index_text for n in range(1, documents + 1))


def _headlines(page: str) -> list[str]:
    """The headlines of a page's documents, in order (``<h2>N. headline</h2>``)."""
    return [part.split("</h2>", 1)[0].split(". ", 1)[1] for part in page.split("<h2>")[1:]]


def test_pages_link_to_each_other_and_the_index(tmp_path: Path) -> None:
    source = write_records(tmp_path / "pre.jsonl", [article(n) for n in range(1, 6)])
    written = write_review(source, per_page=2)
    first, middle, last = (written.pages_dir / f"page-000{n}.html" for n in (1, 2, 3))
    links = {path.name: path.read_text(encoding="utf-8") for path in (first, middle, last)}
    assert 'href="page-0002.html"' in links["page-0001.html"] and "previous page" not in links["page-0001.html"]
    assert 'href="page-0001.html"' in links["page-0002.html"] and 'href="page-0003.html"' in links["page-0002.html"]
    assert "next page" not in links["page-0003.html"]
    assert all('href="../pre.html"' in page for page in links.values())
    assert 'href="pre_pages/page-0003.html#d5"' in written.index.read_text(encoding="utf-8")


def test_pages_left_from_a_longer_corpus_are_removed(tmp_path: Path) -> None:
    source = write_records(tmp_path / "pre.jsonl", [article(n) for n in range(1, 6)])
    folder = write_review(source, per_page=1).pages_dir
    (folder / "notes.html").write_text("mine", encoding="utf-8")
    write_records(source, [article(1), article(2)])
    assert write_review(source, per_page=1).pages == 2
    assert sorted(path.name for path in folder.iterdir()) == ["notes.html", "page-0001.html", "page-0002.html"]


def test_quick_look_says_when_it_shows_only_the_first_documents(tmp_path: Path) -> None:
    source = write_records(tmp_path / "pre.jsonl", [article(1), article(2)])
    assert render_html(source, tmp_path / "one.html", limit=1) == 1
    assert "it holds more" in (tmp_path / "one.html").read_text(encoding="utf-8")
    assert render_html(source, tmp_path / "all.html", limit=5) == 2
    assert "it holds more" not in (tmp_path / "all.html").read_text(encoding="utf-8")


# --- the command ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("documents", "bad_lines", "exit_code", "said"),
    [
        (3, 0, 0, "wrote 3 document(s) on 2 page(s) of up to 2"),
        (0, 0, 0, "wrote 0 document(s) on 0 page(s) of up to 2"),
        (1, 2, 2, "2 line(s)"),  # left out lines are said and make exit code 2
    ],
)
def test_show_command_says_what_it_wrote_beside_the_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, documents: int, bad_lines: int, exit_code: int, said: str
) -> None:
    (tmp_path / "corpus").mkdir()
    source = write_records(tmp_path / "corpus" / "pre.jsonl", [article(n) for n in range(1, documents + 1)], bad_lines=bad_lines)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = CliRunner().invoke(app, ["show", "--input", str(source), "--per-page", "2"])
    assert result.exit_code == exit_code, result.output
    assert said in result.output and str(tmp_path / "corpus" / "pre.html") in result.output
    assert (tmp_path / "corpus" / "pre.html").is_file() and not any(elsewhere.iterdir())


# --- in a real browser ------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
WIDTH, HEIGHT = 1000, 800
DATE_COLOUR = (0x43, 0x63, 0xD8)  # the DATE label's badge (annotation_schema/labels.yaml)


def chromium(*arguments: str, profile: Path) -> subprocess.CompletedProcess[str]:
    """Run headless chromium once (as root it needs --no-sandbox; its own profile folder, no GPU)."""
    command = [CHROMIUM or "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
               f"--user-data-dir={profile}", *arguments]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)


def png_pixels(data: bytes) -> np.ndarray:
    """The pixels of an 8-bit, non-interlaced RGB or RGBA PNG as an array (height, width, channels).

    Enough of PNG to check a screenshot without an imaging library: the chunks, then each
    row's filter undone (PNG specification, section 9).
    """
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    position, compressed = 8, b""
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        body = data[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour_type, _, _, interlace = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            compressed += body
        position += 12 + length
    assert depth == 8 and colour_type in (2, 6) and interlace == 0, (depth, colour_type, interlace)
    channels = 3 if colour_type == 2 else 4
    stride = width * channels
    raw = np.frombuffer(zlib.decompress(compressed), dtype=np.uint8).reshape(height, stride + 1)
    pixels = np.zeros((height, stride), dtype=np.uint8)
    previous = np.zeros(stride, dtype=np.int32)
    for row in range(height):
        kind, line = raw[row, 0], raw[row, 1:].astype(np.int32)
        if kind == 0:
            out = line
        elif kind == 1:  # Sub: add the byte one pixel to the left (a running sum per channel)
            out = np.cumsum(line.reshape(width, channels), axis=0).reshape(stride) % 256
        elif kind == 2:  # Up
            out = (line + previous) % 256
        else:  # Average (3) and Paeth (4) depend on the byte just decoded: byte by byte (plain ints: fast enough)
            data_row, above, decoded = line.tolist(), previous.tolist(), [0] * stride
            for i in range(stride):
                left = decoded[i - channels] if i >= channels else 0
                up, up_left = above[i], above[i - channels] if i >= channels else 0
                if kind == 3:
                    predicted = (left + up) // 2
                else:
                    estimate = left + up - up_left
                    to_left, to_up, to_up_left = abs(estimate - left), abs(estimate - up), abs(estimate - up_left)
                    if to_left <= to_up and to_left <= to_up_left:
                        predicted = left
                    elif to_up <= to_up_left:
                        predicted = up
                    else:
                        predicted = up_left
                decoded[i] = (data_row[i] + predicted) % 256
            out = np.array(decoded, dtype=np.int32)
        pixels[row] = out
        previous = out.astype(np.int32)
    return pixels.reshape(height, width, channels)


def test_png_pixels_reads_back_what_was_written() -> None:
    """The decoder itself, on a PNG made here with every filter type (so the browser check can fail)."""
    width, channels = 4, 3
    image = (np.arange(5 * width * channels, dtype=np.int64).reshape(5, width * channels) ** 2 * 37 + 11) % 256
    rows = []
    for number, row in enumerate(image):
        previous = image[number - 1] if number else np.zeros_like(row)
        left = np.concatenate([np.zeros(channels, dtype=np.int64), row[:-channels]])
        up_left = np.concatenate([np.zeros(channels, dtype=np.int64), previous[:-channels]])
        kind = number % 5
        if kind == 3:
            predicted = (left + previous) // 2
        elif kind == 4:
            estimate = left + previous - up_left
            distances = np.stack([abs(estimate - left), abs(estimate - previous), abs(estimate - up_left)])
            predicted = np.choose(np.argmin(distances, axis=0), [left, previous, up_left])
        else:
            predicted = [0, left, previous][kind]
        rows.append(bytes([kind]) + bytes(((row - predicted) % 256).astype(np.uint8)))
    header = struct.pack(">IIBBBBB", width, 5, 8, 2, 0, 0, 0)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b"")
    assert (png_pixels(png).reshape(5, width * channels) == image).all()


@pytest.mark.slow  # two browser starts and a screenshot decoded in Python: `make test`, not `make test-fast`
@pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"), reason="no chromium (make system-deps installs it)")
def test_the_page_renders_in_chromium(tmp_path: Path) -> None:
    assert CHROMIUM is not None, "chromium is missing in CI: run `make system-deps` (as root) first"
    source = write_records(tmp_path / "pre.jsonl", [ARTICLE, HOSTILE_ARTICLE])
    written = write_review(source)
    page = (written.pages_dir / "page-0001.html").resolve().as_uri()

    dom = chromium("--dump-dom", page, profile=tmp_path / "profile").stdout
    text, tags = visible(dom)
    for shown in ("集聚产业 追梦中原", "郑州晚报", "马懿", "PERSON", "DATE 2013-04-27", "指出", "今年投资增长12%", "Q1 speaker"):
        assert shown in text, shown
    assert "img" not in tags and "owned" not in dom.split("</title>")[0]  # the hostile record stayed text

    shot = tmp_path / "page.png"
    chromium(f"--screenshot={shot}", f"--window-size={WIDTH},{HEIGHT}", page, profile=tmp_path / "profile")
    pixels = png_pixels(shot.read_bytes())
    assert pixels.shape[:2] == (HEIGHT, WIDTH)
    rgb = pixels[..., :3].astype(np.int64)
    colours = np.unique(rgb[..., 0] << 16 | rgb[..., 1] << 8 | rgb[..., 2])
    assert len(colours) > 50, "a blank or near-blank screenshot"
    near_date = np.abs(rgb - DATE_COLOUR).max(axis=-1) <= 4
    assert near_date.sum() > 20, "no DATE label drawn in its colour"
