"""The benchmark workload: pd1998 articles typeset as raw OCR scans, one file per article.

Articles are written one by one as they are laid out, so building a tenfold
workload needs no more memory than building one.  ``scale`` repeats the corpus
with different layouts (seeds, column counts and widths), which keeps the text
real while the size grows.  Every tenth article is also linked into ``sample/``,
a representative tenth used to show that peak memory does not grow with size.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

from pipeline.eval import synthetic

PUBLICATION = "人民日报"
SPLITS = ("train.jsonl", "dev.jsonl")
SAMPLE_EVERY = 10
DESCRIPTION = "workload.json"
REPORTER = re.compile(r"记者\s*([\u4e00-\u9fff]{2,3}?)(?=摄|[、，,）)\s]|$)")


@dataclass
class Workload:
    """Where the scans are and how much text they hold (raw characters, as ingest reads them)."""

    folder: str
    sample_folder: str
    scale: int
    articles: int
    characters: int
    sample_articles: int
    sample_characters: int
    fingerprint: str

    @property
    def scans(self) -> Path:
        return Path(self.folder)

    @property
    def sample(self) -> Path:
        return Path(self.sample_folder)


def reporters_of(paragraphs: list[str]) -> list[str]:
    """Names after ``记者`` in the article's own text (e.g. ``本报记者张三``), for the byline."""
    return [match.group(1) for text in paragraphs for match in REPORTER.finditer(text)][:2]


def _layout(article_id: str, paragraphs: list[str], reporters: list[str], rep: int, number: int) -> str:
    seed = int(hashlib.sha256(f"{article_id}/{rep}".encode()).hexdigest()[:8], 16)
    date = datetime.date(int(article_id[:4]), int(article_id[4:6]), int(article_id[6:8]))
    page = f"第{int(article_id.split('-')[1])}版"
    headline, body = (paragraphs[0], paragraphs[1:]) if len(paragraphs) > 1 else (paragraphs[0][:16], paragraphs)
    return synthetic.lay_out_article(
        body,
        headline=headline,
        publication=PUBLICATION,
        date=date,
        page=page,
        reporters=reporters,
        column_width=13 + seed % 4,
        columns=1 + (number + rep) % 3,
        seed=seed,
    )


def workload_fingerprint(data_dir: Path, scale: int) -> str:
    digest = hashlib.sha256(f"scale={scale};every={SAMPLE_EVERY}".encode())
    for name in SPLITS:
        status = (data_dir / name).stat()
        digest.update(f"{name}:{status.st_size}:{status.st_mtime_ns}".encode())
    digest.update(Path(synthetic.__file__).read_bytes())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()


def build_workload(data_dir: Path, build_dir: Path, scale: int = 1) -> Workload:
    """Typeset the pd1998 articles ``scale`` times into ``build_dir/scans`` (reused when unchanged)."""
    fingerprint = workload_fingerprint(data_dir, scale)
    description = build_dir / DESCRIPTION
    if description.exists():
        known = json.loads(description.read_text(encoding="utf-8"))
        if known.get("fingerprint") == fingerprint:
            return Workload(**known)
    scans, sample = build_dir / "scans", build_dir / "sample"
    for folder in (scans, sample):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    articles = characters = sample_articles = sample_characters = 0
    for rep in range(scale):
        for name in SPLITS:
            for article_id, paragraphs in synthetic.articles_from_pd1998(data_dir / name):
                text = _layout(article_id, paragraphs, reporters_of(paragraphs), rep, articles)
                path = scans / f"{article_id}-{rep:02d}.txt"
                path.write_text(text, encoding="utf-8")
                if articles % SAMPLE_EVERY == 0:
                    os.link(path, sample / path.name)
                    sample_articles += 1
                    sample_characters += len(text)
                articles += 1
                characters += len(text)
    workload = Workload(
        folder=str(scans),
        sample_folder=str(sample),
        scale=scale,
        articles=articles,
        characters=characters,
        sample_articles=sample_articles,
        sample_characters=sample_characters,
        fingerprint=fingerprint,
    )
    description.write_text(json.dumps(asdict(workload), indent=2) + "\n", encoding="utf-8")
    return workload
