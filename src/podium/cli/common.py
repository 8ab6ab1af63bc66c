"""What every command shares: settings, migrations, one committed session, readable failures.

Exit codes: 0 done, 1 the request was refused (unknown account, name in use...), 2 the
configuration is wrong or the database cannot be reached.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape

from podium.config import Settings

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")
err_console = Console(stderr=True, soft_wrap=True)

EXIT_REFUSED = 1
EXIT_CONFIG = 2


def fail(message: str, code: int = EXIT_REFUSED) -> typer.Exit:
    """Print `error: message` on stderr; return the Exit to raise."""
    err_console.print(f"[red]error:[/red] {escape(message)}", highlight=False)
    return typer.Exit(code)


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        for err in exc.errors():
            name = "PODIUM_" + "_".join(str(p) for p in err["loc"]).upper()
            msg = str(err["msg"]).removeprefix("Value error, ")
            if not msg.startswith(name):
                msg = f"{name}: {msg}"
            err_console.print(f"[red]invalid configuration:[/red] {escape(msg)}", highlight=False)
        raise typer.Exit(EXIT_CONFIG) from exc


def safe_url(url: str) -> str:
    """The database URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<unparsable URL>"


@contextmanager
def database_errors(settings: Settings) -> Iterator[None]:
    """Turn "cannot connect" and friends into one line on stderr and exit status 2."""
    from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError

    try:
        yield
    except (OperationalError, DBAPIError, ArgumentError, OSError) as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        url = safe_url(settings.database_url or settings.effective_database_url)
        raise fail(f"cannot use the database at {url}: {reason}", EXIT_CONFIG) from exc


def migrate(settings: Settings) -> None:
    from podium.migrations import upgrade

    with database_errors(settings):
        upgrade(settings.effective_database_url)


def run_in_session(
    settings: Settings, fn: Callable[[AsyncSession], Awaitable[T]], *, do_migrate: bool = True
) -> T:
    """Run `fn` in one transaction, committed at the end; domain errors exit with status 1."""
    from podium.db import create_engine, create_sessionmaker
    from podium.errors import PodiumError

    if do_migrate:
        migrate(settings)

    async def main() -> T:
        engine = create_engine(settings)
        try:
            async with create_sessionmaker(engine)() as session:
                result = await fn(session)
                await session.commit()
                return result
        finally:
            await engine.dispose()

    try:
        with database_errors(settings):
            return asyncio.run(main())
    except PodiumError as exc:
        raise fail(exc.message) from exc
