from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool

import podium.models  # noqa: F401 - registers every table
from podium.db import Base

config = context.config
url = config.attributes["sync_url"]

connectable = create_engine(url, poolclass=pool.NullPool)
with connectable.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
connectable.dispose()
