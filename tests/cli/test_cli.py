"""The `podium` command, run as a subprocess against the test database (or a fresh data dir)."""

from __future__ import annotations

import json
import re
import secrets
from datetime import datetime, timedelta

import httpx
import pytest
import typer.main
from typer.testing import CliRunner

from podium import ids
from podium.cli.main import app as cli_app
from podium.migrations import current
from tests.cli.process import ServerProcess, podium_env, run_podium


def _commands(command, path=()):
    yield path, command
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from _commands(sub, (*path, name))


COMMANDS = list(_commands(typer.main.get_command(cli_app)))


@pytest.fixture
def env(settings, server, tmp_path):
    """Environment for `podium` on the session's test database (the `server` migrated it)."""
    return podium_env(tmp_path, settings.effective_database_url)


def _account(env) -> tuple[str, str]:
    name = f"cli-{secrets.token_hex(5)}"
    r = run_podium("account", "create", name, env=env)
    assert r.returncode == 0, r.stderr
    return name, r.stdout.strip()


def _token(env, account: str, *extra: str) -> str:
    r = run_podium("token", "create", "--account", account, *extra, env=env)
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()


def _tokens(env, account: str) -> list[dict]:
    r = run_podium("token", "list", "--account", account, "--json", env=env)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


@pytest.mark.parametrize(
    ("path", "command"), COMMANDS, ids=[" ".join(p) or "podium" for p, _ in COMMANDS]
)
def test_help_exits_0_and_describes_every_option(tmp_path, path, command):
    # in this process (a subprocess per command would spend seconds importing each time); the
    # installed `podium` itself is checked by test_the_installed_command_prints_help
    r = CliRunner().invoke(cli_app, [*path, "--help"], env=podium_env(tmp_path), prog_name="podium")
    assert r.exit_code == 0, r.output
    out = " ".join(r.stdout.split())
    assert "Usage: podium" in out
    assert command.help, f"`podium {' '.join(path)}` has no description"
    assert " ".join(command.help.split())[:30] in out
    for sub in getattr(command, "commands", {}):
        assert sub in out
    for param in command.params:
        assert param.help, f"{param.name} of `podium {' '.join(path)}` has no help text"
        names = param.opts if param.param_type_name == "option" else [param.name.upper()]
        for name in [*names, *param.secondary_opts]:
            assert name in out
        assert " ".join(param.help.split())[:25] in out


def test_the_installed_command_prints_help(tmp_path):
    r = run_podium("--help", env=podium_env(tmp_path))
    assert r.returncode == 0, r.stderr
    out = " ".join(r.stdout.split())
    for name in ("serve", "migrate", "seed", "worker", "token", "account", "api"):
        assert f" {name} " in out


def test_version(tmp_path):
    r = run_podium("--version", env=podium_env(tmp_path))
    assert r.returncode == 0
    assert re.fullmatch(r"podium \d+\.\d+\.\d+\S*\n", r.stdout)


def test_account_create_prints_its_id_and_refuses_a_name_in_use(env):
    name = f"cli-{secrets.token_hex(5)}"
    first = run_podium("account", "create", name, env=env)
    assert first.returncode == 0, first.stderr
    assert re.fullmatch(r"[0-9a-f]{24}\n", first.stdout)

    again = run_podium("account", "create", name, env=env)
    assert again.returncode == 1
    assert again.stdout == ""
    assert "in use" in again.stderr and name in again.stderr

    listed = run_podium("account", "list", "--json", env=env)
    assert {"id": first.stdout.strip(), "name": name} in [
        {k: a[k] for k in ("id", "name")} for a in json.loads(listed.stdout)
    ]


def test_token_create_prints_only_a_token_that_works(env, server):
    account, _ = _account(env)
    r = run_podium("token", "create", "--account", account, "--name", "ci", env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("\n") == 1 and r.stdout.endswith("\n")
    token = r.stdout.strip()
    assert ids.token_looks_valid(token)

    ok = httpx.get(server.url + "/api/v1/todos", headers={"apitoken": token})
    assert ok.status_code == 200, ok.text


def test_tokens_expire_in_90_days_unless_no_expiry(env):
    account, _ = _account(env)
    expiring = _token(env, account, "--name", "default")
    forever = _token(env, account, "--name", "forever", "--no-expiry")
    rows = {t["name"]: t for t in _tokens(env, account)}

    assert rows["forever"]["expires"] == "never"
    created = datetime.fromisoformat(rows["default"]["created"])
    expires = datetime.fromisoformat(rows["default"]["expires"])
    assert expires - created == timedelta(days=90)
    # the list shows a hint, never the token itself
    listing = run_podium("token", "list", "--account", account, env=env)
    assert listing.returncode == 0
    assert "never" in listing.stdout and "forever" in listing.stdout
    for token in (expiring, forever):
        assert token not in listing.stdout and token not in json.dumps(rows)


def test_deactivated_token_is_refused(env, server):
    account, _ = _account(env)
    token = _token(env, account)
    assert httpx.get(server.url + "/api/v1/todos", headers={"apitoken": token}).status_code == 200
    (row,) = _tokens(env, account)

    r = run_podium("token", "deactivate", row["id"], "--account", account, env=env)
    assert r.returncode == 0, r.stderr
    assert "deactivated" in r.stderr

    refused = httpx.get(server.url + "/api/v1/todos", headers={"apitoken": token})
    assert refused.status_code == 401
    assert "deactivated" in refused.json()["message"]
    assert _tokens(env, account)[0]["state"] == "deactivated"


@pytest.mark.parametrize(
    "args",
    [
        ("token", "create", "--account", "{missing}"),
        ("token", "list", "--account", "{missing}"),
        ("token", "deactivate", "AAAAAAAAAAAAAAAAA", "--account", "{missing}"),
    ],
    ids=["create", "list", "deactivate"],
)
def test_unknown_account_exits_1_with_a_message_on_stderr(env, args):
    missing = f"no-such-{secrets.token_hex(4)}"
    r = run_podium(*(a.format(missing=missing) for a in args), env=env)
    assert r.returncode == 1
    assert r.stdout == ""
    assert f"no account named '{missing}'" in r.stderr


def test_deactivating_an_unknown_token_exits_1(env):
    account, _ = _account(env)
    r = run_podium("token", "deactivate", "AAAAAAAAAAAAAAAAA", "--account", account, env=env)
    assert r.returncode == 1
    assert "no token 'AAAAAAAAAAAAAAAAA'" in r.stderr


def test_migrate_is_idempotent(env, settings, tmp_path):
    for _ in range(2):
        r = run_podium("migrate", env=env)
        assert r.returncode == 0, r.stderr
        assert "up to date" in r.stderr
    head = current(settings.effective_database_url)
    assert head is not None

    # the embedded shape: no database URL, a SQLite file in the data dir
    data_dir = tmp_path / "embedded"
    for _ in range(2):
        r = run_podium("migrate", env=podium_env(data_dir))
        assert r.returncode == 0, r.stderr
    assert current(f"sqlite:///{data_dir / 'podium.db'}") == head


@pytest.mark.parametrize(
    ("args", "variable", "value", "expected"),
    [
        (
            ("migrate",),
            "PODIUM_DATABASE_URL",
            "mysql://db.example/podium",
            "PODIUM_DATABASE_URL must be",
        ),
        (
            ("serve", "--port", "1"),
            "PODIUM_RATE_LIMITS",
            "lots",
            "PODIUM_RATE_LIMITS: invalid rate limits 'lots'",
        ),
        (
            ("account", "list"),
            "PODIUM_SECRET_KEY",
            "short",
            "PODIUM_SECRET_KEY must be at least 32 characters",
        ),
        (
            ("token", "list", "--account", "x"),
            "PODIUM_MAX_BODY_BYTES",
            "ten",
            "PODIUM_MAX_BODY_BYTES: Input should be a valid integer",
        ),
    ],
    ids=["database-url", "rate-limits", "secret-key", "max-body-bytes"],
)
def test_bad_configuration_exits_2_naming_the_variable(tmp_path, args, variable, value, expected):
    r = run_podium(*args, env=podium_env(tmp_path, **{variable: value}))
    assert r.returncode == 2, r.stderr
    assert "invalid configuration" in r.stderr
    assert expected in r.stderr
    assert "Traceback" not in r.stderr


def test_unreachable_database_is_one_line_without_the_password(tmp_path):
    env = podium_env(tmp_path, "postgresql://podium:s3cr3t-pw@127.0.0.1:1/podium")
    for args in (("account", "create", "x"), ("serve", "--port", "1")):
        r = run_podium(*args, env=env)
        assert r.returncode == 2
        assert "cannot use the database at postgresql://podium:***@127.0.0.1:1/podium" in r.stderr
        assert "s3cr3t-pw" not in r.stderr
        assert "Traceback" not in r.stderr


@pytest.mark.parametrize("workers", [1, 2])
def test_serve_answers_healthz_and_tokens_from_the_cli(tmp_path, workers):
    env = podium_env(tmp_path)  # embedded: SQLite in the data dir, migrated by `serve`
    srv = ServerProcess(env, "--workers", str(workers), log_dir=tmp_path)
    try:
        srv.wait_healthy()
        health = httpx.get(srv.url + "/healthz")
        assert health.json()["status"] == "ok"
        account, _ = _account(env)
        token = _token(env, account)
        for _ in range(4):  # with 2 workers, both get requests
            r = httpx.get(srv.url + "/api/v1/todos", headers={"apitoken": token})
            assert r.status_code == 200, r.text
        metrics = httpx.get(srv.url + "/metrics").text
        assert 'route="/api/v1/todos",status="200"' in metrics
    finally:
        assert srv.stop() in (0, -15), srv.output()
    assert "Traceback" not in srv.output()
