"""The word segmenter: spaCy's Chinese pipeline with a pkuseg model, for the segment stage and the NER's word features.

The pipeline is ``spacy.lang.zh.Chinese`` assembled from ``configs/segment.cfg``;
the pkuseg model is supplied at initialisation (``nlp.tokenizer.initialize(
pkuseg_model=PATH)``), as spaCy's Chinese docs describe.  The default model ships
in ``models/pkuseg`` in the compact form of :mod:`pipeline.segmenter.compact`;
it is expanded into a temporary folder for spacy-pkuseg to read, so nothing is
downloaded and nothing is left behind.
"""

from __future__ import annotations

import lzma
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from itertools import tee
from pathlib import Path
from typing import Any

import numpy as np
import spacy
from spacy.attrs import IDX, IS_SPACE, LENGTH
from spacy.lang.zh import Segmenter as SpacySegmenter
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.core.paths import CONFIGS_DIR, MODELS_DIR, REPO_DIR
from pipeline.core.record import Document
from pipeline.core.text import name_dot_view, text_pieces
from pipeline.core.tokens import words_and_spaces
from pipeline.segmenter import compact
from pipeline.segmenter.decoding import SentenceDecoder, TextCutter
from pipeline.segmenter.features import SentenceFeatureExtractor
from pipeline.segmenter.lexicon import WordMerger

CONFIG_PATH = CONFIGS_DIR / "segment.cfg"
SHIPPED_MODEL = MODELS_DIR / "pkuseg"
CHAR = "char"
HOW_TO_GET_A_MODEL = (
    "train one with `corpusprep segmenter train --train TRAIN_SEG.txt --dev DEV_SEG.txt --out DIR` "
    "(or `make train-segmenter`, which writes the shipped model), then pass `--segmenter DIR`; "
    "or use `--segmenter char` for one token per character"
)


class SegmenterModelError(RuntimeError):
    """The pkuseg model folder is missing or unreadable; the message says how to get one."""

    def __init__(self, location: str, problem: str) -> None:
        super().__init__(f"pkuseg model {location}: {problem}. To get a model: {HOW_TO_GET_A_MODEL}.")
        self.location, self.problem = location, problem


def official_model_names() -> list[str]:
    """Names spacy-pkuseg downloads from its releases (needs network)."""
    from spacy_pkuseg.config import Config

    return list(Config.available_models)


def word_offsets(spacy_doc: Doc) -> list[list[int]]:
    """``[start, end]`` of every token that is not whitespace, read as arrays (no Token object per word)."""
    starts, lengths, spaces = spacy_doc.to_array([IDX, LENGTH, IS_SPACE]).astype(np.int64).T
    words = spaces == 0
    return np.stack([starts[words], starts[words] + lengths[words]], axis=1).tolist()


def aligned_word_offsets(words: Iterable[str], text: str) -> list[list[int]]:
    """What ``word_offsets`` reads from the Doc spaCy's tokenizer makes of ``words``, without making the Doc.

    The words are aligned with the text as spaCy's ``get_words_and_spaces`` aligns them
    for ``ChineseTokenizer`` (:func:`pipeline.core.tokens.words_and_spaces`, the same result in
    linear time); whitespace tokens (``IS_SPACE``) are left out.  Words as pkuseg cuts
    them (none empty, none holding whitespace, together the text without its
    whitespace) each start right after the whitespace before them: found in one pass.
    """
    words = list(words)
    joined = "".join(words)
    if all(words) and "".join(joined.split()) == joined == "".join(text.split()):
        offsets = []
        position = 0
        for word in words:
            start = text.find(word, position)
            position = start + len(word)
            offsets.append([start, position])
        return offsets
    tokens, spaces = words_and_spaces(words, text)
    offsets = []
    position = 0
    for token, space in zip(tokens, spaces):
        end = position + len(token)
        if not token.isspace():
            offsets.append([position, end])
        position = end + space
    return offsets


def shifted(offsets: list[list[int]], by: int) -> list[list[int]]:
    """Word offsets of a piece as offsets into the whole text."""
    return offsets if not by else [[start + by, end + by] for start, end in offsets]


@dataclass
class Segmenter:
    """A spaCy Chinese pipeline that only tokenises, plus a record of which model it uses."""

    nlp: Language
    info: dict[str, Any] = field(default_factory=dict)
    batch_size: int = 256

    def segment_documents(self, docs: Iterable[Document]) -> Iterator[Document]:
        """Set ``tokens`` and ``meta['segmenter']`` of each record, never the text.

        Words are cut on :func:`~pipeline.core.text.name_dot_view` of the text (same length): a hyphen
        between Han characters is read as the name dot the model learnt from print.

        With pkuseg and no components the words are aligned straight from the
        segmenter's cut: the Doc ``nlp.pipe`` would build (a lexeme per new word, in
        a memory zone made again for every chunk) cost as much as the cut itself, and
        only its word offsets are kept.  Otherwise records go through ``nlp.pipe``.
        A text longer than ``nlp.max_length`` is segmented in pieces (:func:`text_pieces`)
        whose word offsets are moved back into the whole text.
        """
        cut = self._pkuseg_cut()
        if cut is None:
            pieces = self._pieces(docs)
            tokens: list[list[int]] = []
            for spacy_doc, (doc, offset, last) in self.nlp.pipe(pieces, as_tuples=True, batch_size=self.batch_size):
                tokens += shifted(word_offsets(spacy_doc), offset)
                if last:
                    yield replace(doc, tokens=tokens, meta=dict(doc.meta, segmenter=dict(self.info)))
                    tokens = []
            return
        for doc in docs:
            tokens = []
            for offset, piece in text_pieces(doc.text, self.nlp.max_length):
                view = name_dot_view(piece)
                tokens += shifted(aligned_word_offsets(cut(view), view), offset)
            yield replace(doc, tokens=tokens, meta=dict(doc.meta, segmenter=dict(self.info)))

    def _pieces(self, docs: Iterable[Document]) -> Iterator[tuple[str, tuple[Document, int, bool]]]:
        """``(piece, (record, offset, last piece?))`` for ``nlp.pipe``: each record's text cut to the length limit."""
        for doc in docs:
            pieces = text_pieces(doc.text, self.nlp.max_length)
            for number, (offset, piece) in enumerate(pieces, start=1):
                yield name_dot_view(piece), (doc, offset, number == len(pieces))

    def _pkuseg_cut(self) -> Callable[[str], list[str]] | None:
        """The tokenizer's pkuseg cut when it alone makes the words (no pipeline components), else None."""
        tokenizer = self.nlp.tokenizer
        if self.nlp.pipe_names or getattr(tokenizer, "segmenter", None) != SpacySegmenter.pkuseg:
            return None
        return tokenizer.pkuseg_seg.cut if tokenizer.pkuseg_seg is not None else None

    def words(self, text: str) -> list[str]:
        """The words of ``text`` (whitespace dropped), cut as :meth:`segment_documents` cuts them."""
        return next(self.pipe_words([text]))

    def pipe_words(self, texts: Iterable[str]) -> Iterator[list[str]]:
        """Words of many texts, batched: cut on the name-dot view, as written in the text (马克-杰克逊 one word)."""
        to_cut, written = tee(texts)
        for text, spacy_doc in zip(written, self.nlp.pipe(map(name_dot_view, to_cut), batch_size=self.batch_size)):
            yield [text[start:end] for start, end in word_offsets(spacy_doc)]


def _build_nlp(segmenter: str) -> tuple[Language, dict[str, Any]]:
    """The tokenizer-only Chinese pipeline from segment.cfg, and the settings for its pkuseg model."""
    config = spacy.util.load_config(CONFIG_PATH)
    config["nlp"]["tokenizer"]["segmenter"] = segmenter
    nlp = spacy.util.load_model_from_config(config, auto_fill=True, validate=True)
    settings = dict(config["initialize"]["tokenizer"])
    settings.update(config.get("pkuseg", {}))
    return nlp, settings


def _initialize_pkuseg(
    nlp: Language,
    settings: dict[str, Any],
    model: str,
    location: str,
    features: list[str] | None = None,
    merge_words: list[str] | None = None,
) -> None:
    """``nlp.tokenizer.initialize(pkuseg_model=...)``, then this project's [pkuseg] settings.

    ``features``: the model's feature strings when the folder was written without
    its feature table (see :func:`compact.write_raw`).  ``merge_words``: words the
    training corpus always writes whole, merged after the CRF (see :mod:`pipeline.segmenter.lexicon`).
    """
    try:
        nlp.tokenizer.initialize(pkuseg_model=model, pkuseg_user_dict=settings.get("pkuseg_user_dict", "default"))
        seg = nlp.tokenizer.pkuseg_seg
        if settings.get("sentence_features", True):
            from spacy_pkuseg.config import config as pkuseg_config

            seg.feature_extractor = SentenceFeatureExtractor(
                seg.feature_extractor, word_min=pkuseg_config.wordMin, word_max=pkuseg_config.wordMax,
                features=features,
            )
            decoder = SentenceDecoder(seg.feature_extractor, seg.model, seg.idx_to_tag)
            seg._cut = decoder.cut
            seg.cut = TextCutter(seg, decoder)  # a text's pieces decoded together
        if not settings.get("merge_dictionary_words", True):
            seg.postprocesser.do_process = False
        if merge_words:
            seg.postprocesser = WordMerger(merge_words, then=seg.postprocesser)
        nlp.tokenizer("预热")  # fail here, not on the first record, if the weights are unusable
    except (OSError, ValueError, KeyError, TypeError, AssertionError, EOFError, zipfile.BadZipFile) as error:
        raise SegmenterModelError(location, f"cannot be loaded ({type(error).__name__}: {error})") from error


def _load_folder(folder: Path) -> Segmenter:
    location = str(folder)
    if not folder.is_dir():
        raise SegmenterModelError(location, "no such folder")
    nlp, settings = _build_nlp("pkuseg")
    info: dict[str, Any] = {"name": "pkuseg", "model": location}
    if compact.is_compact_folder(folder):
        with tempfile.TemporaryDirectory(prefix="pkuseg-") as expanded:
            try:
                model = compact.read_compact(folder)
                in_memory = bool(settings.get("sentence_features", True))
                compact.write_raw(model, Path(expanded), feature_table=not in_memory)
                # [pkuseg] merge_training_words = false switches the merge list off
                merge_words = compact.read_merge_words(folder) if settings.get("merge_training_words", True) else None
            except (OSError, ValueError, KeyError, EOFError, lzma.LZMAError, zipfile.BadZipFile) as error:
                raise SegmenterModelError(location, f"is corrupt ({type(error).__name__}: {error})") from error
            _initialize_pkuseg(nlp, settings, expanded, location, model.features if in_memory else None, merge_words)
        info["version"] = model.meta.get("version")
        if merge_words:
            info["merge_words"] = len(merge_words)
    elif compact.is_raw_folder(folder):
        _initialize_pkuseg(nlp, settings, str(folder), location)
    else:
        raise SegmenterModelError(
            location,
            f"holds neither {compact.RAW_FEATURES} + {compact.RAW_WEIGHTS} (a pkuseg model) "
            f"nor {compact.COMPACT_FEATURES} + {compact.COMPACT_WEIGHTS} (a compact one)",
        )
    info["sha256"] = compact.folder_digest(folder)
    return Segmenter(nlp, info, batch_size=nlp.batch_size)


def load_segmenter(choice: str | None = None) -> Segmenter:
    """The segmenter a user chose.

    ``None``: the shipped model; a folder: that pkuseg model (plain or compact);
    an official pkuseg name (``mixed``, ``news``, ...): spacy-pkuseg downloads it,
    so only on the user's request; ``"char"``: spaCy's one-token-per-character.
    """
    if choice is None:
        segmenter = _load_folder(SHIPPED_MODEL)
        segmenter.info["model"] = "shipped:" + str(SHIPPED_MODEL.relative_to(REPO_DIR))
        return segmenter
    if choice == CHAR:
        nlp, _ = _build_nlp(CHAR)
        return Segmenter(nlp, {"name": CHAR}, batch_size=nlp.batch_size)
    if choice in official_model_names() and not Path(choice).exists():
        nlp, settings = _build_nlp("pkuseg")
        _initialize_pkuseg(nlp, settings, choice, f"'{choice}' (official, downloaded by spacy-pkuseg)")
        return Segmenter(nlp, {"name": "pkuseg", "model": choice, "official": True}, batch_size=nlp.batch_size)
    return _load_folder(Path(choice))
