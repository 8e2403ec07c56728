"""Nutrient targets: DRI rows, limits, energy, safety rules, overrides, JSON contract.

The expected numbers are typed here from ``../shared/reference/targets.md`` independently of
``planner/data/*.csv``, so a wrong row in the data files fails a test.
"""

from __future__ import annotations

import csv
import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

import planner.cli
from planner.domain.explain import label
from planner.domain.profile import Profile, ProfileError, profile_from_dict
from planner.domain.targets import (
    TARGET_KEYS,
    Target,
    TargetError,
    compute_targets,
    estimate_eer,
    with_overrides,
)

# label, sex, life_stage, first age, last age | K AI, Na AI, Mg, Ca, vitamin D µg, Zn (mg/day)
DRI_ROWS = [
    ("Male 14–18", "male", None, 14, 18, 3000, 1500, 410, 1300, 15, 11),
    ("Male 19–30", "male", None, 19, 30, 3400, 1500, 400, 1000, 15, 11),
    ("Male 31–50", "male", None, 31, 50, 3400, 1500, 420, 1000, 15, 11),
    ("Male 51–70", "male", None, 51, 70, 3400, 1500, 420, 1000, 15, 11),
    ("Male 71+", "male", None, 71, 100, 3400, 1500, 420, 1200, 20, 11),
    ("Female 14–18", "female", None, 14, 18, 2300, 1500, 360, 1300, 15, 9),
    ("Female 19–30", "female", None, 19, 30, 2600, 1500, 310, 1000, 15, 8),
    ("Female 31–50", "female", None, 31, 50, 2600, 1500, 320, 1000, 15, 8),
    ("Female 51–70", "female", None, 51, 70, 2600, 1500, 320, 1200, 15, 8),
    ("Female 71+", "female", None, 71, 100, 2600, 1500, 320, 1200, 20, 8),
    ("Pregnant 14–18", "female", "pregnant", 14, 18, 2600, 1500, 400, 1300, 15, 12),
    ("Pregnant 19–30", "female", "pregnant", 19, 30, 2900, 1500, 350, 1000, 15, 11),
    ("Pregnant 31–50", "female", "pregnant", 31, 50, 2900, 1500, 360, 1000, 15, 11),
    ("Lactating 14–18", "female", "lactating", 14, 18, 2500, 1500, 360, 1300, 15, 13),
    ("Lactating 19–30", "female", "lactating", 19, 30, 2800, 1500, 310, 1000, 15, 12),
    ("Lactating 31–50", "female", "lactating", 31, 50, 2800, 1500, 320, 1000, 15, 12),
]
MINERALS = ("potassium_mg", "sodium_mg", "magnesium_mg", "calcium_mg", "vitamin_d_ug", "zinc_mg")


def person(**fields: Any) -> Profile:
    """A valid profile: defaults are a 40-year-old, 165 cm, 65 kg, inactive woman."""
    base: dict[str, Any] = {
        "age": 40,
        "sex": "female",
        "weight_kg": 65,
        "height_cm": 165,
        "activity": "inactive",
    }
    return Profile(**{**base, **fields})


# --- DRI rows and life-stage boundaries -------------------------------------------------------


@pytest.mark.parametrize("row", DRI_ROWS, ids=[row[0] for row in DRI_ROWS])
@pytest.mark.parametrize("edge", ["first", "last"])
def test_every_life_stage_row_at_both_ends(row: tuple[Any, ...], edge: str) -> None:
    label, sex, stage, first, last, *expected = row
    targets = compute_targets(
        person(sex=sex, life_stage=stage, age=first if edge == "first" else last)
    )
    assert targets.life_stage_label == label
    assert [targets[key].min for key in MINERALS] == expected


@pytest.mark.parametrize(
    ("age", "label"),
    [
        (14, "Male 14–18"),
        (18, "Male 14–18"),
        (18.5, "Male 14–18"),  # fractional ages are floored
        (18.99, "Male 14–18"),
        (19, "Male 19–30"),
        (30, "Male 19–30"),
        (31, "Male 31–50"),
        (50, "Male 31–50"),
        (50.9, "Male 31–50"),
        (51, "Male 51–70"),
        (70, "Male 51–70"),
        (71, "Male 71+"),
    ],
)
def test_boundary_ages(age: float, label: str) -> None:
    assert compute_targets(person(sex="male", age=age)).life_stage_label == label


def test_age_13_is_rejected_before_targets() -> None:
    with pytest.raises(ProfileError, match="age: 13"):
        person(age=13)


# --- maxima -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "calcium_ul", "zinc_ul"),
    [(18, 3000, 34), (19, 2500, 40), (50, 2500, 40), (51, 2000, 40)],
)
def test_upper_limits_by_age(age: int, calcium_ul: float, zinc_ul: float) -> None:
    targets = compute_targets(person(age=age))
    assert targets["calcium_mg"].max == calcium_ul
    assert targets["zinc_mg"].max == zinc_ul
    assert targets["vitamin_d_ug"].max == 100
    assert (targets["sodium_mg"].min, targets["sodium_mg"].max) == (1500, 2300)
    assert targets["sodium_mg"].basis == "AI/CDRR"
    assert targets["calcium_mg"].basis == "RDA/UL"


@pytest.mark.parametrize(
    "fields", [{}, {"life_stage": "pregnant", "trimester": 2}, {"kidney_disease": True}]
)
def test_every_target_a_plan_carries_has_a_human_label(fields: dict[str, Any]) -> None:
    """The keys of ``compute_targets`` are the plan's ``targets``; each reads as words in the
    report, the e-mail and the dashboard (sodium's label is its plain name)."""
    for key in compute_targets(person(**fields)):
        assert label(key) != key.replace("_", " ") or key == "sodium_mg", key


def test_magnesium_has_no_maximum_from_food() -> None:
    magnesium = compute_targets(person())["magnesium_mg"]
    assert magnesium.max is None
    assert "350 mg" in magnesium.note and "supplements only" in magnesium.note


def test_vitamin_d_is_in_micrograms_with_iu_in_the_note() -> None:
    vitamin_d = compute_targets(person(age=75))["vitamin_d_ug"]
    assert (vitamin_d.min, vitamin_d.unit) == (20, "µg")
    assert "800 IU" in vitamin_d.note


# --- energy -----------------------------------------------------------------------------------


def test_eer_check_value_man_30() -> None:
    man = person(sex="male", age=30, height_cm=170, weight_kg=70)
    assert estimate_eer(man) == pytest.approx(2520, abs=1)
    energy = compute_targets(man)["energy_kcal"]
    assert (energy.min, energy.max, energy.basis) == (2268, 2772, "EER")


def test_womens_equation_active() -> None:
    woman = person(age=40, height_cm=165, weight_kg=60, activity="active")
    expected = 710.25 - 7.01 * 40 + 6.54 * 165 + 12.34 * 60  # = 2249.35
    assert estimate_eer(woman) == pytest.approx(expected, abs=0.01)
    assert compute_targets(woman).eer_kcal == pytest.approx(expected, abs=0.01)


@pytest.mark.parametrize(
    ("sex", "activity", "expected"),
    [
        ("male", "active", -388.19 + 3.68 * 16 + 12.66 * 175 + 20.46 * 65 + 20),
        ("male", "very_active", -671.75 + 3.68 * 16 + 15.38 * 175 + 23.25 * 65 + 20),
        ("female", "inactive", 55.59 - 22.25 * 16 + 8.43 * 175 + 17.07 * 65 + 20),
        ("female", "low_active", -297.54 - 22.25 * 16 + 12.77 * 175 + 14.73 * 65 + 20),
    ],
)
def test_teen_eer_uses_nasem_2023_youth_equations(sex: str, activity: str, expected: float) -> None:
    teen = person(sex=sex, age=16, height_cm=175, weight_kg=65, activity=activity)
    assert estimate_eer(teen) == pytest.approx(expected, abs=0.01)
    assert "NASEM 2023" in compute_targets(teen)["energy_kcal"].source


def test_eer_uses_whole_years() -> None:
    assert estimate_eer(person(age=45.9)) == estimate_eer(person(age=45))


def test_pregnancy_energy_band_spans_trimesters() -> None:
    pregnant = person(age=30, life_stage="pregnant")
    eer = estimate_eer(pregnant)
    targets = compute_targets(pregnant)
    energy = targets["energy_kcal"]
    assert energy.min == round(0.9 * eer)
    assert energy.max == round(1.1 * (eer + 452))
    assert "trimester" in energy.note
    assert targets.eer_kcal == pytest.approx(eer)


def test_lactation_adds_330_kcal() -> None:
    mother = person(age=30, life_stage="lactating")
    eer = estimate_eer(mother) + 330
    targets = compute_targets(mother)
    assert targets.eer_kcal == pytest.approx(eer)
    assert targets["energy_kcal"].min == round(0.9 * eer)
    assert targets["energy_kcal"].max == round(1.1 * eer)


# --- water, fibre, protein, AMDR, caffeine ----------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "grams"),
    [
        ({"sex": "male", "age": 16}, 3300),
        ({"sex": "male", "age": 60}, 3700),
        ({"sex": "female", "age": 16}, 2300),
        ({"sex": "female", "age": 60}, 2700),
        ({"life_stage": "pregnant", "age": 25}, 3000),
        ({"life_stage": "lactating", "age": 25}, 3800),
    ],
)
def test_total_water_in_grams(fields: dict[str, Any], grams: float) -> None:
    water = compute_targets(person(**fields))["water_g"]
    assert (water.min, water.unit, water.basis) == (grams, "g", "AI")


def test_fibre_is_14_g_per_1000_kcal_of_eer_with_table_value_in_note() -> None:
    woman = person(age=40)
    fiber = compute_targets(woman)["fiber_g"]
    assert fiber.min == round(14 * estimate_eer(woman) / 1000, 1)
    assert "table AI for Female 31–50 is 25 g" in fiber.note


def test_fibre_in_pregnancy_uses_the_middle_of_the_energy_band() -> None:
    pregnant = person(age=30, life_stage="pregnant")
    eer = estimate_eer(pregnant)
    middle = (0.9 * eer + 1.1 * (eer + 452)) / 2
    assert compute_targets(pregnant)["fiber_g"].min == round(14 * middle / 1000, 1)


@pytest.mark.parametrize(
    ("fields", "grams"),
    [
        ({"sex": "male", "weight_kg": 100}, 80),  # 0.8 g/kg beats the 56 g RDA
        ({"sex": "male", "weight_kg": 60}, 56),  # RDA beats 48 g
        ({"sex": "female", "weight_kg": 50}, 46),
        ({"life_stage": "pregnant", "age": 30, "weight_kg": 70}, 71),
    ],
)
def test_protein_is_the_larger_of_rda_and_0_8_g_per_kg(
    fields: dict[str, Any], grams: float
) -> None:
    protein = compute_targets(person(**fields))["protein_g"]
    assert protein.min == grams and protein.max is None


@pytest.mark.parametrize(
    ("age", "fat", "protein"), [(16, (25, 35), (10, 30)), (19, (20, 35), (10, 35))]
)
def test_amdr_by_age(age: int, fat: tuple[float, float], protein: tuple[float, float]) -> None:
    targets = compute_targets(person(age=age))
    assert (targets["fat_pct_energy"].min, targets["fat_pct_energy"].max) == fat
    assert (targets["protein_pct_energy"].min, targets["protein_pct_energy"].max) == protein
    carbohydrate = targets["carbohydrate_pct_energy"]
    assert (carbohydrate.min, carbohydrate.max, carbohydrate.basis) == (45, 65, "AMDR")


@pytest.mark.parametrize(
    ("fields", "cap", "basis"),
    [
        ({"age": 30}, 400, "FDA"),
        ({"age": 30, "life_stage": "pregnant"}, 200, "ACOG"),
        ({"age": 16, "weight_kg": 60}, 150, "Health Canada"),  # 2.5 mg/kg
        ({"age": 16, "weight_kg": 50, "life_stage": "pregnant"}, 125, "Health Canada"),
    ],
)
def test_caffeine_caps(fields: dict[str, Any], cap: float, basis: str) -> None:
    caffeine = compute_targets(person(**fields))["caffeine_mg"]
    assert (caffeine.min, caffeine.max, caffeine.basis) == (None, cap, basis)


# --- safety rules -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "flags", [{"kidney_disease": True}, {"potassium_raising_medication": True}]
)
def test_impaired_potassium_excretion_caps_potassium_and_warns(flags: dict[str, bool]) -> None:
    targets = compute_targets(person(**flags))
    potassium = targets["potassium_mg"]
    assert (potassium.min, potassium.max, potassium.basis) == (None, 2000, "clinician")
    assert "ask your clinician" in potassium.note
    (warning,) = [w for w in targets.warnings if w.startswith("Potassium")]
    assert "salt substitutes" in warning and "clinician" in warning
    assert "not push potassium" in warning


def test_healthy_adult_has_no_warnings_and_potassium_ai() -> None:
    targets = compute_targets(person())
    assert targets.warnings == ()
    assert (targets["potassium_mg"].min, targets["potassium_mg"].max) == (2600, None)


def test_pregnancy_warning() -> None:
    (warning,) = compute_targets(person(age=28, life_stage="pregnant")).warnings
    assert "trimester" in warning and "midwife" in warning and "200 mg" in warning


# --- the Targets object -----------------------------------------------------------------------


def test_every_key_present_with_source_and_consistent_bounds() -> None:
    targets = compute_targets(person())
    assert tuple(targets.targets) == TARGET_KEYS
    for key, target in targets.targets.items():
        assert target.key == key
        assert target.source.startswith("[")
        assert target.min is not None or target.max is not None or target.basis == "none"
        if target.min is not None and target.max is not None:
            assert target.min <= target.max


def test_targets_mapping_is_read_only() -> None:
    targets = compute_targets(person())
    with pytest.raises(TypeError):
        targets.targets["potassium_mg"] = targets["sodium_mg"]  # type: ignore[index]


def test_target_refuses_min_above_max() -> None:
    with pytest.raises(ValueError, match="x_mg"):
        Target("x_mg", 5, 1, "mg", "RDA", "[A]")


def test_every_source_tag_in_the_data_files_has_a_citation() -> None:
    data = resources.files("planner").joinpath("data")
    tags = {
        row["tag"] for row in csv.DictReader(data.joinpath("sources.csv").open(encoding="utf-8"))
    }
    used = set()
    for name in [entry.name for entry in data.iterdir() if entry.name.endswith(".csv")]:
        if name == "sources.csv":
            continue
        for row in csv.DictReader(data.joinpath(name).open(encoding="utf-8")):
            used.update(row["source"].split(";"))
    assert used and used <= tags


# --- overrides --------------------------------------------------------------------------------


def test_overrides_tighten_and_keep_the_rest() -> None:
    targets = compute_targets(person())
    changed = with_overrides(targets, {"sodium_mg": (None, 2000), "potassium_mg": (3000, None)})
    assert (changed["sodium_mg"].min, changed["sodium_mg"].max) == (1500, 2000)
    assert changed["potassium_mg"].min == 3000
    assert "set by you" in changed["sodium_mg"].note
    assert changed["calcium_mg"] == targets["calcium_mg"]
    assert targets["sodium_mg"].max == 2300  # the input is unchanged


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"calcium_mg": (None, 3000)}, "calcium_mg: max 3000 mg is above the default 2500"),
        ({"sodium_mg": (None, 4000)}, "sodium_mg: max 4000"),
        ({"caffeine_mg": (None, 500)}, "caffeine_mg: max 500"),
        ({"magnesium_mg": (-1, None)}, "magnesium_mg: min -1 mg is below 0"),
        ({"zinc_mg": (30, 20)}, "zinc_mg: min 30 mg is above max 20"),
        ({"calcium_mg": (3000, None)}, "calcium_mg: min 3000 mg is above max 2500"),
        ({"calcium": (1, 2)}, "unknown target 'calcium' (did you mean 'calcium_mg'?)"),
        ({"zinc_mg": ("ten", None)}, "zinc_mg: min 'ten' is not a number"),
        ({"zinc_mg": 10}, "zinc_mg: give (min, max)"),
    ],
)
def test_overrides_refused_name_the_key(overrides: dict[str, Any], expected: str) -> None:
    with pytest.raises(TargetError) as info:
        with_overrides(compute_targets(person()), overrides)
    assert expected in str(info.value)


def test_clinician_potassium_limit_may_be_entered() -> None:
    targets = compute_targets(person(kidney_disease=True))
    changed = with_overrides(targets, {"potassium_mg": (None, 2700)})
    assert changed["potassium_mg"].max == 2700
    assert "clinician" in changed["potassium_mg"].note


# --- CLI --------------------------------------------------------------------------------------


def _profile_file(tmp_path: Path, **fields: Any) -> Path:
    data = {"age": 45, "sex": "female", "weight_kg": 68, "height_cm": 165, "activity": "low_active"}
    path = tmp_path / "me.json"
    path.write_text(json.dumps({**data, **fields}), encoding="utf-8")
    profile_from_dict({**data, **fields})  # the file itself is valid
    return path


def test_cli_json_follows_the_targets_contract(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _profile_file(tmp_path, kidney_disease=True)
    status = planner.cli.main(["targets", "--profile", str(path), "--format", "json"])
    document = json.loads(capsys.readouterr().out)
    assert status == 0
    assert set(document) == {"targets", "warnings", "life_stage", "eer_kcal"}
    assert document["life_stage"] == "Female 31–50"
    assert set(document["targets"]) == set(TARGET_KEYS)
    for entry in document["targets"].values():
        assert set(entry) == {"min", "max", "basis", "source", "unit", "note"}
        assert isinstance(entry["source"], str) and entry["source"]
    assert document["targets"]["potassium_mg"]["min"] is None
    assert document["targets"]["potassium_mg"]["max"] == 2000
    assert document["targets"]["vitamin_d_ug"]["unit"] == "µg"
    assert document["targets"]["phosphorus_mg"]["max"] == 1000
    assert len(document["warnings"]) == 2  # potassium, and the kidney defaults to confirm
    assert "clinician_limits" in document["warnings"][1]


def test_cli_table_is_aligned_and_ends_with_warnings_notes_sources(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _profile_file(tmp_path, potassium_raising_medication=True)
    assert planner.cli.main(["targets", "--profile", str(path)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    header = next(line for line in lines if line.startswith("Nutrient"))
    assert header.split() == ["Nutrient", "Min", "Max", "Unit", "Basis", "Src"]
    calcium = next(line for line in lines if line.startswith("calcium_mg"))
    assert calcium.split()[:5] == ["calcium_mg", "1,000", "2,500", "mg", "RDA/UL"]
    potassium = next(line for line in lines if line.startswith("potassium_mg"))
    assert potassium.split()[:5] == ["potassium_mg", "—", "2,000", "mg", "clinician"]
    unit_column = header.index("Unit")
    rows = lines[lines.index(header) + 1 : lines.index(header) + 1 + len(TARGET_KEYS)]
    assert [row.split()[0] for row in rows] == list(TARGET_KEYS)
    units = [
        compute_targets(profile_from_dict(json.loads(path.read_text())))[k].unit
        for k in TARGET_KEYS
    ]
    assert [row[unit_column:].split("  ")[0].strip() for row in rows] == units
    assert out.index("Warnings:") < out.index("Notes:") < out.index("Sources:")


# --- trimester, kidney disease and dialysis -----------------------------------------------------


@pytest.mark.parametrize(("trimester", "extra"), [(1, 0), (2, 340), (3, 452)])
def test_pregnancy_energy_adds_the_trimester_amount(trimester: int, extra: float) -> None:
    base = compute_targets(person(age=28)).eer_kcal
    pregnant = compute_targets(person(age=28, life_stage="pregnant", trimester=trimester))
    assert pregnant.eer_kcal == pytest.approx(base + extra)


def test_kidney_defaults_and_dialysis() -> None:
    ckd = compute_targets(person(kidney_disease=True))
    assert ckd["phosphorus_mg"].max == 1000
    assert ckd["protein_g"].max == pytest.approx(0.8 * 65)
    assert ckd["fluid_ml"].max is None
    dialysis = compute_targets(person(kidney_disease=True, dialysis=True))
    assert dialysis["protein_g"].min == pytest.approx(1.0 * 65)
    assert dialysis["fluid_ml"].max == 1500
    assert dialysis["water_g"].min is None  # no water target under a fluid limit
    own = compute_targets(person(kidney_disease=True, clinician_limits={"phosphorus_max_mg": 800}))
    assert own["phosphorus_mg"].max == 800 and "clinician" in own["phosphorus_mg"].source
