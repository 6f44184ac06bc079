"""Run every benchmark: python -m bench (each prints ratios against a peer in the same run)."""
import importlib
import sys

MODULES = ["ingest", "render", "report", "scoring", "anchors", "ner_speed", "ner_eval", "ner_eval_slavic", "ner_eval_be", "achz",
           "long_article", "edits", "team", "live", "scale", "team_writes", "formats", "variants", "search", "alerts"]

if __name__ == "__main__":
    chosen = sys.argv[1:] or MODULES
    for name in chosen:
        print(f"\n=== bench.{name} ===", flush=True)
        module = importlib.import_module(f"bench.{name}")
        saved, sys.argv = sys.argv, [f"bench.{name}"]
        try:
            module.main()
        finally:
            sys.argv = saved
