"""Cross-language name variants (issue 14): how many fold into one entity, and how many distinct
entities are merged.

Reads ``bench/eval/variants.tsv`` (written for this project: 48 entities, people, places and
organisations, each with its spellings in English, Russian, Ukrainian and Belarusian, plus near
misses that must stay apart) and folds every name with ``workbench.nlp.entity_key``, the key the
entity table, the explorer, filters and corrections group by. Prints:

- folded: the share of variants that share their entity's most common key (target 100 %), and
  the entities whose variants do not all fold, with the keys;
- false merges: near-miss pairs with one key, and pairs of listed entities (same label) with one
  key (target 0);
- beyond transliteration (X rows: exonyms, translations, renames): how many fold, for information;
- over-folding, for information: how many of the census and curated given names in
  ``workbench/nlp/data/curated`` share a key with another (mostly spellings of one name,
  Brian/Bryan, but some are two names: a person is merged only when the surname folds too), and
  how many of the gazetteer's place names do (one entity also needs one label);
- the key's speed against ``str.casefold`` in the same run (keys are cached: the first pass is shown);
- the entity table's cost: ``Workspace.entity_table()`` (grouped by cross-script key, aliases by
  language) against the entity table as it was (grouped by canonical name, same columns but aliases by language), on a workspace of
  ``--articles`` synthetic articles (``bench.corpus``) in the same run, first call in a fresh process.

Run: python -m bench.variants [--file bench/eval/variants.tsv] [--articles 100]
"""
from __future__ import annotations

import argparse
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from workbench.nlp import entity_key
from workbench.nlp._translit import entity_key as _cached

DEFAULT = Path(__file__).parent / "eval" / "variants.tsv"


def read(path: Path) -> tuple[dict[tuple[str, str], list[tuple[str, str]]], list[tuple[str, str, str]],
                              list[tuple[str, str, str]]]:
    """The file's entities ((label, entity) -> [(language, variant)]), near misses and X pairs."""
    groups: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    near, beyond = [], []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        kind, *cells = line.split("\t")
        if kind == "V" and len(cells) == 4:
            groups[(cells[0], cells[1])].append((cells[2], cells[3]))
        elif kind in ("N", "X") and len(cells) == 3:
            (near if kind == "N" else beyond).append((cells[0], cells[1], cells[2]))
        else:
            raise SystemExit(f"{path}:{number}: expected V/N/X with 4/3/3 fields, got {line!r}")
    return dict(groups), near, beyond


def _given_names() -> list[str]:
    """The distinct given names of the curated lists (English census names and Slavic names)."""
    import workbench.nlp

    folder = Path(workbench.nlp.__file__).parent / "data" / "curated"
    names = set()
    for file in ("first_names.txt", "first_names_census.txt"):
        for line in (folder / file).read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                names.add(line.split("\t")[0].strip())
    return sorted(names)


def _place_names() -> list[str]:
    """The distinct canonical names of the built-in gazetteer."""
    import workbench.nlp

    path = Path(workbench.nlp.__file__).parent / "data" / "geo.tsv"
    names = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = line.split("\t")
        if not line.startswith("#") and len(cells) >= 3:
            names.add(cells[2])
    return sorted(names)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=DEFAULT)
    parser.add_argument("--articles", type=int, default=100, help="articles in the entity-table workspace (0: skip)")
    args = parser.parse_args()
    groups, near, beyond = read(args.file)
    variants = [name for members in groups.values() for _, name in members]
    langs = Counter(lang for members in groups.values() for lang, _ in members)

    _cached.cache_clear()
    started = time.perf_counter()
    keys = {name: entity_key(name) for name in variants}
    key_s = time.perf_counter() - started
    started = time.perf_counter()
    _ = {name: name.casefold() for name in variants}
    peer_s = time.perf_counter() - started

    folded, broken = 0, []
    group_key: dict[tuple[str, str], str] = {}
    for entity, members in groups.items():
        counts = Counter(keys[name] for _, name in members)
        key, most = counts.most_common(1)[0]
        group_key[entity] = key
        folded += most
        if most < len(members):
            broken.append((entity, {name: keys[name] for _, name in members}))
    merged_groups = defaultdict(list)
    for (label, entity), key in group_key.items():
        merged_groups[(label, key)].append(entity)
    cross = [names for names in merged_groups.values() if len(names) > 1]
    false_near = [(a, b, why) for a, b, why in near if entity_key(a) == entity_key(b)]
    beyond_folded = sum(entity_key(a) == entity_key(b) for a, b, _ in beyond)

    print(f"{len(groups)} entities, {len(variants)} variants "
          f"({', '.join(f'{lang} {n}' for lang, n in sorted(langs.items()))}), {len(near)} near misses")
    print(f"folded: {folded}/{len(variants)} = {100 * folded / len(variants):.1f} % of variants; "
          f"{len(groups) - len(broken)}/{len(groups)} entities whole (target 100 %)")
    for (label, entity), spelled in broken:
        print(f"  not folded: {label} {entity}: {spelled}")
    print(f"false merges: {len(false_near)} of {len(near)} near misses, "
          f"{len(cross)} pairs of listed entities (target 0)")
    for a, b, why in false_near:
        print(f"  merged: {a} / {b} ({why}): {entity_key(a)}")
    for names in cross:
        print(f"  merged entities: {names}")
    print(f"beyond transliteration (exonyms, translations, renames; not scored): "
          f"{beyond_folded}/{len(beyond)} fold")
    given = _given_names()
    shared = defaultdict(set)
    for name in given:
        shared[entity_key(name)].add(name)
    clashes = [sorted(names) for names in shared.values() if len(names) > 1]
    print(f"over-folding: {sum(len(c) for c in clashes)} of {len(given)} given names share a key with another "
          f"({len(clashes)} keys), e.g. {'; '.join('/'.join(c) for c in clashes[:6])}")
    places = _place_names()
    by_key = defaultdict(set)
    for name in places:
        by_key[entity_key(name)].add(name)
    clashes = [sorted(names) for names in by_key.values() if len(names) > 1]
    print(f"over-folding: {sum(len(c) for c in clashes)} of {len(places)} gazetteer place names share a key "
          f"with another ({len(clashes)} keys), e.g. {'; '.join('/'.join(c) for c in clashes[:6])}")
    print(f"speed: entity_key {1e6 * key_s / len(variants):.1f} µs a name (uncached) vs str.casefold "
          f"{1e6 * peer_s / len(variants):.2f} µs: {key_s / max(peer_s, 1e-9):.0f}x")
    if args.articles:
        table_cost(args.articles)


def _table_by_canonical(ws: "Any") -> "Any":
    """The entity table as it was before the cross-script key (one row per canonical name and label)."""
    from workbench.store.articles import article_dates

    mentions = ws.entities()
    with ws.store.read() as conn:
        dates = article_dates(conn)
    mentions = mentions.assign(seen=mentions["article_id"].map(dates).str.slice(0, 10))
    return (mentions.groupby(["canonical", "label"], sort=False)
            .agg(aliases=("text", lambda t: sorted(set(t))), mentions=("text", "size"),
                 articles=("article_id", "nunique"), first_seen=("seen", "min"), last_seen=("seen", "max"))
            .reset_index())


def table_cost(count: int) -> None:
    """Time the cross-script entity table against grouping by canonical name, on one workspace."""
    import json
    import tempfile

    from bench.corpus import articles
    from workbench import open_workspace

    with tempfile.TemporaryDirectory() as folder:
        docs = [{"title": f"a{i}", "text": a["text"], "language": "en"} for i, a in enumerate(articles(count))]
        source = Path(folder) / "corpus.json"
        source.write_text(json.dumps(docs), encoding="utf-8")
        ws = open_workspace(Path(folder) / "ws.sqlite", pipeline="builtin")
        try:
            ws.ingest(source, progress=False)
            _cached.cache_clear()
            started = time.perf_counter()
            table = ws.entity_table()
            keyed_s = time.perf_counter() - started
            started = time.perf_counter()
            plain = _table_by_canonical(ws)
            plain_s = time.perf_counter() - started
            started = time.perf_counter()
            ws.entity_table()
            warm_s = time.perf_counter() - started
        finally:
            ws.close()
    print(f"entity table, {count} articles, {int(table['mentions'].sum())} mentions: cross-script "
          f"{1000 * keyed_s:.0f} ms ({len(table)} entities) vs by canonical {1000 * plain_s:.0f} ms "
          f"({len(plain)} rows): {keyed_s / max(plain_s, 1e-9):.1f}x; again (keys cached) {1000 * warm_s:.0f} ms: "
          f"{warm_s / max(plain_s, 1e-9):.1f}x")


if __name__ == "__main__":
    main()
