"""Person contexts: what English news writes after a full name and after no other kind of name.

"X Y was arrested", "X Y was born", "X Y died", "X Y resigned" (events that happen to people),
and the age in commas: "X Y, 45, was ...". Used only for runs of two or more name-shaped words
(a lone word before "died" may be a company, a lone word before "was born" a project), ranked
below every list.
"""

from __future__ import annotations

__all__ = ["PERSON_EVENT_VERBS", "PERSON_PASSIVES", "person_event"]


def _words(s: str) -> frozenset[str]:
    return frozenset(s.split())


# Verbs whose subject is a person ("X Y died").
PERSON_EVENT_VERBS = _words("died resigned married retired testified pleaded defected divorced graduated "
                            "studied starred sang")
# Participles after "was" / "has been" whose subject is a person ("X Y was arrested").
PERSON_PASSIVES = _words("born killed appointed elected arrested sentenced executed assassinated jailed "
                         "detained convicted charged awarded knighted wounded injured imprisoned kidnapped "
                         "abducted murdered shot stabbed buried ordained baptised baptized nominated "
                         "sworn dismissed fired indicted extradited acquitted pardoned")
_AUX = _words("was is has had been")


def person_event(words: list[str], end: int, n: int) -> bool:
    """Whether the words after a name ending at ``end`` say it names a person.

    Args:
        words: token texts.
        end: index after the name.
        n: number of tokens.

    Returns:
        True for a person's event verb, "was" / "has been" + a person's participle, or ", 45,".
    """
    if end >= n:
        return False
    w = words[end]
    if w in PERSON_EVENT_VERBS:
        return True
    if w in _AUX:
        k = end + 1
        if k < n and words[k] == "been":
            k += 1
        return k < n and words[k] in PERSON_PASSIVES
    if w == "," and end + 2 < n and words[end + 2] in (",", ")") and words[end + 1].isdigit():
        return 16 <= int(words[end + 1]) <= 110
    return False
