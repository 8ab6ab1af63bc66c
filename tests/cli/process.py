"""Run the `podium` command as a real subprocess: one-shot commands and `podium serve`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.conftest import TEST_SECRET, free_port

_SCRIPT = Path(sys.executable).with_name("podium")
PODIUM = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "podium.cli"]


def podium_env(data_dir: Path, database_url: str | None = None, **extra: str) -> dict[str, str]:
    """This process's environment without any PODIUM_* variable, plus the given settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PODIUM_")}
    env.update(
        PODIUM_DATA_DIR=str(data_dir),
        PODIUM_SECRET_KEY=TEST_SECRET,
        COLUMNS="200",  # tables and help are not wrapped
        NO_COLOR="1",
    )
    if database_url:
        env["PODIUM_DATABASE_URL"] = database_url
    env.update(extra)
    return env


def run_podium(
    *args: str, env: dict[str, str], timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*PODIUM, *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


class ServerProcess:
    """`podium serve` on a free loopback port; `stop()` ends it (and its workers)."""

    def __init__(self, env: dict[str, str], *args: str, log_dir: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_dir / f"serve-{self.port}.log"
        self._log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            [*PODIUM, "serve", "--host", "127.0.0.1", "--port", str(self.port), *args],
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_healthy(self, timeout: float = 60) -> ServerProcess:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"podium serve exited {self.proc.returncode}:\n{self.output()}")
            try:
                if httpx.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"podium serve did not become healthy:\n{self.output()}")

    def output(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)  # its own session: it and its workers
                self.proc.wait(timeout=5)
        self._log.close()
        return self.proc.returncode
