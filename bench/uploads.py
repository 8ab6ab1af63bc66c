"""Upload benchmark: a 50 MB file PUT to a presigned URL of the local store, against a plain file
copy on the same disk, in the same run; and the server's memory while it takes the uploads.

    .venv/bin/python bench/uploads.py                 # 50 MB, 7 rounds each
    .venv/bin/python bench/uploads.py --size-mb 200 --rounds 3 --dir ./bench-tmp

It starts `podium serve` (SQLite, local store, one process) in a fresh folder, creates an
account, a ticket and presigned attachments through the API, then times, alternately:
- the copy: `shutil.copyfile` of the file into the store's folder, then `fsync` (the store makes
  every upload durable the same way), from the page cache like the upload;
- the upload: a PUT of the same file to a presigned URL, as the reference's example does it,
  sent with `socket.sendfile` so the client costs next to nothing (the two cores are shared by
  the client and the server); the `requests` example itself is timed too, for reference.
The target: upload throughput at least 0.5x the copy's (median of the rounds), and the server's
peak memory (VmHWM) growing by far less than the file's size (a flat, streamed upload).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import os
import platform
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx

RATIO_TARGET = 0.5
# the peak may grow by this much at most while taking uploads of any size
MEMORY_GROWTH_LIMIT_MB = 32


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_status(pid: int, field: str) -> int:
    """A /proc/<pid>/status field in kB (VmRSS, VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def setup_account(database_url: str, data_dir: Path, secret: str) -> str:
    from podium.auth import service as auth_service
    from podium.config import Settings
    from podium.db import create_engine, create_sessionmaker
    from podium.migrations import upgrade

    upgrade(database_url)
    settings = Settings(database_url=database_url, data_dir=data_dir, secret_key=secret)

    async def create() -> str:
        engine = create_engine(settings)
        try:
            async with create_sessionmaker(engine)() as session:
                account = await auth_service.create_account(session, name="bench")
                _, token = await auth_service.create_token(
                    session, account_id=account.id, secret=settings.effective_secret_key
                )
                await session.commit()
                return token
        finally:
            await engine.dispose()

    return asyncio.run(create())


def put_sendfile(url: str, path: Path, content_type: str) -> int:
    """PUT `path` with the two headers of the reference, the body sent by sendfile(2)."""
    parts = urlsplit(url)
    size = path.stat().st_size
    head = (
        f"PUT {parts.path}?{parts.query} HTTP/1.1\r\n"
        f"Host: {parts.netloc}\r\n"
        f"Content-Type: {content_type}\r\n"
        "x-amz-server-side-encryption: AES256\r\n"
        f"Content-Length: {size}\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    with socket.create_connection((parts.hostname, parts.port)) as sock, path.open("rb") as f:
        sock.sendall(head)
        sock.sendfile(f)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    status = int(answer.split(b" ", 2)[1])
    if status != 200:
        raise RuntimeError(f"upload answered {status}: {answer[:500]!r}")
    return status


def copy_durably(source: Path, target: Path) -> None:
    shutil.copyfile(source, target)
    with target.open("rb+") as f:
        os.fsync(f.fileno())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--dir", type=Path, default=None, help="work folder (default: a temp one)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="podium-bench-uploads-", dir=args.dir))
    secret = secrets.token_urlsafe(48)
    database_url = f"sqlite+aiosqlite:///{work / 'podium.db'}"
    token = setup_account(database_url, work, secret)
    size = args.size_mb * 1000 * 1000
    source = work / "source.bin"
    with source.open("wb") as f:
        for _ in range(size // (1 << 20)):
            f.write(os.urandom(1 << 20))
        f.write(os.urandom(size % (1 << 20)))
    raw_digest = hashlib.md5(source.read_bytes()).digest()

    env = {k: v for k, v in os.environ.items() if not k.startswith("PODIUM_")}
    env.update(
        PODIUM_DATABASE_URL=database_url,
        PODIUM_SECRET_KEY=secret,
        PODIUM_DATA_DIR=str(work),
        PODIUM_RATE_LIMITS="off",
        PODIUM_LOG_LEVEL="WARNING",
        PODIUM_ATTACHMENT_MAX_UPLOAD_BYTES=str(size * 2),
    )
    port = free_port()
    podium = Path(sys.executable).with_name("podium")
    cmd = [str(podium)] if podium.exists() else [sys.executable, "-m", "podium.cli"]
    log = (work / "server.log").open("wb")
    server = subprocess.Popen(
        [*cmd, "serve", "--host", "127.0.0.1", "--port", str(port), "--no-migrate"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        api = httpx.Client(base_url=base, headers={"apitoken": token}, timeout=120)
        deadline = time.monotonic() + 60
        while True:
            try:
                if api.get("/healthz").status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError(f"the server did not start: see {work / 'server.log'}")
            time.sleep(0.2)
        agent = api.post(
            "/api/v1/agents",
            json={"name": "Bench", "available": True, "email": "bench@example.com"},
        ).json()
        ticket = api.post(
            "/api/v1/tickets",
            json={
                "ticket_id": "bench-1",
                "type": "bench",
                "subject": "uploads",
                "link": "https://example.com/t/1",
                "body": "b",
                "agents": [agent["agentId"]],
            },
        )
        assert ticket.status_code == 201, ticket.text

        def presigned(name: str) -> str:
            r = api.post(
                "/api/v1/attachments",
                json={"ticket_id": "bench-1", "content_type": "audio/mp3", "id": name},
            )
            assert r.status_code == 200, r.text
            return r.json()["presigned_url"]

        # warm up: imports, the first write of the store's folders, the page cache
        put_sendfile(presigned("warmup"), source, "audio/mp3")
        rss_before = proc_status(server.pid, "VmRSS")
        hwm_before = proc_status(server.pid, "VmHWM")

        copies: list[float] = []
        uploads: list[float] = []
        copy_target = work / "files" / "copy.bin"
        for n in range(args.rounds):
            started = time.perf_counter()
            copy_durably(source, copy_target)
            copies.append(time.perf_counter() - started)
            copy_target.unlink()

            url = presigned(f"round-{n}")
            started = time.perf_counter()
            put_sendfile(url, source, "audio/mp3")
            uploads.append(time.perf_counter() - started)
        hwm_after = proc_status(server.pid, "VmHWM")

        import requests

        url = presigned("requests")
        started = time.perf_counter()
        with source.open("rb") as file:
            upload_headers = {"Content-Type": "audio/mp3", "x-amz-server-side-encryption": "AES256"}
            answer = requests.put(url, data=file, headers=upload_headers, timeout=120)
        requests_seconds = time.perf_counter() - started
        assert answer.status_code == 200, answer.text
        # and once with Content-MD5, which makes Podium hash the body (as S3 checks it)
        url = presigned("md5")
        started = time.perf_counter()
        with source.open("rb") as file:
            md5_headers = {**upload_headers, "Content-MD5": base64.b64encode(raw_digest).decode()}
            answer_md5 = requests.put(url, data=file, headers=md5_headers, timeout=120)
        md5_seconds = time.perf_counter() - started
        assert answer_md5.headers["ETag"] == f'"{raw_digest.hex()}"', answer_md5.text
        stored = api.get("/api/podium/v1/tickets/bench-1/attachments/requests").json()
        assert stored["status"] == "stored" and stored["sizeBytes"] == size, stored
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=20)
        log.close()

    mb = size / 1e6
    copy_s = statistics.median(copies)
    upload_s = statistics.median(uploads)
    ratio = copy_s / upload_s
    growth_mb = (hwm_after - hwm_before) / 1024
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"work folder: {work} (file and store on the same disk)")
    print(f"file: {mb:.0f} MB, {args.rounds} rounds each, medians")
    print(
        f"  plain copy + fsync        {copy_s * 1000:8.1f} ms  {mb / copy_s:8.1f} MB/s  "
        f"(best {min(copies) * 1000:.1f} ms)"
    )
    print(
        f"  presigned PUT (sendfile)  {upload_s * 1000:8.1f} ms  {mb / upload_s:8.1f} MB/s  "
        f"(best {min(uploads) * 1000:.1f} ms)"
    )
    print(
        f"  presigned PUT (requests)  {requests_seconds * 1000:8.1f} ms  "
        f"{mb / requests_seconds:8.1f} MB/s  (one run, the reference's client)"
    )
    print(
        f"  ... with Content-MD5      {md5_seconds * 1000:8.1f} ms  "
        f"{mb / md5_seconds:8.1f} MB/s  (one run: the body is hashed and checked)"
    )
    print(f"  upload / copy throughput  {ratio:8.2f}x  (target >= {RATIO_TARGET}x)")
    print(
        f"server memory: RSS {rss_before / 1024:.0f} MB after warm-up; peak "
        f"{hwm_before / 1024:.0f} MB before the rounds, {hwm_after / 1024:.0f} MB after "
        f"(+{growth_mb:.1f} MB for {mb:.0f} MB files; target < {MEMORY_GROWTH_LIMIT_MB} MB)"
    )
    met = ratio >= RATIO_TARGET and growth_mb < MEMORY_GROWTH_LIMIT_MB
    print("targets met" if met else "TARGETS MISSED")
    shutil.rmtree(work, ignore_errors=True)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
