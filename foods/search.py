"""Search over the curated catalogue and the whole USDA SR24 reference.

A query is split into case-insensitive tokens; a food matches when every token occurs in its
name (catalogue display name or SR24 description) or, for catalogue foods, its ``food_id``.
Catalogue foods come first, then reference foods with shorter names (usually the plainer food).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

import pandas as pd

from foods.reference import load_reference

_TOKEN = re.compile(r"[\w%-]+", re.UNICODE)


@dataclass(frozen=True)
class SearchHit:
    """One search result: a reference food, and its catalogue entry when there is one."""

    ndb_no: str
    name: str
    food_group: str
    in_catalog: bool
    food_id: str | None

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return asdict(self)


def tokens(query: str) -> list[str]:
    """Lower-case word tokens of a query: ``"Dried  Apricots"`` → ``["dried", "apricots"]``."""
    return [t.lower() for t in _TOKEN.findall(query)]


def _matches(text: pd.Series, words: list[str]) -> pd.Series:
    mask = pd.Series(True, index=text.index)
    for word in words:
        mask &= text.str.contains(word, regex=False)
    return mask


def search_foods(query: str, catalog: pd.DataFrame, limit: int = 50) -> list[SearchHit]:
    """Find foods whose name contains every token of ``query``.

    Parameters
    ----------
    query : str
        Free text, e.g. ``"sardines bone"``; an empty query matches nothing.
    catalog : DataFrame
        The food table from :func:`foods.catalog.load_catalog`.
    limit : int
        Most hits returned.

    Examples
    --------
    >>> from foods.catalog import load_catalog
    >>> hits = search_foods("apricots dried", load_catalog(), limit=3)
    >>> hits[0].in_catalog, hits[0].ndb_no
    (True, '09032')
    """
    words = tokens(query)
    if not words or limit <= 0:
        return []
    ref = load_reference()
    cat_text = (catalog["name"] + " " + catalog["food_id"] + " " + catalog["ndb_no"]).str.lower()
    cat_hits = catalog[_matches(cat_text, words)]
    hits = [
        SearchHit(
            ndb_no=row.ndb_no,
            name=row.name,
            food_group=str(ref.at[row.ndb_no, "food_group"]) if row.ndb_no in ref.index else "",
            in_catalog=True,
            food_id=row.food_id,
        )
        for row in cat_hits.sort_values("name").itertuples()
    ]
    linked = {h.ndb_no: h.food_id for h in hits}
    by_ndb = dict(zip(catalog["ndb_no"], catalog["food_id"], strict=False))
    ref_text = (ref["name"] + " " + ref.index.to_series()).str.lower()
    ref_hits = ref[_matches(ref_text, words)]
    ref_hits = ref_hits.assign(_len=ref_hits["name"].str.len()).sort_values(["_len", "name"])
    for ndb_no, row in ref_hits.iterrows():
        if len(hits) >= limit:
            break
        if ndb_no in linked:
            continue
        hits.append(
            SearchHit(
                ndb_no=str(ndb_no),
                name=str(row["name"]),
                food_group=str(row["food_group"]),
                in_catalog=ndb_no in by_ndb,
                food_id=by_ndb.get(str(ndb_no)),
            )
        )
    return hits[:limit]
