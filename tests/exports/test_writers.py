"""The writers: how values are written, the same bytes from PostgreSQL's COPY and from
csv.writer, awkward text kept intact, and memory that does not grow with the rows."""

from __future__ import annotations

import asyncio
import random
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import cast, insert, literal, null, select
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

from podium.config import Settings
from podium.db import create_engine, create_sessionmaker
from podium.exports import service
from podium.exports.models import Export
from podium.exports.writers import (
    format_number,
    pg_format,
    sync_engine,
    write_export,
)
from podium.grading.models import GradeAnswer
from podium.wire import format_utc


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.0, "0"),
        (-0.0, "0"),
        (8.0, "8"),
        (35, "35"),
        (0.5, "0.5"),
        (12.25, "12.25"),
        (100 / 3, "33.33"),
        (200 / 3, "66.67"),
        (2.675, "2.68"),
        (2.665, "2.67"),
        (0.125, "0.13"),
        (0.005, "0.01"),
        (0.004999, "0"),
        (99.995, "100"),
        (1e-12, "0"),
        (53.3333333333, "53.33"),
        (0.1 + 0.2, "0.3"),
        (1e15, "1000000000000000"),
        (123456789.125, "123456789.13"),
        (-1.005, "-1.01"),
    ],
)
def test_number_format(value, text):
    assert format_number(value) == text


def test_numbers_and_dates_read_the_same_from_postgresql(settings: Settings):
    """On PostgreSQL the formatting runs in SQL: it must print what Python prints. On SQLite
    the Python formatting is the one in use; its output parses back to the value."""
    rng = random.Random(7)
    values = [rng.uniform(0, 100) for _ in range(400)]
    values += [round(rng.uniform(0, 100), rng.randint(0, 4)) for _ in range(400)]
    values += [rng.randint(0, 10**6) / 8 for _ in range(200)] + [2.675, 1.005, 99.995]
    moments = [
        datetime(2020, 1, 1, tzinfo=UTC)
        + timedelta(seconds=rng.uniform(0, 3e8), microseconds=rng.randint(0, 999_999))
        for _ in range(300)
    ]
    engine = sync_engine(settings)
    try:
        with engine.connect() as conn:
            if conn.dialect.name != "postgresql":
                for v in values:
                    assert abs(float(format_number(v)) - v) <= 0.005 + 1e-9
                for m in moments:
                    assert datetime.fromisoformat(format_utc(m)) == m.replace(
                        microsecond=m.microsecond // 1000 * 1000
                    )
                return
            from sqlalchemy import DateTime, Float

            for v in values:
                sql = select(pg_format("score", literal(v, Float)))
                assert conn.execute(sql).scalar_one() == format_number(v), v
            for m in moments:
                naive = m.replace(tzinfo=None)
                sql = select(pg_format("date", literal(naive, DateTime)))
                assert conn.execute(sql).scalar_one() == format_utc(m), m
            nothing = cast(null(), Float)
            assert conn.execute(select(pg_format("score", nothing))).scalar_one() == "N/A"
            assert conn.execute(select(pg_format("number", nothing))).scalar_one() is None
    finally:
        engine.dispose()


AWKWARD = {
    "warmth": "carriage\rreturn",
    "name": 'quoted "word", comma',
    "steps": "two\r\nlines\nand more",
    "extra": "  spaced  =1+1 ünïcödé ✓",
}


def _raw_export(account_id: str, start: datetime, end: datetime) -> Export:
    return Export(
        id="id_" + "T" * 17,
        account_id=account_id,
        kind="raw",
        name="t",
        start_date=start,
        end_date=end,
        options={"includeCalibrations": "all", "includeGraderQA": True, "includeDeleted": True},
    )


def _write_only(settings: Settings, export: Export, path: Path, **kwargs) -> None:
    _, queries = service.file_queries(export)
    engine = sync_engine(settings)
    try:
        write_export(engine, queries, path, zipped=True, **kwargs)
    finally:
        engine.dispose()


def _write(settings: Settings, export: Export, path: Path, **kwargs) -> dict[str, bytes]:
    _write_only(settings, export, path, **kwargs)
    return read_zip(path.read_bytes())


def test_awkward_text_survives_and_both_writers_agree(api, settings, tmp_path):
    w = world(api)
    rubric = create_rubric(api, qa_rubric())
    t0 = base_time()
    answers = {
        "warmth": {"value": 7, "comment": AWKWARD["warmth"]},
        "name": {"optionIds": ["name-yes"], "comment": AWKWARD["name"]},
        "steps": {"optionIds": ["verified"], "comment": AWKWARD["steps"]},
        "extra": {"value": 10 / 3, "comment": AWKWARD["extra"]},
    }
    with frozen(t0):
        grade(
            w,
            rubric,
            answers,
            generalNotes="",
            annotations=[
                {"highlight": "a\rb", "feedback": ""},
            ],
        )
    export = _raw_export(api.account_id, t0, t0 + timedelta(seconds=1))
    files = _write(settings, export, tmp_path / "default.zip")
    rows = {r["question_id"]: r for r in read_csv(files["individual_answers.csv"])}
    assert {q: r["comment"] for q, r in rows.items()} == AWKWARD
    assert rows["extra"]["question_score"] == "3.33"
    assert b'"carriage\rreturn"' in files["individual_answers.csv"]  # a lone CR is quoted
    (total,) = read_csv(files["total_scores.csv"])
    assert total["comment"] == ""
    (note,) = read_csv(files["annotations.csv"])
    assert (note["selected_text"], note["comment"]) == ("a\rb", "")

    with sync_engine(settings).connect() as conn:
        on_postgres = conn.dialect.name == "postgresql"
    if on_postgres:
        # COPY (the default here) and csv.writer write the same files
        python = _write(settings, export, tmp_path / "python.zip", use_copy=False)
        assert sorted(python) == sorted(files)
        for name in files:
            assert python[name].splitlines()[0] == files[name].splitlines()[0]
            assert sorted(map(sorted, map(dict.items, read_csv(python[name])))) == sorted(
                map(sorted, map(dict.items, read_csv(files[name])))
            ), name
            # byte for byte, once the rows are in the same order
            assert sorted(_records(python[name])) == sorted(_records(files[name])), name


def _records(data: bytes) -> list[bytes]:
    """The file's records as written (a quoted field may hold line breaks)."""
    records, current, quoted = [], bytearray(), False
    for byte in data:
        current.append(byte)
        if byte == ord('"'):
            quoted = not quoted
        elif byte == ord("\n") and not quoted:
            records.append(bytes(current))
            current.clear()
    assert not current
    return records


def _peak_writing(settings: Settings, export: Export, path: Path) -> int:
    tracemalloc.start()
    try:
        _write_only(settings, export, path)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_the_rows(api, settings, tmp_path):
    """Python's allocations while writing 2,000 and 40,000 answer rows: the same (batches and
    chunks, never every row)."""
    w = world(api)
    rubric = create_rubric(api, qa_rubric())
    t0 = base_time()
    with frozen(t0):
        made = grade(w, rubric)

    async def add_answers(n: int, start: int) -> None:
        engine = create_engine(settings)
        try:
            async with create_sessionmaker(engine)() as session:
                rows = [
                    {
                        "account_id": api.account_id,
                        "grade_pk": made["id"],
                        "criterion_id": f"c{i:07d}",
                        "section_id": "solution",
                        "position": i,
                        "status": "scored",
                        "option_ids": [],
                        "feedback_option_ids": [],
                        "answer_label": f"label {i}",
                        "feedback_label": "",
                        "earned": i / 7,
                        "max_points": 5,
                        "auto_failed": False,
                        "comment": "a comment of a realistic length, " * 3,
                    }
                    for i in range(start, start + n)
                ]
                await session.execute(insert(GradeAnswer), rows)
                await session.commit()
        finally:
            await engine.dispose()

    export = _raw_export(api.account_id, t0, t0 + timedelta(seconds=1))
    asyncio.run(add_answers(2_000, 100))
    small = _peak_writing(settings, export, tmp_path / "small.zip")
    asyncio.run(add_answers(38_000, 10_000))
    large = _peak_writing(settings, export, tmp_path / "large.zip")
    rows = read_csv(read_zip((tmp_path / "large.zip").read_bytes())["individual_answers.csv"])
    assert len(rows) == 40_004
    assert large < small * 1.5 + 2_000_000, (small, large)
