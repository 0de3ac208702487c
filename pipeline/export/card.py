"""The dataset card (``README.md``): the Hub's YAML header and a body written from the data.

The header is produced by the libraries' own writers (``huggingface_hub``'s
``DatasetCardData``, ``datasets``' ``DatasetInfosDict`` and ``MetadataConfigs``),
so ``load_dataset`` on the folder reads back exactly the declared features.  Every
figure in the body is counted from the Parquet files just written, read from the
models' cards, or, for the reviewers' agreement, read from ``agreement.json``
(``corpusprep doccano agreement``) when the corpus has one; nothing is typed in by hand.
"""

from __future__ import annotations

import json
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
from pipeline.export.features import CONFIGS, features_for
from pipeline.export.sources import MergePlan
from pipeline.export.splits import SPLIT_NAMES, SPLITS, Census, SplitRule, withheld
from pipeline.export.tagschemes import HUB_COLUMNS, HUB_NER_DATASETS, HUB_NER_TAGS, conversion_snippet, hub_tag
from pipeline.review.agreement import FeedbackRow, figure
from pipeline.review.merge import ADJUDICATED

MODELS = {"entities": MODELS_DIR / "ner", "words": MODELS_DIR / "pkuseg"}
MODEL_CARD = "MODEL_CARD.md"
DEFAULT_CONFIG = "ner"
NEWS_TERMS = (
    "The articles are newspaper text; the rights remain with their publishers. The dataset is offered "
    "for research on Chinese information extraction only; ask the publishers before any other use."
)
TRAINING_TERMS = (
    "The pre-labelling models were made from corpora released for research use only: the word segmenter "
    "from People's Daily, January 1998 (PKU Institute of Computational Linguistics and Fujitsu); the entity "
    "model from People's Daily 1998 with the MSRA, CLUENER and BosonNLP NER training data, tuned with a "
    "hand-annotated set of 2018 Sina news. The models and the pre-labels in this dataset inherit those terms: "
    "research use, with attribution; copyright rests with the newspapers and the releasers."
)
PD1998_BIBTEX = """@article{yu2002pku,
  title   = {The Basic Processing of Contemporary Chinese Corpus at Peking University SPECIFICATION},
  author  = {Yu, Shiwen and Duan, Huiming and Zhu, Xuefeng and Sun, Bin},
  journal = {Journal of Chinese Information Processing},
  volume  = {16},
  number  = {5},
  pages   = {51--66},
  year    = {2002}
}"""


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
    adjudicated: int = 0
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
        states = _column_values(documents, "review", "state")
        kinds = _column_values(quotes, "kind")
        facts[split] = SplitFacts(
            documents=len(reviewed),
            characters=sum(len(text) for text in _column_values(documents, "text")),
            sentences=len(_column_values(ner, "id")),
            quotes=len(kinds),
            reviewed=sum(reviewed),
            confirmed=states.count("confirmed"),
            adjudicated=states.count(ADJUDICATED),
            edited=sum(bool(value) for value in _column_values(documents, "review", "edited")),
            entities=Counter(schema.entity_labels[i] for i in _column_values(documents, "entities", "[]", "label")),
            quote_kinds=Counter(kind or "unspecified" for kind in kinds),
        )
    return facts


def model_identity(folder: Path) -> str:
    """A shipped model's name and version, as its ``meta.json`` gives them."""
    meta_path = folder / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
    name = str(meta.get("name") or folder.name)
    return f"`{name}` version {meta['version']}" if meta.get("version") else f"`{name}` (no version recorded)"


TABLE_CELLS = re.compile(r"^\s*\|(.*)\|\s*$")


def score_rows(card: Path, keep: Callable[[list[str]], bool]) -> str | None:
    """The first table of a model card's scores section, its header and the rows ``keep`` accepts.

    The section is the first heading that speaks of scores, figures or evaluation; the
    figures are quoted as the card gives them, never recomputed or rounded here.
    """
    if not card.is_file():
        return None
    lines = card.read_text(encoding="utf-8").splitlines()
    heading = re.compile(r"^#+\s+(.*)")
    wanted = re.compile(r"score|figure|eval|result|metric", re.IGNORECASE)
    start = next((i for i, line in enumerate(lines) if (m := heading.match(line)) and wanted.search(m.group(1))), None)
    if start is None:
        return None
    table: list[str] = []
    for line in lines[start + 1 :]:
        if heading.match(line):
            break
        if TABLE_CELLS.match(line):
            table.append(line.strip())
        elif table:
            break
    if len(table) < 3:
        return None
    rows = [row for row in table[2:] if keep([cell.strip() for cell in TABLE_CELLS.match(row).group(1).split("|")])]
    return "\n".join(table[:2] + rows) if rows else None


def prelabel_rows(cells: list[str]) -> bool:
    """Rows scoring what the dataset holds (the whole pre-labeller, not the model alone) on the development set.

    The card's small modern gold set is left out: its own card says the rules were written while reading it.
    """
    return len(cells) > 1 and cells[0].startswith("dev") and cells[1].startswith("prelabel")


def segmenter_scores(folder: Path) -> str | None:
    """The segmenter's development-set word precision/recall/F1, from its ``meta.json``."""
    meta_path = folder / "meta.json"
    dev = json.loads(meta_path.read_text(encoding="utf-8")).get("dev") if meta_path.is_file() else None
    if not dev or not all(key in dev for key in ("precision", "recall", "f1")):
        return None
    return f"word precision / recall / F1 {dev['precision']} / {dev['recall']} / {dev['f1']}"


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
        license_name="research-use-only",
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


def _rows(path: Path, columns: list[str], limit: int) -> list[dict]:
    """The first ``limit`` rows of a Parquet file (none if the split has no file)."""
    if not path.is_file():
        return []
    rows: list[dict] = []
    for batch in pq.ParquetFile(path).iter_batches(columns=columns, batch_size=min(limit, 1024)):
        rows.extend(batch.to_pylist())
        if len(rows) >= limit:
            break
    return rows[:limit]


def marked_sentence(tokens: list[str], tags: list[str]) -> str:
    """A sentence with its entities marked inline: ``[PERSON 吴天君]``."""
    out, open_label = [], None
    for token, tag in zip(tokens, tags):
        if open_label and not tag.startswith("I-"):
            out.append("]")
            open_label = None
        if tag.startswith("B-"):
            open_label = tag[2:]
            out.append(f"[{open_label} ")
        out.append(token)
    return "".join(out) + ("]" if open_label else "")


def entity_example(folder: Path, data_file: Callable[[str, str], str], max_length: int = 80) -> str | None:
    """The short sentence with the most kinds of entity among the first rows of the ``ner`` splits."""
    names = load_schema().bio_names()
    best, best_kinds = None, 0
    for split in SPLIT_NAMES:
        for row in _rows(folder / data_file("ner", split), ["tokens", "ner_tags"], 2_000):
            tags = [names[i] for i in row["ner_tags"]]
            kinds = len({tag[2:] for tag in tags if tag != "O"})
            if kinds > best_kinds and len(row["tokens"]) <= max_length:
                best, best_kinds = marked_sentence(row["tokens"], tags), kinds
    return best


def quote_example(folder: Path, data_file: Callable[[str, str], str], max_length: int = 120) -> str | None:
    """One short attribution with speaker, cue and content, a direct quote if there is one."""
    roles = ("speaker", "cue", "content")
    found = [
        row
        for split in SPLIT_NAMES
        for row in _rows(folder / data_file("quotes", split), ["context", "kind", *roles], 2_000)
        if all(row[role] for role in roles) and len(row["context"]) <= max_length
    ]
    if not found:
        return None
    row = min(found, key=lambda row: row["kind"] != "direct")
    return "\n".join([f"context: {row['context']}", *(f"{role.upper()}: {row[role]['text']}" for role in roles)])


def _split_rule_text(rule: SplitRule, census: Census, minimum: int, kept: dict[str, int]) -> str:
    """What the export did with unreviewed documents, in the card's words."""
    left_out = withheld(census, rule)
    if rule.reviewed_only:
        return (
            "This export holds only documents a person confirmed or edited (`corpusprep export --reviewed-only`); "
            f"{sum(left_out.values())} document(s) with machine labels only were left out."
        )
    if rule.reviewed_test:
        return (
            f"The test split holds reviewed documents only: at least {minimum} reviewed documents hash into it. "
            f"{left_out['test']} unreviewed document(s) that hash into test are withheld from every split until a "
            "person reviews them; they are never put in train, so no test document was ever a training document."
        )
    return (
        f"The test split still holds pre-labels: {census.reviewed['test']} reviewed document(s) hash into it, "
        f"fewer than the {minimum} at which it becomes reviewed-only. Score against "
        "`review.reviewed == True` rows only, or use an export made with `--reviewed-only`."
    )


def agreement_section(report: dict | None, adjudicated: int) -> str:
    """The card's "Review agreement" section from ``agreement.json``; empty when there is none."""
    if not report or not report.get("pairs"):
        return ""
    rows = []
    for pair in report["pairs"]:
        a, b = pair["reviewers"]
        rows += [
            [f"{a} / {b}", row["group"], row["label"], f"{row['spans_a']} / {row['spans_b']}",
             figure(row["exact_f1"]), figure(row["overlap_f1"]), figure(row["kappa"])]
            for row in pair["rows"]
        ]  # fmt: skip
    figures = _table(["reviewers", "group", "label", "spans", "exact F1", "overlap F1", "kappa"], rows)
    feedback = report.get("feedback") or []
    commonest = ""
    if feedback:
        commonest = "\nWhere they differed most:\n\n" + _table(
            ["disagreement", "layer", "times"],
            [[FeedbackRow(row["layer"], row["what"], tuple(row["labels"]), row["count"], []).title, row["layer"],
              row["count"]] for row in feedback[:8]],
        ) + "\n"  # fmt: skip
    pairs = report["pairs"]
    return f"""
## Review agreement

A sample of {report.get("documents_in_project", "?")} document(s) was annotated by {len(report.get("reviewers", []))}
reviewers ({", ".join(report.get("reviewers", []))}), each alone and from the bare text, without the
pre-labels; {max(pair["documents"] for pair in pairs)} of them were confirmed by two reviewers and compared
(measured {report.get("measured_at", "at an unrecorded time")}). Span F1 between two reviewers is exact (same
characters and label) or by overlap (same label, a character in common); kappa is Cohen's kappa on
character tags (per label: covered or not). Links are quote links (SPEAKER_OF, CUE_OF) and have no kappa.

{figures}
{commonest}
Where they differed, an adjudicator decided: {adjudicated} document(s) in this export have
`review.state == "adjudicated"` (`review.by` names the adjudicator).
"""


def _body(
    infos: dict[str, DatasetInfo],
    facts: dict[str, SplitFacts],
    plan: MergePlan,
    census: Census,
    rule: SplitRule,
    minimum: int,
    examples: tuple[str | None, str | None],
    agreement: dict | None = None,
) -> str:
    schema = load_schema()
    splits = list(SPLIT_NAMES)
    documents = sum(f.documents for f in facts.values())
    reviewed = sum(f.reviewed for f in facts.values())
    confirmed = sum(f.confirmed for f in facts.values())
    edited = sum(f.edited for f in facts.values())
    adjudicated = sum(f.adjudicated for f in facts.values())
    entities = sum((f.entities for f in facts.values()), Counter())
    shares = ", ".join(f"{name} {share}%" for name, share in SPLITS)
    left_out = withheld(census, rule)
    sizes = _table(
        ["split", "documents", "reviewed", "confirmed", "edited", "withheld", "sentences (`ner`)", "attributions"],
        [
            [s, facts[s].documents, facts[s].reviewed, facts[s].confirmed, facts[s].edited, left_out[s],
             facts[s].sentences, facts[s].quotes]
            for s in splits
        ],
    )  # fmt: skip
    labels = _table(
        ["label", "what it marks", "spans in this export"],
        [[label.name, label.description, entities[label.name]] for label in schema.entities]
        + [[label.name, label.description, "(quotes)"] for label in schema.quote_roles],
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
    review_notes = "".join(f"\n{note}\n" for note in notes)
    entity_scores = score_rows(MODELS["entities"] / MODEL_CARD, prelabel_rows)
    word_scores = segmenter_scores(MODELS["words"])
    entity_example_text, quote_example_text = examples
    example_block = "\n\n".join(
        f"```text\n{text}\n```" for text in (entity_example_text, quote_example_text) if text is not None
    )
    ner_features = features_for("ner", schema)
    ner_columns = ", ".join(f"`{name}`" for name in ner_features)
    our_tags = json.dumps(schema.bio_names(), ensure_ascii=False)
    hub_tags = json.dumps(list(HUB_NER_TAGS))
    hub_names = " and ".join(f"`{name}`" for name in HUB_NER_DATASETS)
    hub_columns = ", ".join(f"`{name}`" for name in HUB_COLUMNS)
    renamed = ", ".join(
        f"`{ours}` -> `{hub_tag(ours)}`" for ours in schema.bio_names() if hub_tag(ours) not in (ours, "O")
    )
    absent = [config for config, info in infos.items() if not info.splits]
    absent_note = (
        "\nNot in this export, for want of rows: " + ", ".join(f"`{config}`" for config in absent) + ".\n"
        if absent
        else ""
    )
    return f"""
# corpusprep Chinese news: entities and quote attribution

Chinese newspaper articles, cleaned from OCR scans, with entities ({", ".join(schema.entity_labels)}) and
quote attributions (who said what: {", ".join(schema.quote_role_labels)}). {documents} document(s);
**{reviewed} reviewed by a person** ({confirmed} confirmed, {edited} with corrections), the others
carry machine pre-labels only. Every row says which (`review`, below).

## Configurations
{absent_note}
- `ner` (default): one row per sentence. `tokens` are characters (one per Unicode code point)
  with BIO `ner_tags`; `words` are the pkuseg words of the sentence with `word_ner_tags`.
- `quotes`: one row per attribution with its `context` paragraph(s); span offsets are relative
  to the context.
- `documents`: one row per article: `text`, `headline`, `subheadline`, `byline`, `blocks`
  (the layout in reading order: `kind` headline, subheadline, byline, body (a paragraph),
  crosshead, pull_quote or attribution, with `start`, `end`, `text`), `meta` (publication,
  date, page, reporters, source file), `entities` (with a normalised `value`: ISO 8601 for
  DATE, a number for PERCENT) and `quotes`.

Every row has `review`, named as in the review tool's `reviewed.jsonl`: `state` (`confirmed`,
`unconfirmed`, `adjudicated` (two reviewers annotated it alone and an adjudicator settled their
differences), or `prelabeled` when no review applies), `by` (who confirmed or adjudicated), `edited`
(the spans differ from the pre-labels), `pulled_at`, and `reviewed` (confirmed, edited or adjudicated:
a person checked this document). Offsets are Python `str` indices (code points), end exclusive.

## Labels

{labels}

{example_block}

## How it was made

1. Scanned pages were read, cleaned (OCR artefacts, punctuation widths, columns, hard-wrapped
   lines) and laid out (headline, byline, paragraphs, page furniture to `meta`) by
   corpusprep version {pipeline.__version__}.
2. Words: pkuseg with the segmenter {model_identity(MODELS["words"])}.
3. Pre-labels: entities by the model {model_identity(MODELS["entities"])} followed by exact rules
   (dates and percents with their values, organisation lists, name fixes); quote attributions by
   rules (cue words, quotation marks, `——NAME` lines).
4. Review: people corrected and confirmed the pre-labels in doccano, following the project's
   annotation guidelines. A reviewed document replaces its pre-labels when a person confirmed it
   or changed its spans.

## Review and splits

Splits are by document: the SHA-256 of a document's id picks its split ({shares}), so every
sentence and quote of an article is in one split and adding articles never moves one.
{_split_rule_text(rule, census, minimum, left_out)}

{sizes}
{review_notes}{agreement_section(agreement, adjudicated)}
## Quality of the pre-labels

Unreviewed rows are only as good as the pre-labeller. From the entity model's card (exact spans,
F1 on its development sets: People's Daily 1998, days 16-20, where the model was tuned and some
rules were written; modern Sina news of 2018 and CLUENER, which nothing was tuned on). On other
papers and decades, expect figures nearer the modern ones than the 1998 ones.

{entity_scores or "Not given in the entity model's card."}

Segmenter, on the same development data: {word_scores or "not given in its meta.json"}. Quote
attributions have no published figure; `make eval-quotes` in corpusprep measures them.

## Combining with {hub_names}

Both declare {hub_columns}, with `ner_tags` a `ClassLabel` over `{hub_tags}`.
Our `ner` has {ner_columns}; its `ner_tags` names are `{our_tags}`. So the names differ ({renamed}),
DATE and PERCENT have no counterpart there (they become `O`), and we do not annotate places: a
place is `O` here and `LOC` there, so a model trained on both learns to miss places unless you
handle that. `datasets.concatenate_datasets` refuses the two as they are; this makes ours fit:

```python
{conversion_snippet(schema.bio_names())}
```

Then `concatenate_datasets([ner_hub["train"], peoples_daily["train"]])`. `peoples_daily_ner` is
People's Daily text, as is the corpus our pre-labelling models were trained on.

## Loading

```python
from datasets import load_dataset

ner = load_dataset("path/to/this/folder", "ner")
label_names = ner["train"].features["ner_tags"].feature.names
checked = ner["train"].filter(lambda row: row["review"]["reviewed"])  # reviewed by a person only
```

## Terms

- Articles: {NEWS_TERMS}
- Pre-labels: {TRAINING_TERMS}

The licence field is `other`: there is no open licence for this text; the terms above apply.

## Citation

```bibtex
@misc{{corpusprep_zh_news,
  title        = {{corpusprep Chinese news: entities and quote attribution}},
  author       = {{{{corpusprep contributors}}}},
  howpublished = {{Hugging Face dataset, exported by corpusprep {pipeline.__version__}}},
  note         = {{{documents} document(s), {reviewed} reviewed by a person}}
}}

{PD1998_BIBTEX}
```
"""


def write_card(
    folder: Path,
    infos: dict[str, DatasetInfo],
    plan: MergePlan,
    data_file,
    *,
    census: Census,
    rule: SplitRule,
    minimum: int,
    agreement: dict | None = None,
) -> Path:
    facts = count_facts(folder, data_file)
    examples = (entity_example(folder, data_file), quote_example(folder, data_file))
    body = _body(infos, facts, plan, census, rule, minimum, examples, agreement)
    card = DatasetCard("---\n" + _header(infos, facts, data_file).to_yaml() + "\n---\n" + body)
    path = folder / "README.md"
    card.save(path)
    return path
