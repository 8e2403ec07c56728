"""Matching a person's words to foods and dishes: an id, or plain words in the singular or
plural ("banana" names every banana food, "peanut butter" the peanut butter)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping


def _forms(word: str) -> set[str]:
    """Singular and plural spellings of an English word (enough for food names)."""
    out = {word, word + "s", word + "es"}
    if word.endswith("ies"):
        out.add(word[:-3] + "y")
    if word.endswith("es"):
        out.add(word[:-2])
    if word.endswith("s"):
        out.add(word[:-1])
    if word.endswith("y"):
        out.add(word[:-1] + "ies")
    return out


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.lower()))


def matches(term: str, name: str, key: str) -> bool:
    """Whether a person's word or id ``term`` names the food or dish (``name``, ``key``).

    An id matches itself; plain words match when each word of the term (singular or plural)
    is a word of the name or the id.

    >>> matches("banana", "Banana", "banana_raw"), matches("peanut butter", "x", "peanut_butter")
    (True, True)
    >>> matches("nut", "Walnuts", "walnuts"), matches("lentils_cooked", "Lentils", "lentils_cooked")
    (False, True)
    """
    if term == key:
        return True
    words = _words(name) | set(key.split("_"))
    return all(_forms(w) & words for w in _words(term)) and bool(_words(term))


def matching(terms: Iterable[str], names: Mapping[str, str]) -> dict[str, set[str]]:
    """For each term, the keys of ``names`` (key → name) it matches."""
    return {t: {k for k, n in names.items() if matches(t, n, k)} for t in terms}
