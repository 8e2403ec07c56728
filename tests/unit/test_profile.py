"""Profile model: loading, validation messages, round trip, and the CLI's error path."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import planner.cli
from planner.domain.profile import (
    Profile,
    ProfileError,
    demo_profile,
    load_profile,
    profile_from_dict,
)

VALID: dict[str, Any] = {
    "age": 45,
    "sex": "female",
    "weight_kg": 68,
    "height_cm": 165,
    "activity": "low_active",
}

FULL_TOML = """\
age = 32.5
sex = "female"
life_stage = "lactating"
weight_kg = 61.5
height_cm = 170
activity = "active"
diet = "vegetarian"
allergies = ["peanuts", "sesame"]
exclude_foods = ["tofu_firm"]
like_foods = ["banana", "lentils_boiled"]
budget_usd_per_day = 14.5
kidney_disease = false
potassium_raising_medication = true
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _error(data: dict[str, Any]) -> str:
    with pytest.raises(ProfileError) as info:
        profile_from_dict(data)
    return str(info.value)


# --- valid profiles ---------------------------------------------------------------------------


def test_valid_json_loads_with_defaults(tmp_path: Path) -> None:
    profile = load_profile(_write(tmp_path, "me.json", json.dumps(VALID)))
    assert profile == Profile(
        age=45, sex="female", weight_kg=68, height_cm=165, activity="low_active"
    )
    assert profile.life_stage is None
    assert profile.diet == "omnivore"
    assert profile.allergies == () and profile.exclude_foods == () and profile.like_foods == ()
    assert profile.budget_usd_per_day is None
    assert profile.kidney_disease is False and profile.potassium_raising_medication is False


def test_valid_toml_loads_every_field(tmp_path: Path) -> None:
    profile = load_profile(_write(tmp_path, "me.toml", FULL_TOML))
    assert profile.age == 32.5
    assert profile.life_stage == "lactating"
    assert profile.diet == "vegetarian"
    assert profile.allergies == ("peanuts", "sesame")
    assert profile.exclude_foods == ("tofu_firm",)
    assert profile.like_foods == ("banana", "lentils_boiled")
    assert profile.budget_usd_per_day == 14.5
    assert profile.potassium_raising_medication is True


def test_to_dict_round_trips_and_is_json_ready(tmp_path: Path) -> None:
    profile = load_profile(_write(tmp_path, "me.toml", FULL_TOML))
    data = profile.to_dict()
    assert data["allergies"] == ["peanuts", "sesame"]  # lists, not tuples
    assert list(data) == [
        "age", "sex", "life_stage", "trimester", "weight_kg", "height_cm", "activity", "diet",
        "allergies", "exclude_foods", "like_foods", "exclude_dishes", "like_dishes", "cuisines",
        "exclude_cuisines", "max_minutes_per_meal", "meals_to_plan", "budget_usd_per_day",
        "kidney_disease", "dialysis", "clinician_limits", "potassium_raising_medication", "email",
    ]  # fmt: skip
    assert profile_from_dict(json.loads(json.dumps(data))) == profile


def test_demo_profile_is_the_documented_woman() -> None:
    demo = demo_profile()
    assert (demo.sex, demo.age, demo.height_cm, demo.weight_kg) == ("female", 45, 165, 68)
    assert (demo.activity, demo.diet, demo.allergies) == ("low_active", "omnivore", ())
    assert demo.life_stage is None and not demo.kidney_disease


def test_direct_construction_validates_and_freezes_lists() -> None:
    profile = Profile(**VALID, allergies=["milk", "milk"], like_foods=["banana"])  # type: ignore[arg-type]
    assert profile.allergies == ("milk",)  # tuple, duplicates dropped
    hash(profile)  # frozen and hashable
    with pytest.raises(ProfileError, match="weight_kg"):
        Profile(**{**VALID, "weight_kg": 10})


def test_fractional_age_and_range_edges_are_accepted() -> None:
    assert profile_from_dict({**VALID, "age": 18.5}).age == 18.5
    assert profile_from_dict({**VALID, "age": 14}).age == 14
    assert profile_from_dict({**VALID, "age": 100}).age == 100
    assert profile_from_dict({**VALID, "budget_usd_per_day": 200}).budget_usd_per_day == 200
    assert profile_from_dict({**VALID, "life_stage": "pregnant", "age": 50}).life_stage


# --- malformed profiles: each message names the field and the bad value -----------------------


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"agee": 45}, ["unknown field 'agee'", "did you mean 'age'", "allowed fields"]),
        ({"age": 12}, ["age", "12", "14"]),
        ({"age": 13.9}, ["age", "13.9", "14"]),
        ({"age": 100.5}, ["age", "100.5"]),
        ({"age": "thirty"}, ["age", '"thirty"', "not a number"]),
        ({"age": "30"}, ["age", '"30"', "without quotes"]),
        ({"age": True}, ["age", "true", "not a number"]),
        ({"age": None}, ["age", "null"]),
        ({"weight_kg": 0}, ["weight_kg", "0", "30–300"]),
        ({"weight_kg": float("nan")}, ["weight_kg", "finite"]),
        ({"height_cm": 300}, ["height_cm", "300", "120–230"]),
        ({"sex": "x"}, ["sex", '"x"', "'female', 'male'"]),
        ({"activity": "sedentary"}, ["activity", '"sedentary"', "'low_active'"]),
        ({"diet": "vegan "}, ["diet", "did you mean 'vegan'"]),
        ({"sex": "male", "life_stage": "pregnant"}, ["life_stage", "sex 'female'"]),
        ({"age": 60, "life_stage": "pregnant"}, ["life_stage", "60", "14–50"]),
        ({"life_stage": "none"}, ["life_stage", '"none"', "null"]),
        ({"allergies": ["glutten"]}, ["allergies", '"glutten"', "did you mean 'gluten'"]),
        ({"allergies": "milk"}, ["allergies", '"milk"', "list"]),
        ({"allergies": [1]}, ["allergies", "1"]),
        ({"budget_usd_per_day": -5}, ["budget_usd_per_day", "-5", "more than 0"]),
        ({"budget_usd_per_day": 0}, ["budget_usd_per_day", "0", "more than 0"]),
        ({"budget_usd_per_day": 500}, ["budget_usd_per_day", "500", "200"]),
        ({"kidney_disease": "yes"}, ["kidney_disease", '"yes"', "true or false"]),
        ({"potassium_raising_medication": 1}, ["potassium_raising_medication", "true or false"]),
        ({"exclude_foods": ["Banana!"]}, ["exclude_foods", '"Banana!"', "a-z"]),
        ({"like_foods": ["kale"], "exclude_foods": ["kale"]}, ["like_foods", "kale", "exclude"]),
    ],
)
def test_malformed_profile_names_field_value_and_fix(
    change: dict[str, Any], expected: list[str]
) -> None:
    message = _error({**VALID, **change})
    for part in expected:
        assert part in message, f"{part!r} not in {message!r}"


def test_missing_required_fields_are_each_named() -> None:
    message = _error({"sex": "female"})
    for field in ("age", "weight_kg", "height_cm", "activity"):
        assert f"{field}: missing required field" in message
    assert "sex: missing" not in message


def test_all_problems_are_reported_together_one_per_line() -> None:
    with pytest.raises(ProfileError) as info:
        profile_from_dict({**VALID, "age": 12, "sex": "x", "weight_kg": 0, "agee": 1})
    assert len(info.value.problems) == 4
    lines = str(info.value).splitlines()
    assert lines[0] == "4 problems in the profile:"
    assert [line.split(":")[0].strip(" -") for line in lines[1:]] == [
        "unknown field 'agee' (did you mean 'age'?); allowed fields",
        "age",
        "sex",
        "weight_kg",
    ]


def test_top_level_must_be_a_mapping() -> None:
    with pytest.raises(ProfileError, match="object of fields"):
        profile_from_dict([1, 2])  # type: ignore[arg-type]


# --- files ------------------------------------------------------------------------------------


def test_toml_syntax_error_names_file_line_and_column(tmp_path: Path) -> None:
    path = _write(tmp_path, "bad.toml", 'age = 45\nsex = "female\n')
    with pytest.raises(ProfileError) as info:
        load_profile(path)
    message = str(info.value)
    assert str(path) in message and "TOML syntax error" in message
    assert "line 2, column" in message


def test_json_syntax_error_names_file_line_and_column(tmp_path: Path) -> None:
    path = _write(tmp_path, "bad.json", '{\n  "age": 45,\n  "sex": "female",\n}\n')
    with pytest.raises(ProfileError) as info:
        load_profile(path)
    message = str(info.value)
    assert str(path) in message and "JSON syntax error" in message
    assert "line 4, column 1" in message


def test_top_level_list_in_file_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "list.json", json.dumps([VALID]))
    with pytest.raises(ProfileError, match=r"top level must be an object of fields, got a list"):
        load_profile(path)


def test_duplicate_json_field_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "dup.json", '{"age": 45, "age": 46}')
    with pytest.raises(ProfileError, match="age: the field is given more than once"):
        load_profile(path)


def test_missing_file_and_wrong_extension_are_profile_errors(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="profile file not found"):
        load_profile(tmp_path / "nope.json")
    with pytest.raises(ProfileError, match=r"\.json or \.toml"):
        load_profile(_write(tmp_path, "me.yaml", "age: 45"))


def test_field_errors_from_a_file_name_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "me.toml", 'age = 12\nsex = "female"\n')
    with pytest.raises(ProfileError) as info:
        load_profile(path)
    assert str(info.value).startswith(f"{path}: ")
    assert any(problem.startswith("age: 12") for problem in info.value.problems)


def test_toml_without_null_leaves_optional_fields_out(tmp_path: Path) -> None:
    text = 'age = 45\nsex = "female"\nweight_kg = 68\nheight_cm = 165\nactivity = "inactive"\n'
    profile = load_profile(_write(tmp_path, "me.toml", text))
    assert profile.life_stage is None and profile.budget_usd_per_day is None


# --- CLI --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("bad.json", json.dumps({**VALID, "age": 12}), "age: 12"),
        ("bad.toml", "age = \n", "TOML syntax error at line 1"),
        ("list.json", "[]", "top level"),
    ],
)
def test_cli_reports_profile_errors_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, text: str, expected: str
) -> None:
    path = _write(tmp_path, name, text)
    status = planner.cli.main(["targets", "--profile", str(path)])
    out, err = capsys.readouterr()
    assert status == 2
    assert err.startswith("error: ") and expected in err
    assert "Traceback" not in out + err
    assert out == ""


def test_cli_missing_profile_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = planner.cli.main(["targets", "--profile", str(tmp_path / "absent.toml")])
    err = capsys.readouterr().err
    assert status == 2
    assert "profile file not found" in err and "Traceback" not in err


# --- fields for dishes, kidney disease and pregnancy ------------------------------------------


def test_new_fields_are_read_and_cleaned() -> None:
    profile = profile_from_dict(
        {
            **VALID,
            "exclude_foods": ["  Banana ", "peanut butter", "tofu_firm"],
            "like_dishes": ["chana_masala_whole_wheat_chapati"],
            "cuisines": ["indian", "italian"],
            "exclude_cuisines": ["nordic"],
            "max_minutes_per_meal": 30,
            "meals_to_plan": ["dinner", "lunch"],
            "allergies": ["gluten"],
        }
    )
    assert profile.exclude_foods == ("banana", "peanut butter", "tofu_firm")
    assert profile.cuisines == ("indian", "italian") and profile.exclude_cuisines == ("nordic",)
    assert profile.max_minutes_per_meal == 30
    assert set(profile.meals_to_plan) == {"lunch", "dinner"}
    assert profile.allergies == ("gluten",)


def test_kidney_fields_and_clinician_limits() -> None:
    profile = profile_from_dict(
        {
            **VALID,
            "kidney_disease": True,
            "dialysis": True,
            "clinician_limits": {"potassium_max_mg": 2400, "fluid_max_ml": 1200},
        }
    )
    assert profile.dialysis and profile.limits() == {
        "potassium_max_mg": 2400.0,
        "fluid_max_ml": 1200.0,
    }


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"trimester": 2}, ["trimester", "pregnant"]),
        ({"life_stage": "pregnant", "age": 30, "trimester": 4}, ["trimester", "4"]),
        ({"dialysis": True}, ["dialysis", "kidney_disease"]),
        ({"clinician_limits": {"potasium_max_mg": 2000}}, ["clinician_limits", "potasium_max_mg"]),
        ({"clinician_limits": {"potassium_max_mg": -1}}, ["potassium_max_mg", "-1"]),
        (
            {"clinician_limits": {"protein_min_g_per_kg": 1.2, "protein_max_g_per_kg": 0.8}},
            ["protein_min_g_per_kg", "above"],
        ),
        ({"cuisines": ["martian"]}, ["cuisines", '"martian"']),
        ({"meals_to_plan": []}, ["meals_to_plan"]),
        ({"meals_to_plan": ["brunch"]}, ["meals_to_plan", '"brunch"']),
        ({"max_minutes_per_meal": 2}, ["max_minutes_per_meal", "2"]),
    ],
)
def test_new_fields_name_the_field_and_the_fix(change: dict[str, Any], expected: list[str]) -> None:
    message = _error({**VALID, **change})
    for part in expected:
        assert part in message, f"{part!r} not in {message!r}"


@pytest.mark.parametrize(
    ("given", "words"),
    [
        ("ana@example.org, bo@example.org", "several addresses"),
        ("Ana <ana@example.org>", "brackets"),
        ("ana@example.org\r\nBcc: x@example.org", "line break"),
        ("ana@localhost", "mail domain"),
    ],
)
def test_a_profile_email_is_checked_like_the_to_address(given: str, words: str) -> None:
    base = {"age": 45, "sex": "female", "weight_kg": 68, "height_cm": 165, "activity": "active"}
    with pytest.raises(ProfileError, match=words) as refused:
        profile_from_dict(base | {"email": given})
    assert "email" in str(refused.value)
    checked = profile_from_dict(base | {"email": " ana@bücher.example "})
    assert checked.email == "ana@xn--bcher-kva.example"  # the form a mail server accepts
