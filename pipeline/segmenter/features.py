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

from typing import Any

NUM_LETTER_SLOT = "\x00"  # stands for **Num / **Letter nodes in the word search: never part of a word


class SentenceFeatureExtractor:
    """Drop-in replacement for ``spacy_pkuseg``'s ``FeatureExtractor`` at inference time."""

    def __init__(self, base: Any, word_min: int = 2, word_max: int = 6) -> None:
        self.base = base
        self.unigram: set[str] = base.unigram
        self.feature_to_idx: dict[str, int] = base.feature_to_idx
        self.tag_to_idx: dict[str, int] = base.tag_to_idx
        self.lengths = list(range(word_max, word_min - 1, -1))
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
        n = len(nodes)
        get = self.feature_to_idx.get
        unigram = self.unigram
        lengths = self.lengths
        text = "".join(c if len(c) == 1 else NUM_LETTER_SLOT for c in nodes)
        # word[s][k]: the lexicon word of length lengths[k] starting at s, else None
        words: list[list[str | None]] = []
        for s in range(n):
            row = []
            for length in lengths:
                piece = text[s : s + length] if s + length <= n else None
                row.append(piece if piece is not None and piece in unigram else None)
            words.append(row)
        none_row: list[str | None] = [None] * len(lengths)

        def word_at(start: int, k: int) -> str | None:
            return words[start][k] if 0 <= start < n else None

        out: list[list[int]] = []
        for i in range(n):
            c = nodes[i]
            candidates = ["c." + c]
            if i > 0:
                prev = nodes[i - 1]
                candidates += ["c-1." + prev, "c-1c." + prev + "." + c]
            if i + 1 < n:
                after = nodes[i + 1]
                candidates += ["c1." + after, "cc1." + c + "." + after]
            if i > 1:
                candidates += ["c-2." + nodes[i - 2], "c-2c-1." + nodes[i - 2] + "." + nodes[i - 1]]
            if i + 2 < n:
                candidates.append("c2." + nodes[i + 2])
            # words ending at i (prefix including c), starting at i, ending at i-1, starting at i+1
            pre_in = [word_at(i - length + 1, k) for k, length in enumerate(lengths)]
            post_in = words[i]
            pre_ex = [word_at(i - length, k) for k, length in enumerate(lengths)]
            post_ex = words[i + 1] if i + 1 < n else none_row
            candidates += ["w-1." + w for w in pre_in if w is not None]
            candidates += ["w1." + w for w in post_in if w is not None]
            for pre in pre_ex:
                if pre is not None:
                    candidates += ["ww.l." + pre + "*" + post for post in post_in if post is not None]
            for pre in pre_in:
                if pre is not None:
                    candidates += ["ww.r." + pre + "*" + post for post in post_ex if post is not None]
            flist = [0]
            for feature in candidates:
                index = get(feature)
                if index is not None:
                    flist.append(index)
            out.append(flist)
        return out
