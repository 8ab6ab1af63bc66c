"""What every command shares: settings, migrations, one committed session."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import typer
from rich.console import Console
from sqlalchemy.ext.asyncio import AsyncSession

from podium.config import Settings
from podium.db import create_engine, create_sessionmaker
from podium.errors import PodiumError

T = TypeVar("T")
err_console = Console(stderr=True)


def load_settings() -> Settings:
    try:
        return Settings()
    except Exception as exc:  # pydantic's message names the bad variable
        err_console.print(f"[red]invalid configuration:[/red] {exc}")
        raise typer.Exit(2) from exc


def migrate(settings: Settings) -> None:
    from podium.migrations import upgrade

    upgrade(settings.effective_database_url)


def run_in_session(
    settings: Settings, fn: Callable[[AsyncSession], Awaitable[T]], *, do_migrate: bool = True
) -> T:
    """Run `fn` in one transaction, committed at the end; domain errors exit with status 1."""
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
        return asyncio.run(main())
    except PodiumError as exc:
        err_console.print(f"[red]error:[/red] {exc.message}")
        raise typer.Exit(1) from exc
