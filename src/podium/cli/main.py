"""The `podium` command."""

from __future__ import annotations

import os
import tempfile
from datetime import timedelta
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession

from podium import __version__
from podium.auth import service as auth_service
from podium.cli.common import err_console, load_settings, migrate, run_in_session
from podium.errors import NotFound
from podium.wire import format_utc

app = typer.Typer(
    help="Podium: a self-hostable QA platform that speaks the MaestroQA REST API.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
token_app = typer.Typer(help="Create, list and deactivate API tokens.", no_args_is_help=True)
account_app = typer.Typer(help="Create and list accounts.", no_args_is_help=True)
app.add_typer(token_app, name="token")
app.add_typer(account_app, name="account")
console = Console()


def _version(value: bool) -> None:
    if value:
        console.print(f"podium {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Settings come from PODIUM_* environment variables (see README, "Configuration")."""


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Server processes.")] = 1,
    migrate_first: Annotated[
        bool, typer.Option("--migrate/--no-migrate", help="Migrate the database before serving.")
    ] = True,
) -> None:
    """Serve the API (and /docs, /healthz, /metrics)."""
    import uvicorn

    settings = load_settings()
    if migrate_first:
        migrate(settings)
    # workers must not race each other to migrate: the parent did it (or was told not to)
    os.environ["PODIUM_AUTO_MIGRATE"] = "false"
    if workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="podium-metrics-")
    err_console.print(f"Podium {__version__} on http://{host}:{port}  (API docs: /docs)")
    uvicorn.run(
        "podium.app:create_app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
    )


@app.command("migrate")
def migrate_cmd() -> None:
    """Create or upgrade the database schema to the latest version."""
    settings = load_settings()
    migrate(settings)
    err_console.print("database is up to date")


@account_app.command("create")
def account_create(name: Annotated[str, typer.Argument(help="Account name (unique).")]) -> None:
    """Create an account and print its id."""

    async def go(session: AsyncSession) -> str:
        return (await auth_service.create_account(session, name=name)).id

    typer.echo(run_in_session(load_settings(), go))


@account_app.command("list")
def account_list() -> None:
    """List accounts."""
    from podium.auth import repository

    async def go(session: AsyncSession) -> list[tuple[str, str, str]]:
        return [
            (a.id, a.name, format_utc(a.created_at))
            for a in await repository.list_accounts(session)
        ]

    table = Table("id", "name", "created")
    for row in run_in_session(load_settings(), go):
        table.add_row(*row)
    console.print(table)


async def _account_id(session: AsyncSession, name: str) -> str:
    from podium.auth import repository

    account = await repository.get_account_by_name(session, name=name)
    if account is None:
        raise NotFound(f"no account named {name!r} (create it with `podium account create`)")
    return account.id


@token_app.command("create")
def token_create(
    account: Annotated[str, typer.Option(help="Account name.")],
    name: Annotated[str, typer.Option(help="A label for the token.")] = "",
    no_expiry: Annotated[
        bool, typer.Option("--no-expiry", help="Never expire (default: 90 days).")
    ] = False,
) -> None:
    """Create an API token and print only the token on stdout (it is shown once)."""
    settings = load_settings()

    async def go(session: AsyncSession) -> str:
        account_id = await _account_id(session, account)
        ttl = None if no_expiry else timedelta(days=settings.token_ttl_days)
        _, token = await auth_service.create_token(
            session,
            account_id=account_id,
            secret=settings.effective_secret_key,
            name=name,
            ttl=ttl,
        )
        return token

    typer.echo(run_in_session(settings, go))


@token_app.command("list")
def token_list(account: Annotated[str, typer.Option(help="Account name.")]) -> None:
    """List an account's tokens (never the tokens themselves)."""

    async def go(session: AsyncSession) -> list[list[str]]:
        account_id = await _account_id(session, account)
        rows = await auth_service.list_tokens(session, account_id=account_id)
        return [
            [
                t.id,
                t.name,
                t.hint + "…",
                format_utc(t.created_at),
                format_utc(t.expires_at) if t.expires_at else "never",
                "deactivated" if t.deactivated_at else "active",
                format_utc(t.last_used_at) if t.last_used_at else "-",
            ]
            for t in rows
        ]

    table = Table("id", "name", "token", "created", "expires", "state", "last used")
    for row in run_in_session(load_settings(), go):
        table.add_row(*row)
    console.print(table)


@token_app.command("deactivate")
def token_deactivate(
    token_id: Annotated[str, typer.Argument(help="The token's id (see `podium token list`).")],
    account: Annotated[str, typer.Option(help="Account name.")],
) -> None:
    """Deactivate a token: it is refused from now on."""

    async def go(session: AsyncSession) -> None:
        account_id = await _account_id(session, account)
        await auth_service.deactivate_token(session, account_id=account_id, token_id=token_id)

    run_in_session(load_settings(), go)
    err_console.print(f"token {token_id} deactivated")


def _register_optional_commands() -> None:
    from podium.cli import seed

    app.command("seed")(seed.seed)


_register_optional_commands()
