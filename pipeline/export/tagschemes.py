"""Our ``ner`` tags against the Hub's Chinese NER datasets (``peoples_daily_ner``, ``msra_ner``).

Both declare ``id``, ``tokens`` (characters) and ``ner_tags``, a ``ClassLabel`` over
``HUB_NER_TAGS``.  Our tags name PERSON where they name PER, add DATE and PERCENT,
and have no LOC, so ``datasets.concatenate_datasets`` refuses the two until ours are
renamed and renumbered.  The conversion is given to users as code (the card prints
``conversion_snippet``), so it works with nothing but ``datasets`` installed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

HUB_NER_DATASETS = ("peoples_daily_ner", "msra_ner")
HUB_NER_TAGS = ("O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC")
HUB_COLUMNS = ("id", "tokens", "ner_tags")
# Our label -> theirs; a label missing here (DATE, PERCENT) has no counterpart and becomes O.
HUB_LABELS = {"PERSON": "PER", "ORG": "ORG", "LOC": "LOC"}


def hub_tag(tag: str) -> str:
    """One of our BIO tags as the Hub datasets name it (``B-PERSON`` -> ``B-PER``, ``B-DATE`` -> ``O``)."""
    if tag == "O":
        return "O"
    prefix, label = tag.split("-", 1)
    theirs = HUB_LABELS.get(label)
    return f"{prefix}-{theirs}" if theirs else "O"


def hub_tag_ids(names: Sequence[str]) -> list[int]:
    """For each of our tag ids (the index into ``names``), the Hub datasets' tag id."""
    return [HUB_NER_TAGS.index(hub_tag(name)) for name in names]


def conversion_snippet(names: Sequence[str]) -> str:
    """Python that turns a loaded ``ner`` dataset (variable ``ner``) into ``ner_hub`` with the Hub's features."""
    return f"""from datasets import ClassLabel, Features, Sequence, Value

HUB_TAGS = {json.dumps(list(HUB_NER_TAGS))}
TO_HUB = {json.dumps(hub_tag_ids(names))}  # ours, in order: {", ".join(names)}
hub_features = Features(
    {{"id": Value("string"), "tokens": Sequence(Value("string")), "ner_tags": Sequence(ClassLabel(names=HUB_TAGS))}}
)
ner_hub = ner.select_columns({json.dumps(list(HUB_COLUMNS))}).map(
    lambda row: {{"ner_tags": [TO_HUB[tag] for tag in row["ner_tags"]]}}, features=hub_features
)"""
