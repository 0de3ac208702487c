"""The card of a learnt model, as Markdown, from the facts ``learn`` records in ``learning.json``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def score_rows(before: dict[str, Any] | None, after: dict[str, Any] | None, labels: Sequence[str]) -> list[str]:
    """A Markdown table: F1 (P/R) before and after, per label and micro."""
    if before is None or after is None:
        return ["No confirmed document was kept back, so neither model was scored."]
    rows = ["| | gold spans | before: F1 (P / R) | after: F1 (P / R) |", "|---|---:|---:|---:|"]
    for name in ["micro", *labels]:
        old, new = before[name], after[name]
        rows.append(
            f"| {name} | {old['gold']} | {old['f1']:.3f} ({old['precision']:.3f} / {old['recall']:.3f}) "
            f"| {new['f1']:.3f} ({new['precision']:.3f} / {new['recall']:.3f}) |"
        )
    return rows


def lexicon_lines(lexicon: dict[str, Any] | None) -> list[str]:
    """What the rules learnt: entries per kind in ``lexicon/``, new ones, and what was left out."""
    if not lexicon:
        return []
    counts = ", ".join(f"{n} {kind}" for kind, n in lexicon["entries"].items())
    new = ", ".join(f"{e['text']} ({e['kind']})" for e in lexicon["new"][:20]) or "none"
    more = f" and {len(lexicon['new']) - 20} more" if len(lexicon["new"]) > 20 else ""
    return [
        f"- Rules' lexicon (`{lexicon['folder']}`, with the review each word came from): {counts}; new: {new}{more}; "
        f"{len(lexicon['left_out'])} word(s) left out (see `learning.json`)",
    ]


def model_card(card: dict[str, Any], labels: Sequence[str]) -> str:
    documents = card["documents"]
    rehearsal = card["rehearsal"]
    counts = ", ".join(f"{n} {kind}" for kind, n in sorted(documents["counts"].items()))
    lines = [
        f"# Entity model {card['model']}, learnt from reviews",
        "",
        f"Created {card['created']} by `corpusprep learn` in {card['seconds']} s.",
        "",
        f"- Base model (trained further): `{card['base_model']}`"
        + ("" if card.get("weights", "new") == "new" else f"; the update gained nothing, so the weights are those of `{card['compared_with']}`"),
        f"- Compared with (the model in use before): `{card['compared_with']}`",
        f"- Reviewed records: {counts}",
        f"- Learnt from {len(documents['learnt_from'])} document(s); "
        f"{len(documents['kept_back_for_scoring'])} confirmed document(s) kept back for scoring",
        f"- Rehearsal: {rehearsal['kind']}, {rehearsal['documents']} document(s), {rehearsal['characters']} characters "
        f"({rehearsal['source']})",
        f"- Settings: {card['settings']}",
        *lexicon_lines(card.get("lexicon")),
        "",
        f"## Scores on the {card['scores']['scored_on']} kept-back document(s) (pre-labeller: model and rules, exact spans)",
        "",
        *score_rows(card["scores"]["before"], card["scores"]["after"], labels),
        "",
        f"Verdict: {card['verdict']}.",
        "",
        "A confirmed document is learnt whole; an unconfirmed one only where the reviewer changed its "
        "pre-labels (the rest unknown to the tagger). Document ids are in `learning.json`.",
        "",
    ]
    return "\n".join(lines)
