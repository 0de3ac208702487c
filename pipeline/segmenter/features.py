"""pkuseg's CRF features, computed a sentence at a time.

spacy-pkuseg extracts features one character at a time: for each character it
builds all 50 word-pair feature strings (``ww.l.X*Y``) and 20 substrings,
whether or not they are words, and looks each one up.  That is ~80% of its
segmentation time.  :class:`SentenceFeatureExtractor` gives exactly the same
feature indices (same order, checked against pkuseg's own extractor in the
tests) but finds the lexicon words of a sentence once, and only builds pair
features for pairs of real words: a pair with a non-word is never a feature,
since pkuseg renames ``*`` in the text and only word bigrams seen in training
become pair features.  It is a drop-in for ``pkuseg.feature_extractor``, and
:meth:`SentenceFeatureExtractor.sentence_matrix` gives the same features as one
padded index array, which :mod:`pipeline.segmenter.decoding` scores with numpy.
"""

from __future__ import annotations

from bisect import bisect_left
from itertools import chain
from operator import le
from typing import Any

import numpy as np

NUM_LETTER_SLOT = "\x00"  # stands for **Num / **Letter nodes in the word search: never part of a word
CHAR_KINDS = ("c", "c-1", "c1", "c-2", "c2")  # the node itself, one and two to the left and right
PAIR_KINDS = ("c-1c", "cc1", "c-2c-1")  # node pairs ending at, starting at, ending just before the node
WORD_KINDS = ("w-1", "w1", "ww.l", "ww.r")  # words ending / starting at the node, word pairs around it
KINDS = CHAR_KINDS + PAIR_KINDS + WORD_KINDS
BASE_COLUMNS = 9  # bias, five node features, three node-pair features: one column each, in pkuseg's order
# Word features of a node are ordered by group (ending, starting, pair across the left edge, across the right
# edge), then by word length (longest first); a sort key packs node, group and rank.
GROUP_SHIFT, NODE_SHIFT = 5, 7


class SentenceFeatureExtractor:
    """Drop-in replacement for ``spacy_pkuseg``'s ``FeatureExtractor`` at inference time.

    The feature table is split by kind into small tables keyed by what the
    feature looks at (a node, a node pair, a word, a word pair), so pair
    features are only looked up for pairs of lexicon words.  A sorted feature
    list splits into kinds by prefix without a Python loop per feature.  For
    speed the node and node-pair tables are also held as index arrays (one row
    per node or pair, one column per kind), so one lookup serves all kinds.
    """

    def __init__(
        self, base: Any, word_min: int = 2, word_max: int = 6, features: list[str] | None = None
    ) -> None:
        """Tables from ``base.feature_to_idx``, or from ``features`` (strings in index order) when given."""
        self.base = base
        self.unigram: set[str] = base.unigram
        self.tag_to_idx: dict[str, int] = base.tag_to_idx
        self.lengths = list(range(word_max, word_min - 1, -1))
        if features is not None and all(map(le, features, features[1:])):
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
        self.n_feature = len(names)
        self.pad = self.n_feature  # index of "no feature" in matrices: scored as a row of zeros
        self.node_rows, self.node_table = self._index_table(CHAR_KINDS)
        self.pair_rows, self.pair_table = self._index_table(PAIR_KINDS)
        end_table, start_table = self.tables["w-1"], self.tables["w1"]
        self.lexicon: dict[str, tuple[int, int]] = {
            word: (end_table.get(word, self.pad), start_table.get(word, self.pad))
            for word in self.unigram
            if word_min <= len(word) <= word_max
        }
        self._nodes: list[str] | None = None
        self._features: list[list[int]] = []

    def _index_table(self, kinds: tuple[str, ...]) -> tuple[dict[str, int], np.ndarray]:
        """Keys of the kinds' tables -> row; rows hold each kind's feature index (pad if none).

        The last row is all pad: it is what a key missing from every table (row -1) gets.
        """
        keys = dict.fromkeys(chain.from_iterable(self.tables[kind] for kind in kinds))
        rows = dict(zip(keys, range(len(keys))))
        table = np.full((len(keys) + 1, len(kinds)), self.pad, dtype=np.int32)
        for column, kind in enumerate(kinds):
            kind_table = self.tables[kind]
            at = np.fromiter(map(rows.__getitem__, kind_table), dtype=np.int64, count=len(kind_table))
            table[at, column] = np.fromiter(kind_table.values(), dtype=np.int32, count=len(kind_table))
        return rows, table

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
        pad = self.pad
        return [[index for index in row if index != pad] for row in self.sentence_matrix(nodes).tolist()]

    def sentence_matrix(self, nodes: list[str]) -> np.ndarray:
        """pkuseg's feature indices of every node as one row each, padded with ``self.pad``.

        Leaving out the pads, a row is exactly pkuseg's feature list of the node,
        in pkuseg's order (so sums over a row add the same numbers in the same order).
        """
        n = len(nodes)
        pad = self.pad
        base = np.full((n, BASE_COLUMNS), pad, dtype=np.int32)
        if n == 0:
            return base
        base[:, 0] = 0  # the bias feature $$
        node_rows = self.node_rows.get
        node = self.node_table[[node_rows(c, -1) for c in nodes]]  # columns: c, c-1, c1, c-2, c2
        base[:, 1] = node[:, 0]
        base[1:, 2] = node[:-1, 1]  # the node before, seen as c-1
        if n > 1:
            pair_rows = self.pair_rows.get
            pair = self.pair_table[[pair_rows(a + "." + b, -1) for a, b in zip(nodes, nodes[1:])]]
            base[1:, 3] = pair[:, 0]  # c-1c: the pair ending at the node
            base[:-1, 5] = pair[:, 1]  # cc1: the pair starting at it
            base[2:, 7] = pair[:-1, 2]  # c-2c-1: the pair ending just before it
        base[:-1, 4] = node[1:, 2]  # the node after, seen as c1
        base[2:, 6] = node[:-2, 3]
        base[:-2, 8] = node[2:, 4]
        words = self._word_features(nodes)
        return np.hstack([base, words]) if words is not None else base

    def _word_features(self, nodes: list[str]) -> np.ndarray | None:
        """Word and word-pair feature columns (padded), or None when no node has any."""
        n = len(nodes)
        text = "".join(c if len(c) == 1 else NUM_LETTER_SLOT for c in nodes)
        lexicon = self.lexicon
        keys: list[int] = []
        features: list[int] = []
        ending: dict[int, list[tuple[int, str]]] = {}
        starting: dict[int, list[tuple[int, str]]] = {}
        for rank, length in enumerate(self.lengths):
            for start in [s for s in range(n - length + 1) if text[s : s + length] in lexicon]:
                word = text[start : start + length]
                end = start + length - 1
                end_feature, start_feature = lexicon[word]
                ending.setdefault(end, []).append((rank, word))
                starting.setdefault(start, []).append((rank, word))
                if end_feature != self.pad:
                    keys.append((end << NODE_SHIFT) | rank)
                    features.append(end_feature)
                if start_feature != self.pad:
                    keys.append((start << NODE_SHIFT) | (1 << GROUP_SHIFT) | rank)
                    features.append(start_feature)
        pair_left, pair_right = self.tables["ww.l"].get, self.tables["ww.r"].get
        n_lengths = len(self.lengths)
        for end, before in ending.items():
            after = starting.get(end + 1)
            if after is None:
                continue
            for rank_before, pre in before:
                for rank_after, post in after:
                    pair = pre + "*" + post
                    rank = rank_before * n_lengths + rank_after
                    left = pair_left(pair)  # ww.l: the pair across the left edge of the node after
                    if left is not None:
                        keys.append(((end + 1) << NODE_SHIFT) | (2 << GROUP_SHIFT) | rank)
                        features.append(left)
                    right = pair_right(pair)  # ww.r: the pair across the right edge of the node itself
                    if right is not None:
                        keys.append((end << NODE_SHIFT) | (3 << GROUP_SHIFT) | rank)
                        features.append(right)
        if not keys:
            return None
        key_array = np.array(keys, dtype=np.int64)
        order = np.argsort(key_array, kind="stable")
        node_of = key_array[order] >> NODE_SHIFT
        column = np.arange(len(order)) - np.searchsorted(node_of, node_of, side="left")
        out = np.full((n, int(column.max()) + 1), self.pad, dtype=np.int32)
        out[node_of, column] = np.array(features, dtype=np.int32)[order]
        return out
