"""The part-of-speech tagger: the shipped model on phrases, the pd1998 converter, the scoring,
and that the chain never loads the tagger unless a caller asks for tags."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy
import pytest
import spacy
from hypothesis import given
from hypothesis import strategies as st
from spacy.tokens import Doc, DocBin
from thinc.api import NumpyOps

import pipeline.core.pos
from pipeline.core.network import windows
from pipeline.core.pos import SHIPPED_TAGGER, TaggerModelError, latin_tagged, load_tagger, tag_many, tag_tokens
from pipeline.core.text import fold_width
from pipeline.eval.pos import Accuracy, TaggedLineError, parse_tagged_line, read_tagged, spans
from pipeline.train.pos import convert, ship

REPO = Path(__file__).resolve().parents[1]


# --- the shipped tagger -------------------------------------------------------------------
# Words as pkuseg cuts them (PKU standard: a name's surname and given name are two words).
# Only tags that are unambiguous here and that the shipped model gets right are asserted;
# None leaves a word's tag open.


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["他", "说"], ["r", "v"]),
        (["我", "认为"], ["r", "v"]),
        (["62%", "的", "总经理"], ["m", "u", "n"]),
        (["６２％", "的", "总经理"], ["m", "u", "n"]),  # full-width as in pd1998: folded before tagging
        (["外交部", "发言人", "沈", "国放", "说"], ["nt", "n", "nr", "nr", "v"]),
        (["江", "泽民", "发表", "新年", "讲话"], ["nr", "nr", "v", "t", None]),
        (["四川省", "就业局", "的", "同志", "表示"], ["ns", None, "u", "n", "v"]),
        (["新华社", "北京", "１月", "５日", "电"], ["nt", "ns", "t", "t", None]),
        (["他们", "指出", "，", "经济", "发展", "很", "快", "。"], ["r", "v", "w", "n", None, "d", "a", "w"]),
        (["俄罗斯", "认为"], ["ns", "v"]),
        (["有的", "厂家", "说"], ["r", "n", "v"]),
        (["声明", "表示"], ["n", "v"]),
        (
            ["《", "商业周刊", "》", "一", "期", "发表", "的", "一", "组", "文章"],
            ["w", None, "w", "m", "q", "v", "u", "m", "q", "n"],
        ),
        (["据", "瑞典", "《", "每日新闻", "》", "报", "消息"], ["p", "ns", "w", None, "w", None, "n"]),
        # rule latin_nx: a word in Latin letters is nx, as pd1998 tags them (the model guessed l and i for these)
        (["Billboard", "在", "社交", "网站", "上", "回应"], ["nx", "p", None, "n", "f", "v"]),
        (["DAIGO", "说"], ["nx", "v"]),
    ],
)
def test_shipped_tagger_tags_phrases(words: list[str], expected: list[str | None]) -> None:
    tags = tag_tokens(words)
    assert [tag if want is not None else None for tag, want in zip(tags, expected)] == expected


@pytest.mark.parametrize(
    ("words", "tags", "expected"),
    [
        (["Billboard", "回应"], ["l", "v"], ["nx", "v"]),
        (["ＩＭＦ", "ISO9002", "iPhone"], ["nz", "nz", "n"], ["nx", "nx", "nx"]),  # either width, digits besides
        (["5", "km", "kbps"], ["m", "q", "q"], ["m", "q", "q"]),  # short lower-case units stay the model's
        (["A", "股", "2018"], ["nx", "n", "m"], ["nx", "n", "m"]),  # one letter, no letter: the model's
    ],
)
def test_words_in_latin_letters_are_nx(words: list[str], tags: list[str], expected: list[str]) -> None:
    assert latin_tagged(words, tags) == expected


def test_many_lists_tag_as_one_list_each() -> None:
    lists = [["他", "说"], [], ["62%", "的", "总经理"]]
    assert tag_many(lists) == [tag_tokens(words) for words in lists]


WORDS = st.lists(
    st.sampled_from(["他", "说", "的", "总经理", "62%", "６２％", "北京", "，", "X", "发展", "沈", "国放", "Billboard"]), max_size=12
)


@given(WORDS)
def test_one_known_tag_per_word(words: list[str]) -> None:
    labels = set(load_tagger().nlp.get_pipe("tagger").labels)
    tags = tag_tokens(words)
    assert len(tags) == len(words) and set(tags) <= labels


def spacy_tags(word_lists: list[list[str]]) -> list[list[str]]:
    """What spaCy's own pipeline predicts for the same folded words."""
    nlp = load_tagger().nlp
    docs = [Doc(nlp.vocab, words=[fold_width(word) for word in words]) for words in word_lists if words]
    tagged = iter([[token.tag_ for token in doc] for doc in nlp.pipe(docs)])
    return [latin_tagged(words, next(tagged)) if words else [] for words in word_lists]


@given(st.lists(WORDS, max_size=6))
def test_the_network_tags_as_spacy_does(word_lists: list[list[str]]) -> None:
    assert tag_many(word_lists) == spacy_tags(word_lists)


@given(st.lists(WORDS, max_size=6))
def test_kept_feature_rows_are_the_docs_own(word_lists: list[list[str]]) -> None:
    tagger = load_tagger()  # one per process: rows kept from earlier examples are read again here
    columns = tagger.network.columns
    for words in word_lists:
        doc = Doc(tagger.nlp.vocab, words=[fold_width(word) for word in words]) if words else None
        expected = doc.to_array(columns).reshape(len(words), len(columns)).tolist() if doc else []
        assert tagger.features(words).tolist() == expected


def test_kept_feature_rows_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    tagger = load_tagger()
    monkeypatch.setattr(pipeline.core.pos, "MAX_KEPT_ROWS", 3)
    tagger.rows.clear()
    first = tagger.features(["他", "说", "好"]).tolist()
    assert len(tagger.rows) == 3
    second = tagger.features(["我们", "来", "他"]).tolist()  # past the bound: the kept rows go, these are made
    assert set(tagger.rows) == {"我们", "来", "他"}
    assert second[2] == first[0]
    tagger.rows.clear()


@given(st.integers(1, 12), st.integers(1, 5), st.integers(1, 3))
def test_windows_are_thincs_seq2col(count: int, width: int, size: int) -> None:
    rows = numpy.arange(count * width, dtype="float32").reshape(count, width) + 1
    assert (windows(rows, size) == NumpyOps().seq2col(rows, size)).all()


def test_a_long_call_is_tagged_in_batches_as_spacy_does() -> None:
    word_lists = [
        ["外交部", "发言人", "沈", "国放", "说", "，", "中国", "政府"] * 40
    ] * 15  # 4,800 words: three batches
    assert tag_many(word_lists) == spacy_tags(word_lists)


@pytest.mark.parametrize("words", [[""], ["他", " "], ["说", "\n"]])
def test_empty_or_blank_words_are_refused(words: list[str]) -> None:
    with pytest.raises(ValueError, match="non-empty"):
        tag_tokens(words)


def test_a_missing_model_says_how_to_get_one(tmp_path: Path) -> None:
    with pytest.raises(TaggerModelError, match="make train-tagger"):
        tag_tokens(["他"], tmp_path / "nowhere")


def test_the_shipped_model_is_small_and_uses_one_character_affixes() -> None:
    size = sum(path.stat().st_size for path in SHIPPED_TAGGER.rglob("*") if path.is_file())
    assert size < 8_000_000
    lexeme = load_tagger().nlp.vocab["总经理"]
    assert (lexeme.prefix_, lexeme.suffix_) == ("总", "理")


# --- laziness: the chain does not load the tagger ---------------------------------------

NOT_LOADED = """
import sys
import pipeline.core.pos as pos
assert pos.load_tagger.cache_info().currsize == 0, "the tagger was loaded"
"""


def run_python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=600)


def test_importing_the_chain_loads_no_tagger() -> None:
    code = "import pipeline.cli, pipeline.run\n"
    code += "from pipeline.stages import STAGES\nimport importlib\n"
    code += "for stage in STAGES: importlib.import_module(stage.module)\n" + NOT_LOADED
    result = run_python(code)
    assert result.returncode == 0, result.stderr


@pytest.mark.slow
def test_the_chain_loads_the_tagger_once_for_the_quote_attributor(tmp_path: Path) -> None:
    """Tags are asked for only by the quote attributor, in the clauses before cues: one model load for the run."""
    source = tmp_path / "in"
    source.mkdir()
    (source / "seed.txt").write_text(
        (REPO / "tests/fixtures/seed_zzwb_20130428.txt").read_text(encoding="utf-8"), encoding="utf-8"
    )
    code = "from pathlib import Path\nfrom pipeline.run import run_chain\nimport pipeline.core.pos as pos\n"
    code += f"assert run_chain(Path({str(source)!r}), Path({str(tmp_path / 'out')!r}), export=False) == 0\n"
    code += "info = pos.load_tagger.cache_info()\nassert (info.currsize, info.misses) == (1, 1), info\n"
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "prelabeled.jsonl").stat().st_size > 0


# --- the pd1998 reader and converter ---------------------------------------------------


@pytest.mark.parametrize(
    ("line", "pairs"),
    [
        ("江/nr 泽民/nr 发表/v\n", [("江", "nr"), ("泽民", "nr"), ("发表", "v")]),
        ("１２月/t  ３１日/t\t，/w\r\n", [("１２月", "t"), ("３１日", "t"), ("，", "w")]),
        ("1/2/m 摄/Vg", [("1/2", "m"), ("摄", "Vg")]),  # the tag follows the last slash
        ("", []),
    ],
)
def test_tagged_lines_are_read(line: str, pairs: list[tuple[str, str]]) -> None:
    assert parse_tagged_line(line) == pairs


@pytest.mark.parametrize("line", ["江泽民", "江/nr 泽民", "/w", "江/"])
def test_a_word_without_its_tag_is_refused(line: str) -> None:
    with pytest.raises(ValueError, match="word/TAG"):
        parse_tagged_line(line)


def test_converter_writes_folded_words_with_tags_and_reports_bad_lines(tmp_path: Path) -> None:
    source = tmp_path / "tiny_pos.txt"
    source.write_text("江/nr 泽民/nr 发表/v\n\n坏行 没有/v\n１２％/m 的/u 总经理/n\n", encoding="utf-8")
    tags, bad = convert(source, tmp_path / "tiny.spacy")
    assert [str(error) for error in bad] == [
        f"{source}:3: '坏行' is not word/TAG; write each word as word/TAG, separated by spaces"
    ]
    assert all(isinstance(error, TaggedLineError) for error in bad)
    assert tags == {"nr": 2, "v": 1, "m": 1, "u": 1, "n": 1}
    docs = list(DocBin().from_disk(tmp_path / "tiny.spacy").get_docs(spacy.blank("zh").vocab))
    assert [[(t.text, t.tag_, t.whitespace_) for t in doc] for doc in docs] == [
        [("江", "nr", ""), ("泽民", "nr", ""), ("发表", "v", "")],
        [("12%", "m", ""), ("的", "u", ""), ("总经理", "n", "")],
    ]


def test_reader_numbers_lines_from_one_and_skips_blank_ones(tmp_path: Path) -> None:
    source = tmp_path / "x_pos.txt"
    source.write_text("\ufeff他/r\n\n说/v\n", encoding="utf-8")
    assert list(read_tagged(source)) == [(1, [("他", "r")]), (3, [("说", "v")])]


def test_ship_keeps_only_the_tag_strings_and_names_the_model(tmp_path: Path) -> None:
    ship(SHIPPED_TAGGER, tmp_path / "copy")
    nlp = load_tagger(tmp_path / "copy").nlp
    assert nlp.meta["name"] == "corpusprep_pos_zh" and "research use only" in nlp.meta["license"]
    assert tag_tokens(["他", "说"], tmp_path / "copy") == tag_tokens(["他", "说"])


# --- scoring ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gold", "predicted", "correct"),
    [
        ((["江", "泽民", "说"], ["nr", "nr", "v"]), (["江", "泽民", "说"], ["nr", "nr", "v"]), {"nr": 2, "v": 1}),
        ((["江", "泽民", "说"], ["nr", "nr", "v"]), (["江泽民", "说"], ["nr", "v"]), {"nr": 0, "v": 1}),  # span differs
        ((["他", "说"], ["r", "v"]), (["他", "说"], ["n", "v"]), {"r": 0, "v": 1}),  # tag differs
        ((["他", "说"], ["r", "v"]), (["他说"], ["v"]), {"r": 0, "v": 0}),
    ],
)
def test_a_word_counts_when_span_and_tag_match(gold: tuple, predicted: tuple, correct: dict[str, int]) -> None:
    accuracy = Accuracy()
    accuracy.add(spans(*gold), spans(*predicted))
    assert {tag: accuracy.correct[tag] for tag in correct} == correct
    assert accuracy.of() == sum(correct.values()) / len(gold[0])


def test_accuracy_per_tag_set() -> None:
    accuracy = Accuracy()
    accuracy.add(spans(["他", "说", "的"], ["r", "v", "u"]), spans(["他", "说", "的"], ["r", "n", "u"]))
    assert (accuracy.of(["r", "u"]), accuracy.of(["v"]), accuracy.of(["nt"])) == (1.0, 0.0, 0.0)
