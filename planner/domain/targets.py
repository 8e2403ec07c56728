"""Daily nutrient targets for a profile: DRIs by life stage, energy, and safety rules.

The reference numbers live in ``planner/data/*.csv`` with a source tag on every row; the tags
resolve to full citations in ``planner/data/sources.csv`` and every :class:`Target` carries
its citation as readable text.

Rules and decisions
-------------------
* **Life stage.** Groups 14–18, 19–30, 31–50, 51–70 and 71+ (pregnancy and lactation:
  14–18, 19–30, 31–50). Ages are whole years: a fractional age is floored (18.5 → 18), for
  the group and in the energy equations.
* **Energy.** NASEM 2023 EER equations [F]. Adults (19+) as in ``targets.md``. Ages 14–18 use
  the NASEM 2023 equations for 3–18 y plus 20 kcal/day energy deposition; their coefficients
  were cross-checked against Health Canada's reproduction [HC-EER] and agree with two other
  public reproductions. The band is 90–110 % of the EER. Lactation adds 330 kcal (0–6 months)
  [E]. Pregnancy adds +0 / +340 / +452 kcal in trimesters 1 / 2 / 3 [E]; when the profile
  gives no trimester the band spans all three (90 % of the EER to 110 % of EER + 452 kcal).
* **Fibre.** 14 g per 1,000 kcal [E] of the midpoint of the energy band governs (for a
  non-pregnant person that is the EER itself), so fibre scales with the energy the plan
  delivers; the table AI for the life stage is shown in the note.
* **Protein.** The larger of the life-stage RDA and 0.8 g per kg body weight [E].
* **Maxima.** Calcium, vitamin D and zinc ULs, sodium CDRR 2,300 mg, caffeine (400 mg; 200 mg
  in pregnancy; 2.5 mg/kg for ages 14–18; the lowest applicable cap governs). The magnesium UL
  (350 mg) applies to supplements only and is never a cap on food.
* **Impaired potassium excretion** (``kidney_disease`` or ``potassium_raising_medication``):
  potassium has no minimum and a conservative 2,000 mg maximum (basis "clinician"), and a
  warning tells the person to ask their clinician.
* **Kidney disease** [KDOQI]: phosphorus ≤ 1,000 mg; protein ≤ 0.8 g per kg (not on
  dialysis) or ≥ 1.0 g per kg (on dialysis, where protein is lost); on dialysis fluid from
  drinks ≤ 1,500 ml and the water AI does not apply. All are conservative defaults that the
  clinician's own limits (``clinician_limits`` in the profile) replace.

``basis`` names the kind of reference value; when the minimum and maximum come from different
kinds it reads "min/max", e.g. "RDA/UL" or "AI/CDRR".
"""

from __future__ import annotations

import csv
import difflib
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from foods.errors import UserError
from planner.domain.profile import Profile

#: Target keys, in the order tables and JSON list them.
TARGET_KEYS: tuple[str, ...] = (
    "potassium_mg",
    "magnesium_mg",
    "calcium_mg",
    "vitamin_d_ug",
    "sodium_mg",
    "zinc_mg",
    "water_g",
    "energy_kcal",
    "protein_g",
    "fiber_g",
    "protein_pct_energy",
    "fat_pct_energy",
    "carbohydrate_pct_energy",
    "caffeine_mg",
    "phosphorus_mg",
    "fluid_ml",
)

ENERGY_BAND: tuple[float, float] = (0.9, 1.1)
#: Lowest protein aimed for with kidney disease, g per kg (KDOQI 2020's lower end).
KIDNEY_PROTEIN_FLOOR_G_PER_KG = 0.6
#: Conservative kidney defaults (KDOQI 2020), replaced by a clinician's own limits.
KIDNEY_DEFAULTS: Mapping[str, float] = MappingProxyType(
    {
        "phosphorus_max_mg": 1000.0,
        "protein_max_g_per_kg": 0.8,  # not on dialysis
        "protein_min_g_per_kg": 1.0,  # on dialysis
        "fluid_max_ml": 1500.0,  # on dialysis: drinks and drinking water
    }
)
#: Conservative potassium cap (mg/day) when potassium excretion may be impaired.
POTASSIUM_CAP_IMPAIRED_MG: float = 2000.0
POTASSIUM_CLINICIAN_NOTE = "conservative default — ask your clinician for your own potassium limit"
_LACTATION_PERIOD = "0-6 months postpartum"


class TargetError(UserError):
    """A requested change to the targets is not allowed (names the nutrient and the fix)."""


@dataclass(frozen=True)
class Target:
    """One daily target.

    Attributes
    ----------
    key : str
        Nutrient key, e.g. "potassium_mg" (the unit is in the name).
    min, max : float or None
        Daily minimum and maximum in ``unit``; None where there is none.
    unit : str
        "mg", "µg", "g", "kcal" or "% energy".
    basis : str
        Kind of reference value: "RDA", "AI", "UL", "CDRR", "EER", "AMDR", "FDA", "ACOG",
        "Health Canada", "clinician", or "min/max" when they differ (e.g. "RDA/UL").
    source : str
        Citation(s), readable text.
    note : str
        How the number was derived, or what to ask a clinician ("" if nothing to add).
    """

    key: str
    min: float | None
    max: float | None
    unit: str
    basis: str
    source: str
    note: str = ""

    def __post_init__(self) -> None:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"{self.key}: min {self.min} > max {self.max}")

    def to_dict(self) -> dict[str, Any]:
        """Return the contract of docs/contract.md entry: min, max, basis, source, unit, note."""
        return {
            "min": self.min,
            "max": self.max,
            "basis": self.basis,
            "source": self.source,
            "unit": self.unit,
            "note": self.note,
        }


@dataclass(frozen=True)
class Targets:
    """All daily targets for one person, with warnings and the life stage they come from.

    Attributes
    ----------
    targets : Mapping[str, Target]
        Read-only mapping, key → :class:`Target`, in :data:`TARGET_KEYS` order.
    warnings : tuple of str
        Safety messages to show with any plan.
    life_stage_label : str
        DRI group, e.g. "Female 31–50", "Male 71+", "Pregnant 19–30".
    eer_kcal : float
        Estimated energy requirement, kcal/day (lactation addition included; in pregnancy the
        pre-pregnancy / first-trimester value — the energy target spans the trimesters).
    """

    targets: Mapping[str, Target]
    warnings: tuple[str, ...] = ()
    life_stage_label: str = ""
    eer_kcal: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "targets", MappingProxyType(dict(self.targets)))
        object.__setattr__(self, "warnings", tuple(self.warnings))

    def __getitem__(self, key: str) -> Target:
        return self.targets[key]

    def __contains__(self, key: object) -> bool:
        return key in self.targets

    def __iter__(self) -> Iterator[str]:
        return iter(self.targets)

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """Return ``{key: {"min", "max", "basis", "source", "unit", "note"}}``."""
        return {key: target.to_dict() for key, target in self.targets.items()}

    def as_json(self) -> dict[str, Any]:
        """Return the CLI's JSON document: targets, warnings, life_stage, eer_kcal."""
        return {
            "targets": self.to_dict(),
            "warnings": list(self.warnings),
            "life_stage": self.life_stage_label,
            "eer_kcal": round(self.eer_kcal, 1),
        }


# --- reference data ---------------------------------------------------------------------------


@cache
def _table(name: str) -> tuple[dict[str, str], ...]:
    """Read ``planner/data/<name>`` (UTF-8 CSV) as rows of text."""
    text = resources.files("planner").joinpath("data", name).read_text(encoding="utf-8")
    return tuple(csv.DictReader(text.splitlines()))


@cache
def _citations() -> Mapping[str, str]:
    return {row["tag"]: row["citation"] for row in _table("sources.csv")}


def cite(tags: str) -> str:
    """Turn source tags ("A", or "F;HC-EER") into readable citation text.

    Examples
    --------
    >>> cite("F").startswith("[F] NASEM 2023, Dietary Reference Intakes for Energy")
    True
    """
    return "; ".join(f"[{tag}] {_citations()[tag]}" for tag in tags.split(";"))


def whole_years(age: float) -> int:
    """Return the age in whole years used for DRI groups and equations (floor: 18.5 → 18)."""
    return math.floor(age)


def _in_ages(row: Mapping[str, str], age: int) -> bool:
    high = row["age_max"]
    return int(row["age_min"]) <= age and (not high or age <= int(high))


def _stage(profile: Profile) -> str:
    return profile.life_stage or "none"


def _group_row(name: str, nutrient: str, profile: Profile) -> dict[str, str]:
    """Return the single row of a life-stage table that applies to ``profile``."""
    age = whole_years(profile.age)
    rows = [
        row
        for row in _table(name)
        if row["nutrient"] == nutrient
        and row["life_stage"] == _stage(profile)
        and row["sex"] == profile.sex
        and _in_ages(row, age)
    ]
    if len(rows) != 1:
        raise LookupError(f"{name}: {len(rows)} rows for {nutrient}, {_stage(profile)}, {age} y")
    return rows[0]


def _limit_rows(nutrient: str, profile: Profile, applies_to: str = "food") -> list[dict[str, str]]:
    """Return the upper-limit rows that apply to ``profile`` (life stage/sex 'any' match all)."""
    age = whole_years(profile.age)
    return [
        row
        for row in _table("upper_limits.csv")
        if row["nutrient"] == nutrient
        and row["applies_to"] == applies_to
        and row["life_stage"] in ("any", _stage(profile))
        and row["sex"] in ("any", profile.sex)
        and _in_ages(row, age)
    ]


def _upper_limit(nutrient: str, profile: Profile, applies_to: str = "food") -> dict[str, str]:
    rows = _limit_rows(nutrient, profile, applies_to)
    if len(rows) != 1:
        raise LookupError(f"upper_limits.csv: {len(rows)} rows for {nutrient}")
    return rows[0]


def life_stage_label(profile: Profile) -> str:
    """Name the DRI group of ``profile``, e.g. "Female 31–50", "Male 71+", "Pregnant 19–30"."""
    row = _group_row("dri_minerals.csv", "potassium_mg", profile)
    who = (profile.life_stage or profile.sex).capitalize()
    ages = f"{row['age_min']}–{row['age_max']}" if row["age_max"] else f"{row['age_min']}+"
    return f"{who} {ages}"


# --- energy -----------------------------------------------------------------------------------


def estimate_eer(profile: Profile) -> float:
    """Return the NASEM 2023 estimated energy requirement, kcal/day, before any pregnancy or
    lactation addition.

    ``EER = intercept + a·age[y] + h·height[cm] + w·weight[kg] + growth`` with the
    coefficients of ``planner/data/eer_equations.csv`` for the sex, age group (14–18 or 19+)
    and activity.

    Examples
    --------
    >>> p = Profile(age=30, sex="male", height_cm=170, weight_kg=70, activity="inactive")
    >>> round(estimate_eer(p))
    2520
    """
    row = _eer_row(profile)
    return (
        float(row["intercept_kcal"])
        + float(row["kcal_per_year"]) * whole_years(profile.age)
        + float(row["kcal_per_cm"]) * profile.height_cm
        + float(row["kcal_per_kg"]) * profile.weight_kg
        + float(row["growth_kcal"])
    )


def _eer_row(profile: Profile) -> dict[str, str]:
    age = whole_years(profile.age)
    rows = [
        row
        for row in _table("eer_equations.csv")
        if row["sex"] == profile.sex and row["activity"] == profile.activity and _in_ages(row, age)
    ]
    if len(rows) != 1:
        raise LookupError(f"eer_equations.csv: {len(rows)} rows for {profile.sex}, {age} y")
    return rows[0]


def _energy_addition(stage: str, period: str) -> tuple[float, str]:
    """Return (kcal/day, source tag) of a pregnancy or lactation energy addition."""
    for row in _table("energy_additions.csv"):
        if row["life_stage"] == stage and row["period"] == period:
            return float(row["kcal"]), row["source"]
    raise LookupError(f"energy_additions.csv: no row for {stage}, {period}")


def _max_pregnancy_addition() -> tuple[float, str]:
    rows = [row for row in _table("energy_additions.csv") if row["life_stage"] == "pregnant"]
    top = max(rows, key=lambda row: float(row["kcal"]))
    return float(top["kcal"]), top["source"]


def _energy_target(profile: Profile) -> Target:
    """Energy band, kcal/day: 90–110 % of the EER, widened across trimesters in pregnancy."""
    low, high = ENERGY_BAND
    eer = estimate_eer(profile)
    tags = _eer_row(profile)["source"]
    top = eer
    note = f"{low:.0%}–{high:.0%} of your estimated energy requirement ({eer:,.0f} kcal)"
    if profile.life_stage == "pregnant" and profile.trimester is not None:
        extra, tag = _energy_addition("pregnant", f"trimester {profile.trimester}")
        eer += extra
        tags, top = f"{tags};{tag}", eer
        note = (
            f"{low:.0%}–{high:.0%} of your estimated energy requirement ({eer:,.0f} kcal), "
            f"which includes +{extra:,.0f} kcal for trimester {profile.trimester}"
        )
    elif profile.life_stage == "pregnant":
        extra, tag = _max_pregnancy_addition()
        tags, top = f"{tags};{tag}", eer + extra
        note = (
            f"EER {eer:,.0f} kcal; no trimester is known, so the range spans all three: from "
            f"{low:.0%} of the EER (1st trimester, +0 kcal) to {high:.0%} of the EER "
            f"+ {extra:,.0f} kcal (3rd trimester); give the trimester for a closer target"
        )
    elif profile.life_stage == "lactating":
        extra, tag = _energy_addition("lactating", _LACTATION_PERIOD)
        later, _ = _energy_addition("lactating", "7-12 months postpartum")
        eer += extra
        tags, top = f"{tags};{tag}", eer
        note = (
            f"{low:.0%}–{high:.0%} of your estimated energy requirement ({eer:,.0f} kcal), "
            f"which includes +{extra:,.0f} kcal for breastfeeding 0–6 months after birth "
            f"(from month 7 the addition is {later:,.0f} kcal)"
        )
    return Target(
        key="energy_kcal",
        min=round(low * eer),
        max=round(high * top),
        unit="kcal",
        basis="EER",
        source=cite(tags),
        note=note,
    )


def _person_eer(profile: Profile) -> float:
    """EER including the lactation or trimester addition (without a trimester, pregnancy is
    handled by the energy band and this is the first-trimester value)."""
    eer = estimate_eer(profile)
    if profile.life_stage == "lactating":
        eer += _energy_addition("lactating", _LACTATION_PERIOD)[0]
    if profile.life_stage == "pregnant" and profile.trimester is not None:
        eer += _energy_addition("pregnant", f"trimester {profile.trimester}")[0]
    return eer


# --- one function per target ------------------------------------------------------------------


def _mineral(profile: Profile, key: str) -> dict[str, str]:
    return _group_row("dri_minerals.csv", key, profile)


def _min_with_upper_limit(profile: Profile, key: str, note: str = "") -> Target:
    """A mineral/vitamin target: life-stage RDA or AI as minimum, UL or CDRR as maximum."""
    low = _mineral(profile, key)
    high = _upper_limit(key, profile)
    tags = low["source"] if low["source"] == high["source"] else f"{low['source']};{high['source']}"
    return Target(
        key=key,
        min=float(low["value"]),
        max=float(high["value"]),
        unit=low["unit"],
        basis=f"{low['basis']}/{high['basis']}",
        source=cite(tags),
        note=note,
    )


def _potassium(profile: Profile) -> Target:
    own = profile.limits().get("potassium_max_mg")
    if own is not None:
        return Target(
            key="potassium_mg",
            min=None,
            max=own,
            unit="mg",
            basis="clinician",
            source="your clinician's limit (profile clinician_limits)",
            note="your clinician's potassium limit; the usual AI does not apply",
        )
    if _potassium_excretion_impaired(profile):
        return Target(
            key="potassium_mg",
            min=None,
            max=POTASSIUM_CAP_IMPAIRED_MG,
            unit="mg",
            basis="clinician",
            source=cite("SAFETY;A"),
            note=POTASSIUM_CLINICIAN_NOTE,
        )
    row = _mineral(profile, "potassium_mg")
    note = "no upper limit from food for healthy kidneys; potassium supplements only under "
    note += "medical guidance"
    return Target(
        key="potassium_mg",
        min=float(row["value"]),
        max=None,
        unit=row["unit"],
        basis=row["basis"],
        source=cite(row["source"]),
        note=note,
    )


def _magnesium(profile: Profile) -> Target:
    row = _mineral(profile, "magnesium_mg")
    supplement = _upper_limit("magnesium_mg", profile, applies_to="supplements")
    note = (
        f"no maximum from food: the {float(supplement['value']):,.0f} mg UL applies to "
        "supplements only; magnesium supplements only under medical guidance"
    )
    return Target(
        key="magnesium_mg",
        min=float(row["value"]),
        max=None,
        unit=row["unit"],
        basis=row["basis"],
        source=cite(f"{row['source']};{supplement['source']}"),
        note=note,
    )


def _vitamin_d(profile: Profile) -> Target:
    rda = float(_mineral(profile, "vitamin_d_ug")["value"])
    note = (
        f"{rda:g} µg = {rda * 40:,.0f} IU (1 µg = 40 IU); sunlight is not counted (the RDA "
        "assumes minimal sun); vitamin D3 supplements only under medical guidance"
    )
    return _min_with_upper_limit(profile, "vitamin_d_ug", note)


def _sodium(profile: Profile) -> Target:
    note = "AI 1,500 mg; intakes above 2,300 mg a day raise chronic-disease risk (CDRR)"
    return _min_with_upper_limit(profile, "sodium_mg", note)


def _kidney_limit(profile: Profile, name: str) -> tuple[float, str] | None:
    """A clinician's limit, else the conservative kidney default; with its source."""
    own = profile.limits().get(name)
    if own is not None:
        return own, "your clinician's limit (profile clinician_limits)"
    if profile.kidney_disease:
        return KIDNEY_DEFAULTS[name], cite("KDOQI")
    return None


def _fluid(profile: Profile) -> Target:
    """Fluid from drinks and drinking water: a limit only on dialysis (or a clinician's)."""
    limit = profile.limits().get("fluid_max_ml")
    source = "your clinician's limit (profile clinician_limits)"
    if limit is None and profile.dialysis:
        limit, source = KIDNEY_DEFAULTS["fluid_max_ml"], cite("KDOQI")
    if limit is None:
        note = "no fluid limit (one applies on dialysis or when your clinician sets one)"
        return Target("fluid_ml", None, None, "ml", "none", cite("KDOQI"), note)
    note = (
        "drinks and drinking water together; conservative default on dialysis — ask your renal "
        "team for your own fluid allowance"
    )
    return Target("fluid_ml", None, limit, "ml", "clinician", source, note)


def _phosphorus(profile: Profile) -> Target:
    found = _kidney_limit(profile, "phosphorus_max_mg")
    if found is None:
        note = "no limit for healthy kidneys (one applies with kidney disease)"
        return Target("phosphorus_mg", None, None, "mg", "none", cite("KDOQI"), note)
    value, source = found
    note = "conservative default with kidney disease — ask your clinician for your own limit"
    return Target("phosphorus_mg", None, value, "mg", "clinician", source, note)


def _water(profile: Profile) -> Target:
    if profile.dialysis or "fluid_max_ml" in profile.limits():
        return Target(
            "water_g",
            None,
            None,
            "g",
            "clinician",
            cite("KDOQI"),
            "no water target while fluid is limited: drink what your renal team allows",
        )
    row = _group_row("dri_water_fiber_protein.csv", "water_g", profile)
    grams = float(row["value"]) * 1000.0  # litres → grams (1 L of water ≈ 1,000 g)
    note = (
        f"total water {float(row['value']):g} L from drinks and food; drinks supply about 80 % "
        f"(≈ {0.8 * grams / 1000:.1f} L)"
    )
    return Target("water_g", grams, None, "g", row["basis"], cite(row["source"]), note)


def _per_unit(nutrient: str) -> dict[str, str]:
    return next(row for row in _table("dri_per_unit.csv") if row["nutrient"] == nutrient)


def _energy_midpoint(profile: Profile) -> float:
    """Midpoint of the energy band before rounding, kcal/day (the EER unless pregnant)."""
    low, high = ENERGY_BAND
    eer = _person_eer(profile)
    if profile.life_stage == "pregnant" and profile.trimester is None:
        return (low * eer + high * (eer + _max_pregnancy_addition()[0])) / 2
    return (low * eer + high * eer) / 2


def _fiber(profile: Profile, label: str) -> Target:
    rule = _per_unit("fiber_g")
    midpoint = _energy_midpoint(profile)
    value = round(float(rule["value"]) * midpoint / 1000, 1)
    table = _group_row("dri_water_fiber_protein.csv", "fiber_g", profile)
    note = (
        f"{float(rule['value']):g} g per 1,000 kcal of your energy target ({midpoint:,.0f} kcal),"
        f" {rule['note']}; the table AI for {label} is {float(table['value']):g} g"
    )
    return Target("fiber_g", value, None, "g", rule["basis"], cite(rule["source"]), note)


def _protein(profile: Profile, label: str) -> Target:
    table = _group_row("dri_water_fiber_protein.csv", "protein_g", profile)
    rule = _per_unit("protein_g")
    by_weight = round(float(rule["value"]) * profile.weight_kg, 1)
    rda = float(table["value"])
    note = (
        f"the larger of the RDA for {label} ({rda:g} g) and {float(rule['value']):g} g per kg "
        f"body weight ({by_weight:g} g)"
    )
    low: float | None = max(rda, by_weight)
    high = None
    limits = profile.limits()
    if profile.kidney_disease:
        key = "protein_min_g_per_kg" if profile.dialysis else "protein_max_g_per_kg"
        per_kg = limits.get(key, KIDNEY_DEFAULTS[key])
        amount = round(per_kg * profile.weight_kg, 1)
        if profile.dialysis:
            low = amount
            note = f"{per_kg:g} g per kg on dialysis ({amount:g} g): dialysis removes protein"
        else:
            low, high = round(KIDNEY_PROTEIN_FLOOR_G_PER_KG * profile.weight_kg, 1), amount
            low = min(low, amount)
            note = (
                f"{KIDNEY_PROTEIN_FLOOR_G_PER_KG:g}–{per_kg:g} g per kg with kidney disease "
                f"({low:g}–{amount:g} g)"
            )
        note += "; ask your renal team for your own amount"
        source = (
            "your clinician's limit (profile clinician_limits)" if key in limits else cite("KDOQI")
        )
        return Target("protein_g", low, high, "g", "clinician", source, note)
    if "protein_max_g_per_kg" in limits or "protein_min_g_per_kg" in limits:
        top = limits.get("protein_max_g_per_kg")
        floor = limits.get("protein_min_g_per_kg")
        high = round(top * profile.weight_kg, 1) if top else None
        low = round(floor * profile.weight_kg, 1) if floor else low
        if high is not None and low is not None:
            low = min(low, high)
        note = "your clinician's protein amount"
        return Target("protein_g", low, high, "g", "clinician", "your clinician's limit", note)
    return Target("protein_g", low, None, "g", "RDA", cite(table["source"]), note)


def _amdr(profile: Profile, key: str) -> Target:
    age = whole_years(profile.age)
    row = next(r for r in _table("amdr.csv") if r["nutrient"] == key and _in_ages(r, age))
    return Target(
        key=key,
        min=float(row["min_pct"]),
        max=float(row["max_pct"]),
        unit="% energy",
        basis="AMDR",
        source=cite(row["source"]),
    )


def _caffeine(profile: Profile) -> Target:
    """The lowest applicable caffeine cap, mg/day (per-kg caps × body weight)."""
    caps = []
    for row in _limit_rows("caffeine_mg", profile):
        value, note = float(row["value"]), row["note"]
        if row["unit"] == "mg/kg":
            note += f": {value:g} mg × {profile.weight_kg:g} kg"
            value = round(value * profile.weight_kg, 1)
        caps.append((value, row, note))
    value, row, note = min(caps, key=lambda cap: cap[0])
    if len(caps) > 1:
        note += " (the lowest of the caps that apply)"
    return Target("caffeine_mg", None, value, "mg", row["basis"], cite(row["source"]), note)


# --- warnings ---------------------------------------------------------------------------------


def _potassium_excretion_impaired(profile: Profile) -> bool:
    return profile.kidney_disease or profile.potassium_raising_medication


def _warnings(profile: Profile, caffeine: Target) -> tuple[str, ...]:
    """Safety messages that change what the plan may do, one string each."""
    warnings = []
    if _potassium_excretion_impaired(profile):
        reasons = []
        if profile.kidney_disease:
            reasons.append("kidney disease")
        if profile.potassium_raising_medication:
            reasons.append("a medicine that can raise blood potassium")
        warnings.append(
            f"Potassium: because of {' and '.join(reasons)}, the usual potassium target does not "
            "apply to you. The planner will not push potassium up and keeps food potassium under "
            f"a conservative {POTASSIUM_CAP_IMPAIRED_MG:,.0f} mg a day. Do not use "
            "potassium-based salt substitutes ('lite' or low-sodium salts with potassium "
            "chloride) or potassium supplements. Ask your clinician for your own potassium limit."
        )
    if profile.life_stage == "pregnant":
        energy = (
            f"energy includes the trimester {profile.trimester} addition"
            if profile.trimester
            else "the energy range spans all three trimesters (give the trimester for a "
            "closer target)"
        )
        warnings.append(
            f"Pregnancy: these targets use the pregnancy DRIs ({energy}; caffeine stays at or "
            f"under {caffeine.max:g} mg a day). The plan keeps to low-mercury fish, 8–12 oz a "
            "week where your diet allows, and leaves out smoked fish. Check the plan with your "
            "midwife or doctor, and take supplements only as they advise."
        )
    if profile.kidney_disease:
        warnings.append(
            "Kidney disease: the plan keeps phosphorus, protein"
            + (" and fluid" if profile.dialysis else "")
            + " within conservative limits and chooses lower-potassium vegetables and fruit "
            "rather than none. These are defaults, not your prescription: enter your renal "
            "team's own limits in your profile (clinician_limits)."
        )
    return tuple(warnings)


# --- public entry points ----------------------------------------------------------------------


def compute_targets(profile: Profile) -> Targets:
    """Return the daily targets for ``profile``.

    Parameters
    ----------
    profile
        A validated :class:`~planner.domain.profile.Profile`.

    Returns
    -------
    Targets
        One :class:`Target` per key of :data:`TARGET_KEYS`, warnings, the life-stage label and
        the EER (kcal/day).

    Examples
    --------
    >>> from planner.domain.profile import demo_profile
    >>> t = compute_targets(demo_profile())
    >>> t.life_stage_label, t["potassium_mg"].min, t["calcium_mg"].max
    ('Female 31–50', 2600.0, 2500.0)
    """
    label = life_stage_label(profile)
    energy = _energy_target(profile)
    built = [
        _potassium(profile),
        _magnesium(profile),
        _min_with_upper_limit(profile, "calcium_mg"),
        _vitamin_d(profile),
        _sodium(profile),
        _min_with_upper_limit(profile, "zinc_mg"),
        _water(profile),
        energy,
        _protein(profile, label),
        _fiber(profile, label),
        _amdr(profile, "protein_pct_energy"),
        _amdr(profile, "fat_pct_energy"),
        _amdr(profile, "carbohydrate_pct_energy"),
        _caffeine(profile),
        _phosphorus(profile),
        _fluid(profile),
    ]
    targets = {target.key: target for target in built}
    warnings = _warnings(profile, targets["caffeine_mg"])
    return Targets(targets, warnings, label, _person_eer(profile))


def with_overrides(
    targets: Targets, overrides: Mapping[str, tuple[float | None, float | None]]
) -> Targets:
    """Return ``targets`` with a person's own bounds applied.

    Parameters
    ----------
    targets
        Targets from :func:`compute_targets`.
    overrides
        key → (min, max) in the target's unit; None keeps that side's default. A minimum may
        be raised or lowered (not below 0); a maximum may only be lowered or added — except
        the "clinician" potassium limit, which a person may replace with their clinician's.

    Returns
    -------
    Targets
        A new object; the input is unchanged.

    Raises
    ------
    TargetError
        Naming every refused key: unknown key, not a number, minimum below 0, maximum above a
        default upper limit, minimum above maximum.
    """
    problems: list[str] = []
    changed = dict(targets.targets)
    for key, bounds in overrides.items():
        if key not in targets.targets:
            problems.append(_unknown_key(key, targets))
            continue
        result = _override_one(targets[key], bounds)
        if isinstance(result, str):
            problems.append(result)
        else:
            changed[key] = result
    if problems:
        raise TargetError("\n".join(problems))
    return replace(targets, targets=changed)


def _unknown_key(key: str, targets: Targets) -> str:
    close = difflib.get_close_matches(str(key), list(targets), n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return f"unknown target '{key}'{hint}; targets are: {', '.join(targets)}"


def _override_one(target: Target, bounds: Any) -> Target | str:
    """Apply (min, max) to one target; return the new target or a problem message."""
    key, unit = target.key, target.unit
    if not isinstance(bounds, tuple | list) or len(bounds) != 2:
        return f"{key}: give (min, max) in {unit}, with None to keep a side; got {bounds!r}"
    new_min, new_max = bounds
    for side, value in (("min", new_min), ("max", new_max)):
        if value is not None and (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            return f"{key}: {side} {value!r} is not a number; give {unit} or None to keep it"
        if value is not None and value < 0:
            return f"{key}: {side} {value:g} {unit} is below 0; use 0 or more"
    low = target.min if new_min is None else float(new_min)
    high = target.max if new_max is None else float(new_max)
    if new_max is not None and target.max is not None and high is not None:
        if high > target.max and target.basis != "clinician":
            return (
                f"{key}: max {new_max:g} {unit} is above the default {target.max:g} {unit} "
                f"({target.basis}); you may only lower this maximum"
            )
    if low is not None and high is not None and low > high:
        return f"{key}: min {low:g} {unit} is above max {high:g} {unit}; lower min or raise max"
    note = f"set by you (default min {_fmt(target.min)}, max {_fmt(target.max)} {unit})"
    if target.basis == "clinician" and new_max is not None:
        note = f"limit entered from your clinician (default was {_fmt(target.max)} {unit})"
    return replace(target, min=low, max=high, note=note)


def _fmt(value: float | None) -> str:
    return "none" if value is None else f"{value:,g}"
