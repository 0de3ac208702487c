"""Source finder: who stands before a cue (a person, pronoun, organisation, group or document).

The source is the subject of the cue's clause: the phrase from the clause start up to
the first adverbial (在会上, 今天, 对记者, 也 …).  A title chain before a name is not
part of the speaker (市委副书记、市长马懿 -> 马懿).  Entities from the NER are used when
present; without them, a title followed by a name, a name seen before, or a head word
(们, 部, 意见 …) still finds the source.
"""

from __future__ import annotations

import re
from collections.abc import Set
from dataclasses import dataclass, replace
from typing import Any

from pipeline.core.text_tables import OPENING_OF
from pipeline.stages.quotes.lexicon import (
    ACCORDING_TO,
    ADVERBIAL_START_RE,
    CREDIT_AFTER_DATELINE_RE,
    DATELINE_RE,
    DOCUMENT_HEADS,
    FINDING_HEADS,
    GROUP_HEADS,
    LEADING_CONNECTIVE_RE,
    NAME_STOP_CHARS,
    ORG_HEADS,
    PRE_SAY_RE,
    PRONOUNS,
    QUOTE_CLOSE,
    QUOTE_OPEN,
    SENTENCE_END,
    SPEAKING_FRAMES,
    SURNAMES,
    TITLE_NAME_RE,
)
from pipeline.stages.quotes.phrases import (
    PREDICATE_TAGS,
    Subject,
    TaggedText,
    Word,
    lacks_subject,
    leading_subject,
    nearest_nouns,
    subject_phrase,
)
from pipeline.stages.quotes.spans import after_unit_gap

CLAUSE_BOUNDARIES = SENTENCE_END + "；;，,：:）)\n" + QUOTE_OPEN + QUOTE_CLOSE
MAX_SOURCE_CHARS = 30
#: Characters that make a compound with the title before them (主席国, 主席团, 委员会), not a name.
TITLE_COMPOUND_CHARS = frozenset("国团会部处")
#: ``一位叫庞增福的工人``: a named member of a group speaks as that person.
NAMED_RE = re.compile(r"(?:名叫|叫做|叫)([\u4e00-\u9fff]{2,3})的[\u4e00-\u9fff]{1,4}$")
SOURCE_KINDS = ("person", "pronoun", "org", "group", "document")


@dataclass(frozen=True)
class Source:
    """The source mention ``text[start:end]``; ``name`` is who it is (a pronoun's antecedent)."""

    start: int
    end: int
    text: str
    kind: str
    name: str | None
    rule: str | None = None  # the fallback that found it, when not the subject phrase (``nearest_nouns``)


def clause_start(text: str, pos: int) -> int:
    """Index just after the last clause boundary before ``pos``; a parenthesis after a word is no boundary
    (卢克泰勒（Luke Taylor）周三告诉: the gloss stands inside the clause)."""
    i = pos - 1
    while i >= 0 and text[i] not in CLAUSE_BOUNDARIES:
        i -= 1
    if i > 0 and text[i] in OPENING_OF:  # of the boundaries, ） and ) close a bracket
        opened = text.rfind(OPENING_OF[text[i]], 0, i)
        if opened > 0 and "\n" not in text[opened:i] and text[opened - 1] not in CLAUSE_BOUNDARIES + " \u3000":
            return clause_start(text, opened)
    return i + 1


def outside_brackets(words: list[Word]) -> list[Word]:
    """The words not inside a parenthesis (a foreign name's gloss, 以下简称…), which is no part of a subject."""
    kept, depth = [], 0
    for word in words:
        if word.text in ("（", "("):
            depth += 1
        elif word.text in ("）", ")") and depth:
            depth -= 1
        elif not depth:
            kept.append(word)
    return kept


def clause_window(text: str, cue_start: int) -> tuple[int, int]:
    """Where the subject of the cue at ``cue_start`` may be: its clause, past a story's dateline."""
    return after_dateline(text, clause_start(text, cue_start)), cue_start


def after_dateline(text: str, start: int) -> int:
    """Past a story's dateline and credit when a clause opens a paragraph with them (新华社曼谷１月１６日电 泰国…)."""
    if start and text[start - 1] != "\n":
        return start
    dateline = DATELINE_RE.match(text, start)
    if dateline is None:
        return start
    return CREDIT_AFTER_DATELINE_RE.match(text, dateline.end()).end()


def _entities_in(entities: list[dict[str, Any]], start: int, end: int, label: str) -> list[dict[str, Any]]:
    return [e for e in entities if e["label"] == label and start <= e["start"] and e["end"] <= end]


def _inside_entity(entities: list[dict[str, Any]], pos: int) -> bool:
    return any(e["start"] < pos < e["end"] for e in entities)


def head_phrases(text: str, start: int, end: int, entities: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """Candidate subject phrases of a clause ``[start, end)``, shortest first.

    Each candidate ends where an adverbial (在会上, 今天, 对记者, 也 …) may begin; the
    whole clause comes last.  Single characters like 就/同/对 also occur inside nouns
    (再就业, 同志), so the caller keeps the first candidate that makes a source.
    """
    connective = LEADING_CONNECTIVE_RE.match(text, start, end)
    if connective:
        start = connective.end()
    while start < end:  # 据, 根据 and an opening title mark stand before the source
        preposition = next((p for p in ACCORDING_TO if text.startswith(p, start)), None)
        if preposition is None and text[start] not in "《 \u3000":
            break
        start += len(preposition) if preposition else 1
    cuts = [
        pos
        for pos in range(start + 1, end)
        if ADVERBIAL_START_RE.match(text, pos, end) and not _inside_entity(entities, pos)
    ]
    before_say = PRE_SAY_RE.search(text, start, end)
    if before_say and before_say.start() > start and not _inside_entity(entities, before_say.start()):
        cuts.append(before_say.start())
    phrases = []
    for cut in sorted(set(cuts)) + [end]:
        phrase_end = cut
        while phrase_end > start and text[phrase_end - 1] in "》 \u3000的":  # 的 of 据路透社的说法
            phrase_end -= 1
        if phrase_end > start:
            phrases.append((start, phrase_end))
    return phrases


def title_names(text: str) -> list[tuple[int, int]]:
    """Names after a title (市长马懿, 市委书记吴天君), found without a model."""
    found = []
    for match in TITLE_NAME_RE.finditer(text):
        start, end = match.span(1)
        if text[start] not in SURNAMES or text[start] in TITLE_COMPOUND_CHARS or text[start + 1] in NAME_STOP_CHARS:
            continue
        if text[end - 1] in NAME_STOP_CHARS:
            end -= 1
        found.append((start, end))
    return found


def classify_phrase(phrase: str, orgs_ending_here: bool, learnt: Set[str] = frozenset()) -> str | None:
    """The source kind of a head phrase without a person in it, or None if it is no source.

    ``learnt``: sources reviewers taught; a phrase ending with one is a group (平台客服).
    """
    if not phrase or len(phrase) > MAX_SOURCE_CHARS:
        return None
    if phrase in PRONOUNS:
        return "pronoun"
    if phrase.endswith(FINDING_HEADS):
        return None
    if any(phrase.endswith(source) for source in learnt):
        return "group"
    if phrase.endswith(DOCUMENT_HEADS):
        return "document"
    if phrase.endswith(GROUP_HEADS):
        return "group"
    if orgs_ending_here or phrase.endswith(ORG_HEADS):
        return "org"
    return None


def find_source(
    text: str,
    cue_start: int,
    entities: list[dict[str, Any]],
    known_names: set[str],
    *,
    look_back: int = 2,
    tagged: TaggedText | None = None,
    learnt: Set[str] = frozenset(),
    quotation_follows: bool = False,
) -> Source | None:
    """The source of the cue at ``cue_start``; an empty clause (``…，并强调``) looks one clause back.

    With ``tagged`` words the source is the clause's subject noun phrase (:mod:`.phrases`);
    without them, or when the tags find no subject, head words and names find it.
    ``learnt``: sources reviewers taught (groups).  ``quotation_follows``: the cue introduces words in “ ”.

    A headline or dateline a space parts from the story on its line (…诉讼案中国侨网10月25日电 据美国《星岛日报》报道)
    is no part of the subject: the part after the space is read first, the whole clause when it names no source.
    """
    whole, _ = clause_window(text, cue_start)
    start = after_unit_gap(text, whole, cue_start)
    if start > whole:
        source = _clause_source(text, start, cue_start, entities, known_names, look_back, tagged, learnt, quotation_follows)
        if source is not None:  # rule after_unit_gap, named on what it found
            return replace(source, rule=f"{source.rule}+{AFTER_UNIT_GAP}" if source.rule else AFTER_UNIT_GAP)
    return _clause_source(text, whole, cue_start, entities, known_names, look_back, tagged, learnt, quotation_follows)


AFTER_UNIT_GAP = "after_unit_gap"  # the source was found past a headline or dateline on the story's line

#: Verbs that make someone do what follows (《中国诗词大会》让不少网友纷纷感叹“…”): the cue's speaker is who they make speak.
CAUSATIVES = frozenset({"让", "令", "使", "叫", "引得", "惹得", "逗得"})
#: Whom a causative makes speak when it is anyone at all (让人感叹, 令人担心): a feeling described, no one's words.
GENERIC_CAUSEES = frozenset({"人", "人们", "人家"})
#: What may stand between whom a causative makes speak and the cue: adverbs and verbs (羡慕说, 非常崩溃并直呼).
CAUSED_PREDICATE_TAGS = PREDICATE_TAGS | {"a"}


def _causee(words: list[Word]) -> tuple[list[Word], Subject] | None:
    """The words after the clause's last causative verb (让/令/使 as a word of its own) and their subject, when
    only the predicate stands between it and the cue (让粉丝特别担心：; not 让大家争吵个不停的罗斯…抱怨)."""
    at = max((i for i, word in enumerate(words) if word.text in CAUSATIVES), default=None)
    after = words[at + 1 :] if at is not None else []
    relative = any(word.text == "的" and any(w.tag.startswith("v") for w in after[:k]) for k, word in enumerate(after))
    subject = subject_phrase(after) if after and not relative else None  # 让大家争吵的罗斯: the causative's clause modifies
    if subject is None:
        return None
    predicate = [word for word in after if word.start >= subject.end]
    return (after, subject) if all(word.tag in CAUSED_PREDICATE_TAGS for word in predicate) else None


def _clause_source(
    text: str,
    start: int,
    cue_start: int,
    entities: list[dict[str, Any]],
    known_names: set[str],
    look_back: int,
    tagged: TaggedText | None,
    learnt: Set[str],
    quotation_follows: bool = False,
) -> Source | None:
    """The source of the cue at ``cue_start`` in the clause from ``start`` (:func:`find_source`)."""
    if text.startswith("在", start) and text.startswith("看来", cue_start):
        start += 1  # 在查永恩看来: the source stands inside 在…看来
    if tagged is not None:
        words = outside_brackets(tagged.words(start, cue_start))
        causee = _causee(words)
        if causee is not None:  # rule causee: who is made to say words in “ ” says them (让不少网友羡慕说：“…”);
            after, made_to_speak = causee
            if not quotation_follows or after[0].text in GENERIC_CAUSEES:  # a feeling or belief caused (让球迷担心，
                return None  # 让人感叹) is no one's speech
            return replace(_subject_source(text, _stretched(made_to_speak, entities, cue_start), entities), rule="causee")
        subject = subject_phrase(words)
        if subject is not None:
            return _subject_source(text, _stretched(subject, entities, cue_start), entities)
        nearest = nearest_nouns(words)
        if nearest is not None:
            return replace(_subject_source(text, _stretched(nearest, entities, cue_start), entities), rule="nearest_nouns")
        leading = leading_subject(words) if words and words[-1].text in SPEAKING_FRAMES else None
        if leading is not None:  # 俄罗斯外交部|发表声明说, 朱邦造|接受采访时说: the act of speaking or its time before the cue
            return replace(_subject_source(text, _stretched(leading, entities, cue_start), entities), rule="subject_before_predicate")
        # 在会上发表讲话说: a clause that opens with a preposition and ends with the speech given has its subject
        # in an earlier clause of the sentence (熊清泉受…委托，|在会上发表讲话说), never in its adverbial
        framed = bool(words) and words[0].tag == "p" and words[-1].text in SPEAKING_FRAMES
        if look_back and (lacks_subject(words) or framed):
            earlier = _earlier_subject(text, start, entities, tagged, look_back)
            if earlier is not None:
                return earlier
        if framed:
            return None
    phrases = head_phrases(text, start, cue_start, entities)
    if not phrases:
        if look_back and start > 0 and text[start - 1] in "，,":
            return find_source(text, start - 1, entities, known_names, look_back=look_back - 1, tagged=tagged, learnt=learnt)
        return None
    for head_start, head_end in phrases:
        source = _phrase_source(text, head_start, head_end, entities, known_names, learnt)
        if source is not None:
            return source
    return None


def _earlier_subject(text: str, start: int, entities: list[dict[str, Any]], tagged: TaggedText, steps: int) -> Source | None:
    """For a clause with no subject of its own (…走上街头，要求政府…), the subject an earlier clause of the
    same sentence opens with, across commas only; a clause between with nothing but a predicate shares the subject and is passed."""
    while steps and start > 0 and text[start - 1] in "，,":
        previous = after_dateline(text, clause_start(text, start - 1))
        words = outside_brackets(tagged.words(previous, start - 1))
        subject = leading_subject(words)
        if subject is not None:
            return replace(_subject_source(text, _stretched(subject, entities, start - 1), entities), rule="earlier_clause")
        if not lacks_subject(words):
            return None
        start, steps = previous, steps - 1
    return None


def _stretched(subject: Subject, entities: list[dict[str, Any]], limit: int) -> Subject:
    """The subject reaching to the end of a name it cuts (阿|不|都热合曼: the tags broke the name at 不)."""
    ends = [e["end"] for e in entities if e["start"] < subject.end < e["end"] <= limit and e["end"] > subject.start]
    if not ends:
        return subject
    return Subject(subject.start, max(ends), subject.kind, subject.name_start, subject.name_end)


def _subject_source(text: str, subject: Subject, entities: list[dict[str, Any]]) -> Source:
    """The source a tagged subject phrase names: a person in it (without titles), else the phrase."""
    persons = [
        e
        for e in entities
        if e["label"] == "PERSON"
        and e["start"] < subject.end
        and subject.start < e["end"] <= subject.end  # a name the words cut across (马|懿) is still whole
        and (text[e["end"] : e["end"] + 1] != "的" or text[e["start"] - 1 : e["start"]] in ("叫", "为"))
    ]
    if persons:
        person = persons[-1]
        return Source(person["start"], person["end"], person["text"], "person", person["text"])
    if subject.name_start is not None and subject.name_end is not None:
        name = text[subject.name_start : subject.name_end]
        return Source(subject.name_start, subject.name_end, name, "person", name)
    phrase = text[subject.start : subject.end]
    kind = "group" if subject.kind == "person" else subject.kind
    return Source(subject.start, subject.end, phrase, kind, None if kind == "pronoun" else phrase)


def _phrase_source(
    text: str, head_start: int, head_end: int, entities: list[dict[str, Any]], known_names: set[str],
    learnt: Set[str] = frozenset(),
) -> Source | None:
    """The source a subject phrase names, or None if it names none."""
    phrase = text[head_start:head_end]
    persons = [
        e
        for e in _entities_in(entities, head_start, head_end, "PERSON")
        if text[e["end"] : e["end"] + 1] != "的" or text[e["start"] - 1 : e["start"]] in ("叫", "为")  # 一位叫庞增福的工人
    ]
    if persons:
        person = persons[-1]
        return Source(person["start"], person["end"], person["text"], "person", person["text"])
    named = NAMED_RE.search(phrase)
    if named:
        s, e = named.span(1)
        return Source(head_start + s, head_start + e, named.group(1), "person", named.group(1))
    titled = [span for span in title_names(phrase) if span[1] == len(phrase)]
    if titled:
        s, e = titled[-1]
        return Source(head_start + s, head_start + e, phrase[s:e], "person", phrase[s:e])
    for name in sorted(known_names, key=len, reverse=True):
        if phrase.endswith(name):
            s = head_end - len(name)
            return Source(s, head_end, name, "person", name)
    org_here = any(e["end"] == head_end for e in _entities_in(entities, head_start, head_end, "ORG"))
    kind = classify_phrase(phrase, org_here, learnt)
    if kind is None:
        return None
    return Source(head_start, head_end, phrase, kind, None if kind == "pronoun" else phrase)
