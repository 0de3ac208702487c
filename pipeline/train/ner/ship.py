"""Copy a trained ``model-best`` into the package, keeping only what inference needs.

``spacy train`` saves no optimizer state in model-best, but its string store holds
every character bigram seen in training (features are hashed, the strings are never
read back), which would double the shipped size.  The training-only word cuts are
unset in the shipped config, so the folder loads on a machine without them, and the
pretraining settings (whose reader and objective live in training code) are dropped.
"""

from __future__ import annotations

import datetime
import shutil
import sys
from pathlib import Path

import spacy
import srsly


def ship(source: Path, target: Path) -> None:
    if target.exists():
        for name in ("config.cfg", "meta.json", "tokenizer", "tok2vec", "ner", "tagger", "vocab"):
            path = target / name
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()
    shutil.copytree(source, target, dirs_exist_ok=True)
    meta_path = target / "meta.json"
    meta = srsly.read_json(meta_path)
    meta.update(
        name="corpusprep_ner_zh",
        version=datetime.date.today().isoformat(),  # the day it was shipped: the dataset card names it
        description="Character-token NER (PERSON, ORG, DATE, PERCENT): a per-character BILUO tagger trained on "
        "People's Daily 1998-01 days 1-15 and, unless NER_EXTERNAL was emptied, MSRA NER, CLUENER2020 and "
        "BosonNLP; see MODEL_CARD.md.",
        license="research use only: the People's Daily 1998 corpus terms (PKU ICL / Fujitsu, with attribution); "
        "MSRA NER, CLUENER2020 and BosonNLP carry no licence for the data and are used for research",
    )
    srsly.write_json(meta_path, meta)
    config = spacy.util.load_config(target / "config.cfg", interpolate=False)
    for component in config["components"].values():
        if "cuts_path" in component:
            component["cuts_path"] = None  # training-only: the jackknifed cuts of the training text
    if "cuts" in config.get("paths", {}):
        config["paths"]["cuts"] = None
    config["pretraining"] = {}  # training-only: pipeline/train/ner/pretrain.py registers what it names
    config.get("corpora", {}).pop("pretrain", None)
    config.to_disk(target / "config.cfg")
    strings_path = target / "vocab" / "strings.json"
    strings = srsly.read_json(strings_path)
    srsly.write_json(strings_path, [s for s in strings if len(s) != 2 or s.isascii()])


if __name__ == "__main__":
    ship(Path(sys.argv[1]), Path(sys.argv[2]))
