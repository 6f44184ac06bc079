"""``doc.user_data`` keys shared by EntityPipeline and the "workbench_entities" component
(here, so that the pipeline need not import the component, which imports spaCy)."""
from __future__ import annotations

__all__ = ["TEXT_KEY", "LITE_KEY", "META_KEY", "NAMES_KEY", "OWN_KEY", "STATE_KEY"]

TEXT_KEY = "workbench_text"
"""Where EntityPipeline leaves the input text (saves rebuilding ``doc.text``)."""
LITE_KEY = "workbench_lite"
"""Flag: only the mention list is wanted; skip writing sentences and ``doc.ents``."""
META_KEY = "workbench_entities"
"""List of (start_char, end_char, label, origin, canonical hint), one per entity."""
NAMES_KEY = "workbench_names"
"""(surnames, acronyms) the Doc defines; later bare mentions of them are tagged."""
OWN_KEY = "workbench_own"
"""Input: the Doc is a chunk of a longer text and owns only its first this many characters;
names are taken from there only (the rest is read for context)."""
STATE_KEY = "workbench_state"
"""Output for a chunk: what the component needs to finish it again with names defined in the
other chunks (see ``EntityRules.with_names``)."""
