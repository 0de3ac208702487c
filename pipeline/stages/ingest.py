"""Ingest: raw article files -> ``Document`` records, refusing what cannot be text.

Scans arrive as UTF-8 (with or without BOM) or as GB18030/GBK from older Windows
tools.  Decoding is strict: UTF-8 first (it almost never decodes text that is not
UTF-8), then GB18030, then charset-normalizer's guess for anything else; every
candidate must look like Chinese newspaper text, since GB18030 decodes nearly any
byte string into rare characters.  The decoded text is kept as it is (line ends
included), so offsets into it are offsets into the raw file's code points.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from pipeline.core.record import Document
from pipeline.core.text_tables import CJK, HAN_RE

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


def list_sources(folder: Path) -> list[Path]:
    """The article files of a folder: ``*.txt``, sorted by name (not recursive)."""
    return sorted(path for path in Path(folder).glob("*.txt") if path.is_file())


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


def read_article(path: Path, *, max_bytes: int | None = None) -> Document:
    """Read one raw article file into a ``Document`` whose text is the decoded file, unchanged."""
    path = Path(path)
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
        data = path.read_bytes()
    except OSError as error:
        raise IngestError(path, f"cannot read ({error.strerror})") from error
    binary_at = _looks_binary(data)
    if binary_at is not None:
        raise IngestError(path, f"binary file (control byte 0x{data[binary_at]:02x} at offset {binary_at})", _line_of(data, binary_at))
    text, encoding = decode_bytes(data, path)
    if not text.strip():
        raise IngestError(path, "empty file (only whitespace)")
    meta = {
        "source": path.name,
        "encoding": encoding,
        "sha256": hashlib.sha256(data).hexdigest(),
        "raw_length": len(text),
    }
    return Document(id=path.stem, text=text, meta=meta, offsets=list(range(len(text))))
