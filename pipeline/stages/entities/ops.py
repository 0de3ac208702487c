"""Prediction-only thinc ops for the shipped NER: the same arithmetic, faster on a CPU.

Profiling the prelabel stage showed thinc's ``NumpyOps`` spending its time in two places
that prediction does not need to pay for: matrix products through blis (numpy's
OpenBLAS is about a third faster on the encoder's shapes here), and maxout through a
scalar loop that also records which piece won, for back-propagation.  At prediction
nothing is back-propagated, so the winners are not recorded.  ``spacy train`` keeps
thinc's own ops: these are set on the loaded pipeline's models only.

A model of the shape :class:`pipeline.core.network.Network` reads goes further: the entity
tagger scores characters through it, and the tok2vec component is not run at all.
"""

from __future__ import annotations

import numpy
from spacy.language import Language
from thinc.api import NumpyOps
from threadpoolctl import threadpool_limits

from pipeline.core.network import Network


class PredictionOps(NumpyOps):
    """``NumpyOps`` with BLAS matrix products and maxout without its back-propagation record."""

    name = "corpusprep-prediction"

    def gemm(self, x, y, out=None, trans1: bool = False, trans2: bool = False):  # untyped as in thinc
        left = x.T if trans1 else x
        right = y.T if trans2 else y
        if out is None:
            return left @ right
        numpy.matmul(left, right, out=out)
        return out

    def maxout(self, X):  # untyped as in thinc
        """The largest of each unit's pieces; the winners are not kept (backprop would fail)."""
        best = X[..., 0].copy()
        for piece in range(1, X.shape[-1]):
            numpy.maximum(best, X[..., piece], out=best)
        return best, None


def use_prediction_ops(nlp: Language) -> Language:
    """Give every model in ``nlp`` the prediction ops, and keep BLAS to one thread.

    The pipeline scales by processes (``--workers``), one per core: BLAS threads would
    only compete with them, and would hide the cost per core that the bench reports.
    """
    threadpool_limits(limits=1, user_api="blas")
    ops = PredictionOps()
    for _name, component in nlp.components:
        model = getattr(component, "model", None)
        if model is not None:
            for node in model.walk():
                node.ops = ops
    return nlp


def use_prediction_network(nlp: Language, tagger: str = "tagger") -> Language:
    """Let ``nlp``'s entity tagger score characters through its own weights as a :class:`Network`
    and disable the tok2vec component it would otherwise listen to.

    The same tags in about nine tenths of thinc's CPU time (see :mod:`pipeline.core.network`); a
    model the network cannot read (static vectors, another encoder) keeps thinc's path.
    """
    component = nlp.get_pipe(tagger)
    try:
        network = Network.read(nlp, tagger)
    except (ValueError, KeyError, StopIteration):
        return nlp
    component.network = network
    nlp.disable_pipe("tok2vec")
    return nlp
