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
from collections.abc import Sequence
from itertools import chain, repeat
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
NUM_ID, LETTER_ID = 0x110000, 0x110001  # node ids of pkuseg's **Num and **Letter nodes (past every code point)
SPECIAL_NODES = {"**Num": NUM_ID, "**Letter": LETTER_ID}
ID_SPACE = 0x110002
TEXT_GAP = 2  # rows between texts in one matrix: as far as a node's features look
GAP_NODES = NUM_LETTER_SLOT * TEXT_GAP  # in the word search: no word spans a gap
PAIR_SHIFT = 21  # a node pair's id: first id << PAIR_SHIFT | second id


class SentenceFeatureExtractor:
    """Drop-in replacement for ``spacy_pkuseg``'s ``FeatureExtractor`` at inference time.

    The feature table is split by kind into small tables keyed by what the
    feature looks at (a node, a node pair, a word, a word pair), so pair
    features are only looked up for pairs of lexicon words.  A sorted feature
    list splits into kinds by prefix without a Python loop per feature.  For
    speed the node and node-pair tables are also held as index arrays keyed by
    node id (a code point, or one of two ids for pkuseg's digit and letter
    classes), so a sentence's node features are numpy lookups, and lexicon words
    are searched through their prefixes, so most positions stop after two characters.
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
        from spacy_pkuseg.config import config as pkuseg_config

        # code point -> node id: pkuseg's digit and letter classes are one node each
        self.code_to_id = np.arange(ID_SPACE, dtype=np.int32)
        if pkuseg_config.numLetterNorm:
            self.code_to_id[[ord(c) for c in base.num]] = NUM_ID
            self.code_to_id[[ord(c) for c in base.letter]] = LETTER_ID
        self.word_text_table = {ord(c): NUM_LETTER_SLOT for c in base.num | base.letter} if pkuseg_config.numLetterNorm else {}
        self.node_row, self.node_table = self._node_table()
        self.pair_ids, self.pair_table = self._pair_table()
        end_table, start_table = self.tables["w-1"], self.tables["w1"]
        # no word holds the slot character, so no word is found across a digit, a letter or a text gap
        words = [word for word in self.unigram if word_min <= len(word) <= word_max and NUM_LETTER_SLOT not in word]
        pads = repeat(self.pad)
        self.lexicon: dict[str, tuple[int, int]] = dict(
            zip(words, zip(map(end_table.get, words, pads), map(start_table.get, words, pads)))
        )
        # prefixes[m]: the first m characters of lexicon words at least m long (m >= 2)
        self.prefixes: dict[int, set[str]] = {
            m: {word[:m] for word in self.lexicon if len(word) >= m} for m in range(word_min, word_max + 1)
        }
        self._nodes: list[str] | None = None
        self._features: list[list[int]] = []

    @staticmethod
    def node_id(node: str) -> int:
        """Id of a node as pkuseg's normalised text has it (one character, **Num or **Letter); -1 if neither."""
        special = SPECIAL_NODES.get(node)
        if special is not None:
            return special
        return ord(node) if len(node) == 1 else -1

    def _node_table(self) -> tuple[np.ndarray, np.ndarray]:
        """Row of each node id (-1: the last row, all pad), and each row's feature index per node kind."""
        nodes = dict.fromkeys(chain.from_iterable(self.tables[kind] for kind in CHAR_KINDS))
        node_ids = [(node, self.node_id(node)) for node in nodes]
        rows = {node: row for row, (node, node_id) in enumerate((n, i) for n, i in node_ids if i >= 0)}
        row_of_id = np.full(ID_SPACE, -1, dtype=np.int32)
        row_of_id[[node_id for node, node_id in node_ids if node_id >= 0]] = np.arange(len(rows), dtype=np.int32)
        table = np.full((len(rows) + 1, len(CHAR_KINDS)), self.pad, dtype=np.int32)
        for column, kind in enumerate(CHAR_KINDS):
            for node, index in self.tables[kind].items():
                if node in rows:
                    table[rows[node], column] = index
        return row_of_id, table

    def _split_pair(self, key: str) -> int:
        """The pair id of a node-pair key ``A.B``, or -1 when it is no pair of nodes."""
        for special, special_id in SPECIAL_NODES.items():
            if key.startswith(special + "."):
                first, second = special_id, self.node_id(key[len(special) + 1 :])
                break
        else:
            if len(key) < 3 or key[1] != ".":
                return -1
            first, second = ord(key[0]), self.node_id(key[2:])
        return -1 if second < 0 else (first << PAIR_SHIFT) | second

    def _pair_ids(self, keys: list[str]) -> np.ndarray:
        """Pair ids of node-pair keys (-1 for a key that is no pair of nodes).

        Keys of two plain characters (nearly all) are split with numpy, the rest one by one.
        """
        if not keys:
            return np.zeros(0, dtype=np.int64)
        codes = np.array(keys).view(np.uint32).reshape(len(keys), -1).astype(np.int64)
        if codes.shape[1] < 3:  # no key longer than two characters: none is a pair
            codes = np.pad(codes, ((0, 0), (0, 3 - codes.shape[1])))
        plain = codes[:, 1] == ord(".")
        if codes.shape[1] > 3:
            plain &= codes[:, 3] == 0
        ids = (codes[:, 0] << PAIR_SHIFT) | codes[:, 2]
        for at in np.flatnonzero(~plain).tolist():
            ids[at] = self._split_pair(keys[at])
        return ids

    def _pair_table(self) -> tuple[np.ndarray, np.ndarray]:
        """Sorted node-pair ids, and the feature index of each pair kind (column) for each (pad when none).

        One row past the end is all pad: what a pair missing from every table gets.
        """
        kind_ids = [self._pair_ids(list(self.tables[kind])) for kind in PAIR_KINDS]
        ids = np.unique(np.concatenate(kind_ids))
        ids = ids[ids >= 0]
        table = np.full((len(ids) + 1, len(PAIR_KINDS)), self.pad, dtype=np.int32)
        for column, (kind, pair_ids) in enumerate(zip(PAIR_KINDS, kind_ids)):
            kind_table = self.tables[kind]
            indices = np.fromiter(kind_table.values(), dtype=np.int32, count=len(kind_table))
            known = pair_ids >= 0
            table[np.searchsorted(ids, pair_ids[known]), column] = indices[known]
        return ids, table

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
        ids = np.array([self.node_id(node) for node in nodes], dtype=np.int64)
        word_text = "".join(node if len(node) == 1 else NUM_LETTER_SLOT for node in nodes)
        return self._matrix(ids, word_text)

    def text_matrix(self, text: str) -> np.ndarray:
        """:meth:`sentence_matrix` of ``list(self.normalize_text(text))``, without a Python step per character."""
        return self.texts_matrix([text])

    def texts_matrix(self, texts: Sequence[str]) -> np.ndarray:
        """The :meth:`text_matrix` of each text, one after another with ``TEXT_GAP`` rows between them.

        The gap's nodes are in no table and no word, and a node's features look at
        most two nodes away, so each text's rows are exactly its own matrix (the gap
        rows are to be skipped): a document's sentences make one matrix, not one each.
        """
        joined = GAP_NODES.join(texts)
        renamed = self.base.keyword_rename(joined)
        codes = np.frombuffer(renamed.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        ids = self.code_to_id[codes].astype(np.int64)
        if len(texts) > 1:
            ends = np.cumsum([len(text) + TEXT_GAP for text in texts[:-1]]) - TEXT_GAP
            ids[(ends[:, None] + np.arange(TEXT_GAP)).ravel()] = -1  # no node: all its features are pads
        return self._matrix(ids, renamed.translate(self.word_text_table))

    def _matrix(self, ids: np.ndarray, word_text: str) -> np.ndarray:
        """The feature matrix from node ids and the text words are searched in (digits, letters blanked)."""
        n = len(ids)
        pad = self.pad
        base = np.full((n, BASE_COLUMNS), pad, dtype=np.int32)
        if n == 0:
            return base
        base[:, 0] = 0  # the bias feature $$
        ids = ids.astype(np.int64)
        known = ids >= 0
        rows = self.node_row[np.where(known, ids, 0)]
        rows[~known] = -1  # a node no table knows: the all-pad row
        node = self.node_table[rows]  # columns: c, c-1, c1, c-2, c2
        base[:, 1] = node[:, 0]
        base[1:, 2] = node[:-1, 1]  # the node before, seen as c-1
        base[:-1, 4] = node[1:, 2]  # the node after, seen as c1
        base[2:, 6] = node[:-2, 3]
        base[:-2, 8] = node[2:, 4]
        if n > 1:
            pair_ids = (ids[:-1] << PAIR_SHIFT) | ids[1:]
            at = np.searchsorted(self.pair_ids, pair_ids)
            at[self.pair_ids[np.minimum(at, len(self.pair_ids) - 1)] != pair_ids] = len(self.pair_ids)
            at[~(known[:-1] & known[1:])] = len(self.pair_ids)
            pair = self.pair_table[at]
            base[1:, 3] = pair[:, 0]  # c-1c: the pair ending at the node
            base[:-1, 5] = pair[:, 1]  # cc1: the pair starting at it
            base[2:, 7] = pair[:-1, 2]  # c-2c-1: the pair ending just before it
        words = self._word_features(word_text)
        return np.hstack([base, words]) if words is not None else base

    def _word_features(self, text: str) -> np.ndarray | None:
        """Word and word-pair feature columns (padded), or None when no node has any."""
        n = len(text)
        lexicon = self.lexicon
        pad = self.pad
        keys: list[int] = []
        features: list[int] = []
        ending: dict[int, list[tuple[int, str]]] = {}
        starting: dict[int, list[tuple[int, str]]] = {}
        shortest = self.lengths[-1]
        candidates = range(n - shortest + 1)
        for length in reversed(self.lengths):  # shortest first: a word's prefix must start a lexicon word
            prefixes = self.prefixes[length]
            candidates = [s for s in candidates if text[s : s + length] in prefixes]
            rank = self.lengths.index(length)
            for start in candidates:
                word = text[start : start + length]
                info = lexicon.get(word)
                if info is None:
                    continue
                end = start + length - 1
                ending.setdefault(end, []).append((rank, word))
                starting.setdefault(start, []).append((rank, word))
                if info[0] != pad:
                    keys.append((end << NODE_SHIFT) | rank)
                    features.append(info[0])
                if info[1] != pad:
                    keys.append((start << NODE_SHIFT) | (1 << GROUP_SHIFT) | rank)
                    features.append(info[1])
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
        out = np.full((n, int(column.max()) + 1), pad, dtype=np.int32)
        out[node_of, column] = np.array(features, dtype=np.int32)[order]
        return out
