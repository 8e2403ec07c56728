"""USDA FoodData Central (FDC) API client: search foods, fetch one food, turn it into a row.

Configuration is read from the environment each time a request is made (unless the client
was given explicit values):

``FDC_API_URL``
    Base URL of the API, default ``https://api.nal.usda.gov/fdc`` (paths are ``/v1/...``;
    a trailing slash is tolerated).
``FDC_API_KEY``
    API key, default ``DEMO_KEY`` (about 30 requests per hour per IP address). The key is
    sent in the ``X-Api-Key`` header, never in the URL, so it does not appear in logged URLs,
    and it is scrubbed from every error message.

FDC answers in three nutrient shapes, all parsed here:

* search hits: ``{"nutrientId", "nutrientNumber", "unitName", "value"}``;
* full detail: ``{"amount", "nutrient": {"id", "number", "name", "unitName"}}``;
* abridged detail: ``{"number", "name", "amount", "unitName"}``.

Nutrients are mapped to the product's keys (``potassium_mg``, ``vitamin_d_ug``, ...) through
``foods/data/nutrients.csv`` (columns ``fdc_id`` and ``fdc_number``), the single mapping.
Values are per 100 g of food (FDC reports Branded foods' ``foodNutrients`` per 100 g too).
A nutrient FDC does not report is ``None`` (missing), never 0.

Every failure raises :class:`FdcError`, a :class:`~foods.errors.UserError` whose message
names the cause and the fix.
"""

from __future__ import annotations

import csv
import email.utils
import json
import math
import os
import re
import time
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

from foods.errors import UserError

__all__ = [
    "DEFAULT_API_KEY",
    "DEFAULT_BASE_URL",
    "DATA_TYPES",
    "FdcClient",
    "FdcError",
    "FdcFood",
    "FdcHit",
    "food_to_custom_row",
    "parse_food",
    "parse_nutrients",
    "parse_search",
]

DEFAULT_BASE_URL = "https://api.nal.usda.gov/fdc"
DEFAULT_API_KEY = "DEMO_KEY"
API_KEY_SIGNUP_URL = "https://fdc.nal.usda.gov/api-key-signup"
FOOD_PAGE_URL = "https://fdc.nal.usda.gov/food-details/{fdc_id}/nutrients"

#: Data types accepted by ``/v1/foods/search`` (``dataType`` filter).
DATA_TYPES: tuple[str, ...] = ("Branded", "Foundation", "Survey (FNDDS)", "SR Legacy")

#: Longest wait honoured from a ``Retry-After`` header or computed by backoff, in seconds; a
#: server that asks for longer gets no retry (the message says how long it asked for).
MAX_WAIT_S = 30.0
#: Whole-call deadline by default (every attempt, read and wait together), in seconds.
DEFAULT_DEADLINE_S = 45.0
#: Largest answer read, after decompression, in bytes (a 200-hit search is about 2 MB).
MAX_RESPONSE_BYTES = 8_000_000
#: Redirects followed, and only within the API's own host (the key never leaves it).
MAX_REDIRECTS = 3
_KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,200}$")

# FDC-specific fallbacks that are conversion rules, not extra keys (the key mapping itself
# lives in nutrients.csv): vitamin D in IU, energy by Atwater factors, energy in kJ.
_VITAMIN_D_KEY = "vitamin_d_ug"
_VITAMIN_D_IU = (1110, "324")
_SUGARS_TOTAL_NEW = (1063, "269.3")  # "Sugars, Total" of newer Foundation foods
_IU_PER_UG_VITAMIN_D = 40.0
_ENERGY_KEY = "energy_kcal"
_ENERGY_ATWATER_GENERAL = (2047, "957")
_ENERGY_ATWATER_SPECIFIC = (2048, "958")
_ENERGY_KJ = (1062, "268")
_KJ_PER_KCAL = 4.184
# Second-choice sources used only when the nutrients.csv id/number is absent:
# (id, number) -> (our key, unit assumed when the entry gives none).
_FALLBACK_SOURCES: dict[tuple[int, str], tuple[str, str]] = {
    _VITAMIN_D_IU: (_VITAMIN_D_KEY, "iu"),
    _SUGARS_TOTAL_NEW: ("sugars_g", "g"),
}

# Unit spellings FDC uses, folded to one canonical form each.
_UNIT_ALIASES = {
    "g": "g",
    "grm": "g",
    "mg": "mg",
    "µg": "ug",  # micro sign U+00B5
    "μg": "ug",  # Greek small mu U+03BC
    "ug": "ug",
    "mcg": "ug",
    "kcal": "kcal",
    "kj": "kj",
    "iu": "iu",
}
_MASS_IN_G = {"g": 1.0, "mg": 1e-3, "ug": 1e-6}

_SLUG_MAX = 60
_DATA_DIR = Path(str(resources.files("foods") / "data"))


class FdcError(UserError):
    """FoodData Central could not be reached or gave an answer the product cannot use.

    The message names the cause and the fix; it never contains the API key.
    """


# --------------------------------------------------------------------------------------------
# Data classes
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FdcHit:
    """One food found by :meth:`FdcClient.search`.

    Attributes
    ----------
    fdc_id : int
        FoodData Central id.
    name : str
        FDC ``description`` (Branded foods are often in capitals).
    data_type : str
        ``"Foundation"``, ``"SR Legacy"``, ``"Branded"``, ``"Survey (FNDDS)"``, ...
    brand : str or None
        Brand name or owner (Branded foods only).
    nutrients_per_100g : dict of str to float or None
        Every product nutrient key, per 100 g of food, in the key's unit (``mg``, ``g``,
        ``µg``, ``kcal``); ``None`` where the hit does not report it.
    """

    fdc_id: int
    name: str
    data_type: str
    brand: str | None = None
    nutrients_per_100g: dict[str, float | None] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class FdcFood:
    """One food fetched by :meth:`FdcClient.get_food`.

    Attributes
    ----------
    fdc_id : int
        FoodData Central id.
    name : str
        FDC ``description``.
    data_type : str
        ``"Foundation"``, ``"SR Legacy"``, ``"Branded"``, ``"Survey (FNDDS)"``, ...
    nutrients_per_100g : dict of str to float or None
        Every product nutrient key, per 100 g of food, in the key's unit; ``None`` = FDC
        does not report it (missing, not zero).
    portions : tuple of (str, float)
        Household measures as ``(description, grams)``, e.g. ``("1 cup, shredded", 113.0)``;
        empty when the answer carries none (the abridged format never does).
    brand : str or None
        Brand name or owner (Branded foods only).
    ndb_number : str or None
        SR/Foundation NDB number when FDC gives one (not zero-padded).
    source_url : str
        Human-readable FDC page of the food.
    """

    fdc_id: int
    name: str
    data_type: str
    nutrients_per_100g: dict[str, float | None] = field(default_factory=dict, compare=False)
    portions: tuple[tuple[str, float], ...] = ()
    brand: str | None = None
    ndb_number: str | None = None
    source_url: str = ""

    @property
    def missing_nutrients(self) -> tuple[str, ...]:
        """Nutrient keys FDC does not report for this food (value ``None``)."""
        return tuple(k for k, v in self.nutrients_per_100g.items() if v is None)


# --------------------------------------------------------------------------------------------
# Nutrient mapping (from foods/data/nutrients.csv)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _NutrientMap:
    keys: tuple[str, ...]
    units: dict[str, str]  # key -> canonical unit ("g", "mg", "ug", "kcal")
    by_id: dict[int, str]
    by_number: dict[str, str]


@lru_cache(maxsize=1)
def _nutrient_map() -> _NutrientMap:
    """Read ``foods/data/nutrients.csv`` once: key, unit and FDC id/number of each nutrient."""
    path = _DATA_DIR / "nutrients.csv"
    keys: list[str] = []
    units: dict[str, str] = {}
    by_id: dict[int, str] = {}
    by_number: dict[str, str] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            key = row["key"].strip()
            keys.append(key)
            units[key] = _canonical_unit(row["unit"]) or row["unit"].strip().lower()
            if (row.get("fdc_id") or "").strip():
                by_id[int(row["fdc_id"])] = key
            number = _number_text(row.get("fdc_number"))
            if number:
                by_number[number] = key
    return _NutrientMap(tuple(keys), units, by_id, by_number)


def _canonical_unit(unit: object) -> str | None:
    """Fold an FDC unit name (``"MG"``, ``"µg"``, ``"UG"``, ``"KCAL"``, ``"kJ"``) to one form."""
    if not isinstance(unit, str):
        return None
    return _UNIT_ALIASES.get(unit.strip().lower())


def _number_text(number: object) -> str | None:
    """Normalise a nutrient number (``"208"``, ``208``, ``"208.0"``) to text like ``"208"``."""
    if number is None or isinstance(number, bool):
        return None
    text = str(number).strip()
    if not text:
        return None
    try:
        as_float = float(text)
    except ValueError:
        return text
    if as_float.is_integer():
        return str(int(as_float))
    return text


def _as_int(value: object) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    try:
        as_float = float(str(value).strip())
    except ValueError:
        return None
    return int(as_float) if as_float.is_integer() else None


def _as_amount(value: object) -> float | None:
    """A finite, non-negative number, else ``None`` (missing)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if not math.isfinite(number) or number < 0:
        return None
    return number


def _convert(value: float, unit: str | None, target: str, key: str) -> float | None:
    """Convert ``value`` from FDC ``unit`` to our key's ``target`` unit; ``None`` if impossible."""
    if unit is None or unit == target:
        return value
    if unit in _MASS_IN_G and target in _MASS_IN_G:
        return value * _MASS_IN_G[unit] / _MASS_IN_G[target]
    if key == _VITAMIN_D_KEY and unit == "iu" and target in _MASS_IN_G:
        return value / _IU_PER_UG_VITAMIN_D * _MASS_IN_G["ug"] / _MASS_IN_G[target]
    if key == _ENERGY_KEY and unit == "kj" and target == "kcal":
        return value / _KJ_PER_KCAL
    return None


def _entry_fields(entry: Mapping[str, Any]) -> tuple[int | None, str | None, str | None, object]:
    """``(nutrient id, nutrient number, unit, value)`` of one entry in any of the 3 shapes."""
    nested = entry.get("nutrient")
    if isinstance(nested, Mapping):  # full detail
        nutrient_id = _as_int(nested.get("id"))
        number = _number_text(nested.get("number"))
        unit = nested.get("unitName", entry.get("unitName"))
        value = entry.get("amount")
    else:  # search hit or abridged detail; top-level "id" is the food-nutrient record id
        nutrient_id = _as_int(entry.get("nutrientId"))
        number = _number_text(entry.get("nutrientNumber", entry.get("number")))
        unit = entry.get("unitName")
        value = entry.get("value", entry.get("amount"))
    canonical = _canonical_unit(unit)
    if canonical is None and isinstance(unit, str) and unit.strip():
        canonical = "?"  # a unit we do not know: the value cannot be converted safely
    return nutrient_id, number, canonical, value


def _matches(nutrient_id: int | None, number: str | None, ref: tuple[int, str]) -> bool:
    if nutrient_id is not None:
        return nutrient_id == ref[0]
    return number == ref[1]


def _energy_rank(key: str | None, nutrient_id: int | None, number: str | None) -> int | None:
    """Preference of an energy entry: 0 = 1008/208, 1 = Atwater general, 2 = specific, 3 = kJ."""
    if key == _ENERGY_KEY:
        return 0
    if key is not None:
        return None
    for rank, ref in enumerate((_ENERGY_ATWATER_GENERAL, _ENERGY_ATWATER_SPECIFIC, _ENERGY_KJ), 1):
        if _matches(nutrient_id, number, ref):
            return rank
    return None


def parse_nutrients(entries: Iterable[object]) -> dict[str, float | None]:
    """Map FDC ``foodNutrients`` (any of the three shapes) to our keys, per 100 g.

    Parameters
    ----------
    entries : iterable of dict
        The ``foodNutrients`` list of a search hit, a full detail or an abridged detail.

    Returns
    -------
    dict of str to float or None
        Every key of ``nutrients.csv`` in table order, in the key's unit (``g``, ``mg``,
        ``µg``, ``kcal``). ``None`` = not reported (or reported without a usable amount or
        unit). Vitamin D prefers µg (id 1114 / number 328), else IU (1110 / 324) ÷ 40.
        Energy prefers kcal from 1008 / 208, then Atwater general 2047 / 957, then Atwater
        specific 2048 / 958; kJ (÷ 4.184) is used only when no kcal value exists. Total
        sugars fall back to id 1063 / number 269.3 (newer Foundation foods).
    """
    mapping = _nutrient_map()
    result: dict[str, float | None] = dict.fromkeys(mapping.keys)
    # (priority, value) per key; lower priority wins; first entry wins among equals.
    best: dict[str, tuple[int, float]] = {}

    def offer(key: str, priority: int, value: float | None) -> None:
        if value is None:
            return
        if key not in best or priority < best[key][0]:
            best[key] = (priority, value)

    energy_target = mapping.units.get(_ENERGY_KEY, "kcal")

    for entry in entries:
        if not isinstance(entry, Mapping):
            continue
        nutrient_id, number, unit, raw = _entry_fields(entry)
        amount = _as_amount(raw)
        if amount is None:
            continue
        key: str | None = None
        if nutrient_id is not None:
            key = mapping.by_id.get(nutrient_id)
        elif number is not None:
            key = mapping.by_number.get(number)

        energy_rank = _energy_rank(key, nutrient_id, number)
        if energy_rank is not None:
            if _ENERGY_KEY not in result:
                continue
            if unit == "kj" or (unit is None and energy_rank == 3):
                # kJ only counts when no kcal value exists: rank it after every kcal value.
                offer(_ENERGY_KEY, 10 + energy_rank, amount / _KJ_PER_KCAL)
            elif unit in (None, "kcal"):
                offer(_ENERGY_KEY, energy_rank, _convert(amount, "kcal", energy_target, key or ""))
            continue

        if key is None:
            for ref, (alias_key, default_unit) in _FALLBACK_SOURCES.items():
                if alias_key in result and _matches(nutrient_id, number, ref):
                    target = mapping.units[alias_key]
                    offer(alias_key, 1, _convert(amount, unit or default_unit, target, alias_key))
                    break
            continue

        if key is not None:
            offer(key, 0, _convert(amount, unit, mapping.units[key], key))

    for key, (_, value) in best.items():
        result[key] = value
    return result


# --------------------------------------------------------------------------------------------
# Parsing whole answers
# --------------------------------------------------------------------------------------------


def _text(value: object) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _brand(item: Mapping[str, Any]) -> str | None:
    return _text(item.get("brandName")) or _text(item.get("brandOwner"))


def _portions(item: Mapping[str, Any]) -> tuple[tuple[str, float], ...]:
    """Household measures of a detail (``foodPortions``/``foodMeasures``/Branded serving)."""
    found: list[tuple[str, float]] = []
    portions = item.get("foodPortions")
    for portion in portions if isinstance(portions, list) else []:
        if not isinstance(portion, Mapping):
            continue
        grams = _as_amount(portion.get("gramWeight"))
        if not grams:
            continue
        description = _text(portion.get("portionDescription"))
        if description is None or description.lower() == "quantity not specified":
            parts: list[str] = []
            amount = _as_amount(portion.get("amount"))
            if amount:
                parts.append(f"{amount:g}")
            unit = portion.get("measureUnit")
            unit_name = _text(unit.get("name")) if isinstance(unit, Mapping) else None
            if unit_name and unit_name.lower() != "undetermined":
                parts.append(unit_name)
            modifier = _text(portion.get("modifier"))
            if modifier and not modifier.isdigit():  # SR modifiers can be bare codes
                parts.append(modifier)
            description = " ".join(parts) if len(parts) > 1 else description
        if description:
            found.append((description, grams))
    measures = item.get("foodMeasures")
    for measure in measures if isinstance(measures, list) else []:
        if not isinstance(measure, Mapping):
            continue
        grams = _as_amount(measure.get("gramWeight"))
        text = _text(measure.get("disseminationText"))
        if grams and text and text.lower() != "quantity not specified":
            found.append((text, grams))
    serving = _as_amount(item.get("servingSize"))
    serving_unit = _canonical_unit(item.get("servingSizeUnit"))
    household = _text(item.get("householdServingFullText"))
    if serving and serving_unit == "g":
        found.append((household or f"{serving:g} g", serving))
    return tuple(dict.fromkeys(found))


def parse_search(payload: object) -> list[FdcHit]:
    """Parse a ``/v1/foods/search`` answer into hits.

    Parameters
    ----------
    payload : dict
        The decoded JSON (``{"foods": [...], "totalHits": ...}``).

    Returns
    -------
    list of FdcHit
        In FDC's order; hits without an integer ``fdcId`` or a description are skipped.

    Raises
    ------
    FdcError
        If the answer has no ``foods`` list.
    """
    if isinstance(payload, list):  # the 2020 spec documents an array of SearchResult
        foods: list[object] = []
        for part in payload:
            if not isinstance(part, Mapping) or not isinstance(part.get("foods"), list):
                raise FdcError(_shape_message("search", "no 'foods' list"))
            foods.extend(part["foods"])
    elif isinstance(payload, Mapping) and isinstance(payload.get("foods"), list):
        foods = list(payload["foods"])
    else:
        raise FdcError(_shape_message("search", "no 'foods' list"))
    hits: list[FdcHit] = []
    for item in foods:
        if not isinstance(item, Mapping):
            continue
        fdc_id = _as_int(item.get("fdcId"))
        name = _text(item.get("description"))
        if fdc_id is None or name is None:
            continue
        nutrients = item.get("foodNutrients")
        hits.append(
            FdcHit(
                fdc_id=fdc_id,
                name=name,
                data_type=_text(item.get("dataType")) or "",
                brand=_brand(item),
                nutrients_per_100g=parse_nutrients(
                    nutrients if isinstance(nutrients, list) else []
                ),
            )
        )
    return hits


def parse_food(payload: object) -> FdcFood:
    """Parse a ``/v1/food/{fdcId}`` answer (abridged or full format) into an :class:`FdcFood`.

    Parameters
    ----------
    payload : dict
        The decoded JSON of one food.

    Returns
    -------
    FdcFood
        Nutrients per 100 g in our keys' units, portions when the answer has them.

    Raises
    ------
    FdcError
        If the answer lacks ``fdcId`` or ``description`` or ``foodNutrients`` is not a list.
    """
    if not isinstance(payload, Mapping):
        raise FdcError(_shape_message("food", "not a JSON object"))
    fdc_id = _as_int(payload.get("fdcId"))
    name = _text(payload.get("description"))
    if fdc_id is None or name is None:
        raise FdcError(_shape_message("food", "no 'fdcId' or 'description'"))
    nutrients = payload.get("foodNutrients", [])
    if not isinstance(nutrients, list):
        raise FdcError(_shape_message("food", "'foodNutrients' is not a list"))
    ndb = payload.get("ndbNumber")
    return FdcFood(
        fdc_id=fdc_id,
        name=name,
        data_type=_text(payload.get("dataType")) or "",
        nutrients_per_100g=parse_nutrients(nutrients),
        portions=_portions(payload),
        brand=_brand(payload),
        ndb_number=_number_text(ndb) if ndb not in (None, "") else None,
        source_url=FOOD_PAGE_URL.format(fdc_id=fdc_id),
    )


def _shape_message(what: str, detail: str) -> str:
    return (
        f"FoodData Central answered the {what} request in an unexpected shape ({detail}); "
        "the API may have changed: check FDC_API_URL points at the FDC API and try again later"
    )


# --------------------------------------------------------------------------------------------
# Client
# --------------------------------------------------------------------------------------------


class FdcClient:
    """Small, robust client of the FoodData Central API.

    Parameters
    ----------
    base_url : str, optional
        API base URL; ``None`` = ``FDC_API_URL`` from the environment at each request
        (default ``https://api.nal.usda.gov/fdc``).
    api_key : str, optional
        API key; ``None`` = ``FDC_API_KEY`` at each request (default ``DEMO_KEY``).
    timeout_s : float
        Connect timeout and the longest silence while reading, each in seconds.
    deadline_s : float
        Whole-call deadline in seconds: every attempt, every read and every wait together.
    max_retries : int
        Retries after the first attempt on HTTP 429, HTTP 5xx, timeouts and connection errors.
    backoff_s : float
        First backoff wait in seconds; doubles on each retry (capped at 30 s). A
        ``Retry-After`` header (seconds or HTTP date) replaces it, also capped at 30 s.
    session : requests.Session, optional
        Session to use (a new one by default).
    sleep : callable, optional
        Function that waits a number of seconds (default :func:`time.sleep`, looked up when
        the client is made, so tests can replace it and not wait).
    """

    def __init__(
        self,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout_s: float = 10.0,
        max_retries: int = 3,
        backoff_s: float = 1.0,
        session: requests.Session | None = None,
        sleep: Callable[[float], object] | None = None,
        deadline_s: float = DEFAULT_DEADLINE_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if timeout_s <= 0:
            raise ValueError("timeout_s must be positive")
        if deadline_s <= 0:
            raise ValueError("deadline_s must be positive")
        if max_retries < 0:
            raise ValueError("max_retries must be 0 or more")
        if backoff_s < 0:
            raise ValueError("backoff_s must be 0 or more")
        self._base_url = base_url
        self._api_key = api_key
        self.timeout_s = float(timeout_s)
        self.max_retries = int(max_retries)
        self.backoff_s = float(backoff_s)
        self._own_session = session is None
        self._session = session if session is not None else requests.Session()
        self._sleep = sleep if sleep is not None else time.sleep
        self.deadline_s = float(deadline_s)
        self._clock = clock

    # -- configuration -----------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """API base URL without a trailing slash (argument, else ``FDC_API_URL``, else default)."""
        url = self._base_url
        if url is None:
            url = os.environ.get("FDC_API_URL", "").strip() or DEFAULT_BASE_URL
        url = url.strip().rstrip("/")
        if not re.match(r"^https?://[^/\s]+", url):
            raise FdcError(
                f"FDC_API_URL is not a web address: {self._scrub(url)!r}; "
                f"set it to something like {DEFAULT_BASE_URL}"
            )
        return url

    def _key(self) -> str:
        """The API key, checked: a key with spaces or line breaks is refused, never echoed."""
        key = self._api_key
        if key is None:
            key = os.environ.get("FDC_API_KEY", "").strip() or DEFAULT_API_KEY
        if not _KEY_PATTERN.match(key):
            raise FdcError(
                "FDC_API_KEY contains spaces, line breaks or other characters an API key "
                f"cannot have; copy the key again from {API_KEY_SIGNUP_URL}"
            )
        return key

    def __repr__(self) -> str:
        where = self._base_url if self._base_url is not None else "$FDC_API_URL"
        return (
            f"FdcClient(base_url={self._scrub(where)!r}, api_key=<hidden>, "
            f"timeout_s={self.timeout_s}, max_retries={self.max_retries})"
        )

    def close(self) -> None:
        """Close the HTTP session if this client created it (a passed-in one stays open)."""
        if self._own_session:
            self._session.close()

    def __enter__(self) -> FdcClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- public API --------------------------------------------------------------------

    def search(
        self,
        query: str,
        page_size: int = 25,
        data_types: Sequence[str] | None = None,
    ) -> list[FdcHit]:
        """Search foods by keywords (``GET /v1/foods/search``).

        Parameters
        ----------
        query : str
            Search words, e.g. ``"cheddar cheese"`` (FDC search operators allowed).
        page_size : int
            Number of hits wanted, 1 to 200.
        data_types : sequence of str, optional
            Restrict to some of ``"Foundation"``, ``"SR Legacy"``, ``"Branded"``,
            ``"Survey (FNDDS)"`` (any case).

        Returns
        -------
        list of FdcHit
            Hits with nutrients per 100 g where the hit carries them.

        Raises
        ------
        FdcError
            On a bad argument, an unreachable or failing service, or an unusable answer.
        """
        text = query.strip() if isinstance(query, str) else ""
        if not text:
            raise FdcError("the FoodData Central search needs some words; type a food name")
        if (
            isinstance(page_size, bool)
            or not isinstance(page_size, int)
            or not (1 <= page_size <= 200)
        ):
            raise FdcError(f"page_size must be a whole number from 1 to 200, not {page_size!r}")
        params: dict[str, str] = {"query": text, "pageSize": str(page_size)}
        if data_types:
            params["dataType"] = ",".join(_canonical_data_type(t) for t in data_types)
        payload = self._get_json("/v1/foods/search", params)
        return parse_search(payload)[:page_size]  # a server may send more than asked

    def get_food(self, fdc_id: int, *, detail: str = "abridged") -> FdcFood:
        """Fetch one food (``GET /v1/food/{fdc_id}``).

        Parameters
        ----------
        fdc_id : int
            FoodData Central id, e.g. ``328637``.
        detail : {"abridged", "full"}
            ``"abridged"`` (default) always works; ``"full"`` also returns household
            portions but FDC answers 404 for some Foundation foods, in which case the
            abridged format is fetched instead.

        Returns
        -------
        FdcFood
            Nutrients per 100 g in our keys' units; ``None`` where FDC reports nothing.

        Raises
        ------
        FdcError
            On a bad id, a food that does not exist (404), an unreachable or failing
            service, or an unusable answer.
        """
        food_id = _food_id_number(fdc_id)
        if detail not in ("abridged", "full"):
            raise FdcError(f"detail must be 'abridged' or 'full', not {detail!r}")
        path = f"/v1/food/{food_id}"
        payload = None
        if detail == "full":
            payload = self._get_json(path, {"format": "full"}, allow_404=True)
        if payload is None:
            payload = self._get_json(path, {"format": "abridged"}, allow_404=True)
        if payload is None:
            raise FdcError(
                f"no FDC food with id {food_id}; check the id, or search FoodData Central by "
                "name to find it"
            )
        return parse_food(payload)

    # -- HTTP --------------------------------------------------------------------------

    def _scrub(self, text: str) -> str:
        """Remove the API key (explicit or from the environment) from ``text``."""
        for secret in {self._api_key, os.environ.get("FDC_API_KEY", "").strip()}:
            if secret and len(secret) >= 4 and secret != DEFAULT_API_KEY:
                text = text.replace(secret, "***")
        return text

    def _wait(self, attempt: int, response: requests.Response | None) -> float:
        """Seconds to wait before retry number ``attempt + 1`` (``inf``: the server asks for
        longer than :data:`MAX_WAIT_S`, so there is no retry)."""
        if response is not None:
            retry_after = _retry_after_seconds(response.headers.get("Retry-After"))
            if retry_after is not None:
                return retry_after if retry_after <= MAX_WAIT_S else math.inf
        return min(self.backoff_s * (2**attempt), MAX_WAIT_S)

    def _get_json(self, path: str, params: Mapping[str, str], *, allow_404: bool = False) -> Any:
        """GET ``path`` and decode its JSON, retrying 429, 5xx, timeouts and lost connections,
        all within :attr:`deadline_s`.

        Returns ``None`` on HTTP 404 when ``allow_404``; otherwise 404 raises :class:`FdcError`
        (callers that know what was looked for catch nothing: they pass ``allow_404`` and word
        their own message).
        """
        base = self.base_url
        headers = {
            "X-Api-Key": self._key(),
            "Accept": "application/json",
            "User-Agent": "cramp-planner (FoodData Central client)",
        }
        deadline = self._clock() + self.deadline_s
        problem = ""
        for attempt in range(self.max_retries + 1):
            response: requests.Response | None = None
            try:
                response, body = self._fetch(base, base + path, params, headers, deadline)
            except _Overdue:
                problem = "deadline"
                break
            except requests.Timeout:
                problem = "timeout"
            except requests.ConnectionError as error:
                problem = "connection: " + _reason(error)
            except requests.RequestException as error:
                raise FdcError(
                    f"could not send the request to FoodData Central at {self._scrub(base)}: "
                    f"{self._scrub(_reason(error))}; check FDC_API_URL"
                ) from None
            else:
                status = response.status_code
                if status == 200:
                    return self._decode(body, response, base)
                self._refuse(status, response, body, base, path)
                if status == 404:
                    if allow_404:
                        return None
                problem = f"http: {status}"
            if attempt == self.max_retries:
                break
            wait = self._wait(attempt, response)
            if wait > deadline - self._clock():
                problem = "deadline" if math.isfinite(wait) else f"retry-after: {problem}"
                break
            self._sleep(wait)
        raise FdcError(self._give_up_message(problem, base))

    def _refuse(
        self, status: int, response: requests.Response, body: bytes, base: str, path: str
    ) -> None:
        """Raise :class:`FdcError` for an answer that no retry can fix (4xx but 404 and 429)."""
        if status in (401, 403):
            raise FdcError(
                f"FoodData Central API key rejected (HTTP {status}); set FDC_API_KEY "
                f"to a key from {API_KEY_SIGNUP_URL}"
            )
        if status == 404 or status == 429 or status >= 500:
            return
        raise FdcError(
            f"FoodData Central refused the request (HTTP {status}"
            f"{self._body_hint(body)}); check the search words or id"
        )

    def _fetch(
        self,
        base: str,
        url: str,
        params: Mapping[str, str] | None,
        headers: Mapping[str, str],
        deadline: float,
    ) -> tuple[requests.Response, bytes]:
        """One GET with its body, following redirects only within the API's own origin.

        Raises
        ------
        _Overdue
            When the deadline passes.
        FdcError
            For a redirect to another host, too many redirects, or an oversized answer.
        """
        for _hop in range(MAX_REDIRECTS + 1):
            remaining = deadline - self._clock()
            if remaining <= 0:
                raise _Overdue
            wait = min(self.timeout_s, remaining)
            response = self._session.get(
                url,
                params=params,
                headers=headers,
                timeout=(wait, wait),
                stream=True,
                allow_redirects=False,
            )
            if not response.is_redirect:
                return response, self._read(response, base, deadline)
            target = urljoin(url, response.headers.get("Location", ""))
            response.close()
            if not _same_origin(base, target):
                raise FdcError(
                    f"FoodData Central at {self._scrub(base)} redirected to another address "
                    f"({self._scrub(_origin(target))}); the API key is not sent there. Set "
                    "FDC_API_URL to the address the API really uses"
                )
            url, params = target, None  # the Location already carries the query
        raise FdcError(
            f"FoodData Central at {self._scrub(base)} redirected more than {MAX_REDIRECTS} "
            "times; check FDC_API_URL"
        )

    def _read(self, response: requests.Response, base: str, deadline: float) -> bytes:
        """The body, decompressed, read in small pieces against the deadline and the cap."""
        parts: list[bytes] = []
        size = 0
        try:
            while True:
                if self._clock() > deadline:
                    raise _Overdue
                chunk = response.raw.read1(65536, decode_content=True)
                if not chunk:
                    return b"".join(parts)
                size += len(chunk)
                if size > MAX_RESPONSE_BYTES:
                    raise FdcError(
                        f"FoodData Central at {self._scrub(base)} sent more than "
                        f"{MAX_RESPONSE_BYTES // 1_000_000} MB; ask for fewer results or check "
                        "FDC_API_URL"
                    )
                parts.append(chunk)
        except (OSError, ValueError) as error:  # urllib3 raises these for broken streams
            raise requests.ConnectionError(error) from None
        finally:
            response.close()

    def _give_up_message(self, problem: str, base: str) -> str:
        """The message after the last retry failed with ``problem``."""
        tries = self.max_retries + 1
        after = f"{tries} attempt{'s' if tries != 1 else ''}"
        where = self._scrub(base)
        if problem == "deadline":
            return (
                f"FoodData Central at {where} did not answer in time (the whole request took "
                f"longer than {self.deadline_s:g} s); check your connection or try again later"
            )
        if problem.startswith("retry-after: "):
            return (
                f"FoodData Central at {where} is busy "
                f"(HTTP {problem.removeprefix('retry-after: http: ')}) "
                f"and asks to wait longer than {MAX_WAIT_S:g} s before trying again; "
                "try again later"
            )
        if problem == "timeout":
            return (
                f"could not reach FoodData Central at {where}: timed out (no answer within "
                f"{self.timeout_s:g} s, {after}); check your connection or FDC_API_URL, "
                "or try again later"
            )
        if problem.startswith("connection: "):
            reason = self._scrub(problem.removeprefix("connection: "))
            return (
                f"could not reach FoodData Central at {where}: {reason} ({after}); "
                "check your connection or FDC_API_URL"
            )
        status = problem.removeprefix("http: ")
        if status == "429":
            return (
                f"FoodData Central rate limit reached (HTTP 429, {after}); DEMO_KEY allows ~30 "
                "requests/hour per IP address; wait an hour or use your own key: set "
                f"FDC_API_KEY to a free key from {API_KEY_SIGNUP_URL}"
            )
        return (
            f"FoodData Central at {where} is failing (HTTP {status}, {after}); "
            "the service is having trouble: try again later"
        )

    def _body_hint(self, body: bytes) -> str:
        text = body[:2000].decode("utf-8", errors="replace").strip()
        text = re.sub(r"\s+", " ", self._scrub(text))[:200]
        return f": {text}" if text else ""

    def _decode(self, body: bytes, response: requests.Response, base: str) -> Any:
        try:
            return json.loads(body.decode(response.encoding or "utf-8", errors="replace"))
        except RecursionError:
            raise FdcError(
                f"FoodData Central at {self._scrub(base)} sent JSON nested too deeply to read; "
                "check FDC_API_URL"
            ) from None
        except ValueError:
            kind = response.headers.get("Content-Type", "unknown type")
            raise FdcError(
                f"FoodData Central at {self._scrub(base)} answered with something that is not "
                f"JSON ({self._scrub(kind)}); check FDC_API_URL points at the FDC API "
                "(e.g. a proxy or captive portal may be in the way) and try again"
            ) from None


class _Overdue(Exception):
    """The whole-call deadline passed (internal to :class:`FdcClient`)."""


def _origin(url: str) -> str:
    """``scheme://host:port`` of a URL (default ports filled in)."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{parts.scheme}://{parts.hostname}:{port}"


def _same_origin(base: str, target: str) -> bool:
    """Whether ``target`` is on the API's host: same host and port, or http → https upgrade
    of the same host. Never a downgrade, never another host."""
    a, b = urlsplit(base), urlsplit(target)
    if a.hostname != b.hostname or b.scheme not in ("http", "https"):
        return False
    if a.scheme == "https" and b.scheme == "http":
        return False
    return a.scheme != b.scheme or _origin(base) == _origin(target)


def _reason(error: BaseException) -> str:
    """The innermost useful text of a requests exception (e.g. ``Connection refused``)."""
    text = str(error)
    match = re.search(r"\[Errno -?\d+\] ([^')\]]+)", text)
    if match:
        return match.group(1).strip()
    match = re.search(r"Failed to resolve '([^']+)'", text)
    if match:
        return f"cannot resolve host {match.group(1)}"
    return re.sub(r"\s+", " ", text)[:200] or type(error).__name__


def _retry_after_seconds(value: str | None) -> float | None:
    """Parse ``Retry-After`` (delta seconds or HTTP date) into seconds, ``None`` if unusable."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - datetime.now(UTC)).total_seconds()
    if not math.isfinite(seconds):
        return None
    return max(seconds, 0.0)


def _food_id_number(fdc_id: object) -> int:
    """A positive FDC id from an ``int`` or a string of digits."""
    if isinstance(fdc_id, int) and not isinstance(fdc_id, bool):
        number: int | None = fdc_id
    elif isinstance(fdc_id, str) and fdc_id.strip().isdigit():
        number = int(fdc_id.strip())
    else:
        number = None
    if number is None or number <= 0:
        raise FdcError(f"an FDC id is a positive whole number such as 328637, not {fdc_id!r}")
    return number


def _canonical_data_type(name: str) -> str:
    for known in DATA_TYPES:
        if isinstance(name, str) and name.strip().lower() == known.lower():
            return known
    raise FdcError(
        f"unknown FDC data type {name!r}; use some of: " + ", ".join(repr(t) for t in DATA_TYPES)
    )


# --------------------------------------------------------------------------------------------
# Catalogue row
# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _schema_columns() -> tuple[str, ...]:
    path = _DATA_DIR / "schema.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return tuple(row["column"].strip() for row in csv.DictReader(handle))


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")


def _default_food_id(food: FdcFood) -> str:
    slug = f"fdc_{food.fdc_id}"
    name = _slug(food.name)
    if name:
        slug = f"{slug}_{name}"
    return slug[:_SLUG_MAX].rstrip("_")


def _household(food: FdcFood, serving_g: float) -> str:
    """An FDC portion whose grams match ``serving_g`` (within 2 %), else ``"<g> g"``."""
    for description, grams in food.portions:
        if abs(grams - serving_g) <= 0.02 * serving_g:
            return description
    return f"{serving_g:g} g"


def food_to_custom_row(
    food: FdcFood,
    *,
    serving_g: float = 100.0,
    slots: Sequence[str] = ("lunch", "dinner"),
    name: str | None = None,
    food_id: str | None = None,
    category: str = "mixed",
    aisle: str = "dry_goods",
    price_usd_per_kg: float | None = None,
    price_source: str | None = None,
    diet_tags: Sequence[str] = (),
    allergens: Sequence[str] = (),
) -> dict[str, object]:
    """Turn an FDC food into a custom-food row of the catalogue schema.

    The row is not validated here; the catalogue loader validates it like any user row.

    Parameters
    ----------
    food : FdcFood
        The food from :meth:`FdcClient.get_food`.
    serving_g : float
        Grams in one serving (g).
    slots : sequence of str
        Meal slots where it is eaten (``breakfast``, ``lunch``, ``dinner``, ``snack``).
    name : str, optional
        Display name; default the FDC description.
    food_id : str, optional
        Catalogue id; default ``fdc_<id>_<name-slug>`` (a-z, 0-9 and ``_``, at most 60 chars).
    category, aisle : str
        Category and store aisle from ``foods/data/vocabulary.csv``.
    price_usd_per_kg : float, optional
        Price in USD per kg; ``None`` leaves it empty for the caller to fill with an estimate.
    price_source : str, optional
        Where the price comes from (``"estimate: ..."``); ``None`` when no price is given.
    diet_tags, allergens : sequence of str
        FDC does not say which diets a food fits or which allergens it contains, so both
        default to empty (= unknown: omnivore only, no allergen declared). The caller should
        ask the person and pass them.

    Returns
    -------
    dict of str to object
        Every column of ``foods/data/schema.csv`` in schema order (lists pipe-separated,
        booleans as ``bool``, ``ndb_no`` empty, ``fdc_id`` set), then one column per
        nutrient key with its value per 100 g (``None`` = missing).
    """
    values: dict[str, object] = {
        "food_id": food_id if food_id is not None else _default_food_id(food),
        "ndb_no": "",
        "name": name if name is not None else food.name,
        "category": category,
        "slots": "|".join(slots),
        "serving_g": float(serving_g),
        "household": _household(food, float(serving_g)),
        "allow_half": True,
        "max_servings_per_day": 3.0,
        "diet_tags": "|".join(diet_tags),
        "allergens": "|".join(allergens),
        "fortified": False,
        "aisle": aisle,
        "purchase_unit": "1 kg",
        "purchase_g": 1000.0,
        "count_unit": "",
        "count_g": None,
        "price_usd_per_kg": None if price_usd_per_kg is None else float(price_usd_per_kg),
        "price_source": price_source if price_source is not None else "",
        "fdc_id": str(food.fdc_id),
    }
    row: dict[str, object] = {column: values.get(column) for column in _schema_columns()}
    for key in _nutrient_map().keys:
        row[key] = food.nutrients_per_100g.get(key)
    return row
