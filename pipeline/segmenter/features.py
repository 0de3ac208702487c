"""pkuseg's CRF features, computed a sentence at a time.

spacy-pkuseg extracts features one character at a time: for each character it
builds all 50 word-pair feature strings (``ww.l.X*Y``) and 20 substrings,
whether or not they are words, and looks each one up.  That is ~80% of its
segmentation time.  :class:`SentenceFeatureExtractor` gives exactly the same
feature indices (same order, checked against pkuseg's own extractor in the
tests) but finds the lexicon words of a sentence once, and only builds pair
features for pairs of real words: a pair with a non-word is never a feature,
since pkuseg renames ``*`` in the text and only word bigrams seen in training
become pair features.  It is a drop-in for ``pkuseg.feature_extractor``.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import Any

NUM_LETTER_SLOT = "\x00"  # stands for **Num / **Letter nodes in the word search: never part of a word
CHAR_KINDS = ("c", "c-1", "c1", "c-2", "c2")  # the node itself, one and two to the left and right
PAIR_KINDS = ("c-1c", "cc1", "c-2c-1")  # node pairs ending at, starting at, ending just before the node
WORD_KINDS = ("w-1", "w1", "ww.l", "ww.r")  # words ending / starting at the node, word pairs around it
KINDS = CHAR_KINDS + PAIR_KINDS + WORD_KINDS


class SentenceFeatureExtractor:
    """Drop-in replacement for ``spacy_pkuseg``'s ``FeatureExtractor`` at inference time.

    The feature table is split by kind into small tables keyed by what the
    feature looks at (a node, a node pair, a word, a word pair), so pair
    features are only looked up for pairs of lexicon words.  A sorted feature
    list splits into kinds by prefix without a Python loop per feature.
    """

    def __init__(
        self, base: Any, word_min: int = 2, word_max: int = 6, features: list[str] | None = None
    ) -> None:
        """Tables from ``base.feature_to_idx``, or from ``features`` (strings in index order) when given."""
        self.base = base
        self.unigram: set[str] = base.unigram
        self.tag_to_idx: dict[str, int] = base.tag_to_idx
        self.lengths = list(range(word_max, word_min - 1, -1))
        if features is not None and all(a <= b for a, b in zip(features, features[1:])):
            names, indices = features, list(range(len(features)))
        else:
            table = dict(zip(features, range(len(features)))) if features is not None else base.feature_to_idx
            ordered = sorted(table.items())
            names, indices = [name for name, _ in ordered], [index for _, index in ordered]
        self.tables: dict[str, dict[str, int]] = {}
        for kind in KINDS:  # a kind's features are one block of the sorted list: "kind." <= name < "kind/"
            low, high = bisect_left(names, kind + "."), bisect_left(names, kind + "/")
            cut = len(kind) + 1
            self.tables[kind] = dict(zip([name[cut:] for name in names[low:high]], indices[low:high]))
        self._nodes: list[str] | None = None
        self._features: list[list[int]] = []

    def normalize_text(self, text: str) -> Any:
        return self.base.normalize_text(text)

    def get_node_features_idx(self, idx: int, nodes: list[str]) -> list[int]:
        """Features of node ``idx``; the whole sentence is computed on its first node.

        The last sentence is held (not only its id), so a new list can never be
        mistaken for it.
        """
        if nodes is not self._nodes:
            self._features = self.sentence_features(nodes)
            self._nodes = nodes
        return self._features[idx]

    def sentence_features(self, nodes: list[str]) -> list[list[int]]:
        """pkuseg's feature indices for every node, in pkuseg's order."""
        n = len(nodes)
        t = self.tables
        unigram = self.unigram
        lengths = self.lengths
        here, left1, right1, left2, right2 = ([t[kind].get(c) for c in nodes] for kind in CHAR_KINDS)
        bigrams = [nodes[j] + "." + nodes[j + 1] for j in range(n - 1)]
        ending, starting, before = ([t[kind].get(b) for b in bigrams] for kind in PAIR_KINDS)
        text = "".join(c if len(c) == 1 else NUM_LETTER_SLOT for c in nodes)
        # words[s][k]: the lexicon word of length lengths[k] starting at s, else None
        words: list[list[str | None]] = []
        for s in range(n):
            row: list[str | None] = []
            for length in lengths:
                piece = text[s : s + length] if s + length <= n else None
                row.append(piece if piece is not None and piece in unigram else None)
            words.append(row)
        none_row: list[str | None] = [None] * len(lengths)
        word_end, word_start, pair_left, pair_right = (t[kind].get for kind in WORD_KINDS)

        out: list[list[int | None]] = []
        for i in range(n):
            candidates = [0, here[i]]
            if i > 0:
                candidates += [left1[i - 1], ending[i - 1]]
            if i + 1 < n:
                candidates += [right1[i + 1], starting[i]]
            if i > 1:
                candidates += [left2[i - 2], before[i - 2]]
            if i + 2 < n:
                candidates.append(right2[i + 2])
            # words ending at i (prefix including the node), starting at i, ending at i-1, starting at i+1
            pre_in = [words[i - length + 1][k] if i - length + 1 >= 0 else None for k, length in enumerate(lengths)]
            post_in = words[i]
            pre_ex = [words[i - length][k] if i - length >= 0 else None for k, length in enumerate(lengths)]
            post_ex = words[i + 1] if i + 1 < n else none_row
            candidates += [word_end(w) for w in pre_in if w is not None]
            candidates += [word_start(w) for w in post_in if w is not None]
            for pre in pre_ex:
                if pre is not None:
                    candidates += [pair_left(pre + "*" + post) for post in post_in if post is not None]
            for pre in pre_in:
                if pre is not None:
                    candidates += [pair_right(pre + "*" + post) for post in post_ex if post is not None]
            out.append(candidates)
        return [[index for index in candidates if index is not None] for candidates in out]
