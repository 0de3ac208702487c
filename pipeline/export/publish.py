"""Push the exported dataset folder to the Hugging Face Hub.

Needs a repo id and a write token in ``HF_TOKEN``.  Every way it can fail (no
token, offline, Hub unreachable, refused) ends in a ``PublishError`` whose message
says what to do, with the token scrubbed out; the folder is never changed, so it
stays ready to upload later.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import pipeline

TOKEN_VARIABLE = "HF_TOKEN"
CARD_FILE = "README.md"


class PublishError(RuntimeError):
    """Publishing did not happen; the message is meant for the person at the terminal."""

    def __init__(self, message: str, *, folder_ready: bool = True) -> None:
        super().__init__(message)
        self.folder_ready = folder_ready


@dataclass(frozen=True)
class Published:
    repo_id: str
    url: str
    files: int


def _redact(message: str, token: str | None) -> str:
    return message.replace(token, "***") if token else message


def dataset_files(folder: Path) -> list[Path]:
    """The files that make up the dataset: the card and the Parquet data."""
    if not (folder / CARD_FILE).is_file():
        raise PublishError(
            f"{folder} holds no exported dataset (no {CARD_FILE}): run `corpusprep export` first", folder_ready=False
        )
    return [folder / CARD_FILE, *sorted(folder.glob("*/*.parquet"))]


def check_reachable(endpoint: str, timeout: float) -> None:
    """Open (and close) a TCP connection to the Hub, so a machine without network fails fast and clearly."""
    parsed = urlparse(endpoint)
    host = parsed.hostname or endpoint
    port = parsed.port or (443 if parsed.scheme != "http" else 80)
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except OSError as error:
        reason = error.strerror or str(error) or type(error).__name__
        raise PublishError(f"cannot reach the Hugging Face Hub at {endpoint} ({reason})") from None


def publish_dataset(
    folder: Path,
    repo_id: str,
    *,
    private: bool = False,
    timeout: float = 10.0,
    token: str | None = None,
) -> Published:
    """Create the dataset repo if needed and upload the card and Parquet files in one commit."""
    from huggingface_hub import HfApi, constants

    files = dataset_files(folder)
    token = token if token is not None else os.environ.get(TOKEN_VARIABLE)
    if not token:
        raise PublishError(f"{TOKEN_VARIABLE} is not set: set it to a Hugging Face write token")
    if constants.HF_HUB_OFFLINE:
        raise PublishError("HF_HUB_OFFLINE is set: the Hub is not contacted in offline mode")
    endpoint = constants.ENDPOINT
    check_reachable(endpoint, timeout)
    api = HfApi(endpoint=endpoint, token=token)
    try:
        api.create_repo(repo_id, repo_type="dataset", private=private, exist_ok=True)
        commit = api.upload_folder(
            repo_id=repo_id,
            repo_type="dataset",
            folder_path=folder,
            allow_patterns=[CARD_FILE, "*.parquet"],
            delete_patterns=["*.parquet"],
            commit_message=f"Dataset exported by corpusprep {pipeline.__version__}",
        )
    except Exception as error:  # the Hub client raises many types; all mean "not published"
        raise PublishError(_redact(f"the Hub refused or failed the upload: {error}", token)) from None
    return Published(repo_id=repo_id, url=str(getattr(commit, "repo_url", "") or commit), files=len(files))
