"""`python -m podium.cli` runs the `podium` command."""

from podium.cli.main import app

app(prog_name="podium")
