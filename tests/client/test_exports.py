"""Export handles against the live server: request, wait, download, read."""

from __future__ import annotations

import asyncio
import csv
import io
import zipfile
from datetime import UTC, datetime, timedelta

import pytest

from podium.client import AsyncClient, ExportHandle, ExportTimeout, ValidationError
from podium.client.models import ExportData
from tests.client.conftest import base_url
from tests.factories import unique
from tests.grading.builders import ANSWERS_21, thirty_five_points

RAW_FILES = {"total_scores", "section_scores", "individual_answers", "annotations", "csat"}


@pytest.fixture
def graded(client, people):
    """Two submitted grades in the account."""
    rubric = client.rubrics.create(thirty_five_points())
    grades = []
    for _ in range(2):
        ticket = client.tickets.create(
            ticket_id=unique("t"),
            type="chat",
            subject="Help",
            link="https://h.example/t",
            body="Hi",
            agents=[people.agent_id],
            csat_score=4,
        )
        grades.append(
            client.grades.create(
                ticket_id=ticket.ticket_id,
                rubric_id=rubric.id,
                grader_id=people.user_id,
                answers=ANSWERS_21,
            )
        )
    return grades


def window() -> tuple[datetime, datetime]:
    now = datetime.now(UTC)
    return now - timedelta(days=1), now + timedelta(days=1)


def test_raw_export_waits_downloads_and_reads_as_rows(client, graded, tmp_path):
    start, end = window()
    handle = client.exports.raw(start, end, name="Weekly export")
    assert isinstance(handle, ExportHandle) and handle.id.startswith("id_")
    polls: list[tuple[str, float]] = []
    data = handle.wait(
        progress=lambda d, elapsed: polls.append((d.status, elapsed)), poll_interval=0.5
    )
    assert data.status == "complete" and data.data_url
    assert polls[-1][0] == "complete"
    assert all(s in ("requested", "in_progress", "complete") for s, _ in polls)

    seen: list[tuple[int, int | None]] = []
    (tmp_path / "out").mkdir()
    path = handle.download(
        tmp_path / "out", progress=lambda done, total: seen.append((done, total))
    )
    assert path == tmp_path / "out" / "Weekly export.zip"
    assert zipfile.is_zipfile(path)
    assert seen[-1][0] == path.stat().st_size
    assert not list((tmp_path / "out").glob("*.part"))

    tables = handle.tables()
    assert set(tables) == RAW_FILES
    total = tables["total_scores"]
    assert len(total) == 2
    assert {row["gradable_id"] for row in total} == {g.ticket_id for g in graded}
    with zipfile.ZipFile(path) as archive:
        rows = list(csv.DictReader(io.TextIOWrapper(archive.open("total_scores.csv"), "utf-8-sig")))
    assert rows == total


def test_single_file_raw_export_is_one_csv_named_after_its_table(client, graded, tmp_path):
    start, end = window()
    handle = client.exports.raw(start, end, single_file="section_scores")
    path = handle.download(tmp_path)
    assert path.suffix == ".csv" and path.parent == tmp_path
    tables = handle.tables()
    assert list(tables) == ["section_scores"]
    assert len(tables["section_scores"]) == 2 * 3  # two grades, three sections


def test_tables_without_downloading_to_disk(client, graded, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    start, end = window()
    handle = client.exports.raw(start, end)
    assert set(handle.tables()) == RAW_FILES
    assert list(tmp_path.iterdir()) == []  # read in memory


def test_data_frames_when_pandas_and_polars_are_installed(client, graded):
    # both are dev dependencies: a missing one is a failure, not a skip
    import pandas as pd
    import polars as pl

    start, end = window()
    handle = client.exports.raw(start, end)
    frames = handle.to_pandas()
    assert set(frames) == RAW_FILES
    assert isinstance(frames["total_scores"], pd.DataFrame)
    assert len(frames["total_scores"]) == 2
    polars_frames = handle.to_polars()
    assert isinstance(polars_frames["section_scores"], pl.DataFrame)
    assert polars_frames["section_scores"].height == 6


def test_an_empty_export_is_complete_with_nothing_to_download(client, tmp_path):
    handle = client.exports.raw("2001-01-01", "2001-01-02")
    assert handle.wait().data_url == ""
    assert handle.download(tmp_path) is None
    assert handle.tables() == {}
    assert handle.to_pandas() == {}
    assert list(tmp_path.iterdir()) == []


def test_groups_and_audit_log_exports(client, people, tmp_path):
    client.agent_groups.create(name="Tier 1", agent_ids=[people.agent_id])
    groups = client.exports.groups(include_unavailable=True)
    rows = groups.tables()["agent_groups"]
    assert [(r["group_name"], r["agent_email"]) for r in rows] == [
        ("Tier 1", people.agent["email"])
    ]

    start, end = window()
    audit = client.exports.audit_log(start, end, name="activity")
    path = audit.download(tmp_path)
    assert path.name == "activity.csv"
    entries = audit.tables()["audit_log"]
    assert {"Agent Groups", "Agents"} <= {e["item_type"] for e in entries}


def test_a_handle_can_be_picked_up_later_and_read_by_id(client, graded):
    start, end = window()
    first = client.exports.raw(start, end)
    first.wait()
    later = client.exports.handle(first.id)
    assert later.status().status == "complete"
    assert set(later.tables()) == RAW_FILES
    details = client.exports.get(first.id)
    assert details.kind == "raw" and details.row_counts["total_scores"] == 2
    assert first.id in [e.id for e in client.exports.iter()]


def test_wait_gives_up_at_its_timeout(client, fake_clock):
    handle = client.exports.handle("id_doesnotmatter")
    handle._t.clock = fake_clock
    handle.status = lambda: ExportData(status="in_progress")  # type: ignore[method-assign]
    with pytest.raises(ExportTimeout) as caught:
        handle.wait(timeout=30, poll_interval=2)
    assert caught.value.status == "in_progress"
    assert sum(fake_clock.sleeps) <= 30
    assert fake_clock.sleeps[:3] == [2, 3, 4.5]  # polls space out


def test_bad_export_parameters_are_refused_before_sending(client):
    with pytest.raises(ValidationError) as caught:
        client.exports.raw("yesterday", "2024-01-01")
    assert caught.value.status is None
    assert caught.value.errors[0].param == "startDate"
    with pytest.raises(ValidationError) as caught:
        client.exports.raw("2024-01-01", "2024-02-01", single_file="everything")
    assert caught.value.errors[0].param == "singleFileExport"


def test_the_server_names_a_bad_window(client):
    with pytest.raises(ValidationError) as caught:
        client.exports.raw("2024-02-01", "2024-01-01")
    assert caught.value.status == 422
    assert "endDate" in {e.param for e in caught.value.errors}


def test_async_export_handle(api, graded, tmp_path):
    async def main() -> None:
        async with AsyncClient(base_url=base_url(api), token=api.token, rate_limits=None) as client:
            start, end = window()
            handle = await client.exports.raw(start, end)
            path = await handle.download(tmp_path)
            assert zipfile.is_zipfile(path)
            tables = await handle.tables()
            assert len(tables["total_scores"]) == 2

    asyncio.run(main())


def test_download_to_a_file_path(client, graded, tmp_path):
    start, end = window()
    handle = client.exports.raw(start, end)
    target = tmp_path / "new" / "grades.zip"
    assert handle.download(target) == target
    assert zipfile.is_zipfile(target)
