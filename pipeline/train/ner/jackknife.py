"""Jackknifed word cuts of the NER training text, for the ``word_features`` component.

The shipped pkuseg model was trained on the same paragraphs as the NER model and
cuts them almost perfectly (word F1 ~0.997), while on new text it errs (~0.955),
most often on exactly the names the NER must find.  A model trained on perfect cuts
would trust them too much.  So the training text is split in two halves by issue
day; each half is cut by a pkuseg model trained on the other half only, and those
cuts (``cuts.jsonl``: ``{"text", "words"}``, text width-folded as the NER reads it)
are what the NER trains on.

``python -m pipeline.train.ner.jackknife TRAIN.jsonl TRAIN_SEG.txt DEV_SEG.txt WORK_DIR [CUT.jsonl]``
trains the two half models on TRAIN and cuts CUT.jsonl (default TRAIN.jsonl: the NER may
train on the articles of TRAIN and their renamed copies, whose ids keep their issue day).
"""

from __future__ import annotations

import sys
from pathlib import Path

from pipeline.core.jsonl import atomic_writer, dump_line, iter_json_lines
from pipeline.core.text import fold_width
from pipeline.stages.entities.features import segment_word_spans

HALVES = ("a", "b")
ITERATIONS = 5


def half_of(record_id: str) -> str:
    """Which half a pd1998 paragraph is in: issue days 1-7 or 8 onwards (id ``19980101-01-001-004``)."""
    return HALVES[int(record_id[6:8]) > 7]


def split_segmented(train_jsonl: Path, train_seg: Path, work_dir: Path) -> dict[str, Path]:
    """Write each half's segmented lines (line i of TRAIN_SEG is record i of TRAIN.jsonl)."""
    work_dir.mkdir(parents=True, exist_ok=True)
    paths = {half: work_dir / f"train_seg_{half}.txt" for half in HALVES}
    files = {half: path.open("w", encoding="utf-8") for half, path in paths.items()}
    try:
        with train_seg.open(encoding="utf-8") as lines:
            for number, ((_, record), line) in enumerate(zip(iter_json_lines(train_jsonl), lines, strict=True), 1):
                if "".join(line.split()) != "".join(str(record["text"]).split()):
                    raise ValueError(
                        f"{train_seg}:{number}: not the text of record {number} of {train_jsonl} "
                        "(line i of the segmented file must be record i)"
                    )
                files[half_of(str(record["id"]))].write(line.rstrip("\r\n") + "\n")
    finally:
        for file in files.values():
            file.close()
    return paths


def write_cuts(train_jsonl: Path, models: dict[str, Path], target: Path) -> int:
    """Cut each record's folded text with the model of the other half; returns the records written."""
    from pipeline.segmenter.model import load_segmenter

    other = {"a": "b", "b": "a"}
    written = 0
    with atomic_writer(target) as writer:
        for half in HALVES:
            segmenter = load_segmenter(str(models[other[half]]))
            texts = [fold_width(r["text"]) for _, r in iter_json_lines(train_jsonl) if half_of(str(r["id"])) == half]
            for text, words in zip(texts, segment_word_spans(texts, segmenter)):
                writer.write(dump_line({"text": text, "words": words}))
                written += 1
    return written


def main(argv: list[str] | None = None) -> None:
    from pipeline.train.segmenter import train_model

    args = argv if argv is not None else sys.argv[1:]
    if len(args) not in (4, 5):
        raise SystemExit(
            "usage: python -m pipeline.train.ner.jackknife TRAIN.jsonl TRAIN_SEG.txt DEV_SEG.txt WORK_DIR [CUT.jsonl]"
        )
    train_jsonl, train_seg, dev_seg, work_dir = map(Path, args[:4])
    to_cut = Path(args[4]) if len(args) == 5 else train_jsonl
    models = {}
    for half, path in split_segmented(train_jsonl, train_seg, work_dir).items():
        models[half] = work_dir / f"pkuseg_{half}"
        evaluation = train_model(path, dev_seg, models[half], iterations=ITERATIONS)
        print(f"pkuseg on half {half}: dev F1 {evaluation.score.f1:.4f}")
    print(f"{write_cuts(to_cut, models, work_dir / 'cuts.jsonl')} cut texts -> {work_dir / 'cuts.jsonl'}")


if __name__ == "__main__":
    main()
