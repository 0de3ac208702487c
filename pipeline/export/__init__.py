"""Export the corpus as a Hugging Face dataset: Parquet per configuration and a dataset card.

Configurations: ``documents`` (one row per article, with its layout), ``ner`` (one row
per sentence, character and word BIO tags) and ``quotes`` (one row per attribution
with its context); every row carries its document's review.  Reviewed records
replace pre-labelled ones; ``reviewed_only`` exports those alone.
"""

from pipeline.export.build import export_dataset
from pipeline.export.features import CONFIGS, features_for
from pipeline.export.splits import SPLIT_NAMES, split_of

__all__ = ["CONFIGS", "SPLIT_NAMES", "export_dataset", "features_for", "split_of"]
