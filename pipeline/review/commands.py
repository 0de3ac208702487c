"""What the ``corpusprep doccano ...`` commands do, with readable output and exit codes.

Each function returns the process exit code: 0 done, 1 a fault the message
explains (server down, wrong credentials, unfit project, rejected documents).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from rich.console import Console
from rich.table import Table

from pipeline.core.jsonl import RecordError, read_documents, write_documents
from pipeline.core.record import Document
from pipeline.core.schema import load_schema
from pipeline.review.backup import keep_backup
from pipeline.review.client import ReviewClient, ReviewError
from pipeline.review.merge import merge_reviews
from pipeline.review.server import ServerError, start_server, stop_server
from pipeline.review.settings import SettingsError, credentials_path, doccano_home, resolve_settings

PUSH_LEDGER = "push-ledger"  # in DOCCANO_HOME: batches a push sent and did not see imported (see review.push)
console = Console(stderr=True, soft_wrap=True)  # a message stays on one line, however narrow the terminal


def _guarded(action: Callable[[], int]) -> int:
    try:
        return action()
    except (ReviewError, ServerError, SettingsError, RecordError) as error:
        console.print(f"[red]error[/red]: {error}")
        return 1


def up(home: Path, port: int) -> int:
    def action() -> int:
        console.print(f"starting doccano (data in {home}) ...")
        server = start_server(home, port)
        state = "already running" if server.already_running else "running"
        console.print(f"[green]doccano {state}[/green] at {server.settings.url}")
        console.print(f"log in as [bold]{server.settings.username}[/bold]; password in {credentials_path(home)} (mode 0600)")
        console.print(f"logs in {home / 'logs'}; stop with `make doccano-down`")
        return 0

    return _guarded(action)


def down(home: Path) -> int:
    stopped = stop_server(home)
    console.print(f"stopped doccano (PIDs {', '.join(map(str, stopped))})" if stopped else "doccano was not running")
    return 0


ORDERS = ("input", "uncertain")


def push(input: Path, project: str, order: str = "input", model: str | None = None) -> int:
    """Push ``input``; ``order="uncertain"`` uploads the documents the entity model (``model``, else the
    newest learnt one beside ``input``, else the shipped one) is least sure of first."""
    from pipeline.review.push import push_documents

    def action() -> int:
        client = ReviewClient.connect(resolve_settings())
        ledger = doccano_home() / PUSH_LEDGER
        documents = read_documents(input)
        if order == "uncertain":
            documents = _least_sure_first(input, model)
        report = push_documents(documents, client, project, load_schema(), ledger_folder=ledger)
        console.print(
            f"project [bold]{report.project}[/bold] (id {report.project_id}) at {client.settings.url}: "
            f"{report.created} created, {report.refreshed} refreshed, {report.unchanged} unchanged, "
            f"{len(report.kept)} kept because a reviewer touched them"
        )
        if report.resumed:
            console.print(f"completed {report.resumed} document(s) an interrupted push had left part way")
        if report.kept:
            console.print(f"kept as reviewed (new pre-labels not applied): {', '.join(report.kept)}")
        if report.duplicates_removed:
            console.print(f"removed {report.duplicates_removed} unreviewed duplicate(s) left by a retried import")
        for doc_id in report.stale:
            console.print(
                f"[yellow]note[/yellow] {doc_id}: its text changed since an earlier push; both versions are on the server"
            )
        for doc_id, problems in report.invalid.items():
            console.print(f"[red]invalid, not uploaded[/red] {doc_id}: {'; '.join(problems)}")
        for doc_id, message in report.rejected:
            console.print(f"[red]rejected by doccano[/red] {doc_id}: {message}")
        for doc_id in report.missing_after_upload:
            console.print(f"[red]not found after upload[/red] {doc_id}: run push again")
        if not report.ok:
            console.print("fix the records above and push again: documents already on the server are skipped")
        return 0 if report.ok else 1

    return _guarded(action)


def _least_sure_first(input: Path, model: str | None) -> list[Document]:
    """The records of ``input``, the ones the entity model is least sure of first (see pipeline.learn.uncertainty)."""
    from pipeline.learn import choose_model
    from pipeline.learn.uncertainty import by_uncertainty

    try:
        choice = choose_model(model, input.parent)
    except ValueError as error:
        raise ReviewError(str(error)) from error
    ranked = by_uncertainty(read_documents(input), choice.path)
    if ranked:
        console.print(
            f"ordered {len(ranked)} document(s) by the {choice.describe()['name']} entity model's mean margin, "
            f"least sure first ({ranked[0][1]:.3f} to {ranked[-1][1]:.3f})"
        )
    return [document for document, _ in ranked]


def pull(input: Path, output: Path, project: str, confirmed_only: bool, force: bool = False) -> int:
    """Pull the reviews and merge them into ``output``, which keeps every review it held.

    Writes nothing when no document in the project matches ``input`` (the wrong
    file was given), and refuses, unless ``force``, a result holding fewer reviewed
    documents than the file it replaces.  The replaced file is kept as a dated backup.
    """
    from pipeline.review.pull import PullReport, pull_documents

    def action() -> int:
        client = ReviewClient.connect(resolve_settings())
        report = PullReport(project)
        now = datetime.now(timezone.utc)
        pulled = list(pull_documents(
            read_documents(input), client, project, load_schema(), report, confirmed_only=confirmed_only, pulled_at=now
        ))  # fmt: skip
        if report.on_server == 0:
            raise ReviewError(f"project {project!r} at {client.settings.url} holds no documents: push first; nothing written")
        if report.matched == 0:
            raise ReviewError(
                f"none of the {report.on_server} documents in project {project!r} match a record of {input}; "
                f"pass --input with the file you pushed; {output} left as it was"
            )
        for doc_id in report.text_changed:
            console.print(f"[red]text differs on the server[/red] {doc_id}: not pulled")
        if not pulled:
            why = "none is confirmed" if confirmed_only else "their text differs"
            console.print(f"nothing pulled from the {report.matched} matching document(s) ({why}); {output} left as it was")
            return 1 if report.text_changed else 0
        old = list(read_documents(output)) if output.exists() else []
        merged = merge_reviews(old, pulled)
        if merged.loses_reviews and not force:
            raise ReviewError(
                f"the merged reviews would hold {merged.reviewed_after} reviewed document(s), fewer than the "
                f"{merged.reviewed_before} in {output}: nothing written; pass --force to write them anyway"
            )
        backup = keep_backup(output, now) if output.exists() else None
        written = write_documents(output, merged.records)
        counts = merged.counts
        console.print(
            f"wrote {written} reviewed record(s) to {output}: {len(pulled)} pulled ({report.confirmed} confirmed, "
            f"{report.edited} edited), {counts.new} new, {counts.replaced} replaced by newer reviews, "
            f"{counts.refreshed} unchanged; {counts.kept + counts.outranked} kept from the old file"
            + (f" ({counts.outranked} of them outrank the pulled review)" if counts.outranked else "")
            + (f"; backup at {backup}" if backup else "")
        )
        if merged.loses_reviews:
            console.print(
                f"[yellow]note[/yellow] --force: {merged.reviewed_before - merged.reviewed_after} document(s) "
                f"no longer count as reviewed; the old file is at {backup}"
            )
        if report.not_on_server:
            console.print(f"{report.not_on_server} record(s) of {input} are not in project {project!r}")
        if report.unmatched_on_server:
            console.print(
                f"[yellow]note[/yellow] {report.unmatched_on_server} document(s) in the project match no input record"
            )
        return 1 if report.text_changed else 0

    return _guarded(action)


def status(project: str | None) -> int:
    from pipeline.review.status import review_progress

    def action() -> int:
        client = ReviewClient.connect(resolve_settings())
        rows = review_progress(client, project)
        if not rows:
            console.print(f"no project {project!r} at {client.settings.url}" if project else "no projects yet: push first")
            return 1 if project else 0
        table = Table("project", "id", "documents", "confirmed", "remaining", title=f"doccano at {client.settings.url}")
        for row in rows:
            table.add_row(row.project, str(row.project_id), str(row.documents), str(row.confirmed), str(row.remaining))
        Console().print(table)
        return 0

    return _guarded(action)
