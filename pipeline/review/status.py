"""Review progress per doccano project: documents, confirmed, remaining."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.review.client import ReviewClient


@dataclass(frozen=True)
class ProjectProgress:
    project: str
    project_id: int
    documents: int
    confirmed: int

    @property
    def remaining(self) -> int:
        return self.documents - self.confirmed


def review_progress(client: ReviewClient, project_name: str | None = None) -> list[ProjectProgress]:
    """Progress of one project, or of every project the user can see."""
    projects = [p for p in client.projects() if project_name in (None, p.name)]
    rows = []
    for project in projects:
        documents, confirmed = client.progress(project.id)
        rows.append(ProjectProgress(project.name, project.id, documents, confirmed))
    return rows
