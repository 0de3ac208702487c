"""Ingest: encodings and line ends are read faithfully; bad files are refused clearly and the batch goes on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.stages.ingest import IngestError, list_sources, read_article

SEED_NAME = "seed_zzwb_20130428.txt"


@pytest.fixture
def seed_text(fixtures: Path) -> str:
    return (fixtures / SEED_NAME).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("encode", "encoding"),
    [
        (lambda t: t.encode("utf-8"), "utf-8"),
        (lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"), "utf-8-sig"),
        (lambda t: t.encode("gb18030"), "gb18030"),
        (lambda t: t.encode("gbk"), "gb18030"),
    ],
    ids=["utf8", "utf8-bom", "gb18030", "gbk"],
)
def test_encodings_decode_to_the_same_text(tmp_path: Path, seed_text: str, encode, encoding: str) -> None:
    path = tmp_path / "article.txt"
    path.write_bytes(encode(seed_text))
    doc = read_article(path)
    assert doc.text == seed_text
    assert doc.meta["encoding"] == encoding
    assert doc.id == "article" and doc.meta["source"] == "article.txt"
    assert doc.offsets == list(range(len(doc.text)))


@pytest.mark.parametrize("line_end", ["\r\n", "\r", "\n"], ids=["crlf", "cr", "lf"])
def test_line_ends_are_kept_raw(tmp_path: Path, line_end: str) -> None:
    text = line_end.join(["郑州晚报", "昨晚，我市召开会议。", ""])
    path = tmp_path / "a.txt"
    path.write_bytes(text.encode("utf-8"))
    assert read_article(path).text == text


@pytest.mark.parametrize(
    ("content", "reason_part", "line"),
    [
        (b"", "empty", None),
        (b" \n\r\n\t\n", "empty", None),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary", 3),
        ("第一行正文。\n第二行".encode() + b"\xff\xfe\xfa\n", "cannot decode", 2),
    ],
    ids=["empty", "whitespace", "binary", "undecodable"],
)
def test_bad_files_raise_clear_errors(tmp_path: Path, content: bytes, reason_part: str, line: int | None) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(IngestError) as caught:
        read_article(path)
    error = caught.value
    assert reason_part in error.reason
    assert error.line == line
    expected_prefix = f"{path}:{line}: " if line is not None else f"{path}: "
    assert str(error) == expected_prefix + error.reason


def test_huge_file_is_refused_with_configurable_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "huge.txt"
    path.write_bytes("正文。".encode() * 400)
    with pytest.raises(IngestError, match="too large"):
        read_article(path, max_bytes=1000)
    monkeypatch.setenv("CORPUSPREP_MAX_BYTES", "1000")
    with pytest.raises(IngestError, match="too large"):
        read_article(path)
    monkeypatch.setenv("CORPUSPREP_MAX_BYTES", str(10_000))
    assert read_article(path).text.startswith("正文")


def test_list_sources_is_sorted_txt_only(tmp_path: Path) -> None:
    for name in ["b.txt", "a.txt", "c.md", "d.txt.bak"]:
        (tmp_path / name).write_text("正文。", encoding="utf-8")
    assert [p.name for p in list_sources(tmp_path)] == ["a.txt", "b.txt"]


def test_batch_goes_on_and_reports_skipped(tmp_path: Path, fixtures: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    (source / "000_seed.txt").write_bytes((fixtures / SEED_NAME).read_bytes())
    (source / "001_gbk.txt").write_bytes("河南日报\n\n正文第一段。\n".encode("gbk"))
    (source / "002_binary.txt").write_bytes(b"\x00\x01\x02binary\x00")
    (source / "003_empty.txt").write_bytes(b"")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["ingest", "-i", str(source), "-o", str(out / "ingested.jsonl")])
    assert result.exit_code == 2, result.output
    records = [json.loads(line) for line in (out / "ingested.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == ["000_seed", "001_gbk"]
    report = json.loads((out / "skipped.json").read_text(encoding="utf-8"))
    assert report["count"] == 2
    skipped = {Path(item["file"]).name: item["reason"] for item in report["skipped"]}
    assert "binary" in skipped["002_binary.txt"] and "empty" in skipped["003_empty.txt"]
