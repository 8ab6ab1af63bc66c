"""`podium seed`: demo data."""

from __future__ import annotations

import typer


def seed(
    account: str = typer.Option("demo", help="Account to create or refill."),
    scale: int = typer.Option(1, min=1, help="Multiplier of the demo data's size."),
    seed: int = typer.Option(0, help="Random seed: the same seed gives the same data."),
) -> None:
    """Create (or refill) an account with realistic demo data and print an API token."""
    raise typer.Exit(3)
