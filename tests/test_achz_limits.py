""".achz imports are bounded (issue 10): every limit refuses in one line naming it, a flood is
refused without being held in memory, and a refused file writes nothing to the workspace."""
import gzip
import tracemalloc
import zlib

import pytest
from click.testing import CliRunner

from workbench.analysis import read_achz
from workbench.analysis.achz import AchzLimits, LimitExceeded
from workbench.cli import main

HYPOTHESIS = "<HYPOTHESIS><NAME>H{}</NAME></HYPOTHESIS>"
EVIDENCE = "<EVIDENCE><NAME>item {}</NAME><CREDIBILITY>HIGH</CREDIBILITY><VALUES>{}</VALUES></EVIDENCE>"


def packed(xml: str) -> bytes:
    return gzip.compress(xml.encode("utf-16"))


def analysis(hypotheses: int = 2, items: int = 2, matrix_extra: str = "", root_extra: str = "",
             evidence_extra: str = "") -> str:
    """A small valid file: 2 hypotheses × 2 items by default, with junk where asked."""
    hyps = "".join(HYPOTHESIS.format(i) for i in range(hypotheses))
    values = ",".join(["C"] * hypotheses)
    evidence = "".join(EVIDENCE.format(i, values).replace("</EVIDENCE>", evidence_extra + "</EVIDENCE>")
                       for i in range(items))
    return f"<ACH>{root_extra}<PROJECT-TITLE>Q</PROJECT-TITLE><MATRIX>{hyps}{matrix_extra}{evidence}</MATRIX></ACH>"


def refusal(data: bytes, limits: AchzLimits = AchzLimits()) -> str:
    with pytest.raises(LimitExceeded) as err:
        read_achz(data, limits=limits)
    message = str(err.value)
    assert "\n" not in message and message.startswith("PARC .achz file refused: ") and "(the limit)" in message
    return message


def test_the_small_file_itself_is_fine():
    doc = read_achz(packed(analysis(root_extra="<LAST-INDEX>3</LAST-INDEX>")))
    assert len(doc["hypotheses"]) == 2 and len(doc["evidence"]) == 2 and len(doc["ratings"]) == 4


def test_element_flood_outside_the_records():
    flood = "<x/>" * 10_001   # PARC writes a handful of elements outside the records; 10,000 are allowed
    assert "more than 10,000 XML elements outside the HYPOTHESIS and EVIDENCE records" in refusal(
        packed(analysis(matrix_extra=flood)))
    read_achz(packed(analysis(matrix_extra="<x/>" * 9_990)))   # just under: accepted, and ignored


def test_element_flood_inside_one_record():
    assert "more than 64 elements inside one HYPOTHESIS or EVIDENCE" in refusal(
        packed(analysis(evidence_extra="<x/>" * 62)))   # NAME, CREDIBILITY, VALUES + 62 = 65
    read_achz(packed(analysis(evidence_extra="<x/>" * 61)))


def test_elements_in_all():
    # 3 + 2 hypotheses × 2 + 10 items × 4 = 47 elements
    assert "more than 46 XML elements" in refusal(packed(analysis(items=10)), AchzLimits(max_elements=46))
    read_achz(packed(analysis(items=10)), limits=AchzLimits(max_elements=47))


def test_depth():
    nested = "<x>" * 30 + "</x>" * 30    # under MATRIX (depth 2): 32 deep, then 33
    read_achz(packed(analysis(matrix_extra=nested)))
    assert "nested more than 32 deep" in refusal(packed(analysis(matrix_extra="<x>" + nested + "</x>")))


def test_evidence_items_hypotheses_and_cells():
    assert "more than 3 evidence items" in refusal(packed(analysis(items=4)), AchzLimits(max_evidence=3))
    assert "more than 2 hypotheses" in refusal(packed(analysis(hypotheses=3)), AchzLimits(max_hypotheses=2))
    message = refusal(packed(analysis(hypotheses=2, items=3)), AchzLimits(max_cells=5))
    assert "3 evidence items × 2 hypotheses is more than 5 ratings" in message


def test_text_of_one_element():
    long_name = "<EVIDENCE><NAME>" + "n" * 101 + "</NAME><VALUES>C,C</VALUES></EVIDENCE>"
    assert "the text of one NAME element is longer than 100 characters" in refusal(
        packed(analysis(matrix_extra=long_name)), AchzLimits(max_text=100))


def test_gzip_bomb_is_refused_while_decompressing():
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)   # a gzip stream, written a megabyte at a time
    xml = analysis().encode("utf-16")
    bomb = compressor.compress(xml[:-len("</ACH>".encode("utf-16-le"))])
    for _ in range(8):
        bomb += compressor.compress(" ".encode("utf-16-le") * 2**19)   # 8 MB of blanks in all
    bomb += compressor.compress("</ACH>".encode("utf-16-le")) + compressor.flush()
    assert len(bomb) < 64 * 1024
    assert "expands beyond 4 MB of XML" in refusal(bomb, AchzLimits(max_bytes=4 * 2**20))
    assert len(read_achz(bomb)["evidence"]) == 2   # within the default limit it is just a padded file


def test_external_entities_are_never_fetched(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("the secret")
    xml = (f'<!DOCTYPE ACH [<!ENTITY s SYSTEM "file://{secret}">]>'
           f"<ACH><PROJECT-TITLE>&s;</PROJECT-TITLE><MATRIX>{HYPOTHESIS.format(1)}</MATRIX></ACH>")
    with pytest.raises(ValueError, match="DTD or entity declarations is refused") as err:
        read_achz(packed(xml))
    assert "secret" not in str(err.value)


def test_a_flood_is_refused_without_being_held():
    # 2,000,000 empty elements (16 MB of XML, 33 KB of gzip) refused at the 200,000th; a parser
    # that builds the tree first holds all of them (hundreds of MB) before anything is checked
    xml = "<ACH><PROJECT-TITLE>Q</PROJECT-TITLE><MATRIX>" + "<x/>" * 2_000_000 + "</MATRIX></ACH>"
    data = packed(xml)
    del xml
    tracemalloc.start()
    try:
        message = refusal(data, AchzLimits(max_elements=200_000, max_outside=10**9))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "more than 200,000 XML elements" in message
    assert peak < 16 * 2**20, f"peak {peak / 2**20:.1f} MB"


def _counts(path):
    import sqlite3

    with sqlite3.connect(path) as conn:
        return [conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("analyses", "hypotheses", "evidence", "ratings", "audit_log")]


def test_cli_refuses_a_flood_in_one_line_naming_the_file_and_writes_nothing(ws, tmp_path):
    ws.import_analysis({  # one analysis already there
        "schema": "workbench.analysis", "version": 1, "analysis": {"question": "Already here"},
        "hypotheses": [{"id": "h1", "name": "A"}], "evidence": [], "ratings": []})
    location = ws.location
    ws.close()
    before = _counts(location)
    flood = tmp_path / "flood.achz"
    flood.write_bytes(packed(analysis(matrix_extra="<x/>" * 50_000)))
    result = CliRunner().invoke(main, ["analysis", "import", str(flood), "--workspace", str(location)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output
    assert lines[0].startswith(f"Error: {flood}: PARC .achz file refused: more than 10,000 XML elements"), lines[0]
    assert _counts(location) == before


@pytest.mark.parametrize("payload", ["[" * 5000 + "]" * 5000, '{"id": ' + "7" * 5000 + "}"])
def test_hostile_json_inside_wb_extra_is_one_line(payload):
    xml = ('<ACH xmlns:wb="urn:x-workbench:analysis"><PROJECT-TITLE>Q</PROJECT-TITLE><MATRIX>'
           f"<HYPOTHESIS><NAME>H0</NAME><wb:EXTRA>{payload}</wb:EXTRA></HYPOTHESIS>"
           "<HYPOTHESIS><NAME>H1</NAME></HYPOTHESIS></MATRIX></ACH>")
    with pytest.raises(ValueError) as err:
        read_achz(packed(xml))
    assert "\n" not in str(err.value) and "wb:EXTRA" in str(err.value)
