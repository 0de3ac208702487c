"""Start and stop a local doccano server (web server + task worker) by PID.

doccano 1.8.4 lives in its own environment (``.venv-doccano``): the server has pins
of its own (pydantic 2 among them), and the pipeline talks to it only over HTTP.
``doccano webserver`` binds 0.0.0.0, so the web server is started through gunicorn
directly, bound to 127.0.0.1.  Data (sqlite database, which is also the task broker,
and uploads) lives in ``DOCCANO_HOME``.  The CLI (``corpusprep doccano up/down``) and
the integration tests share this module.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from pipeline.review.settings import REPO_DIR, ServerSettings, credentials_path, read_credentials, write_credentials

DEFAULT_VENV = REPO_DIR / ".venv-doccano"
ADMIN_USER = "admin"
READY_TIMEOUT = 180.0
STOP_TIMEOUT = 20.0
WEB_PID, WORKER_PID = "web.pid", "worker.pid"


class ServerError(RuntimeError):
    """The local server could not be started or stopped; the message says what to do."""


@dataclass(frozen=True)
class LocalServer:
    """A running local server: where it is, its data folder and its processes."""

    settings: ServerSettings
    home: Path
    web_pid: int
    worker_pid: int
    already_running: bool = False


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def doccano_installed(venv: Path = DEFAULT_VENV) -> bool:
    return (venv / "bin" / "doccano").exists() and (venv / "bin" / "gunicorn").exists()


def _backend_dir(venv: Path) -> Path:
    """Folder of doccano's Django project inside its environment (gunicorn's --chdir)."""
    found = sorted(venv.glob("lib/python*/site-packages/backend/config/wsgi.py"))
    if not found:
        raise ServerError(f"doccano's backend not found in {venv}: recreate it with `make doccano-up`")
    return found[0].parent.parent


def _server_env(home: Path, settings: ServerSettings) -> dict[str, str]:
    env = dict(os.environ)
    for key in ("DOCCANO_URL", "DOCCANO_USERNAME", "DOCCANO_PASSWORD", "VIRTUAL_ENV", "PYTHONPATH"):
        env.pop(key, None)
    env.update(
        DOCCANO_HOME=str(home),
        DATABASE_URL=f"sqlite:///{home / 'db.sqlite3'}",
        MEDIA_ROOT=str(home / "media"),
        SECRET_KEY=settings.secret_key,
        DJANGO_SETTINGS_MODULE="config.settings.production",
        STANDALONE="True",
        DEBUG="False",
        DOCCANO_PAGE_SIZE="100",
    )
    return env


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie (exited, not yet reaped) counts as gone
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        return state != "Z"
    except (OSError, IndexError):
        return True


def _is_doccano_process(pid: int) -> bool:
    """Guard against a stale PID file naming a process that is not ours any more."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
    except OSError:
        return True  # no /proc: trust the PID file
    return b"gunicorn" in cmdline or b"doccano" in cmdline


def _read_pid(path: Path) -> int | None:
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


def _log_tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _login_status(settings: ServerSettings) -> int | None:
    """HTTP status of a login with the stored credentials; None while nothing answers."""
    try:
        response = requests.post(
            f"{settings.url}/v1/auth/login/",
            json={"username": settings.username, "password": settings.password},
            timeout=5,
        )
    except requests.RequestException:
        return None
    return response.status_code


def running_server(home: Path) -> LocalServer | None:
    """The server recorded in ``home`` if both its processes are alive."""
    web, worker = _read_pid(home / WEB_PID), _read_pid(home / WORKER_PID)
    settings = read_credentials(home)
    if web and worker and settings and pid_alive(web) and pid_alive(worker):
        return LocalServer(settings, home, web, worker, already_running=True)
    return None


def _run_step(args: list[str], env: dict[str, str], log: Path, what: str, timeout: float = 300) -> None:
    with open(log, "a", encoding="utf-8") as out:
        try:
            done = subprocess.run(args, env=env, stdout=out, stderr=subprocess.STDOUT, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as exc:
            raise ServerError(f"{what} took more than {timeout:.0f} s; see {log}") from exc
    if done.returncode != 0:
        raise ServerError(f"{what} failed (exit {done.returncode}):\n{_log_tail(log)}\nfull log: {log}")


def createuser_args(doccano: str, username: str, password: str) -> list[str]:
    """``doccano createuser`` for this admin. Each value goes after ``=``: a generated password may begin
    with ``-`` (one in 64 of ``token_urlsafe``), which argparse would take for an option of its own."""
    return [doccano, "createuser", f"--username={username}", f"--password={password}"]


def start_server(
    home: Path,
    port: int,
    *,
    venv: Path = DEFAULT_VENV,
    web_workers: int = 2,
    timeout: float = READY_TIMEOUT,
) -> LocalServer:
    """Start web server and task worker; returns once login works (or raises within ``timeout``).

    On first start the database is created and an admin with a generated password
    is stored in ``home/credentials.json`` (mode 0600).  Starting a running server
    returns it unchanged.
    """
    home = home.resolve()
    existing = running_server(home)
    if existing is not None:
        return existing
    if not doccano_installed(venv):
        raise ServerError(f"doccano is not installed in {venv}: run `make doccano-up` (it creates that environment)")
    if port_in_use(port):
        raise ServerError(f"port {port} on 127.0.0.1 is already in use: choose another with DOCCANO_PORT=...")
    home.mkdir(parents=True, exist_ok=True)
    logs = home / "logs"
    logs.mkdir(exist_ok=True)
    stored = read_credentials(home)
    new_database = not (home / "db.sqlite3").exists()
    if stored is None and not new_database:
        raise ServerError(
            f"{home} holds a doccano database but no credentials.json: restore that file, "
            f"or move {home} aside to start afresh"
        )
    url = f"http://127.0.0.1:{port}"
    settings = ServerSettings(
        url=url,
        username=stored.username if stored else ADMIN_USER,
        password=stored.password if stored else secrets.token_urlsafe(18),
        secret_key=(stored.secret_key if stored and stored.secret_key else secrets.token_urlsafe(48)),
    )
    env = _server_env(home, settings)
    doccano = str(venv / "bin" / "doccano")
    _run_step([doccano, "init"], env, logs / "init.log", "doccano init (database setup)")
    if new_database:
        _run_step(
            createuser_args(doccano, settings.username, settings.password),
            env,
            logs / "init.log",
            "creating the doccano admin user",
        )
    write_credentials(settings, home)

    backend = _backend_dir(venv)
    web_log, worker_log = logs / "web.log", logs / "worker.log"
    web_cmd = [
        str(venv / "bin" / "python"), "-m", "gunicorn",
        "--bind", f"127.0.0.1:{port}", "--workers", str(web_workers), "--timeout", "120",
        "--chdir", str(backend), "config.wsgi",
    ]  # fmt: skip
    worker_cmd = [doccano, "task", "--concurrency", "1"]
    with open(web_log, "a") as web_out, open(worker_log, "a") as worker_out:
        web = subprocess.Popen(web_cmd, env=env, stdout=web_out, stderr=subprocess.STDOUT, start_new_session=True)
        worker = subprocess.Popen(
            worker_cmd, env=env, stdout=worker_out, stderr=subprocess.STDOUT, start_new_session=True
        )
    (home / WEB_PID).write_text(f"{web.pid}\n")
    (home / WORKER_PID).write_text(f"{worker.pid}\n")
    server = LocalServer(settings, home, web.pid, worker.pid)

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for proc, log, what in ((web, web_log, "web server"), (worker, worker_log, "task worker")):
            if proc.poll() is not None:
                stop_server(home)
                raise ServerError(f"doccano's {what} exited (code {proc.returncode}):\n{_log_tail(log)}\nlog: {log}")
        status = _login_status(settings)
        if status == 200:
            return server
        if status == 400:  # doccano answers 400 to a wrong password
            stop_server(home)
            raise ServerError(
                f"doccano at {url} rejects the credentials stored in {credentials_path(home)} "
                "(password changed in doccano?): put the current password into that file"
            )
        time.sleep(0.5)
    stop_server(home)
    raise ServerError(f"doccano did not answer at {url} within {timeout:.0f} s; see {web_log} and {worker_log}")


def _stop_group(pid: int, timeout: float) -> None:
    """SIGTERM the process group led by ``pid`` (the server's own session), then SIGKILL."""
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass
        if not pid_alive(pid):
            break
        time.sleep(0.2)
    try:  # children of the group (gunicorn/celery workers) go too
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def stop_server(home: Path, timeout: float = STOP_TIMEOUT) -> list[int]:
    """Stop the processes recorded in ``home`` by PID; returns the PIDs that were stopped."""
    stopped = []
    for name in (WEB_PID, WORKER_PID):
        path = home / name
        pid = _read_pid(path)
        if pid is not None and pid_alive(pid) and _is_doccano_process(pid):
            _stop_group(pid, timeout)
            stopped.append(pid)
        path.unlink(missing_ok=True)
    return stopped
