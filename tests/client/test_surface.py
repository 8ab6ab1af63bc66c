"""The client covers the server: every operation of Podium's OpenAPI document has a client
method, every field the server answers has a model field, and the sync client is the async one
regenerated."""

from __future__ import annotations

import subprocess
import sys

import httpx

from podium.client import AsyncClient, Client, models

# (method, path) -> client method; None for what a client does not call
OPERATIONS = {
    ("POST", "/api/v1/tickets"): "tickets.create",
    ("GET", "/api/v1/tickets"): "tickets.get_many",
    ("GET", "/api/v1/tickets/{ticket_id}"): "tickets.get",
    ("PATCH", "/api/v1/tickets/{ticket_id}"): "tickets.update",
    ("DELETE", "/api/v1/tickets/{ticket_id}"): "tickets.delete",
    ("POST", "/api/v1/comments"): "comments.create",
    ("POST", "/api/v1/comments-batch"): "comments.create_batch",
    ("POST", "/api/v1/agents"): "agents.create",
    ("POST", "/api/v1/agents/add-id-to-agent"): "agents.add_id",
    ("POST", "/api/v1/update-agent-availability"): "agents.update_availability",
    ("POST", "/api/v1/agents/update-agent-availability"): None,  # alias of the one above
    ("GET", "/api/v1/coaching-sessions"): "coaching_sessions.list",
    ("GET", "/api/v1/coaching-sessions/{id}"): "coaching_sessions.get",
    ("GET", "/api/v1/coaching-points"): "coaching_points.list",
    ("GET", "/api/v1/coaching-points/{id}"): "coaching_points.get",
    ("GET", "/api/v1/todos"): "todos.list",
    ("GET", "/api/v1/todos/{id}"): "todos.get",
    ("POST", "/api/v1/request-raw-export"): "exports.raw",
    ("POST", "/api/v1/request-groups-export"): "exports.groups",
    ("POST", "/api/v1/request-audit-log-export"): "exports.audit_log",
    ("GET", "/api/v1/get-export-data"): "exports.status",
    ("GET", "/api/v1/export-data/{export_id}"): None,  # same answer as get-export-data
    ("POST", "/api/v1/attachments"): "attachments.create",
    ("POST", "/api/podium/v1/users"): "users.create",
    ("GET", "/api/podium/v1/users"): "users.list",
    ("GET", "/api/podium/v1/users/{user_id}"): "users.get",
    ("PATCH", "/api/podium/v1/users/{user_id}"): "users.update",
    ("GET", "/api/podium/v1/agents"): "agents.list",
    ("GET", "/api/podium/v1/agents/{agent_ref}"): "agents.get",
    ("PATCH", "/api/podium/v1/agents/{agent_ref}"): "agents.update",
    ("POST", "/api/podium/v1/agent-groups"): "agent_groups.create",
    ("GET", "/api/podium/v1/agent-groups"): "agent_groups.list",
    ("GET", "/api/podium/v1/agent-groups/{group_id}"): "agent_groups.get",
    ("PATCH", "/api/podium/v1/agent-groups/{group_id}"): "agent_groups.update",
    ("DELETE", "/api/podium/v1/agent-groups/{group_id}"): "agent_groups.delete",
    ("POST", "/api/podium/v1/agent-groups/{group_id}/members"): "agent_groups.add_members",
    (
        "DELETE",
        "/api/podium/v1/agent-groups/{group_id}/members/{agent_ref}",
    ): "agent_groups.remove_member",
    ("POST", "/api/podium/v1/ticket-attributes"): "ticket_attributes.create",
    ("GET", "/api/podium/v1/ticket-attributes"): "ticket_attributes.list",
    ("DELETE", "/api/podium/v1/ticket-attributes/{key}"): "ticket_attributes.delete",
    ("GET", "/api/podium/v1/tickets"): "tickets.list",
    ("GET", "/api/podium/v1/tickets/{ticket_id}/comments"): "tickets.comments",
    ("GET", "/api/podium/v1/coaching-sessions"): "coaching_sessions.list",
    ("POST", "/api/podium/v1/coaching-sessions"): "coaching_sessions.create",
    ("GET", "/api/podium/v1/coaching-sessions/{id}"): "coaching_sessions.get",
    ("PATCH", "/api/podium/v1/coaching-sessions/{id}"): "coaching_sessions.update",
    ("DELETE", "/api/podium/v1/coaching-sessions/{id}"): "coaching_sessions.delete",
    ("GET", "/api/podium/v1/coaching-points"): "coaching_points.list",
    ("POST", "/api/podium/v1/coaching-points"): "coaching_points.create",
    ("GET", "/api/podium/v1/coaching-points/{id}"): "coaching_points.get",
    ("PATCH", "/api/podium/v1/coaching-points/{id}"): "coaching_points.update",
    ("DELETE", "/api/podium/v1/coaching-points/{id}"): "coaching_points.delete",
    ("GET", "/api/podium/v1/todos"): "todos.list",
    ("POST", "/api/podium/v1/todos"): "todos.create",
    ("GET", "/api/podium/v1/todos/{id}"): "todos.get",
    ("PATCH", "/api/podium/v1/todos/{id}"): "todos.update",
    ("DELETE", "/api/podium/v1/todos/{id}"): "todos.delete",
    ("GET", "/api/podium/v1/activity-log"): "activity_log.list",
    ("POST", "/api/podium/v1/rubrics"): "rubrics.create",
    ("GET", "/api/podium/v1/rubrics"): "rubrics.list",
    ("GET", "/api/podium/v1/rubrics/{rubric_id}"): "rubrics.get",
    ("PUT", "/api/podium/v1/rubrics/{rubric_id}"): "rubrics.replace",
    ("PATCH", "/api/podium/v1/rubrics/{rubric_id}"): "rubrics.update",
    ("DELETE", "/api/podium/v1/rubrics/{rubric_id}"): "rubrics.delete",
    ("POST", "/api/podium/v1/grades"): "grades.create",
    ("GET", "/api/podium/v1/grades"): "grades.list",
    ("GET", "/api/podium/v1/grades/{grade_id}"): "grades.get",
    ("PATCH", "/api/podium/v1/grades/{grade_id}"): "grades.update",
    ("DELETE", "/api/podium/v1/grades/{grade_id}"): "grades.delete",
    ("POST", "/api/podium/v1/grades/{grade_id}/submit"): "grades.submit",
    ("POST", "/api/podium/v1/grades/{grade_id}/grader-qa"): "grades.grader_qa",
    ("POST", "/api/podium/v1/calibrations"): "calibrations.create",
    ("GET", "/api/podium/v1/calibrations"): "calibrations.list",
    ("GET", "/api/podium/v1/calibrations/{calibration_id}"): "calibrations.get",
    ("PATCH", "/api/podium/v1/calibrations/{calibration_id}"): "calibrations.update",
    ("DELETE", "/api/podium/v1/calibrations/{calibration_id}"): "calibrations.delete",
    ("POST", "/api/podium/v1/calibrations/{calibration_id}/grades"): "calibrations.add_grade",
    ("GET", "/api/podium/v1/exports"): "exports.list",
    ("GET", "/api/podium/v1/exports/{export_id}"): "exports.get",
    ("GET", "/api/podium/v1/tickets/{ticket_id}/attachments"): "attachments.list",
    ("GET", "/api/podium/v1/tickets/{ticket_id}/attachments/{attachment_id}"): "attachments.get",
    # a redirect to the file for browsers; the client reads `downloadUrl` of attachments.get
    ("GET", "/api/podium/v1/tickets/{ticket_id}/attachments/{attachment_id}/download"): None,
    ("GET", "/files/{key}"): None,  # signed links, followed as given
    ("GET", "/healthz"): None,
}

# server schema -> the client model that reads it
RESPONSES = {
    "TicketRead": models.Ticket,
    "TicketList": models.TicketLookup,
    "TicketDeleted": models.TicketDeleted,
    "CommentRead": models.Comment,
    "TimelineItem": models.TimelineItem,
    "AgentDetail": models.Agent,
    "AgentWithIds": models.Agent,
    "UserRead": models.User,
    "AgentGroupDetail": models.AgentGroup,
    "AgentGroupMemberRead": models.AgentGroupMember,
    "TicketAttributeRead": models.TicketAttribute,
    "CoachingSessionRead": models.CoachingSession,
    "CoachingPointRead": models.CoachingPoint,
    "TodoRead": models.Todo,
    "ActivityRead": models.ActivityEntry,
    "ExportRead": models.Export,
    "ExportData": models.ExportData,
    "AttachmentRead": models.Attachment,
    "AttachmentCreated": models.AttachmentCreated,
    "RubricSaved": models.RubricSaved,
    "SectionRead": models.RubricSection,
    "CriterionRead": models.RubricCriterion,
    "OptionRead": models.RubricOption,
    "GradeRead": models.Grade,
    "AnswerRead": models.Answer,
    "AnnotationRead": models.Annotation,
    "SectionScoreRead": models.SectionScore,
    "CalibrationRead": models.Calibration,
    "CalibratorAlignment": models.CalibratorAlignment,
}


def wire_names(model) -> set[str]:
    return {info.alias or name for name, info in model.model_fields.items()}


def openapi(server) -> dict:
    return httpx.get(server.url + "/openapi.json", timeout=30).json()


def test_every_operation_of_the_server_has_a_client_method(server):
    spec = openapi(server)
    served = {(m.upper(), p) for p, ops in spec["paths"].items() for m in ops}
    assert served == set(OPERATIONS), {
        "not in the client's table": served - set(OPERATIONS),
        "no longer served": set(OPERATIONS) - served,
    }
    for dotted in filter(None, OPERATIONS.values()):
        resource, method = dotted.split(".")
        for cls in (Client, AsyncClient):
            client = cls(base_url="http://x.invalid", token="t")
            assert callable(getattr(getattr(client, resource), method)), (cls, dotted)


def test_every_field_the_server_answers_has_a_model_field(server):
    schemas = openapi(server)["components"]["schemas"]
    for name, model in RESPONSES.items():
        fields = set(schemas[name].get("properties", {}))
        if name == "TimelineItem":  # a CommentRead plus kind and attachment
            fields = set(schemas["CommentRead"]["properties"]) | {"kind", "attachment"}
        missing = fields - wire_names(model)
        assert not missing, f"{model.__name__} lacks {missing} of {name}"


def test_request_models_accept_every_field_the_server_takes(server):
    schemas = openapi(server)["components"]["schemas"]
    requests = {
        "TicketCreate": models.TicketCreate,
        "TicketUpdate": models.TicketUpdate,
        "CommentCreate": models.CommentCreate,
        "AgentCreate": models.AgentCreate,
        "AgentUpdate": models.AgentUpdate,
        "UserCreate": models.UserCreate,
        "UserUpdate": models.UserUpdate,
        "AgentGroupCreate": models.AgentGroupCreate,
        "TicketAttributeCreate": models.TicketAttributeCreate,
        "CoachingSessionCreate": models.CoachingSessionCreate,
        "CoachingSessionUpdate": models.CoachingSessionUpdate,
        "CoachingPointCreate": models.CoachingPointCreate,
        "CoachingPointUpdate": models.CoachingPointUpdate,
        "TodoCreate": models.TodoCreate,
        "TodoUpdate": models.TodoUpdate,
        "RawExportRequest": models.RawExportRequest,
        "GroupsExportRequest": models.GroupsExportRequest,
        "AuditLogExportRequest": models.AuditLogExportRequest,
        "AttachmentCreate": models.AttachmentCreate,
        "RubricCreate": models.RubricCreate,
        "RubricUpdate": models.RubricUpdate,
        "SectionIn": models.SectionInput,
        "CriterionIn": models.CriterionInput,
        "OptionIn": models.OptionInput,
        "GradeCreate": models.GradeCreate,
        "GradeUpdate": models.GradeUpdate,
        "GraderQaCreate": models.GraderQaCreate,
        "AnswerIn": models.AnswerInput,
        "AnnotationIn": models.AnnotationInput,
        "CalibrationCreate": models.CalibrationCreate,
        "CalibrationUpdate": models.CalibrationUpdate,
        "CalibrationGradeCreate": models.CalibrationGradeCreate,
    }
    for name, model in requests.items():
        fields = set(schemas[name].get("properties", {})) - {"apiToken"}  # sent as a header
        missing = fields - wire_names(model)
        assert not missing, f"{model.__name__} lacks {missing} of {name}"


def test_the_sync_client_is_the_async_one_regenerated():
    r = subprocess.run(
        [sys.executable, "-m", "podium.client._unasync", "--check"], capture_output=True, text=True
    )
    assert r.returncode == 0, r.stderr
