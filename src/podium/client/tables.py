"""Reading an export's file: a zip of CSVs (the raw export) or one CSV, as rows or data frames.

pandas and polars are optional (`pip install 'podium[pandas]'` / `'podium[polars]'`); nothing
else here needs them.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import IO, Any

Source = bytes | Path


def _open(source: Source) -> IO[bytes]:
    return io.BytesIO(source) if isinstance(source, bytes) else open(source, "rb")


def is_zip(source: Source) -> bool:
    with _open(source) as handle:
        return handle.read(4) == b"PK\x03\x04"


def members(source: Source, single_name: str) -> Iterator[tuple[str, IO[bytes]]]:
    """(table name, binary stream) for each CSV: the zip's members by their file name without
    `.csv` and folders, or the one CSV as `single_name`."""
    if not is_zip(source):
        with _open(source) as handle:
            yield single_name, handle
        return
    with _open(source) as handle, zipfile.ZipFile(handle) as archive:
        for info in archive.infolist():
            path = PurePosixPath(info.filename)
            if info.is_dir() or path.suffix.lower() != ".csv" or path.name.startswith("._"):
                continue
            with archive.open(info) as member:
                yield path.stem, member


def read_tables(source: Source, single_name: str) -> dict[str, list[dict[str, str]]]:
    """Every CSV as a list of rows, each row a dict keyed by the header (all values text)."""
    tables: dict[str, list[dict[str, str]]] = {}
    for name, stream in members(source, single_name):
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
        tables[name] = list(csv.DictReader(text))
        text.detach()
    return tables


def _missing(package: str, method: str) -> ImportError:
    return ImportError(
        f"{method}() needs {package}, an optional dependency: pip install 'podium[{package}]' "
        f"(or pip install {package})"
    )


def to_pandas(source: Source, single_name: str) -> dict[str, Any]:
    """Every CSV as a pandas DataFrame (pandas infers the column types)."""
    try:
        import pandas as pd
    except ImportError:
        raise _missing("pandas", "to_pandas") from None
    return {name: pd.read_csv(stream) for name, stream in members(source, single_name)}


def to_polars(source: Source, single_name: str) -> dict[str, Any]:
    """Every CSV as a polars DataFrame (polars infers the column types)."""
    try:
        import polars as pl
    except ImportError:
        raise _missing("polars", "to_polars") from None
    return {name: pl.read_csv(stream.read()) for name, stream in members(source, single_name)}
