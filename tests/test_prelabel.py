"""The prelabel stage end to end: interface, seed check, edge-case records, CLI, HTML view."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.core.record import Block, Document
from pipeline.core.schema import load_schema
from pipeline.stages.prelabel import Prelabeler, load_prelabeler, split_pieces


@pytest.fixture(scope="module")
def prelabeler() -> Prelabeler:
    return load_prelabeler()


@pytest.fixture(scope="module")
def seed_entities(prelabeler: Prelabeler) -> list[dict]:
    text = (Path(__file__).parent / "fixtures" / "seed_zzwb_20130428.txt").read_text(encoding="utf-8")
    return prelabeler.label_text(text, {"date": "2013-04-28"})


def found(entities: list[dict], label: str) -> set[str]:
    return {e["text"] for e in entities if e["label"] == label}


SEED_PEOPLE = (
    "吴天君 马懿 王璋 白红战 李秀奇 胡荃 舒庆 王林贺 高建慧 李公乐 孙金献 王哲 薛云伟 王跃华 张建慧 姚待献 张延明 王继兵 袁帅"
).split()


def test_seed_people(seed_entities: list[dict]) -> None:
    assert set(SEED_PEOPLE) <= found(seed_entities, "PERSON")


def test_seed_orgs(seed_entities: list[dict]) -> None:
    assert {"省委", "省政府", "市委"} <= found(seed_entities, "ORG")


@pytest.mark.parametrize(
    ("text", "value"),
    [("昨晚", "2013-04-27"), ("4月26日-27日", "2013-04-26/2013-04-27"), ("一季度", "2013-Q1"), ("上半年", "2013-H1"), ("全年", "2013")],
)
def test_seed_dates_with_values(seed_entities: list[dict], text: str, value: str) -> None:
    assert {"text": text, "label": "DATE", "value": value} in [
        {k: e.get(k) for k in ("text", "label", "value")} for e in seed_entities
    ]


@pytest.mark.parametrize(("text", "value"), [("12%", 12.0), ("30%", 30.0)])
def test_seed_percents_with_values(seed_entities: list[dict], text: str, value: float) -> None:
    assert {"text": text, "label": "PERCENT", "value": value} in [
        {k: e.get(k) for k in ("text", "label", "value")} for e in seed_entities
    ]


def test_seed_vague_time_words_are_not_dates(seed_entities: list[dict]) -> None:
    assert not found(seed_entities, "DATE") & {"当前", "目前", "现在"}


def test_entities_point_into_the_text_and_use_schema_labels(seed_entities: list[dict]) -> None:
    text = (Path(__file__).parent / "fixtures" / "seed_zzwb_20130428.txt").read_text(encoding="utf-8")
    labels = set(load_schema().entity_labels)
    for entity in seed_entities:
        assert text[entity["start"] : entity["end"]] == entity["text"]
        assert entity["label"] in labels
    assert {e["label"] for e in seed_entities} == labels


def test_label_documents_streams_and_keeps_records(prelabeler: Prelabeler) -> None:
    documents = [
        Document(id="a", text="市委书记吴天君昨晚说。", meta={"date": "2013-04-28"}),
        Document(id="empty", text=""),
        Document(id="b", text="增长12%。"),
    ]
    out = list(prelabeler.label_documents(iter(documents)))
    assert [d.id for d in out] == ["a", "empty", "b"]
    assert [d.text for d in out] == ["市委书记吴天君昨晚说。", "", "增长12%。"]
    assert out[1].entities == [] and out[1].quotes == []
    last_night = {"start": 7, "end": 9, "label": "DATE", "text": "昨晚", "value": "2013-04-27", "source": "date_pattern"}
    assert last_night in out[0].entities
    assert out[2].entities == [
        {"start": 2, "end": 5, "label": "PERCENT", "text": "12%", "value": 12.0, "source": "percent_sign"}
    ]
    assert list(out[2].entities[0]) == ["start", "end", "label", "text", "value", "source"]
    assert all(isinstance(d.quotes, list) for d in out)


def test_entities_do_not_depend_on_how_documents_are_batched(prelabeler: Prelabeler) -> None:
    seed = (Path(__file__).parent / "fixtures" / "seed_zzwb_20130428.txt").read_text(encoding="utf-8")
    paragraphs = [p for p in seed.split("\n") if p.strip()]
    documents = [Document(id=str(i), text=p, meta={"date": "2013-04-28"}) for i, p in enumerate(paragraphs)]
    one_at_a_time = [d.entities for d in Prelabeler(prelabeler.nlp, batch_size=1).label_documents(copy.deepcopy(documents))]
    many_at_once = [d.entities for d in Prelabeler(prelabeler.nlp, batch_size=64).label_documents(copy.deepcopy(documents))]
    assert sum(map(len, one_at_a_time)) > 20  # the seed's people, organs, dates and percents
    assert one_at_a_time == many_at_once


@pytest.mark.parametrize("prefix", ["𠮷", "𠮷𠮷𠮷\n", "😀a𠮷 "])
def test_offsets_survive_characters_outside_the_bmp(prelabeler: Prelabeler, prefix: str) -> None:
    text = prefix + "市委书记吴天君昨晚说,增长１２％。"
    entities = prelabeler.label_text(text, {"date": "2013-04-28"})
    assert {(e["text"], e["label"]) for e in entities} >= {("吴天君", "PERSON"), ("１２％", "PERCENT")}
    # 市委, or 𠮷市委 when the rare character touches it (read as a place name, like 郑州市委)
    assert any(e["label"] == "ORG" and e["text"].endswith("市委") and e["end"] == text.index("书记") for e in entities)
    for entity in entities:
        assert text[entity["start"] : entity["end"]] == entity["text"]


def test_a_name_written_with_a_hyphen_is_found_and_given_as_written(prelabeler: Prelabeler) -> None:
    """Web news writes 克里斯-保罗 for print's 克里斯·保罗: the pipeline reads the name dot, the record keeps
    the hyphen (spans, and the speaker's name)."""
    text = "主教练迈克-德安东尼说：“我们需要他。”克里斯-保罗禁赛缺席。"
    document = next(prelabeler.label_documents([Document(id="hyphen", text=text, meta={"date": "2018-11-08"})]))
    people = {(e["text"], e["start"]) for e in document.entities if e["label"] == "PERSON"}
    assert people == {("迈克-德安东尼", 3), ("克里斯-保罗", text.index("克里斯"))}
    assert [q["speaker_name"] for q in document.quotes] == ["迈克-德安东尼"]


@pytest.mark.slow
def test_very_long_text_is_labelled_in_pieces_with_correct_offsets(prelabeler: Prelabeler) -> None:
    paragraph = "市委书记吴天君昨晚在会上说,全年增长12%。\n"
    text = paragraph * 2500  # ~60,000 characters: more than one piece
    assert len(split_pieces(text)) > 1
    entities = prelabeler.label_text(text, {"date": "2013-04-28"})
    people = [e for e in entities if e["label"] == "PERSON"]
    assert len(people) == 2500
    assert all(text[e["start"] : e["end"]] == "吴天君" for e in people)


@pytest.mark.parametrize(("length", "limit"), [(0, 10), (5, 10), (25, 10), (100, 7)])
def test_split_pieces_cover_the_text(length: int, limit: int) -> None:
    text = "".join("甲\n"[i % 2] if i % 4 else "乙" for i in range(length))
    pieces = split_pieces(text, limit)
    assert "".join(piece for _, piece in pieces) == text
    assert all(text[offset : offset + len(piece)] == piece for offset, piece in pieces)
    assert all(len(piece) <= limit for _, piece in pieces)


def test_cli_prelabel_on_plain_id_text_records(tmp_path: Path) -> None:
    from pipeline.cli import app

    source = tmp_path / "in.jsonl"
    source.write_text(
        json.dumps({"id": "x1", "text": "黄小姐告诉记者,近八成的受访者满意。"}, ensure_ascii=False) + "\n"
        + json.dumps({"id": "x2", "text": ""}) + "\n",
        encoding="utf-8",
    )
    target = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["prelabel", "--input", str(source), "--output", str(target)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["x1", "x2"]
    assert {(e["text"], e["label"]) for e in rows[0]["entities"]} >= {("黄", "PERSON"), ("八成", "PERCENT")}
    assert rows[1]["entities"] == []


def test_show_renders_entities_as_html(tmp_path: Path) -> None:
    from pipeline.show import render_html

    source = tmp_path / "pre.jsonl"
    records = [
        {"id": "a", "text": "市委书记吴天君昨晚说。", "entities": [
            {"start": 0, "end": 2, "label": "ORG", "text": "市委"},
            {"start": 7, "end": 9, "label": "DATE", "text": "昨晚", "value": "2013-04-27"}]},
        {"id": "b", "text": "不显示"},
    ]
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    target = tmp_path / "page.html"
    assert render_html(source, target, limit=1) == 1
    html = target.read_text(encoding="utf-8")
    assert "DATE 2013-04-27" in html and "ORG" in html and "不显示" not in html


def test_quote_span_texts_are_slices_of_the_record_text(prelabeler: Prelabeler) -> None:
    """The model reads width-folded text; quote spans must still quote the record's own characters."""
    text = "市委书记吴天君指出，全市上下要加快建设，完成全年１２％的增长目标。"
    document = next(prelabeler.label_documents([Document(id="q", text=text, meta={"date": "2013-04-28"})]))
    assert document.quotes, "the cue 指出 after a named person is an attribution"
    for quote in document.quotes:
        for role in ("speaker", "cue", "content"):
            span = quote[role]
            if span is not None:
                assert span["text"] == text[span["start"] : span["end"]]
    assert "，" in document.quotes[0]["content"]["text"]


def test_the_layout_blocks_reach_the_quote_attributor(prelabeler: Prelabeler) -> None:
    """A ``——NAME`` line is a pull quote's attribution only where layout found one (repair's blocks)."""
    text = "正文第一段。\n“稳住外贸基本盘，关键在企业。”\n——王伟中"
    kinds = {"attribution": ("body", "pull_quote", "attribution"), "body": ("body", "body", "body")}
    starts, ends = [0, 7, 24], [6, 23, 28]
    found = {}
    for name, roles in kinds.items():
        blocks = [Block(kind, start, end) for kind, start, end in zip(roles, starts, ends, strict=True)]
        labelled = next(prelabeler.label_documents([Document(id=name, text=text, blocks=blocks)]))
        found[name] = [q["source"] for q in labelled.quotes]
    assert found == {"attribution": ["pull_quote_attribution"], "body": []}
