"""Character-level text helpers shared by training, rules and inference.

Folding keeps the length of the text, so entity offsets found on the folded text
are offsets into the original text as well.
"""

from __future__ import annotations

# Full-width ASCII (！ .. ～) -> half-width; the ideographic space stays as it is.
_FULLWIDTH_TABLE = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}


def fold_width(text: str) -> str:
    """Fold full-width ASCII forms (１２％, ，, Ａ) to half-width; same length, same offsets."""
    return text.translate(_FULLWIDTH_TABLE)
