"""Articles in: sources read or fetched, HTML extracted, bytes decoded, text cleaned, dated, language-tagged, copies found."""
from __future__ import annotations

from ._entities import rerun_entities
from .pipeline import IngestResult, ingest

__all__ = ["IngestResult", "ingest", "rerun_entities"]
