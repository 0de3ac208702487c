"""Our own small client for the doccano 1.8.4 REST API, typed and time-bounded.

The review loop needs about a dozen endpoints under ``/v1`` (log in, projects,
span and relation types, examples with their spans, relations and states,
members, the file upload and the task status).  It used to go through
doccano-client 1.2.8, the newest release, whose pins (pydantic<2,
requests-toolbelt<0.10 and through it urllib3<2) held the whole environment
back, and which sends requests without a timeout; a few requests on ``requests``
are simpler than working around it.

Every request has a timeout, every wait a deadline, and every failure becomes a
:class:`ReviewError` whose message says what to do.  Answers become small frozen
dataclasses holding only the fields the review loop reads, and label types are
resolved to names, so callers never see doccano's numeric label ids.
"""

from __future__ import annotations

import io
import json
import time
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import requests

from pipeline.core.schema import Schema
from pipeline.review.settings import ServerSettings, SettingsError

REQUEST_TIMEOUT = 30.0
TASK_TIMEOUT = 600.0
PROJECT_TYPE = "SequenceLabeling"
PAGE_SIZE = 100  # rows per page of a paginated list (doccano's default is 5)


class ReviewError(RuntimeError):
    """A doccano operation failed; the message says what happened and what to do."""


@dataclass(frozen=True)
class ServerProject:
    """A doccano project, with the settings :func:`check_project` looks at."""

    id: int
    name: str
    project_type: str
    use_relation: bool = False
    allow_overlapping: bool = False
    collaborative_annotation: bool = False
    grapheme_mode: bool = False

    @classmethod
    def from_json(cls, row: Mapping[str, Any]) -> ServerProject:
        # Only sequence-labelling projects carry the last three settings; elsewhere they are off.
        return cls(
            int(row["id"]),
            str(row["name"]),
            str(row["project_type"]),
            use_relation=bool(row.get("use_relation")),
            allow_overlapping=bool(row.get("allow_overlapping")),
            collaborative_annotation=bool(row.get("collaborative_annotation")),
            grapheme_mode=bool(row.get("grapheme_mode")),
        )


@dataclass(frozen=True)
class ServerExample:
    """A document in a doccano project, as push reads it (field names as in doccano's answer)."""

    id: int
    text: str
    meta: Mapping[str, Any] = field(default_factory=dict)
    is_confirmed: bool = False
    annotation_approver: str | None = None
    comment_count: int = 0

    @classmethod
    def from_json(cls, row: Mapping[str, Any]) -> ServerExample:
        return cls(
            int(row["id"]),
            str(row.get("text") or ""),
            dict(row.get("meta") or {}),
            bool(row.get("is_confirmed")),
            row.get("annotation_approver") or None,
            int(row.get("comment_count") or 0),
        )


@dataclass(frozen=True)
class ServerSpan:
    """A span as stored in doccano: offsets in doccano's unit, label by name."""

    id: int
    start: int
    end: int
    label: str
    user: int | None = None


@dataclass(frozen=True)
class ServerRelation:
    id: int
    from_id: int
    to_id: int
    type: str
    user: int | None = None


@dataclass(frozen=True)
class ServerMember:
    """A project member: the membership's id, the user's id and name, and the role's name."""

    id: int
    user: int
    username: str
    role: str


@dataclass(frozen=True)
class ImportProblem:
    """One line doccano's importer rejected (``line`` is 1-based in the uploaded file)."""

    line: int
    message: str


@dataclass(frozen=True)
class TaskStatus:
    """Where one of doccano's background tasks (an import) stands."""

    ready: bool
    error: Any = None
    result: Any = None


class DoccanoHTTP:
    """A cookie session with one doccano server's REST API (``/v1``); every request is time-bounded.

    Paths are relative to the API root (``projects/3/examples``).  An answer with an
    error status raises :class:`requests.HTTPError`, which carries the response.
    """

    def __init__(self, url: str, timeout: float) -> None:
        self.api_root = f"{url.rstrip('/')}/v1/"
        self.timeout = timeout
        self.session = requests.Session()
        # Django checks the Referer of an HTTPS request that sends the CSRF token.
        self.session.headers.update({"Accept": "application/json", "Referer": url})

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        response = self.session.request(method, self.api_root + path, timeout=self.timeout, **kwargs)
        response.raise_for_status()
        return response

    def login(self, username: str, password: str) -> None:
        """Log in with doccano's session cookie, then send its CSRF token with every later request."""
        self.request("POST", "auth/login/", json={"username": username, "password": password})
        token = self.session.cookies.get("csrftoken")
        if token:
            self.session.headers["X-CSRFToken"] = token

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return self.request("GET", path, params=params).json()

    def post(self, path: str, payload: Any = None) -> Any:
        response = self.request("POST", path, json=payload)
        return response.json() if response.content else None

    def delete(self, path: str, payload: Any = None) -> None:
        self.request("DELETE", path, json=payload)

    def rows(self, path: str, params: Mapping[str, Any] | None = None) -> Iterator[dict[str, Any]]:
        """Every row of a list, page by page (doccano paginates with limit and offset; some lists are plain)."""
        query: dict[str, Any] = {"limit": PAGE_SIZE, **(params or {})}
        while True:
            answer = self.get(path, query)
            if isinstance(answer, list):
                yield from answer
                return
            yield from answer["results"]
            if not answer.get("next"):
                return
            # Follow ``next`` by its query only: behind a proxy its host may not be the one we talk to.
            query = dict(parse_qsl(urlsplit(answer["next"]).query))


@contextmanager
def server_errors(url: str, timeout: float = REQUEST_TIMEOUT) -> Iterator[None]:
    """Turn transport and HTTP failures into a :class:`ReviewError` with advice."""
    try:
        yield
    except requests.exceptions.Timeout as exc:
        raise ReviewError(f"doccano at {url} did not answer within {timeout:.0f} s: is it overloaded or stuck?") from exc
    except requests.exceptions.ConnectionError as exc:
        raise ReviewError(
            f"cannot reach doccano at {url}: start the local server with `make doccano-up`, "
            "or point DOCCANO_URL at a running one"
        ) from exc
    except requests.exceptions.HTTPError as exc:
        status = exc.response.status_code if exc.response is not None else "?"
        body = (exc.response.text[:300] if exc.response is not None else "").strip()
        if status in (401, 403):
            raise ReviewError(
                f"doccano at {url} refused access ({status}): check the user's role in the project; {body}"
            ) from exc
        raise ReviewError(f"doccano at {url} answered {status}: {body or exc}") from exc
    except requests.exceptions.RequestException as exc:  # after HTTPError, itself a RequestException
        raise ReviewError(
            f"doccano at {url} broke off ({type(exc).__name__}): is it still running? Run the command again "
            "once it is; a push skips what arrived and removes unreviewed duplicates"
        ) from exc
    except SettingsError as exc:
        raise ReviewError(str(exc)) from exc


class ReviewClient:
    """One logged-in session with a doccano server."""

    def __init__(
        self, settings: ServerSettings, *, timeout: float = REQUEST_TIMEOUT, task_timeout: float = TASK_TIMEOUT
    ) -> None:
        self.settings = settings
        self.timeout = timeout
        self.task_timeout = task_timeout
        self.http = DoccanoHTTP(settings.url, timeout)
        self._label_names: dict[tuple[int, str], dict[int, str]] = {}

    def errors(self) -> Any:
        return server_errors(self.settings.url, self.timeout)

    @classmethod
    def connect(cls, settings: ServerSettings, **kwargs: float) -> ReviewClient:
        """Log in; wrong credentials and an unreachable server get distinct messages."""
        client = cls(settings, **kwargs)
        with client.errors():
            try:
                client.http.login(settings.username, settings.password)
            except requests.exceptions.HTTPError as exc:
                if exc.response is not None and exc.response.status_code in (400, 401, 403):
                    raise ReviewError(
                        f"doccano at {settings.url} rejected user {settings.username!r}: wrong credentials. "
                        "Fix DOCCANO_USERNAME/DOCCANO_PASSWORD, or for the local server see "
                        "the credentials file printed by `make doccano-up`"
                    ) from exc
                raise
        return client

    # --- projects and label types -------------------------------------------------

    def projects(self) -> list[ServerProject]:
        """Every project the user can see."""
        with self.errors():
            return [ServerProject.from_json(row) for row in self.http.rows("projects")]

    def find_project(self, name: str) -> ServerProject | None:
        return next((p for p in self.projects() if p.name == name), None)

    def ensure_project(
        self, name: str, description: str, guideline: str = "", *, collaborative: bool = True
    ) -> ServerProject:
        """Reuse the project called ``name`` if it fits, else create it.

        A review project needs sequence labelling with relations and overlapping
        spans, shared annotations (reviewers correct the pre-labels, not a private
        copy) and code-unit offsets (``grapheme_mode`` off, see ``convert``).  A
        double-review project (``collaborative=False``) has individual annotations
        instead: each reviewer sees and marks only their own spans.
        """
        project = self.find_project(name)
        if project is None:
            payload = {
                "name": name,
                "description": description,
                "guideline": guideline or description,
                "project_type": PROJECT_TYPE,
                "resourcetype": "SequenceLabelingProject",  # picks the project class in doccano's API
                "random_order": False,
                "collaborative_annotation": collaborative,
                "allow_overlapping": True,
                "use_relation": True,
                "grapheme_mode": False,
                "tags": [],
            }
            with self.errors():
                return ServerProject.from_json(self.http.post("projects", payload))
        check_project(project, collaborative=collaborative)
        return project

    def ensure_label_types(self, project_id: int, schema: Schema) -> None:
        """Create missing span and relation types with the schema's colours (existing ones are left alone)."""
        wanted = {
            "span": [(label.name, label.color) for label in schema.entities + schema.quote_roles],
            "relation": [(label.name, label.color) for label in schema.relations],
        }
        with self.errors():
            for kind, labels in wanted.items():
                path = f"projects/{project_id}/{kind}-types"
                have = {str(row["text"]) for row in self.http.get(path)}
                for name, color in labels:
                    if name not in have:
                        self.http.post(path, {"text": name, "background_color": color, "text_color": "#ffffff"})
        self._label_names.clear()

    def label_names(self, project_id: int, kind: str) -> dict[int, str]:
        """Label type id -> name, for ``kind`` "span" or "relation" (cached per session)."""
        key = (project_id, kind)
        if key not in self._label_names:
            with self.errors():
                types = self.http.get(f"projects/{project_id}/{kind}-types")
            self._label_names[key] = {int(row["id"]): str(row["text"]) for row in types}
        return self._label_names[key]

    # --- examples and their annotations ---------------------------------------------

    def examples(self, project_id: int) -> Iterator[ServerExample]:
        with self.errors():
            for row in self.http.rows(f"projects/{project_id}/examples"):
                yield ServerExample.from_json(row)

    def spans(self, project_id: int, example_id: int) -> list[ServerSpan]:
        names = self.label_names(project_id, "span")
        with self.errors():
            found = self.http.get(f"projects/{project_id}/examples/{example_id}/spans")
        return [
            ServerSpan(
                int(s["id"]), int(s["start_offset"]), int(s["end_offset"]), names.get(s["label"], f"#{s['label']}"), s.get("user")
            )
            for s in found
        ]

    def relations(self, project_id: int, example_id: int) -> list[ServerRelation]:
        names = self.label_names(project_id, "relation")
        with self.errors():
            found = self.http.get(f"projects/{project_id}/examples/{example_id}/relations")
        return [
            ServerRelation(
                int(r["id"]), int(r["from_id"]), int(r["to_id"]), names.get(r["type"], f"#{r['type']}"), r.get("user")
            )
            for r in found
        ]

    def confirmed_by(self, project_id: int, example_id: int) -> list[int]:
        """User ids who confirmed the example (all of them in a shared-annotation project)."""
        with self.errors():
            rows = list(self.http.rows(f"projects/{project_id}/examples/{example_id}/states"))
        return sorted({int(row["confirmed_by"]) for row in rows})

    def usernames(self, project_id: int) -> dict[int, str]:
        with self.errors():
            return {int(m["user"]): str(m["username"]) for m in self.http.get(f"projects/{project_id}/members")}

    def members(self, project_id: int) -> list[ServerMember]:
        with self.errors():
            return [
                ServerMember(int(m["id"]), int(m["user"]), str(m["username"]), str(m.get("rolename") or ""))
                for m in self.http.get(f"projects/{project_id}/members")
            ]

    def find_user(self, username: str) -> int | None:
        """The id of the doccano user called ``username`` (the search matches parts of names: keep the exact one)."""
        with self.errors():
            found = self.http.get("users", {"search": username})
        return next((int(u["id"]) for u in found if u.get("username") == username), None)

    def create_user(self, username: str, password: str) -> int:
        """A new doccano user, as an admin makes one under *Users*; returns its id."""
        with self.errors():
            self.http.post("users/create", {"username": username, "password1": password, "password2": password})
        user = self.find_user(username)
        if user is None:
            raise ReviewError(f"doccano at {self.settings.url} did not create user {username!r}")
        return user

    def add_member(self, project_id: int, username: str, role: str) -> None:
        """Make ``username`` a member of the project with ``role`` (annotator, annotation_approver, project_admin).

        A member with another role keeps it (and is reported by the caller); a missing user is an error saying
        how to create one.
        """
        if any(m.username == username for m in self.members(project_id)):
            return
        user = self.find_user(username)
        if user is None:
            raise ReviewError(
                f"doccano at {self.settings.url} has no user {username!r}: create it (doccano's admin page, "
                f"{self.settings.url}/admin/, Users), then run the command again"
            )
        with self.errors():
            roles = [int(r["id"]) for r in self.http.get("roles") if r.get("name") == role]
            if not roles:
                raise ReviewError(f"doccano at {self.settings.url} has no role {role!r}")
            self.http.post(f"projects/{project_id}/members", {"user": user, "role": roles[0]})

    def delete_examples(self, project_id: int, example_ids: list[int]) -> None:
        if example_ids:
            with self.errors():
                self.http.delete(f"projects/{project_id}/examples", {"ids": example_ids})

    def user_id(self) -> int:
        """The logged-in user's id: the ``user`` of every annotation an import by this session creates."""
        with self.errors():
            profile = self.http.get("me")
        if not isinstance(profile, dict) or profile.get("id") is None:
            raise ReviewError(f"doccano at {self.settings.url} did not say who {self.settings.username!r} is")
        return int(profile["id"])

    def upload(self, project_id: int, path: Path) -> list[ImportProblem]:
        """Upload one relation-extraction JSONL file; returns the lines doccano rejected."""
        return self.wait_for_import(self.start_import(project_id, path))

    def start_import(self, project_id: int, path: Path) -> str:
        """Hand one relation-extraction JSONL file to doccano's importer; returns the import task's id.

        Two steps, as in the web UI: the file goes to the upload area (its answer, in plain
        text, is the upload's id), then the project is told to import that upload.
        """
        with self.errors(), path.open("rb") as file:
            uploaded = self.http.request(
                "POST", "fp/process/", files={"filepond": (path.name, file)}, headers={"Accept": "*/*"}
            )
            payload = {"uploadIds": [uploaded.text], "task": "RelationExtraction", "format": "JSONL"}
            return str(self.http.post(f"projects/{project_id}/upload", payload)["task_id"])

    def task_status(self, task_id: str) -> TaskStatus:
        with self.errors():
            answer = self.http.get(f"tasks/status/{task_id}")
        return TaskStatus(bool(answer.get("ready")), answer.get("error"), answer.get("result"))

    def import_succeeded(self, task_id: str) -> bool:
        """Whether the import task finished without error (doccano cannot tell a lost task from a queued one)."""
        status = self.task_status(task_id)
        return bool(status.ready and not status.error)

    def wait_for_task(self, task_id: str, timeout_advice: str) -> TaskStatus:
        """Wait at most ``task_timeout`` for one of doccano's background tasks; ``timeout_advice`` ends the error."""
        deadline = time.monotonic() + self.task_timeout
        while True:
            status = self.task_status(task_id)
            if status.ready:
                return status
            if time.monotonic() > deadline:
                raise ReviewError(
                    f"doccano's task worker did not finish within {self.task_timeout:.0f} s. "
                    f"Is `doccano task` running (`make doccano-up` starts it)? {timeout_advice}"
                )
            time.sleep(0.5)

    def wait_for_import(self, task_id: str) -> list[ImportProblem]:
        """Wait for an import task; returns the lines doccano rejected.

        Waits at most ``task_timeout`` for the task worker.  On timeout the import
        may still finish later; a re-run of push skips what did arrive.
        """
        status = self.wait_for_task(
            task_id, "Run push again later: documents that did arrive are skipped, none are duplicated"
        )
        if status.error:
            raise ReviewError(
                f"doccano's import task failed ({status.error}); its worker retries a failed import, which can "
                "leave copies behind. Check the worker log, then run push again: it removes unreviewed copies"
            )
        result = status.result or {}
        return [
            ImportProblem(int(e.get("line") or 0), str(e.get("message", e)))
            for e in (result.get("error") or [] if isinstance(result, dict) else [])
        ]

    def export_individual(self, project_id: int, *, confirmed_only: bool = True) -> dict[str, list[dict[str, Any]]]:
        """Every member's own annotations, as doccano's export writes them: username -> JSONL rows.

        In a project with individual annotations the REST API shows each user only their
        own spans, so an admin reads the reviewers' work through the export (one file per
        member in a zip).  With ``confirmed_only`` a member's file holds only the documents
        that member confirmed.  A row is ``{"id", "text", "entities", "relations", ...meta}``
        with offsets as pushed (UTF-16 units, see ``convert``).
        """
        with self.errors():
            payload = {"format": "JSONL", "exportApproved": confirmed_only}
            task = str(self.http.post(f"projects/{project_id}/download", payload)["task_id"])
        status = self.wait_for_task(task, "Run the command again later")
        if status.error:
            raise ReviewError(f"doccano's export task failed ({status.error}); check the worker log and run again")
        with self.errors():
            archive = self.http.request("GET", f"projects/{project_id}/download", params={"taskId": task}).content
        try:
            with zipfile.ZipFile(io.BytesIO(archive)) as files:
                return {
                    PurePosixPath(name).stem: [
                        json.loads(line) for line in files.read(name).decode("utf-8").splitlines() if line.strip()
                    ]
                    for name in files.namelist()
                    if name.endswith(".jsonl")
                }
        except (zipfile.BadZipFile, ValueError) as exc:
            raise ReviewError(f"doccano at {self.settings.url} sent an export that is not a zip of JSONL ({exc})") from exc

    def progress(self, project_id: int) -> tuple[int, int]:
        """(documents, confirmed) in a shared-annotation project."""
        path = f"projects/{project_id}/examples"
        with self.errors():
            total = self.http.get(path, {"limit": 1})["count"]
            confirmed = self.http.get(path, {"confirmed": True, "limit": 1})["count"]
        return int(total), int(confirmed)


def check_project(project: ServerProject, *, collaborative: bool = True) -> None:
    """Refuse a project that cannot hold our reviews, saying how to fix it.

    ``collaborative``: the project must have shared annotations (the review project), or
    individual ones (a double-review project, where each reviewer works alone).
    """
    problems = []
    if project.project_type != PROJECT_TYPE:
        problems.append(f"it is a {project.project_type} project, not {PROJECT_TYPE}")
    if not project.use_relation:
        problems.append("relations are off")
    if not project.allow_overlapping:
        problems.append("overlapping spans are off")
    if collaborative and not project.collaborative_annotation:
        problems.append("annotations are per user (reviewers would not see the pre-labels)")
    if not collaborative and project.collaborative_annotation:
        problems.append("annotations are shared (two reviewers would see and change each other's spans)")
    if project.grapheme_mode:
        problems.append("grapheme mode is on (offsets would be counted in graphemes)")
    if problems:
        raise ReviewError(
            f"doccano project {project.name!r} (id {project.id}) does not fit: {'; '.join(problems)}. "
            "Fix it in doccano's project settings, or push to another project with --project NAME "
            "(--double-project NAME for a double-review project)"
        )
