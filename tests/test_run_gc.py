"""With one worker the chain freezes the loaded models for the garbage collector, and unfreezes them when it ends."""

from __future__ import annotations

import gc
import shutil
from pathlib import Path

from pipeline.run import run_chain

SEED = Path(__file__).parent / "fixtures" / "seed_zzwb_20130428.txt"


def test_a_finished_chain_leaves_nothing_frozen(tmp_path: Path) -> None:
    articles = tmp_path / "articles"
    articles.mkdir()
    shutil.copy(SEED, articles / SEED.name)
    seen: list[int] = []
    gc.callbacks.append(lambda phase, info: seen.append(gc.get_freeze_count()) if phase == "start" else None)
    try:
        assert run_chain(articles, tmp_path / "out", segmenter="char", export=False) == 0
    finally:
        gc.callbacks.pop()
    assert gc.get_freeze_count() == 0
    assert (tmp_path / "out" / "prelabeled.jsonl").read_text(encoding="utf-8").count("\n") == 1
    assert max(seen, default=0) > 0  # collections during the run skipped the frozen models
