"""Part-of-speech tags for words already cut, on demand: PKU's tag set (n, v, nr, ns, nt, r, u, w, ...).

The tagger is not a component of the chain: tagging every word of every document would
cost the chain a share of its speed, and the quote attributor needs tags only on the few
clauses before its cue words.  :func:`tag_tokens` tags one list of words (a clause),
:func:`tag_many` many at once (one call per document with all its clauses is cheaper than
a call per clause); the shipped model (``pipeline/models/tagger``, trained by
``make train-tagger`` on People's Daily 1998, see its ``MODEL_CARD.md``) is loaded on the
first call and kept for the life of the process, so importing this module costs nothing.

The model is an ordinary spaCy pipeline (``spacy.load`` reads it; tok2vec + tagger).  Words
are read width-folded (１９９８年 as 1998年, ， as ,), as in training; each word's features
are the word (NORM), its first and last character (PREFIX and SUFFIX, one character each:
``corpusprep.one_character_affixes.v1``; a Chinese word's last character says much about its
class, 者 and 性 nouns, 省 and 市 places) and its length.  Prediction runs the model's own
weights through :class:`pipeline.core.network.Network`, the same arithmetic without thinc's
layer-by-layer dispatch, which costs more than the arithmetic on a clause of ten words.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy
import spacy
from spacy.attrs import PREFIX, SUFFIX
from spacy.tokens import Doc

from pipeline.core.network import Network
from pipeline.core.paths import MODELS_DIR
from pipeline.core.text import fold_width
from pipeline.core.text_tables import LATIN_OR_DIGIT_RE

if TYPE_CHECKING:
    from spacy.language import Language

SHIPPED_TAGGER = MODELS_DIR / "tagger"
HOW_TO_GET_A_MODEL = "`make train-tagger` trains and ships one from ../shared/data/pd1998/train_pos.txt"


class TaggerModelError(RuntimeError):
    """The tagger's model folder is missing or unreadable; the message says how to get one."""

    def __init__(self, location: Path, problem: str) -> None:
        super().__init__(f"part-of-speech model {location}: {problem}. To get one: {HOW_TO_GET_A_MODEL}.")


def first_character(word: str) -> str:
    return word[:1]


def last_character(word: str) -> str:
    return word[-1:]


@spacy.registry.callbacks("corpusprep.one_character_affixes.v1")
def one_character_affixes() -> Callable[[Language], Language]:
    """``[nlp] after_creation``: PREFIX and SUFFIX of one character (spaCy's SUFFIX is three, most of a Chinese word)."""

    def set_affixes(nlp: Language) -> Language:
        nlp.vocab.lex_attr_getters[PREFIX] = first_character
        nlp.vocab.lex_attr_getters[SUFFIX] = last_character
        return nlp

    return set_affixes


# Words whose feature rows a tagger keeps (a row with its key, measured: about 330 bytes, so some 65 MB at most;
# spaCy's vocabulary keeps its own entry of every word met, which this does not bound).
MAX_KEPT_ROWS = 200_000


@dataclass(frozen=True)
class Tagger:
    """A loaded tagger: the spaCy pipeline (its vocabulary makes the features) and its weights as a :class:`Network`."""

    nlp: Language
    network: Network
    rows: dict[str, tuple[int, ...]] = field(default_factory=dict, compare=False)

    def features(self, words: Sequence[str]) -> numpy.ndarray:
        """The network's feature ids of each word, a row per word.

        The features are the word's own (lexical: its norm, first and last character,
        length), so each word's row is made once, by a Doc of the words not seen before,
        and kept for the life of the tagger (a run meets tens of thousands of words), up to
        ``MAX_KEPT_ROWS`` words: past that the kept rows are dropped and made again as met, so
        a long run over an archive does not grow without bound.
        """
        rows = self.rows
        new = [word for word in dict.fromkeys(words) if word not in rows]
        if new:
            if len(rows) + len(new) > MAX_KEPT_ROWS:
                rows.clear()
                new = list(dict.fromkeys(words))
            columns = self.network.columns
            made = Doc(self.nlp.vocab, words=[fold_width(word) for word in new]).to_array(columns)
            rows.update(zip(new, map(tuple, made.reshape(len(new), len(columns)).tolist())))
        return numpy.array([rows[word] for word in words], dtype="uint64").reshape(
            len(words), len(self.network.columns)
        )


@functools.cache
def load_tagger(folder: Path = SHIPPED_TAGGER) -> Tagger:
    """The tagger in ``folder``, loaded once per process and folder.

    BLAS is kept to one thread, as the prelabel stage keeps it: the products here are small
    (a clause's words), and threads only wait for each other on them (measured: a third of
    the speed on a loaded two-core machine); the chain scales by processes instead.
    """
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")
    if not (folder / "config.cfg").is_file():
        raise TaggerModelError(folder, "no config.cfg there")
    try:
        nlp = spacy.load(folder)
        return Tagger(nlp, Network.read(nlp))
    except (OSError, ValueError, KeyError) as error:
        raise TaggerModelError(folder, f"cannot be loaded ({type(error).__name__}: {error})") from error


def tag_tokens(words: Sequence[str], folder: Path = SHIPPED_TAGGER) -> list[str]:
    """The PKU tag of each word, in order: ``["他", "说"] -> ["r", "v"]``."""
    return tag_many([words], folder)[0]


def tag_many(word_lists: Iterable[Sequence[str]], folder: Path = SHIPPED_TAGGER) -> list[list[str]]:
    """:func:`tag_tokens` for many word lists at once (one call per document, not per clause)."""
    lists = [list(words) for words in word_lists]
    for words in lists:
        if any(not word or word.isspace() for word in words):
            raise ValueError(f"words must be non-empty and not whitespace: {words!r}")
    texts = [words for words in lists if words]
    if not texts:
        return [[] for _ in lists]
    tagger = load_tagger(folder)
    features = [tagger.features(words) for words in texts]
    tags: list[list[str]] = []
    for batch in _batches(features, BATCH_WORDS):
        tags += tagger.network.tag(batch)
    tagged = iter(latin_tagged(words, word_tags) for words, word_tags in zip(texts, tags, strict=True))
    return [next(tagged) if words else [] for words in lists]


#: PKU's tag of a word in Latin letters (Billboard, DAIGO, iPhone): pd1998 tags 209 of its 245 so, too few for the
#: model to learn from their spelling, which guesses idioms (l) and distinguishing words (z) for unseen ones.
LATIN_TAG = "nx"
#: Units stay the model's (pd1998 tags ｎｍ, ｋｂｐｓ as measure words): lower-case words this short.
MAX_UNIT_CHARS = 4


def latin_tagged(words: Sequence[str], tags: Sequence[str]) -> list[str]:
    """The model's tags with every word in Latin letters tagged :data:`LATIN_TAG` (rule latin_nx)."""
    return [LATIN_TAG if _latin_word(word) else tag for word, tag in zip(words, tags, strict=True)]


def _latin_word(word: str) -> bool:
    """A word of two or more Latin letters (digits besides, either width) that is no short lower-case unit (km)."""
    latin = all(LATIN_OR_DIGIT_RE.match(char) for char in word) and sum(char.isalpha() for char in word) >= 2
    return latin and not (word.islower() and len(word) <= MAX_UNIT_CHARS)


# Words the network sees at once: its arrays grow with them (a few KB a word), the gain stops well before.
BATCH_WORDS = 2000


def _batches(features: list[numpy.ndarray], limit: int) -> Iterator[list[numpy.ndarray]]:
    """Consecutive texts, as many as fit in ``limit`` words (a longer text alone)."""
    batch: list[numpy.ndarray] = []
    size = 0
    for array in features:
        if batch and size + len(array) > limit:
            yield batch
            batch, size = [], 0
        batch.append(array)
        size += len(array)
    if batch:
        yield batch
