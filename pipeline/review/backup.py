"""Dated backups of a file about to be replaced, never overwriting an earlier backup.

Lives here rather than in ``pipeline.core.jsonl`` because only the review files need it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import datetime
from pathlib import Path

STAMP_FORMAT = "%Y-%m-%dT%H-%M-%S"


def backup_name(path: Path, when: datetime, attempt: int = 1) -> Path:
    """``reviewed.jsonl.2026-12-06T09-30-00.bak`` beside ``path``; ``-2``, ``-3``... for later ones in that second."""
    stamp = when.strftime(STAMP_FORMAT)
    suffix = "" if attempt == 1 else f"-{attempt}"
    return path.with_name(f"{path.name}.{stamp}{suffix}.bak")


def keep_backup(path: Path, when: datetime) -> Path:
    """Copy ``path`` to a dated backup beside it and return the backup's path.

    The copy is written to a temp file and hard-linked to its name, which fails
    rather than overwrite: an interrupted backup leaves no half-written ``.bak``,
    and an existing backup is never replaced.
    """
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".bak.tmp", dir=path.parent)
    os.close(fd)
    try:
        shutil.copy2(path, tmp)
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        attempt = 1
        while True:
            target = backup_name(path, when, attempt)
            try:
                os.link(tmp, target)
                return target
            except FileExistsError:
                attempt += 1
    finally:
        os.unlink(tmp)
