"""pytest plugin: one real doccano server for the test session.

Started on a free loopback port with a throwaway DOCCANO_HOME and stopped by PID
at the end.  Tests that need it are marked ``@pytest.mark.doccano``; they are
skipped only when the doccano environment (``.venv-doccano``, created by
``make test``) is missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.review.client import ReviewClient
from pipeline.review.server import (
    DEFAULT_VENV,
    LocalServer,
    doccano_installed,
    free_port,
    pid_alive,
    start_server,
    stop_server,
)


@pytest.fixture(scope="session")
def doccano_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    if not doccano_installed(DEFAULT_VENV):
        pytest.skip(f"doccano is not installed in {DEFAULT_VENV}: `make test` creates it (make doccano-up too)")
    home = tmp_path_factory.mktemp("doccano-home")
    server = start_server(home, free_port())
    try:
        yield server
    finally:
        stopped = stop_server(home)
        alive = [pid for pid in stopped if pid_alive(pid)]
        assert not alive, f"doccano processes still running after stop: {alive}"


@pytest.fixture(scope="session")
def admin_client(doccano_server: LocalServer) -> ReviewClient:
    return ReviewClient.connect(doccano_server.settings)


@pytest.fixture(scope="session")
def doccano_home(doccano_server: LocalServer) -> Path:
    return doccano_server.home


@pytest.fixture(scope="module")
def cli_env(doccano_server: LocalServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Point the CLI at the test server through the environment, as for any remote server.

    DOCCANO_HOME (where push keeps its ledger of unfinished imports) is a throwaway folder per
    test module, not the repository's.
    """
    patch = pytest.MonkeyPatch()
    patch.setenv("DOCCANO_HOME", str(tmp_path_factory.mktemp("cli-home")))
    patch.setenv("DOCCANO_URL", doccano_server.settings.url)
    patch.setenv("DOCCANO_USERNAME", doccano_server.settings.username)
    patch.setenv("DOCCANO_PASSWORD", doccano_server.settings.password)
    yield
    patch.undo()
