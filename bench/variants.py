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
- exonyms (E rows: the same place under another language's own word, Запорожье/Запоріжжя/Zaporizhzhia,
  Україна/Украина/Ukraine, folded through the gazetteers' links, ``scripts/build_exonyms.py``): the share
  that fold, scored apart from the V rows, and the distinct listed entities (V and E) merged (target 0);
- beyond transliteration (X rows: exonyms, translations, renames): how many fold, for information;
- over-folding, for information: how many of the census and curated given names in
  ``workbench/nlp/data/curated`` share a key with another (mostly spellings of one name,
  Brian/Bryan, but some are two names: a person is merged only when the surname folds too), and
  how many of the gazetteer's place names do (one entity also needs one label), and how many of
  those clashes the exonym links add (against ``spelling_key``, the key without them);
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
from workbench.nlp._slavic_exonyms import exonym_links
from workbench.nlp._translit import entity_key as _cached
from workbench.nlp._translit import spelling_key

DEFAULT = Path(__file__).parent / "eval" / "variants.tsv"


Groups = dict[tuple[str, str], list[tuple[str, str]]]


def read(path: Path) -> tuple[Groups, list[tuple[str, str, str]], list[tuple[str, str, str]], Groups]:
    """The file's entities ((label, entity) -> [(language, variant)]), near misses, X pairs and
    exonym entities (E rows, same shape as the entities)."""
    groups: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    exonyms: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    near, beyond = [], []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        kind, *cells = line.split("\t")
        if kind in ("V", "E") and len(cells) == 4:
            (groups if kind == "V" else exonyms)[(cells[0], cells[1])].append((cells[2], cells[3]))
        elif kind in ("N", "X") and len(cells) == 3:
            (near if kind == "N" else beyond).append((cells[0], cells[1], cells[2]))
        else:
            raise SystemExit(f"{path}:{number}: expected V/E/N/X with 4/4/3/3 fields, got {line!r}")
    return dict(groups), near, beyond, dict(exonyms)


def fold_rate(groups: Groups) -> tuple[int, int, list[tuple[tuple[str, str], dict[str, str]]], dict[tuple[str, str], str]]:
    """(variants sharing their entity's most common key, variants, entities not whole with their keys,
    entity -> its key)."""
    folded, total, broken, group_key = 0, 0, [], {}
    for entity, members in groups.items():
        counts = Counter(entity_key(name) for _, name in members)
        key, most = counts.most_common(1)[0]
        group_key[entity] = key
        folded += most
        total += len(members)
        if most < len(members):
            broken.append((entity, {name: entity_key(name) for _, name in members}))
    return folded, total, broken, group_key


def clashes(names: list[str]) -> tuple[list[list[str]], list[list[str]]]:
    """Groups of ``names`` sharing an entity key, and those of them the exonym links make (not
    sharing a spelling key)."""
    by_key, by_spelling = defaultdict(set), defaultdict(set)
    for name in names:
        by_key[entity_key(name)].add(name)
        by_spelling[spelling_key(name)].add(name)
    spelled = {frozenset(v) for v in by_spelling.values() if len(v) > 1}
    shared = [sorted(v) for v in by_key.values() if len(v) > 1]
    return shared, [v for v in shared if frozenset(v) not in spelled]


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
    groups, near, beyond, exonyms = read(args.file)
    variants = [name for members in groups.values() for _, name in members]
    langs = Counter(lang for members in groups.values() for lang, _ in members)

    started = time.perf_counter()
    links = exonym_links()   # loaded once per process, before the key's timing
    load_s = time.perf_counter() - started
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
    ex_folded, ex_total, ex_broken, ex_keys = fold_rate(exonyms)
    merged_groups = defaultdict(list)
    for (label, entity), key in [*group_key.items(), *ex_keys.items()]:
        merged_groups[(label, key)].append(entity)
    cross = [sorted(set(names)) for names in merged_groups.values() if len(set(names)) > 1]
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
    if exonyms:
        ex_langs = Counter(lang for members in exonyms.values() for lang, _ in members)
        print(f"exonyms (E rows, {len(exonyms)} places, {ex_total} names: "
              f"{', '.join(f'{lang} {n}' for lang, n in sorted(ex_langs.items()))}): {ex_folded}/{ex_total} = "
              f"{100 * ex_folded / ex_total:.1f} % fold; {len(exonyms) - len(ex_broken)}/{len(exonyms)} places whole; "
              f"{len(links)} links loaded in {1000 * load_s:.0f} ms")
        for (label, entity), spelled in ex_broken:
            print(f"  not folded: {label} {entity}: {spelled}")
    print(f"beyond transliteration (exonyms, translations, renames; not scored): "
          f"{beyond_folded}/{len(beyond)} fold")
    given = _given_names()
    shared, linked = clashes(given)
    print(f"over-folding: {sum(len(c) for c in shared)} of {len(given)} given names share a key with another "
          f"({len(shared)} keys; {len(linked)} of them made by exonym links), "
          f"e.g. {'; '.join('/'.join(c) for c in shared[:6])}")
    places = _place_names()
    shared, linked = clashes(places)
    print(f"over-folding: {sum(len(c) for c in shared)} of {len(places)} gazetteer place names share a key "
          f"with another ({len(shared)} keys), e.g. {'; '.join('/'.join(c) for c in shared[:6])}")
    print(f"  made by exonym links (distinct gazetteer places merged): {len(linked)} keys: "
          f"{'; '.join('/'.join(c) for c in linked[:12])}")
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
