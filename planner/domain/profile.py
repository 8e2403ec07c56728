"""Who the plan is for: the person's profile, validated at the edge.

A profile comes from a JSON or TOML file (:func:`load_profile`), from a mapping such as the
dashboard's form (:func:`profile_from_dict`) or from keyword arguments (:class:`Profile`); all
three run the same checks. Every problem names the field, the bad value and the fix, and all
problems are reported together, one per line, in a :class:`ProfileError`.

Fields (docs/contract.md)
-------------------------------
Required: ``age`` (years, 14–100), ``sex`` ("female" | "male"), ``weight_kg`` (kg, 30–300),
``height_cm`` (cm, 120–230), ``activity`` ("inactive" | "low_active" | "active" |
"very_active"). A form cannot guess these, and every energy and nutrient target depends on them.

Optional, with defaults: ``life_stage`` (None | "pregnant" | "lactating"; female 14–50 only),
``trimester`` (None | 1 | 2 | 3, pregnancy only), ``diet`` ("omnivore"), ``allergies`` (the
nine US major allergens plus ``gluten``), ``exclude_foods`` / ``like_foods`` (food ids or plain
names: "banana" means every banana food), ``exclude_dishes`` / ``like_dishes`` (dish ids or
plain names), ``cuisines`` / ``exclude_cuisines`` (cuisine words of the dish library),
``max_minutes_per_meal`` (None, or 5–240 minutes), ``meals_to_plan`` (default all four of
breakfast, lunch, dinner, snack), ``budget_usd_per_day`` (None = no budget; otherwise
0 < budget ≤ 200 US dollars a day), ``kidney_disease`` (False), ``dialysis`` (False; needs
kidney_disease), ``clinician_limits`` (a clinician's own daily limits, see
:data:`CLINICIAN_LIMITS`; conservative defaults apply with kidney disease),
``potassium_raising_medication`` (False), ``email`` (None, or an address for the weekly
e-mail).

TOML has no ``null``: leave ``life_stage`` or ``budget_usd_per_day`` out to mean "none".
Ages may have a fraction (18.5); the targets use whole years (floor), see
:mod:`planner.domain.targets`. Food and dish words are only checked for their form here; the planner
says which of them match nothing.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import math
import os
import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from foods.errors import UserError
from planner.domain.address import AddressError, validate_address

SEXES: tuple[str, ...] = ("female", "male")
LIFE_STAGES: tuple[str, ...] = ("pregnant", "lactating")
ACTIVITIES: tuple[str, ...] = ("inactive", "low_active", "active", "very_active")
DIETS: tuple[str, ...] = ("omnivore", "pescatarian", "vegetarian", "vegan")
#: Allergen groups the catalogue tags foods with (the US "big nine").
ALLERGENS: tuple[str, ...] = (
    "milk",
    "egg",
    "fish",
    "shellfish",
    "tree_nuts",
    "peanuts",
    "wheat",
    "soy",
    "sesame",
    "gluten",
)
#: Words people write for an allergy, and the allergen group to use instead (hints only).
ALLERGEN_HINTS: Mapping[str, str] = {
    "coeliac": "gluten",
    "celiac": "gluten",
    "dairy": "milk",
    "lactose": "milk",
    "eggs": "egg",
    "nuts": "tree_nuts",
    "tree_nut": "tree_nuts",
    "peanut": "peanuts",
    "crustacean": "shellfish",
    "shrimp": "shellfish",
    "soya": "soy",
}

AGE_RANGE_Y: tuple[int, int] = (14, 100)
PREGNANCY_AGE_RANGE_Y: tuple[int, int] = (14, 50)
WEIGHT_RANGE_KG: tuple[int, int] = (30, 300)
HEIGHT_RANGE_CM: tuple[int, int] = (120, 230)
BUDGET_MAX_USD_PER_DAY: float = 200.0

SLOTS: tuple[str, ...] = ("breakfast", "lunch", "dinner", "snack")
#: Limits a clinician may set (daily), with the unit and the allowed range.
CLINICIAN_LIMITS: Mapping[str, tuple[str, float, float]] = {
    "potassium_max_mg": ("mg", 1000, 6000),
    "phosphorus_max_mg": ("mg", 400, 2500),
    "protein_max_g_per_kg": ("g per kg", 0.4, 2.5),
    "protein_min_g_per_kg": ("g per kg", 0.4, 2.5),
    "fluid_max_ml": ("ml", 500, 5000),
}
MINUTES_RANGE: tuple[int, int] = (5, 240)

FIELDS: tuple[str, ...] = (
    "age",
    "sex",
    "life_stage",
    "trimester",
    "weight_kg",
    "height_cm",
    "activity",
    "diet",
    "allergies",
    "exclude_foods",
    "like_foods",
    "exclude_dishes",
    "like_dishes",
    "cuisines",
    "exclude_cuisines",
    "max_minutes_per_meal",
    "meals_to_plan",
    "budget_usd_per_day",
    "kidney_disease",
    "dialysis",
    "clinician_limits",
    "potassium_raising_medication",
    "email",
)
REQUIRED_FIELDS: tuple[str, ...] = ("age", "sex", "weight_kg", "height_cm", "activity")

_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")


class ProfileError(UserError):
    """A profile breaks one or more rules; ``problems`` holds one message per problem.

    Parameters
    ----------
    problems
        One message, or several (each names its field, the bad value and the fix).
    source
        Where the profile came from (a file name), prefixed to the message.
    """

    def __init__(self, problems: str | Sequence[str], *, source: str | None = None) -> None:
        self.problems: tuple[str, ...] = (
            (problems,) if isinstance(problems, str) else tuple(problems)
        )
        self.source = source
        super().__init__(_format_problems(self.problems, source))


def _format_problems(problems: Sequence[str], source: str | None) -> str:
    """Join problems into one message: a single line, or a count and one line each."""
    prefix = f"{source}: " if source else ""
    if len(problems) == 1:
        return prefix + problems[0]
    lines = "\n".join(f"  - {problem}" for problem in problems)
    return f"{prefix}{len(problems)} problems in the profile:\n{lines}"


@dataclass(frozen=True, kw_only=True)
class Profile:
    """A person, as the targets and the planner need them (validated on construction).

    Attributes
    ----------
    age : float
        Age in years, 14–100 (a fraction is allowed; targets use whole years).
    sex : str
        "female" or "male".
    life_stage : str or None
        None, "pregnant" or "lactating" (female, ages 14–50).
    weight_kg : float
        Body weight in kilograms, 30–300.
    height_cm : float
        Height in centimetres, 120–230.
    activity : str
        Physical-activity category of the NASEM 2023 EER equations: "inactive",
        "low_active", "active" or "very_active".
    diet : str
        "omnivore", "pescatarian", "vegetarian" or "vegan".
    allergies : tuple of str
        Allergen groups from :data:`ALLERGENS`.
    trimester : int or None
        1, 2 or 3 in pregnancy (sets the energy addition), else None.
    exclude_foods, like_foods : tuple of str
        Food ids or plain names ("banana" = every banana food) to leave out / to prefer.
    exclude_dishes, like_dishes : tuple of str
        Dish ids or plain names ("curry") to leave out / to prefer.
    cuisines, exclude_cuisines : tuple of str
        Cuisines to prefer / to leave out (words of ``foods/data/vocabulary.csv``).
    max_minutes_per_meal : int or None
        Longest a dish may take, start to table (minutes).
    meals_to_plan : tuple of str
        Which of breakfast, lunch, dinner and snack to plan.
    dialysis : bool
        On dialysis (kidney_disease must be true): protein needs rise, fluid is limited.
    clinician_limits : tuple of (name, value)
        A clinician's daily limits (:data:`CLINICIAN_LIMITS`); missing ones take the
        conservative defaults of :mod:`planner.domain.targets` when kidney_disease is set.
    email : str or None
        Where the weekly e-mail goes.
    budget_usd_per_day : float or None
        Food budget in US dollars per day (0 < budget ≤ 200), None for no budget.
    kidney_disease : bool
        Chronic kidney disease (potassium excretion may be impaired).
    potassium_raising_medication : bool
        Takes a medicine that raises blood potassium (ACE inhibitor, ARB, potassium-sparing
        diuretic, trimethoprim, NSAIDs, heparin) or uses a potassium-based salt substitute.
    """

    age: float
    sex: str
    life_stage: str | None = None
    trimester: int | None = None
    weight_kg: float
    height_cm: float
    activity: str
    diet: str = "omnivore"
    allergies: tuple[str, ...] = ()
    exclude_foods: tuple[str, ...] = ()
    like_foods: tuple[str, ...] = ()
    exclude_dishes: tuple[str, ...] = ()
    like_dishes: tuple[str, ...] = ()
    cuisines: tuple[str, ...] = ()
    exclude_cuisines: tuple[str, ...] = ()
    max_minutes_per_meal: int | None = None
    meals_to_plan: tuple[str, ...] = SLOTS
    budget_usd_per_day: float | None = None
    kidney_disease: bool = False
    dialysis: bool = False
    clinician_limits: tuple[tuple[str, float], ...] = ()
    potassium_raising_medication: bool = False
    email: str | None = None

    def __post_init__(self) -> None:
        values = {name: getattr(self, name) for name in FIELDS}
        problems, cleaned = _check_values(values)
        if problems:
            raise ProfileError(problems)
        for name, value in cleaned.items():  # lists from a form become tuples
            object.__setattr__(self, name, value)

    def to_dict(self) -> dict[str, Any]:
        """Return the profile as JSON-ready data (lists, not tuples), in contract order."""
        out: dict[str, Any] = {}
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if field.name == "clinician_limits":
                out[field.name] = dict(value)
            else:
                out[field.name] = list(value) if isinstance(value, tuple) else value
        return out

    def limits(self) -> dict[str, float]:
        """The clinician's limits as ``{name: value}`` (see :data:`CLINICIAN_LIMITS`)."""
        return dict(self.clinician_limits)


def profile_from_dict(data: Mapping[str, Any]) -> Profile:
    """Validate a mapping of fields and return a :class:`Profile`.

    Parameters
    ----------
    data
        Field name → value, as read from JSON/TOML or a form (see the module docstring).

    Returns
    -------
    Profile

    Raises
    ------
    ProfileError
        Listing every problem (unknown or missing fields, wrong types, out-of-range values,
        contradictions), one per line.

    Examples
    --------
    >>> p = profile_from_dict({"age": 45, "sex": "female", "weight_kg": 68,
    ...                        "height_cm": 165, "activity": "low_active"})
    >>> p.diet, p.allergies
    ('omnivore', ())
    """
    if not isinstance(data, Mapping):
        raise ProfileError(
            f"a profile must be an object of fields, got {_type_name(data)}; "
            'write it like {"age": 45, "sex": "female", ...}'
        )
    problems = _check_keys(data)
    known = {key: value for key, value in data.items() if key in FIELDS}
    value_problems, cleaned = _check_values(known)
    problems.extend(value_problems)
    if problems:
        raise ProfileError(problems)
    return Profile(**cleaned)


def load_profile(path: str | os.PathLike[str]) -> Profile:
    """Read and validate a profile file (``.json`` or ``.toml``, UTF-8).

    Parameters
    ----------
    path
        The profile file.

    Returns
    -------
    Profile

    Raises
    ------
    ProfileError
        The file is missing or unreadable, has a syntax error (the message gives line and
        column), is not an object of fields at the top level, or breaks a field rule.
    """
    file = Path(path)
    if file.is_dir():
        raise ProfileError(f"{file} is a folder, not a profile file; give the .json or .toml file")
    parsers: dict[str, Callable[[str, Path], Any]] = {".json": _parse_json, ".toml": _parse_toml}
    suffix = file.suffix.lower()
    if suffix not in parsers:
        raise ProfileError(
            f"unsupported profile file type '{suffix or '(none)'}'; save it as .json or .toml",
            source=str(file),
        )
    text = _read_text(file)
    data = parsers[suffix](text, file)
    if not isinstance(data, dict):
        raise ProfileError(
            f"the top level must be an object of fields, got {_type_name(data)}; "
            'write it like {"age": 45, "sex": "female", ...}',
            source=str(file),
        )
    try:
        return profile_from_dict(data)
    except ProfileError as exc:
        raise ProfileError(exc.problems, source=str(file)) from None


def demo_profile() -> Profile:
    """Return the dashboard's first-load demo: a woman, 45 y, 165 cm, 68 kg, low active.

    Examples
    --------
    >>> demo_profile().age, demo_profile().activity
    (45, 'low_active')
    """
    return Profile(age=45, sex="female", weight_kg=68, height_cm=165, activity="low_active")


# --- reading files ----------------------------------------------------------------------------


def _read_text(file: Path) -> str:
    """Return the file's UTF-8 text, turning OS errors into :class:`ProfileError`."""
    try:
        return file.read_text(encoding="utf-8-sig")  # a byte-order mark is not an error
    except FileNotFoundError:
        raise ProfileError(f"profile file not found: {file}; check the path") from None
    except IsADirectoryError:
        raise ProfileError(f"{file} is a folder, not a profile file; give the file") from None
    except PermissionError:
        raise ProfileError(f"cannot read {file}: permission denied") from None
    except UnicodeDecodeError as exc:
        raise ProfileError(
            f"byte {exc.start} is not UTF-8 text; save the file as UTF-8", source=str(file)
        ) from None


def _parse_json(text: str, file: Path) -> Any:
    """Parse JSON, reporting syntax errors and duplicate fields with their position."""
    duplicates: list[str] = []

    def pairs_to_dict(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in pairs:
            if key in out:
                duplicates.append(key)
            out[key] = value
        return out

    try:
        data = json.loads(text, object_pairs_hook=pairs_to_dict)
    except json.JSONDecodeError as exc:
        raise ProfileError(
            f"JSON syntax error at line {exc.lineno}, column {exc.colno}: {exc.msg}; "
            "fix the file there",
            source=str(file),
        ) from None
    except (RecursionError, ValueError) as exc:  # nesting, or an integer of 4,300+ digits
        raise ProfileError(_unreadable(exc), source=str(file)) from None
    if duplicates:
        raise ProfileError(
            [f"{key}: the field is given more than once; keep one" for key in duplicates],
            source=str(file),
        )
    return data


def _parse_toml(text: str, file: Path) -> Any:
    """Parse TOML, reporting syntax errors with their line and column."""
    try:
        return tomllib.loads(text)
    except (RecursionError, OverflowError) as exc:
        raise ProfileError(_unreadable(exc), source=str(file)) from None
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = _TOML_POSITION.search(message)
        if match:
            where = f"line {match.group(1)}, column {match.group(2)}"
            message = message[: match.start()]
        else:
            where = "the end of the file" if "end of document" in message else "unknown position"
            message = re.sub(r"\s*\(at end of document\)\s*$", "", message)
        raise ProfileError(
            f"TOML syntax error at {where}: {message}; fix the file there", source=str(file)
        ) from None


def _unreadable(exc: BaseException) -> str:
    """The message for a file that parses only with absurd nesting or numbers."""
    if isinstance(exc, RecursionError):
        return "the file is nested too deeply to be a profile; a profile is one flat object"
    return (
        "the file holds a number far too long to be a profile value; a profile needs "
        "ordinary numbers such as 45 or 68.5"
    )


# --- field checks -----------------------------------------------------------------------------


def _check_keys(data: Mapping[Any, Any]) -> list[str]:
    """Return problems for unknown and missing fields."""
    problems = []
    allowed = ", ".join(FIELDS)
    for key in data:
        if key in FIELDS:
            continue
        close = difflib.get_close_matches(str(key), FIELDS, n=1, cutoff=0.6)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        problems.append(f"unknown field '{key}'{hint}; allowed fields: {allowed}")
    for key in REQUIRED_FIELDS:
        if key not in data:
            problems.append(f"{key}: missing required field; {_HINTS[key]}")
    return problems


_HINTS: Mapping[str, str] = {
    "age": "give the age in years, e.g. 45 (14–100)",
    "sex": "use 'female' or 'male'",
    "weight_kg": "give the body weight in kilograms, e.g. 68 (30–300)",
    "height_cm": "give the height in centimetres, e.g. 165 (120–230)",
    "activity": "use one of " + ", ".join(f"'{a}'" for a in ACTIVITIES),
}


def _check_values(values: Mapping[str, Any]) -> tuple[list[str], dict[str, Any]]:
    """Check each known field present in ``values``; return (problems, cleaned values)."""
    problems: list[str] = []
    cleaned: dict[str, Any] = {}
    for name, value in values.items():
        checker = _CHECKERS[name]
        result = checker(name, value)
        if isinstance(result, _Problem):
            problems.append(result.message)
        else:
            cleaned[name] = result
    problems.extend(_check_combinations(cleaned))
    return problems, cleaned


@dataclass(frozen=True)
class _Problem:
    message: str


def _show(value: Any) -> str:
    """Show a value the way the person wrote it (JSON spelling where possible; a huge
    number as its digit count, a long text shortened)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**15:
        digits = len(str(abs(value))) if abs(value) < 10**4000 else "thousands of"
        return f"a number with {digits} digits"
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _type_name(value: Any) -> str:
    """Name a value's type in plain words."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    if value is None:
        return "null"
    return type(value).__name__


def _number(
    name: str, value: Any, low: float, high: float, unit: str, example: str, fix: str = ""
) -> float | _Problem:
    """Check a finite number within [low, high]; return it unchanged or a problem."""
    fix = fix or f"give {unit} as a number from {low:g} to {high:g}, e.g. {example}"
    if isinstance(value, bool):
        return _Problem(f"{name}: {_show(value)} is a yes/no value, not a number; {fix}")
    if isinstance(value, str):
        if _looks_numeric(value):
            return _Problem(
                f"{name}: {_show(value)} is text; write the number without quotes: {value.strip()}"
            )
        return _Problem(f"{name}: {_show(value)} is not a number; {fix}")
    if not isinstance(value, int | float):
        return _Problem(f"{name}: expected a number, got {_type_name(value)}; {fix}")
    if isinstance(value, float) and not math.isfinite(value):
        return _Problem(f"{name}: {value} is not a finite number; {fix}")
    if not low <= value <= high:  # exact for integers of any size (no float overflow)
        return _Problem(f"{name}: {_show(value)} is outside {low:g}–{high:g}; {fix}")
    return value


def _looks_numeric(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def _check_age(name: str, value: Any) -> float | _Problem:
    low, high = AGE_RANGE_Y
    result = _number(name, value, low, high, "the age in years", "45")
    if not isinstance(result, _Problem) or isinstance(value, bool):
        return result
    if isinstance(value, int | float) and value < low and value > -(10**15):
        return _Problem(
            f"{name}: {value:g} is below {low}; this planner covers ages {low}–{high} because the "
            "DRI tables it uses start at 14 (for a child, ask a paediatric dietitian)"
        )
    return result


def _check_weight(name: str, value: Any) -> float | _Problem:
    return _number(name, value, *WEIGHT_RANGE_KG, "the body weight in kilograms", "68")


def _check_height(name: str, value: Any) -> float | _Problem:
    return _number(name, value, *HEIGHT_RANGE_CM, "the height in centimetres", "165")


def _check_budget(name: str, value: Any) -> float | None | _Problem:
    if value is None:
        return None
    fix = (
        f"give US dollars per day, more than 0 and at most {BUDGET_MAX_USD_PER_DAY:g}, e.g. "
        "12.50; or null (JSON) / leave the field out (TOML) for no budget"
    )
    result = _number(name, value, 0, BUDGET_MAX_USD_PER_DAY, "", "", fix)
    if not isinstance(result, _Problem) and result <= 0:
        return _Problem(f"{name}: {result:g} is not more than 0; {fix}")
    return result


def _choice(name: str, value: Any, allowed: Sequence[str]) -> Any:
    """Check ``value`` is one of ``allowed``; suggest the closest on a typo."""
    options = ", ".join(f"'{a}'" for a in allowed)
    if not isinstance(value, str):
        return _Problem(f"{name}: expected text, one of {options}; got {_show(value)}")
    if value in allowed:
        return value
    close = difflib.get_close_matches(value.strip().lower(), allowed, n=1, cutoff=0.6)
    hint = f"did you mean '{close[0]}'? " if close else ""
    return _Problem(f"{name}: {_show(value)} is not allowed; {hint}use one of {options}")


def _check_sex(name: str, value: Any) -> str | _Problem:
    return _choice(name, value, SEXES)


def _check_activity(name: str, value: Any) -> str | _Problem:
    return _choice(name, value, ACTIVITIES)


def _check_diet(name: str, value: Any) -> str | _Problem:
    return _choice(name, value, DIETS)


def _check_life_stage(name: str, value: Any) -> str | None | _Problem:
    if value is None:
        return None
    result = _choice(name, value, LIFE_STAGES)
    if isinstance(result, _Problem):
        return _Problem(
            result.message + "; or null (JSON) / leave the field out (TOML) if neither applies"
        )
    return result


def _check_bool(name: str, value: Any) -> bool | _Problem:
    if isinstance(value, bool):
        return value
    return _Problem(
        f"{name}: {_show(value)} is {_type_name(value)}, not a yes/no value; "
        "write true or false (without quotes)"
    )


def _string_list(name: str, value: Any, example: str) -> tuple[str, ...] | _Problem:
    """Check a list of text items; return it as a tuple without duplicates."""
    if isinstance(value, str):
        return _Problem(
            f"{name}: {_show(value)} is a single text, not a list; write a list, e.g. {example}"
        )
    if not isinstance(value, list | tuple):
        return _Problem(
            f"{name}: expected a list, got {_type_name(value)}; write a list, e.g. {example} "
            "(or [] for none)"
        )
    bad = [item for item in value if not isinstance(item, str)]
    if bad:
        return _Problem(
            f"{name}: every item must be text in quotes; {_show(bad[0])} is {_type_name(bad[0])}"
        )
    return tuple(dict.fromkeys(value))


def _check_allergies(name: str, value: Any) -> tuple[str, ...] | _Problem:
    items = _string_list(name, value, '["milk", "peanuts"]')
    if isinstance(items, _Problem):
        return items
    bad = []
    for item in items:
        if item in ALLERGENS:
            continue
        key = item.strip().lower()
        close = difflib.get_close_matches(key, ALLERGENS, n=1, cutoff=0.6)
        suggestion = ALLERGEN_HINTS.get(key) or (close[0] if close else None)
        bad.append(_show(item) + (f" (did you mean '{suggestion}'?)" if suggestion else ""))
    if bad:
        options = ", ".join(f"'{a}'" for a in ALLERGENS)
        verb = "is not an allergen group" if len(bad) == 1 else "are not allergen groups"
        return _Problem(f"{name}: {', '.join(bad)} {verb}; use items from {options}")
    return items


#: A plain name or an id of a food or dish: letters (any language), digits, spaces, ' - _ .
_WORDS = re.compile(r"[^\W][\w '\-.]{0,59}")


def _check_words(name: str, value: Any) -> tuple[str, ...] | _Problem:
    """A list of food or dish ids or plain names (kept lower-case and trimmed)."""
    items = _string_list(name, value, '["banana", "lentils_cooked"]')
    if isinstance(items, _Problem):
        return items
    bad = [item for item in items if not _WORDS.fullmatch(" ".join(item.split()).lower())]
    if bad:
        return _Problem(
            f"{name}: {_show(bad[0])} is not a name or an id; use a food or dish id (e.g. "
            "'lentils_cooked') or plain words of a-z (e.g. 'banana'), up to 60 characters"
        )
    return tuple(dict.fromkeys(" ".join(item.split()).lower() for item in items))


def _check_cuisines(name: str, value: Any) -> tuple[str, ...] | _Problem:
    from foods.vocabulary import vocabulary

    items = _string_list(name, value, '["italian", "indian"]')
    if isinstance(items, _Problem):
        return items
    allowed = vocabulary("cuisine")
    for item in items:
        if item not in allowed:
            return _choice(name, item, allowed)
    return items


def _check_trimester(name: str, value: Any) -> int | None | _Problem:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 3:
        return _Problem(f"{name}: {_show(value)} must be 1, 2 or 3 (or left out)")
    return value


def _check_minutes(name: str, value: Any) -> int | None | _Problem:
    if value is None:
        return None
    low, high = MINUTES_RANGE
    result = _number(name, value, low, high, "minutes", "30")
    return result if isinstance(result, _Problem) else int(result)


def _check_meals(name: str, value: Any) -> tuple[str, ...] | _Problem:
    items = _string_list(name, value, '["lunch", "dinner"]')
    if isinstance(items, _Problem):
        return items
    for item in items:
        if item not in SLOTS:
            return _choice(name, item, SLOTS)
    if not items:
        return _Problem(f"{name}: is empty; list at least one of {', '.join(SLOTS)}")
    return tuple(slot for slot in SLOTS if slot in items)


def _check_limits(name: str, value: Any) -> tuple[tuple[str, float], ...] | _Problem:
    if value is None:
        return ()
    if isinstance(value, tuple) and all(isinstance(p, tuple) and len(p) == 2 for p in value):
        value = dict(value)  # already checked once (the Profile re-checks its own values)
    if not isinstance(value, Mapping):
        return _Problem(
            f'{name}: expected an object like {{"potassium_max_mg": 2000}}, got {_type_name(value)}'
        )
    out = []
    for key, number in value.items():
        if key not in CLINICIAN_LIMITS:
            allowed = ", ".join(CLINICIAN_LIMITS)
            return _Problem(f"{name}: unknown limit {_show(key)}; use {allowed}")
        unit, low, high = CLINICIAN_LIMITS[key]
        result = _number(f"{name}.{key}", number, low, high, unit, f"{low:g}")
        if isinstance(result, _Problem):
            return result
        out.append((str(key), float(result)))
    return tuple(sorted(out))


def _check_email(name: str, value: Any) -> str | None | _Problem:
    """The address the weekly plan goes to, checked like ``email --to``."""
    if value is None or value == "":
        return None
    try:
        return validate_address(value, name)
    except AddressError as exc:
        return _Problem(str(exc))


def _check_combinations(cleaned: Mapping[str, Any]) -> list[str]:
    """Return problems that involve more than one field (each checked only if valid)."""
    problems = []
    stage = cleaned.get("life_stage")
    if stage is not None and cleaned.get("sex") == "male":
        problems.append(
            f"life_stage: {_show(stage)} applies only with sex 'female'; "
            "remove life_stage or set sex to 'female'"
        )
    age = cleaned.get("age")
    low, high = PREGNANCY_AGE_RANGE_Y
    if stage is not None and age is not None and not low <= math.floor(age) <= high:
        problems.append(
            f"life_stage: {_show(stage)} at age {age:g} is outside {low}–{high}, the ages the "
            "pregnancy and lactation DRIs cover; remove life_stage or check the age"
        )
    for liked, left_out in (
        ("like_foods", "exclude_foods"),
        ("like_dishes", "exclude_dishes"),
        ("cuisines", "exclude_cuisines"),
    ):
        both = set(cleaned.get(liked, ())) & set(cleaned.get(left_out, ()))
        for item in sorted(both):
            problems.append(
                f"{liked}: '{item}' is also in {left_out}; remove it from one of the lists"
            )
    if cleaned.get("trimester") is not None and stage != "pregnant":
        problems.append(
            "trimester: applies only with life_stage 'pregnant'; remove it or set life_stage"
        )
    if cleaned.get("dialysis") and not cleaned.get("kidney_disease"):
        problems.append("dialysis: needs kidney_disease true; set both, or remove dialysis")
    limits = dict(cleaned.get("clinician_limits", ()))
    floor, ceiling = limits.get("protein_min_g_per_kg"), limits.get("protein_max_g_per_kg")
    if floor is not None and ceiling is not None and floor > ceiling:
        problems.append(
            f"clinician_limits: protein_min_g_per_kg {floor:g} is above protein_max_g_per_kg "
            f"{ceiling:g}; check the two numbers"
        )
    return problems


_CHECKERS: Mapping[str, Callable[[str, Any], Any]] = {
    "age": _check_age,
    "sex": _check_sex,
    "life_stage": _check_life_stage,
    "weight_kg": _check_weight,
    "height_cm": _check_height,
    "activity": _check_activity,
    "diet": _check_diet,
    "allergies": _check_allergies,
    "trimester": _check_trimester,
    "exclude_foods": _check_words,
    "like_foods": _check_words,
    "exclude_dishes": _check_words,
    "like_dishes": _check_words,
    "cuisines": _check_cuisines,
    "exclude_cuisines": _check_cuisines,
    "max_minutes_per_meal": _check_minutes,
    "meals_to_plan": _check_meals,
    "budget_usd_per_day": _check_budget,
    "kidney_disease": _check_bool,
    "dialysis": _check_bool,
    "clinician_limits": _check_limits,
    "potassium_raising_medication": _check_bool,
    "email": _check_email,
}
