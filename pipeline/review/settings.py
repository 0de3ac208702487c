"""Where the doccano server is and how to log in.

A local server started by ``corpusprep doccano up`` writes its URL, user and
generated password to ``<DOCCANO_HOME>/credentials.json`` (mode 0600, inside the
git-ignored ``.doccano/``).  ``DOCCANO_URL``, ``DOCCANO_USERNAME`` and
``DOCCANO_PASSWORD`` in the environment point the client at any other server and
win over the file.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pipeline.core.paths import REPO_DIR

DEFAULT_HOME = REPO_DIR / ".doccano"
DEFAULT_PORT = 8000
DEFAULT_PROJECT = "corpusprep"
CREDENTIALS_FILE = "credentials.json"


class SettingsError(RuntimeError):
    """No usable connection settings; the message says what to do."""


@dataclass(frozen=True)
class ServerSettings:
    """Everything needed to reach and log in to one doccano server."""

    url: str
    username: str
    password: str = field(repr=False)
    secret_key: str = field(default="", repr=False)

    def public(self) -> dict[str, str]:
        """What may be printed: never the password or the secret key."""
        return {"url": self.url, "username": self.username}


def doccano_home() -> Path:
    """The local server's data folder: ``DOCCANO_HOME`` or ``.doccano/`` in the project."""
    return Path(os.environ.get("DOCCANO_HOME") or DEFAULT_HOME).resolve()


def doccano_port() -> int:
    raw = os.environ.get("DOCCANO_PORT") or str(DEFAULT_PORT)
    try:
        return int(raw)
    except ValueError as exc:
        raise SettingsError(f"DOCCANO_PORT={raw!r} is not a port number") from exc


def credentials_path(home: Path | None = None) -> Path:
    return (home or doccano_home()) / CREDENTIALS_FILE


def write_credentials(settings: ServerSettings, home: Path) -> Path:
    """Store the settings readable by their owner only (created 0600, never wider)."""
    home.mkdir(parents=True, exist_ok=True)
    path = credentials_path(home)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, stat.S_IRUSR | stat.S_IWUSR)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(asdict(settings), handle, indent=2)
        handle.write("\n")
    os.chmod(tmp, stat.S_IRUSR | stat.S_IWUSR)
    os.replace(tmp, path)
    return path


def read_credentials(home: Path | None = None) -> ServerSettings | None:
    path = credentials_path(home)
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return ServerSettings(**{k: str(v) for k, v in data.items() if k in ServerSettings.__dataclass_fields__})
    except (ValueError, TypeError) as exc:
        raise SettingsError(f"{path} is not a valid credentials file ({exc}); delete it and run `make doccano-up`") from exc


def resolve_settings(home: Path | None = None) -> ServerSettings:
    """Environment first (any server), then the local server's credentials file."""
    url, user, password = (os.environ.get(k) for k in ("DOCCANO_URL", "DOCCANO_USERNAME", "DOCCANO_PASSWORD"))
    if url or user or password:
        if not (url and user and password):
            raise SettingsError(
                "set all of DOCCANO_URL, DOCCANO_USERNAME and DOCCANO_PASSWORD to use another doccano server"
            )
        return ServerSettings(url=url.rstrip("/"), username=user, password=password)
    stored = read_credentials(home)
    if stored is None:
        raise SettingsError(
            f"no doccano server configured: run `make doccano-up` (writes {credentials_path(home)}) "
            "or set DOCCANO_URL, DOCCANO_USERNAME and DOCCANO_PASSWORD"
        )
    return stored
