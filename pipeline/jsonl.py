"""Reading and writing JSONL artefacts: the pipeline's only file I/O for records.

Writes are atomic (temp file in the same folder, then rename), so an interrupted
run never leaves a half-written artefact behind.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, is_dataclass
from json.decoder import scanstring
from pathlib import Path
from typing import IO, Any

from pipeline.record import Document


class RecordError(ValueError):
    """A JSONL line that is not a valid record; names the file and line."""

    def __init__(self, path: Path, line: int, reason: str) -> None:
        super().__init__(f"{path}:{line}: {reason}")
        self.path, self.line, self.reason = path, line, reason


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
    path: Path, *, keep_id: Callable[[str], bool] | None = None
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line_number, object)`` for each non-blank line, streaming.

    With ``keep_id``, lines whose leading id it rejects are passed over unparsed
    (decoding per-character offsets is most of the cost of reading a record); it
    is a pre-filter only: a line without a leading id is always yielded.
    """
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            if keep_id is not None and (doc_id := leading_id(line)) is not None and not keep_id(doc_id):
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise RecordError(path, number, f"not valid JSON ({exc.msg})") from exc
            if not isinstance(obj, dict):
                raise RecordError(path, number, "expected a JSON object")
            yield number, obj


def read_documents(path: Path, *, keep_id: Callable[[str], bool] | None = None) -> Iterator[Document]:
    """Stream the documents of a JSONL artefact (only those whose id ``keep_id`` accepts, if given)."""
    for number, obj in iter_json_lines(path, keep_id=keep_id):
        try:
            yield Document.from_dict(obj)
        except (TypeError, ValueError) as exc:
            raise RecordError(path, number, str(exc)) from exc


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


def dump_document(doc: Document) -> str:
    """One artefact line for ``doc`` (serialised straight from its fields, no copy)."""
    return _ENCODER.encode(doc.json_fields()) + "\n"


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
