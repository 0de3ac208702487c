"""What people do in doccano's web UI, done by the tests through the same REST API.

The pipeline itself never edits annotations, so these requests live with the tests,
on the client's own HTTP session (no mock: they change the real test server).
"""

from __future__ import annotations

from pipeline.review.client import ReviewClient


def create_user(admin: ReviewClient, username: str, password: str) -> None:
    """A new doccano user (what an admin does under *Users*; the client's own request)."""
    admin.create_user(username, password)


def add_member(admin: ReviewClient, project_id: int, username: str, role: str) -> None:
    """Make ``username`` a member of the project with ``role`` (annotator, annotation_approver, project_admin)."""
    admin.add_member(project_id, username, role)


def create_project(admin: ReviewClient, name: str, project_type: str, resource_type: str, description: str) -> None:
    """A project of any type, e.g. ("DocumentClassification", "TextClassificationProject")."""
    admin.http.post(
        "projects",
        {"name": name, "description": description, "project_type": project_type, "resourcetype": resource_type},
    )


def toggle_confirmed(client: ReviewClient, project_id: int, example_id: int) -> None:
    """The web UI's confirm button: confirms an unconfirmed example, takes a confirmation back."""
    client.http.post(f"projects/{project_id}/examples/{example_id}/states")


def add_comment(client: ReviewClient, project_id: int, example_id: int, text: str) -> None:
    client.http.request("POST", f"projects/{project_id}/comments", params={"example": example_id}, json={"text": text})


def label_id(client: ReviewClient, project_id: int, kind: str, name: str) -> int:
    (found,) = [i for i, text in client.label_names(project_id, kind).items() if text == name]
    return found


def add_span(client: ReviewClient, project_id: int, example_id: int, start: int, end: int, label: str) -> int:
    """Mark ``start:end`` (doccano's offsets) with the span type called ``label``; returns the span's id."""
    span = {"start_offset": start, "end_offset": end, "label": label_id(client, project_id, "span", label)}
    return int(client.http.post(f"projects/{project_id}/examples/{example_id}/spans", span)["id"])


def delete_span(client: ReviewClient, project_id: int, example_id: int, span_id: int) -> None:
    """Remove a span (its relations go with it)."""
    client.http.delete(f"projects/{project_id}/examples/{example_id}/spans/{span_id}")


def add_relation(client: ReviewClient, project_id: int, example_id: int, from_id: int, to_id: int, type: str) -> int:
    relation = {"from_id": from_id, "to_id": to_id, "type": label_id(client, project_id, "relation", type)}
    return int(client.http.post(f"projects/{project_id}/examples/{example_id}/relations", relation)["id"])


def example_text(client: ReviewClient, project_id: int, example_id: int) -> str:
    return str(client.http.get(f"projects/{project_id}/examples/{example_id}")["text"])


def example_count(client: ReviewClient, project_id: int) -> int:
    return client.progress(project_id)[0]
