"""Reading and writing JSONL artefacts: the pipeline's only file I/O for records.

Writes are atomic (temp file in the same folder, then rename), so an interrupted
run never leaves a half-written artefact behind.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, is_dataclass
from json.decoder import scanstring
from pathlib import Path
from typing import IO, Any

import orjson

from pipeline.core.record import Document, Edit


class RecordError(ValueError):
    """A JSONL line that is not a valid record; names the file and line."""

    def __init__(self, path: Path, line: int, reason: str) -> None:
        super().__init__(f"{path}:{line}: {reason}")
        self.path, self.line, self.reason = path, line, reason


class ArtefactWriteError(OSError):
    """Writing an artefact failed (disk full, permissions): names the file, so a person can act on it."""

    def __init__(self, path: Path, error: OSError) -> None:
        super().__init__(error.errno, error.strerror or str(error), str(path))
        self.path = Path(path)

    def __str__(self) -> str:
        return f"cannot write {self.path}: {self.strerror}"


def loads(line: str) -> Any:
    """``json.loads``, by orjson where it reads the line alike (about a quarter of the time).

    orjson reads an integer past 64 bits as a float, so a line with a run of 19 digits goes
    to the json module; so does what orjson refuses (NaN, lone surrogates, malformed lines),
    and the values and error messages are then the json module's.
    """
    if _LONG_DIGITS.search(line) is None:
        try:
            return orjson.loads(line)
        except orjson.JSONDecodeError:
            pass
    return json.loads(line)


_LONG_DIGITS = re.compile("[0-9]{19}")


ID_PREFIX = '{"id":"'


def leading_id(line: str) -> str | None:
    """The record id of a line that starts with it (as this module writes them), without parsing the rest."""
    if not line.startswith(ID_PREFIX):
        return None
    try:
        return scanstring(line, len(ID_PREFIX))[0]
    except ValueError:
        return None


def iter_json_lines(
    path: Path,
    *,
    keep_id: Callable[[str], bool] | None = None,
    on_error: Callable[[RecordError], None] | None = None,
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line_number, object)`` for each non-blank line, streaming.

    With ``keep_id``, lines whose leading id it rejects are passed over unparsed
    (decoding per-character offsets is most of the cost of reading a record); it
    is a pre-filter only: a line without a leading id is always yielded.  A line
    that is not a JSON object raises :class:`RecordError`, or, with ``on_error``,
    is handed to it and passed over, so the good lines around it are still read.
    """
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            if keep_id is not None and (doc_id := leading_id(line)) is not None and not keep_id(doc_id):
                continue
            try:
                obj = loads(line)
            except json.JSONDecodeError as exc:
                _refuse(RecordError(path, number, f"not valid JSON: {exc.msg} at column {exc.colno}"), exc, on_error)
                continue
            if not isinstance(obj, dict):
                _refuse(RecordError(path, number, "expected a JSON object"), None, on_error)
                continue
            yield number, obj


def _refuse(error: RecordError, cause: Exception | None, on_error: Callable[[RecordError], None] | None) -> None:
    """Raise a bad line's error, or hand it to ``on_error`` (the caller then passes the line over)."""
    if on_error is None:
        raise error from cause
    on_error(error)


def read_documents(
    path: Path,
    *,
    keep_id: Callable[[str], bool] | None = None,
    on_error: Callable[[RecordError], None] | None = None,
) -> Iterator[Document]:
    """Stream the documents of a JSONL artefact (only those whose id ``keep_id`` accepts, if given).

    A line that is not a record raises :class:`RecordError`, or with ``on_error`` is reported to it and passed over.
    """
    for number, obj in iter_json_lines(path, keep_id=keep_id, on_error=on_error):
        try:
            yield Document.from_dict(obj)
        except (TypeError, ValueError, KeyError) as exc:
            _refuse(RecordError(path, number, f"not a record: {exc}"), exc, on_error)


@contextmanager
def atomic_writer(path: Path) -> Iterator[IO[str]]:
    """Open a temp file beside ``path``; rename it over ``path`` only on success."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.chmod(tmp, 0o666 & ~current_umask())  # mkstemp makes 0600; artefacts are ordinary files
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def current_umask() -> int:
    """The process umask (reading it means setting it, so it is set straight back)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _dataclass_fields(value: Any) -> dict[str, Any]:
    """JSON for a dataclass met inside a record's values, as ``dataclasses.asdict`` would give it."""
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_dataclass_fields)


def dump_line(obj: dict[str, Any]) -> str:
    return _ENCODER.encode(obj) + "\n"


# Fields a Document types as str / list[int] / list[list[int]]: the bulk of a line, not walked
# (nor are the edits when all are Edit objects, whose fields are typed str and int).
_TYPED_FIELDS = frozenset({"id", "text", "offsets", "tokens"})
_TYPED_WITH_EDITS = _TYPED_FIELDS | {"edits"}


def dump_document(doc: Document) -> str:
    """One artefact line for ``doc`` (serialised straight from its fields, no copy).

    Written by orjson (a quarter of the json module's time: the chain writes every
    character's offset five times) whenever orjson's bytes are the json module's:
    the other fields hold only plain JSON values and floats both spell alike, and
    orjson accepts the whole (no lone surrogate, no integer past 64 bits).
    Anything else is written by the json module, as before.
    """
    fields = doc.json_fields()
    typed = _TYPED_WITH_EDITS if all(type(edit) is Edit for edit in doc.edits) else _TYPED_FIELDS
    if all(_spelled_alike(value) for name, value in fields.items() if name not in typed):
        try:
            return orjson.dumps(fields).decode() + "\n"
        except orjson.JSONEncodeError:
            pass
    return _ENCODER.encode(fields) + "\n"


def _spelled_alike(value: Any) -> bool:
    """Whether orjson writes ``value`` byte for byte as ``_ENCODER`` does.

    True for plain str/int/bool/None, dicts with str keys and lists of such, and
    floats in positional notation for both (zero, and 1e-4 <= |x| < 1e16: outside
    it Python writes ``1e-05`` where orjson writes ``1e-5``, and NaN is ``null``).
    """
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return True
    if kind is float:
        return value == 0.0 or 1e-4 <= abs(value) < 1e16
    if kind is dict:
        return all(type(key) is str and _spelled_alike(item) for key, item in value.items())
    if kind is list or kind is tuple:
        return all(map(_spelled_alike, value))
    return False


def write_documents(path: Path, documents: Iterable[Document]) -> int:
    """Write documents atomically; returns how many were written."""
    count = 0
    with atomic_writer(path) as handle:
        for doc in documents:
            handle.write(dump_document(doc))
            count += 1
    return count


def write_json(path: Path, obj: Any) -> None:
    """Write one JSON document atomically (reports, manifests)."""
    with atomic_writer(path) as handle:
        json.dump(obj, handle, ensure_ascii=False, indent=2)
        handle.write("\n")
