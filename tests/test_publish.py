"""Publishing to the Hub: every failure is a clear message, the token never shows, the folder stays ready.

No test here reaches the network: the Hub is absent, refused by a local stand-in, or not needed (--dry-run).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from huggingface_hub import constants
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.export import export_dataset
from pipeline.export.publish import (
    PublishError,
    card_configs,
    card_mismatches,
    check_reachable,
    find_token,
    publish_dataset,
)

CORPUS = Path(__file__).parent / "fixtures" / "export_corpus"
SEED_RECORD = Path(__file__).parent / "fixtures" / "prelabeled_seed.jsonl"
TOKEN = "hf_notARealToken0123456789abcdefXYZ"
LOGIN_TOKEN = "hf_savedByHfAuthLogin0123456789abc"


@pytest.fixture(scope="module")
def dataset_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return export_dataset(CORPUS, tmp_path_factory.mktemp("publish") / "dataset")


@pytest.fixture(scope="module")
def seed_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed article's pre-labelled record, exported as `corpusprep export` does."""
    corpus = tmp_path_factory.mktemp("seed")
    shutil.copy(SEED_RECORD, corpus / "prelabeled.jsonl")
    return export_dataset(corpus, corpus / "dataset")


@pytest.fixture(autouse=True)
def hf_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty Hugging Face home: no token variable, no login, whatever the machine running the tests has.

    huggingface_hub reads HF_HOME once, at import, into its token paths: those are pointed there too.
    """
    home = tmp_path / "hf_home"
    home.mkdir()
    for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_OIDC_RESOURCE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HF_HOME", str(home))
    monkeypatch.setattr(constants, "HF_TOKEN_PATH", str(home / "token"))
    monkeypatch.setattr(constants, "HF_STORED_TOKENS_PATH", str(home / "stored_tokens"))
    return home


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a connection fails the test's command (a dry run needs none)."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("this test allows no network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def snapshot(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def invoke(args: list[str], env: dict[str, str | None]):
    return CliRunner().invoke(app, args, env=env, catch_exceptions=False)


def test_without_network_it_says_so_and_leaves_the_folder_ready(dataset_dir: Path, monkeypatch) -> None:
    """A real attempt: this machine (like CI without secrets) cannot reach the Hub."""
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    before = snapshot(dataset_dir)
    result = invoke(
        ["publish", "--repo-id", "someone/zh-news", "--dataset", str(dataset_dir), "--timeout", "2"],
        {"HF_TOKEN": TOKEN},
    )
    output = result.output
    assert result.exit_code == 1
    assert "not published" in output and "ready to upload" in output
    assert TOKEN not in output and "Traceback" not in output
    assert snapshot(dataset_dir) == before


def test_without_a_token_it_says_how_to_give_one(dataset_dir: Path) -> None:
    result = invoke(["publish", "--repo-id", "someone/zh-news", "--dataset", str(dataset_dir)], {"HF_TOKEN": None})
    assert result.exit_code == 1
    assert "no Hugging Face token" in result.output
    assert "HF_TOKEN" in result.output and "hf auth login" in result.output
    assert "ready to upload" in result.output


@pytest.mark.parametrize(
    ("variable", "login_file", "expected", "source"),
    [
        (TOKEN, LOGIN_TOKEN, TOKEN, "HF_TOKEN"),  # the variable comes first
        (None, LOGIN_TOKEN + "\n", LOGIN_TOKEN, "hf auth login"),  # then `hf auth login`'s file, stripped
        ("", LOGIN_TOKEN, LOGIN_TOKEN, "hf auth login"),  # an empty variable counts as unset
        (f"  {TOKEN}\n", None, TOKEN, "HF_TOKEN"),
        (None, None, None, None),
        (None, "", None, None),
    ],
)
def test_token_resolution_order(
    hf_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    variable: str | None,
    login_file: str | None,
    expected: str | None,
    source: str | None,
) -> None:
    if variable is not None:
        monkeypatch.setenv("HF_TOKEN", variable)
    if login_file is not None:
        (hf_home / "token").write_text(login_file)
    found = find_token()
    if expected is None:
        assert found is None
    else:
        assert found is not None and found.value == expected and source in found.source


def test_a_folder_that_was_never_exported_is_named(tmp_path: Path) -> None:
    result = invoke(["publish", "--repo-id", "someone/zh-news", "--dataset", str(tmp_path)], {"HF_TOKEN": TOKEN})
    assert result.exit_code == 1
    assert "corpusprep export" in result.output and "ready to upload" not in result.output


def test_offline_mode_is_respected(dataset_dir: Path, monkeypatch) -> None:
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    with pytest.raises(PublishError, match="HF_HUB_OFFLINE"):
        publish_dataset(dataset_dir, "someone/zh-news", token=TOKEN)


@pytest.mark.parametrize("endpoint", ["https://no-such-host.invalid", "http://127.0.0.1:9"])
def test_unreachable_endpoints_fail_fast_with_the_reason(endpoint: str) -> None:
    with pytest.raises(PublishError, match="cannot reach the Hugging Face Hub"):
        check_reachable(endpoint, timeout=2)


class EchoingRefusal(BaseHTTPRequestHandler):
    """A stand-in Hub that refuses everything and, carelessly, echoes the credentials it was sent."""

    credentials_seen: list[str] = []

    def _refuse(self) -> None:
        self.credentials_seen.append(str(self.headers.get("authorization")))
        body = json.dumps({"error": f"invalid credentials: {self.headers.get('authorization')}"}).encode()
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_HEAD = _refuse

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def refusing_hub():
    server = ThreadingHTTPServer(("127.0.0.1", 0), EchoingRefusal)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_refusal_is_reported_without_the_token(dataset_dir: Path, refusing_hub: str, monkeypatch) -> None:
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(constants, "ENDPOINT", refusing_hub)
    before = snapshot(dataset_dir)
    with pytest.raises(PublishError) as raised:
        publish_dataset(dataset_dir, "someone/zh-news", token=TOKEN, timeout=2)
    assert "refused or failed" in str(raised.value)
    assert TOKEN not in str(raised.value)
    assert raised.value.__cause__ is None and raised.value.folder_ready
    assert snapshot(dataset_dir) == before


def test_the_token_saved_by_hf_auth_login_is_the_one_sent(
    dataset_dir: Path, refusing_hub: str, hf_home: Path, monkeypatch
) -> None:
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(constants, "ENDPOINT", refusing_hub)
    (hf_home / "token").write_text(LOGIN_TOKEN)
    EchoingRefusal.credentials_seen.clear()
    with pytest.raises(PublishError) as raised:
        publish_dataset(dataset_dir, "someone/zh-news", timeout=2)
    assert f"Bearer {LOGIN_TOKEN}" in EchoingRefusal.credentials_seen
    assert LOGIN_TOKEN not in str(raised.value)


CARD_BODY = "\n# A dataset\n"
TWO_CONFIGS = """---
language: [zh]
configs:
- config_name: documents
  data_files:
  - split: train
    path: documents/train-00000-of-00001.parquet
  default: true
- config_name: ner
  data_files:
  - {split: train, path: ner/train-00000-of-00001.parquet}
  - {split: test, path: ner/test-00000-of-00001.parquet}
---
"""


@pytest.mark.parametrize(
    ("card", "expected"),
    [
        (
            TWO_CONFIGS + CARD_BODY,
            {
                "documents": ["documents/train-00000-of-00001.parquet"],
                "ner": ["ner/train-00000-of-00001.parquet", "ner/test-00000-of-00001.parquet"],
            },
        ),
        ("# A dataset without a header\n", "no YAML header"),
        ("---\nconfigs: [\n---\n" + CARD_BODY, "does not parse"),
        ("---\nlanguage: [zh]\n---\n" + CARD_BODY, "names no configs"),
        ("---\nconfigs: []\n---\n", "names no configs"),
        ("---\nconfigs:\n- config_name: ner\n---\n", "no config_name or data_files"),
    ],
)
def test_card_configs(card: str, expected: dict[str, list[str]] | str) -> None:
    if isinstance(expected, dict):
        assert card_configs(card) == expected
    else:
        with pytest.raises(PublishError, match=expected) as raised:
            card_configs(card)
        assert not raised.value.folder_ready


@pytest.mark.parametrize(
    ("configs", "uploaded", "expected"),
    [
        ({"ner": ["ner/train.parquet"]}, ["README.md", "ner/train.parquet"], []),
        ({"ner": ["ner/train.parquet", "ner/test.parquet"]}, ["README.md", "ner/train.parquet"], ["ner/test.parquet"]),
        (
            {"ner": ["ner/train.parquet"]},
            ["README.md", "ner/train.parquet", "old/train.parquet"],
            ["old/train.parquet"],
        ),
    ],
)
def test_card_mismatches(configs: dict[str, list[str]], uploaded: list[str], expected: list[str]) -> None:
    problems = card_mismatches(configs, uploaded)
    assert len(problems) == len(expected)
    assert all(path in problem for path, problem in zip(expected, problems))


def test_dry_run_on_the_seed_lists_what_would_be_uploaded(seed_dataset: Path, no_network: None) -> None:
    before = snapshot(seed_dataset)
    result = invoke(["publish", "--repo-id", "someone/zh-news", "--dataset", str(seed_dataset), "--dry-run"], {})
    assert result.exit_code == 0, result.output
    listed = [line.split()[-1] for line in result.output.splitlines() if line.startswith("  ")]
    assert listed == ["README.md", *sorted(str(p.relative_to(seed_dataset)) for p in seed_dataset.glob("*/*.parquet"))]
    for path in listed:
        assert f"{(seed_dataset / path).stat().st_size:,}  {path}" in result.output
    header = yaml.safe_load((seed_dataset / "README.md").read_text(encoding="utf-8").split("---\n")[1])
    for config in header["configs"]:
        assert f"config {config['config_name']}: card and files agree, load_dataset reads train" in result.output
    assert "token: none found" in result.output and "nothing was uploaded" in result.output
    assert snapshot(seed_dataset) == before


def test_dry_run_names_the_token_it_would_use_without_showing_it(seed_dataset: Path, no_network: None) -> None:
    result = invoke(
        ["publish", "--repo-id", "someone/zh-news", "--dataset", str(seed_dataset), "--dry-run"], {"HF_TOKEN": TOKEN}
    )
    assert result.exit_code == 0, result.output
    assert "token: HF_TOKEN" in result.output and TOKEN not in result.output


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda folder: (folder / "ner" / "train-00000-of-00001.parquet").unlink(), "not in the folder"),
        (
            lambda folder: shutil.copy(folder / "ner" / "train-00000-of-00001.parquet", folder / "ner" / "x.parquet"),
            "is in no config",
        ),
        (lambda folder: (folder / "ner" / "train-00000-of-00001.parquet").write_bytes(b"not parquet"), "load_dataset"),
    ],
)
def test_dry_run_refuses_a_folder_users_could_not_load(
    seed_dataset: Path, tmp_path: Path, no_network: None, damage, message: str
) -> None:
    folder = tmp_path / "dataset"
    shutil.copytree(seed_dataset, folder)
    damage(folder)
    result = invoke(["publish", "--repo-id", "someone/zh-news", "--dataset", str(folder), "--dry-run"], {})
    assert result.exit_code == 1
    assert message in result.output and "ready to upload" not in result.output
