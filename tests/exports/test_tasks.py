"""The export task run directly: status transitions, a second run, a run after a crashed
attempt starts over, and the final failure. (The other tests run it through the server's
worker.)"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from tests.exports.builders import (
    base_time,
    create_rubric,
    frozen,
    grade,
    qa_rubric,
    read_csv,
    read_zip,
    world,
)

from podium import clock
from podium.config import Settings
from podium.db import create_engine, create_sessionmaker
from podium.exports import repository, service
from podium.exports.models import Export, new_export_id
from podium.exports.tasks import mark_failed, run_export
from podium.jobs import JobContext
from podium.storage import LocalStore


class Runner:
    """Runs the task in this process, against the test database and the local store."""

    def __init__(self, settings: Settings, server_url: str):
        self.settings = settings
        self.store = LocalStore(
            settings.data_dir / "files", server_url, settings.effective_secret_key
        )

    async def _with_session(self, fn: Any) -> Any:
        engine = create_engine(self.settings)
        try:
            maker = create_sessionmaker(engine)
            return await fn(maker)
        finally:
            await engine.dispose()

    def context(self, maker: Any, attempt: int) -> JobContext:
        return JobContext(
            settings=self.settings,
            sessionmaker=maker,
            store=self.store,
            attempt=attempt,
            job_id=f"test-{attempt}",
        )

    def run(self, export: Export, attempt: int = 1) -> None:
        async def go(maker: Any) -> None:
            await run_export(
                self.context(maker, attempt), export_id=export.id, account_id=export.account_id
            )

        asyncio.run(self._with_session(go))

    def fail(self, export: Export, error: str) -> None:
        async def go(maker: Any) -> None:
            await mark_failed(
                self.context(maker, 3), error, export_id=export.id, account_id=export.account_id
            )

        asyncio.run(self._with_session(go))

    def add(self, export: Export) -> Export:
        async def go(maker: Any) -> None:
            async with maker() as session, session.begin():
                session.add(export)

        asyncio.run(self._with_session(go))
        return export

    def read(self, export: Export) -> Export:
        async def go(maker: Any) -> Export:
            async with maker() as session:
                found = await repository.get_export(
                    session, account_id=export.account_id, export_id=export.id
                )
                assert found is not None
                return found

        return asyncio.run(self._with_session(go))  # type: ignore[no-any-return]

    def set(self, export: Export, **values: Any) -> None:
        async def go(maker: Any) -> None:
            async with maker() as session, session.begin():
                await repository.set_status(
                    session, account_id=export.account_id, export_id=export.id, values=values
                )

        asyncio.run(self._with_session(go))

    def start(self, export: Export) -> None:
        async def go(maker: Any) -> None:
            async with maker() as session, session.begin():
                await service.start_run(
                    session,
                    account_id=export.account_id,
                    export_id=export.id,
                    attempt=1,
                    job_id="crashed",
                )

        asyncio.run(self._with_session(go))


@pytest.fixture
def runner(settings, server) -> Runner:
    return Runner(settings, server.url)


def _export(account_id: str, t0, **options: Any) -> Export:
    # a row made here, without a job: only this test runs it
    now = clock.now()
    return Export(
        id=new_export_id(),
        account_id=account_id,
        kind="raw",
        name="Task test",
        status="requested",
        start_date=t0,
        end_date=t0 + timedelta(seconds=1),
        options={
            "includeCalibrations": "none",
            "includeGraderQA": False,
            "includeDeleted": False,
            **options,
        },
        requested_by="test",
        attempts=0,
        row_counts={},
        created_at=now,
        updated_at=now,
    )


def _stored(runner: Runner, export: Export) -> dict[str, bytes]:
    path = runner.store.path(export.blob_key or "")
    return read_zip(path.read_bytes())


def test_transitions_second_run_and_a_run_after_a_crash(api, runner):
    w = world(api)
    rubric = create_rubric(api, qa_rubric())
    t0 = base_time()
    with frozen(t0):
        grade(w, rubric)
    export = runner.add(_export(api.account_id, t0))
    assert runner.read(export).status == "requested"

    # a run that "crashed" after starting: in_progress, as the worker left it
    runner.start(export)
    crashed = runner.read(export)
    assert (crashed.status, crashed.attempts, crashed.job_id) == ("in_progress", 1, "crashed")
    assert crashed.started_at is not None and crashed.completed_at is None

    # the retry starts over and completes
    runner.run(export, attempt=2)
    done = runner.read(export)
    assert (done.status, done.attempts, done.error) == ("complete", 2, None)
    assert done.blob_key == f"exports/{api.account_id}/{export.id}/raw_export.zip"
    assert done.row_counts["individual_answers"] == 4
    first = _stored(runner, done)
    assert len(read_csv(first["individual_answers.csv"])) == 4
    assert not list((runner.settings.data_dir / "tmp" / "exports").glob(f"{export.id}.*"))

    # a second delivery of the job finds it complete and leaves it alone
    runner.run(export, attempt=3)
    again = runner.read(export)
    assert (again.status, again.attempts, again.completed_at) == ("complete", 2, done.completed_at)

    # a failure reported afterwards does not undo a complete export
    runner.fail(export, "RuntimeError: late")
    assert runner.read(export).status == "complete"


def test_a_rerun_replaces_the_file(api, runner):
    w = world(api)
    rubric = create_rubric(api, qa_rubric())
    t0 = base_time()
    with frozen(t0):
        made = grade(w, rubric)
    export = runner.add(_export(api.account_id, t0))
    runner.run(export)
    assert len(read_csv(_stored(runner, runner.read(export))["total_scores.csv"])) == 1
    # a crash after the upload, before `complete` was committed: the export is still
    # in_progress, and the next attempt writes the file anew from the data as it is now
    runner.set(export, status="in_progress")
    with frozen(t0 + timedelta(milliseconds=10)):
        grade(w, rubric)
        r = api.delete(api.ext + f"/grades/{made['id']}")
        assert r.status_code == 200
    runner.run(export, attempt=2)
    assert runner.read(export).attempts == 2
    rows = read_csv(_stored(runner, runner.read(export))["total_scores.csv"])
    assert len(rows) == 1 and rows[0]["date_graded"].endswith(".010Z")


def test_final_failure_marks_it_errored(api, runner):
    export = runner.add(_export(api.account_id, base_time()))
    runner.start(export)
    runner.fail(export, "OperationalError: the database went away")
    failed = runner.read(export)
    assert (failed.status, failed.error) == ("errored", "OperationalError: the database went away")
    assert failed.completed_at is not None and failed.blob_key is None
    # a late delivery of the job does not resurrect it
    runner.run(export, attempt=4)
    assert runner.read(export).status == "errored"


def test_an_export_of_nothing_stores_nothing(api, runner):
    export = runner.add(_export(api.account_id, base_time() - timedelta(days=400)))
    runner.run(export)
    done = runner.read(export)
    assert (done.status, done.blob_key, done.size_bytes) == ("complete", None, None)
    assert service.data_url(done, runner.store) == ""
