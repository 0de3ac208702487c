"""Chunks of a stream bounded by count and by weight: how the chain hands work to workers and
how the prelabel stage batches documents for its model (whose memory grows with the characters
of a batch, not with the number of documents)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any


def chunked(
    items: Iterable[Any], size: int, *, weight: Callable[[Any], int] | None = None, max_weight: int | None = None
) -> Iterator[list[Any]]:
    """Lists of at most ``size`` items and, if given, of at most ``max_weight`` total weight.

    An item heavier than ``max_weight`` gets a chunk of its own.
    """
    chunk: list[Any] = []
    total = 0
    for item in items:
        heft = weight(item) if weight else 0
        if chunk and (len(chunk) >= size or (max_weight is not None and total + heft > max_weight)):
            yield chunk
            chunk, total = [], 0
        chunk.append(item)
        total += heft
    if chunk:
        yield chunk
