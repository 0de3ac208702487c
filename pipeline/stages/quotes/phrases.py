"""The subject noun phrase before a cue, read from part-of-speech tags (PKU's tag set).

A clause that introduces speech is, in the plain case, subject + adverbials + cue:
``外交部发言人沈国放 | 今天在记者招待会上 | 说``.  The subject is the run of words from the
clause start up to the first word that opens an adverbial (a time word ``t``, an adverb
``d``, a preposition ``p``, a conjunction ``c``), without what cannot end a noun phrase
(``的``, a verb left before 说 as in ``介绍说``).  Its last word, the head, says what kind of
source it is: a pronoun, a person's name, an organisation or place (countries act:
俄罗斯认为), a document or outlet (声明, 报道, 《…》), or a group or a person by description
(62%的总经理, 干休所的同志, 俄总统新闻秘书).  No list of names is needed; the word lists
that remain (documents, personal pronouns) name closed classes.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace

from pipeline.stages.quotes.lexicon import ACCORDING_TO, DOCUMENT_HEADS, FINDING_HEADS

#: Tags that open an adverbial after the subject: time words, adverbs, prepositions, conjunctions.
ADVERBIAL_TAGS = frozenset({"t", "d", "p", "c", "ad", "Dg", "Tg"})
#: Tags a noun phrase may end on (its head).
HEAD_TAGS = frozenset({"n", "nr", "ns", "nt", "nz", "nx", "r", "j", "Ng", "vn", "s", "k"})
#: Conjunctions that join nouns inside a subject; 和/与 may also open an adverbial (与记者交谈时), so a noun must follow.
NOUN_CONJUNCTIONS = frozenset({"和", "与", "及", "以及", "暨", "同", "、", "兼"})
#: Tags of words that may stand before a noun inside a phrase (numbers, measure words, adjectives).
MODIFIER_TAGS = frozenset({"m", "q", "a", "b", "f"})
#: Pronouns that stand for a speaker named elsewhere (resolved by coreference, or the writer of a letter).
PERSONAL_PRONOUNS = frozenset({"他", "她", "他们", "她们", "我", "我们"})
#: Pronouns that are a group themselves (大家认为); demonstratives (这, 其, 此) are no source (这表明).
GROUP_PRONOUNS = frozenset({"大家", "有人", "人们", "咱们", "你们", "有的", "不少人", "许多人"})
#: Words before the subject that are not part of it: 据新华社报道, 但他说, 而美方认为.
LEADING_TAGS = frozenset({"c", "d", "w"})
#: Punctuation that opens a phrase (《商业周刊》) rather than standing before it.
OPENING_MARKS = frozenset("《“")
#: A subject may list many places or bodies (参加座谈的北京、上海、天津、广东…体委和国家体委有关部门的负责人: 45).
MAX_SUBJECT_CHARS = 60
#: Words that close a frame of time or place (在…时, 在…中, …以来), which is an adverbial, never a subject.
FRAME_ENDS = frozenset({"时", "时候", "中", "后", "前", "上", "下", "以来", "期间", "之际", "里", "间"})
#: A preposition whose object is the source: 据新华社报道 (在他们看来 is the attributor's: 在 opens adverbials too).
SOURCE_PREPOSITIONS = frozenset(ACCORDING_TO)
#: An existential verb before the subject: 有报道说, 还有消息称, 有花店老板透露 (the source is what there is).
EXISTENTIALS = frozenset({"有", "还有", "也有", "另有"})


@dataclass(frozen=True)
class Word:
    """A word ``text`` at ``[start, end)`` of the article, with its PKU tag."""

    start: int
    end: int
    text: str
    tag: str


@dataclass(frozen=True)
class Subject:
    """A subject phrase ``[start, end)`` and the kind of source its head makes; ``name`` is a person's name in it."""

    start: int
    end: int
    kind: str
    name_start: int | None = None
    name_end: int | None = None


def _skip_leading(words: Sequence[Word]) -> int:
    """Index of the first word of the subject: after 但/而/同时, after 据 (据新华社报道: the source is inside),
    after an existential 有 before a noun (还有消息称) and after a time word fronted before the subject (昨天他表示,
    此前公司表示), unless a 的 follows it in the clause: the time word is then part of the phrase (今年的报告,
    会后发表的声明, 去年底召开的座谈会)."""
    i = 0
    while i < len(words) and (
        (words[i].tag in LEADING_TAGS and words[i].text not in OPENING_MARKS)
        or words[i].text in SOURCE_PREPOSITIONS
        or (words[i].tag == "t" and not any(word.text == "的" for word in words[i + 1 :]))
        or (words[i].text in EXISTENTIALS and i + 1 < len(words) and words[i + 1].tag in HEAD_TAGS | MODIFIER_TAGS)
    ):
        i += 1
    return i


def _modifies_next(words: Sequence[Word], i: int) -> bool:
    """Whether the word at ``i`` is a modifier inside the phrase (今年的报告, 去年发表的文章), not an adverbial."""
    return i + 1 < len(words) and words[i + 1].text == "的"


def _relative_clause_end(words: Sequence[Word], first: int) -> int:
    """Index of the last 的 when only nouns follow it to the cue (一位负责再就业工作的干部说): adverbs
    before it modify the relative clause, not the cue.  0 when the clause ends otherwise (在会上的讲话中说)."""
    last = max((i for i in range(first, len(words)) if words[i].text == "的"), default=-1)
    if last < first or last + 1 >= len(words):
        return 0
    tail = words[last + 1 :]
    if tail[-1].text in FRAME_ENDS:
        return 0  # 在重新评估…的影响时指出: a frame of time or place, not a relative clause
    if all(w.tag in HEAD_TAGS - {"s", "k"} or w.tag in {"m", "q", "a", "b"} for w in tail) and tail[-1].tag in HEAD_TAGS:
        return last
    return 0


def _joins_nouns(words: Sequence[Word], i: int, first: int) -> bool:
    """A conjunction between two nominals inside the subject (专家、学者及无党派人士), not one opening an adverbial."""
    return (
        words[i].text in NOUN_CONJUNCTIONS
        and i > first
        and words[i - 1].tag in HEAD_TAGS
        and i + 1 < len(words)
        and words[i + 1].tag in HEAD_TAGS | MODIFIER_TAGS
    )


def _noun_phrase(phrase: Sequence[Word]) -> bool:
    """No verb outside a relative clause (发表的一组文章): 欢迎大家, 执掌绿光资本 are verb phrases, not subjects."""
    for i, word in enumerate(phrase):
        if word.tag.startswith("v") and word.tag != "vn" and not any(w.text == "的" for w in phrase[i + 1 :]):
            return False
    return True


def kind_of_head(head: Word, phrase: str) -> str | None:
    """What source a phrase is, by its head word; None when it names none."""
    if head.tag == "r":
        if phrase == head.text and head.text in PERSONAL_PRONOUNS:
            return "pronoun"
        return "group" if head.text in PERSONAL_PRONOUNS | GROUP_PRONOUNS else None
    if head.tag == "nr":
        return "person"
    if head.text.endswith(FINDING_HEADS):
        return None  # 调查结果表明, 数据显示: evidence, not words said
    if head.tag in ("nt", "ns", "j"):
        return "org"
    if phrase.endswith("》") or head.text.endswith(DOCUMENT_HEADS):
        return "document"
    if head.tag in HEAD_TAGS:
        return "group"
    return None


#: Tags of words that can be a clause's subject or a verb's object.
NOMINAL_TAGS = frozenset({"n", "nr", "ns", "nt", "nz", "nx", "r", "j", "m", "vn", "Ng", "s"})


def is_clause(words: Sequence[Word]) -> bool:
    """Whether the words right after a cue are a reported clause, not the verb's noun object.

    A subject and its verb (透露宋仲基婚前常会光顾花店, 称猛龙的潜力依然很大) or a verb with an object
    (宣布建立…基金) is said; a bare object (表示感谢, 表示热烈欢迎和衷心感谢) is not.
    """
    content = [w for w in words if w.tag != "w"]
    subject_seen = False
    for i, word in enumerate(content):
        if word.tag in ("v", "vd") or (subject_seen and word.tag in ("a", "ad")):
            if subject_seen:
                return True  # 宋仲基婚前常光顾花店, 猛龙的潜力依然很大
            if i > 0 and _ends_in_a_modified_noun(content[i + 1 :]):
                return False  # 提出很中肯、很有见地的意见: the verb is inside the object's modifier
            return len(content) - i >= 3 and any(w.tag in NOMINAL_TAGS for w in content[i + 1 :])
        subject_seen = subject_seen or word.tag in NOMINAL_TAGS
    return False


def _ends_in_a_modified_noun(words: Sequence[Word]) -> bool:
    """Whether the words end with 的 and nouns only (…有见地的意见): a noun phrase's head after its modifier."""
    last_de = max((i for i, word in enumerate(words) if word.text == "的"), default=None)
    return last_de is not None and last_de + 1 < len(words) and all(w.tag in NOMINAL_TAGS for w in words[last_de + 1 :])


def _coordination_retagged(words: Sequence[Word]) -> list[Word]:
    """Coordination inside a subject read as such whatever the tagger made of it (rule coordinated_noun): a verb
    joined by 与/和/及 to the noun after it is a noun (德国研究与技术部长, 教育和科研单位: PKU tags it vn), and 兼
    between two nouns joins them (国务委员兼国防部长迟浩田), so that the subject runs on to the name."""
    retagged = []
    for i, word in enumerate(words):
        after = words[i + 1] if i + 1 < len(words) else None
        if word.tag == "v" and after is not None and (after.text, after.tag) in COORDINATING and i + 2 < len(words) and words[i + 2].tag in HEAD_TAGS:
            word = replace(word, tag="vn")
        elif word.text == CONCURRENTLY and 0 < i and after is not None and words[i - 1].tag in HEAD_TAGS and after.tag in HEAD_TAGS:
            word = replace(word, tag="c")
        retagged.append(word)
    return retagged


#: 与/和/及 tagged as conjunctions (as prepositions they open an adverbial: 与记者交谈时, 和朋友聊天).
COORDINATING = frozenset({("与", "c"), ("和", "c"), ("及", "c"), ("以及", "c")})
#: Between two titles, one person holding both (国务委员兼国防部长).
CONCURRENTLY = "兼"


def subject_phrase(words: Sequence[Word]) -> Subject | None:
    """The subject of a clause that ends right before a cue, or None when the clause has no nominal subject."""
    words = _coordination_retagged(words)
    first = _skip_leading(words)
    end = first
    relative_end = _relative_clause_end(words, first)
    while end < len(words) and (
        words[end].tag not in ADVERBIAL_TAGS
        or end < relative_end
        or _modifies_next(words, end)
        or _joins_nouns(words, end, first)
    ):
        end += 1
    while end > first and (words[end - 1].tag not in HEAD_TAGS and words[end - 1].text != "》"):
        end -= 1  # 介绍说: the verb before 说 is no part of the subject; nor a 的 left at the end
    if end == first:
        return None
    phrase_words = words[first:end]
    if phrase_words[0].tag in ("u", "w") and phrase_words[0].text not in OPENING_MARKS:
        return None  # 的建设要求: the clause was cut inside a phrase
    if not _noun_phrase(phrase_words):
        return None
    start, stop = phrase_words[0].start, phrase_words[-1].end
    if stop - start > MAX_SUBJECT_CHARS:
        return None
    head = next(w for w in reversed(phrase_words) if w.tag in HEAD_TAGS or w.text == "》")
    phrase = "".join(w.text for w in phrase_words)
    kind = kind_of_head(head, phrase)
    if kind is None:
        return None
    names = [w for w in phrase_words if w.tag == "nr"]
    if kind == "person" and names:
        # the last run of nr words is the name (市长马懿; PKU cuts 江/nr 泽民/nr)
        last = len(phrase_words) - 1
        while phrase_words[last].tag != "nr":
            last -= 1
        begin = last
        while begin > 0 and phrase_words[begin - 1].tag == "nr":
            begin -= 1
        return Subject(start, stop, kind, phrase_words[begin].start, phrase_words[last].end)
    return Subject(start, stop, kind)


#: Tags of the words before a cue in a clause that has no subject of its own (同时许诺, 公开批评, 还不避讳).
PREDICATE_TAGS = frozenset({"v", "vd", "d", "ad", "c"})


def lacks_subject(words: Sequence[Word]) -> bool:
    """Whether a clause has nothing but its predicate before the cue (…走上街头，要求政府…; …，同时许诺…):
    its subject is an earlier clause's.  A noun or a preposition there (在会上发表讲话说) may be a subject or
    an adverbial's object; such a clause is left alone."""
    return all(word.tag in PREDICATE_TAGS or word.tag == "w" for word in words)


def _opens_predicate(words: Sequence[Word], k: int) -> bool:
    """Whether the verb or adverbial at ``k`` opens the clause's predicate, not a relative clause inside its
    subject (参加座谈的…负责人|在…: a 的 and its head noun follow, then the predicate)."""
    tag = words[k].tag
    if tag not in ADVERBIAL_TAGS and not (tag.startswith("v") and tag != "vn"):
        return False
    j = k + 1
    while j < len(words) and words[j].text != "的" and words[j].tag not in ADVERBIAL_TAGS:
        j += 1
    if j >= len(words) or words[j].text != "的":
        return True
    j += 1
    while j < len(words) and (words[j].tag in HEAD_TAGS or words[j].tag in MODIFIER_TAGS):
        j += 1
    return j >= len(words)  # 熊清泉|受省委的委托: the 的 phrase is the verb's object, running to the clause end


def leading_subject(words: Sequence[Word]) -> Subject | None:
    """The subject noun phrase a whole clause opens with, before its predicate (法国各地成千上万的失业者|走上街头;
    原湖南省委书记熊清泉|受省委的委托), or None when the clause opens otherwise."""
    first = _skip_leading(words)
    for k in range(first + 1, len(words)):
        if _opens_predicate(words, k):
            return subject_phrase(words[:k])
    return None


#: Tags of the nouns a noun chain is made of (no pronouns, no verbal nouns).
CHAIN_TAGS = frozenset({"n", "nr", "nx", "nz", "nt", "ns", "j", "k", "Ng"})
#: Tags that may stand between a subject and its cue at the end of a clause (还, 周三).
TRAILING_TAGS = frozenset({"d", "ad", "t"})


def nearest_nouns(words: Sequence[Word]) -> Subject | None:
    """The run of nouns nearest the cue, for a clause that is no noun phrase as a whole: the head of a
    relative clause (执掌绿光资本的对冲基金大佬David Einhorn表示) or whom a source cites (CNBC援引证券律师表示).
    None when the run is a preposition's object (对记者表示) or there is none."""
    end = len(words)
    while end > 0 and words[end - 1].tag in TRAILING_TAGS:
        end -= 1
    start = end
    while start > 0 and words[start - 1].tag in CHAIN_TAGS:
        start -= 1
    if start == end or (start > 0 and words[start - 1].tag == "p"):
        return None
    chain = words[start:end]
    if chain[-1].tag not in ("nr", "nx"):
        return None  # only a name is sure to be the speaker when the clause is no noun phrase
    if chain[-1].end - chain[0].start > MAX_SUBJECT_CHARS:
        return None
    kind = kind_of_head(chain[-1], "".join(w.text for w in chain))
    if kind is None:
        return None
    names = [w for w in chain if w.tag == "nr"]
    if kind == "person" and names:
        return Subject(chain[0].start, chain[-1].end, kind, names[0].start, names[-1].end)
    return Subject(chain[0].start, chain[-1].end, kind)


BatchTagger = Callable[[list[list[str]]], list[list[str]]]
#: The PKU tag of a recogniser's name, by its label: a person's name, an organisation's.
NAME_TAGS = {"PERSON": "nr", "ORG": "nt"}


class TaggedText:
    """An article's words (the segmenter's spans), tagged on demand, only in the clauses before cues.

    ``names`` (a recogniser's PERSON and ORG spans, with their labels) are made words of their own, tagged as names
    (rule names_whole: 伦纳|德称 -> 伦纳德/nr|称).

    ``tag`` tags many word lists at once (:func:`pipeline.core.pos.tag_many`); :meth:`prepare` hands it
    every clause of a document in one call, which costs far less than a call per clause.
    """

    def __init__(
        self,
        text: str,
        word_spans: Sequence[Sequence[int]],
        tag: BatchTagger,
        names: Sequence[tuple[int, int, str]] = (),
        cue_starts: Sequence[int] = (),
    ) -> None:
        self.text = text
        latin_runs = [match.span() for match in _ASCII_ALNUM_RUN.finditer(text)]
        spans = sorted([(int(start), int(end)) for start, end in word_spans])
        if latin_runs:  # most Chinese text has a few digits at least; a text without any needs neither pass
            spans = _split_scripts(text, _joined_latin(spans, latin_runs), latin_runs)
        spans = _cut_at(spans, cue_starts)
        self.spans = _names_whole(spans, [(start, end) for start, end, _ in names])
        self.name_tags = {(start, end): NAME_TAGS.get(label, "nz") for start, end, label in names}
        self.starts = [start for start, _ in self.spans]
        self.tag = tag
        self.tagged: dict[tuple[int, int], list[Word]] = {}

    def is_word(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` is one of the segmenter's words."""
        at = bisect_left(self.starts, start)
        return at < len(self.spans) and self.spans[at] == (start, end)

    def _inside(self, start: int, end: int) -> list[tuple[int, int]]:
        inside = []
        for span_start, span_end in self.spans[bisect_left(self.starts, start) :]:
            if span_start >= end:
                break
            if span_end <= end and not self.text[span_start:span_end].isspace():
                inside.append((span_start, span_end))
        return inside

    def prepare(self, windows: Sequence[tuple[int, int]]) -> None:
        """Tag the words of all these ``(start, end)`` windows in one call."""
        todo = [window for window in dict.fromkeys(windows) if window not in self.tagged]
        spans = [self._inside(start, end) for start, end in todo]
        texts = [[self.text[s:e] for s, e in inside] for inside in spans]
        for window, inside, words, tags in zip(todo, spans, texts, self.tag(texts) if todo else [], strict=True):
            self.tagged[window] = [
                Word(s, e, word, self.name_tags.get((s, e), tag)) for (s, e), word, tag in zip(inside, words, tags, strict=True)
            ]

    def words(self, start: int, end: int) -> list[Word]:
        """The tagged words lying wholly inside ``[start, end)``."""
        if (start, end) not in self.tagged:
            self.prepare([(start, end)])
        return self.tagged[(start, end)]


# A Latin letter or digit as the segmenter's view keeps them (ASCII: the pipeline folds full-width ones first).
_ASCII_ALNUM = re.compile("[A-Za-z0-9]")
_ASCII_ALNUM_RUN = re.compile("[A-Za-z0-9]+")


def _joined_latin(spans: list[tuple[int, int]], latin_runs: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Words cut inside a run of Latin letters or digits (Face|book) joined again: a name is one word.
    ``latin_runs``: the text's runs of Latin letters and digits, in order.  Only the words a run touches are
    looked at (:func:`_by_ranges`): a cut inside a run has a word of that run on each side."""
    run_starts = [run_start for run_start, _ in latin_runs]
    joined: list[tuple[int, int]] = []
    for touched, words in _by_ranges(spans, latin_runs):
        if not touched:
            joined += words
            continue
        for start, end in words:
            run = bisect_right(run_starts, start) - 1  # the last run starting at or before the word
            if joined and joined[-1][1] == start and run >= 0 and run_starts[run] < start < latin_runs[run][1]:
                joined[-1] = (joined[-1][0], end)
            else:
                joined.append((start, end))
    return joined


#: A word is cut where a run of this many Latin letters meets this many Han characters (CEO|马化腾, iPhone|手机):
#: the segmenter's mixed words are a title and a name more often than one word (T恤 and A股 keep whole).
MIN_SCRIPT_RUN = 2


def _script_runs(word: str) -> list[tuple[int, int, bool]]:
    """``(start, end, latin)`` runs of a word, Latin letters and digits apart from everything else."""
    runs: list[tuple[int, int, bool]] = []
    for i, ch in enumerate(word):
        latin = bool(_ASCII_ALNUM.match(ch))
        if runs and runs[-1][2] == latin:
            runs[-1] = (runs[-1][0], i + 1, latin)
        else:
            runs.append((i, i + 1, latin))
    return runs


def _by_ranges(
    spans: list[tuple[int, int]], ranges: Sequence[tuple[int, int]]
) -> Iterator[tuple[bool, list[tuple[int, int]]]]:
    """The words in order, in runs: ``(True, words)`` that some range overlaps, ``(False, words)`` that none does.
    ``spans`` and ``ranges`` each in order and disjoint.  The runs no range touches, most of a document, pass
    as slices, not a word at a time."""
    starts = [start for start, _ in spans]
    ends = [end for _, end in spans]
    done = 0
    for range_start, range_end in ranges:
        low = max(done, bisect_right(ends, range_start))  # the first word ending after the range starts
        high = max(low, bisect_left(starts, range_end, low))  # the first word starting where it ends or later
        if low > done:
            yield False, spans[done:low]
        if high > low:
            yield True, spans[low:high]
        done = high
    if done < len(spans):
        yield False, spans[done:]


def _split_scripts(text: str, spans: list[tuple[int, int]], latin_runs: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Words mixing a Latin run and a Han run, each at least :data:`MIN_SCRIPT_RUN` long, cut between them.
    ``spans`` in order; ``latin_runs``: the text's runs of Latin letters and digits, in order."""
    cut: list[tuple[int, int]] = []
    for touched, words in _by_ranges(spans, latin_runs):
        if not touched:  # most words: no Latin run to cut at
            cut += words
            continue
        for start, end in words:
            runs = _script_runs(text[start:end])
            if len(runs) > 1 and all(b - a >= MIN_SCRIPT_RUN for a, b, _ in runs):
                cut += [(start + a, start + b) for a, b, _ in runs]
            else:
                cut.append((start, end))
    return cut


def _cut_at(spans: list[tuple[int, int]], cuts: Sequence[int]) -> list[tuple[int, int]]:
    """Words cut at these positions where one runs across them (rule cue_word_cut: 粉丝留言， with the cue 留言 ->
    粉丝|留言: the cue before its punctuation is a word of its own).  ``spans`` in order."""
    if not cuts:
        return spans
    ends = [end for _, end in spans]
    cut = list(spans)
    for position in sorted(set(cuts), reverse=True):
        at = bisect_right(ends, position)  # the first word ending after the position
        if at < len(cut) and cut[at][0] < position < cut[at][1]:
            start, end = cut[at]
            cut[at : at + 1] = [(start, position), (position, end)]
    return cut


def _names_whole(spans: list[tuple[int, int]], names: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Words re-cut so that each name is one word: words inside it merge, a word across its edge is cut there
    (伦纳|德称 with the name 伦纳德 -> 伦纳德|称).  Names overlapping each other are left as the words are.

    A document has hundreds of words and dozens of names, and most words touch none: only the words a name
    overlaps are looked at one by one (:func:`_by_ranges`)."""
    ordered = sorted(set(names))
    kept: list[tuple[int, int]] = []
    reach = -1  # the furthest end of the names before
    for index, (start, end) in enumerate(ordered):
        overlaps_before = reach > start
        overlaps_after = index + 1 < len(ordered) and ordered[index + 1][0] < end
        if not overlaps_before and not overlaps_after:
            kept.append((start, end))
        reach = max(reach, end)
    if not kept:
        return spans
    kept_starts = [start for start, _ in kept]
    kept_ends = [end for _, end in kept]
    out: list[tuple[int, int]] = []
    for touched, words in _by_ranges(spans, kept):
        if not touched:  # most words: no name touches them
            out += words
            continue
        for start, end in words:
            touching = kept[bisect_right(kept_ends, start) : bisect_left(kept_starts, end)]
            inner = sorted({edge for name in touching for edge in name if start < edge < end})
            for piece in zip([start, *inner], [*inner, end], strict=True):
                if not any(name_start <= piece[0] and piece[1] <= name_end for name_start, name_end in touching):
                    out.append(piece)  # not inside a name
    return sorted([*out, *kept])
