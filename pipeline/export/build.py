"""Write the dataset folder: Parquet per configuration and split, plus the dataset card.

Rows are streamed with ``Dataset.from_generator`` (Arrow on disk, memory-mapped),
so memory does not grow with the corpus.  The folder is built beside the target
and swapped in at the end in one step (on Linux, ``renameat2`` exchanges the two
folders), so an export killed at any point leaves the previous dataset in place.
A corpus without documents is refused rather than exported as an empty dataset.
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

from datasets import Dataset, DatasetInfo, SplitDict, SplitInfo
from datasets.utils.logging import disable_progress_bar, enable_progress_bar, is_progress_bar_enabled

from pipeline.core.jsonl import current_umask
from pipeline.core.schema import load_schema
from pipeline.export.card import write_card
from pipeline.export.features import CONFIGS, features_for
from pipeline.export.rows import ROW_BUILDERS
from pipeline.export.sources import MergePlan, merged_documents, plan_merge
from pipeline.export.splits import (
    REVIEWED_TEST_MINIMUM,
    SPLIT_NAMES,
    Census,
    SplitRule,
    placement,
    split_of,
    split_rule,
    take_census,
)
from pipeline.review.agreement import AGREEMENT_FILE
from pipeline.review.merge import is_reviewed


class ExportError(ValueError):
    """The corpus cannot be exported; the message says why and what to do."""


def data_file(config: str, split: str) -> str:
    """Path of a split's Parquet file inside the dataset folder (the Hub's naming)."""
    return f"{config}/{split}-00000-of-00001.parquet"


def generate_rows(config: str, split: str, plan: dict[str, Any], rule: dict[str, bool]) -> Iterator[dict[str, Any]]:
    """Rows of one configuration for the documents the rule places in ``split``."""
    schema = load_schema()
    build = ROW_BUILDERS[config]
    split_rule = SplitRule(**rule)
    for doc in merged_documents(MergePlan(**plan), keep_id=lambda doc_id: split_of(doc_id) == split):
        if placement(doc.id, is_reviewed(doc.review), split_rule) == split:
            yield from build(doc, schema)


def census_of(plan: MergePlan) -> Census:
    """Documents and reviewed documents per hash split: one pass, so the rule is known before rows are written."""
    return take_census((doc.id, is_reviewed(doc.review)) for doc in merged_documents(plan))


def write_config(config: str, plan: MergePlan, rule: SplitRule, folder: Path, cache_dir: str) -> DatasetInfo:
    """Stream each split of one configuration into Arrow, then into one Parquet file.

    Empty splits get no file and no entry: ``load_dataset`` cannot load an empty Parquet split.
    """
    features = features_for(config, load_schema())
    splits = SplitDict()
    for split in SPLIT_NAMES:
        gen_kwargs = {"config": config, "split": split, "plan": asdict(plan), "rule": asdict(rule)}
        if next(generate_rows(**gen_kwargs), None) is None:
            continue
        dataset = Dataset.from_generator(
            generate_rows, features=features, cache_dir=cache_dir, gen_kwargs=gen_kwargs, split=split
        )
        dataset.to_parquet(str(folder / data_file(config, split)))
        splits.add(SplitInfo(name=split, num_bytes=dataset.data.nbytes, num_examples=len(dataset)))
    return DatasetInfo(features=features, splits=splits, config_name=config)


AT_FDCWD, RENAME_EXCHANGE = -100, 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2``); False where the system or file system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    if renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _discard(folder: Path) -> None:
    """Remove a dataset folder that has been swapped out."""
    shutil.rmtree(folder)


def _restore_orphan(target: Path) -> None:
    """Put back a dataset that an export killed between its two renames left aside (see ``_swap_in``)."""
    if target.exists():
        return
    orphans = sorted(target.parent.glob(f".{target.name}.old-*/{target.name}"))
    if orphans:
        orphans[-1].rename(target)


def _swap_in(built: Path, target: Path) -> None:
    if not target.exists():
        built.rename(target)
    elif _exchange(built, target):
        _discard(built)  # now holds the previous dataset
    else:  # two renames: a kill between them leaves the previous dataset aside, put back by the next export
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
        target.rename(old / target.name)
        built.rename(target)
        _discard(old)


def read_agreement(path: Path) -> dict[str, Any] | None:
    """The reviewers' agreement report beside the corpus (``corpusprep doccano agreement``), if there is one."""
    if not path.is_file():
        return None
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as error:
        raise ExportError(
            f"{path}: not valid JSON ({error}): write it again with `corpusprep doccano agreement`, or delete it"
        ) from error
    if not isinstance(report, dict) or not isinstance(report.get("pairs"), list):
        raise ExportError(f"{path}: not an agreement report (no pairs): write it again with `corpusprep doccano agreement`")
    return report


def export_dataset(
    corpus_dir: Path,
    dataset_dir: Path,
    *,
    reviewed_only: bool = False,
    reviewed_test_minimum: int = REVIEWED_TEST_MINIMUM,
) -> Path:
    """Export ``corpus_dir``'s pre-labelled (and reviewed) records as a Hugging Face dataset folder.

    ``reviewed_only`` keeps only documents a person confirmed or edited; the test split
    keeps only those anyway once ``reviewed_test_minimum`` reviewed documents hash into it
    (``pipeline.export.splits``).
    """
    corpus_dir, dataset_dir = Path(corpus_dir), Path(dataset_dir)
    plan = plan_merge(corpus_dir)
    _restore_orphan(dataset_dir)
    census = census_of(plan)
    if not sum(census.documents.values()):
        raise ExportError(
            f"export: {plan.prelabeled} holds no documents (nor does any reviewed.jsonl): nothing to export; "
            f"{dataset_dir} left as it was. Run `corpusprep run` (or check --corpus) first"
        )
    if reviewed_only and not sum(census.reviewed.values()):
        raise ExportError(
            f"export --reviewed-only: none of the {sum(census.documents.values())} documents has been confirmed or "
            f"edited by a reviewer; {dataset_dir} left as it was. Review in doccano and "
            "`corpusprep doccano pull` first (see README, Reviewing in doccano)"
        )
    rule = split_rule(census, reviewed_only=reviewed_only, minimum=reviewed_test_minimum)
    agreement = read_agreement(corpus_dir / AGREEMENT_FILE)
    dataset_dir.parent.mkdir(parents=True, exist_ok=True)
    built = Path(tempfile.mkdtemp(prefix=f".{dataset_dir.name}.new-", dir=dataset_dir.parent))
    built.chmod(0o777 & ~current_umask())  # mkdtemp makes 0700; the dataset is an ordinary folder
    bars = is_progress_bar_enabled()
    disable_progress_bar()
    try:
        with tempfile.TemporaryDirectory(prefix="corpusprep-export-") as cache_dir:
            infos = {config: write_config(config, plan, rule, built, cache_dir) for config in CONFIGS}
        write_card(built, infos, plan, data_file, census=census, rule=rule, minimum=reviewed_test_minimum,
                   agreement=agreement)  # fmt: skip
        _swap_in(built, dataset_dir)
    except BaseException:
        shutil.rmtree(built, ignore_errors=True)
        raise
    finally:
        if bars:
            enable_progress_bar()
    return dataset_dir
