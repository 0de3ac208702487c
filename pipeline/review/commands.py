"""What the ``corpusprep doccano ...`` commands do, with readable output and exit codes.

Each function returns the process exit code: 0 done, 1 a fault the message
explains (server down, wrong credentials, unfit project, rejected documents).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from pipeline.core.jsonl import (
    RecordError,
    atomic_writer,
    dump_line,
    iter_json_lines,
    read_documents,
    write_documents,
    write_json,
)
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


def push(
    input: Path,
    project: str,
    order: str = "input",
    model: str | None = None,
    double_review: int = 0,
    reviewers: Sequence[str] = (),
    seed: int = 0,
    double_project: str | None = None,
) -> int:
    """Push ``input``; ``order="uncertain"`` uploads the documents the entity model (``model``, else the
    newest learnt one beside ``input``, else the shipped one) is least sure of first.

    With ``double_review`` N, a seeded sample of N documents goes to the double-review project
    (``double_project``, default PROJECT-double) for ``reviewers`` to annotate alone; the rest to ``project``.
    """
    from pipeline.review.push import push_documents

    def action() -> int:
        client = ReviewClient.connect(resolve_settings())
        ledger = doccano_home() / PUSH_LEDGER
        documents: list[Document] = (
            _least_sure_first(input, model) if order == "uncertain" else list(read_documents(input))
        )
        double_ok = True
        if double_review:
            documents, double_ok = _push_double(
                client, documents, project, double_project, double_review, reviewers, seed
            )
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
        return 0 if report.ok and double_ok else 1

    return _guarded(action)


def _push_double(
    client: ReviewClient,
    documents: list[Document],
    project: str,
    double_project: str | None,
    size: int,
    reviewers: Sequence[str],
    seed: int,
) -> tuple[list[Document], bool]:
    """Push the sample to the double-review project; returns the documents left for the shared one, and whether
    the sample went up whole."""
    from pipeline.review.double import choose_sample, double_documents, double_project_name, push_double
    from pipeline.review.push import server_documents

    name = double_project or double_project_name(project)
    if name == project:
        raise ReviewError(f"the double-review project must not be the shared project {project!r}: pick another name")
    sample = choose_sample([doc.id for doc in documents], size, seed, double_documents(client, name))
    report = push_double([d for d in documents if d.id in sample], client, name, reviewers, load_schema())
    console.print(
        f"double-review project [bold]{report.project}[/bold] (id {report.project_id}): {len(sample)} sampled "
        f"(seed {seed}), {report.created} created, {report.unchanged} already there; reviewers, each annotating "
        f"alone: {', '.join(report.reviewers)}"
    )
    for name_, role in report.other_roles.items():
        console.print(f"[yellow]note[/yellow] {name_} is a member with role {role}, not annotator: not counted as a reviewer")
    for doc_id, problems in report.invalid.items():
        console.print(f"[red]invalid, not uploaded[/red] {doc_id}: {'; '.join(problems)}")
    for doc_id, message in report.rejected:
        console.print(f"[red]rejected by doccano[/red] {doc_id}: {message}")
    shared = client.find_project(project)
    if shared is not None:
        also = sorted({c.doc_id for copies in server_documents(client, shared.id).values() for c in copies} & sample)
        if also:
            console.print(
                f"[yellow]note[/yellow] {len(also)} sampled document(s) were pushed to {project!r} before and stay "
                f"there too: {', '.join(also[:5])}{' ...' if len(also) > 5 else ''}"
            )
    return [doc for doc in documents if doc.id not in sample], report.ok


def agreement(project: str, output: Path, examples: int = 3) -> int:
    """Measure how far the reviewers of a double-review project agree; print the table, write ``output`` (JSON)."""
    from pipeline.review.agreement import agreement_report
    from pipeline.review.double import read_double

    def action() -> int:
        client = ReviewClient.connect(resolve_settings())
        double = read_double(client, project)
        report = agreement_report(double.documents, double.reviewers, load_schema(), examples=examples)
        if not report["pairs"]:
            confirmed = ", ".join(f"{name} {report['confirmed_by'].get(name, 0)}" for name in double.reviewers)
            raise ReviewError(
                f"no document in {project!r} has been confirmed by two reviewers yet (confirmed: "
                f"{confirmed or 'no reviewers'}); {output} not written"
            )
        report = {"project": project, "server": client.settings.url,
                  "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"), **report}  # fmt: skip
        write_json(output, report)
        print_agreement(report)
        console.print(f"wrote {output}")
        return 0

    return _guarded(action)


def print_agreement(report: dict[str, Any]) -> None:
    """The agreement report as rich tables: figures per pair and label, then where reviewers differ most."""
    from pipeline.review.agreement import figure

    out = Console()
    for pair in report["pairs"]:
        a, b = pair["reviewers"]
        table = Table(
            "group", "label", f"{a} spans", f"{b} spans", "exact F1", "overlap F1", "kappa (chars)",
            title=f"{a} and {b}: {pair['documents']} document(s) both confirmed, {pair['characters']} characters",
        )  # fmt: skip
        for row in pair["rows"]:
            table.add_row(row["group"], row["label"], str(row["spans_a"]), str(row["spans_b"]),
                          figure(row["exact_f1"]), figure(row["overlap_f1"]), figure(row["kappa"]))  # fmt: skip
        out.print(table)
    if report["feedback"]:
        table = Table("disagreement", "layer", "times", "example (who said what)",
                      title="Where reviewers differ most (for GUIDELINES.md)")  # fmt: skip
        for row in report["feedback"][:10]:
            example = row["examples"][0]
            said = "; ".join(f"{who}: {', '.join(items) or 'nothing'}" for who, items in example["said"].items())
            table.add_row(feedback_title(row), row["layer"], str(row["count"]),
                          f"{example['document_id']}: {example['text']} — {said}")  # fmt: skip
        out.print(table)


def feedback_title(row: dict[str, Any]) -> str:
    from pipeline.review.agreement import FeedbackRow

    return FeedbackRow(row["layer"], row["what"], tuple(row["labels"]), row["count"], []).title


def adjudication_list(project: str, output: Path) -> int:
    """Write the disagreements of a double-review project as a review list, keeping decisions already made."""
    from pipeline.review.adjudicate import carry_decisions, review_list_lines
    from pipeline.review.agreement import compare_document
    from pipeline.review.double import read_double

    def action() -> int:
        client = ReviewClient.connect(resolve_settings())
        double = read_double(client, project)
        schema = load_schema()
        compared = [compare_document(doc, schema) for doc in double.documents if len(doc.by) >= 2]
        if not compared:
            raise ReviewError(f"no document in {project!r} has been confirmed by two reviewers yet; {output} not written")
        lines = list(review_list_lines(compared, project))
        carried = 0
        backup = None
        if output.exists():
            carried = carry_decisions(lines, (line for _, line in iter_json_lines(output, on_error=_note)))
            backup = keep_backup(output, datetime.now(timezone.utc))
        with atomic_writer(output) as handle:
            handle.writelines(dump_line(line) for line in lines)
        disagreements = sum(len(c.disagreements) for c in compared)
        console.print(
            f"wrote {output}: {len(compared)} document(s) confirmed by two or more reviewers, {disagreements} "
            f"disagreement(s) to decide" + (f", {carried} decided in the earlier list (kept)" if carried else "")
            + (f"; the earlier list is at {backup}" if backup else "")
        )
        console.print(
            "fill in each disagreement's \"decision\": a reviewer's name, \"none\", or a list of spans/links; then run "
            f"`corpusprep doccano adjudicate --decisions {output} --by YOUR_NAME`"
        )
        return 0

    return _guarded(action)


def _note(error: RecordError) -> None:
    console.print(f"[red]error[/red]: {error}")


def adjudicate(decisions: Path, input: Path, output: Path, by: str, force: bool = False) -> int:
    """Take the adjudicator's decisions into ``output`` (reviewed records; newer review wins, old file backed up)."""
    from pipeline.review.adjudicate import adjudicate as take_decisions
    from pipeline.review.adjudicate import group_lines

    def action() -> int:
        bad: list[RecordError] = []
        listed, problems = group_lines(iter_json_lines(decisions, on_error=bad.append))
        wanted = set(listed)
        records = {doc.id: doc for doc in read_documents(input, keep_id=lambda i: i in wanted) if doc.id in wanted}
        now = datetime.now(timezone.utc)
        result = take_decisions(listed, records, load_schema(), by, now)
        for error in bad:
            console.print(f"[red]error[/red]: {error}; fix the line")
        for line, message in sorted(problems + result.problems):
            console.print(f"[red]error[/red]: {decisions}:{line}: {message}")
        for doc_id in result.not_in_input:
            console.print(f"[yellow]note[/yellow] {doc_id} is not in {input}: pass --input with the file you pushed")
        if result.waiting:
            console.print(
                f"{len(result.waiting)} document(s) wait for decisions ({sum(result.waiting.values())} undecided): "
                + ", ".join(sorted(result.waiting)[:5]) + (" ..." if len(result.waiting) > 5 else "")
            )
        failed = bool(bad or problems or result.problems)
        if not result.records:
            console.print(f"no document is fully decided; {output} left as it was")
            return 1 if failed else 0
        old = list(read_documents(output)) if output.exists() else []
        merged = merge_reviews(old, result.records)
        if merged.loses_reviews and not force:
            raise ReviewError(
                f"the merged reviews would hold {merged.reviewed_after} reviewed document(s), fewer than the "
                f"{merged.reviewed_before} in {output}: nothing written; pass --force to write them anyway"
            )
        backup = keep_backup(output, now) if output.exists() else None
        write_documents(output, merged.records)
        counts = merged.counts
        console.print(
            f"wrote {output}: {len(result.records)} document(s) adjudicated by {by} ({result.decided} disagreement(s) "
            f"decided), {counts.new} new, {counts.replaced} replacing older reviews, {counts.refreshed} unchanged"
            + (f", {counts.outranked} left out: the file's review outranks them" if counts.outranked else "")
            + (f"; backup at {backup}" if backup else "")
        )
        return 1 if failed else 0

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
