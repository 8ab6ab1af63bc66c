"""The client pays nothing for the server: importing it loads no server module, and `podium
api` runs where the server's packages are not installed at all."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.cli.process import podium_env

SERVER_MODULES = (
    "fastapi",
    "starlette",
    "sqlalchemy",
    "alembic",
    "uvicorn",
    "asyncpg",
    "aiosqlite",
    "psycopg",
    "boto3",
    "procrastinate",
    "limits",
    "redis",
    "prometheus_client",
    "pydantic_settings",
)
SERVER_PACKAGES = ("podium.app", "podium.db", "podium.config", "podium.errors", "podium.tickets")


def test_importing_the_client_imports_no_server_module():
    code = (
        "import json, sys\n"
        "import podium.client, podium.client.models\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = json.loads(out.stdout)
    top = {name.split(".")[0] for name in loaded}
    assert not top & set(SERVER_MODULES), top & set(SERVER_MODULES)
    assert not [m for m in loaded if m.startswith(SERVER_PACKAGES)]


# makes the server's packages unimportable, as on an install without the `server` extra
BLOCK = """
import sys
from importlib.abc import MetaPathFinder
BLOCKED = {blocked!r}
class Block(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
        return None
sys.meta_path.insert(0, Block())
import importlib.util
def _blocked_find(name, *a):
    return None if name.split(".")[0] in BLOCKED else _find(name, *a)
importlib.util.find_spec = _blocked_find
"""


def run_without_server(tmp_path, *args: str, env: dict[str, str]):
    blocked = [m for m in SERVER_MODULES if m != "pydantic_settings"]
    code = (
        "import importlib.util\n_find = importlib.util.find_spec\n"
        + BLOCK.format(blocked=blocked)
        + "sys.argv = ['podium', *sys.argv[1:]]\n"
        "from podium.cli.main import app\napp()\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_podium_api_runs_without_the_server_installed(tmp_path, api):
    env = podium_env(tmp_path, PODIUM_API_TOKEN=api.token)
    help_out = run_without_server(tmp_path, "api", "--help", env=env)
    assert help_out.returncode == 0, help_out.stderr
    assert "coaching-sessions" in help_out.stdout

    listed = run_without_server(
        tmp_path, "api", "todos", "list", "--base-url", str(api.base_url), env=env
    )
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout == ""  # no to-dos yet: no lines

    serve = run_without_server(tmp_path, "serve", env=env)
    assert serve.returncode == 2
    assert "pip install 'podium[server]'" in serve.stderr
