"""The Healthy Eating Index-2020 (HEI-2020) of a day or a week of food.

Thirteen components scored per 1,000 kcal (density), as the National Cancer Institute's
scoring method does for ages 2 and older (the HEI-2020 standards for adults equal HEI-2015's).
Legumes count in all four of Total Vegetables, Greens and Beans (as cup-eq), Total Protein
Foods and Seafood and Plant Proteins (as oz-eq, 4 per cup-eq), as the NCI method does since
HEI-2015. Added sugars count 16 kcal per teaspoon-equivalent, as in the NCI code.

Sources: Shams-White MM et al., *Healthy Eating Index-2020: Review and Update Process to
Reflect the Dietary Guidelines for Americans, 2020–2025*, J Acad Nutr Diet 2023;123(9):1280–8;
Krebs-Smith SM et al., *Update of the Healthy Eating Index: HEI-2015*, J Acad Nutr Diet
2018;118(9):1591–1602 (Table 1: components, standards, scoring).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

#: Food-energy of one teaspoon-equivalent of added sugars in the NCI scoring code (kcal).
ADDED_SUGAR_KCAL_PER_TSP = 16.0
#: Oz-eq of protein foods per cup-eq of legumes.
LEGUME_OZ_PER_CUP = 4.0


@dataclass(frozen=True)
class Adequacy:
    """More is better up to ``standard`` per 1,000 kcal (zero at none)."""

    key: str
    label: str
    max_points: float
    standard: float
    unit: str


@dataclass(frozen=True)
class Moderation:
    """Less is better: full points at or below ``best``, none at or above ``worst``."""

    key: str
    label: str
    max_points: float
    best: float
    worst: float
    unit: str


ADEQUACY: tuple[Adequacy, ...] = (
    Adequacy("total_fruits", "Total fruits", 5, 0.8, "cup-eq per 1,000 kcal"),
    Adequacy("whole_fruits", "Whole fruits", 5, 0.4, "cup-eq per 1,000 kcal"),
    Adequacy("total_vegetables", "Total vegetables", 5, 1.1, "cup-eq per 1,000 kcal"),
    Adequacy("greens_and_beans", "Greens and beans", 5, 0.2, "cup-eq per 1,000 kcal"),
    Adequacy("whole_grains", "Whole grains", 10, 1.5, "oz-eq per 1,000 kcal"),
    Adequacy("dairy", "Dairy", 10, 1.3, "cup-eq per 1,000 kcal"),
    Adequacy("total_protein", "Total protein foods", 5, 2.5, "oz-eq per 1,000 kcal"),
    Adequacy("seafood_plant", "Seafood and plant proteins", 5, 0.8, "oz-eq per 1,000 kcal"),
)
MODERATION: tuple[Moderation, ...] = (
    Moderation("refined_grains", "Refined grains", 10, 1.8, 4.3, "oz-eq per 1,000 kcal"),
    Moderation("sodium", "Sodium", 10, 1.1, 2.0, "g per 1,000 kcal"),
    Moderation("added_sugars", "Added sugars", 10, 6.5, 26.0, "% of energy"),
    Moderation("saturated_fats", "Saturated fats", 10, 8.0, 16.0, "% of energy"),
)
#: The fatty-acid ratio (MUFA + PUFA) / SFA: full points at 2.5, none at 1.2.
FATTY_ACIDS = ("fatty_acids", "Fatty acids", 10.0, 2.5, 1.2, "(MUFA + PUFA) / SFA")


@dataclass(frozen=True)
class HeiComponent:
    """One scored component: points of ``max_points`` for ``amount`` (in ``unit``)."""

    key: str
    label: str
    points: float
    max_points: float
    amount: float
    unit: str


@dataclass(frozen=True)
class HeiScore:
    """The total (0–100) and the 13 components."""

    total: float
    components: tuple[HeiComponent, ...]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready ``{"total", "components": {key: {label, points, max, amount, unit}}}``."""
        return {
            "total": round(self.total, 1),
            "components": {
                c.key: {
                    "label": c.label,
                    "points": round(c.points, 2),
                    "max": c.max_points,
                    "amount": round(c.amount, 3),
                    "unit": c.unit,
                }
                for c in self.components
            },
        }


def hei_amounts(groups: Mapping[str, float]) -> dict[str, float]:
    """The HEI components' amounts (cup-eq or oz-eq) from food-group equivalents
    (:data:`foods.food_groups.COMPONENTS`), legumes counted in all four components."""
    g = {k: float(v) for k, v in groups.items()}
    legumes = g.get("legumes", 0.0)
    vegetables = sum(g.get(k, 0.0) for k in ("veg_dark_green", "veg_red_orange", "veg_starchy"))
    vegetables += g.get("veg_other", 0.0)
    plant = g.get("protein_seafood", 0.0) + g.get("protein_nuts_seeds", 0.0)
    plant += g.get("protein_soy", 0.0) + LEGUME_OZ_PER_CUP * legumes
    return {
        "total_fruits": g.get("fruit_whole", 0.0) + g.get("fruit_juice", 0.0),
        "whole_fruits": g.get("fruit_whole", 0.0),
        "total_vegetables": vegetables + legumes,
        "greens_and_beans": g.get("veg_dark_green", 0.0) + legumes,
        "whole_grains": g.get("grain_whole", 0.0),
        "dairy": g.get("dairy", 0.0),
        "total_protein": plant + g.get("protein_meat_poultry", 0.0) + g.get("protein_eggs", 0.0),
        "seafood_plant": plant,
        "refined_grains": g.get("grain_refined", 0.0),
        "added_sugars": g.get("added_sugars", 0.0),
    }


def _moderation(value: float, rule: Moderation) -> float:
    if value <= rule.best:
        return rule.max_points
    if value >= rule.worst:
        return 0.0
    return rule.max_points * (rule.worst - value) / (rule.worst - rule.best)


def _fatty_acid_points(unsaturated_g: float, saturated_g: float) -> tuple[float, float]:
    """(points, ratio): full points when there is no saturated fat, as in the NCI code."""
    _key, _label, top, best, worst, _unit = FATTY_ACIDS
    if saturated_g <= 0:  # no fat at all scores 0, as in the NCI macro
        return (top, float("inf")) if unsaturated_g > 0 else (0.0, 0.0)
    ratio = unsaturated_g / saturated_g
    if ratio >= best:
        return top, ratio
    if ratio <= worst:
        return 0.0, ratio
    return top * (ratio - worst) / (best - worst), ratio


def hei2020(nutrients: Mapping[str, float], groups: Mapping[str, float]) -> HeiScore:
    """Score a day or a week: ``nutrients`` (``energy_kcal``, ``sodium_mg``,
    ``fat_saturated_g``, ``fat_monounsaturated_g``, ``fat_polyunsaturated_g``) and food-group
    equivalents ``groups``, both summed over the same days.

    Examples
    --------
    >>> day = {"energy_kcal": 2000, "sodium_mg": 2200, "fat_saturated_g": 17.8,
    ...        "fat_monounsaturated_g": 30, "fat_polyunsaturated_g": 14.5}
    >>> food = {"fruit_whole": 1.6, "veg_dark_green": 0.4, "veg_other": 1.8,
    ...         "grain_whole": 3, "grain_refined": 3.6, "dairy": 2.6,
    ...         "protein_meat_poultry": 3.4, "protein_seafood": 1.6, "added_sugars": 8.125}
    >>> round(hei2020(day, food).total, 1)
    100.0
    """
    kcal = float(nutrients.get("energy_kcal", 0.0))
    amounts = hei_amounts(groups)
    parts: list[HeiComponent] = []
    per_1000 = 1000.0 / kcal if kcal > 0 else 0.0
    for rule in ADEQUACY:
        density = amounts[rule.key] * per_1000
        points = rule.max_points * min(density / rule.standard, 1.0) if kcal > 0 else 0.0
        parts.append(
            HeiComponent(rule.key, rule.label, points, rule.max_points, density, rule.unit)
        )
    unsaturated = float(nutrients.get("fat_monounsaturated_g", 0.0)) + float(
        nutrients.get("fat_polyunsaturated_g", 0.0)
    )
    points, ratio = _fatty_acid_points(unsaturated, float(nutrients.get("fat_saturated_g", 0.0)))
    key, label, top, _best, _worst, unit = FATTY_ACIDS
    parts.append(HeiComponent(key, label, points if kcal > 0 else 0.0, top, ratio, unit))
    moderation_values = {
        "refined_grains": amounts["refined_grains"] * per_1000,
        "sodium": float(nutrients.get("sodium_mg", 0.0)) / 1000.0 * per_1000,
        "added_sugars": 100.0 * amounts["added_sugars"] * ADDED_SUGAR_KCAL_PER_TSP / kcal
        if kcal > 0
        else 0.0,
        "saturated_fats": 100.0 * 9.0 * float(nutrients.get("fat_saturated_g", 0.0)) / kcal
        if kcal > 0
        else 0.0,
    }
    for mod in MODERATION:
        value = moderation_values[mod.key]
        points = _moderation(value, mod) if kcal > 0 else 0.0
        parts.append(HeiComponent(mod.key, mod.label, points, mod.max_points, value, mod.unit))
    return HeiScore(total=sum(p.points for p in parts), components=tuple(parts))
