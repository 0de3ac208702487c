"""The dataset card (``README.md``): the Hub's YAML header and a body written from the data.

The header is produced by the libraries' own writers (``huggingface_hub``'s
``DatasetCardData``, ``datasets``' ``DatasetInfosDict`` and ``MetadataConfigs``),
so ``load_dataset`` on the folder reads back exactly the declared features.  Every
figure in the body is counted from the Parquet files just written or read from the
models' cards; nothing is typed in by hand.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq
from datasets import DatasetInfo
from datasets.info import DatasetInfosDict
from datasets.utils.metadata import MetadataConfigs
from huggingface_hub import DatasetCard, DatasetCardData

import pipeline
from pipeline.core.paths import MODELS_DIR
from pipeline.core.schema import load_schema
from pipeline.export.features import CONFIGS
from pipeline.export.sources import MergePlan
from pipeline.export.splits import SPLIT_NAMES, SPLITS

MODEL_CARDS = {
    "entity pre-labeller (spaCy NER + rules)": MODELS_DIR / "ner" / "MODEL_CARD.md",
    "word segmenter (pkuseg)": MODELS_DIR / "pkuseg" / "MODEL_CARD.md",
}
DEFAULT_CONFIG = "ner"
PD1998_TERMS = (
    "People's Daily, January 1998 (PKU Institute of Computational Linguistics and Fujitsu): "
    "released for research use, with attribution; copyright rests with People's Daily and the releasers. "
    "The pre-labelling models were trained on it and inherit these terms."
)
NEWS_TERMS = (
    "The articles are newspaper text; the rights remain with their publishers. The dataset is offered "
    "for research on Chinese information extraction; ask the publishers before any other use."
)


@dataclass
class SplitFacts:
    """What one split holds, counted from its Parquet files."""

    documents: int = 0
    characters: int = 0
    sentences: int = 0
    quotes: int = 0
    reviewed: int = 0
    confirmed: int = 0
    edited: int = 0
    entities: Counter = field(default_factory=Counter)
    quote_kinds: Counter = field(default_factory=Counter)


def _column_values(path: Path, column: str, *fields: str) -> list:
    """Values of a (possibly nested: ``[]`` for list items, then struct fields) column, batch by batch.

    A split with no file (no rows) has no values.
    """
    if not path.is_file():
        return []
    values: list = []
    for batch in pq.ParquetFile(path).iter_batches(columns=[column]):
        array = batch.column(0)
        for name in fields:
            array = pc.list_flatten(array) if name == "[]" else pc.struct_field(array, name)
        values.extend(array.to_pylist())
    return values


def count_facts(folder: Path, data_file: Callable[[str, str], str]) -> dict[str, SplitFacts]:
    """Per split: documents, characters, sentences, attributions, review state and label counts."""
    schema = load_schema()
    facts = {}
    for split in SPLIT_NAMES:
        documents, ner, quotes = (folder / data_file(config, split) for config in CONFIGS)
        reviewed = _column_values(documents, "review", "reviewed")
        kinds = _column_values(quotes, "kind")
        facts[split] = SplitFacts(
            documents=len(reviewed),
            characters=sum(len(text) for text in _column_values(documents, "text")),
            sentences=len(_column_values(ner, "id")),
            quotes=len(kinds),
            reviewed=sum(reviewed),
            confirmed=_column_values(documents, "review", "state").count("confirmed"),
            edited=sum(bool(value) for value in _column_values(documents, "review", "edited")),
            entities=Counter(schema.entity_labels[i] for i in _column_values(documents, "entities", "[]", "label")),
            quote_kinds=Counter(kind or "unspecified" for kind in kinds),
        )
    return facts


def measured_section(card: Path) -> str | None:
    """The evaluation part of a model card (a section on scores/evaluation, or its tables), if any."""
    if not card.is_file():
        return None
    lines = card.read_text(encoding="utf-8").splitlines()
    heading = re.compile(r"^(#+)\s+(.*)")
    wanted = re.compile(r"eval|score|result|figure|held|metric|perform|accura|f1", re.IGNORECASE)
    for i, line in enumerate(lines):
        match = heading.match(line)
        if match and wanted.search(match.group(2)):
            level = len(match.group(1))
            body = []
            for following in lines[i + 1 :]:
                other = heading.match(following)
                if other and len(other.group(1)) <= level:
                    break
                body.append(re.sub(r"^(#+)", r"\1##", following) if other else following)
            text = "\n".join(body).strip()
            if text:
                return text
    tables = [line for line in lines if line.lstrip().startswith("|")]
    if any(re.search(r"F1|precision|recall", line, re.IGNORECASE) for line in tables):
        return "\n".join(tables)
    return None


def _size_category(documents: int) -> str:
    for limit, name in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M")):
        if documents < limit:
            return name
    return "n>1M"


def _table(header: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _header(infos: dict[str, DatasetInfo], facts: dict[str, SplitFacts], data_file) -> DatasetCardData:
    total = sum(f.documents for f in facts.values())
    reviewed = sum(f.reviewed for f in facts.values())
    card_data = DatasetCardData(
        language=["zh"],
        license="other",
        license_name="newspaper-rights-and-pd1998-research-terms",
        pretty_name="corpusprep Chinese news: entities and quote attribution",
        task_categories=["token-classification"],
        task_ids=["named-entity-recognition"],
        annotations_creators=["machine-generated", "expert-generated"] if reviewed else ["machine-generated"],
        language_creators=["found"],
        multilinguality=["monolingual"],
        size_categories=[_size_category(total)],
        source_datasets=["original"],
        tags=["news", "quote-attribution", "chinese-word-segmentation"],
    )
    MetadataConfigs(
        {
            config: {
                "data_files": [{"split": split, "path": data_file(config, split)} for split in info.splits],
                **({"default": True} if config == DEFAULT_CONFIG else {}),
            }
            for config, info in infos.items()
            if info.splits
        }
    ).to_dataset_card_data(card_data)
    DatasetInfosDict({config: info for config, info in infos.items() if info.splits}).to_dataset_card_data(
        card_data
    )
    return card_data


def _body(infos: dict[str, DatasetInfo], facts: dict[str, SplitFacts], plan: MergePlan) -> str:
    schema = load_schema()
    splits = list(SPLIT_NAMES)
    total = SplitFacts()
    for f in facts.values():
        total.documents += f.documents
        total.reviewed += f.reviewed
        total.confirmed += f.confirmed
        total.entities += f.entities
    shares = ", ".join(f"{name} {share}%" for name, share in SPLITS)
    sizes = _table(
        ["split", "documents", "characters", "sentences (`ner`)", "attributions (`quotes`)"],
        [[s, facts[s].documents, facts[s].characters, facts[s].sentences, facts[s].quotes] for s in splits],
    )
    labels = _table(
        ["label", *splits, "total"],
        [[label, *(facts[s].entities[label] for s in splits), total.entities[label]] for label in schema.entity_labels],
    )
    kinds = sorted({kind for f in facts.values() for kind in f.quote_kinds})
    quote_table = (
        _table(["kind", *splits], [[kind, *(facts[s].quote_kinds[kind] for s in splits)] for kind in kinds])
        if kinds
        else "No attributions in this export."
    )
    review = _table(
        ["split", "pre-labelled only", "reviewed", "of which confirmed", "of which edited"],
        [
            [s, facts[s].documents - facts[s].reviewed, facts[s].reviewed, facts[s].confirmed, facts[s].edited]
            for s in splits
        ],
    )
    notes = []
    if plan.stale:
        notes.append(
            f"{len(plan.stale)} review(s) were made on an older text of their document and were left out "
            "(the pre-labels are used for those documents until they are reviewed again)."
        )
    if plan.untouched:
        notes.append(
            f"{plan.untouched} document(s) are in doccano but nobody has confirmed or edited them yet; "
            "their current pre-labels are used."
        )
    stale = "".join(f"\n{note}\n" for note in notes)
    figures = []
    for name, path in MODEL_CARDS.items():
        section = measured_section(path)
        figures.append(f"### {name}\n\n" + (section if section else "Not measured (no model card with figures)."))
    bio = ", ".join(f"`{name}`" for name in schema.bio_names())
    absent = [config for config, info in infos.items() if not info.splits]
    absent_note = (
        "\nNot in this export, for want of rows: " + ", ".join(f"`{config}`" for config in absent) + ".\n"
        if absent
        else ""
    )
    return f"""
# corpusprep Chinese news: entities and quote attribution

Chinese newspaper articles, cleaned from scans and annotated with entities
({", ".join(schema.entity_labels)}) and quote attributions (who said what:
{", ".join(schema.quote_role_labels)}). Entities and quotes were pre-labelled by the
corpusprep pipeline (version {pipeline.__version__}); documents marked `reviewed`
were then corrected or confirmed by people in doccano, and their annotations replace
the pre-labels.

## Configurations

- `documents`: one row per article: `text`, `meta` (publication, date, page,
  reporters, source file), `entities` (`start`, `end`, `label`, `text`, normalised
  `value`: ISO 8601 for DATE, a number for PERCENT), `quotes` (`speaker`,
  `speaker_name`, `cue`, `content` spans and `kind`) and `review` (`status`
  pre-labelled or reviewed, `confirmed`, `edited`, `reviewers`).
- `ner` (default): one row per sentence. `tokens` are characters (one per Unicode
  code point, also outside the Basic Multilingual Plane) with `ner_tags` in BIO
  ({bio}), as in peoples_daily_ner and msra_ner; `words` are the pkuseg word
  segmentation of the same sentence with `word_ner_tags`. `start`/`end` locate the
  sentence in the document's text.
- `quotes`: one row per attribution with its `context` (the paragraph or
  paragraphs it spans); all span offsets are relative to the context, whose own
  offset in the document is `context_start`. `roles` lists the spans with their
  role labels for span-labelling models.

{absent_note}
All offsets are Python `str` indices (Unicode code points), end exclusive.

```python
from datasets import load_dataset

ner = load_dataset("path/to/this/folder", "ner")
label_names = ner["train"].features["ner_tags"].feature.names
```

## Splits

By document: the SHA-256 of a document's id picks its split ({shares}), so every
sentence and quote of an article is in one split, and adding articles never moves
an existing one.

{sizes}

## Entity labels per split

{labels}

## Attributions per split

{quote_table}

## Review

{review}
{stale}
## Pre-labelling figures, measured on held-out data

{(chr(10) * 2).join(figures)}

## Sources and terms

- Articles: {NEWS_TERMS}
- Pre-labelling models: {PD1998_TERMS}

Licence field `other`: there is no open licence for this text; the terms above
apply. Cite the corpusprep pipeline (version {pipeline.__version__}) and the
PKU/Fujitsu People's Daily 1998 corpus when you use the annotations.
"""


def write_card(folder: Path, infos: dict[str, DatasetInfo], plan: MergePlan, data_file) -> Path:
    facts = count_facts(folder, data_file)
    card = DatasetCard("---\n" + _header(infos, facts, data_file).to_yaml() + "\n---\n" + _body(infos, facts, plan))
    path = folder / "README.md"
    card.save(path)
    return path
