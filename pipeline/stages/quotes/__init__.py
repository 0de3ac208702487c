"""Quote attribution (PARC 3.0 / citron model): who said what, as cue, source and content spans.

Stages, each a module: ``cues`` (the cue lexicon in ``lexicon``), ``content``,
``sources``, ``coref`` (pronouns) and ``slogans`` (quoted terms that are not speech);
``attribute`` chains them over a whole article.
"""

from pipeline.stages.quotes.attribute import KINDS, attribute_quotes

__all__ = ["KINDS", "attribute_quotes"]
