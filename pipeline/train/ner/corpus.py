"""Turn the pd1998 entity JSONL into spaCy DocBin files for ``spacy train``.

The text is width-folded (same length, so offsets survive) and tokenised into
single characters with spaCy's Chinese ``char`` segmenter, the tokenisation the
shipped model uses.  Each character also gets its BILUO tag (``B-PERSON``, ``O``…)
as ``tag_``, the target of the character tagger.  Labels outside the schema (pd1998's LOC) are dropped.
Characters inside a record's ``missing`` stretches (what another corpus did not annotate for
us, :mod:`pipeline.train.ner.external`) get no tag: spaCy's tagger learns nothing from them.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import spacy
from spacy.tokens import DocBin

from pipeline.core.jsonl import iter_json_lines
from pipeline.core.schema import load_schema
from pipeline.core.text import fold_width
from pipeline.stages.entities.tags import biluo_tags


def convert(source: Path, target: Path) -> Counter:
    """Write ``target`` (.spacy) from a pd1998 JSONL file; returns counts of kept labels."""
    labels = set(load_schema().entity_labels)
    nlp = spacy.blank("zh")
    docbin = DocBin(store_user_data=False)
    kept: Counter = Counter()
    for _, record in iter_json_lines(source):
        doc = nlp.make_doc(fold_width(record["text"]))
        spans = []
        for start, end, label in record.get("entities", []):
            if label not in labels:
                continue
            span = doc.char_span(start, end, label=label, alignment_mode="expand")
            if span is not None:
                spans.append(span)
                kept[label] += 1
        doc.ents = spacy.util.filter_spans(spans)
        unknown = record.get("missing") or []  # what the source corpus did not annotate for us
        for token, tag in zip(doc, biluo_tags(doc)):  # the target of the character tagger
            start, end = token.idx, token.idx + len(token)
            token.tag_ = "" if any(s < end and start < e for s, e in unknown) else tag  # "": no loss
        docbin.add(doc)
    target.parent.mkdir(parents=True, exist_ok=True)
    docbin.to_disk(target)
    return kept


def main(argv: list[str] | None = None) -> None:
    import sys

    args = argv if argv is not None else sys.argv[1:]
    if len(args) % 2:
        raise SystemExit("usage: python -m pipeline.train.ner.corpus SOURCE.jsonl TARGET.spacy [...]")
    for source, target in zip(args[::2], args[1::2]):
        counts = convert(Path(source), Path(target))
        print(f"{target}: {dict(counts)}")


if __name__ == "__main__":
    main()
