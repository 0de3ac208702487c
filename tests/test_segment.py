"""The segment stage: shipped model, other choices, errors, and what it writes on records."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.core.record import Document
from pipeline.segmenter import compact
from pipeline.segmenter.model import SHIPPED_MODEL, Segmenter, SegmenterModelError, load_segmenter

SENTENCE = "中共中央总书记、国家主席江泽民发表１９９８年新年讲话《迈向充满希望的新世纪》。"


@pytest.fixture(scope="module")
def shipped() -> Segmenter:
    return load_segmenter(None)


@pytest.fixture(scope="module")
def char() -> Segmenter:
    return load_segmenter("char")


def test_shipped_model_is_compact_and_small() -> None:
    assert compact.is_compact_folder(SHIPPED_MODEL)
    assert compact.folder_size(SHIPPED_MODEL) < 20_000_000
    assert (SHIPPED_MODEL / "MODEL_CARD.md").is_file()


def test_shipped_model_segments_news_sensibly(shipped: Segmenter) -> None:
    words = shipped.words(SENTENCE)
    assert "".join(words) == SENTENCE
    for word in ["中共中央", "总书记", "国家", "主席", "发表", "新年", "讲话", "充满", "希望", "世纪", "《", "。"]:
        assert word in words


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我们 去 北京", ["我们", "去", "北京"]),
        ("新年讲话", ["新年", "讲话"]),
        ("", []),
        ("   ", []),
    ],
)
def test_shipped_words_table(shipped: Segmenter, text: str, expected: list[str]) -> None:
    assert shipped.words(text) == expected


@given(st.text(alphabet="马克杰逊说他是-·， 江泽民a1", max_size=30))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_words_are_the_segment_stage_s_words_as_written(shipped: Segmenter, text: str) -> None:
    """words() cuts as the segment stage does (a hyphen between Han characters read as the name dot) and gives
    the words as written: 马克-杰克逊 one word, with its hyphen."""
    (doc,) = shipped.segment_documents([Document(id="a", text=text)])
    assert shipped.words(text) == [text[start:end] for start, end in doc.tokens]


def test_char_fallback_is_one_token_per_character(char: Segmenter) -> None:
    assert char.words("新年 讲话") == ["新", "年", "讲", "话"]
    (doc,) = char.segment_documents([Document(id="a", text="新年 讲话")])
    assert doc.tokens == [[0, 1], [1, 2], [3, 4], [4, 5]]
    assert doc.meta["segmenter"] == {"name": "char"}


def test_documents_get_tokens_and_meta_without_text_change(shipped: Segmenter) -> None:
    docs = [Document(id=str(i), text=text, meta={"page": i}) for i, text in enumerate([SENTENCE, "新年\n\n讲话 。", ""])]
    out = list(shipped.segment_documents(iter(docs)))
    assert [d.text for d in out] == [d.text for d in docs] and [d.id for d in out] == ["0", "1", "2"]
    assert out[1].tokens == [[0, 2], [4, 6], [7, 8]]
    assert out[2].tokens == []
    info = out[0].meta["segmenter"]
    assert info["name"] == "pkuseg" and info["model"].startswith("shipped:") and len(info["sha256"]) == 64
    assert info["version"] and out[0].meta["page"] == 0
    assert docs[0].tokens == [] and "segmenter" not in docs[0].meta  # inputs are not mutated


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("前勇士主教练马克-杰克逊接受采访。", "马克-杰克逊"),  # cut as written: 马克|-杰|克逊
        ("梅格-瑞恩和约翰-麦伦", "梅格-瑞恩"),
        ("前勇士主教练马克·杰克逊接受采访。", "马克·杰克逊"),
    ],
)
def test_a_name_joined_by_a_hyphen_is_cut_as_with_the_name_dot(shipped: Segmenter, text: str, name: str) -> None:
    (out,) = shipped.segment_documents([Document(id="x", text=text)])
    assert out.text == text  # the record keeps its hyphen
    start = text.index(name)
    assert [start, start + len(name)] in out.tokens


def test_other_model_folder_is_recorded(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    shutil.copytree(SHIPPED_MODEL, folder)
    (doc,) = load_segmenter(str(folder)).segment_documents([Document(id="a", text="新年讲话")])
    assert doc.meta["segmenter"]["model"] == str(folder)
    assert doc.tokens == [[0, 2], [2, 4]]


text_strategy = st.text(alphabet=st.sampled_from(list("中国人民新年讲话，。１９ab 　\n\t")), max_size=60)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=text_strategy)
def test_tokens_tile_every_non_space_character(shipped: Segmenter, char: Segmenter, text: str) -> None:
    for segmenter in (shipped, char):
        (doc,) = segmenter.segment_documents([Document(id="p", text=text)])
        covered = [i for start, end in doc.tokens for i in range(start, end)]
        assert covered == sorted(set(covered))  # in order, no overlap
        assert covered == [i for i, c in enumerate(text) if not c.isspace()]
        assert doc.text == text


def _broken_copy(tmp_path: Path, name: str, content: bytes | None) -> Path:
    folder = tmp_path / "broken"
    shutil.copytree(SHIPPED_MODEL, folder)
    if content is None:
        (folder / name).unlink()
    else:
        (folder / name).write_bytes(content)
    return folder


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        (compact.COMPACT_WEIGHTS, b"not a zip file", "corrupt"),
        (compact.COMPACT_FEATURES, b"not xz data", "corrupt"),
        (compact.COMPACT_WEIGHTS, None, "neither"),
        (compact.COMPACT_FEATURES, None, "neither"),
    ],
)
def test_corrupt_compact_folder_explains(tmp_path: Path, name: str, content: bytes | None, problem: str) -> None:
    with pytest.raises(SegmenterModelError, match=problem) as caught:
        load_segmenter(str(_broken_copy(tmp_path, name, content)))
    assert "corpusprep segmenter train" in str(caught.value) and "make train-segmenter" in str(caught.value)


def test_truncated_weights_explain(tmp_path: Path) -> None:
    data = (SHIPPED_MODEL / compact.COMPACT_WEIGHTS).read_bytes()
    with pytest.raises(SegmenterModelError, match="corrupt"):
        load_segmenter(str(_broken_copy(tmp_path, compact.COMPACT_WEIGHTS, data[: len(data) // 2])))


@pytest.mark.parametrize(
    ("features", "weights"),
    [(b"\x92\x01", None), (b"garbage that is not msgpack", b"PK\x03\x04 not really")],
)
def test_corrupt_plain_pkuseg_folder_explains(tmp_path: Path, features: bytes, weights: bytes | None) -> None:
    folder = tmp_path / "plain"
    compact.write_raw(compact.read_compact(SHIPPED_MODEL), folder)
    (folder / compact.RAW_FEATURES).write_bytes(features)
    if weights is not None:
        (folder / compact.RAW_WEIGHTS).write_bytes(weights)
    with pytest.raises(SegmenterModelError, match="cannot be loaded"):
        load_segmenter(str(folder))


@pytest.mark.parametrize("choice", ["/no/such/model/folder", "no-such-official-name"])
def test_missing_model_folder_explains(choice: str) -> None:
    with pytest.raises(SegmenterModelError, match="no such folder") as caught:
        load_segmenter(choice)
    assert "corpusprep segmenter train" in str(caught.value)


def test_empty_folder_explains(tmp_path: Path) -> None:
    with pytest.raises(SegmenterModelError, match="neither"):
        load_segmenter(str(tmp_path))
