"""Table definitions (SQLAlchemy Core). Portable SQL only: SQLite today, PostgreSQL next.

Tables are created by the numbered steps in ``migrations``; this module only says what
they look like now.
"""
from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    BigInteger,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

schema_migrations = Table(
    "schema_migrations",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("description", String(200), nullable=False),
    Column("applied_at", String(40), nullable=False),
)

sources = Table(
    "sources",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(300), nullable=False, unique=True),
    Column("domain", String(300)),
    Column("reliability", String(1), nullable=False, server_default="F"),
    Column("notes", Text),
    Column("created_at", String(40), nullable=False),
    # step 4: 1 once an analyst has graded the source; until then its F is only a placeholder
    Column("graded", Integer, nullable=False, server_default="0"),
    CheckConstraint("reliability IN ('A','B','C','D','E','F')", name="ck_sources_reliability"),
)

articles = Table(
    "articles",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("title", Text),
    Column("source_id", Integer, ForeignKey("sources.id")),
    Column("url", Text),
    Column("published", String(40)),
    Column("language", String(8), nullable=False),
    Column("author", Text),
    Column("content_hash", String(64), nullable=False),
    Column("words", Integer, nullable=False),
    Column("copy_of", String(16), ForeignKey("articles.id")),
    Column("copy_similarity", Float),
    Column("origin", Text),
    Column("metadata", Text),  # JSON object of keys we do not model
    Column("ingested_at", String(40), nullable=False),
    # Last on purpose: SQLite reads a row's columns in order, and long texts spill into
    # overflow pages; listing articles must not have to walk through them.
    Column("text", Text, nullable=False),
    Index("ix_articles_content_hash", "content_hash"),
    Index("ix_articles_copy_of", "copy_of"),
)

# MinHash LSH bands for near-duplicate (syndicated copy) lookup.
article_bands = Table(
    "article_bands",
    metadata,
    Column("band", BigInteger, nullable=False),
    Column("article_id", String(16), ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Index("ix_article_bands_band", "band"),
)

mentions = Table(
    "mentions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", String(16), ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("label", String(40), nullable=False),
    Column("text", Text, nullable=False),
    Column("canonical", Text, nullable=False),
    Column("origin", String(16), nullable=False),  # model | rule | analyst
    Column("fingerprint", String(40), nullable=False),
    Column("rule_id", Integer),  # set on analyst mentions created by an "add" rule (schema step 3)
    CheckConstraint('"end" > start AND start >= 0', name="ck_mentions_span"),
    Index("ix_mentions_article", "article_id", "start"),
    Index("ix_mentions_canonical", "canonical"),
)

# Which pipeline has run over which article: the entity pass's cache key.
nlp_runs = Table(
    "nlp_runs",
    metadata,
    Column("article_id", String(16), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("fingerprint", String(40), primary_key=True),
    Column("pipeline", String(200), nullable=False),
    Column("ran_at", String(40), nullable=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", String(40), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(60), nullable=False),
    Column("target_type", String(40), nullable=False),
    Column("target_id", String(100)),
    Column("before", Text),
    Column("after", Text),
    Index("ix_audit_target", "target_type", "target_id"),
)

# -- competing hypotheses (schema step 2) -------------------------------------------------
analyses = Table(
    "analyses",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("question", Text, nullable=False),
    Column("time_horizon", Text),
    Column("classification", String(100)),
    Column("created_by", String(200), nullable=False),
    # step 4: scoring settings (JSON: dependence, ungraded) and the analyst's confidence override
    Column("settings", Text),
    Column("confidence", String(10)),
    Column("confidence_note", Text),
    Column("confidence_by", String(200)),
    Column("created_at", String(40), nullable=False),
    Column("updated_at", String(40), nullable=False),
)

hypotheses = Table(
    "hypotheses",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("analysis_id", String(16), ForeignKey("analyses.id", ondelete="CASCADE"), nullable=False),
    Column("name", Text, nullable=False),
    Column("description", Text),
    Column("position", Integer, nullable=False),
    Column("is_other", Integer, nullable=False, server_default="0"),
    UniqueConstraint("analysis_id", "name", name="uq_hypotheses_name"),
    Index("ix_hypotheses_analysis", "analysis_id", "position"),
)

WEIGHT_CHECK = "IN ('High','Medium','Low')"
# A quote has offsets in an article unless it is orphaned (schema step 5 relaxed this).
QUOTE_ANCHOR_CHECK = ("kind <> 'quote' OR anchor_method = 'orphaned' "
                      "OR (article_id IS NOT NULL AND start IS NOT NULL AND \"end\" > start)")
ANCHOR_METHOD_CHECK = "anchor_method IS NULL OR anchor_method IN ('exact','fuzzy','orphaned')"

evidence = Table(
    "evidence",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("analysis_id", String(16), ForeignKey("analyses.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(16), nullable=False),  # quote | assumption | absence
    Column("article_id", String(16), ForeignKey("articles.id")),
    Column("start", Integer),
    Column("end", Integer),
    Column("exact", Text),
    Column("prefix", Text),
    Column("suffix", Text),
    Column("content_hash", String(64)),
    Column("note", Text),
    Column("analyst", String(200), nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("updated_at", String(40), nullable=False),
    Column("event_date", String(40)),
    Column("report_date", String(40)),
    Column("credibility", String(6), nullable=False, server_default="Medium"),
    Column("relevance", String(6), nullable=False, server_default="Medium"),
    Column("info_credibility", Integer),
    Column("flags", Text, nullable=False, server_default="[]"),  # JSON list: deception, key_assumption
    Column("position", Integer, nullable=False, server_default="0"),
    Column("origin", Text),  # step 4: the analyst's "same origin" mark
    # How a quote's anchor was found (schema step 5): exact | fuzzy | orphaned, and the match
    # score 0-1. An orphaned quote (imported, not found in any article) keeps its words and
    # ratings but has no offsets.
    Column("anchor_method", String(8)),
    Column("anchor_score", Float),
    Column("evidence_type", Text),  # step 6: the analyst's label for the kind of source: HUMINT, OSINT… (PARC's TYPE)
    CheckConstraint("kind IN ('quote','assumption','absence')", name="ck_evidence_kind"),
    CheckConstraint(f"credibility {WEIGHT_CHECK}", name="ck_evidence_credibility"),
    CheckConstraint(f"relevance {WEIGHT_CHECK}", name="ck_evidence_relevance"),
    CheckConstraint("info_credibility IS NULL OR info_credibility BETWEEN 1 AND 6", name="ck_evidence_info_cred"),
    CheckConstraint(QUOTE_ANCHOR_CHECK, name="ck_evidence_quote_anchor"),
    CheckConstraint(ANCHOR_METHOD_CHECK, name="ck_evidence_anchor_method"),
    Index("ix_evidence_analysis", "analysis_id", "position", unique=True),  # one E-label each (step 7)
    Index("ix_evidence_article", "article_id"),
)

ratings = Table(
    "ratings",
    metadata,
    Column("evidence_id", String(16), ForeignKey("evidence.id", ondelete="CASCADE"), primary_key=True),
    Column("hypothesis_id", String(16), ForeignKey("hypotheses.id", ondelete="CASCADE"), primary_key=True),
    # step 8: whose rating it is; each analyst's rating of a cell is kept apart
    Column("analyst", String(200), primary_key=True),
    Column("rating", String(2), nullable=False),
    CheckConstraint("rating IN ('CC','C','N','I','II','NA')", name="ck_ratings_rating"),
)

# -- analyst corrections to entities (schema step 3) ---------------------------------------
entity_rules = Table(
    "entity_rules",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("action", String(16), nullable=False),  # merge | split | relabel | delete | add
    Column("params", Text, nullable=False),        # JSON object, see workbench.store.entity_rules
    Column("actor", String(200), nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("active", Integer, nullable=False, server_default="1"),
    CheckConstraint("action IN ('merge','split','relabel','delete','add')", name="ck_entity_rules_action"),
)

# -- indicators and warnings (schema step 12) -----------------------------------------------
# An indicator watches new articles for a hypothesis: a search query (``nlp._stems`` syntax)
# plus optional entity and source conditions, and the rating a match is expected to carry.
# Removing one sets ``active`` to 0 (its alerts stay; undo brings it back).
indicators = Table(
    "indicators",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("analysis_id", String(16), ForeignKey("analyses.id", ondelete="CASCADE"), nullable=False),
    Column("hypothesis_id", String(16), nullable=False),  # no foreign key: a removed hypothesis deactivates it
    Column("query", Text, nullable=False),
    Column("rating", String(2), nullable=False),
    Column("entity", Text),
    Column("source", Text),
    Column("active", Integer, nullable=False, server_default="1"),
    Column("created_by", String(200), nullable=False),
    Column("created_at", String(40), nullable=False),
    CheckConstraint("rating IN ('CC','C','N','I','II')", name="ck_indicators_rating"),
    Index("ix_indicators_analysis", "analysis_id"),
)

# A new article an indicator matched on ingest. The passage (a sentence) that matched best is
# found when the alert is read: start and end are NULL until it is accepted (step 14; rows of
# workspaces before it keep the offsets ingest stored).
alerts = Table(
    "alerts",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("indicator_id", String(16), ForeignKey("indicators.id", ondelete="CASCADE"), nullable=False),
    Column("analysis_id", String(16), ForeignKey("analyses.id", ondelete="CASCADE"), nullable=False),
    Column("article_id", String(16), ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("start", Integer),
    Column("end", Integer),
    Column("created_at", String(40), nullable=False),
    Column("status", String(10), nullable=False, server_default="new"),
    Column("evidence_id", String(16)),
    Column("decided_by", String(200)),
    Column("decided_at", String(40)),
    Column("note", Text),
    CheckConstraint("status IN ('new','accepted','dismissed')", name="ck_alerts_status"),
    CheckConstraint('"end" > start AND start >= 0', name="ck_alerts_span"),
    UniqueConstraint("indicator_id", "article_id", name="uq_alerts_indicator_article"),
    Index("ix_alerts_analysis", "analysis_id", "status"),
    Index("ix_alerts_created", "created_at"),
)

# Workspace-wide values (key -> text), e.g. when the last report was written.
workspace_settings = Table(
    "workspace_settings",
    metadata,
    Column("key", String(100), primary_key=True),
    Column("value", Text),
    Column("updated_at", String(40), nullable=False),
)

__all__ = [
    "metadata",
    "schema_migrations",
    "sources",
    "articles",
    "article_bands",
    "mentions",
    "nlp_runs",
    "audit_log",
    "analyses",
    "hypotheses",
    "evidence",
    "ratings",
    "entity_rules",
    "indicators",
    "alerts",
    "workspace_settings",
]
