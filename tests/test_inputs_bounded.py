"""Inputs are bounded: long articles are chunked for the pipeline, hostile JSON fails one input
at a time, and chart text is drawn literally (no mathtext)."""
from __future__ import annotations

import io
import json
import re

import pandas as pd
import pytest
from click.testing import CliRunner

from conftest import SEED_TXT

from workbench.cli import main

GOOD = "NATO said on Monday that Russian troops in Belarus had started new drills near Brest, item {i}."
TAIL = "In the closing paragraph, Vladimir Putin flew from Minsk to Moscow on December 20."


def long_article(chars: int) -> str:
    """The seed article's paragraphs repeated past ``chars``, ending on a known paragraph."""
    paragraphs = [p for p in SEED_TXT.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    out, size, i = [], 0, 0
    while size < chars:
        para = f"{paragraphs[i % len(paragraphs)]} (part {i})"
        out.append(para)
        size += len(para) + 2
        i += 1
    out.append(TAIL)
    return "\n\n".join(out)


# -- long articles -----------------------------------------------------------------------------

def test_an_article_over_spacys_max_length_is_stored_with_its_mentions(ws, tmp_path):
    from workbench.ingest.readers import MAX_ARTICLE_CHARS

    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(25):
        (folder / f"good-{i:02}.txt").write_text(GOOD.format(i=i), encoding="utf-8")
    text = long_article(1_100_000)
    assert 1_100_000 < len(text) < MAX_ARTICLE_CHARS
    (folder / "long.txt").write_text(text, encoding="utf-8")

    result = ws.ingest(folder, progress=False)
    assert result.failed == [] and len(result.added) == 26, result.lines()
    assert len(ws.articles) == 26

    long_id = next(i for i in ws.articles["id"] if len(ws.article(i).text) > 1_000_000)
    stored = ws.article(long_id).text
    mentions = ws.entities(long_id)
    assert all(stored[m.start:m.end] == m.text for m in mentions.itertuples())
    starts = mentions["start"].tolist()
    assert starts == sorted(starts) and len(set(starts)) == len(starts)          # no duplicates
    assert all(a.end <= b.start for a, b in zip(mentions.iloc[:-1].itertuples(), mentions.iloc[1:].itertuples()))
    tail = stored.rindex(TAIL)
    found = {(m.text, m.start - tail) for m in mentions.itertuples() if m.start >= tail}
    # hand-computed offsets of the names inside TAIL
    assert ("Vladimir Putin", TAIL.index("Vladimir Putin")) in found
    assert ("Minsk", TAIL.index("Minsk")) in found and ("Moscow", TAIL.index("Moscow")) in found
    # mentions right across the article, not only in its first million characters
    assert mentions["start"].max() > 1_000_000 and mentions["start"].min() < 1_000


def test_chunked_extraction_equals_the_whole_text_run():
    from workbench.nlp import load_pipeline

    pipe = load_pipeline("builtin")
    text = long_article(60_000)
    whole = pipe.extract(text)
    # chunks of 7,000 characters put many borders inside the text
    chunked = pipe.extract_batch([text], max_chars=7_000)[0]
    assert chunked == whole
    # without paragraph breaks the borders fall between sentences or words
    flat = text.replace("\n\n", " ")
    assert pipe.extract_batch([flat], max_chars=5_000)[0] == pipe.extract(flat)


def test_chunking_also_runs_through_nlp_pipe(tmp_path):
    """A directory pipeline (spaCy's entity ruler as its "ner") goes through ``nlp.pipe``."""
    import spacy

    from workbench.nlp import load_pipeline

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler", name="ner")
    ruler.add_patterns([{"label": "PERSON", "pattern": "Lukashenko"}, {"label": "GPE", "pattern": "Minsk"},
                        {"label": "PERSON", "pattern": [{"LOWER": "vladimir"}, {"LOWER": "putin"}]}])
    nlp.to_disk(tmp_path / "ruler")
    pipe = load_pipeline(str(tmp_path / "ruler"))
    assert not pipe._rules_only
    text = long_article(40_000)
    whole = pipe.extract(text)
    assert len(whole) > 100
    assert pipe.extract_batch([text, "Minsk.", text], max_chars=3_000) == [whole, pipe.extract("Minsk."), whole]


@pytest.mark.skipif("hybrid:en_core_web_md" not in __import__("workbench.nlp", fromlist=["x"]).available(),
                    reason="en_core_web_md not installed (bench/requirements-compare.txt)")
def test_chunked_extraction_with_the_trained_model_equals_the_whole_run():
    from workbench.nlp import load_pipeline

    pipe = load_pipeline("hybrid:en_core_web_md")
    text = long_article(30_000)
    assert pipe.extract_batch([text], max_chars=5_000)[0] == pipe.extract(text)


def test_chunk_borders_keep_a_name_cut_in_half():
    from workbench.nlp import load_pipeline
    from workbench.nlp._chunks import chunk_spans

    pipe = load_pipeline("builtin")
    # no sentence or paragraph break: the border is the last space before 10,000 - 200 = 9,800,
    # which this prefix puts between "Vladimir" and "Putin"
    prefix = "word " * 1957 + "words "
    text = prefix + "Vladimir Putin met Alexander Lukashenko in Minsk. " + "word " * 1_000
    assert text.index("Putin") == 9_800
    spans = chunk_spans(text, 10_000, overlap=200)
    assert spans[0] == (0, 9_800, 10_000) and spans[1][0] == 9_800
    got = pipe.extract_batch([text], max_chars=10_000)[0]
    assert got == pipe.extract(text)
    assert [(m["text"], m["start"]) for m in got] == [("Vladimir Putin", 9_791), ("Alexander Lukashenko", 9_810),
                                                      ("Minsk", 9_834)]


def test_names_defined_in_one_chunk_count_in_the_others():
    """The rules tag a bare surname or acronym once the text defines it anywhere, before or
    after; a chunked run must see the definitions in the other chunks."""
    from workbench.nlp import load_pipeline

    pipe = load_pipeline("builtin")
    text = ("Dravnik met officials of NLDQ in Rostov on Monday.\n\n" + long_article(8_000)
            + "\n\nColonel Ivan Dravnik said the Northern Logistics Directorate (NLDQ) would meet.")
    whole = pipe.extract(text)
    assert ("Dravnik", "PERSON", 0) in [(m["text"], m["label"], m["start"]) for m in whole]
    chunked = pipe.extract_batch([text], max_chars=3_000)[0]
    assert chunked == whole


def test_chunk_spans_cover_the_text_once():
    from workbench.nlp._chunks import chunk_spans

    text = long_article(50_000)
    spans = chunk_spans(text, 4_000, overlap=300)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    for (start, own, end), following in zip(spans, spans[1:] + [None]):
        assert start < own <= end and end - start <= 4_000
        if following is not None:
            assert following[0] == own                    # each character is owned once
            assert text[own - 2:own] == "\n\n"            # borders at paragraph breaks when there are any
    assert chunk_spans("short", 4_000) == [(0, 5, 5)]


def test_a_long_article_reuses_its_cached_mentions(ws, tmp_path):
    """One content hash and one pipeline fingerprint per article, as for short ones: a copy of
    a long article under another URL takes the stored mentions instead of a new run."""
    from sqlalchemy import update

    from workbench.store import schema as s

    text = long_article(1_050_000)
    for name, url in (("a.json", "https://one.test/a"), ("b.json", "https://two.test/b")):
        (tmp_path / name).write_text(json.dumps({"text": text, "url": url, "title": name}), encoding="utf-8")
    assert ws.ingest(tmp_path / "a.json", progress=False).ok
    first_id = ws.articles["id"][0]
    # mark the stored mentions: a fresh run could not produce this canonical name, the cache copies it
    with ws.store.transaction() as conn:
        conn.execute(update(s.mentions).where(s.mentions.c.article_id == first_id, s.mentions.c.start > 1_040_000)
                     .values(canonical="CACHED"))
    assert ws.ingest(tmp_path / "b.json", progress=False).ok
    second_id = next(i for i in ws.articles["id"] if i != first_id)
    first, second = (ws.entities(i).drop(columns="article_id").reset_index(drop=True) for i in (first_id, second_id))
    assert len(first) > 1_000 and (second["canonical"] == "CACHED").sum() > 0
    pd.testing.assert_frame_equal(first, second)


# -- hostile JSON ------------------------------------------------------------------------------

def _hostile_json(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    deep = "[" * 100_000 + "]" * 100_000
    (folder / "good.json").write_text(json.dumps({"text": GOOD.format(i=1)}), encoding="utf-8")
    (folder / "deep.json").write_text(deep, encoding="utf-8")
    (folder / "deep-record.json").write_text(
        '[{"text": "' + GOOD.format(i=2) + '", "extra": ' + "[" * 50 + "1" + "]" * 50 + "}, "
        + json.dumps({"text": GOOD.format(i=3)}) + "]", encoding="utf-8")
    (folder / "bignum.json").write_text('{"text": "' + GOOD.format(i=4) + '", "views": ' + "9" * 5000 + "}",
                                        encoding="utf-8")
    (folder / "bigfloat.json").write_text('{"text": "' + GOOD.format(i=5) + '", "score": 0.' + "1" * 5000 + "}",
                                          encoding="utf-8")
    (folder / "lines.jsonl").write_text("\n".join([
        json.dumps({"text": GOOD.format(i=6)}),
        deep,
        '{"text": "' + GOOD.format(i=7) + '", "n": ' + "7" * 5000 + "}",
        json.dumps({"text": GOOD.format(i=8)}),
    ]), encoding="utf-8")
    (folder / "story.txt").write_text(GOOD.format(i=9), encoding="utf-8")
    (folder / "story.json").write_text('{"title": "sidecar", "n": ' + "1" * 5000 + "}", encoding="utf-8")
    (folder / "deep-side.txt").write_text(GOOD.format(i=10), encoding="utf-8")
    (folder / "deep-side.json").write_text("{" + '"a":{' * 5000 + "}" * 5001, encoding="utf-8")
    return folder


def test_deep_json_and_huge_numbers_fail_one_input_each_and_the_batch_goes_on(tmp_path):
    folder = _hostile_json(tmp_path)
    ws_path = tmp_path / "ws.sqlite"
    result = CliRunner().invoke(main, ["ingest", "--workspace", str(ws_path), "--pipeline", "builtin", str(folder)])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert re.fullmatch(r"4 added \(\d syndicated copies\), 0 already present, 8 failed", lines[-1]), lines[-1]
    failed = [line for line in lines if line.startswith("failed: ")]
    assert len(failed) == 8, failed
    expect = {
        f"{folder / 'deep.json'}:": "nested too deeply",
        f"{folder / 'deep-record.json'} item 1:": "nested too deeply",
        f"{folder / 'bignum.json'}:": "number too long (5,000 digits",
        f"{folder / 'bigfloat.json'}:": "number too long",
        f"{folder / 'lines.jsonl'} line 2:": "nested too deeply",
        f"{folder / 'lines.jsonl'} line 3:": "number too long (5,000 digits",
        f"{folder / 'story.json'}:": "number too long",
    }
    for prefix, problem in expect.items():
        mine = [line for line in failed if line.startswith(f"failed: {prefix}")]
        assert len(mine) == 1 and problem in mine[0], (prefix, failed)
    assert any(line.startswith(f"failed: {folder / 'deep-side.json'}:") and "nested too deeply" in line
               for line in failed), failed
    assert "Traceback" not in result.output

    import workbench as wb

    with wb.open_workspace(ws_path) as ws:
        texts = sorted(ws.article(i).text for i in ws.articles["id"])
    assert texts == sorted(GOOD.format(i=i) for i in (1, 3, 6, 8))


def test_json_limits_are_generous_for_real_articles(ws, tmp_path):
    record = {"text": GOOD.format(i=1), "meta": {"a": {"b": {"c": [1, [2, [3]]]}}},
              "views": 12345678901234567890, "score": -0.12345678901234567, "big": 1e300}
    (tmp_path / "ok.json").write_text(json.dumps(record), encoding="utf-8")
    result = ws.ingest(tmp_path / "ok.json", progress=False)
    assert result.ok, result.lines()
    assert ws.article(ws.articles["id"][0]).metadata["views"] == 12345678901234567890


# -- chart text is literal -----------------------------------------------------------------------

HOSTILE_NAMES = [r"a $\frac{ b $", r"$\unknowncommand$", "$5 and $10", r"cost \alpha x^2"]


def hostile_frame():
    rows = []
    for e, ratings in {"E1": ["C", "I", "II", "N"], "E2": ["N", "I", "C", "CC"], "E3": ["CC", "C", "I", "N"]}.items():
        for name, rating in zip(HOSTILE_NAMES, ratings):
            rows.append({"evidence": e, "hypothesis": name, "rating": rating, "date": "2022-12-1" + e[1]})
    return pd.DataFrame(rows)


def svg_text(figure) -> str:
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        figure.savefig(buffer, format="svg")
    return buffer.getvalue()


def test_charts_draw_dollars_and_backslashes_as_text():
    from workbench.analysis import matrix_chart, score, scores_chart, timeline_chart, tornado_chart

    frame = hostile_frame()
    labels = {"E1": "$5 and $10", "E2": r"$\frac{$", "E3": r"$\unknowncommand$"}
    figures = {
        "matrix": matrix_chart(frame, labels=labels),
        "scores": scores_chart(score(frame)),
        "timeline": timeline_chart(frame),
        "tornado": tornado_chart(frame, "parc", labels=labels),
    }
    for name, figure in figures.items():
        svg = svg_text(figure)    # mathtext would raise on "$\frac{" or "\unknowncommand"
        shown = [t for t in figure.findobj(lambda a: hasattr(a, "get_parse_math")) if t.get_text()]
        assert shown and not any(t.get_parse_math() for t in shown), name
        for text in (HOSTILE_NAMES if name != "tornado" else labels.values()):
            assert text in svg, (name, text)
    # text an analyst adds to a finished chart is literal as well
    figure = figures["matrix"]
    figure.axes[0].text(0.5, 0.5, r"total $\frac{ in $5 lots")
    assert r"total $\frac{ in $5 lots" in svg_text(figure)


def test_the_report_draws_hostile_hypotheses_literally(ws, tmp_path):
    (tmp_path / "a.txt").write_text("Vladimir Putin met Alexander Lukashenko in Minsk on December 19. "
                                    "The deal was worth $5 billion, up from $10 million.", encoding="utf-8")
    ws.ingest(tmp_path / "a.txt", progress=False)
    an = ws.new_analysis("Which $price$ holds?", HOSTILE_NAMES)
    article = ws.articles["id"][0]
    an.tag_quote(article, "Vladimir Putin met Alexander Lukashenko", ratings=dict(zip(HOSTILE_NAMES, "C I II N".split())))
    an.tag_quote(article, "worth $5 billion, up from $10 million", ratings=dict(zip(HOSTILE_NAMES, "N C I CC".split())))
    html = ws.report(tmp_path / "report.html").read_text(encoding="utf-8")
    charts = html[html.index("<h3>Charts</h3>"):]
    svg_texts = " ".join(re.findall(r"<text[^>]*>([^<]*)</text>", charts))
    for name in HOSTILE_NAMES:
        assert name in svg_texts, name


def test_other_json_inputs_are_bounded_too(tmp_path):
    from workbench.templates import parse_value

    deep, long_number = "[" * 100_000 + "]" * 100_000, "9" * 5000
    ws_path = tmp_path / "ws.sqlite"
    for name, content, problem in (("deep.json", deep, "JSON nested too deeply"),
                                   ("number.json", '{"question": ' + long_number + "}", "number too long")):
        (tmp_path / name).write_text(content, encoding="utf-8")
        result = CliRunner().invoke(main, ["analysis", "import", str(tmp_path / name), "--workspace", str(ws_path)])
        assert result.exit_code == 1 and isinstance(result.exception, SystemExit), repr(result.exception)
        assert result.output.strip() == f"Error: {tmp_path / name}: {problem}" + (
            " (more than 32 levels)" if "deep" in name else " (5,000 digits, limit 100)")
    # a notebook parameter that would be such JSON stays text
    assert parse_value(long_number) == long_number and parse_value(deep) == deep
    assert parse_value("[1, 2]") == [1, 2] and parse_value("12345678901234567890") == 12345678901234567890
