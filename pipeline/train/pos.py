"""Training data and shipping for the part-of-speech tagger (``make train-tagger``).

``python -m pipeline.train.pos convert SOURCE_pos.txt TARGET.spacy [...]`` turns pd1998's
``word/TAG`` lines into spaCy DocBins: one Doc a paragraph, the gold words as its tokens
(no spaces between them, as in Chinese text), each word width-folded as the runtime tagger
reads it (:mod:`pipeline.core.pos`), its PKU tag as ``tag_``.  The training config reads them
with ``gold_preproc = true``, so the tagger learns on the gold words and is never asked to
cut text itself.  A bad line is reported (file:line) and left out; the command then exits 1.

``python -m pipeline.train.pos ship MODEL_BEST TARGET`` copies a trained ``model-best``
into the package, names it, forgets where the training DocBins were, and drops the string store's words (the features are hashed,
the strings are never read back; only the tag names are kept).
"""

from __future__ import annotations

import datetime
import shutil
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import spacy
import srsly
from spacy.tokens import Doc, DocBin

from pipeline.core.text import fold_width
from pipeline.eval.pos import TaggedLineError, read_tagged

MODEL_NAME = "corpusprep_pos_zh"
DESCRIPTION = (
    "Part-of-speech tagger for words already cut (PKU tag set, about 40 tags): spaCy tok2vec + tagger "
    "trained on People's Daily 1998-01 days 1-15 (gold words); see MODEL_CARD.md."
)
LICENSE = "research use only: the People's Daily 1998 corpus terms (PKU ICL / Fujitsu, with attribution)"


def tagged_doc(vocab: spacy.vocab.Vocab, pairs: Iterable[tuple[str, str]]) -> Doc:
    """One paragraph's ``(word, tag)`` pairs as a Doc of width-folded words with their tags."""
    pairs = list(pairs)
    words = [fold_width(word) for word, _ in pairs]
    return Doc(vocab, words=words, spaces=[False] * len(words), tags=[tag for _, tag in pairs])


def convert(source: Path, target: Path) -> tuple[Counter, list[TaggedLineError]]:
    """Write ``target`` (.spacy) from a ``*_pos.txt`` file; returns the count of each tag and the bad lines."""
    nlp = spacy.blank("zh")
    docbin = DocBin(attrs=["ORTH", "TAG"], store_user_data=False)
    tags: Counter = Counter()
    bad: list[TaggedLineError] = []
    for _, pairs in read_tagged(source):
        if isinstance(pairs, TaggedLineError):
            bad.append(pairs)
            continue
        doc = tagged_doc(nlp.vocab, pairs)
        tags.update(token.tag_ for token in doc)
        docbin.add(doc)
    target.parent.mkdir(parents=True, exist_ok=True)
    docbin.to_disk(target)
    return tags, bad


def ship(source: Path, target: Path) -> None:
    """Copy ``model-best`` to ``target`` with this project's name, date and terms; keep the card."""
    if target.exists():
        for path in target.iterdir():
            if path.name != "MODEL_CARD.md":
                shutil.rmtree(path) if path.is_dir() else path.unlink()
    shutil.copytree(source, target, dirs_exist_ok=True)
    meta_path = target / "meta.json"
    meta = srsly.read_json(meta_path)
    meta.update(name=MODEL_NAME, version=datetime.date.today().isoformat(), description=DESCRIPTION, license=LICENSE)
    srsly.write_json(meta_path, meta)
    config = spacy.util.load_config(target / "config.cfg", interpolate=False)
    config["paths"].update(train=None, dev=None)  # where this machine kept the DocBins: not the model's
    config.to_disk(target / "config.cfg")
    labels = set(meta.get("labels", {}).get("tagger", []))
    strings_path = target / "vocab" / "strings.json"
    srsly.write_json(strings_path, [s for s in srsly.read_json(strings_path) if s in labels])


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    if args[:1] == ["ship"] and len(args) == 3:
        ship(Path(args[1]), Path(args[2]))
        return 0
    if args[:1] != ["convert"] or len(args) < 3 or len(args) % 2 == 0:
        print("usage: python -m pipeline.train.pos convert SOURCE_pos.txt TARGET.spacy [...] | ship MODEL_BEST TARGET",
              file=sys.stderr)
        return 2
    failed = False
    for source, target in zip(args[1::2], args[2::2]):
        tags, bad = convert(Path(source), Path(target))
        for error in bad:
            print(error, file=sys.stderr)
        failed = failed or bool(bad)
        print(f"{target}: {sum(tags.values()):,} words, {len(tags)} tags; {len(bad)} bad lines left out")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
