"""The workspace database: its schema, migrations, SQLite and PostgreSQL access, the audit log and the
change log with undo, and every SQL query as small repositories (``articles``, ``mentions``,
``analyses``, ``evidence``, ``entity_rules``, ``live``); copies between backends (``copy``) and roles
on a server (``roles``)."""
from __future__ import annotations

from ._rows import audit, audit_many, bulk_insert, bulk_select, new_id, now, resolve_id
from ._store import BUSY_SECONDS, CHECKPOINT_DELAY, Store

__all__ = ["Store", "now", "new_id", "resolve_id", "audit", "audit_many", "bulk_insert", "bulk_select", "BUSY_SECONDS", "CHECKPOINT_DELAY"]
