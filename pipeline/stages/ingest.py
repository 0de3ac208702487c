"""Ingest: raw article files -> ``Document`` records, refusing what cannot be text.

Scans arrive as UTF-8 (with or without BOM) or as GB18030/GBK from older Windows
tools.  Decoding is strict: UTF-8 first (it almost never decodes text that is not
UTF-8), then GB18030, then charset-normalizer's guess for anything else; every
candidate must look like Chinese newspaper text, since GB18030 decodes nearly any
byte string into rare characters.  The decoded text is kept as it is (line ends
included), so offsets into it are offsets into the raw file's code points.

OCR files that keep the page's layout, ALTO (``.xml``) and hOCR (``.hocr``), are read by
:mod:`pipeline.stages.page_xml`: each article on the page becomes a document whose text is
laid out from the page's geometry (running head, headline, columns in reading order) and
whose offsets are, character by character, offsets into the decoded XML file (where the
character stands in a ``String``'s ``CONTENT`` or an ``ocrx_word``'s text).
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.core.record import Document
from pipeline.core.text_tables import CJK, HAN_RE
from pipeline.stages.page_xml import NotPageXML, XMLFault, page_articles, read_page_xml, read_xml_text
from pipeline.stages.page_xml.positions import declared_encoding

MAX_BYTES = 20 * 1024 * 1024
MAX_BYTES_ENV = "CORPUSPREP_MAX_BYTES"
# Share of characters that must be plausible in newspaper text for a decoding to be accepted.
MIN_PLAUSIBLE = 0.97

_PLAUSIBLE_RE = re.compile(f"[{CJK}\\u0020-\\u007e\\t\\n\\r\\u00a0\\u2010-\\u2027\\u2030-\\u203b\\u25a0-\\u25ff\\u2460-\\u24ff\\u2605\\u2606]")
_BINARY_CONTROL_RE = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")


class IngestError(Exception):
    """A source file that cannot be read as an article; str() is ``path:line: reason``."""

    def __init__(self, path: Path, reason: str, line: int | None = None) -> None:
        self.path, self.line, self.reason = Path(path), line, reason
        where = f"{self.path}:{line}" if line is not None else f"{self.path}"
        super().__init__(f"{where}: {reason}")


TEXT_SUFFIX = ".txt"
# OCR output with the page's layout: ALTO (any version) and hOCR
PAGE_SUFFIXES = frozenset({".xml", ".hocr"})
ARTICLE_SUFFIXES = frozenset({TEXT_SUFFIX}) | PAGE_SUFFIXES
PDF_SUFFIXES = frozenset({".pdf"})
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff"})
OCR_FIRST = "run OCR first (the pipeline reads OCR'd .txt, ALTO .xml or hOCR .hocr)"


@dataclass(frozen=True)
class NotRead:
    """A file or folder of the input that is not read as an article, and what to do about it."""

    path: Path
    reason: str


@dataclass(frozen=True)
class FolderSurvey:
    """What an input folder holds: the article files to read and everything else, with reasons.

    Hidden entries (names starting with ``.``, e.g. ``.DS_Store`` or ``.git``) are
    neither read nor reported.  ``subfolders`` are the folders not read (without
    ``recursive``); ``not_read`` also lists them, with the option to pass.
    """

    root: Path
    sources: list[Path]
    not_read: list[NotRead]
    subfolders: list[Path]


def is_article_file(path: Path) -> bool:
    """An article file: ``.txt``, ``.xml`` (ALTO) or ``.hocr`` in any case (``.TXT`` from older scanners, ``.Txt``)."""
    return path.suffix.lower() in ARTICLE_SUFFIXES


def document_id(path: Path, root: Path) -> str:
    """The record id of a source file: its path below the input folder without the suffix, with ``/``.

    A file at the top keeps its stem as id (``a.txt`` -> ``a``); one in a subfolder is named
    by its folders too (``2013/04/a.txt`` -> ``2013/04/a``), so ids stay unique when a
    recursive read meets the same file name in two folders.
    """
    return Path(path).relative_to(root).with_suffix("").as_posix()


def why_not_read(path: Path) -> str:
    """What a file that is not an article is, and what to do with it."""
    suffix = path.suffix.lower()
    if suffix in PDF_SUFFIXES:
        return f"a PDF, not text: {OCR_FIRST}"
    if suffix in IMAGE_SUFFIXES:
        return f"an image ({suffix}), not text: {OCR_FIRST}"
    return (
        "not a .txt file (nor ALTO .xml or hOCR .hocr): rename it to .txt if it is an OCR'd article, "
        "or move it out of the input folder"
    )


def survey_folder(folder: Path, *, recursive: bool = False) -> FolderSurvey:
    """Sort the entries of ``folder`` into article files (sorted by path) and what is not read, with reasons.

    Two files that would get the same id (``a.txt`` and ``a.TXT``) are read once: the
    first by name; the other is reported.
    """
    root = Path(folder)
    sources: list[Path] = []
    not_read: list[NotRead] = []
    subfolders: list[Path] = []
    pending = [root]
    while pending:
        for path in sorted(pending.pop().iterdir()):
            if path.name.startswith("."):
                continue
            if path.is_dir():
                if recursive:
                    pending.append(path)
                else:
                    subfolders.append(path)
                    not_read.append(NotRead(path, "a subfolder, not read: pass --recursive to read it"))
            elif is_article_file(path):
                sources.append(path)
            else:
                not_read.append(NotRead(path, why_not_read(path)))
    first_with_id: dict[str, Path] = {}
    for path in sorted(sources):
        doc_id = document_id(path, root)
        if doc_id in first_with_id:
            other = first_with_id[doc_id].relative_to(root).as_posix()
            not_read.append(NotRead(path, f"same id {doc_id!r} as {other}: rename one of them"))
        else:
            first_with_id[doc_id] = path
    return FolderSurvey(root, sorted(first_with_id.values()), sorted(not_read, key=lambda item: item.path), subfolders)


def list_sources(folder: Path, *, recursive: bool = False) -> list[Path]:
    """The article files of a folder (``.txt`` in any case), sorted by path; below it only if ``recursive``."""
    return survey_folder(folder, recursive=recursive).sources


def default_max_bytes() -> int:
    """The size limit: 20 MB unless ``CORPUSPREP_MAX_BYTES`` says otherwise."""
    value = os.environ.get(MAX_BYTES_ENV)
    return int(value) if value else MAX_BYTES


def plausible_share(text: str) -> float:
    """Share of characters that occur in Chinese newspaper text (Han, CJK punctuation, ASCII)."""
    if not text:
        return 0.0
    return len(_PLAUSIBLE_RE.findall(text)) / len(text)


def _line_of(data: bytes, position: int) -> int:
    return data.count(b"\n", 0, position) + 1


def _looks_binary(data: bytes) -> int | None:
    """Byte position of the first sign of a binary file (NUL or other C0 controls), if any."""
    sample = data[: 64 * 1024]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None  # UTF-16 text has NULs but is not binary
    nul = sample.find(b"\x00")
    if nul >= 0:
        return nul
    controls = _BINARY_CONTROL_RE.findall(sample)
    if len(controls) > max(4, len(sample) // 200):
        return _BINARY_CONTROL_RE.search(sample).start()  # type: ignore[union-attr]
    return None


def decode_bytes(data: bytes, path: Path) -> tuple[str, str]:
    """Decode a scan's bytes; returns ``(text, encoding)`` or raises ``IngestError``."""
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "gb18030"]
    first_error: UnicodeDecodeError | None = None
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as error:
            first_error = first_error or error
            continue
        if plausible_share(text) >= MIN_PLAUSIBLE:
            return text, encoding
    guessed = _guess_with_charset_normalizer(data)
    if guessed is not None:
        return guessed
    if first_error is not None:
        raise IngestError(
            path,
            f"cannot decode as UTF-8 or GB18030 (byte 0x{data[first_error.start]:02x} at offset {first_error.start})",
            _line_of(data, first_error.start),
        )
    raise IngestError(path, "decodes, but not to Chinese or ASCII text (unknown encoding or not text)")


def _guess_with_charset_normalizer(data: bytes) -> tuple[str, str] | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        return None
    text = str(best)
    if plausible_share(text) >= MIN_PLAUSIBLE and HAN_RE.search(text):
        return text, best.encoding
    return None


def _read_bytes(path: Path, max_bytes: int | None) -> bytes:
    """The file's bytes, or ``IngestError`` if it cannot be read, is empty or is over the size limit."""
    limit = default_max_bytes() if max_bytes is None else max_bytes
    try:
        size = path.stat().st_size
    except OSError as error:
        raise IngestError(path, f"cannot read ({error.strerror})") from error
    if size > limit:
        raise IngestError(path, f"too large ({size / 1e6:.1f} MB, limit {limit / 1e6:.1f} MB)")
    if size == 0:
        raise IngestError(path, "empty file")
    try:
        return path.read_bytes()
    except OSError as error:
        raise IngestError(path, f"cannot read ({error.strerror})") from error


def read_source(path: Path, *, max_bytes: int | None = None, root: Path | None = None) -> list[Document]:
    """The documents of one source file: a ``.txt`` article, or every article of an ALTO or hOCR page."""
    if Path(path).suffix.lower() in PAGE_SUFFIXES:
        return read_page_file(path, max_bytes=max_bytes, root=root)
    return [read_article(path, max_bytes=max_bytes, root=root)]


def read_article(path: Path, *, max_bytes: int | None = None, root: Path | None = None) -> Document:
    """Read one raw article file into a ``Document`` whose text is the decoded file, unchanged.

    ``root``: the input folder, which names the id and source of a file in a subfolder
    (:func:`document_id`); by default the file's own folder.
    """
    path = Path(path)
    root = path.parent if root is None else Path(root)
    data = _read_bytes(path, max_bytes)
    binary_at = _looks_binary(data)
    if binary_at is not None:
        raise IngestError(path, f"binary file (control byte 0x{data[binary_at]:02x} at offset {binary_at})", _line_of(data, binary_at))
    text, encoding = decode_bytes(data, path)
    if not text.strip():
        raise IngestError(path, "empty file (only whitespace)")
    meta = {
        "source": path.relative_to(root).as_posix(),
        "encoding": encoding,
        "sha256": hashlib.sha256(data).hexdigest(),
        "raw_length": len(text),
    }
    return Document(id=document_id(path, root), text=text, meta=meta, offsets=list(range(len(text))))


def read_page_file(path: Path, *, max_bytes: int | None = None, root: Path | None = None) -> list[Document]:
    """Read an ALTO or hOCR file into one ``Document`` per article on its pages.

    Each document's text is laid out from the page's geometry
    (:mod:`pipeline.stages.page_xml.geometry`); ``offsets[i]`` is the offset in the decoded
    file of the character ``text[i]`` was read from (inside a ``String``'s ``CONTENT`` or an
    ``ocrx_word``'s text), and the spaces, indents and line ends put in between are ``Edit``s
    of kind ``page_layout`` (a reference such as ``&amp;``: kind ``xml_reference``).  The
    running head and headlines come as ``blocks`` (``furniture``, ``headline``,
    ``subheadline``).  A file with one article keeps its id (``page``); several are
    numbered in reading order (``page#1``, ``page#2``...), ``meta['article']`` saying which.
    """
    path = Path(path)
    root = path.parent if root is None else Path(root)
    data = _read_bytes(path, max_bytes)
    try:
        text = read_xml_text(data)
    except (UnicodeDecodeError, LookupError) as error:
        raise IngestError(path, f"cannot decode the XML as the encoding it declares ({error}): save it as UTF-8") from error
    try:
        pages = read_page_xml(text)
    except XMLFault as error:
        raise IngestError(
            path, f"not well-formed XML ({error.reason}): fix the file or export it from the OCR engine again", error.line
        ) from error
    except NotPageXML as error:
        raise IngestError(path, f"neither ALTO nor hOCR ({error}): move it out of the input folder") from error
    articles = [(number, laid) for number, page in enumerate(pages.pages, 1) for laid in page_articles(page)]
    if not articles:
        raise IngestError(path, f"no text on the {pages.format.upper()} page(s): an empty OCR result? run OCR again")
    base_id = document_id(path, root)
    digest = hashlib.sha256(data).hexdigest()
    documents = []
    for number, (page_number, laid) in enumerate(articles, 1):
        meta: dict = {
            "source": path.relative_to(root).as_posix(),
            "encoding": declared_encoding(data),
            "sha256": digest,
            "raw_length": len(text),
            "format": pages.format,
            "file_page": page_number,
        }
        if laid.box is not None:
            meta["box"] = [laid.box.x0, laid.box.y0, laid.box.x1, laid.box.y1]
        if len(articles) > 1:
            meta["article"] = number
        doc_id = f"{base_id}#{number}" if len(articles) > 1 else base_id
        documents.append(Document(id=doc_id, text=laid.text, meta=meta, offsets=laid.offsets, edits=laid.edits, blocks=laid.blocks))
    return documents
