"""The three exports stored in S3 (a moto server): presigned links a plain GET downloads, under
the account's prefix. (The other tests use the local store of the session server.)"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from tests.agents.helpers import create_group
from tests.exports.builders import (
    HEADERS,
    RAW_FILES,
    base_time,
    completed,
    create_rubric,
    download,
    frozen,
    grade,
    header_of,
    qa_rubric,
    read_csv,
    read_zip,
    window,
    world,
)
from tests.factories import create_agent


def test_exports_in_s3(isolated, s3_server, s3_settings):
    site = isolated()
    server = site.server(**s3_settings)
    api = site.api(server)
    w = world(api)
    rubric = create_rubric(api, qa_rubric())
    t0 = base_time()
    with frozen(t0):
        made = grade(w, rubric)
    span = window(t0, t0 + timedelta(seconds=1))

    raw = completed(api, **span)
    url = urlsplit(raw["dataUrl"])
    assert raw["dataUrl"].startswith(s3_server.endpoint_url)
    assert "X-Amz-Signature=" in url.query and "X-Amz-Expires=3600" in url.query
    assert url.path == (
        f"/{s3_server.bucket}/exports/{api.account_id}/{raw['exportId']}/raw_export.zip"
    )
    r = download(raw["dataUrl"])
    assert r.headers["content-type"] == "application/zip"
    files = read_zip(r.content)
    assert sorted(files) == sorted(f"{n}.csv" for n in RAW_FILES)
    (total,) = read_csv(files["total_scores.csv"])
    assert (total["gradable_id"], total["rubric_score"]) == (w.ticket_id, "50")
    assert total["date_graded"] == made["updatedAt"]

    single = completed(api, **span, singleFileExport="individual_answers")
    r = download(single["dataUrl"])
    assert r.headers["content-type"] == "text/csv; charset=utf-8"
    assert header_of(r.content) == HEADERS["individual_answers"]
    assert len(read_csv(r.content)) == 4

    agent = create_agent(api, name="Stored Agent")
    create_group(api, [agent["agentId"]], name="Stored group")
    groups = completed(api, "/request-groups-export")
    assert [row["agent_name"] for row in read_csv(download(groups["dataUrl"]).content)] == [
        "Stored Agent"
    ]
    audit = completed(api, "/request-audit-log-export", **span)
    rows = read_csv(download(audit["dataUrl"]).content)
    assert [row["item_type"] for row in rows] == ["Scores"]

    # nothing to export: nothing stored
    empty = completed(
        api,
        "/request-audit-log-export",
        startDate="2001-01-01T00:00:00Z",
        endDate="2001-01-02T00:00:00Z",
    )
    assert empty["dataUrl"] == ""
    keys = s3_server.client.list_objects_v2(
        Bucket=s3_server.bucket, Prefix=f"exports/{api.account_id}/"
    )["Contents"]
    assert len(keys) == 4
