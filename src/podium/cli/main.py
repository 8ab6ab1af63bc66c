"""The `podium` command."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from datetime import timedelta
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from podium import __version__
from podium.cli.common import err_console, load_settings, migrate, run_in_session

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

# The web stack and the database layer are imported inside the commands that use them, so that
# `podium --help` answers at once.

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
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Settings come from PODIUM_* environment variables (see README, "Configuration").

    Exit status: 0 done, 1 refused (unknown account, name in use...), 2 bad configuration or
    unreachable database.
    """
    if ctx.invoked_subcommand not in (None, "api") and not _server_installed():
        err_console.print(
            f"[red]error:[/red] `podium {ctx.invoked_subcommand}` needs the server: "
            "pip install 'podium\\[server]' (this install has the client and `podium api` only)",
            highlight=False,
        )
        raise typer.Exit(2)


def _server_installed() -> bool:
    from importlib.util import find_spec

    return all(find_spec(name) is not None for name in ("fastapi", "sqlalchemy", "uvicorn"))


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port to listen on.")] = 8000,
    workers: Annotated[
        int, typer.Option(min=1, help="Server processes sharing the port (default 1).")
    ] = 1,
    migrate_first: Annotated[
        bool,
        typer.Option(
            "--migrate/--no-migrate",
            help="Migrate the database before serving (default: migrate).",
        ),
    ] = True,
) -> None:
    """Serve the API (and /docs, /healthz, /metrics) until interrupted."""
    import uvicorn

    from podium.observability import configure_logging, uvicorn_log_config
    from podium.ratelimit import parse_limits

    settings = load_settings()
    if migrate_first:
        migrate(settings)
    # workers must not race each other to migrate: the parent did it (or was told not to)
    os.environ["PODIUM_AUTO_MIGRATE"] = "false"
    configure_logging(settings.log_format, settings.log_level)
    log = logging.getLogger("podium.cli")
    if workers > 1:
        if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="podium-metrics-")
        if not settings.redis_url and parse_limits(settings.rate_limits):
            log.warning(
                "without PODIUM_REDIS_URL each worker keeps its own rate-limit budget "
                "(%s per token per worker)",
                settings.rate_limits,
            )
    log.info("Podium %s on http://%s:%s (API docs: /docs)", __version__, host, port)
    uvicorn.run(
        "podium.app:create_app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=uvicorn_log_config(settings.log_format),
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
def account_create(
    name: Annotated[str, typer.Argument(metavar="NAME", help="Account name (unique).")],
) -> None:
    """Create an account and print its id."""
    from podium.audit import service as audit
    from podium.auth import service as auth_service

    async def go(session: AsyncSession) -> str:
        account = await auth_service.create_account(session, name=name)
        audit.record(
            session,
            actor=audit.cli_actor(account.id),
            item_type=audit.ACCOUNTS,
            action_type=audit.ADD,
            description=f'Created account "{account.name}"',
        )
        return account.id

    typer.echo(run_in_session(load_settings(), go))


@account_app.command("list")
def account_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """List accounts."""
    from podium.auth import repository
    from podium.wire import format_utc

    async def go(session: AsyncSession) -> list[tuple[str, str, str]]:
        return [
            (a.id, a.name, format_utc(a.created_at))
            for a in await repository.list_accounts(session)
        ]

    rows = run_in_session(load_settings(), go)
    if as_json:
        typer.echo(json.dumps([dict(zip(("id", "name", "created"), r, strict=True)) for r in rows]))
        return
    table = Table("id", "name", "created")
    for row in rows:
        table.add_row(*row)
    console.print(table)


async def _account_id(session: AsyncSession, name: str) -> str:
    from podium.auth import repository
    from podium.errors import NotFound

    account = await repository.get_account_by_name(session, name=name)
    if account is None:
        raise NotFound(f"no account named {name!r} (create it with `podium account create`)")
    return account.id


@token_app.command("create")
def token_create(
    account: Annotated[str, typer.Option(help="Account name.")],
    name: Annotated[str, typer.Option(help="A label for the token (default: none).")] = "",
    no_expiry: Annotated[
        bool,
        typer.Option(
            "--no-expiry", help="Never expire (default: expire after PODIUM_TOKEN_TTL_DAYS, 90)."
        ),
    ] = False,
) -> None:
    """Create an API token and print only the token on stdout (it is shown once)."""
    from podium.audit import service as audit
    from podium.auth import service as auth_service
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
            actor=audit.cli_actor(account_id),
        )
        return token

    typer.echo(run_in_session(settings, go))


TOKEN_COLUMNS = ("id", "name", "token", "created", "expires", "state", "last used")


@token_app.command("list")
def token_list(
    account: Annotated[str, typer.Option(help="Account name.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """List an account's tokens: their ids and first characters, never the tokens themselves."""
    from podium.auth import service as auth_service
    from podium.wire import format_utc

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

    rows = run_in_session(load_settings(), go)
    if as_json:
        typer.echo(json.dumps([dict(zip(TOKEN_COLUMNS, r, strict=True)) for r in rows]))
        return
    table = Table(*TOKEN_COLUMNS)
    for row in rows:
        table.add_row(*row)
    console.print(table)


@token_app.command("deactivate")
def token_deactivate(
    token_id: Annotated[
        str, typer.Argument(metavar="TOKEN_ID", help="The token's id (see `podium token list`).")
    ],
    account: Annotated[str, typer.Option(help="Account name.")],
) -> None:
    """Deactivate a token: it is refused from now on."""
    from podium.audit import service as audit
    from podium.auth import service as auth_service

    async def go(session: AsyncSession) -> None:
        account_id = await _account_id(session, account)
        await auth_service.deactivate_token(
            session, actor=audit.cli_actor(account_id), token_id=token_id
        )

    run_in_session(load_settings(), go)
    err_console.print(f"token {token_id} deactivated")


def _register_optional_commands() -> None:
    from podium.cli import api

    app.add_typer(api.app, name="api")
    try:
        from podium.cli import seed, worker
    except ModuleNotFoundError:  # installed without the `server` extra: `podium api` only
        return
    app.command("seed")(seed.seed)
    app.command("worker")(worker.worker)


_register_optional_commands()
