"""Push the exported dataset folder to the Hugging Face Hub, or check it without pushing.

Needs a repo id and a write token: ``HF_TOKEN``, or the token ``hf auth login``
saved (huggingface_hub's ``get_token`` looks in that order).  Every way it can
fail (no token, offline, Hub unreachable, refused, a card that does not match the
files) ends in a ``PublishError`` whose message says what to do, with the token
scrubbed out; the folder is never changed, so it stays ready to upload later.
``dry_run`` makes the checks that need no network: the files, the card's YAML
header against them, and ``datasets.load_dataset`` on every configuration.
"""

from __future__ import annotations

import os
import socket
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import yaml

import pipeline

# What huggingface_hub reads, in its order: the variables (HF_TOKEN first), then the login's token file.
TOKEN_VARIABLES = ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN")
CARD_FILE = "README.md"
UPLOAD_PATTERNS = [CARD_FILE, "*.parquet"]
NO_TOKEN_ADVICE = "set HF_TOKEN to a Hugging Face write token, or run `hf auth login`"


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


@dataclass(frozen=True)
class HubToken:
    """A token and where it came from, so a dry run can say which one a publish would use."""

    value: str
    source: str


@dataclass(frozen=True)
class UploadFile:
    path: str  # relative to the dataset folder, as it will be named in the repo
    size: int  # bytes


@dataclass(frozen=True)
class DryRun:
    """What ``publish`` would do: the files it would upload and the configurations they load as."""

    repo_id: str
    files: list[UploadFile]
    rows: dict[str, dict[str, int]]  # config -> split -> rows, as load_dataset read them
    token: HubToken | None


def _redact(message: str, token: str | None) -> str:
    return message.replace(token, "***") if token else message


def token_source(token: str, environ: Mapping[str, str], token_file: Path) -> str:
    """Name where huggingface_hub found ``token``: a variable, the login's file, or its other ways (OIDC, Colab)."""
    for name in TOKEN_VARIABLES:
        if (environ.get(name) or "").strip() == token:
            return name
    try:
        if token_file.read_text(encoding="utf-8").strip() == token:
            return f"the token saved by `hf auth login` ({token_file})"
    except OSError:
        pass
    return "huggingface_hub's login"


def find_token() -> HubToken | None:
    """The token huggingface_hub would send (``get_token``: HF_TOKEN, then the login's file), or None."""
    from huggingface_hub import constants, get_token

    try:
        token = get_token()
    except Exception as error:  # OIDC exchange failing when HF_OIDC_RESOURCE is set, for one
        raise PublishError(f"could not get a Hugging Face token: {error}") from None
    if not token:
        return None
    return HubToken(token, token_source(token, os.environ, Path(constants.HF_TOKEN_PATH)))


def require_export(folder: Path) -> None:
    """Refuse a folder that ``corpusprep export`` did not write (it always writes the card)."""
    if not (folder / CARD_FILE).is_file():
        raise PublishError(
            f"{folder} holds no exported dataset (no {CARD_FILE}): run `corpusprep export` first", folder_ready=False
        )


def upload_list(folder: Path) -> list[UploadFile]:
    """The files an upload sends (the same patterns ``upload_folder`` is given), with their sizes."""
    uploaded = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(folder).as_posix()
        if any(fnmatch(relative, pattern) for pattern in UPLOAD_PATTERNS):
            uploaded.append(UploadFile(relative, path.stat().st_size))
    return uploaded


def card_configs(card: str) -> dict[str, list[str]]:
    """Configuration name -> data files, from the card's YAML header.

    A header that does not parse or names no configs would show on the Hub as a dataset nobody can
    load by configuration name, so it is an error (the folder needs a new export, not an upload).
    """
    lines = card.splitlines()
    if not lines or lines[0].strip() != "---" or "---" not in (line.strip() for line in lines[1:]):
        raise PublishError(
            f"the dataset card ({CARD_FILE}) has no YAML header between --- lines: export again", folder_ready=False
        )
    end = next(i for i, line in enumerate(lines[1:], 1) if line.strip() == "---")
    try:
        header = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError as error:
        raise PublishError(f"the dataset card's YAML header does not parse: {error}", folder_ready=False) from None
    if not isinstance(header, dict) or not isinstance(header.get("configs"), list) or not header["configs"]:
        raise PublishError("the dataset card's YAML header names no configs: export again", folder_ready=False)
    configs: dict[str, list[str]] = {}
    for config in header["configs"]:
        data_files: Any = config.get("data_files") if isinstance(config, dict) else None
        if not isinstance(data_files, list) or "config_name" not in config:
            raise PublishError(
                f"the dataset card's config {config!r} has no config_name or data_files list", folder_ready=False
            )
        configs[str(config["config_name"])] = [
            entry["path"] if isinstance(entry, dict) else str(entry) for entry in data_files
        ]
    return configs


def card_mismatches(configs: Mapping[str, list[str]], uploaded: list[str]) -> list[str]:
    """Where the card and the files disagree: data files it names that are missing, Parquet files it does not name."""
    named = {path for paths in configs.values() for path in paths}
    missing = [
        f"config {name!r} names {path}, which is not in the folder"
        for name, paths in configs.items()
        for path in paths
        if path not in uploaded
    ]
    unnamed = [
        f"{path} is in no config of the card" for path in uploaded if path.endswith(".parquet") and path not in named
    ]
    return missing + unnamed


def load_configs(folder: Path, configs: list[str]) -> dict[str, dict[str, int]]:
    """Load each configuration as a user would (``datasets.load_dataset(folder, config)``); rows per split."""
    from datasets import load_dataset
    from datasets.utils.logging import disable_progress_bar, enable_progress_bar, is_progress_bar_enabled

    rows: dict[str, dict[str, int]] = {}
    bars = is_progress_bar_enabled()
    disable_progress_bar()
    try:
        with tempfile.TemporaryDirectory(prefix="corpusprep-dry-run-") as cache:
            for config in configs:
                try:
                    loaded = load_dataset(str(folder), config, cache_dir=cache)
                except Exception as error:  # datasets raises many types; all mean "users could not load it"
                    message = f"datasets.load_dataset({str(folder)!r}, {config!r}) fails: {error}"
                    raise PublishError(message, folder_ready=False) from None
                rows[config] = {split: data.num_rows for split, data in loaded.items()}
    finally:
        if bars:
            enable_progress_bar()
    return rows


def check_card(folder: Path) -> dict[str, list[str]]:
    """The card's configurations, after checking they name exactly the Parquet files an upload would send."""
    require_export(folder)
    configs = card_configs((folder / CARD_FILE).read_text(encoding="utf-8"))
    mismatches = card_mismatches(configs, [f.path for f in upload_list(folder)])
    if mismatches:
        raise PublishError(
            f"the dataset card does not match the files: {'; '.join(mismatches)}. Export again", folder_ready=False
        )
    return configs


def dry_run(folder: Path, repo_id: str) -> DryRun:
    """Everything a publish checks and uploads, without the network: the Hub is not contacted."""
    from huggingface_hub.utils import validate_repo_id

    try:
        validate_repo_id(repo_id)
    except Exception as error:  # HFValidationError; its message says what is wrong with the name
        raise PublishError(f"{repo_id!r} is not a valid repo id: {error}") from None
    configs = check_card(folder)
    rows = load_configs(folder, list(configs))
    try:
        token = find_token()
    except PublishError:
        token = None
    return DryRun(repo_id=repo_id, files=upload_list(folder), rows=rows, token=token)


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
    """Create the dataset repo if needed and upload the card and Parquet files in one commit.

    ``token`` defaults to what huggingface_hub finds (``find_token``).  The card is checked
    against the files first, so a card naming files that are not there is never uploaded.
    """
    from huggingface_hub import HfApi, constants

    check_card(folder)
    files = upload_list(folder)
    if token is None:
        found = find_token()
        token = found.value if found else None
    if not token:
        raise PublishError(f"no Hugging Face token: {NO_TOKEN_ADVICE}")
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
            allow_patterns=UPLOAD_PATTERNS,
            delete_patterns=["*.parquet"],
            commit_message=f"Dataset exported by corpusprep {pipeline.__version__}",
        )
    except Exception as error:  # the Hub client raises many types; all mean "not published"
        raise PublishError(_redact(f"the Hub refused or failed the upload: {error}", token)) from None
    return Published(repo_id=repo_id, url=str(getattr(commit, "repo_url", "") or commit), files=len(files))
