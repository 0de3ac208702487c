"""pkuseg's per-text decoding (``pkuseg._cut``) with the feature scores summed by numpy.

spacy-pkuseg's ``_cut`` asks the extractor for features one node at a time,
hands the nested lists to its Cython scorer and then joins characters into
words in a Python loop.  :class:`SentenceDecoder` takes the sentence's features
as one padded index array (:meth:`SentenceFeatureExtractor.text_matrix`),
gathers their weights from a table with a zero row for the pad, sums each row
left to right (the order pkuseg adds them in, so the scores are the same
floats), runs pkuseg's own Viterbi and cuts the text at the word-initial tags.
:class:`TextCutter` is ``pkuseg.cut`` with all the pieces of a text scored as
one matrix: per-piece numpy calls cost more than the arithmetic on the bench's
short paragraphs (a third of the segmenter's time).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from spacy_pkuseg.inference import run_viterbi

from pipeline.segmenter.features import TEXT_GAP, SentenceFeatureExtractor


class SentenceDecoder:
    """Words of a text with a loaded pkuseg model; a drop-in for ``pkuseg._cut``."""

    def __init__(self, extractor: SentenceFeatureExtractor, model: Any, idx_to_tag: dict[int, str]) -> None:
        n_feature, n_tag = int(model.n_feature), int(model.n_tag)
        if extractor.pad != n_feature:
            raise ValueError(f"extractor has {extractor.pad} features, the weights {n_feature}")
        weights = np.asarray(model.w, dtype=np.float64)
        self.extractor = extractor
        self.node_weights = np.zeros((n_feature + 1, n_tag), dtype=np.float64)  # last row: the pad
        self.node_weights[:n_feature] = weights[: n_feature * n_tag].reshape(n_feature, n_tag)
        # pkuseg's edge score [previous tag, tag] is 1 + w[backoff + tag * n_tag + previous tag]
        self.edge_scores = np.ascontiguousarray(1.0 + weights[n_feature * n_tag :].reshape(n_tag, n_tag).T)
        self.word_initial = np.array(["B" in idx_to_tag[tag] for tag in range(n_tag)], dtype=bool)

    def node_scores(self, text: str) -> np.ndarray:
        """Score of every tag at every node of ``text``: the node's feature weights added in pkuseg's order."""
        return self.matrix_scores(self.extractor.text_matrix(text))

    def matrix_scores(self, columns: np.ndarray) -> np.ndarray:
        """Each row's weights summed left to right (numpy adds along a middle axis in order, not pairwise)."""
        return np.add.reduce(self.node_weights.take(columns, axis=0), axis=1)

    def cut(self, text: str) -> list[str]:
        """The words of ``text`` (one run of text without whitespace), as ``pkuseg._cut`` gives them."""
        return self.cut_texts([text])[0]

    def cut_texts(self, texts: Sequence[str]) -> list[list[str]]:
        """:meth:`cut` of each text, their features scored as one matrix."""
        scores = self.matrix_scores(self.extractor.texts_matrix(texts))
        words: list[list[str]] = []
        start = 0
        for text in texts:
            end = start + len(text)
            words.append(self._words(text, scores[start:end]) if text else [])
            start = end + TEXT_GAP
        return words

    def _words(self, text: str, scores: np.ndarray) -> list[str]:
        """Pkuseg's Viterbi path over the node scores, and the text cut before each word-initial tag."""
        _, tags = run_viterbi(scores, self.edge_scores)
        length = min(len(tags), len(text))
        cuts = (np.flatnonzero(self.word_initial[tags[1:length]]) + 1).tolist()
        bounds = [0, *cuts, length]
        return [text[start:end] for start, end in zip(bounds, bounds[1:])]


class TextCutter:
    """``pkuseg.cut`` (a whole text: split at whitespace and at user-dictionary words, each piece
    decoded and post-processed), with all the pieces of the text decoded as one matrix."""

    def __init__(self, pkuseg: Any, decoder: SentenceDecoder) -> None:
        self.pkuseg, self.decoder = pkuseg, decoder

    def __call__(self, text: str) -> list[Any]:
        pkuseg = self.pkuseg
        if pkuseg.postag:
            return type(pkuseg).cut(pkuseg, text)
        user_words = pkuseg.preprocesser
        pieces: list[tuple[str, bool]] = []
        for run in text.split():
            if user_words.trie.children:
                found, is_word, _ = user_words.solve(run)
                pieces.extend(zip(found, is_word))
            else:  # no user dictionary: the run is one piece to decode
                pieces.append((run, False))
        decoded = iter(self.decoder.cut_texts([piece for piece, is_word in pieces if not is_word]))
        words: list[str] = []
        for piece, is_word in pieces:
            if is_word:
                words.append(piece)
            else:
                words.extend(pkuseg.postprocesser(next(decoded)))
        return words
