"""Compile the hand-annotated Ukrainian and Russian sets (``*.src.txt``) into JSONL.

Source format: articles separated by a line ``# <id>``; an entity is written inline as
``[surface|LABEL]``. Output, one JSON object per article:
``{"id", "split", "text", "entities": [[start, end, label], ...]}`` with character offsets
into ``text``. Articles with an odd number are the tune half, even ones the report half.

Usage::

    python bench/eval/build_sets.py          # writes uk.jsonl and ru.jsonl next to this file
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

__all__ = ["LABELS", "compile_source", "main"]

HERE = Path(__file__).resolve().parent
LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "WEAPON", "DATE", "NORP"})
_MARK = re.compile(r"\[([^\[\]|]+)\|([A-Z]+)\]")


def compile_source(source: str) -> list[dict]:
    """Turn one annotated source text into article records.

    Args:
        source: the ``*.src.txt`` content.

    Returns:
        One dict per article (id, split, text, entities).

    Raises:
        ValueError: an unknown label or a stray bracket, naming the article.
    """
    out = []
    for block in re.split(r"^# ", source, flags=re.M):
        if not block.strip():
            continue
        ident, _, body = block.partition("\n")
        ident = ident.strip()
        body = " ".join(body.split())
        text, ents, pos = [], [], 0
        length = 0
        for m in _MARK.finditer(body):
            text.append(body[pos:m.start()])
            length += m.start() - pos
            surface, label = m.group(1), m.group(2)
            if label not in LABELS:
                raise ValueError(f"{ident}: unknown label {label!r}")
            ents.append([length, length + len(surface), label])
            text.append(surface)
            length += len(surface)
            pos = m.end()
        text.append(body[pos:])
        plain = "".join(text)
        if "[" in plain or "]" in plain:
            raise ValueError(f"{ident}: unbalanced entity bracket")
        number = int(ident.rsplit("-", 1)[1])
        out.append({"id": ident, "split": "tune" if number % 2 else "report", "text": plain, "entities": ents})
    return out


def main() -> int:
    """Compile every ``*.src.txt`` here into ``*.jsonl``; print entity counts per half."""
    for src in sorted(HERE.glob("*.src.txt")):
        records = compile_source(src.read_text(encoding="utf-8"))
        dest = src.with_name(src.name.replace(".src.txt", ".jsonl"))
        dest.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
        for half in ("tune", "report"):
            n = sum(len(r["entities"]) for r in records if r["split"] == half)
            print(f"{dest.name}: {half} {sum(r['split'] == half for r in records)} articles, {n} entities")
    return 0


if __name__ == "__main__":
    sys.exit(main())
