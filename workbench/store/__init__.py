"""The workspace file: its schema, migrations, SQLite access, the audit log and the change log with undo."""
from __future__ import annotations

from ._store import BUSY_SECONDS, CHECKPOINT_DELAY, Store, audit, audit_many, bulk_insert, new_id, now, resolve_id

__all__ = ["Store", "now", "new_id", "resolve_id", "audit", "audit_many", "bulk_insert", "BUSY_SECONDS", "CHECKPOINT_DELAY"]
