"""pkuseg's CRF features, computed a sentence at a time.

spacy-pkuseg extracts features one character at a time: for each character it
builds all 50 word-pair feature strings (``ww.l.X*Y``) and 20 substrings,
whether or not they are words, and looks each one up.  That is ~80% of its
segmentation time.  :class:`SentenceFeatureExtractor` gives exactly the same
feature indices (same order, checked against pkuseg's own extractor in the
tests) but finds the lexicon words of a sentence once (a numpy search per word
length in the lexicon held as a trie of sorted arrays, :class:`LexiconIndex`),
and only looks up pair features for pairs of real words: a pair with a non-word
is never a feature, since pkuseg renames ``*`` in the text and only word bigrams
seen in training become pair features.  It is a drop-in for ``pkuseg.feature_extractor``, and
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
CODE_BITS = 21  # every code point is below 1 << 21


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
        # no word holds the slot character, so no word is found across a digit, a letter or a text gap
        words = sorted(word for word in self.unigram if word_min <= len(word) <= word_max and NUM_LETTER_SLOT not in word)
        self.words = LexiconIndex(words, word_max)
        number = {word: index for index, word in enumerate(words)}
        pads = repeat(self.pad)
        self.end_feature = np.fromiter(map(self.tables["w-1"].get, words, pads), dtype=np.int32, count=len(words))
        self.start_feature = np.fromiter(map(self.tables["w1"].get, words, pads), dtype=np.int32, count=len(words))
        self.word_pairs, self.pair_features = self._word_pair_table(number)
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

    def _word_pair_table(self, number: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
        """Sorted keys (first word's number * word count + second's) of the word pairs that are features,
        and their ``ww.l`` and ``ww.r`` feature indices (pad when none).

        A found word never holds ``*`` (pkuseg renames it in the text), so a key
        ``A*B`` of other than two lexicon words is never looked up.
        """
        pairs: dict[int, list[int]] = {}
        for column, kind in enumerate(("ww.l", "ww.r")):
            for key, index in self.tables[kind].items():
                first, _, second = key.partition("*")
                if first in number and second in number:
                    pairs.setdefault(number[first] * len(number) + number[second], [self.pad, self.pad])[column] = index
        keys = np.array(sorted(pairs), dtype=np.int64)
        return keys, np.array([pairs[key] for key in keys.tolist()], dtype=np.int32).reshape(-1, 2)

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
        codes = np.frombuffer(word_text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.int64)
        words = self._word_features(codes)
        return np.hstack([base, words]) if words is not None else base

    def _word_features(self, codes: np.ndarray) -> np.ndarray | None:
        """Word and word-pair feature columns (padded) of the text with these code points, or None when no node has any.

        A node's word features are ordered by group (words ending at it, words
        starting at it, pairs across its left edge, across its right edge) and within
        a group by rank (longer words first): one sort of keys packing node, group and rank.
        """
        n, pad = len(codes), self.pad
        starts, lengths, words = self.words.find(codes)
        ends = starts + lengths - 1
        ranks = self.words.word_max - lengths  # the position of the length in self.lengths
        keys = [(ends << NODE_SHIFT) | ranks, (starts << NODE_SHIFT) | (1 << GROUP_SHIFT) | ranks]
        features = [self.end_feature[words], self.start_feature[words]]
        # pairs: each word with every word starting right after it
        order = np.argsort(starts, kind="stable")
        first = np.searchsorted(starts[order], ends + 1, side="left")
        count = np.searchsorted(starts[order], ends + 1, side="right") - first
        before = np.repeat(np.arange(len(starts)), count)
        after = order[np.repeat(first - (np.cumsum(count) - count), count) + np.arange(len(before))]
        found = lookup(self.word_pairs, words[before] * len(self.end_feature) + words[after])
        before, after, found = before[found >= 0], after[found >= 0], found[found >= 0]
        rank = ranks[before] * len(self.lengths) + ranks[after]
        keys += [((ends[before] + 1) << NODE_SHIFT) | (2 << GROUP_SHIFT) | rank,  # ww.l: across the left edge of the node after
                 (ends[before] << NODE_SHIFT) | (3 << GROUP_SHIFT) | rank]  # ww.r: across the right edge of the node itself
        features += [self.pair_features[found, 0], self.pair_features[found, 1]]
        key_array, feature_array = np.concatenate(keys), np.concatenate(features)
        key_array, feature_array = key_array[feature_array != pad], feature_array[feature_array != pad]
        if not len(key_array):
            return None
        order = np.argsort(key_array, kind="stable")
        node_of = key_array[order] >> NODE_SHIFT
        column = np.arange(len(order)) - np.searchsorted(node_of, node_of, side="left")
        out = np.full((n, int(column.max()) + 1), pad, dtype=np.int32)
        out[node_of, column] = feature_array[order]
        return out


def lookup(sorted_keys: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """The position of each key in ``sorted_keys``, -1 where it is missing."""
    if not len(sorted_keys):
        return np.full(len(keys), -1, dtype=np.int64)
    at = np.searchsorted(sorted_keys, keys)
    hit = sorted_keys[np.minimum(at, len(sorted_keys) - 1)] == keys
    return np.where(hit, at, -1)


class LexiconIndex:
    """The lexicon's words as a trie held in sorted arrays, one level per prefix length, so that the
    words of a text are found by a numpy search per length instead of a set lookup per position.

    At level 1 a character's entry is read from a table by code point; at level m > 1
    an m-character prefix is the key ``entry of its first m-1 characters << CODE_BITS | its last
    character``, and its entry is the key's position in the level's sorted keys.
    """

    def __init__(self, words: Sequence[str], word_max: int) -> None:
        self.word_max = word_max
        self.first = np.full(ID_SPACE, -1, dtype=np.int64)  # code point -> level-1 entry
        self.keys: dict[int, np.ndarray] = {}  # level m > 1: sorted keys
        self.word_at: dict[int, np.ndarray] = {}  # level m: the number of the word an entry spells, or -1
        entry: dict[str, int] = {}
        for m in range(1, word_max + 1):
            prefixes = {word[:m] for word in words if len(word) >= m}
            if m == 1:
                ordered = sorted(prefixes)
                self.first[[ord(prefix) for prefix in ordered]] = np.arange(len(ordered))
            else:
                keyed = sorted(((entry[prefix[:-1]] << CODE_BITS) | ord(prefix[-1]), prefix) for prefix in prefixes)
                ordered = [prefix for _, prefix in keyed]
                self.keys[m] = np.array([key for key, _ in keyed], dtype=np.int64)
            entry.update(zip(ordered, range(len(ordered))))
            number = {word: index for index, word in enumerate(words) if len(word) == m}
            self.word_at[m] = np.array([number.get(prefix, -1) for prefix in ordered], dtype=np.int64)

    def find(self, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(starts, lengths, word numbers)`` of every lexicon word in the text with these code points."""
        starts = np.arange(len(codes))
        entries = self.first[codes]
        found: list[tuple[np.ndarray, np.ndarray]] = []
        for m in range(1, self.word_max + 1):
            if m > 1:
                starts, entries = starts[starts + m <= len(codes)], entries[starts + m <= len(codes)]
                entries = lookup(self.keys[m], (entries << CODE_BITS) | codes[starts + m - 1])
            starts, entries = starts[entries >= 0], entries[entries >= 0]
            words = self.word_at[m][entries]
            found.append((starts[words >= 0], words[words >= 0]))
        starts = np.concatenate([at for at, _ in found])
        lengths = np.concatenate([np.full(len(at), m, dtype=np.int64) for m, (at, _) in enumerate(found, start=1)])
        return starts, lengths, np.concatenate([words for _, words in found])
