from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.factories import create_agent, create_user


@pytest.fixture
def world(api):
    """An account with one agent (one helpdesk id) and one user (a coach)."""
    agent = create_agent(api, name="Harrison Charles")
    user = create_user(api, name="Charlie Smith")
    return SimpleNamespace(api=api, agent=agent, agent_id=agent["agentId"], user=user,
                           user_id=user["id"])
