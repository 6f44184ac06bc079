"""Articles in: sources read or fetched, HTML extracted, bytes decoded, text cleaned, dated, language-tagged, copies found."""
from __future__ import annotations

from .pipeline import IngestResult, ingest, rerun_entities

__all__ = ["IngestResult", "ingest", "rerun_entities"]
