"""`podium seed`: demo data."""

from __future__ import annotations

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from podium.cli.common import database_errors, err_console, fail, load_settings, migrate
from podium.config import Settings
from podium.errors import PodiumError
from podium.seed import SeedResult, Volumes, seed_account

# below this many rows the load takes about a second: no progress bar
PROGRESS_FROM_ROWS = 100_000


def seed(
    account: str = typer.Option("demo", help="Account to create or refill."),
    scale: int = typer.Option(1, min=1, help="Multiplier of the demo data's size."),
    seed: int = typer.Option(0, help="Random seed: the same seed gives the same data."),
) -> None:
    """Create (or refill) an account with realistic demo data and print an API token.

    Scale 1: 10 users, 40 agents, 400 tickets, ~2,000 comments, 200 coaching sessions.

    Also 400 coaching points and 300 to-dos, all dated in the 6 months before 2026-11-01.

    Grading: 3 rubrics (one with two versions), 200 graded tickets (some drafts, some deleted),
    16 grader-QA re-grades and 6 calibrations, with ~1,850 answer rows.

    Tickets, comments and coaching grow with --scale; users and agents with its square root.

    A refill replaces all the account's data (not its tokens): a seed always gives the same data.

    The new token goes to stdout, the summary to stderr.
    """
    settings = load_settings()
    migrate(settings)
    volumes = Volumes.for_scale(scale)
    try:
        with database_errors(settings):
            result = _seed(settings, account=account, seed=seed, volumes=volumes)
    except PodiumError as exc:
        raise fail(exc.message) from exc
    _print_summary(result, seed=seed, scale=scale, ttl_days=settings.token_ttl_days)
    typer.echo(result.token)


def _seed(settings: Settings, *, account: str, seed: int, volumes: Volumes) -> SeedResult:
    if volumes.planned_rows() < PROGRESS_FROM_ROWS:
        return seed_account(settings, account=account, seed=seed, volumes=volumes)
    with Progress(
        TextColumn("[bold]seeding[/bold]"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("rows"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err_console,
    ) as progress:
        task = progress.add_task("seed", total=volumes.planned_rows())
        result = seed_account(
            settings,
            account=account,
            seed=seed,
            volumes=volumes,
            on_rows=lambda n: progress.advance(task, n),
        )
        progress.update(task, total=result.rows, completed=result.rows)
    return result


def _print_summary(result: SeedResult, *, seed: int, scale: int, ttl_days: int) -> None:
    title = escape(f"account {result.account!r} ({result.account_id})")
    table = Table("table", "rows", title=title)
    for name, count in result.counts.items():
        table.add_row(name, f"{count:,}")
    table.add_row("[bold]total[/bold]", f"[bold]{result.rows:,}[/bold]")
    err_console.print(table)
    timing = f"loaded in {result.load_seconds:.1f} s ({result.rows_per_second:,.0f} rows/s)"
    if result.index_seconds >= 0.1:
        timing += f", of which rebuilding indexes {result.index_seconds:.1f} s"
    if result.deleted_seconds >= 0.1:
        timing += f"; previous data deleted in {result.deleted_seconds:.1f} s"
    if result.vacuum_seconds >= 0.1:
        timing += f"; VACUUM ANALYZE {result.vacuum_seconds:.1f} s"
    err_console.print(f"seed {seed}, scale {scale}: {timing}")
    err_console.print(
        f"a new API token (valid {ttl_days} days) is on stdout: send it in the 'apitoken' header"
    )
