"""Exports on the wire: the three requests, the poll's answer, and the extension API's read.

Request bodies follow the reference's parameter tables (camelCase). An optional parameter that
is sent must hold a valid value (the reference's rule): booleans are JSON `true`/`false`, enums
one of their values; `null` counts as not sent.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, Field, StrictBool, StrictStr

from podium.wire import UtcIn, UtcOut, Wire

SingleFile = Literal["individual_answers", "section_scores", "total_scores", "annotations", "csat"]
Calibrations = Literal["all", "none", "only"]
Status = Literal["requested", "in_progress", "complete", "errored"]
MAX_NAME = 200


def _name(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        if len(value) > MAX_NAME:
            raise ValueError(f"must be at most {MAX_NAME} characters")
        # an empty name is as good as none: the default is given
        return value or None
    return value


ExportName = Annotated[
    StrictStr | None,
    BeforeValidator(_name),
    Field(
        default=None,
        description="Name for the export. Defaults to `<Kind> export <exportId>`",
        examples=["Weekly Maestro Grades Export"],
    ),
]
ApiTokenField = Field(
    default=None,
    description="Your API token, for clients that send it in the body (backward compatibility; "
    "the `apitoken` header is preferred and wins when both are sent)",
)


class RawExportRequest(Wire):
    startDate: UtcIn = Field(
        description="Include grades last updated at or after this time (ISO 8601 UTC)",
        examples=["2018-08-13T00:00:00Z"],
    )
    endDate: UtcIn = Field(
        description="Include grades last updated before this time (ISO 8601 UTC)",
        examples=["2018-08-19T00:00:00Z"],
    )
    name: ExportName = None
    singleFileExport: SingleFile | None = Field(
        default=None,
        description="Export this one CSV instead of the zip of all five",
    )
    includeCalibrations: Calibrations | None = Field(
        default=None,
        description="`none` (default): no calibration grades; `all`: calibration grades too; "
        "`only`: calibration grades and nothing else",
    )
    includeGraderQA: StrictBool | None = Field(
        default=None, description="Include grader-QA (benchmark) grades. Default false"
    )
    includeDeleted: StrictBool | None = Field(
        default=None, description="Include deleted grades. Default false"
    )
    apiToken: StrictStr | None = ApiTokenField


class GroupsExportRequest(Wire):
    name: ExportName = None
    includeUnavailable: StrictBool | None = Field(
        default=None,
        description="Include agents not marked available. Default false: available agents only",
    )
    apiToken: StrictStr | None = ApiTokenField


class AuditLogExportRequest(Wire):
    startDate: UtcIn = Field(
        description="Include entries made at or after this time (ISO 8601 UTC)",
        examples=["2018-08-13T00:00:00Z"],
    )
    endDate: UtcIn = Field(
        description="Include entries made before this time (ISO 8601 UTC)",
        examples=["2018-08-19T00:00:00Z"],
    )
    name: ExportName = None
    apiToken: StrictStr | None = ApiTokenField


class ExportRequested(BaseModel):
    exportId: str = Field(
        description="The export's id, to poll `get-export-data` with",
        examples=["id_z3A4qrYyYqcC5vMQ9"],
    )


class ExportData(BaseModel):
    status: Status = Field(description="`requested`, `in_progress`, `complete` or `errored`")
    dataUrl: str = Field(
        description="When complete with data: a link to download the file, without a token, "
        'valid for an hour from this answer. Otherwise `""`',
        examples=["https://podium.example.com/files/exports/..."],
    )


class ExportRead(BaseModel):
    """An export as the extension API shows it."""

    id: str = Field(description="The export's id (`exportId`)")
    kind: Literal["raw", "groups", "audit_log"] = Field(description="Which export")
    name: str = Field(description="The export's name")
    status: Status = Field(description="`requested`, `in_progress`, `complete` or `errored`")
    startDate: UtcOut | None = Field(description="Start of the window (raw, audit log)")
    endDate: UtcOut | None = Field(description="End of the window, excluded (raw, audit log)")
    options: dict[str, Any] = Field(
        description="The other parameters, with their defaults filled in"
    )
    requestedBy: str = Field(description="Who asked: a user's email, or the token's label")
    rowCounts: dict[str, int] = Field(description="Data rows written per CSV file")
    sizeBytes: int | None = Field(description="Size of the stored file")
    fileName: str | None = Field(description="The download's file name")
    error: str | None = Field(description="Why an errored export failed")
    attempts: int = Field(description="Runs started (a failed run is retried)")
    createdAt: UtcOut = Field(description="When it was asked for")
    startedAt: UtcOut | None = Field(description="When its last run started")
    completedAt: UtcOut | None = Field(description="When it ended (complete or errored)")
    dataUrl: str = Field(description='As `get-export-data` answers it (`""` without a file)')
