"""pkuseg's per-text decoding (``pkuseg._cut``) with the feature scores summed by numpy.

spacy-pkuseg's ``_cut`` asks the extractor for features one node at a time,
hands the nested lists to its Cython scorer and then joins characters into
words in a Python loop.  :class:`SentenceDecoder` takes the sentence's features
as one padded index array (:meth:`SentenceFeatureExtractor.text_matrix`),
gathers their weights from a table with a zero row for the pad, sums each row
left to right (the order pkuseg adds them in, so the scores are the same
floats), runs pkuseg's own Viterbi and cuts the text at the word-initial tags.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from spacy_pkuseg.inference import run_viterbi

from pipeline.segmenter.features import SentenceFeatureExtractor


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
        columns = self.extractor.text_matrix(text)
        scores = self.node_weights[columns[:, 0]].copy()
        for column in range(1, columns.shape[1]):
            scores += self.node_weights[columns[:, column]]
        return scores

    def cut(self, text: str) -> list[str]:
        """The words of ``text`` (one run of text without whitespace), as ``pkuseg._cut`` gives them."""
        if not text:
            return []
        _, tags = run_viterbi(self.node_scores(text), self.edge_scores)
        length = min(len(tags), len(text))
        cuts = (np.flatnonzero(self.word_initial[tags[1:length]]) + 1).tolist()
        bounds = [0, *cuts, length]
        return [text[start:end] for start, end in zip(bounds, bounds[1:])]
