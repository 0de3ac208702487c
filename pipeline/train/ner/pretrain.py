"""Pretraining the NER's character encoder on unlabelled text, with the features it trains with.

``spacy pretrain`` hides some tokens and teaches the encoder (``tok2vec``) to predict them
from their context; the NER then starts from those weights (``--paths.init_tok2vec``).
spaCy's own pieces do not fit this model: its JSONL reader only tokenises, so the bigram
(NORM) and word-position (LEMMA) features the NER reads are never set, and its masking
(``spacy.PretrainCharacters.v1``) rebuilds each masked text from its words, dropping them
again.  A hidden character's neighbour would besides still give it away through its bigram.
Hence, registered here (``--code pipeline/train/ner/pretrain.py``, which also registers
the pipeline's components):

- ``prepare`` (``python -m pipeline.train.ner.pretrain OUT.jsonl IN.jsonl[.xz] ...``):
  the texts cut into sentence pieces, width-folded as the NER reads them, each with the
  shipped segmenter's word cuts (``{"text", "words"}``, the format of the jackknifed cuts):
  this text is new to the segmenter, so its cuts err as on the texts the NER labels;
- the reader ``corpusprep.PretrainText.v1``: docs of that file passed through the
  pipeline's components before the pretrained one (``char_bigrams``, ``word_features``
  reading the file's cuts);
- the objective ``corpusprep.PretrainMaskedCharacters.v1``: a share of the characters
  hidden (mostly by a mask character, some by a random character of the batch, some
  left), the bigrams computed again on the masked text, the word positions kept; the
  hidden characters' UTF-8 bytes predicted with spaCy's cloze output layer and loss.
"""

from __future__ import annotations

import json
import lzma
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import numpy
from spacy.attrs import LEMMA
from spacy.language import Language
from spacy.ml.models.multi_task import get_characters_loss
from spacy.tokens import Doc
from spacy.training import Example
from spacy.util import registry
from thinc.api import LayerNorm, Maxout, Model, MultiSoftmax, chain, list2array

import pipeline.stages.components  # noqa: F401  (registers the pipeline's factories for spacy pretrain/train)
from pipeline.core.jsonl import atomic_writer, dump_line, iter_json_lines
from pipeline.core.text import fold_width
from pipeline.stages.entities.features import segment_word_spans, set_char_bigrams, token_texts

MASK = "\ue000"  # a private-use character: no text has it, and it keeps the text's length (word offsets hold)
PIECE_CHARS = 300
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])")


# --- the text ---------------------------------------------------------------------------


def sentence_pieces(text: str, limit: int = PIECE_CHARS) -> list[str]:
    """``text`` in pieces of whole sentences, none longer than ``limit`` (a longer sentence is cut at ``limit``)."""
    pieces: list[str] = []
    current = ""
    for sentence in _SENTENCE_END.split(text):
        while len(sentence) > limit:
            pieces += [current, sentence[:limit]]
            current, sentence = "", sentence[limit:]
        if len(current) + len(sentence) > limit:
            pieces.append(current)
            current = ""
        current += sentence
    if current:
        pieces.append(current)
    return [piece for piece in pieces if piece.strip()]  # whitespace-only pieces teach nothing


def read_texts(path: Path) -> Iterator[str]:
    """The ``text`` of each record of a JSONL file, xz-compressed or not."""
    if path.suffix == ".xz":
        with lzma.open(path, "rt", encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    try:
                        yield json.loads(line)["text"]
                    except (json.JSONDecodeError, KeyError) as error:
                        raise SystemExit(f"{path}:{number}: not a record with a text ({error})") from error
        return
    for _, record in iter_json_lines(path):
        yield record["text"]


def prepare(sources: Sequence[Path], target: Path, limit: int = PIECE_CHARS) -> int:
    """Write the pretraining text with its word cuts; returns the number of characters."""
    pieces = [
        piece for source in sources for text in read_texts(source) for piece in sentence_pieces(fold_width(text), limit)
    ]
    with atomic_writer(target) as out:
        for piece, words in zip(pieces, segment_word_spans(pieces)):
            out.write(dump_line({"text": piece, "words": words}))
    return sum(map(len, pieces))


# --- reader -----------------------------------------------------------------------------


@registry.readers("corpusprep.PretrainText.v1")
def create_pretrain_text(path: Path | None, component: str = "tok2vec") -> Callable[[Language], Iterator[Example]]:
    """Docs of a prepared file (:func:`prepare`), annotated by the components that run before ``component``.

    ``path`` may stay unset (``spacy train`` validates every corpus, pretraining's too).
    """

    def read(nlp: Language) -> Iterator[Example]:
        if path is None:
            raise SystemExit(
                "no pretraining text: pass --paths.raw_text FILE.jsonl (python -m pipeline.train.ner.pretrain writes it)"
            )
        before = nlp.pipe_names[: nlp.pipe_names.index(component)]
        for _, record in iter_json_lines(Path(path)):
            doc = nlp.make_doc(record["text"])
            doc._.word_spans = record["words"]
            for name in before:
                doc = nlp.get_pipe(name)(doc)
            yield Example(doc, doc)

    return read


# --- objective --------------------------------------------------------------------------


def mask_docs(docs: Sequence[Doc], mask_prob: float, rng: numpy.random.Generator) -> tuple[list[Doc], numpy.ndarray]:
    """Copies of ``docs`` with characters hidden, and which tokens (over all docs, in order) were.

    Of the hidden characters 80% become :data:`MASK`, 10% a character drawn from the batch, 10%
    stay (BERT's split).  Bigrams are computed again on the masked text; word positions are copied.
    """
    texts = [token_texts(doc) for doc in docs]
    pool = [word for words in texts for word in words if len(word) == 1 and not word.isspace()]
    masked_docs, hidden_all = [], []
    for doc, words in zip(docs, texts):
        single = numpy.array([len(word) == 1 and not word.isspace() for word in words], dtype=bool)
        hidden = single & (rng.random(len(words)) < mask_prob)
        words = list(words)
        for index in numpy.flatnonzero(hidden):
            roll = rng.random()
            if roll < 0.8:
                words[index] = MASK
            elif roll < 0.9 and pool:
                words[index] = pool[int(rng.integers(len(pool)))]
        masked = Doc(doc.vocab, words=words, spaces=[bool(token.whitespace_) for token in doc])
        set_char_bigrams(masked)
        if len(doc):
            masked.from_array([LEMMA], doc.to_array([LEMMA]))
        masked_docs.append(masked)
        hidden_all.append(hidden)
    return masked_docs, numpy.concatenate(hidden_all) if hidden_all else numpy.zeros(0, dtype=bool)


@registry.architectures("corpusprep.PretrainMaskedCharacters.v1")
def create_masked_characters(
    maxout_pieces: int, hidden_size: int, n_characters: int, mask_prob: float = 0.15, seed: int = 0
) -> Callable[[Any, Model], Model]:
    """The objective for ``[pretraining.objective]``: predict hidden characters' first ``n_characters`` UTF-8 bytes."""

    def create(vocab: Any, tok2vec: Model) -> Model:
        output_layer = chain(
            list2array(),
            Maxout(nO=hidden_size, nP=maxout_pieces),
            LayerNorm(nI=hidden_size),
            MultiSoftmax([256] * n_characters, nI=hidden_size),
        )
        wrapped = chain(tok2vec, output_layer)
        model: Model = Model(
            "masked-characters",
            _masked_forward,
            layers=[wrapped],
            init=_masked_init,
            attrs={"mask_prob": mask_prob, "rng": numpy.random.default_rng(seed)},
        )
        model.set_ref("tok2vec", tok2vec)
        model.set_ref("output_layer", output_layer)
        model.attrs["loss"] = partial(get_characters_loss, nr_char=n_characters)
        return model

    return create


def _masked_forward(model: Model, docs: list[Doc], is_train: bool) -> tuple[Any, Callable]:
    masked, hidden = mask_docs(docs, model.attrs["mask_prob"], model.attrs["rng"])
    output, backprop = model.layers[0](masked, is_train)
    learn = model.ops.asarray(hidden, dtype="f").reshape((-1, 1))

    def backward(d_output: Any) -> Any:
        return backprop(d_output * learn)  # only the hidden characters teach

    return output, backward


def _masked_init(model: Model, X: Iterable[Doc] | None = None, Y: Any = None) -> None:
    model.layers[0].initialize(X=X, Y=Y)


def main(argv: list[str] | None = None) -> None:
    args = list(argv if argv is not None else sys.argv[1:])
    if len(args) < 2:
        raise SystemExit("usage: python -m pipeline.train.ner.pretrain OUT.jsonl IN.jsonl[.xz] [IN ...]")
    target, sources = Path(args[0]), [Path(arg) for arg in args[1:]]
    for source in sources:
        if not source.exists():
            raise SystemExit(f"{source}: no such file (the unlabelled text to pretrain on)")
    chars = prepare(sources, target)
    print(f"{target}: {chars:,} characters from {len(sources)} file(s), cut by the shipped segmenter")


if __name__ == "__main__":
    main()
