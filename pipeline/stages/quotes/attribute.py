"""Quote attribution over a whole article, staged as in citron: cue -> content -> source -> coreference.

``attribute_quotes(text, entities, meta)`` is pure: it needs no model, only the
article text (paragraphs separated by ``\\n``) and whatever PERSON/ORG entities a
recogniser found (possibly none).  Each attribution is a dict in the record format::

    {"speaker": {"start","end","text"} | None, "speaker_name": str | None,
     "cue": {"start","end","text"} | None, "content": {"start","end","text"},
     "kind": "direct" | "indirect" | "mixed", "source": str}

``source`` names the path that made the attribution, so each can be reviewed and scored on its
own: ``pull_quote_attribution`` (a ``——NAME`` line under a quote), ``headline_colon``
(``X：…``), ``direct_before_cue`` (``“…”，他说``), ``direct_after_cue`` (``说：“…”``),
``reported_clause`` (``指出，…``: speech running on after a cue), ``headline_cue`` (a cue in a
headline), ``uncued_continuation`` (a quote with no cue, said by the last speaker); with
``+pronoun_coref`` when the speaker is a pronoun, named by coreference (:mod:`.coref`), and
``+colon_quote_verb`` when the cue is a verb outside the lexicon right before ``：“`` (:func:`.cues.colon_quote_verbs`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pipeline.core.record import Block
from pipeline.core.text_tables import ATTRIBUTION_RE
from pipeline.page.layout import ATTRIBUTION, BYLINE
from pipeline.stages.quotes.content import closing_quote, sentence_start, speech_end
from pipeline.stages.quotes.coref import full_name, glossed_name, known_person_names, person_mentions, resolve_pronoun
from pipeline.stages.quotes.cues import (
    MANNER_COMPLEMENT,
    Cue,
    colon_quote_verbs,
    complement_end,
    find_cues,
    is_headline,
)
from pipeline.stages.quotes.lexicon import (
    ACCORDING_TO,
    CUE_CLASS,
    CUE_RE,
    LONE_MARK_RE,
    NOMINAL_CUES,
    QUOTE_CLOSE,
    QUOTE_OPEN,
    QUOTING_CLASSES,
    SENTENCE_END,
    SHIPPED_WORDS,
    SINGULAR_PRONOUNS,
    SPEAKER_ONLY_CUES,
    SPEAKING_HEADS,
    SPEAKING_KINDS,
    SURNAMES,
    QuoteWords,
    cue_class,
)
from pipeline.stages.quotes.phrases import BatchTagger, TaggedText, Word, is_clause
from pipeline.stages.quotes.slogans import CUE_AFTER_RE, is_speech, quoted_stretches
from pipeline.stages.quotes.sources import Source, clause_start, clause_window, find_source, title_names
from pipeline.stages.quotes.spans import Paragraph, paragraph_at, paragraph_kinds, paragraphs, span_dict, strip_span

Record = dict[str, Any]
KINDS = ("direct", "indirect", "mixed")
HEADLINE_COLON_RE = re.compile(r"^([^：:，,。]{2,14})[：:]\s*(\S.*)$")
QUOTE_CHARS = "“”\" \u3000"
HEADLINE_COLON_MAX_CHARS = 40
#: A quotation before its cue is speech when it has punctuation of its own (“……。”他说) or is long;
#: a short unpunctuated one is a name or a term (成了“飞虎总指挥”，他透露).
MIN_UNPUNCTUATED_SPEECH = 10
#: Determiners of a description that points back (该工作人员, 这位专家, 此人).
DEFINITE_DETERMINERS = ("这位", "这名", "这些", "该", "此")
#: Words that mark a headline's right side as something said (要…, 必须…, 我们…), not a topic.
#: A title in book marks (《人民日报》): the name of a document or an outlet.
TITLE_RE = re.compile(r"《([^《》\n]{2,30})》")
#: A paragraph that is only a name (a letter's or column's signature), among the first lines or the last.
SIGNATURE_RE = re.compile(r"[\u4e00-\u9fff]{2,4}")
SIGNATURE_LINES = 3
FIRST_PERSON = "我"
#: Openers of a clause of topic between a quotation and its cue (“……”对于本次合作的初衷，刘开这样说。).
TOPIC_OPENERS = ("对于", "关于", "谈到", "谈及", "说到")
#: Tags of a predicate's head (verbs, adjectives, a preposition opening a predicate of place: 在主帅身上): a verb of
#: thinking followed by one, past its first word, thinks a clause, not a noun (担心孩子).
PREDICATE_WORD_TAGS = frozenset({"v", "vd", "a", "ad", "p"})
UTTERANCE_RE = re.compile(r"要|应|必须|将|是|不|没|会|能|把|让|需|请|我|！|!|？|\?")


@dataclass
class Attribution:
    """An attribution while it is being built; ``content`` may still grow or shrink."""

    source: Source | None
    cue: tuple[int, int] | None
    content: tuple[int, int]
    kind: str
    rule: str  # the path that made it (the record's ``source``)
    forward: bool = False
    speaker_name: str | None = None
    spoken_by: Attribution | None = field(default=None, repr=False)

    @property
    def begins(self) -> int:
        points = [self.content[0]]
        if self.source:
            points.append(self.source.start)
        if self.cue:
            points.append(self.cue[0])
        return min(points)


def _entities(text: str, entities: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """PERSON/ORG entities as plain dicts with their text (a model's or a gold file's)."""
    kept = []
    for ent in entities:
        start, end, label = int(ent["start"]), int(ent["end"]), str(ent["label"])
        if label in ("PERSON", "ORG"):
            kept.append({"start": start, "end": end, "label": label, "text": text[start:end]})
    return sorted(kept, key=lambda e: e["start"])


#: A short name defined in brackets after the full one: 中国音像著作权集体管理协会（以下简称“音集协”）.
ALIAS_RE = re.compile(r"[（(](?:以下)?(?:简称|下称)[为：:]?[“\"]?([^“”\"（）()，,。\n]{2,12}?)[”\"]?[）)]")


def _with_aliases(text: str, entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Entities with every later mention of a defined short name (rule alias_of_entity: 音集协 after
    中国音像著作权集体管理协会（以下简称“音集协”）), labelled as the entity the brackets follow, else ORG (the
    names so defined are organisations' as a rule)."""
    added = []
    for match in ALIAS_RE.finditer(text):
        alias = match.group(1)
        defined = [e for e in entities if e["end"] == match.start()]
        label = defined[-1]["label"] if defined else "ORG"
        at = text.find(alias, match.end())
        while at >= 0:
            if not any(e["start"] < at + len(alias) and at < e["end"] for e in entities):
                added.append({"start": at, "end": at + len(alias), "label": label, "text": alias})
            at = text.find(alias, at + len(alias))
    return sorted([*entities, *added], key=lambda e: e["start"]) if added else entities


def _person_name(text: str, start: int, end: int, entities: list[dict[str, Any]]) -> str:
    """The name in an attribution line (——市长马懿 -> 马懿)."""
    inside = [e for e in entities if e["label"] == "PERSON" and start <= e["start"] and e["end"] <= end]
    if inside:
        return inside[-1]["text"]
    titled = title_names(text[start:end])
    if titled and titled[-1][1] == end - start:
        return text[start + titled[-1][0] : end]
    return text[start:end]


def pull_quotes(
    text: str, paras: list[Paragraph], entities: list[dict[str, Any]], layout: dict[int, str] | None = None
) -> tuple[list[Attribution], set[int]]:
    """Pull quotes attributed by a ``——NAME`` paragraph; also the paragraphs they occupy.

    ``layout`` (paragraph kinds from the page's layout blocks) says which paragraphs are
    attribution lines; text without blocks (a corpus file, a gold set) is matched line by line.
    """
    found: list[Attribution] = []
    blocked = {p.index for p in paras if LONE_MARK_RE.match(text, p.start, p.end)}
    for para in paras:
        if layout and layout.get(para.index) != ATTRIBUTION:
            continue
        line = ATTRIBUTION_RE.match(text[para.start : para.end])
        if not line:
            continue
        blocked.add(para.index)
        quoted = next(
            (q for q in reversed(paras[: para.index]) if q.index not in blocked or not LONE_MARK_RE.match(text, q.start, q.end)),
            None,
        )
        if quoted is None or ATTRIBUTION_RE.match(text[quoted.start : quoted.end]):
            continue
        blocked.add(quoted.index)
        start, end = strip_span(text, quoted.start, quoted.end, QUOTE_CHARS)
        name_start, name_end = para.start + line.start("name"), para.start + line.end("name")
        dash = (para.start + line.start("dash"), para.start + line.end("dash"))
        name = _person_name(text, name_start, name_end, entities)
        offset = text.rfind(name, name_start, name_end)
        source = Source(offset, offset + len(name), name, "person", name) if offset >= 0 else None
        found.append(Attribution(source, dash, (start, end), "direct", "pull_quote_attribution", speaker_name=name))
    return found, blocked


def headline_colon(
    text: str, para: Paragraph, entities: list[dict[str, Any]], names: set[str], lexicon: QuoteWords = SHIPPED_WORDS
) -> Attribution | None:
    """A headline ``X：…`` whose X is a person, organisation or group."""
    body = text[para.start : para.end]
    if len(body) > HEADLINE_COLON_MAX_CHARS or "。" in body.rstrip("。"):
        return None
    match = HEADLINE_COLON_RE.match(body)
    if not match or not UTTERANCE_RE.search(match.group(2)):
        return None  # 石学海：牵着骆驼闯影坛 names a topic, not words said
    colon = para.start + match.end(1)
    source = find_source(text, colon, entities, names, look_back=0, learnt=lexicon.learnt_sources)
    if source is None or source.kind not in ("person", "org", "group") or source.start != para.start + match.start(1):
        return None
    content = strip_span(text, para.start + match.start(2), para.end, QUOTE_CHARS)
    return Attribution(source, (colon, colon + 1), content, "direct", "headline_colon")


def _quote_before(text: str, pos: int, paras: list[Paragraph]) -> tuple[int, int] | None:
    """The “…” closing right before ``pos`` (``…，”他说``), as ``(open, close)``."""
    i = pos - 1
    while i >= 0 and text[i] in "，, \u3000":
        i -= 1
    if i < 0 or text[i] != QUOTE_CLOSE:
        return None
    para = paragraph_at(paras, i)
    for open_at, close_at in quoted_stretches(text, para) if para else []:
        if close_at == i:
            return open_at, close_at
    return None


def _forward_content(
    text: str, paras: list[Paragraph], cue: Cue
) -> tuple[tuple[int, int], str, bool, str] | None:
    """Where the speech after a cue starts: ``(span so far, kind, ends_fixed, rule)``."""
    para = paragraph_at(paras, cue.opens)
    if para is None:
        return None
    opens = cue.opens
    if cue.mark == "clause" and is_headline(text, para):
        return (opens, para.end), "indirect", True, "headline_cue"  # 国家教委工作会议提出教育改革要加快步伐: the headline only
    if cue.mark == "headline" and opens < para.end:
        return (opens, para.end), "indirect", True, "headline_cue"
    if opens >= para.end:
        if para.index + 1 >= len(paras):
            return None
        nxt = paras[para.index + 1]
        if cue.mark == "headline" and not is_headline(text, nxt):
            return None
        opens = nxt.start
        if cue.mark == "headline":
            return (opens, nxt.end), "indirect", True, "headline_cue"
    para = paragraph_at(paras, opens)
    if text[opens] == QUOTE_OPEN:
        close_at = closing_quote(text, paras, opens)
        if close_at <= para.end and not is_speech(text, para, opens, close_at):
            return (opens, opens), "indirect", False, "reported_clause"  # a term opens the reported speech (认为，“肥力高”对…)
        after_para = paragraph_at(paras, close_at)
        rest = text[close_at + 1 : after_para.end] if after_para and close_at < after_para.end else ""
        finished = text[close_at - 1] in SENTENCE_END  # “……这一点。”新域名…: the quotation ends the sentence, narration follows
        if not rest.strip() or rest.lstrip()[0] in SENTENCE_END or CUE_AFTER_RE.match(rest) or finished:
            start, end = strip_span(text, opens + 1, close_at, " \u3000\n")
            return (start, end), "direct", True, "direct_after_cue"
        return (opens, opens), "mixed", False, "reported_clause"
    return (opens, opens), "indirect", False, "reported_complement" if cue.mark == "clause" else "reported_clause"


def _cue_word(cue: Cue, words: list[Word]) -> int | None:
    """The index of the word that is the cue itself among ``words``, or None when no word is exactly the cue."""
    return next((i for i, word in enumerate(words) if (word.start, word.end) == (cue.start, cue.end)), None)


def _says_a_clause(cue: Cue, words: list[Word]) -> bool:
    """A cue with no punctuation after it: a verb of its own (not 讲 inside 讲话, not 要求 the noun)
    followed by a clause (:func:`.phrases.is_clause`)."""
    at = _cue_word(cue, words)
    if at is None or not words[at].tag.startswith("v"):
        return False
    after = words[at + 1 :]
    if CUE_CLASS.get(cue.text) == "think":  # rule thought_takes_a_clause: 认为湖人的问题并不在主帅身上
        return any(w.tag in PREDICATE_WORD_TAGS for w in after[1:])
    return is_clause(after)


#: Tags of a cue word used as a noun, not as the verb of speech (违反本条例规定，…; 予以警告，…; 受到批评，…).
NOUN_USE_TAGS = frozenset({"n", "vn"})
#: Verbs whose object is the speech act itself (作了解释：, 发出警告, 提出批评): the noun is then still a cue.
SPEECH_ACT_VERBS = frozenset({"作", "做", "作出", "做出", "发出", "发表", "提出", "给出"})


def _used_as_noun(cue: Cue, words: list[Word]) -> bool:
    """Whether a cue that can be a noun is one here: tagged a noun, and the object of a verb before it in its clause
    that is not the speech act's own (违反本条例规定，…; 予以警告，…; 受到批评，…; not 作了解释：…) and no preposition
    frames it (据…报道, 根据…规定).  Rule cue_used_as_noun: such a word is no cue."""
    at = _cue_word(cue, words)
    if at is None or words[at].tag not in NOUN_USE_TAGS:
        return False
    verbs = [word for word in words[:at] if word.tag == "v"]
    return bool(verbs) and verbs[-1].text not in SPEECH_ACT_VERBS and not any(word.tag == "p" for word in words[:at])


def _cut_before(text: str, cue: Cue) -> bool:
    """Whether a word running across the cue's start is cut there (rule cue_word_cut, :class:`.phrases.TaggedText`)."""
    if cue.text in NOMINAL_CUES:
        return False
    return len(cue.text) > 1 or (cue.start > 0 and text[cue.start - 1].isascii() and text[cue.start - 1].isalnum())


def _according_to(text: str, source: Source | None) -> bool:
    """Whether a source is introduced by 据 or 根据 (据路透社报道, 据新华社消息): an outlet passing speech on."""
    return source is not None and text.endswith(ACCORDING_TO, 0, source.start)


def _mixed(text: str, paras: list[Paragraph], start: int, end: int) -> bool:
    for para in paras:
        if para.end < start or para.start > end:
            continue
        for open_at, close_at in quoted_stretches(text, para):
            if start <= open_at and close_at <= end and is_speech(text, para, open_at, close_at):
                return True
    return False


def _can_speak(source: Source) -> bool:
    """Whether a source can say what a speaker-only cue reports: a person, a pronoun, an organisation, a document,
    or a group whose head names people or an institution (:data:`.lexicon.SPEAKING_HEADS`), or a Latin acronym
    (SEC, an organisation the recogniser missed)."""
    if source.kind in SPEAKING_KINDS:
        return True
    acronym = len(source.text) >= 2 and source.text.isascii() and source.text.isalpha() and source.text.isupper()
    return source.kind == "group" and (acronym or source.text.endswith(SPEAKING_HEADS))


def _byline_name(
    text: str, mention: tuple[int, int, str], reporters: set[str], bylines: Iterable[tuple[int, int]] = ()
) -> bool:
    """A reporter's name (meta, on a byline, 记者X, or in a parenthesised dateline) is never who speaks."""
    start, _, name = mention
    if any(line_start <= start < line_end for line_start, line_end in bylines):
        return True
    opened = max(text.rfind("（", 0, start), text.rfind("(", 0, start))
    in_brackets = opened > max(text.rfind("）", 0, start), text.rfind(")", 0, start), text.rfind("\n", 0, start))
    return name in reporters or text[max(0, start - 2) : start] == "记者" or in_brackets


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def attribute_quotes(
    text: str,
    entities: Iterable[Mapping[str, Any]] = (),
    meta: Mapping[str, Any] | None = None,
    blocks: Iterable[Block] = (),
    words: Sequence[Sequence[int]] | None = None,
    tag: BatchTagger | None = None,
    lexicon: QuoteWords | None = None,
) -> list[Record]:
    """Every attribution in the article, in text order (see the module docstring for the format).

    ``blocks`` are the layout blocks the repair stage found (bylines, pull-quote attributions);
    without them (text that never went through layout) the same lines are recognised from the text.
    ``words`` (the segmenter's word spans) and ``tag`` (word lists -> PKU part-of-speech tags) let a
    cue's source be found as the subject noun phrase of its clause.
    ``lexicon``: the cue verbs and sources, with those reviewers taught (default: the shipped lists).
    """
    lexicon = lexicon or SHIPPED_WORDS
    paras = paragraphs(text)
    layout = paragraph_kinds(paras, blocks)
    ents = _with_aliases(text, _entities(text, entities))
    name_spans = [(e["start"], e["end"], e["label"]) for e in ents]  # persons and organisations, each one word
    cues = find_cues(text, paras, lexicon)
    # a cue before its punctuation ends a word: one the segmenter glued to what stands before it is cut (粉丝留言，,
    # FF称，); a one-character cue only after Latin letters (叙说, 素称 and 来讲 are words of their own), and not a cue
    # that is as often a noun (明文规定 is one word)
    cue_starts = [cue.start for cue in cues if cue.mark in ("punct", "quote") and _cut_before(text, cue)]
    tagged = TaggedText(text, words, tag, name_spans, cue_starts) if words is not None and tag is not None else None
    names = known_person_names(text, ents)
    reporters = set((meta or {}).get("reporters") or [])
    bylines = [(paras[i].start, paras[i].end) for i, kind in layout.items() if kind == BYLINE]
    mentions = [m for m in person_mentions(text, ents, names) if not _byline_name(text, m, reporters, bylines)]
    attributions, blocked = pull_quotes(text, paras, ents, layout)
    for para in paras:
        if para.index not in blocked:
            headline = headline_colon(text, para, ents, names, lexicon)
            if headline:
                attributions.append(headline)
                blocked.add(para.index)

    headlines = blocked | {p.index for p in paras if is_headline(text, p)}
    forward: list[tuple[Attribution, int]] = []  # with the furthest the speech could run
    clause_stops: set[int] = set()  # where a contrasted speaker's clause opens (rule contrast_not_nested)
    if tagged is None:
        cues = [cue for cue in cues if cue.mark != "clause"]  # only tags can tell a clause from an object
    else:
        # a clause cue is read with its clause: the subject, the verb, the words after it
        cues = [cue for cue in cues if cue.mark != "clause" or tagged.is_word(cue.start, cue.end)]  # 讲 of 讲话: no cue
        sentences = {cue: (clause_window(text, cue.start)[0], complement_end(text, cue)) for cue in cues if cue.mark == "clause"}
        tagged.prepare(list(sentences.values()))
        for cue, (start, _) in sentences.items():  # the clause before the cue is the sentence's first words
            tagged.tagged[(start, cue.start)] = [w for w in tagged.words(*sentences[cue]) if w.end <= cue.start]
        # a cue that is a noun as often as a verb is also read with its clause, itself included: its own tag
        with_cue = {cue: (clause_window(text, cue.start)[0], cue.end) for cue in cues if cue not in sentences and cue.text in NOMINAL_CUES}
        tagged.prepare([*with_cue.values(), *(clause_window(text, cue.start) for cue in cues)])
        cues = [cue for cue in cues if cue not in with_cue or not _used_as_noun(cue, tagged.words(*with_cue[cue]))]
        cues = [cue for cue in cues if cue not in sentences or _says_a_clause(cue, tagged.words(*sentences[cue]))]
        extra = colon_quote_verbs(text, paras, cues, lambda pos: tagged.words(*clause_window(text, pos)))
        cues = sorted([*cues, *extra], key=lambda cue: cue.start)
    for cue in cues:
        para = paragraph_at(paras, cue.start)
        if para is None or para.index in blocked:
            continue
        if any(a.kind == "direct" and a.content[0] <= cue.start < a.content[1] for a, _ in forward):
            continue  # a cue inside quoted words is part of what was said (她写道：“…麒麟说：…”)
        quotation_follows = text.startswith(QUOTE_OPEN, cue.opens)
        source = find_source(text, cue.start, ents, names, tagged=tagged, learnt=lexicon.learnt_sources, quotation_follows=quotation_follows)
        if source is None or (
            source.kind == "person" and _byline_name(text, (source.start, source.end, source.text), reporters, bylines)
        ):
            continue
        if cue.mark == "clause" and len(cue.text) == 1 and source.kind not in ("person", "pronoun", "document"):
            continue  # 说/讲/称 run into a clause only after a person or a document (他说医学是…, 消息称…); else a word cut wrong (督察讲|评会)
        if cue.text in SPEAKER_ONLY_CUES and not _can_speak(source):
            continue  # rule speaker_only: 情况表明, 尿量多，说明, 现场确认 are no one's words; 美国还表明, 家长们反映 are
        if cue.rule == MANNER_COMPLEMENT and source.kind not in ("person", "pronoun"):
            continue  # 盛云龙说得好： is his; 古语说得好： a saying, no one's speech
        opened = clause_start(text, source.start)
        before = _quote_before(text, opened, paras)
        if before is None and opened > 0 and text[opened - 1] in "，,":
            topic = clause_start(text, opened - 1)  # “……”对于合作的初衷，刘开这样说: past a clause of topic
            if text.startswith(TOPIC_OPENERS, topic):
                before = _quote_before(text, topic, paras)
        consumed = [a.content for a in attributions] + [a.content for a, _ in forward]
        if before and not any(_overlaps((before[0] + 1, before[1]), c) for c in consumed):
            quoted = text[before[0] + 1 : before[1]]
            sentence_like = any(mark in quoted for mark in SENTENCE_END + "，,；;") or len(quoted) >= MIN_UNPUNCTUATED_SPEECH
            if sentence_like and is_speech(text, para if paragraph_at(paras, before[0]) == para else paragraph_at(paras, before[0]), *before):
                start, end = strip_span(text, before[0] + 1, before[1])
                said_before = Attribution(source, (cue.start, cue.end), (start, end), "direct", "direct_before_cue")
                attributions.append(said_before)
        if cue.mark == "stop":
            continue
        if cue.mark == "quote" and cue_class(cue.text) not in QUOTING_CLASSES:
            continue  # rule quoting_class: 提出“…” names a slogan more often than it quotes
        contrast = False
        if forward:
            last, reach = forward[-1]
            boundary = any(ch in SENTENCE_END + "\n" for ch in text[last.content[0] : source.start])
            if last.content[0] < cue.start < reach and not boundary:
                contrast = _contrasted(text, source, cue)
                if contrast:
                    clause_stops.add(clause_start(text, source.start))  # the speech before ends where this clause opens
                elif not (_according_to(text, last.source) and source.kind == "person" and source.start >= last.content[0]):
                    continue  # nested: a cue inside the speech it belongs to (他说，有人认为，…)
                else:  # 据路透社报道，鲍威尔表示，…: the outlet only passes the speech on; the speaker inside says it
                    forward.pop()
        opened = _forward_content(text, paras, cue)
        if opened is None:
            continue
        span, kind, fixed, rule = opened
        rule += f"+{cue.rule}" if cue.rule else ""
        rule += "+contrast_not_nested" if contrast else ""
        attribution = Attribution(source, (cue.start, cue.end), span, kind, rule, forward=not fixed)
        reach = span[1] if fixed else speech_end(text, paras, span[0], stops=[], blocked=headlines)
        forward.append((attribution, reach))

    stops = (  # where any reported speech ends: the next attribution's sentence, a contrasted clause, a quotation
        {sentence_start(text, a.begins) for a, _ in forward}
        | {sentence_start(text, a.begins) for a in attributions}
        | clause_stops
        | {*_sentence_quotations(text), *_closed_quotations(text)}
    )
    for attribution, _ in forward:
        if attribution.forward:
            start = attribution.content[0]
            narration = _narration_resumes(text, mentions, start, attribution.source)
            end = speech_end(text, paras, start, stops=sorted(stops.union(narration)), blocked=headlines)
            attribution.content = (start, end)
            if attribution.kind == "indirect" and _mixed(text, paras, start, end):
                attribution.kind = "mixed"
        if attribution.content[1] > attribution.content[0]:
            attributions.append(attribution)

    attributions.sort(key=lambda a: a.content[0])
    _attribute_uncued(text, paras, blocked, attributions, mentions)
    _resolve_speakers(text, attributions, mentions, signer=_signature(text, paras))
    return [_record(text, a) for a in sorted(attributions, key=lambda a: (a.content[0], a.begins))]


#: A speaker set against the one before by 则 or 却 right before the cue (…，有的则认为，…; 市民们则说，…) speaks
#: for itself: the cue is not nested in the speech before it.  On unlabelled articles (2,000 modern, 1,500 of pd1998
#: train) the 9 attributions so made were right 8 times (the ninth, 另外一些证据则表明, a finding); a clause that
#: only opens with 但 or 而 made 22, about half of them right (但他相信… goes on the speech before it): left nested.
CONTRAST_BEFORE_CUE = ("则", "却")


def _contrasted(text: str, source: Source, cue: Cue) -> bool:
    """Whether the cue's speaker is set against the speech before it (rule contrast_not_nested)."""
    return text[source.end : cue.start].endswith(CONTRAST_BEFORE_CUE)


def _sentence_quotations(text: str) -> list[int]:
    """Where a quotation opens a sentence inside a paragraph (…需要时间去适应和调整。“联盟的现状就是这样…”): reported
    speech ends before it (rule quotation_ends_report); the quotation is an attribution of its own."""
    found = []
    for match in re.finditer(QUOTE_OPEN, text):
        before = text[max(0, match.start() - 8) : match.start()].rstrip(" \u3000")
        close = text.find(QUOTE_CLOSE, match.end())
        said = close > 0 and "\n" not in text[match.end() : close] and text[close - 1] in SENTENCE_END + "…"
        if before and before[-1] in SENTENCE_END and said:  # 。“飞雪连天射白鹿，笑书神侠倚碧鸳”: a couplet quoted, no sentence
            found.append(match.start())
    return found


_CLOSED_QUOTATION = re.compile("[。！？!?…]" + QUOTE_CLOSE)


def _closed_quotations(text: str) -> list[int]:
    """Where a quotation that ends a sentence closes (…做宣传。”《飞虎2》是…): reported speech ends there (rule
    closed_quotation_ends_report).  No reported or mixed content of the quote golds (363 attributions) runs on past one;
    the attributor's ran on into the narration after it, where the next speaker's pronoun then lost its antecedent."""
    return [match.end() for match in _CLOSED_QUOTATION.finditer(text)]


def _narration_resumes(text: str, mentions: list[tuple[int, int, str]], start: int, source: Source | None) -> list[int]:
    """Sentences after ``start`` that open with another person's name (黄宗泽还特地找了…): the reporter
    narrating again, where reported speech ends (speech names others inside its sentences, seldom at their head)."""
    speaker = source.text if source is not None else None
    found = []
    for mention_start, _, name in mentions:
        if mention_start <= start or name == speaker:
            continue
        opens = sentence_start(text, mention_start)
        if opens > start and _heads_its_sentence(text[opens:mention_start]):
            found.append(opens)
    return found


#: Prepositions that open an adverbial clause before a sentence's subject (为了剧中的英文对白，黄宗泽…; 为 covers 为了).
FRONTED_ADVERBIAL_OPENERS = ("为", "在", "随着", "由于", "除了", "作为", "面对", "当", "对于", "经过", "通过")


_CLAUSE_MARK = re.compile("[，,；;]")


def _heads_its_sentence(before: str) -> bool:
    """Whether a name after ``before`` (the sentence's text up to it) is the sentence's subject: nothing before it,
    or only a fronted adverbial clause opened by a preposition and closed by a comma (rule fronted_adverbial)."""
    before = before.strip(" \u3000“")
    if not before:
        return True
    return before.startswith(FRONTED_ADVERBIAL_OPENERS) and before[-1] in "，," and not _CLAUSE_MARK.search(before, 0, len(before) - 1)


def _attribute_uncued(
    text: str,
    paras: list[Paragraph],
    blocked: set[int],
    attributions: list[Attribution],
    mentions: list[tuple[int, int, str]] = (),
) -> None:
    """Quotations with no cue: said by the person the narration right before them is about
    (黄宗泽还特地找了英文老师狂补课，“拿着剧本练，…”), else, after a full stop, by whoever spoke last
    (a paragraph of “…” after 他说，…)."""
    for para in paras:
        if para.index in blocked:
            continue
        for open_at, close_at in quoted_stretches(text, para):
            before = text[para.start : open_at].rstrip()
            # rule quotation_after_quotation: ……。”“其实，……” goes on after a quotation that ended a sentence
            after_stop = not before or before[-1] in SENTENCE_END or (before[-1] == QUOTE_CLOSE and before[-2:-1] in tuple(SENTENCE_END))
            if not after_stop and before[-1] not in "，,":
                continue
            inner = strip_span(text, open_at + 1, close_at)
            if any(_overlaps(inner, a.content) for a in attributions):
                continue
            sentences = any(mark in text[inner[0] : inner[1]] for mark in SENTENCE_END)
            if not (is_speech(text, para, open_at, close_at) or (not after_stop and sentences)):
                continue  # after a comma only a quotation of whole sentences is speech, not a quoted phrase
            narrated = [
                m for m in mentions
                if sentence_start(text, open_at) <= m[0] and m[1] <= open_at and not any(a.content[0] <= m[0] < a.content[1] for a in attributions)
            ]
            previous = [a for a in attributions if a.content[0] < open_at and a.source is not None]
            if narrated:
                name = full_name(narrated[0][2], mentions)
                uncued = Attribution(None, None, inner, "direct", "uncued_after_narration", speaker_name=name)
            elif after_stop and previous:
                uncued = Attribution(None, None, inner, "direct", "uncued_continuation", spoken_by=previous[-1])
            else:
                continue
            attributions.append(uncued)
            attributions.sort(key=lambda a: a.content[0])


def _signature(text: str, paras: list[Paragraph]) -> str | None:
    """The writer of a signed letter or column: a paragraph that is only a name (王佑民), under the headline or
    at the end; a name starts with a surname."""
    for para in [*paras[:SIGNATURE_LINES], *paras[-1:]]:
        line = text[para.start : para.end].strip(" \u3000")
        if SIGNATURE_RE.fullmatch(line) and line[0] in SURNAMES and not CUE_RE.search(line):
            return line
    return None


def _resolve_speakers(
    text: str, attributions: list[Attribution], mentions: list[tuple[int, int, str]], signer: str | None = None
) -> None:
    """Fill ``speaker_name``: pronouns resolved, names in their fullest form, uncued quotes take their speaker's name.

    A plural pronoun (他们) is the group or organisation that spoke last before it.
    """
    ordered = sorted(attributions, key=lambda a: a.begins)
    for index, attribution in enumerate(ordered):
        if attribution.spoken_by is not None:
            attribution.speaker_name = attribution.spoken_by.speaker_name
        elif attribution.speaker_name is None and attribution.source is not None:
            source = attribution.source
            if source.kind == "pronoun" and source.text == FIRST_PERSON and signer:
                attribution.speaker_name = signer  # 我认为 in a signed letter: the writer's
                attribution.rule += "+letter_signer"
            elif source.kind == "pronoun" and source.text in SINGULAR_PRONOUNS:
                spoken = [a.content for a in attributions if a.content[1] <= source.start]
                named = resolve_pronoun(text, source.text, source.start, mentions, spoken)
                attribution.speaker_name = full_name(named, mentions) if named else None
                attribution.rule += "+pronoun_coref"
            elif source.kind == "pronoun":
                groups = [a for a in ordered[:index] if a.source is not None and a.source.kind in ("group", "org")]
                attribution.speaker_name = groups[-1].speaker_name if groups else None
                attribution.rule += "+pronoun_coref"
            elif source.kind == "person":
                name = source.name or source.text
                attribution.speaker_name = full_name(glossed_name(text, name, mentions) or name, mentions)
            else:
                attribution.speaker_name = _described(source, ordered[:index]) or _title_named(source.name)


def _title_named(name: str | None) -> str | None:
    """A document or outlet named by its title is that title (美国运动医学学会《ACSM运动测试与运动处方指南》
    -> ACSM运动测试与运动处方指南, 《今日美国报》依据…调查 -> 今日美国报); other names as they are."""
    if not name or not (name.startswith("《") or name.endswith("》")):
        return name
    titled = TITLE_RE.findall(name)
    return titled[0 if name.startswith("《") else -1] if titled else name


def _described(source: Source, earlier: list[Attribution]) -> str | None:
    """A definite description's referent: 该工作人员 is the 该公司相关工作人员 who spoke before."""
    determiner = next((d for d in DEFINITE_DETERMINERS if source.text.startswith(d)), None)
    if determiner is None or len(source.text) <= len(determiner):
        return None
    head = source.text[len(determiner) :]
    for attribution in reversed(earlier):
        name = attribution.speaker_name or ""
        if name.endswith(head) and name != source.text:
            return name
    return None


def _record(text: str, attribution: Attribution) -> Record:
    source = attribution.source
    return {
        "speaker": span_dict(text, source.start, source.end) if source else None,
        "speaker_name": attribution.speaker_name,
        "cue": span_dict(text, *attribution.cue) if attribution.cue else None,
        "content": span_dict(text, *attribution.content),
        "kind": attribution.kind,
        "source": attribution.rule + (f"+{source.rule}" if source and source.rule else ""),
    }
