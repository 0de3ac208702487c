"""A trained tok2vec + softmax tagger at prediction: the model's own weights, without thinc's dispatch.

Two shipped models have this shape, spaCy's ``MultiHashEmbed`` + ``MaxoutWindowEncoder`` under a
softmax ``Tagger``: the part-of-speech tagger (words) and the entity tagger (characters, BILUO tags).
thinc runs each layer through its generic ops, which at prediction pays for what only training needs
(maxout's record of the winning piece, strided copies between layers); :class:`Network` does the same
float32 arithmetic, operation for operation, in fewer and larger numpy calls (measured on the bench's
1.2M characters, in the prelabel stage's batches: the entity tagger's scores in 15.1 CPU-seconds
against thinc's 16.7, interleaved three times each; the same tags).
A network of another shape (static vectors, another encoder) is refused with ``ValueError``, and its
caller keeps thinc.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy
from spacy.attrs import IDS

if TYPE_CHECKING:
    from spacy.language import Language
    from thinc.api import Model


@dataclass(frozen=True)
class Layer:
    """Maxout (``pieces`` linear maps, the largest kept) then layer normalisation: thinc's Maxout(normalize=True).

    The weights are stored piece after piece (all units' first piece, then their second...),
    so the largest is taken between contiguous blocks: numpy's ``max`` over a last axis of
    three is slower than the matrix product itself.
    """

    weights: numpy.ndarray  # (inputs, pieces * outputs)
    bias: numpy.ndarray  # (pieces * outputs,)
    pieces: int
    gain: numpy.ndarray
    shift: numpy.ndarray

    @classmethod
    def from_thinc(cls, maxout: Model, layernorm: Model) -> Layer:
        """From thinc's Maxout weights (outputs, pieces, inputs) and bias (outputs, pieces), and a LayerNorm."""
        weights, bias = maxout.get_param("W"), maxout.get_param("b")
        by_piece = weights.transpose(1, 0, 2).reshape(-1, weights.shape[2])
        return cls(
            numpy.ascontiguousarray(by_piece.T),
            numpy.ascontiguousarray(bias.T).reshape(-1),
            weights.shape[1],
            layernorm.get_param("G"),
            layernorm.get_param("b"),
        )

    def __call__(self, inputs: numpy.ndarray) -> numpy.ndarray:
        products = inputs @ self.weights
        products += self.bias
        width = products.shape[1] // self.pieces
        best = products[:, :width].copy()
        for piece in range(1, self.pieces):
            numpy.maximum(best, products[:, piece * width : (piece + 1) * width], out=best)
        # thinc's LayerNorm, operation for operation (the same float32 results), in place
        centered = best  # the pieces' maximum is not needed after: centred in place
        centered -= numpy.add.reduce(best, axis=1, keepdims=True) / width  # numpy's mean, without its wrapper
        variance = numpy.square(centered).sum(axis=1, keepdims=True) / width + 1e-08  # numpy's var
        centered *= variance ** (-1.0 / 2.0)
        centered *= self.gain
        centered += self.shift
        return centered


@dataclass(frozen=True)
class Network:
    """The trained tok2vec + tagger at prediction, read out of the spaCy pipeline.

    Hashed embeddings of each feature (MurmurHash, thinc's own), concatenated and mixed
    (``mix``); then ``encoder`` layers, each adding to every token what it computes from the
    token and its ``window`` neighbours on each side, over the tokens of all texts laid end
    to end with ``pad`` zero rows around each (as thinc lays them: texts never see each
    other); each label's score is linear in the last layer's output.
    """

    columns: list[int]
    tables: list[tuple[numpy.ndarray, int]]  # (embedding rows, hash seed) per feature column
    mix: Layer
    encoder: list[Layer]
    window: int
    pad: int
    output: tuple[numpy.ndarray, numpy.ndarray]
    labels: tuple[str, ...]

    @classmethod
    def read(cls, nlp: Language, output: str = "tagger") -> Network:
        """The weights of ``nlp``'s tok2vec and its softmax component ``output``; another shape raises ValueError."""
        tok2vec, tagger = nlp.get_pipe("tok2vec").model, nlp.get_pipe(output).model
        nodes = {node.name: [] for node in tok2vec.walk()}
        for node in tok2vec.walk():
            nodes[node.name].append(node)
        known = {"extract_features", "hashembed", "maxout", "layernorm", "expand_window"}
        if not known <= nodes.keys() or any(name.startswith(("staticvectors", "cnn", "mish")) for name in nodes):
            raise ValueError(f"not the network this reader knows: {tok2vec.name}")
        hashembeds = sorted(nodes["hashembed"], key=lambda node: node.attrs["column"])
        maxouts, norms = nodes["maxout"], nodes["layernorm"]
        window_sizes = {node.attrs["window_size"] for node in nodes["expand_window"]}
        pads = [node.attrs["pad"] for node in tok2vec.walk() if node.name.startswith("with_array(residual")]
        embedded_width = sum(node.get_dim("nO") for node in hashembeds)
        if (
            len(maxouts) != len(norms)
            or len(window_sizes) != 1
            or len(pads) != 1
            or maxouts[0].get_dim("nI") != embedded_width
        ):
            raise ValueError(f"not the network this reader knows: {tok2vec.name}")
        layers = [Layer.from_thinc(maxout, layernorm) for maxout, layernorm in zip(maxouts, norms)]
        softmax = next(node for node in tagger.walk() if node.name == "softmax")
        if softmax.attrs.get("softmax_normalize") or softmax.attrs.get("softmax_temperature", 1.0) != 1.0:
            raise ValueError(f"{output}: a normalised softmax (these scores are its unnormalised input)")
        columns = nodes["extract_features"][0].attrs["columns"]
        return cls(
            columns=[IDS[column] if isinstance(column, str) else column for column in columns],
            tables=[(node.get_param("E"), node.attrs["seed"]) for node in hashembeds],
            mix=layers[0],
            encoder=layers[1:],
            window=window_sizes.pop(),
            pad=pads[0],
            output=(numpy.ascontiguousarray(softmax.get_param("W").T), softmax.get_param("b")),
            labels=tuple(nlp.get_pipe(output).labels),
        )

    def scores(self, features: Sequence[numpy.ndarray]) -> list[numpy.ndarray]:
        """The output layer's scores (a row per token, a column per label) of each text, from each text's
        (tokens, columns) array of feature ids: the softmax's input, as spaCy's unnormalised tagger gives it."""
        from thinc.api import NumpyOps

        ops = NumpyOps()
        ids = numpy.ascontiguousarray(numpy.concatenate(features), dtype="uint64")
        embedded = numpy.hstack(
            [
                embedding_sums(table, ops.hash(numpy.ascontiguousarray(ids[:, column]), seed) % len(table))
                for column, (table, seed) in enumerate(self.tables)
            ]
        )
        mixed = self.mix(embedded)
        lengths = [len(array) for array in features]
        rows = numpy.zeros((sum(lengths) + self.pad * (len(lengths) + 1), mixed.shape[1]), dtype=mixed.dtype)
        starts = numpy.cumsum([0] + lengths[:-1]) + self.pad * numpy.arange(1, len(lengths) + 1)
        for start, begin, length in zip(starts, numpy.cumsum([0] + lengths[:-1]), lengths):
            rows[start : start + length] = mixed[begin : begin + length]
        for layer in self.encoder:
            rows += layer(windows(rows, self.window))  # windows() copied what the layer reads
        scored = rows @ self.output[0] + self.output[1]
        return [scored[start : start + length] for start, length in zip(starts, lengths)]

    def tag(self, features: Sequence[numpy.ndarray]) -> list[list[str]]:
        """The best label of each token of each text (see :meth:`scores`)."""
        return [[self.labels[i] for i in rows.argmax(axis=1)] for rows in self.scores(features)]


def embedding_sums(table: numpy.ndarray, rows: numpy.ndarray) -> numpy.ndarray:
    """The sum of each line's ``rows`` of ``table``, added left to right: thinc's ``gather_add``, the
    same float32 sums, a row taken by numpy for all lines at once (about a third of its time here)."""
    indices = rows.astype(numpy.intp)
    total = numpy.take(table, indices[:, 0], axis=0)
    for column in range(1, indices.shape[1]):
        total += numpy.take(table, indices[:, column], axis=0)
    return total


def windows(rows: numpy.ndarray, size: int) -> numpy.ndarray:
    """Each row with the ``size`` rows before and after it, zeros past the ends: thinc's ``seq2col``.

    Only the cells past the ends are zeroed: the array is several times the size of ``rows``,
    and clearing all of it before filling it cost a third of this function."""
    count, width = rows.shape
    out = numpy.empty((count, 2 * size + 1, width), dtype=rows.dtype)
    out[:, size] = rows
    for shift in range(1, size + 1):
        before, after = min(shift, count), max(count - shift, 0)
        out[shift:, size - shift] = rows[:after]
        out[:before, size - shift] = 0
        out[:after, size + shift] = rows[shift:]
        out[after:, size + shift] = 0
    return out.reshape(count, -1)
