"""Attributed statements ("claims"): who said what, found from quotes, cue verbs and mentions.

Patterns: ``X said "…"``, ``"…," X stated``, ``"…" – X stated``, ``"…," said X``,
``according to X, …``, ``…, according to X``, ``X told Y that …``, ``X said that …``,
``X called … "…"``. A leading "He"/"She" speaker resolves to the previous claim's
speaker (or the last person mentioned).
"""

from __future__ import annotations

import re

from ._sentences import sentence_spans

CUES = (
    "said|says|say|stated|states|told|tells|added|adds|noted|notes|announced|announces|claimed|claims|"
    "declared|declares|wrote|writes|warned|warns|stressed|stresses|explained|explains|insisted|insists|"
    "argued|argues|replied|confirmed|confirms|denied|denies|emphasized|emphasised|underlined|assured|"
    "believes|believed|called|calls|added|commented|reported|reports|alleged|asserted|assessed|assumed"
)
_CUE_RE = re.compile(rf"\b({CUES})\b")
_QUOTE = re.compile(r"“[^“”]{2,}?”|\"[^\"\n]{2,}?\"|«[^«»]{2,}?»|„[^„“”]{2,}?[“”]")
_ORPHAN_CLOSE = re.compile(r"(?m)^[ \t]*([^“”\"\n]{10,}?[.,!?…]?)”")
_SPEAKER_LABELS = ("PERSON", "ORG")
_PRONOUN = re.compile(r"\b(He|She|he|she)\s+(?:also\s+|later\s+|then\s+)?(" + CUES + r")\b")
_GAP_WORDS = re.compile(r"^[\s,–—-]*(?:[A-Za-z][\w.-]*\s+){0,4}$")
_APPOSITION = re.compile(r"^\s*(?:,[^,“”\"]{1,90},)?\s*(?:" + CUES + r")\b")
_THAT = re.compile(r"^\s*(?:,[^,“”\"]{1,90},)?\s*(?:" + CUES + r")\b(?:\s+(?!that\b)[\w’'-]+){0,6}?\s+that\s+")


def _quotes(text: str) -> list[tuple[int, int]]:
    """Quoted passages as (start, end) of the inner text (without the marks)."""
    spans = [(m.start() + 1, m.end() - 1) for m in _QUOTE.finditer(text)]
    taken = [False] * (len(text) + 1)
    for s, e in spans:
        for k in range(s - 1, e + 1):
            taken[k] = True
    for m in _ORPHAN_CLOSE.finditer(text):  # a closing mark whose opening mark is missing
        if not taken[m.end() - 1]:
            spans.append((m.start(1), m.end(1)))
    spans.sort()
    return spans


def _speaker(mentions: list[dict]) -> list[dict]:
    return [m for m in mentions if m["label"] in _SPEAKER_LABELS]


def _claim(m: dict, qs: int, qe: int, text: str, cue: str) -> dict:
    while qs < qe and text[qs].isspace():
        qs += 1
    while qe > qs and text[qe - 1] in " \t\n,":
        qe -= 1
    return {
        "speaker": m.get("canonical") or m["text"],
        "speaker_start": m["start"],
        "speaker_end": m["end"],
        "quote_start": qs,
        "quote_end": qe,
        "quote": text[qs:qe],
        "cue": cue,
    }


def find_claims(text: str, mentions: list[dict]) -> list[dict]:
    """Find attributed statements in ``text``.

    Args:
        text: the article text.
        mentions: entity mentions of ``text`` (dicts with start, end, label, text,
            canonical), e.g. from ``EntityPipeline.extract``.

    Returns:
        Claim dicts {speaker, speaker_start, speaker_end, quote_start, quote_end,
        quote, cue}, sorted by quote_start; at most one claim per quoted passage.
    """
    speakers = sorted(_speaker(mentions), key=lambda m: m["start"])
    claims: list[dict] = []
    used: set[tuple[int, int]] = set()
    quotes = _quotes(text)
    sents = sentence_spans(text)

    def sent_of(pos: int) -> tuple[int, int]:
        for s, e in sents:
            if s <= pos < e:
                return s, e
        return 0, len(text)

    for qs, qe in quotes:
        after = qe + 1
        ss, se = sent_of(max(qs - 1, 0))
        # (1) "…," said X / "…" – X stated / "…," X said
        window_end = min(len(text), after + 160)
        found = None
        for m in speakers:
            if m["start"] < after or m["start"] > window_end:
                continue
            gap = text[after:m["start"]]
            if "\n" in gap or "“" in gap or '"' in gap:
                break
            cm = re.match(rf"^[\s,.–—-]*({CUES})\s+(?:[a-z][\w-]*\s+){{0,3}}$", gap)
            if cm:
                found = (m, cm.group(1))
                break
            if _GAP_WORDS.match(gap):
                am = _APPOSITION.match(text, m["end"]) or _APPOSITION.match(text[m["end"]:m["end"] + 120])
                if am:
                    cue = _CUE_RE.search(am.group(0))
                    found = (m, cue.group(1) if cue else "said")
                    break
        if found:
            claims.append(_claim(found[0], qs, qe, text, found[1]))
            used.add((qs, qe))
            continue
        # (2) X said, "…" / X called … "…" (speaker and cue earlier in the same sentence)
        best = None
        for m in speakers:
            if m["end"] > qs - 1 or m["start"] < ss:
                continue
            between = text[m["end"]:qs - 1]
            cm = _CUE_RE.search(between)
            if cm and "“" not in between and "”" not in between:
                best = (m, cm.group(1))
        if best:
            claims.append(_claim(best[0], qs, qe, text, best[1]))
            used.add((qs, qe))
    claims.extend(_according_to(text, speakers, sents, used))
    claims.extend(_indirect(text, speakers, sents, used, claims))
    claims.sort(key=lambda c: (c["quote_start"], c["speaker_start"]))
    return claims


def _overlaps(used: set[tuple[int, int]], s: int, e: int) -> bool:
    return any(a < e and s < b for a, b in used)


def _according_to(text: str, speakers: list[dict], sents: list[tuple[int, int]], used: set) -> list[dict]:
    out = []
    for m in re.finditer(r"\b[Aa]ccording to\s+", text):
        sp = next((x for x in speakers if m.end() <= x["start"] <= m.end() + 60), None)
        if sp is None or not re.match(r"^(?:[\w.’'-]+\s+){0,4}$", text[m.end():sp["start"]]):
            continue
        ss, se = next(((s, e) for s, e in sents if s <= m.start() < e), (0, len(text)))
        comma = text.find(",", sp["end"], se)
        if comma != -1 and text[sp["end"]:comma].count(" ") <= 6:
            qs, qe = comma + 1, se
        else:
            qs, qe = ss, m.start()
        qe = qe - 1 if qe > qs and text[qe - 1] in ".!?" else qe
        if qe - qs > 10 and not _overlaps(used, qs, qe):
            out.append(_claim(sp, qs, qe, text, "according to"))
            used.add((qs, qe))
    return out


def _indirect(text: str, speakers: list[dict], sents: list[tuple[int, int]], used: set, claims: list[dict]) -> list[dict]:
    """X said/told Y that …  and  He said … that …  (indirect speech to the sentence end)."""
    out: list[dict] = []
    for ss, se in sents:
        cands: list[tuple[dict, int]] = [(m, m["end"]) for m in speakers if ss <= m["start"] < se]
        pm = _PRONOUN.match(text, ss)
        if pm:
            prev = [c for c in claims + out if c["speaker_start"] < ss]
            prev_m = [m for m in speakers if m["label"] == "PERSON" and m["start"] < ss]
            if prev:
                last = max(prev, key=lambda c: c["speaker_start"])
                ref = {"canonical": last["speaker"], "text": last["speaker"],
                       "start": last["speaker_start"], "end": last["speaker_end"]}
                cands.insert(0, (ref, pm.start(2) - 1))
            elif prev_m:
                cands.insert(0, (prev_m[-1], pm.start(2) - 1))
        for m, pos in cands:
            tm = _THAT.match(text[pos:se])
            if not tm:
                continue
            qs = pos + tm.end()
            qe = se - 1 if text[se - 1] in ".!?" else se
            cue = _CUE_RE.search(tm.group(0)).group(1)
            if qe - qs > 10 and not _overlaps(used, qs, qe):
                out.append(_claim(m, qs, qe, text, cue))
                used.add((qs, qe))
            break  # one indirect claim per sentence
    return out
