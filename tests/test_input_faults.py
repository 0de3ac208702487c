"""Every input is read or reported: extensions in any case, PDFs and images, subfolders, empty folders, bad JSONL lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.run import EXIT_SKIPPED, SKIPPED_REPORT, STAGE_FILES, run_chain
from pipeline.segmenter.model import SegmenterModelError
from pipeline.stages.ingest import document_id, read_article, survey_folder

SEED_NAME = "seed_zzwb_20130428.txt"


def make_folder(root: Path, names: list[str], fixtures: Path) -> Path:
    """A folder holding ``names`` (paths with ``/`` make subfolders); text files get the seed article."""
    seed = (fixtures / SEED_NAME).read_bytes()
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(seed if path.suffix.lower() == ".txt" else b"%PDF-1.4 or pixels")
    return root


@pytest.mark.parametrize(
    ("names", "recursive", "sources", "reasons"),
    [
        (["a.txt", "b.TXT", "c.Txt"], False, ["a.txt", "b.TXT", "c.Txt"], {}),
        (["a.txt", "scan.pdf"], False, ["a.txt"], {"scan.pdf": "a PDF, not text: run OCR first"}),
        (["a.txt", "p.PNG", "q.jpeg", "r.tif"], False, ["a.txt"], {
            "p.PNG": "an image (.png), not text: run OCR first",
            "q.jpeg": "an image (.jpeg), not text: run OCR first",
            "r.tif": "an image (.tif), not text: run OCR first",
        }),
        (["a.txt", "notes.md", "a.txt.bak"], False, ["a.txt"], {"notes.md": "not a .txt file", "a.txt.bak": "not a .txt file"}),
        (["a.txt", ".DS_Store", ".git/config"], False, ["a.txt"], {}),  # hidden entries are not inputs
        (["a.TXT", "a.txt"], False, ["a.TXT"], {"a.txt": "same id 'a' as a.TXT: rename one of them"}),
        (["a.txt", "2013/b.txt"], False, ["a.txt"], {"2013": "a subfolder, not read: pass --recursive"}),
        (["a.txt", "2013/b.txt", "2013/04/a.txt"], True, ["2013/04/a.txt", "2013/b.txt", "a.txt"], {}),
        (["2013/scan.pdf"], True, [], {"2013/scan.pdf": "a PDF"}),
    ],
    ids=["any-case", "pdf", "images", "other", "hidden", "same-id", "subfolder", "recursive", "recursive-pdf"],
)
def test_survey_sorts_every_entry(
    tmp_path: Path, fixtures: Path, names: list[str], recursive: bool, sources: list[str], reasons: dict[str, str]
) -> None:
    survey = survey_folder(make_folder(tmp_path, names, fixtures), recursive=recursive)
    assert [path.relative_to(tmp_path).as_posix() for path in survey.sources] == sources
    found = {item.path.relative_to(tmp_path).as_posix(): item.reason for item in survey.not_read}
    assert found.keys() == reasons.keys()
    for name, reason in reasons.items():
        assert found[name].startswith(reason)


@pytest.mark.parametrize(
    ("relative", "expected_id"),
    [("a.txt", "a"), ("A.TXT", "A"), ("a.b.txt", "a.b"), ("2013/04/a.txt", "2013/04/a"), ("郑州/晚报.Txt", "郑州/晚报")],
)
def test_ids_name_the_subfolders(tmp_path: Path, fixtures: Path, relative: str, expected_id: str) -> None:
    make_folder(tmp_path, [relative], fixtures)
    assert document_id(tmp_path / relative, tmp_path) == expected_id
    doc = read_article(tmp_path / relative, root=tmp_path)
    assert (doc.id, doc.meta["source"]) == (expected_id, relative)


def test_recursive_ingest_keeps_ids_unique(tmp_path: Path, fixtures: Path) -> None:
    source = make_folder(tmp_path / "in", ["a.txt", "x/a.txt", "y/a.TXT"], fixtures)
    out = tmp_path / "out" / "ingested.jsonl"
    flat = CliRunner().invoke(app, ["ingest", "-i", str(source), "-o", str(out)])
    assert flat.exit_code == EXIT_SKIPPED, flat.output
    assert "2 subfolder(s) not read: pass --recursive" in flat.output
    deep = CliRunner().invoke(app, ["ingest", "-i", str(source), "-o", str(out), "--recursive"])
    assert deep.exit_code == 0, deep.output
    assert [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()] == ["a", "x/a", "y/a"]


@pytest.mark.parametrize(
    ("names", "said"),
    [
        ([], "no article file (.txt, .xml, .hocr) in"),
        (["scan.pdf"], "scan.pdf: a PDF, not text: run OCR first"),
        (["sub/a.txt"], "1 subfolder(s) not read: pass --recursive"),
    ],
    ids=["empty", "only-a-pdf", "only-a-subfolder"],
)
def test_folder_without_articles_is_an_error(tmp_path: Path, fixtures: Path, names: list[str], said: str) -> None:
    source = make_folder(tmp_path / "in", names, fixtures)
    source.mkdir(exist_ok=True)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", "-i", str(source), "-o", str(out), "--segmenter", "char"])
    assert result.exit_code == EXIT_SKIPPED
    assert said in result.output and "error: no article file (.txt, .xml, .hocr) in" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_no_readable_article_commits_and_exports_nothing(tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    (source / "a.txt").write_bytes(b"\x00\x01binary\x00")
    (source / "b.txt").write_bytes(b"")
    out = tmp_path / "out"
    assert run_chain(source, out, segmenter="char", export=True) == EXIT_SKIPPED
    assert not any((out / name).exists() for name in STAGE_FILES.values())
    assert not (out / "dataset").exists() and not list(out.glob("*.partial"))
    assert json.loads((out / SKIPPED_REPORT).read_text(encoding="utf-8"))["count"] == 2


GOOD = ['{"id":"a","text":"新华社北京电。"}', '{"id":"b","text":"李鹏说：“好。”"}', '{"id":"c","text":"王兵。"}']


@pytest.mark.parametrize(
    ("lines", "bad", "kept"),
    [
        (GOOD, {}, ["a", "b", "c"]),
        ([GOOD[0], "{broken", GOOD[1], GOOD[2]], {2: "not valid JSON: "}, ["a", "b", "c"]),
        ([GOOD[0], GOOD[1], "[1, 2]", GOOD[2], '{"text":"无id"}'], {3: "expected a JSON object", 5: "not a record: "}, ["a", "b", "c"]),
        (["nonsense", GOOD[2]], {1: "not valid JSON: "}, ["c"]),
    ],
    ids=["clean", "broken-line", "array-and-no-id", "first-line"],
)
def test_stage_command_keeps_good_records_around_bad_lines(
    tmp_path: Path, lines: list[str], bad: dict[int, str], kept: list[str]
) -> None:
    source, output = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["normalize", "--input", str(source), "--output", str(output)])
    assert result.exit_code == (EXIT_SKIPPED if bad else 0), result.output
    assert [json.loads(line)["id"] for line in output.read_text(encoding="utf-8").splitlines()] == kept
    for number, reason in bad.items():
        assert f"{source}:{number}: {reason}" in result.output
    assert result.output.count("fix or remove the line") == len(bad)
    assert "Traceback" not in result.output


def test_errors_are_one_line_and_tracebacks_need_debug(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(GOOD[0] + "\n", encoding="utf-8")
    command = ["segment", "--input", str(source), "--output", str(tmp_path / "out.jsonl"), "--segmenter", "no-such-model"]
    plain = CliRunner().invoke(app, command)
    assert plain.exit_code == 1
    assert plain.output.startswith("error: pkuseg model no-such-model: no such folder.")
    assert plain.output.count("\n") == 1 and not isinstance(plain.exception, SegmenterModelError)
    debug = CliRunner().invoke(app, ["--debug", *command])
    assert isinstance(debug.exception, SegmenterModelError)
