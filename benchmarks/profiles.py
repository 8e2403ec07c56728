"""The sixteen people every benchmark plans for: eight "tuning" profiles (looked at while
choosing the search's settings and the objective's weights) and eight "held out" (never
looked at), so a change can be judged on people it was not fitted to."""

from __future__ import annotations

import dataclasses

from planner.domain.profile import Profile, demo_profile

DEMO = demo_profile()
#: Used while the support rule's share and node limit were chosen.
TUNING: dict[str, Profile] = {
    "demo woman 45": DEMO,
    "demo, vegetarian": dataclasses.replace(DEMO, diet="vegetarian"),
    "demo, vegan": dataclasses.replace(DEMO, diet="vegan"),
    "woman 75, inactive": Profile(
        age=75, sex="female", weight_kg=60, height_cm=158, activity="inactive"
    ),
    "man 30, active": Profile(age=30, sex="male", weight_kg=82, height_cm=180, activity="active"),
    "man 68, kidney disease": Profile(
        age=68, sex="male", weight_kg=78, height_cm=175, activity="low_active", kidney_disease=True
    ),
    "demo, pescatarian, milk allergy": dataclasses.replace(
        DEMO, diet="pescatarian", allergies=("milk",)
    ),
    "boy 16, very active": Profile(
        age=16, sex="male", weight_kg=65, height_cm=175, activity="very_active"
    ),
}
#: Never looked at while choosing settings.
HELD_OUT: dict[str, Profile] = {
    "pregnant 29, active": Profile(
        age=29,
        sex="female",
        life_stage="pregnant",
        weight_kg=70,
        height_cm=168,
        activity="active",
    ),
    "lactating 33, vegetarian": Profile(
        age=33,
        sex="female",
        life_stage="lactating",
        weight_kg=64,
        height_cm=162,
        activity="low_active",
        diet="vegetarian",
    ),
    "man 81, inactive": Profile(
        age=81, sex="male", weight_kg=70, height_cm=170, activity="inactive"
    ),
    "man 40, vegan, soy allergy": Profile(
        age=40,
        sex="male",
        weight_kg=90,
        height_cm=185,
        activity="low_active",
        diet="vegan",
        allergies=("soy",),
    ),
    "woman 52, three liked foods": Profile(
        age=52,
        sex="female",
        weight_kg=75,
        height_cm=160,
        activity="low_active",
        like_foods=("banana_raw", "yogurt_plain_lowfat", "spinach_cooked"),
    ),
    "man 25, $4 a day": Profile(
        age=25,
        sex="male",
        weight_kg=72,
        height_cm=178,
        activity="very_active",
        budget_usd_per_day=4.0,
    ),
    "woman 60, K-raising medicine, fish allergy": Profile(
        age=60,
        sex="female",
        weight_kg=80,
        height_cm=163,
        activity="low_active",
        potassium_raising_medication=True,
        allergies=("fish",),
    ),
    "girl 15, nut allergies": Profile(
        age=15,
        sex="female",
        weight_kg=50,
        height_cm=160,
        activity="active",
        allergies=("peanuts", "tree_nuts"),
    ),
}

#: All sixteen, tuning first.
PROFILES: dict[str, Profile] = TUNING | HELD_OUT


def random_profiles(count: int, seed: int = 7) -> list[Profile]:
    """``count`` valid profiles spread over every field that changes what may be planned."""
    import random

    from planner.domain.profile import ACTIVITIES, ALLERGENS, DIETS

    rng = random.Random(seed)
    out = []
    for _ in range(count):
        sex = rng.choice(["female", "male"])
        age = rng.randint(14, 90)
        stage = None
        if sex == "female" and age <= 50:
            stage = rng.choice([None, None, "pregnant", "lactating"])
        out.append(
            Profile(
                age=age,
                sex=sex,
                life_stage=stage,
                trimester=rng.choice([1, 2, 3]) if stage == "pregnant" else None,
                weight_kg=round(rng.uniform(45, 130), 1),
                height_cm=round(rng.uniform(150, 195), 1),
                activity=rng.choice(ACTIVITIES),
                diet=rng.choice(DIETS),
                allergies=tuple(rng.sample(ALLERGENS, rng.choice([0, 0, 1, 2]))),
                budget_usd_per_day=rng.choice([None, None, None, round(rng.uniform(5, 30), 2)]),
                kidney_disease=rng.random() < 0.15,
                potassium_raising_medication=rng.random() < 0.1,
            )
        )
    return out
