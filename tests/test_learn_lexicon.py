"""The rules learn too: names, cues and sources reviewers added join a learnt model's lexicon, each with
its review, and the entity rules and the quote attributor find them in other documents."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.core.jsonl import RecordError
from pipeline.learn.lexicon import (
    CUE,
    NOT_ORG,
    NOT_PERSON,
    ORG,
    PERSON,
    SOURCE,
    Entry,
    LearntLexicon,
    ReviewRef,
    read_entries,
    read_lexicon,
    write_entries,
)
from pipeline.stages.entities.lexicon import Entity
from pipeline.stages.entities.rules import merge_entities
from pipeline.stages.quotes import attribute_quotes
from pipeline.stages.quotes.lexicon import SHIPPED_WORDS, quote_words
from pipeline.train.learn.learn import unknown_where
from pipeline.train.learn.lexicon import (
    merged_entries,
    reviewer_entities,
    reviewer_quote_parts,
    reviewer_rejections,
    taught_by,
    vouched_entities,
    without_conflicts,
)

LABELS = ("PERSON", "ORG", "DATE", "PERCENT")
TEXT = "阿不都热合曼在小红书说，今年不错。"  # 阿不都热合曼 0-6, 小红书 7-10, 说 10-11, 今年不错。 12-17


def ent(start: int, end: int, label: str, source: str | None = None) -> dict:
    found = {"start": start, "end": end, "label": label, "text": TEXT[start:end]}
    return found if source is None else {**found, "source": source}


def part(start: int, end: int) -> dict:
    return {"start": start, "end": end, "text": TEXT[start:end]}


PRE = {"id": "a", "text": TEXT, "entities": [ent(7, 10, "PERSON", "model"), ent(12, 14, "DATE", "date_pattern")],
       "quotes": []}  # fmt: skip


@pytest.mark.parametrize(
    ("entities", "prelabeled", "expected"),
    [
        # a name added, a name relabelled (PERSON -> ORG): both the reviewer's; the kept DATE is not
        ([ent(0, 6, "PERSON"), ent(7, 10, "ORG"), ent(12, 14, "DATE", "date_pattern")], PRE,
         [(0, 6, "PERSON"), (7, 10, "ORG")]),
        # edges corrected: the new span is the reviewer's
        ([ent(7, 9, "PERSON"), ent(12, 14, "DATE")], PRE, [(7, 9, "PERSON")]),
        # confirmed as pre-labelled: nothing added
        ([ent(7, 10, "PERSON"), ent(12, 14, "DATE")], PRE, []),
        # no pre-labelled record: a span without the pre-labeller's source is the reviewer's
        ([ent(0, 6, "PERSON"), ent(7, 10, "PERSON", "model")], None, [(0, 6, "PERSON")]),
        # a pre-labelled record of another text is no guide: the sources are
        ([ent(0, 6, "PERSON"), ent(7, 10, "PERSON", "model")], {**PRE, "text": TEXT + "。"}, [(0, 6, "PERSON")]),
    ],
)
def test_what_the_reviewer_added(entities: list, prelabeled: dict | None, expected: list) -> None:
    assert reviewer_entities({"id": "a", "text": TEXT, "entities": entities}, prelabeled) == expected


@pytest.mark.parametrize(
    ("review", "expected"),
    [
        # a confirmed document vouches for every name in it, the pre-labeller's too
        ({"state": "confirmed"}, [(0, 6, "PERSON"), (7, 10, "PERSON")]),
        ({"state": "adjudicated"}, [(0, 6, "PERSON"), (7, 10, "PERSON")]),
        # an unconfirmed one only for what the reviewer changed
        ({"state": "in_progress", "edited": True}, [(0, 6, "PERSON")]),
        (None, [(0, 6, "PERSON")]),
    ],
)
def test_what_a_review_vouches_for(review: dict | None, expected: list) -> None:
    record = {"id": "a", "text": TEXT, "entities": [ent(0, 6, "PERSON"), ent(7, 10, "PERSON", "model")], "review": review}
    assert vouched_entities(record, PRE) == expected


QUOTE = {"speaker": part(0, 6), "speaker_name": TEXT[0:6], "cue": part(10, 11), "content": part(12, 17)}


@pytest.mark.parametrize(
    ("quotes", "prelabeled", "cues", "speakers"),
    [
        ([QUOTE], PRE, [(10, 11)], [(0, 6)]),  # a quote added
        ([QUOTE], {**PRE, "quotes": [QUOTE]}, [], []),  # kept as pre-labelled
        ([{**QUOTE, "speaker": part(7, 10)}], {**PRE, "quotes": [QUOTE]}, [], [(7, 10)]),  # speaker corrected
        ([{**QUOTE, "source": "reported_clause"}, {**QUOTE, "cue": part(9, 11)}], None, [(9, 11)], []),  # by source
    ],
)
def test_quote_parts_the_reviewer_added(quotes: list, prelabeled: dict | None, cues: list, speakers: list) -> None:
    assert reviewer_quote_parts({"id": "a", "text": TEXT, "quotes": quotes}, prelabeled) == (cues, speakers)


def review(record_id: str, text: str, entities: list, quotes: list = (), by: tuple = ("alice",)) -> dict:
    return {"id": record_id, "text": text, "entities": entities, "quotes": list(quotes),
            "review": {"state": "confirmed", "by": list(by), "pulled_at": "2026-12-06T10:00:00+00:00"}}  # fmt: skip


def span(text: str, word: str, label: str, after: int = 0) -> dict:
    start = text.index(word, after)
    return {"start": start, "end": start + len(word), "label": label, "text": word}


def spot(text: str, word: str) -> dict:
    start = text.index(word)
    return {"start": start, "end": start + len(word), "text": word}


# (text, reviewer's entities, reviewer's quote (speaker, cue, content) or None, taught (kind, text), left out (kind, text, why))
TEACHING = [
    ("阿不都热合曼到了惠州。", [("阿不都热合曼", "PERSON"), ("惠州", "ORG")], None,
     [("PERSON", "阿不都热合曼")], [("ORG", "惠州", "a place")]),
    ("张和同事到了。", [("张", "PERSON")], None, [], [("PERSON", "张", "one character")]),
    ("工作做好了。", [("工作", "ORG")], None, [], [("ORG", "工作", "a common word")]),
    ("蔚来汽车发布了新车。", [("蔚来汽车", "ORG")], None, [("ORG", "蔚来汽车")], []),
    # a name in Latin letters, of three characters or more
    ("NBA官方说Elon Musk和IU到了。", [("NBA", "ORG"), ("Elon Musk", "PERSON"), ("IU", "PERSON")], None,
     [("ORG", "NBA"), ("PERSON", "Elon Musk")],
     [("PERSON", "IU", "no Chinese character (nor a Latin name of three characters or more), or a space")]),
    ("珍妮特 普雷斯托夫斯基说", [("珍妮特 普雷斯托夫斯基", "PERSON")], None, [],
     [("PERSON", "珍妮特 普雷斯托夫斯基", "no Chinese character (nor a Latin name of three characters or more), or a space")]),
    ("热依拉木放话：“必须做好。”", [("热依拉木", "PERSON")], ("热依拉木", "放话", "必须做好。"),
     [("CUE", "放话"), ("PERSON", "热依拉木")], [("SOURCE", "热依拉木", "a person (the names list has them)")]),
    ("平台客服吐槽，系统出了问题。", [], ("平台客服", "吐槽", "系统出了问题。"),
     [("CUE", "吐槽"), ("SOURCE", "平台客服")], []),
    ("小红书喊话，将加强管理。", [("小红书", "ORG")], ("小红书", "喊话", "将加强管理。"),
     [("CUE", "喊话"), ("ORG", "小红书")], [("SOURCE", "小红书", "the attributor finds it already")]),
    ("他说，要做好。", [], ("他", "说", "要做好。"), [],
     [("CUE", "说", "the attributor knows it"), ("SOURCE", "他", "a pronoun")]),
    ("专家们表示，要做好。", [], ("专家们", "表示", "要做好。"), [],
     [("CUE", "表示", "the attributor knows it"), ("SOURCE", "专家们", "the attributor finds it already")]),
]


@pytest.mark.parametrize(("text", "entities", "quote", "taught", "left_out"), TEACHING)
def test_what_reviews_teach_the_rules(text: str, entities: list, quote: tuple | None, taught: list, left_out: list) -> None:
    quotes = []
    if quote is not None:
        speaker, cue, content = quote
        quotes = [{"speaker": spot(text, speaker), "cue": spot(text, cue), "content": spot(text, content)}]
    record = review("doc-1", text, [span(text, word, label) for word, label in entities], quotes)
    result = taught_by([record], {"doc-1": {"id": "doc-1", "text": text, "entities": [], "quotes": []}})
    assert [(e.kind, e.text) for e in result.entries] == sorted(taught)
    assert sorted((s["kind"], s["text"], s["why"]) for s in result.skipped) == sorted(left_out)
    assert all(e.reviews == (ReviewRef("doc-1", "alice", "2026-12-06T10:00:00+00:00"),) for e in result.entries)


def test_each_word_names_every_review_it_came_from() -> None:
    first = review("doc-1", "阿不都热合曼说了。", [span("阿不都热合曼说了。", "阿不都热合曼", "PERSON")])
    second = review("doc-2", "见到阿不都热合曼。", [span("见到阿不都热合曼。", "阿不都热合曼", "PERSON")], by=())
    (entry,) = taught_by([first, second], None).entries
    assert entry.reviews == (ReviewRef("doc-1", "alice", "2026-12-06T10:00:00+00:00"),
                             ReviewRef("doc-2", None, "2026-12-06T10:00:00+00:00"))  # unconfirmed: no reviewer


def entry(text: str, kind: str, *ids: str) -> Entry:
    return Entry(text, kind, tuple(ReviewRef(i) for i in ids))


@pytest.mark.parametrize(
    ("previous", "taught", "reviewed_ids", "expected"),
    [
        # an older review's word stays; the same review read again gives what it teaches now
        ([entry("甲乙", PERSON, "old"), entry("丙丁", PERSON, "a")], [entry("戊己", PERSON, "a")], {"a"},
         [entry("戊己", PERSON, "a"), entry("甲乙", PERSON, "old")]),
        # a word two reviews gave keeps the one not read again
        ([entry("丙丁", ORG, "a", "b")], [], {"a"}, [entry("丙丁", ORG, "b")]),
        # the same word taught again: one entry, both reviews
        ([entry("丙丁", ORG, "old")], [entry("丙丁", ORG, "a")], {"a"}, [entry("丙丁", ORG, "a", "old")]),
    ],
)
def test_a_new_version_reads_its_reviews_afresh(previous: list, taught: list, reviewed_ids: set, expected: list) -> None:
    assert sorted(merged_entries(previous, taught, reviewed_ids), key=lambda e: (e.kind, e.text)) == \
        sorted(expected, key=lambda e: (e.kind, e.text))


ENTRIES = st.lists(
    st.builds(entry, st.sampled_from(["甲乙", "丙丁", "戊己"]), st.sampled_from([PERSON, ORG, CUE, SOURCE]),
              st.sampled_from(["a", "b", "c"])),
    max_size=6,
)


@given(previous=ENTRIES, taught=ENTRIES, reviewed=st.sets(st.sampled_from(["a", "b", "c"])))
def test_learning_from_the_same_reviews_twice_changes_nothing(previous: list, taught: list, reviewed: set) -> None:
    taught = [e for e in taught if all(r.id in reviewed for r in e.reviews)]  # what these reviews teach
    once = merged_entries(previous, taught, reviewed)
    assert merged_entries(once, taught, reviewed) == once


def test_a_word_taught_as_person_and_as_org_is_neither() -> None:
    kept, left_out = without_conflicts([entry("小红书", PERSON, "a"), entry("小红书", ORG, "b"), entry("爆料", CUE, "a")])
    assert kept == [entry("爆料", CUE, "a")]
    assert {(s["kind"], s["why"]) for s in left_out} == {(PERSON, "taught both as PERSON and as ORG"),
                                                           (ORG, "taught both as PERSON and as ORG")}


@given(st.lists(st.builds(entry, st.text(alphabet="甲乙丙丁戊", min_size=1, max_size=4),
                          st.sampled_from([PERSON, ORG, CUE, SOURCE]), st.sampled_from(["a", "b"])), max_size=8))
def test_the_files_give_back_what_was_written(entries: list) -> None:
    import tempfile

    unique = list({(e.kind, e.text): e for e in entries}.values())
    with tempfile.TemporaryDirectory() as folder:
        write_entries(Path(folder), unique)
        assert sorted(read_entries(Path(folder)), key=lambda e: (e.kind, e.text)) == sorted(unique, key=lambda e: (e.kind, e.text))


@pytest.mark.parametrize(
    ("name", "line", "message"),
    [
        ("persons.jsonl", '{"reviews": []}', 'persons.jsonl:2: no "text"'),
        ("orgs.jsonl", '{"text": "蔚来汽车", "reviews": "doc-1"}', 'orgs.jsonl:2: "reviews" must be a list'),
        ("cues.jsonl", "爆料", "cues.jsonl:2: not valid JSON"),
    ],
)
def test_a_bad_line_is_named(tmp_path: Path, name: str, line: str, message: str) -> None:
    good = '{"text": "阿不都热合曼", "reviews": [{"id": "doc-1"}]}'
    (tmp_path / name).write_text(good + "\n" + line + "\n", encoding="utf-8")
    with pytest.raises(RecordError, match=message):
        read_lexicon(tmp_path)


def test_no_lexicon_is_the_shipped_behaviour(tmp_path: Path) -> None:
    assert read_lexicon(None) == read_lexicon(tmp_path / "nowhere") == LearntLexicon()
    assert quote_words((), ()) is SHIPPED_WORDS
    assert quote_words({"说"}, ()) is SHIPPED_WORDS  # a cue the attributor knows adds nothing


@pytest.mark.parametrize(
    ("text", "persons", "orgs", "expected"),
    [
        ("阿不都热合曼说，今年不错。", {"阿不都热合曼"}, set(), [("阿不都热合曼", "PERSON", "learnt_name"), ("今年", "DATE", "date_pattern")]),
        ("阿不都热合曼说，今年不错。", set(), set(), [("今年", "DATE", "date_pattern")]),  # the shipped rules miss it
        ("拼多多和蔚来汽车签约。", set(), {"拼多多", "蔚来汽车"}, [("拼多多", "ORG", "learnt_org"), ("蔚来汽车", "ORG", "learnt_org")]),
        # a thing named after a person is no mention of them
        ("阿不都热合曼公司成立了。", {"阿不都热合曼"}, set(), []),
        # the learnt name wins over the model's wrong reading of it
        ("小红书的负责人表示", set(), {"小红书"}, [("小红书", "ORG", "learnt_org")]),
        # a Latin name only as a whole word
        ("据NBA消息，NBAer都说", set(), {"NBA"}, [("NBA", "ORG", "learnt_org")]),
        ("Yelp和Yelpers", set(), {"Yelp"}, [("Yelp", "ORG", "learnt_org")]),
    ],
)
def test_the_rules_find_what_reviewers_taught(text: str, persons: set, orgs: set, expected: list) -> None:
    model = [Entity(0, 3, "PERSON")] if text.startswith("小红书") else []
    merged = merge_entities(text, model, {}, LABELS, None, frozenset(persons), frozenset(orgs))
    assert [(text[e.start : e.end], e.label, e.rule) for e in merged] == expected


@pytest.mark.parametrize(
    ("text", "cues", "sources", "expected"),
    [
        ("热依拉木放话：“这件事必须做好。”", set(), set(), []),
        ("热依拉木放话：“这件事必须做好。”", {"放话"}, set(), [("热依拉木", "放话", "这件事必须做好。")]),
        ("平台客服吐槽，系统出了问题。", {"吐槽"}, set(), []),  # 客服 is no source the attributor knows
        ("平台客服吐槽，系统出了问题。", {"吐槽"}, {"客服"}, [("平台客服", "吐槽", "系统出了问题。")]),
    ],
)
def test_the_attributor_finds_what_reviewers_taught(text: str, cues: set, sources: set, expected: list) -> None:
    persons = [{"start": 0, "end": 4, "label": "PERSON"}] if text.startswith("热依拉木") else []
    found = attribute_quotes(text, persons, {}, (), lexicon=quote_words(cues, sources))
    assert [(q["speaker"]["text"], q["cue"]["text"], q["content"]["text"]) for q in found] == expected


@pytest.mark.parametrize(
    ("text", "words", "missing"),
    [
        ("阿不都热合曼说，阿不都热合曼来了。", {"阿不都热合曼"}, [[0, 6], [8, 14]]),
        ("今天天气很好。", {"阿不都热合曼"}, []),
    ],
)
def test_pseudo_rehearsal_leaves_the_taught_names_unknown(text: str, words: set, missing: list) -> None:
    (record,) = unknown_where([{"id": "x", "text": text, "entities": [], "missing": []}], words)
    assert record["missing"] == missing


def test_the_learning_curve_measures_the_lexicon(tmp_path: Path) -> None:
    from pipeline.train.learn.curve import learning_curve
    from pipeline.train.learn.update import UpdateSettings

    name = "阿不都热合曼"
    texts = [f"记者见到了{name}。", f"{name}说，今年不错。", f"{name}是技术员。", f"村民都认识{name}。"]
    records = [{"id": f"a{i}", "text": t, "meta": {}, "entities": [[t.index(name), t.index(name) + len(name), "PERSON"]],
                "missing": []} for i, t in enumerate(texts)]  # fmt: skip
    totals = learning_curve(records, sizes=[0, 2], folds=2, rehearsal="none", rehearsal_data=None, unlabelled=[],
                            settings=UpdateSettings(), work_dir=tmp_path, learn="lexicon")  # fmt: skip
    assert totals[0].prf("PERSON")[1] < 0.5  # the shipped pre-labeller misses the name in most of them
    assert totals[2].prf("PERSON") == (1.0, 1.0, 1.0)  # learnt from two articles of the other fold


TESLA = "特斯拉发布新车。马斯克说，特斯拉不错。"  # 特斯拉 0-3 and 13-16, 马斯克 8-11


@pytest.mark.parametrize(
    ("pre", "reviewed", "taught", "left_out"),
    [
        # a PERSON the pre-labels gave, taken away (the reviewer made it an ORG): no PERSON, and an ORG
        # (马斯克, pre-labelled and kept in a confirmed document, is vouched for)
        ([(0, 3, "PERSON"), (8, 11, "PERSON")], [(0, 3, "ORG"), (8, 11, "PERSON")],
         [(NOT_PERSON, "特斯拉"), (ORG, "特斯拉"), (PERSON, "马斯克")], []),
        # deleted outright
        ([(0, 3, "PERSON")], [], [(NOT_PERSON, "特斯拉")], []),
        # taken away once, kept once: sometimes a name, so nothing is taught against it
        # (nor for it: confirming the one kept does not outweigh taking the other away)
        ([(0, 3, "PERSON"), (13, 16, "PERSON")], [(13, 16, "PERSON")], [],
         [(NOT_PERSON, "特斯拉", "a reviewer kept it as that label elsewhere"),
          (PERSON, "特斯拉", "a reviewer took it away elsewhere")]),
        # one character is too little to forbid everywhere
        ([(8, 9, "PERSON")], [], [], [(NOT_PERSON, "马", "one character")]),
        # a DATE taken away teaches nothing here
        ([(0, 3, "DATE")], [], [], []),
    ],
)
def test_a_name_reviewers_took_away_is_taught_as_none(pre: list, reviewed: list, taught: list, left_out: list) -> None:
    def entities(spans: list) -> list:
        return [{"start": s, "end": e, "label": label, "text": TESLA[s:e]} for s, e, label in spans]

    record = {"id": "doc-1", "text": TESLA, "entities": entities(reviewed), "quotes": [],
              "review": {"state": "confirmed", "by": ["alice"], "pulled_at": None}}  # fmt: skip
    before = {"doc-1": {"id": "doc-1", "text": TESLA, "entities": entities(pre), "quotes": []}}
    result = taught_by([record], before)
    assert sorted((e.kind, e.text) for e in result.entries) == sorted(taught)
    assert [(s["kind"], s["text"], s["why"]) for s in result.skipped] == left_out


def test_without_the_pushed_prelabels_no_deletion_is_known() -> None:
    record = {"id": "doc-1", "text": TESLA, "entities": [], "quotes": []}
    assert reviewer_rejections(record, None) == []


@pytest.mark.parametrize(
    ("model", "rejected", "expected"),
    [
        ([(0, 3, "PERSON")], {}, [("特斯拉", "PERSON"), ("马斯克", "PERSON"), ("特斯拉", "PERSON")]),
        # the name reviewers took away stands nowhere, not even where propagation would put it
        ([(0, 3, "PERSON")], {"PERSON": frozenset({"特斯拉"})}, [("马斯克", "PERSON")]),
        # only that label is refused
        ([(0, 3, "ORG")], {"PERSON": frozenset({"特斯拉"})}, [("特斯拉", "ORG"), ("马斯克", "PERSON")]),
    ],
)
def test_the_rules_never_give_what_reviewers_took_away(model: list, rejected: dict, expected: list) -> None:
    spans = [Entity(*span) for span in model] + [Entity(8, 11, "PERSON")]
    merged = merge_entities(TESLA, spans, {}, LABELS, None, frozenset(), frozenset(), rejected)
    assert [(TESLA[e.start : e.end], e.label) for e in merged] == expected


def test_the_files_hold_what_reviewers_took_away(tmp_path: Path) -> None:
    ref = (ReviewRef("doc-1", "alice", None),)
    write_entries(tmp_path, [Entry("特斯拉", NOT_PERSON, ref), Entry("奇才", NOT_ORG, ref)])
    assert read_lexicon(tmp_path) == LearntLexicon(not_persons=frozenset({"特斯拉"}), not_orgs=frozenset({"奇才"}))
