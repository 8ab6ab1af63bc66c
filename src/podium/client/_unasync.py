"""Generate the sync client (`_sync/`) from the async one (`_async/`).

    python -m podium.client._unasync          # rewrite _sync/
    python -m podium.client._unasync --check  # exit 1 when _sync/ is not what _async/ gives

`unasync` (a dev dependency) removes `async`/`await` and renames: `AsyncX` -> `X`, `aacquire`
-> `acquire`, `asleep` -> `sleep`, `aclose` -> `close`, `aiter_bytes` -> `iter_bytes`, `aread`
-> `read`, `__aenter__` -> `__enter__`, `AsyncIterator` -> `Iterator`. The output is then
formatted with ruff, so it passes the same lint as hand-written code.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent
SOURCE = HERE / "_async"
TARGET = HERE / "_sync"
HEADER = "# Generated from podium/client/_async/{name}: do not edit.\n"
RENAMES = {
    "aacquire": "acquire",
    "asleep": "sleep",
    "aclose": "close",
    "aiter_bytes": "iter_bytes",
    "aread": "read",
}


def _replacements() -> dict[str, str]:
    names: set[str] = set()
    for path in SOURCE.glob("*.py"):
        names.update(re.findall(r"\bAsync[A-Z]\w*", path.read_text()))
    found = {name: name.removeprefix("Async") for name in names}
    found["AsyncIterator"] = "Iterator"
    found["AsyncClient"] = "Client"  # ours, and httpx.AsyncClient -> httpx.Client
    found.update(RENAMES)
    return found


def generate(target: Path) -> list[Path]:
    import unasync

    with tempfile.TemporaryDirectory() as tmp:
        staging = Path(tmp) / "_async"
        staging.mkdir()
        sources = sorted(SOURCE.glob("*.py"))
        for path in sources:
            (staging / path.name).write_text(path.read_text())
        rule = unasync.Rule(
            fromdir=str(staging),
            todir=str(Path(tmp) / "_sync"),
            additional_replacements=_replacements(),
        )
        unasync.unasync_files([str(staging / p.name) for p in sources], rules=[rule])
        target.mkdir(exist_ok=True)
        written = []
        for path in sources:
            text = (Path(tmp) / "_sync" / path.name).read_text()
            text = text.replace("podium.client._async", "podium.client._sync")
            text = text.replace(
                "Edit this file, not its generated twin in `_sync/`",
                "Generated from its async twin in `_async/`: edit that one",
            )
            out = target / path.name
            out.write_text(HEADER.format(name=path.name) + text)
            written.append(out)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            "--fix-only",
            "--unsafe-fixes",
            "--quiet",
            *map(str, written),
        ],
        check=False,
    )
    subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--quiet", *map(str, written)], check=True
    )
    return written


def main(argv: list[str]) -> int:
    if "--check" in argv:
        with tempfile.TemporaryDirectory() as tmp:
            fresh = generate(Path(tmp))
            stale = [
                p.name
                for p in fresh
                if not (TARGET / p.name).exists() or (TARGET / p.name).read_text() != p.read_text()
            ]
            extra = {p.name for p in TARGET.glob("*.py")} - {p.name for p in fresh}
        if stale or extra:
            print(
                f"podium/client/_sync is out of date ({', '.join(sorted([*stale, *extra]))}): "
                "run python -m podium.client._unasync",
                file=sys.stderr,
            )
            return 1
        return 0
    for path in generate(TARGET):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
