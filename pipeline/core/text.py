"""Character-level text helpers shared by training, rules and inference.

Folding keeps the length of the text, so entity offsets found on the folded text
are offsets into the original text as well.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pipeline.core.text_tables import HAN, NAME_DOT

if TYPE_CHECKING:
    from spacy.tokens import Doc

# Where doc_text keeps a Doc's joined text (no component here changes a Doc's tokens).
DOC_TEXT_KEY = "corpusprep.text"

# Full-width ASCII (！ .. ～) -> half-width; the ideographic space stays as it is.
_FULLWIDTH_TABLE = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}


# The way back for punctuation only (,:() -> ，：（）): letters and digits stay half-width.
_PUNCTUATION_TO_FULLWIDTH = {half: full for full, half in _FULLWIDTH_TABLE.items() if not chr(half).isalnum()}


def fold_width(text: str) -> str:
    """Fold full-width ASCII forms (１２％, ，, Ａ) to half-width; same length, same offsets."""
    return text.translate(_FULLWIDTH_TABLE)


# A hyphen between Han characters: web news writes a foreign name's parts so (克里斯-保罗) where print has the
# name dot (克里斯·保罗). In the four training corpora a Han-Han hyphen is inside a PERSON 70 times in 280.
_NAME_HYPHEN_RE = re.compile(f"(?<=[{HAN}])-(?=[{HAN}])")


def name_dot_view(text: str) -> str:
    """``text`` with a hyphen between Han characters read as the name dot (same length): how the segmenter and
    the entity model, both trained on print, read web news' 马克-杰克逊 (as 马克·杰克逊, one word and one name;
    cut as written it is 马克|-杰|克逊)."""
    return _NAME_HYPHEN_RE.sub(NAME_DOT, text)


def entity_view(text: str) -> str:
    """Text as the prelabel pipeline reads it (same length): full-width ASCII folded, and a hyphen between Han
    characters read as the name dot (:func:`name_dot_view`)."""
    return name_dot_view(fold_width(text))


def doc_text(doc: Doc) -> str:
    """``doc.text``, joined once: spaCy joins it from every token on each call, and four
    prelabel components read it (a fifth of the stage's time outside the model, measured)."""
    text = doc.user_data.get(DOC_TEXT_KEY)
    if text is None:
        text = doc.user_data[DOC_TEXT_KEY] = doc.text
    return text


def segmenter_view(text: str) -> str:
    """Folded text as the pkuseg segmenter was trained to see it: punctuation full-width again (same length).

    The segmenter learnt ，：（）, the NER model reads ,:(): words are cut on the segmenter's own view, with
    a hyphen between Han characters read as the name dot (:func:`name_dot_view`), as the segment stage cuts.
    """
    return name_dot_view(text).translate(_PUNCTUATION_TO_FULLWIDTH)


def text_pieces(text: str, limit: int) -> list[tuple[int, str]]:
    """``(offset, piece)`` pairs covering ``text``, none longer than ``limit``, cut after a line break where possible.

    spaCy refuses a text over its ``max_length`` (E088), so a longer one is segmented
    piece by piece.  Words never cross a line break (pkuseg cuts a text at whitespace
    first, the char segmenter makes a token per character), so pieces cut there give
    the whole text's words; a text within the limit is one piece.
    """
    pieces, start = [], 0
    while len(text) - start > limit:
        cut = text.rfind("\n", start, start + limit)
        end = cut + 1 if cut >= start else start + limit
        pieces.append((start, text[start:end]))
        start = end
    pieces.append((start, text[start:]))
    return pieces
