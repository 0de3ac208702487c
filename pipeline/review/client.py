"""A typed, time-bounded layer over doccano-client 1.2.8.

doccano-client sends requests without a timeout and waits up to an hour for the
task worker; here every request has a timeout, every wait a deadline, and every
failure becomes a :class:`ReviewError` whose message says what to do.  Label
types are resolved to names, so callers never see doccano's numeric label ids.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from doccano_client import DoccanoClient
from doccano_client.exceptions import DoccanoAPIError
from doccano_client.models.project import Project
from doccano_client.repositories.data_upload import DataUploadRepository
from doccano_client.repositories.task_status import TaskStatusRepository
from requests.adapters import HTTPAdapter

from pipeline.core.schema import Schema
from pipeline.review.settings import ServerSettings, SettingsError

REQUEST_TIMEOUT = 30.0
TASK_TIMEOUT = 600.0
PROJECT_TYPE = "SequenceLabeling"


class ReviewError(RuntimeError):
    """A doccano operation failed; the message says what happened and what to do."""


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
class ImportProblem:
    """One line doccano's importer rejected (``line`` is 1-based in the uploaded file)."""

    line: int
    message: str


class _TimeoutAdapter(HTTPAdapter):
    """Give every request a timeout unless the caller chose one."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.timeout = timeout

    def send(self, request, **kwargs):  # type: ignore[no-untyped-def,override]
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout
        return super().send(request, **kwargs)


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
    except DoccanoAPIError as exc:
        status = exc.response.status_code if exc.response is not None else "?"
        body = (exc.response.text[:300] if exc.response is not None else "").strip()
        if status in (401, 403):
            raise ReviewError(
                f"doccano at {url} refused access ({status}): check the user's role in the project; {body}"
            ) from exc
        raise ReviewError(f"doccano at {url} answered {status}: {body or exc}") from exc
    except requests.exceptions.RequestException as exc:  # after DoccanoAPIError, itself an HTTPError
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
        self.api = DoccanoClient(settings.url)
        # doccano-client 1.2.8 exposes no timeout option; its one HTTP session is here.
        self._http = self.api._base_repository
        self._http._session.mount("http://", _TimeoutAdapter(timeout))
        self._http._session.mount("https://", _TimeoutAdapter(timeout))
        self._uploads = DataUploadRepository(self._http)
        self._tasks = TaskStatusRepository(self._http)
        self._label_names: dict[tuple[int, str], dict[int, str]] = {}

    def errors(self) -> Any:
        return server_errors(self.settings.url, self.timeout)

    @classmethod
    def connect(cls, settings: ServerSettings, **kwargs: float) -> ReviewClient:
        """Log in; wrong credentials and an unreachable server get distinct messages."""
        client = cls(settings, **kwargs)
        with client.errors():
            try:
                client.api.login(settings.username, settings.password)
            except DoccanoAPIError as exc:
                if exc.response is not None and exc.response.status_code in (400, 401, 403):
                    raise ReviewError(
                        f"doccano at {settings.url} rejected user {settings.username!r}: wrong credentials. "
                        "Fix DOCCANO_USERNAME/DOCCANO_PASSWORD, or for the local server see "
                        "the credentials file printed by `make doccano-up`"
                    ) from exc
                raise
        return client

    # --- projects and label types -------------------------------------------------

    def find_project(self, name: str) -> Project | None:
        with self.errors():
            return next((p for p in self.api.list_projects() if p.name == name), None)

    def ensure_project(self, name: str, description: str, guideline: str = "") -> Project:
        """Reuse the project called ``name`` if it fits, else create it.

        A review project needs sequence labelling with relations and overlapping
        spans, shared annotations (reviewers correct the pre-labels, not a private
        copy) and code-unit offsets (``grapheme_mode`` off, see ``convert``).
        """
        project = self.find_project(name)
        if project is None:
            with self.errors():
                return self.api.create_project(
                    name=name,
                    project_type=PROJECT_TYPE,
                    description=description,
                    guideline=guideline or description,
                    collaborative_annotation=True,
                    allow_overlapping=True,
                    use_relation=True,
                    grapheme_mode=False,
                )
        check_project(project)
        return project

    def ensure_label_types(self, project_id: int, schema: Schema) -> None:
        """Create missing span and relation types with the schema's colours (existing ones are left alone)."""
        wanted = {
            "span": [(label.name, label.color) for label in schema.entities + schema.quote_roles],
            "relation": [(label.name, label.color) for label in schema.relations],
        }
        with self.errors():
            for kind, labels in wanted.items():
                have = {t.text for t in self.api.list_label_types(project_id, kind)}  # type: ignore[arg-type]
                for name, color in labels:
                    if name not in have:
                        self.api.create_label_type(project_id, kind, name, color=color)  # type: ignore[arg-type]
        self._label_names.clear()

    def label_names(self, project_id: int, kind: str) -> dict[int, str]:
        key = (project_id, kind)
        if key not in self._label_names:
            with self.errors():
                types = self.api.list_label_types(project_id, kind)  # type: ignore[arg-type]
            self._label_names[key] = {t.id: t.text for t in types if t.id is not None}
        return self._label_names[key]

    # --- examples and their annotations ---------------------------------------------

    def examples(self, project_id: int) -> Iterator[Any]:
        with self.errors():
            yield from self.api.list_examples(project_id)

    def spans(self, project_id: int, example_id: int) -> list[ServerSpan]:
        names = self.label_names(project_id, "span")
        with self.errors():
            found = self.api.list_spans(project_id, example_id)
        return [ServerSpan(s.id, s.start_offset, s.end_offset, names.get(s.label, f"#{s.label}"), s.user) for s in found]

    def relations(self, project_id: int, example_id: int) -> list[ServerRelation]:
        names = self.label_names(project_id, "relation")
        with self.errors():
            found = self.api.list_relations(project_id, example_id)
        return [ServerRelation(r.id, r.from_id, r.to_id, names.get(r.type, f"#{r.type}"), r.user) for r in found]

    def confirmed_by(self, project_id: int, example_id: int) -> list[int]:
        """User ids who confirmed the example (all of them in a shared-annotation project)."""
        with self.errors():
            states = self._http.get(f"projects/{project_id}/examples/{example_id}/states").json()
        rows = states.get("results", states) if isinstance(states, dict) else states
        return sorted({int(row["confirmed_by"]) for row in rows})

    def usernames(self, project_id: int) -> dict[int, str]:
        with self.errors():
            return {m.user: m.username for m in self.api.list_members(project_id)}

    def delete_examples(self, project_id: int, example_ids: list[int]) -> None:
        if example_ids:
            with self.errors():
                self.api.bulk_delete_examples(project_id, example_ids)

    def user_id(self) -> int:
        """The logged-in user's id: the ``user`` of every annotation an import by this session creates."""
        with self.errors():
            profile = self.api.get_profile()
        if profile.id is None:
            raise ReviewError(f"doccano at {self.settings.url} did not say who {self.settings.username!r} is")
        return int(profile.id)

    def upload(self, project_id: int, path: Path) -> list[ImportProblem]:
        """Upload one relation-extraction JSONL file; returns the lines doccano rejected."""
        return self.wait_for_import(self.start_import(project_id, path))

    def start_import(self, project_id: int, path: Path) -> str:
        """Hand one relation-extraction JSONL file to doccano's importer; returns the import task's id."""
        with self.errors():
            upload_id = self._uploads.upload(str(path))
            return str(self._uploads.ingest(project_id, [upload_id], "RelationExtraction", "JSONL"))

    def import_succeeded(self, task_id: str) -> bool:
        """Whether the import task finished without error (doccano cannot tell a lost task from a queued one)."""
        with self.errors():
            status = self._tasks.get(task_id)
        return bool(status.ready and not status.error)

    def wait_for_import(self, task_id: str) -> list[ImportProblem]:
        """Wait for an import task; returns the lines doccano rejected.

        Waits at most ``task_timeout`` for the task worker.  On timeout the import
        may still finish later; a re-run of push skips what did arrive.
        """
        with self.errors():
            deadline = time.monotonic() + self.task_timeout
            while True:
                status = self._tasks.get(task_id)
                if status.ready:
                    break
                if time.monotonic() > deadline:
                    raise ReviewError(
                        f"doccano's task worker did not finish the import within {self.task_timeout:.0f} s. "
                        "Is `doccano task` running (`make doccano-up` starts it)? Run push again later: "
                        "documents that did arrive are skipped, none are duplicated"
                    )
                time.sleep(0.5)
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

    def progress(self, project_id: int) -> tuple[int, int]:
        """(documents, confirmed) in a shared-annotation project."""
        with self.errors():
            total = self.api.count_examples(project_id)
            confirmed = self._http.get(f"projects/{project_id}/examples", params={"confirmed": True, "limit": 1})
        return total, int(confirmed.json()["count"])


def check_project(project: Project) -> None:
    """Refuse a project that cannot hold our reviews, saying how to fix it."""
    problems = []
    if project.project_type.value != PROJECT_TYPE:
        problems.append(f"it is a {project.project_type.value} project, not {PROJECT_TYPE}")
    if not project.use_relation:
        problems.append("relations are off")
    if not project.allow_overlapping:
        problems.append("overlapping spans are off")
    if not project.collaborative_annotation:
        problems.append("annotations are per user (reviewers would not see the pre-labels)")
    if project.grapheme_mode:
        problems.append("grapheme mode is on (offsets would be counted in graphemes)")
    if problems:
        raise ReviewError(
            f"doccano project {project.name!r} (id {project.id}) does not fit: {'; '.join(problems)}. "
            "Fix it in doccano's project settings, or push to another project with --project NAME"
        )
