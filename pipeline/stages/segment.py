"""The ``segment`` stage: word tokens for each record through spaCy's Chinese pkuseg segmenter.

The segmenter itself (model loading, the compact model format, decoding) lives below the
stages in :mod:`pipeline.segmenter`, since the prelabel stage's word features use it too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from pipeline.core.record import Document
from pipeline.segmenter.model import load_segmenter


def segment_stage(segmenter: str | None = None) -> Callable[[Iterable[Document]], Iterator[Document]]:
    """The stage's entry point (``pipeline.stages.STAGES``): the chosen segmenter, loaded once, over a stream."""
    return load_segmenter(segmenter).segment_documents
