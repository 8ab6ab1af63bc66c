"""Durable background jobs: `@task` registers a coroutine, `defer` queues a run of it in the
caller's transaction, a worker runs it (in-process on the embedded backend, procrastinate on
PostgreSQL). See docs/architecture.md, "Jobs"."""

from __future__ import annotations

from podium.jobs.backends import JobInfo, get_job
from podium.jobs.context import JobContext
from podium.jobs.defer import defer
from podium.jobs.registry import TASK_MODULES, task

__all__ = ["TASK_MODULES", "JobContext", "JobInfo", "defer", "get_job", "task"]
