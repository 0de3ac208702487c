"""Words the training corpus always writes whole, merged after the CRF.

pkuseg's CRF is regularised: a word seen once or twice in training still gets
split when its characters usually start or end other words.  A character
sequence that the training corpus writes as one word every time it occurs
(and at least ``min_count`` times) is one word by the corpus' own standard, so
:class:`WordMerger` joins runs of predicted words that spell exactly such a
word.  It sits in spacy-pkuseg's post-processing slot (``pkuseg.postprocesser``),
where pkuseg merges the words of its own dictionaries.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable


def consistent_words(lines: Iterable[list[str]], min_count: int, min_length: int = 2, max_length: int = 6) -> list[str]:
    """Words of ``min_length``..``max_length`` characters seen at least ``min_count`` times, never otherwise.

    "Never otherwise": every occurrence of the word's characters in the joined
    training text is that word, with word boundaries at both ends and none inside.
    """
    lines = [line for line in lines if line]
    as_word = Counter(word for line in lines for word in line if min_length <= len(word) <= max_length)
    candidates = {word for word, count in as_word.items() if count >= min_count}
    as_text: Counter[str] = Counter()
    for line in lines:
        text = "".join(line)
        for length in range(min_length, max_length + 1):
            as_text.update(piece for piece in (text[s : s + length] for s in range(len(text) - length + 1))
                           if piece in candidates)
    return sorted(word for word in candidates if as_text[word] == as_word[word])


class WordMerger:
    """Join consecutive words that together spell a listed word (longest run first, left to right).

    Called on a list of words, like spacy-pkuseg's ``Postprocesser``; ``then``
    is another post-processor run on the result (pkuseg's dictionary merge).
    """

    def __init__(self, words: Iterable[str], then: Callable[[list[str]], list[str]] | None = None) -> None:
        self.words = frozenset(words)
        self.prefixes = frozenset(word[:end] for word in self.words for end in range(1, len(word)))
        self.then = then

    def __call__(self, sent: list[str]) -> list[str]:
        words, prefixes = self.words, self.prefixes
        out: list[str] = []
        i, n = 0, len(sent)
        while i < n:
            joined, last, j = sent[i], i, i + 1
            while j < n and joined in prefixes:
                joined += sent[j]
                if joined in words:
                    last = j
                j += 1
            out.append(sent[i] if last == i else "".join(sent[i : last + 1]))
            i = last + 1
        return self.then(out) if self.then is not None else out
