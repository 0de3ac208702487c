"""Cue finder: the verbs that introduce speech, told apart from the same words used otherwise.

A cue counts only when what follows it opens speech: punctuation (``指出，``,
``说：``), a quote mark (``说“``), the end of a sentence right after a quote
(``”他说。``) or, in a headline, the content itself (``会议强调 深化认识``).
``基本要求``, ``总要求``, ``的要求``, ``据介绍`` and words like ``小说``/``简称`` are not cues.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from pipeline.stages.quotes.lexicon import (
    ACCORDING_CUES,
    ACCORDING_TO,
    ADDRESSEE_CUES,
    ADDRESSEES,
    CUE_VERBS,
    HEADLINE_CUES,
    NEGATIONS,
    NOMINAL_CUES,
    NOT_CUE_BEFORE,
    NOUN_ADJECTIVES,
    NOUN_MARKERS,
    OPENING_PUNCT,
    PASSIVE_MARKERS,
    QUOTE_OPEN,
    SAYING_SUFFIX,
    SENTENCE_END,
    SHIPPED_WORDS,
    SPEAKING_FRAMES,
    TELLING_CUES,
    QuoteWords,
    cue_class,
)
from pipeline.stages.quotes.phrases import HEAD_TAGS, Word
from pipeline.stages.quotes.spans import Paragraph, after_unit_gap

ADDRESSEE_RE = re.compile(ADDRESSEES)
#: Whom a telling cue tells: any short phrase before the punctuation (告诉CNBC，, 告诉本报记者，).
TOLD_RE = re.compile(r"[^，,：:。；;“”\n]{1,12}?(?=[，,：:])")
HEADLINE_MAX_CHARS = 80
#: After a cue, these open no reported clause: 说的话, 解释了什么叫做… (an aspect mark: the verb takes an object).
NOT_COMPLEMENT_START = frozenset("的得地了过着”）)》、；;")
COMPLEMENT_STOPS = frozenset("，,。！？!?；;：:\n")
_SPEAKING_FRAME_ENDS = tuple(SPEAKING_FRAMES)  # for str.endswith


#: 应 + whose request (应记者要求, 应中方的邀请): a frame of the clause, the request no speech of the speaker's.
REQUEST_FRAME_RE = re.compile(r"应[^，,。；;：:“”\n]{1,15}$")
REQUEST_CUES = frozenset({"要求", "请求", "建议", "倡议", "提议"})


@dataclass(frozen=True)
class Cue:
    """A cue word at ``[start, end)``; speech opens at ``opens``.

    ``mark`` says what follows: ``"punct"`` (，/：), ``"quote"`` (“), ``"stop"``
    (。 after a quote), ``"headline"`` (no punctuation, in a headline) or ``"clause"`` (words
    straight after the verb: 透露宋仲基婚前…; speech only if those words make a clause, which
    the attributor decides from their part-of-speech tags).
    """

    start: int
    end: int
    text: str
    opens: int
    mark: str
    rule: str | None = None  # how a cue outside the lexicon was found (``colon_quote_verb``)


def is_headline(text: str, para: Paragraph) -> bool:
    """A short paragraph with no sentence-final punctuation (a headline or subheadline)."""
    body = text[para.start : para.end]
    return len(body) <= HEADLINE_MAX_CHARS and not any(ch in body for ch in SENTENCE_END + "，,")


def used_as_cue(text: str, start: int, word: str, para_start: int) -> bool:
    """False when the word is a noun, part of another word, passive or negated (基本要求, 的要求, 据介绍, 小说, 被要求,
    没有透露)."""
    before = text[para_start:start]
    if word in ACCORDING_CUES:
        clause = re.split(r"[，,。；;：:！？!?“”]", before)[-1]
        clause = clause[after_unit_gap(clause, 0, len(clause)) :].lstrip(" \u3000")
        # rule according_to: 据新华社消息，, 根据乔·帕克的说法， (a 的 before the noun is the frame's), not 据消息
        return clause.startswith(ACCORDING_TO) and not before.endswith(ACCORDING_TO)
    if any(before.endswith(marker) for marker in NOUN_MARKERS + PASSIVE_MARKERS):
        return False
    if before.endswith(NEGATIONS):
        return False  # rule negated_cue: 并未说明, 没有透露, 不相信 report no words
    if word in NOMINAL_CUES and any(before.endswith(adjective) for adjective in NOUN_ADJECTIVES):
        return False
    if word.startswith(tuple(NOMINAL_CUES)) and len(word) > 2 and before.endswith("有"):
        return False  # 有报道说: what there is, the source of the 说 inside (rule existential_source)
    if word in REQUEST_CUES and REQUEST_FRAME_RE.search(before):
        return False  # rule at_the_request_of: 在应记者要求…时, 应主人的请求: whose request it answers, not a cue
    if before.endswith(_SPEAKING_FRAME_ENDS):
        return True  # 发表讲话说: the speech given, then its cue (not 话说, nor 报告 the noun)
    return not any(before.endswith(prefix) for prefix in NOT_CUE_BEFORE.get(word, ()))


def _inner_cue(word: str, known: frozenset[str]) -> str | None:
    """The longest cue that ends a longer one (报道说 -> 说), tried when the longer is a noun phrase's end."""
    return next((word[i:] for i in range(1, len(word)) if word[i:] in known), None)


#: A manner complement between a verb of saying and a colon (说得好：, 讲得在理：, 说得更透彻：): rule manner_complement.
#: Only before a colon: before a comma it is as often a comment on how something was said (说得神乎其神，).
MANNER_COMPLEMENT_RE = re.compile("得[\u4e00-\u9fff]{1,4}[：:]")
MANNER_COMPLEMENT = "manner_complement"
#: Cue classes that take a manner complement before what was said.
MANNER_CLASSES = frozenset({"say", "write"})


def find_cues(text: str, paras: list[Paragraph], words: QuoteWords = SHIPPED_WORDS) -> list[Cue]:
    """Every cue in the article, in text order (``words``: the cue verbs, learnt ones included)."""
    cues: list[Cue] = []
    known = frozenset(CUE_VERBS) | words.learnt_cues
    for para in paras:
        headline = is_headline(text, para)
        for match in words.cue_re.finditer(text, para.start, para.end):
            word, start = match.group(), match.start()
            if not used_as_cue(text, start, word, para.start):
                inner = _inner_cue(word, known)
                if inner is None or not used_as_cue(text, match.end() - len(inner), inner, para.start):
                    continue
                word, start = inner, match.end() - len(inner)  # 新华社的报道说: 报道 the noun, 说 the cue
            pos = match.end()
            if text.startswith(SAYING_SUFFIX, pos) and pos + 1 < para.end and text[pos + 1] in OPENING_PUNCT + QUOTE_OPEN:
                pos += 1  # rule cue_with_dao: 补充道：, 解释道，, 回答道“ (道 says the verb introduces words)
                word = text[start:pos]
            rule = None
            manner = MANNER_COMPLEMENT_RE.match(text, pos, para.end)
            if manner and cue_class(word) in MANNER_CLASSES:
                pos, rule = manner.end() - 1, MANNER_COMPLEMENT  # 说得好：“…”, 讲得在理：: the colon opens the speech
            if word in ADDRESSEE_CUES:
                addressee = (TOLD_RE if word in TELLING_CUES else ADDRESSEE_RE).match(text, pos, para.end)
                if addressee and addressee.end() < para.end and text[addressee.end()] in OPENING_PUNCT:
                    pos = addressee.end()
            following = text[pos] if pos < para.end else ""
            if following and following in OPENING_PUNCT:
                opens = pos + 1
                while opens < para.end and text[opens] in " \u3000":
                    opens += 1
                cues.append(Cue(start, start + len(word), word, opens, "punct", rule))
            elif following == QUOTE_OPEN:
                cues.append(Cue(start, start + len(word), word, pos, "quote"))
            elif following and following in SENTENCE_END:
                cues.append(Cue(start, start + len(word), word, pos, "stop"))
            elif headline and word in HEADLINE_CUES:
                opens = pos
                while opens < para.end and text[opens] in " \u3000":
                    opens += 1
                cues.append(Cue(start, match.end(), word, opens, "headline"))
            elif following and following not in NOT_COMPLEMENT_START and not following.isspace():
                cues.append(Cue(start, match.end(), word, pos, "clause"))
    return cues


def complement_end(text: str, cue: Cue) -> int:
    """Where the words right after a ``clause`` cue end: the next clause punctuation or line end."""
    end = cue.opens
    while end < len(text) and text[end] not in COMPLEMENT_STOPS:
        end += 1
    return end


#: ``：“`` after a verb: the verb introduces the quotation whatever it is (爆料：“…”, 留言：“…”).
COLON_QUOTE_RE = re.compile("[：:]" + QUOTE_OPEN)
#: Verbs that introduce what a thing is, not words said: 理由是：“…”, 口号为：“…”.
COPULAS = frozenset({"是", "为", "有", "叫"})


def colon_quote_verbs(text: str, paras: list[Paragraph], known: list[Cue], words_before: Callable[[int], list[Word]]) -> list[Cue]:
    """Cues outside the lexicon: a verb right before ``：“`` (rule ``colon_quote_verb``).  ``words_before(pos)``
    gives the tagged words of the clause ending at ``pos``; the last must be a verb, not a verbal noun, or a
    verb's object right after it (叮嘱他：“…”: on unlabelled articles the speaker so found was right 7 of 8
    times in pd1998 train and 12 of 15 in modern news; the wrong ones were the source's phrase cut wrong)."""
    taken = {cue.end for cue in known} | {cue.opens - 1 for cue in known}
    found = []
    for para in paras:
        for match in COLON_QUOTE_RE.finditer(text, para.start, para.end):
            colon = match.start()
            if colon in taken or colon == para.start:
                continue
            words = words_before(colon)
            if not words or words[-1].end != colon:
                continue
            verb = words[-1]
            if verb.tag in HEAD_TAGS and len(words) >= 2 and words[-2].end == verb.start:
                verb = words[-2]  # the verb and its object (叮嘱他：“…”, 吐出心声：“…”)
            if verb.tag in ("v", "vd") and verb.text not in COPULAS and used_as_cue(text, verb.start, verb.text, para.start):
                found.append(Cue(verb.start, verb.end, verb.text, colon + 1, "punct", "colon_quote_verb"))
    return found
