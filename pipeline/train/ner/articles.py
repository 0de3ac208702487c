"""pd1998 paragraphs joined into the articles they come from, as ``corpusprep run`` reads text.

pd1998 records are paragraphs (ids ``date-page-article-paragraph``); the pipeline labels
whole articles, paragraphs separated by line breaks.  Training and scoring on joined
articles shows the model the line breaks and the neighbouring paragraphs it meets in use.

``python -m pipeline.train.ner.articles IN.jsonl [IN.jsonl ...] OUT.jsonl`` writes the
articles of the inputs (consecutive paragraphs of one article joined, entities moved).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from pipeline.core.jsonl import atomic_writer, dump_line, iter_json_lines

PARAGRAPH_BREAK = "\n"
_PARAGRAPH_NUMBER = re.compile(r"^(\d{8}-\d+-\d+)-\d+(~\w+)?$")


def article_key(record_id: str) -> str:
    """pd1998 paragraph ids are ``date-page-article-paragraph`` (a renamed copy adds ``~renamedK``);
    other ids stand alone."""
    match = _PARAGRAPH_NUMBER.match(record_id)
    return match.group(1) + (match.group(2) or "") if match else record_id


def _moved(entity: Any, offset: int) -> Any:
    """A pd1998 triple ``[start, end, label]`` or a record dict ``{"start", "end", ...}`` moved by ``offset``."""
    if isinstance(entity, dict):
        return {**entity, "start": entity["start"] + offset, "end": entity["end"] + offset}
    start, end, *rest = entity
    return [start + offset, end + offset, *rest]


def join_articles(records: Iterable[dict[str, Any]]) -> Iterator[tuple[dict[str, Any], list[int]]]:
    """``(article, offsets)``: consecutive records of one article joined by line breaks, their
    ``entities`` (pd1998 triples or record dicts) moved to article offsets; ``offsets[i]`` is where paragraph i starts."""
    article: dict[str, Any] | None = None
    offsets: list[int] = []
    for record in records:
        key = article_key(str(record.get("id", "")))
        if article is not None and article["id"] == key:
            offset = len(article["text"]) + len(PARAGRAPH_BREAK)
            article["text"] += PARAGRAPH_BREAK + record["text"]
        else:
            if article is not None:
                yield article, offsets
            article, offsets, offset = {**record, "id": key, "entities": []}, [], 0
        offsets.append(offset)
        article["entities"].extend(_moved(entity, offset) for entity in record.get("entities", []))
    if article is not None:
        yield article, offsets


def main(argv: list[str] | None = None) -> None:
    args = argv if argv is not None else sys.argv[1:]
    if len(args) < 2:
        raise SystemExit("usage: python -m pipeline.train.ner.articles IN.jsonl [IN.jsonl ...] OUT.jsonl")
    *sources, target = map(Path, args)
    written = 0
    with atomic_writer(target) as writer:
        for source in sources:
            for article, _ in join_articles(record for _, record in iter_json_lines(source)):
                writer.write(dump_line(article))
                written += 1
    print(f"{written} articles -> {target}")


if __name__ == "__main__":
    main()
