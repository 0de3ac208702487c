"""Build the quote development set: articles chosen blind, attributions marked by hand, frozen.

Half the articles are People's Daily articles of the development days (16-20 January
1998), rebuilt from ``dev.jsonl`` by joining an article's paragraphs with newlines; half are
Sina news articles of 2018 from ``modern_news.jsonl``, five from each channel.  Neither
half repeats an article of the old quote gold or of the modern entity set.  An article is
eligible when its length is annotatable and it holds at least ``MIN_CUE_WORDS`` common
reporting words (说, 表示, 认为, 指出, 称, “), counted on the raw text before any system
output exists, so that the set has enough attributions to measure.

Annotators mark attributions inline in a copy of the text, so no offsets are counted by
hand (:func:`parse_marked`):

* ``<S1>马懿</S1>`` the speaker, ``<C1>指出</C1>`` the cue, ``<Q1 indirect 马懿>…</Q1>`` the
  content with its kind (direct, indirect, mixed) and ``speaker_name``; the number links
  the three parts of one attribution.  A direct quote without a cue has only its ``Q``.
* ``<T>中原梦</T>`` a slogan or term in “ ”, which is not speech.

The texts are research-use data, so the gold is kept as stand-off annotation (ids, a hash
of each text, spans); ``materialise`` joins it with the data files when it is scored.

``python -m pipeline.eval.quote_gold select PD1998_DEV.jsonl MODERN.jsonl OUT.jsonl``
writes the chosen articles; ``... more PD1998_DEV.jsonl MODERN.jsonl OUT.jsonl CHOSEN.jsonl``
draws 12 more that are not in CHOSEN; ``... check ARTICLES MARKED`` parses a marked file and says what it holds; ``... agree MARKED_A MARKED_B ARTICLES`` prints the
annotators' agreement with the scorer's own matching and the attributions that divide
them; ``... gold ARTICLES MARKED... OUT`` writes the stand-off gold;
``... materialise GOLD PD1998_DEV.jsonl MODERN.jsonl OUT`` writes it with its texts.
"""

from __future__ import annotations

import json
import random
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from pipeline.core.jsonl import iter_json_lines
from pipeline.eval.modern_gold import MarkedTextError, annotated_text, check_restored, read_marks, text_hash
from pipeline.eval.quotes import matches

SEED = 20261207
PD1998_ARTICLES = 30
MODERN_PER_CHANNEL = 5
MORE_CHANNELS = 6
MIN_CHARS, MAX_CHARS = 250, 1400
MIN_CUE_WORDS = 4
CUE_WORDS_RE = re.compile(r"说|表示|认为|指出|称|“")
REPO = Path(__file__).resolve().parents[2]
EXCLUDED_GOLD = (
    REPO / "annotation_schema" / "gold" / "quotes_gold.jsonl",
    REPO / "annotation_schema" / "gold" / "ner_modern_dev.jsonl",
)

_TAG_RE = re.compile(r"<(?P<close>/?)(?P<kind>[SCQT])(?P<number>\d*)(?:\s+(?P<quote_kind>direct|indirect|mixed)\s+(?P<name>[^\s<>]+))?>")


def pd1998_articles(paragraphs: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Articles rebuilt from pd1998 paragraphs (id DATE-PAGE-ARTICLE-PARAGRAPH), paragraphs joined by newlines."""
    grouped: dict[str, list[str]] = defaultdict(list)
    for paragraph in paragraphs:
        grouped["-".join(paragraph["id"].split("-")[:3])].append(paragraph["text"])
    for article_id, texts in grouped.items():
        day = article_id[:8]
        yield {
            "id": f"pd1998-{article_id}",
            "text": "\n".join(texts),
            "meta": {"date": f"{day[:4]}-{day[4:6]}-{day[6:]}", "source": "People's Daily 1998-01 (pd1998 dev)"},
        }


def modern_articles(records: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for record in records:
        yield {"id": record["id"], "text": record["text"], "meta": {"category": record["category"], "source": record["source"]}}


def eligible(article: dict[str, Any], excluded: set[str]) -> bool:
    text = article["text"]
    return (
        article["id"] not in excluded
        and MIN_CHARS <= len(text) <= MAX_CHARS
        and len(CUE_WORDS_RE.findall(text)) >= MIN_CUE_WORDS
    )


def select_articles(
    pd1998: Iterable[dict[str, Any]],
    modern: Iterable[dict[str, Any]],
    excluded: set[str],
    seed: int = SEED,
    old_count: int = PD1998_ARTICLES,
    per_channel: int = MODERN_PER_CHANNEL,
) -> list[dict[str, Any]]:
    """Seeded draw: ``old_count`` pd1998 dev articles, ``per_channel`` per modern channel, interleaved."""
    draw = random.Random(seed)
    old = sorted((a for a in pd1998 if eligible(a, excluded)), key=lambda a: a["id"])
    chosen_old = draw.sample(old, old_count)
    by_channel: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for article in modern:
        if eligible(article, excluded):
            by_channel[article["meta"]["category"]].append(article)
    chosen_new = [a for channel in sorted(by_channel) for a in draw.sample(sorted(by_channel[channel], key=lambda a: a["id"]), per_channel)]
    draw.shuffle(chosen_new)
    # interleaved, so that the first 20 (annotated twice) hold both halves equally
    return [article for pair in zip(chosen_old, chosen_new) for article in pair]


def parse_marked(marked: str, text: str) -> dict[str, list[dict[str, Any]]]:
    """Attributions and slogans of a marked text, as gold records over ``text`` (which the tags must leave intact)."""
    plain: list[str] = []
    length, position = 0, 0
    open_tags: dict[tuple[str, str], int] = {}
    parts: dict[str, dict[str, Any]] = defaultdict(dict)
    slogans: list[dict[str, Any]] = []
    for match in _TAG_RE.finditer(marked):
        before = marked[position : match.start()]
        plain.append(before)
        length += len(before)
        position = match.end()
        key = (match["kind"], match["number"])
        if match["kind"] == "T" and match["number"]:
            raise MarkedTextError(f"{match.group()!r}: slogans have no number")
        if match["kind"] != "T" and not match["number"]:
            raise MarkedTextError(f"{match.group()!r}: speaker, cue and content tags need the attribution's number")
        if not match["close"]:
            if key in open_tags:
                raise MarkedTextError(f"{match.group()!r} opened twice")
            if match["kind"] == "Q" and not match["quote_kind"]:
                raise MarkedTextError(f"{match.group()!r}: a content tag says its kind and speaker, <Q1 indirect 马懿>")
            if match["kind"] == "Q":
                parts[match["number"]]["kind"] = match["quote_kind"]
                parts[match["number"]]["speaker_name"] = match["name"]
            open_tags[key] = length
            continue
        if key not in open_tags:
            raise MarkedTextError(f"{match.group()!r} closes a tag that is not open")
        start = open_tags.pop(key)
        span = {"start": start, "end": length}
        if match["kind"] == "T":
            slogans.append(span)
        else:
            role = {"S": "speaker", "C": "cue", "Q": "content"}[match["kind"]]
            if role in parts[match["number"]]:
                raise MarkedTextError(f"attribution {match['number']} has two {role} spans")
            parts[match["number"]][role] = span
    plain.append(marked[position:])
    if open_tags:
        raise MarkedTextError(f"tags left open: {', '.join(kind + number for kind, number in open_tags)}")
    check_restored("".join(plain), text)
    quotes = []
    for number, part in sorted(parts.items(), key=lambda item: int(item[0])):
        if "content" not in part:
            raise MarkedTextError(f"attribution {number} has no content (<Q{number} …>)")
        quotes.append(
            {
                "speaker": _with_text(part.get("speaker"), text),
                "speaker_name": part["speaker_name"],
                "cue": _with_text(part.get("cue"), text),
                "content": _with_text(part["content"], text),
                "kind": part["kind"],
            }
        )
    return {"quotes": quotes, "slogans": [_with_text(s, text) for s in slogans]}


def _with_text(span: dict[str, int] | None, text: str) -> dict[str, Any] | None:
    return None if span is None else {**span, "text": text[span["start"] : span["end"]]}


def read_marked(path: Path, articles: dict[str, dict[str, Any]]) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Gold layers per article id from a file of ``{"id", "marked"}`` lines; every error names its line."""
    return read_marks(path, articles, parse_marked)


def paired(first: list[dict[str, Any]], second: list[dict[str, Any]]) -> tuple[list[tuple[dict, dict]], list[dict], list[dict]]:
    """Pairs the scorer would match (``second`` taken as predictions of ``first``), and what is left on each side."""
    left = list(second)
    pairs, alone = [], []
    for quote in first:
        partner = next((other for other in left if matches(quote, other)), None)
        if partner is None:
            alone.append(quote)
        else:
            left.remove(partner)
            pairs.append((quote, partner))
    return pairs, alone, left


def agreement(first: dict[str, dict], second: dict[str, dict]) -> dict[str, float]:
    """Attribution F1 of one annotator against the other (the scorer's matching), with span agreement of matched pairs."""
    count = defaultdict(int)
    for doc_id in sorted(set(first) & set(second)):
        pairs, _, _ = paired(first[doc_id]["quotes"], second[doc_id]["quotes"])
        count["first"] += len(first[doc_id]["quotes"])
        count["second"] += len(second[doc_id]["quotes"])
        count["matched"] += len(pairs)
        for a, b in pairs:
            count["same_content"] += (a["content"]["start"], a["content"]["end"]) == (b["content"]["start"], b["content"]["end"])
            count["same_cue"] += _bounds(a["cue"]) == _bounds(b["cue"])
            count["same_kind"] += a["kind"] == b["kind"]
        slogans_a = {_bounds(s) for s in first[doc_id]["slogans"]}
        slogans_b = {_bounds(s) for s in second[doc_id]["slogans"]}
        count["slogans_first"] += len(slogans_a)
        count["slogans_second"] += len(slogans_b)
        count["slogans_both"] += len(slogans_a & slogans_b)
    total = count["first"] + count["second"]
    slogan_total = count["slogans_first"] + count["slogans_second"]
    matched = max(1, count["matched"])
    return {
        **count,
        "f1": 2 * count["matched"] / total if total else 1.0,
        "same_content_share": count["same_content"] / matched,
        "same_cue_share": count["same_cue"] / matched,
        "same_kind_share": count["same_kind"] / matched,
        "slogan_f1": 2 * count["slogans_both"] / slogan_total if slogan_total else 1.0,
    }


def _bounds(span: dict[str, Any] | None) -> tuple[int, int] | None:
    return None if span is None else (span["start"], span["end"])


def _brief(quote: dict[str, Any]) -> str:
    speaker = quote["speaker"]["text"] if quote["speaker"] else "-"
    cue = quote["cue"]["text"] if quote["cue"] else "-"
    content = quote["content"]["text"].replace("\n", "⏎")
    return f"{speaker}({quote['speaker_name']}) {cue} [{quote['kind']}] {content[:40]}…@{quote['content']['start']}"


def _bare(span: dict[str, Any] | None) -> dict[str, int] | None:
    return None if span is None else {"start": span["start"], "end": span["end"]}


def standoff_record(article: dict[str, Any], layers: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """A gold record without the article's words: its id, the text's hash, offsets (contents are long stretches of text)."""
    quotes = [{**q, **{role: _bare(q[role]) for role in ("speaker", "cue", "content")}} for q in layers["quotes"]]
    slogans = [_bare(s) for s in layers["slogans"]]
    return {"id": article["id"], "text_sha256": text_hash(article["text"]), "meta": article["meta"], "quotes": quotes, "slogans": slogans}


def with_text(record: dict[str, Any], texts: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A stand-off record joined with its article's text, which must be the one annotated; spans get their words back."""
    text = annotated_text(record, texts, "the data files")
    quotes = [{**q, **{role: _with_text(q[role], text) for role in ("speaker", "cue", "content")}} for q in record["quotes"]]
    slogans = [_with_text(s, text) for s in record["slogans"]]
    full = {key: value for key, value in record.items() if key != "text_sha256"}
    return {**full, "quotes": quotes, "slogans": slogans, "text": text, "entities": []}


def all_articles(pd1998_dev: Path, modern: Path) -> dict[str, dict[str, Any]]:
    articles = {a["id"]: a for a in pd1998_articles(r for _, r in iter_json_lines(pd1998_dev))}
    articles.update((a["id"], a) for a in modern_articles(r for _, r in iter_json_lines(modern)))
    return articles


def _write(path: Path, records: Iterable[dict[str, Any]]) -> int:
    lines = [json.dumps(record, ensure_ascii=False) + "\n" for record in records]
    path.write_text("".join(lines), encoding="utf-8")
    return len(lines)


def main(argv: list[str]) -> int:
    command, args = (argv[0], argv[1:]) if argv else ("", [])
    if command in ("select", "more") and len(args) == 3 + (command == "more"):
        excluded = {r["id"].removeprefix("pd1998-") for path in EXCLUDED_GOLD for _, r in iter_json_lines(path)}
        excluded |= {f"pd1998-{i}" for i in excluded}
        pd1998 = pd1998_articles(r for _, r in iter_json_lines(Path(args[0])))
        modern = modern_articles(r for _, r in iter_json_lines(Path(args[1])))
        if command == "select":
            chosen = select_articles(pd1998, modern, excluded)
        else:  # a second, smaller draw: one modern article per channel and as many pd1998 ones
            excluded |= {r["id"] for _, r in iter_json_lines(Path(args[3]))}
            chosen = select_articles(pd1998, modern, excluded, seed=SEED + 1, old_count=MORE_CHANNELS, per_channel=1)
        print(f"wrote {_write(Path(args[2]), chosen)} articles to {args[2]}")
        return 0
    if command == "check" and len(args) == 2:
        articles = {r["id"]: r for _, r in iter_json_lines(Path(args[0]))}
        try:
            marked = read_marked(Path(args[1]), articles)
        except MarkedTextError as error:
            print(error, file=sys.stderr)
            return 1
        for doc_id, layers in marked.items():
            print(f"{doc_id}\t{len(layers['quotes'])} attributions\t{len(layers['slogans'])} slogans")
        return 0
    if command == "agree" and len(args) == 3:
        articles = {r["id"]: r for _, r in iter_json_lines(Path(args[2]))}
        first, second = (read_marked(Path(p), articles) for p in args[:2])
        for key, value in agreement(first, second).items():
            print(f"{key:20} {value:.3f}" if isinstance(value, float) else f"{key:20} {value}")
        for doc_id in sorted(set(first) & set(second)):
            _, only_first, only_second = paired(first[doc_id]["quotes"], second[doc_id]["quotes"])
            for side, quotes in (("first", only_first), ("second", only_second)):
                for quote in quotes:
                    print(f"{doc_id}\t{side}\t{_brief(quote)}")
        return 0
    if command == "gold" and len(args) >= 3:
        articles = {r["id"]: r for _, r in iter_json_lines(Path(args[0]))}
        marked: dict[str, dict] = {}
        for path in args[1:-1]:
            marked.update(read_marked(Path(path), articles))
        written = _write(Path(args[-1]), (standoff_record(a, marked[i]) for i, a in articles.items() if i in marked))
        print(f"wrote {written} gold records to {args[-1]}")
        return 0
    if command == "materialise" and len(args) == 4:
        texts = all_articles(Path(args[1]), Path(args[2]))
        records = []
        for line_number, record in iter_json_lines(Path(args[0])):
            try:
                records.append(with_text(record, texts))
            except MarkedTextError as error:
                print(f"{args[0]}:{line_number}: {error}", file=sys.stderr)
                return 1
        _write(Path(args[3]), records)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
