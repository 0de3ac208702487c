"""Publishing to the Hub: every failure is a clear message, the token never shows, the folder stays ready."""

from __future__ import annotations

import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from huggingface_hub import constants
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.export import export_dataset
from pipeline.export.publish import PublishError, check_reachable, publish_dataset

CORPUS = Path(__file__).parent / "fixtures" / "export_corpus"
TOKEN = "hf_notARealToken0123456789abcdefXYZ"


@pytest.fixture(scope="module")
def dataset_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return export_dataset(CORPUS, tmp_path_factory.mktemp("publish") / "dataset")


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


def test_without_a_token_it_says_which_variable_to_set(dataset_dir: Path) -> None:
    result = invoke(["publish", "--repo-id", "someone/zh-news", "--dataset", str(dataset_dir)], {"HF_TOKEN": None})
    assert result.exit_code == 1
    assert "HF_TOKEN is not set" in result.output
    assert "ready to upload" in result.output


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

    def _refuse(self) -> None:
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
