"""PARC ACH files written by hand, as PARC 2.0.5 writes them, and their hand-computed scores.

PARC's own habits, all in one file: big-endian UTF-16 with a byte-order mark (a Java program),
elements the workbench does not use (LAST-INDEX, COLOR-SCHEME with children of its own),
evidence TYPEs from the collection disciplines (HUMINT, OSINT), DATE 0 for an undated item,
FLAG as 1 / 0 as well as true, CREDIBILITY and RELEVANCE in capitals, blanks around VALUES.
"""
import gzip
import math

PARC_205_XML = """<?xml version="1.0" encoding="UTF-16"?>
<ACH>
  <LAST-INDEX>4</LAST-INDEX>
  <PROJECT-TITLE>Who cut the undersea cable?</PROJECT-TITLE>
  <CLASSIFICATION>UNCLASSIFIED</CLASSIFICATION>
  <COLOR-SCHEME><NAME>Classic</NAME><CONSISTENT>#00FF00</CONSISTENT><INCONSISTENT>#FF0000</INCONSISTENT></COLOR-SCHEME>
  <MATRIX>
    <HYPOTHESIS><NAME>Accident (anchor drag)</NAME><LAST-INDEX>0</LAST-INDEX></HYPOTHESIS>
    <HYPOTHESIS><NAME>State sabotage</NAME></HYPOTHESIS>
    <HYPOTHESIS><NAME>Copper thieves</NAME></HYPOTHESIS>
    <EVIDENCE>
      <NAME>Crew member says the anchor was dropped by mistake</NAME>
      <NOTES>Interview, harbour bar</NOTES>
      <LINK/>
      <TYPE>HUMINT</TYPE>
      <DATE>0</DATE>
      <CODE/>
      <FLAG>0</FLAG>
      <CREDIBILITY>HIGH</CREDIBILITY>
      <RELEVANCE>LOW</RELEVANCE>
      <VALUES>I, C, I I</VALUES>
    </EVIDENCE>
    <EVIDENCE>
      <NAME>AIS track crossed the cable route at 2 knots</NAME>
      <NOTES>Coast guard AIS export</NOTES>
      <LINK>https://example.org/ais</LINK>
      <TYPE>OSINT</TYPE>
      <DATE>1696118400000</DATE>
      <CODE>AIS-1</CODE>
      <FLAG>1</FLAG>
      <CREDIBILITY>MEDIUM</CREDIBILITY>
      <RELEVANCE>HIGH</RELEVANCE>
      <VALUES>C,I I,N</VALUES>
      <COLOR>#FFFFFF</COLOR>
    </EVIDENCE>
    <EVIDENCE>
      <NAME>No claim of responsibility</NAME>
      <NOTES/>
      <LINK/>
      <TYPE>Absence of Evidence</TYPE>
      <DATE>0</DATE>
      <CODE/>
      <FLAG>true</FLAG>
      <CREDIBILITY>LOW</CREDIBILITY>
      <RELEVANCE>LOW</RELEVANCE>
      <VALUES>N,N,I</VALUES>
    </EVIDENCE>
    <EVIDENCE>
      <NAME>Saboteurs would pick a cable nobody repairs quickly</NAME>
      <NOTES/>
      <LINK/>
      <TYPE>Assumption</TYPE>
      <DATE>1696159800000</DATE>
      <CODE>A-1</CODE>
      <FLAG>false</FLAG>
      <CREDIBILITY>HIGH</CREDIBILITY>
      <RELEVANCE>HIGH</RELEVANCE>
      <VALUES>NA,I,C</VALUES>
    </EVIDENCE>
  </MATRIX>
</ACH>
"""

HYPOTHESES = ["Accident (anchor drag)", "State sabotage", "Copper thieves"]
# weights: HIGH √2, MEDIUM 1, LOW 1/√2; cells: II −2, I −1, else 0
#   E1 HUMINT  √2 · 1/√2 = 1     I,  C,  II  → −1,  0, −2
#   E2 OSINT   1 · √2    = √2    C,  II, N   →  0, −2,  0
#   E3 absence 1/√2·1/√2 = 1/2   N,  N,  I   →  0,  0, −1
#   E4 assump. √2 · √2   = 2     NA, I,  C   →  0, −1,  0
IS = [-1.0, -3.0, -3.0]
WIS = [-1.0, -2 * math.sqrt(2) - 2, -2.0 - 0.5]


def parc_205_file() -> bytes:
    """The file's bytes: gzip of big-endian UTF-16 with a byte-order mark."""
    return gzip.compress(b"\xfe\xff" + PARC_205_XML.encode("utf-16-be"))


WEIGHTS = {"HIGH": math.sqrt(2), "MEDIUM": 1.0, "LOW": 1 / math.sqrt(2)}
CELLS = {"I I": -2.0, "I": -1.0}


def wis_as_parc_scores_it(achz: bytes) -> list[float]:
    """Weighted inconsistency per hypothesis, from the file's PARC elements alone.

    What PARC shows for a file: each item's CREDIBILITY × RELEVANCE (an item without a
    RELEVANCE element counts as MEDIUM) times its VALUES cells; nothing from ``wb:EXTRA``.
    """
    from xml.etree import ElementTree

    root = ElementTree.fromstring(gzip.decompress(achz).decode("utf-16").split("?>", 1)[1])
    matrix = root.find(".//MATRIX")
    totals = [0.0] * len(matrix.findall("HYPOTHESIS"))
    for item in matrix.findall("EVIDENCE"):
        relevance = item.find("RELEVANCE")
        weight = WEIGHTS[item.find("CREDIBILITY").text] * WEIGHTS[relevance.text if relevance is not None else "MEDIUM"]
        for index, cell in enumerate(item.find("VALUES").text.split(",")):
            totals[index] += weight * CELLS.get(cell.strip(), 0.0)
    return totals
