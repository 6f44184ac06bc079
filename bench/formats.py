"""Reading cost of each file format, as a ratio against plain text of the same articles.

The same synthetic articles are written as .txt (the peer), .html, .pdf (a text layer, one
page per paragraph group) and .docx, then read and prepared (``read_unit`` + ``prepare``:
decode, extract, clean, identify; no entity pass, no store) in the same run.

Run: python -m bench.formats [--count 40] [--words 600] [--repeat 3]
"""
from __future__ import annotations

import argparse
import html
import io
import sys
import tempfile
import time
from pathlib import Path

from bench.corpus import articles

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from _pdf import make_pdf  # noqa: E402  (the tests' hand-built PDF writer)


def _docx(title: str, paragraphs: list[str]) -> bytes:
    import docx

    document = docx.Document()
    document.add_heading(title, level=1)
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _pdf(title: str, paragraphs: list[str]) -> bytes:
    pages, lines = [], [title]
    for paragraph in paragraphs:
        words = paragraph.encode("latin-1", "replace").decode("latin-1").split()
        lines += [" ".join(words[i:i + 12]) for i in range(0, len(words), 12)] + [""]
        if len(lines) > 45:
            pages.append(lines)
            lines = []
    return make_pdf(pages + ([lines] if lines else []), title=title)


def _html(title: str, paragraphs: list[str]) -> bytes:
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return (f"<html><head><title>{html.escape(title)}</title></head><body><nav><a href='/'>Home</a></nav>"
            f"<article><h1>{html.escape(title)}</h1>{body}</article><footer>Footer</footer></body></html>").encode()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=40)
    parser.add_argument("--words", type=int, default=600)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from workbench.ingest._prepare import prepare
    from workbench.ingest.readers import read_unit

    corpus = articles(args.count, words=args.words, seed=11)
    writers = {".txt": lambda t, ps: (t + "\n\n" + "\n\n".join(ps)).encode(), ".html": _html, ".pdf": _pdf,
               ".docx": _docx}
    with tempfile.TemporaryDirectory() as folder:
        files: dict[str, list[Path]] = {suffix: [] for suffix in writers}
        for n, article in enumerate(corpus):
            paragraphs = [p for p in article["text"].split("\n\n") if p.strip()] or [article["text"]]
            for suffix, write in writers.items():
                path = Path(folder) / f"a{n:04}{suffix}"
                path.write_bytes(write(article.get("title") or f"Article {n}", paragraphs))
                files[suffix].append(path)

        def read_all(paths: list[Path]) -> int:
            count = 0
            for path in paths:
                for item in read_unit(path):
                    prepare(item)
                    count += 1
            return count

        times = {}
        for suffix, paths in files.items():
            best = float("inf")
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                assert read_all(paths) == len(paths), suffix
                best = min(best, time.perf_counter() - t0)
            times[suffix] = best
    print(f"{args.count} articles of ~{args.words} words; read + prepare, best of {args.repeat}")
    print(f"{'format':10} {'ms/article':>11} {'ratio':>7}")
    for suffix, seconds in times.items():
        label = suffix + (" (peer)" if suffix == ".txt" else "")
        print(f"{label:10} {seconds / args.count * 1000:11.2f} {seconds / times['.txt']:7.2f}")


if __name__ == "__main__":
    main()
