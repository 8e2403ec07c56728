"""The use cases: the one layer the command line (``planner/cli/``) and the dashboard
(``app.py`` and ``ui/``, its pages in ``ui/pages/``) call.

A front end reads input, calls one function here and shows what it returns; it never opens the
store, runs the optimiser or talks to FoodData Central itself, so both front ends plan the same
week for the same person with the same foods and prices. Each function opens the local SQLite
store for one use (a connection belongs to the thread that opened it) and raises
:class:`~foods.errors.UserError` subclasses whose messages name the field or the cause and the
fix.

Use cases
---------
foods:    :func:`person_foods`, :func:`foods_snapshot`, :func:`custom_foods`,
          :func:`check_custom_foods`, :func:`save_custom_foods`, :func:`remove_custom_food`,
          :func:`prices`, :func:`set_price`, :func:`clear_price`, :func:`fdc_search`,
          :func:`import_fdc_food`
profiles: :func:`list_profiles`, :func:`profile_record`, :func:`saved_profile`,
          :func:`save_profile`, :func:`delete_profile`
plans:    :func:`plan_for`, :func:`example_plan`, :func:`plan_week_of`, :func:`save_plan`,
          :func:`list_plans`, :func:`saved_plan`
e-mail:   :func:`week_message`, :func:`send_week`, :func:`email_week`
diet:     :func:`solve_diet_files` (the classic diet problem on a person's own CSV files)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import statistics
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from foods.errors import FoodTableError, UserError
from foods.text import one_line
from planner.domain.plan import Plan, as_plan
from planner.domain.profile import Profile, profile_from_dict
from planner.domain.weekly import ROTATION_STRENGTH, rotation_penalties, week_start
from planner.store import DB_FILENAME, MailRecord, PlanSummary, SavedPlan, Store, default_data_dir

# The food tables (pandas), the optimiser, FoodData Central and the mailer are imported by the
# use cases that need them, so listing profiles or plans starts in a third of a second.
if TYPE_CHECKING:
    from email.message import EmailMessage

    import pandas as pd

    from foods.fdc import FdcHit
    from planner.domain.request import PlanRequest
    from planner.optimiser.diet_problem import DietResult
    from planner.outputs.mailer import SmtpSettings

#: From address of a message written to a file when ``CRAMP_SMTP_FROM`` is not set (a domain
#: reserved for examples, RFC 2606: it reaches no one).
DRY_RUN_SENDER = "cramp-planner@example.com"
#: The ``planner`` package (its files are part of the key of a kept example week).
PLANNER_DIR = Path(__file__).resolve().parent


@contextmanager
def _store() -> Iterator[Store]:
    """The local store, open for one use."""
    store = Store.open()
    try:
        yield store
    finally:
        store.close()


# --- foods ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Skipped:
    """A saved food or price that no longer fits the food tables and is left out.

    ``kind`` is ``"custom_food"`` or ``"price"``; ``reason`` says why, ``command`` removes it.
    """

    kind: str
    food_id: str
    reason: str

    @property
    def command(self) -> str:
        """The CLI command that removes the record."""
        verb = "remove" if self.kind == "custom_food" else "clear-price"
        return f"cramp-planner foods {verb} {self.food_id}"

    def message(self) -> str:
        """One line for a person: what is left out, why, and how to remove it."""
        what = "your food" if self.kind == "custom_food" else "your price for"
        return (
            f"{what} {self.food_id!r} is left out: {self.reason}; remove it with `{self.command}`"
        )


def user_food_table(store: Store) -> tuple[pd.DataFrame, list[Skipped]]:
    """The catalogue plus the store's custom foods, with the person's price overrides, and
    the saved records that had to be left out (never fatal: one bad record must not lock a
    person out of planning)."""
    from foods.catalog import load_catalog

    catalog = load_catalog()
    skipped: list[Skipped] = []
    rows = []
    for row in store.list_custom_foods():
        food_id = str(row.get("food_id", ""))
        if food_id in catalog.index:
            reason = "the catalogue now has a food with this id; add yours again under a new id"
            skipped.append(Skipped("custom_food", food_id, reason))
        else:
            rows.append(row)
    extra = _custom_tables(rows, skipped)
    known = set(catalog.index).union(*(set(t.index) for t in extra))
    prices = {}
    for food_id, price in store.price_overrides().items():
        if food_id in known:
            prices[food_id] = price
        else:
            skipped.append(Skipped("price", food_id, "no food has this id any more"))
    return load_catalog(extra, prices), skipped


def _custom_tables(rows: list[dict[str, Any]], skipped: list[Skipped]) -> list[pd.DataFrame]:
    """The saved custom foods as built tables: all in one table (a build costs ≈ 0.07 s
    however many rows), or, when one is broken, one table per food so that only the broken
    ones are left out (each added to ``skipped`` with its reason)."""
    import pandas as pd

    from foods.catalog import build_food_table

    if not rows:
        return []
    try:
        return [build_food_table(pd.DataFrame(rows), "your foods", origin="custom")]
    except UserError:
        pass  # find which records are broken
    extra = []
    for row in rows:
        food_id = str(row.get("food_id", ""))
        try:
            extra.append(build_food_table(pd.DataFrame([row]), food_id, origin="custom"))
        except UserError as exc:
            skipped.append(Skipped("custom_food", food_id, one_line(exc)))
    return extra


@dataclass(frozen=True)
class PersonFoods:
    """The food table a person plans with (catalogue + own foods + own prices) and the saved
    records left out of it because they no longer fit (each says how to remove it)."""

    table: pd.DataFrame
    skipped: tuple[Skipped, ...] = ()

    @property
    def notes(self) -> list[str]:
        """One line per record left out."""
        return [s.message() for s in self.skipped]


def person_foods() -> PersonFoods:
    """The person's food table; the catalogue alone when no store exists (none is created)."""
    from foods.catalog import load_catalog

    if not (default_data_dir() / DB_FILENAME).exists():
        return PersonFoods(load_catalog())
    with _store() as store:
        table, skipped = user_food_table(store)
    return PersonFoods(table, tuple(skipped))


def foods_snapshot() -> str:
    """The person's custom foods and prices as canonical JSON (a cache key of their table)."""
    with _store() as store:
        data = {"custom": store.list_custom_foods(), "prices": store.price_overrides()}
    return json.dumps(data, sort_keys=True)


def custom_foods() -> list[dict[str, Any]]:
    """The person's saved foods, as stored rows."""
    with _store() as store:
        return store.list_custom_foods()


def check_custom_foods(rows: Sequence[Mapping[str, Any]], source: str) -> pd.DataFrame:
    """Check new food rows alone, then together with the saved foods, prices and catalogue.

    Returns the new rows' food table. Raises :class:`~foods.errors.FoodTableError` naming
    ``source``, the row and the field.
    """
    import pandas as pd

    from foods.catalog import build_food_table, load_catalog

    table = build_food_table(pd.DataFrame(list(rows)), source, origin="custom")
    with _store() as store:
        saved = {row["food_id"]: row for row in store.list_custom_foods()}
        overrides = store.price_overrides()
    saved.update({str(row["food_id"]): dict(row) for row in rows})
    merged = build_food_table(pd.DataFrame(list(saved.values())), "your foods", origin="custom")
    load_catalog([merged], overrides)
    return table


def save_custom_foods(rows: Sequence[Mapping[str, Any]], source: str = "user") -> None:
    """Save checked food rows (one transaction: all or none)."""
    with _store() as store, store.transaction():
        for row in rows:
            store.save_custom_food(row, source=source)


def remove_custom_food(food_id: str) -> None:
    """Delete one of the person's foods (its price, if any, stays until cleared)."""
    with _store() as store:
        store.delete_custom_food(food_id)


def prices() -> tuple[dict[str, float], dict[str, str]]:
    """The person's own prices (food id → USD/kg) and their notes."""
    with _store() as store:
        return store.price_overrides(), store.price_override_notes()


def set_price(food_id: str, usd_per_kg: float, note: str = "") -> None:
    """Set the person's price of a food (USD per kg)."""
    with _store() as store:
        store.set_price_override(food_id, usd_per_kg, note)


def clear_price(food_id: str) -> bool:
    """Go back to the catalogue's price; False when the person had no price for it."""
    with _store() as store:
        return store.clear_price_override(food_id)


def remove_skipped(record: Skipped) -> None:
    """Remove a saved record that no longer fits (a custom food or a price)."""
    with _store() as store:
        if record.kind == "custom_food":
            store.delete_custom_food(record.food_id)
        else:
            store.clear_price_override(record.food_id)


#: FoodData Central settings for a page someone is waiting on: one retry, 8 s a call.
QUICK_FDC: Mapping[str, Any] = {"max_retries": 1, "timeout_s": 8.0}


def fdc_search(query: str, limit: int = 25, *, quick: bool = False) -> list[FdcHit]:
    """Foods of FoodData Central matching ``query`` (at most ``limit``); ``quick`` for a page
    someone waits on (:data:`QUICK_FDC`)."""
    from foods.fdc import FdcClient

    with FdcClient(**(QUICK_FDC if quick else {})) as fdc:
        return fdc.search(query, page_size=limit)


@dataclass(frozen=True)
class ImportedFood:
    """A FoodData Central food saved as the person's own: its row, its food table (one row)
    and notes for the person (an estimated price, a carbohydrate set to 0 g)."""

    row: dict[str, Any]
    table: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def import_fdc_food(
    fdc_id: int,
    *,
    serving_g: float = 100.0,
    price_usd_per_kg: float | None = None,
    quick: bool = False,
    **fields: Any,
) -> ImportedFood:
    """Fetch one FoodData Central food, check it like any food table and save it.

    ``fields`` go to :func:`foods.fdc.food_to_custom_row` (``slots``, ``name``, ``category``,
    ``aisle``, ``diet_tags``, ``allergens``). With no price, the median of the catalogue's
    foods of the same category is used and said so; a carbohydrate FoodData Central omits is
    set to 0 g when protein and fat explain the energy.
    """
    import pandas as pd

    from foods.catalog import build_food_table, load_catalog
    from foods.fdc import FdcClient, food_to_custom_row

    with FdcClient(**(QUICK_FDC if quick else {})) as fdc:
        food = fdc.get_food(fdc_id)
    catalog = load_catalog()
    notes: list[str] = []
    price, source = price_usd_per_kg, "user"
    if price is None:
        category = fields.get("category") or "mixed"
        same = catalog[catalog["category"] == category]["price_usd_per_kg"]
        price = round(statistics.median(same if len(same) else catalog["price_usd_per_kg"]), 2)
        source = (
            f"estimate: no price given; median of the catalogue's {category} foods "
            f"(${price:.2f}/kg) — set your own with --price-usd-per-kg"
        )
    row = food_to_custom_row(
        food, serving_g=serving_g, price_usd_per_kg=price, price_source=source, **fields
    )
    notes += _fill_carbohydrate(row)
    table = build_food_table(pd.DataFrame([row]), f"FDC food {fdc_id}", origin="custom")
    mine = {r["food_id"] for r in custom_foods()}
    if row["food_id"] in catalog.index and row["food_id"] not in mine:
        raise FoodTableError(
            f"food_id {row['food_id']!r} is a catalogue food; give yours another name "
            "(--name on the command line)"
        )
    check_custom_foods([row], f"FDC food {fdc_id}")
    save_custom_foods([row], source=f"fdc-{fdc_id}")
    return ImportedFood(row, table, notes)


def _fill_carbohydrate(row: dict[str, Any]) -> list[str]:
    """FDC often omits carbohydrate for meat and fish: use 0 when protein and fat explain the
    energy (within 10 % or 20 kcal per 100 g), and say so; otherwise leave it missing."""
    energy, protein, fat = (row.get(k) for k in ("energy_kcal", "protein_g", "fat_g"))
    if row.get("carbohydrate_g") is not None or None in (energy, protein, fat):
        return []
    explained = 4 * float(protein) + 9 * float(fat)  # type: ignore[arg-type]
    if abs(float(energy) - explained) > max(0.1 * float(energy), 20.0):  # type: ignore[arg-type]
        return []
    row["carbohydrate_g"] = 0.0
    return [
        "FoodData Central gives no carbohydrate for this food; protein and fat explain its "
        "energy, so carbohydrate is set to 0 g"
    ]


# --- profiles ------------------------------------------------------------------------------------


def list_profiles() -> list[dict[str, str]]:
    """Saved profiles: ``name`` and ``updated_at`` (UTC ISO-8601), by name."""
    with _store() as store:
        return store.list_profiles()


def profile_record(name: str) -> dict[str, Any]:
    """A saved profile as stored (not validated: a form may show and repair it)."""
    with _store() as store:
        return store.get_profile(name)


def saved_profile(name: str) -> Profile:
    """A saved profile, validated; says so when it no longer is."""
    data = profile_record(name)
    try:
        return profile_from_dict(data)
    except UserError as exc:
        raise UserError(f"saved profile {name!r} is no longer valid: {exc}") from exc


def save_profile(name: str, profile: Profile | Mapping[str, Any]) -> tuple[bool, Path]:
    """Save a profile under ``name`` (replacing one of that name); returns whether it
    replaced one, and the store's path."""
    data = profile.to_dict() if isinstance(profile, Profile) else dict(profile)
    with _store() as store:
        existed = any(p["name"] == name for p in store.list_profiles())
        store.save_profile(name, data)
        return existed, store.path


def delete_profile(name: str) -> int:
    """Delete a saved profile; returns how many of its plans are kept without a name."""
    with _store() as store:
        return store.delete_profile(name)


# --- plans ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanOutcome:
    """A planned week: the plan, the request it answers, where it was saved (if it was) and
    notes for the person (saved records left out of their foods)."""

    plan: Plan
    request: PlanRequest
    saved_id: int | None = None
    store_path: Path | None = None
    notes: list[str] = field(default_factory=list)


def plan_for(request: PlanRequest, foods: pd.DataFrame | None = None) -> Plan:
    """Plan ``request`` over ``foods`` (default: the person's food table)."""
    from planner.optimiser.week import plan_week

    return plan_week(request, person_foods().table if foods is None else foods)


def example_plan(request: PlanRequest, foods: pd.DataFrame, snapshot: str) -> Plan:
    """The example week a first visit to the dashboard shows: planned once, then read back
    from the cache folder of :mod:`foods.cache` (≈ 0.01 s instead of ≈ 1.5 CPU-s of solving
    at every start of the dashboard).

    The key is the request, ``snapshot`` (the person's custom foods and prices, as
    :func:`foods_snapshot` gives them), every file of the ``foods`` and ``planner`` packages
    and :func:`~planner.optimiser.week.plan_identity`: whatever changes the plan changes the
    key, so a kept week is never stale. Without a cache folder it is simply planned.
    """
    from foods.cache import cached, package_key
    from planner.optimiser.week import plan_identity

    made_of = (package_key(), package_key(PLANNER_DIR), plan_identity(), snapshot, repr(request))
    key = hashlib.sha256("\0".join(made_of).encode()).hexdigest()[:16]
    kept = cached("example-week", lambda: plan_for(request, foods).to_dict(), key)
    return Plan.from_dict(kept)  # kept as the plan JSON: the Plan's read-only mappings


def plan_week_of(
    request: PlanRequest,
    week_of: dt.date,
    *,
    profile_name: str | None = None,
    rotation: float = ROTATION_STRENGTH,
    save: bool = False,
    foods: PersonFoods | None = None,
) -> PlanOutcome:
    """Plan the week of ``week_of`` with the person's foods and prices, and save it if asked.

    With ``profile_name`` the saved profile replaces ``request.profile`` and the dishes of its
    previous saved week are avoided (``rotation`` 0 = not at all, 1 = ``repeat_usd`` a dish);
    the plan is saved under that name and the week's Monday (replacing an earlier plan of the
    same week). A plan is saved only when it has days to eat. ``foods`` saves reading the
    person's food table again when the caller has it.
    """
    from planner.optimiser.week import plan_week

    monday = week_start(week_of)
    foods = foods or person_foods()
    if profile_name is not None:
        profile = saved_profile(profile_name)
        with _store() as store:
            previous = store.latest_plan(profile_name, before_week=monday)
        avoid = rotation_penalties(previous.plan if previous else None, rotation)
        request = replace(request, profile=profile, avoid_dishes=avoid)
    plan = plan_week(request, foods.table)
    saved_id, path = None, None
    if save and plan.ok:
        saved_id, path = _save(plan.to_dict(), request.summary(), profile_name, monday)
    return PlanOutcome(plan, request, saved_id, path, foods.notes)


def _save(
    plan: Mapping[str, Any], summary: Mapping[str, Any], name: str | None, monday: dt.date
) -> tuple[int, Path]:
    with _store() as store:
        summary = dict(summary) | {"week_start": monday.isoformat()}
        plan_id = store.save_plan(plan, summary, profile_name=name, week_start=monday)
        return plan_id, store.path


def save_plan(
    plan: Mapping[str, Any],
    request: Mapping[str, Any],
    *,
    week_of: dt.date,
    profile_name: str | None = None,
    profile: Mapping[str, Any] | None = None,
) -> int:
    """Save a plan JSON with the request dict that produced it (the dashboard's), under the
    week of ``week_of``; with ``profile`` the profile is saved under ``profile_name`` first,
    both in one transaction. Returns the plan id."""
    monday = week_start(week_of)
    with _store() as store, store.transaction():
        if profile_name and profile is not None:
            store.save_profile(profile_name, profile)
        return store.save_plan(plan, request, profile_name=profile_name, week_start=monday)


def list_plans(profile_name: str | None = None) -> list[PlanSummary]:
    """Saved plans, newest first (of one saved profile, whose name is checked, if given)."""
    with _store() as store:
        if profile_name is not None:
            store.get_profile(profile_name)  # a typo gets "no saved profile ...; saved: ..."
        return store.list_plans(profile_name)


def saved_plan(plan_id: int) -> SavedPlan:
    """One saved plan with its request."""
    with _store() as store:
        return store.get_plan(plan_id)


# --- e-mail --------------------------------------------------------------------------------------


def coming_monday(today: dt.date | None = None) -> dt.date:
    """Today if it is a Monday, else the next Monday."""
    today = today or dt.date.today()
    return today + dt.timedelta(days=(7 - today.weekday()) % 7)


def week_message(
    plan: Plan | Mapping[str, Any],
    foods: pd.DataFrame,
    *,
    to: str,
    week_of: dt.date,
    have: Mapping[str, float] | None = None,
    profile_label: str | None = None,
    sender: str | None = None,
) -> EmailMessage:
    """The week's e-mail (text + HTML, shopping list, plan.csv, plan.ics) for a plan JSON.

    ``sender`` defaults to ``CRAMP_SMTP_FROM`` (checked), else a placeholder address for a
    message that is only written to a file. A plan without days is refused.
    """
    from planner.outputs.mailer import build_message, validate_address
    from planner.outputs.shopping import build_shopping_list

    plan = as_plan(plan)
    if not plan.ok:
        raise UserError(
            f"no plan to send ({plan.status.value}): {plan.message or 'no message'}; "
            "nothing was sent"
        )
    if sender is None:
        text = os.environ.get("CRAMP_SMTP_FROM", "").strip()
        sender = validate_address(text, "CRAMP_SMTP_FROM") if text else DRY_RUN_SENDER
    shopping = build_shopping_list(plan, foods, have)
    return build_message(
        plan, shopping, to=to, sender=sender, week_of=week_of, profile_label=profile_label
    )


def send_week(message: EmailMessage, settings: SmtpSettings | None = None) -> None:
    """Send a message with the server of the environment (``CRAMP_SMTP_*``)."""
    from planner.outputs.mailer import SmtpSettings, send_message

    send_message(message, settings or SmtpSettings.from_env())


@dataclass(frozen=True)
class EmailOutcome:
    """What :func:`email_week` did: the message, the week's Monday, the plan saved (if any)."""

    message: EmailMessage
    monday: dt.date
    saved_id: int | None = None
    store_path: Path | None = None
    notes: list[str] = field(default_factory=list)


def email_week(
    to: str,
    *,
    week_of: dt.date,
    profile: Profile | None = None,
    profile_name: str | None = None,
    plan: Mapping[str, Any] | None = None,
    days: int = 7,
    have: Mapping[str, float] | None = None,
    send: bool = True,
) -> EmailOutcome:
    """Plan ``days`` days for ``profile`` or the saved ``profile_name`` (or take ``plan``),
    build the week's e-mail and send it (unless ``send`` is False: then nothing is saved or
    sent, the message is only returned). The address and the server settings are checked
    before anything is planned.

    For a saved profile the plan is saved *before* sending, so a failed send loses nothing:
    the error then names the plan id that holds it.
    """
    from planner.domain.request import PlanRequest
    from planner.outputs.mailer import SmtpSettings, validate_address

    address = validate_address(to, "--to")
    settings = SmtpSettings.from_env() if send else None
    monday = week_start(week_of)
    outcome = None
    foods = person_foods()
    if plan is None:
        if profile_name is not None:
            profile = saved_profile(profile_name)
        if profile is None:
            raise UserError("nothing to send: give a profile, a saved profile or a plan")
        request = PlanRequest(profile=profile, days=days)
        outcome = plan_week_of(request, monday, profile_name=profile_name, save=send, foods=foods)
        plan = outcome.plan.to_dict()
    message = week_message(
        plan,
        foods.table,
        to=address,
        week_of=monday,
        have=have,
        profile_label=profile_name,
        sender=settings.sender if settings else None,
    )
    saved_id = outcome.saved_id if outcome else None
    path = outcome.store_path if outcome else None
    notes = outcome.notes if outcome else foods.notes
    if settings is not None:
        _send_keeping(message, settings, saved_id, path)
        if profile_name is not None and saved_id is not None:
            _record_sent(profile_name, monday, saved_id, address, str(message["Message-ID"]))
    return EmailOutcome(message, monday, saved_id, path, notes)


def _record_sent(name: str, monday: dt.date, plan_id: int, address: str, msg_id: str) -> None:
    """Note that ``name`` got the week, so ``batch email`` does not send it again."""
    with _store() as store:
        store.record_mail(MailRecord(name, monday, plan_id, address, msg_id, "sent", 1))


def _send_keeping(
    message: EmailMessage, settings: SmtpSettings, saved_id: int | None, path: Path | None
) -> None:
    """Send; a failure after the plan was saved says where it is kept."""
    from planner.outputs.mailer import MailError, send_message

    try:
        send_message(message, settings)
    except MailError as exc:
        if saved_id is None:
            raise
        raise MailError(
            f"{exc}; nothing was sent, the plan is kept: plan #{saved_id} saved in {path} "
            f"(see 'cramp-planner plans show {saved_id}')"
        ) from None


# --- the classic diet problem ------------------------------------------------------------------


def solve_diet_files(
    foods_csv: Path, requirements_csv: Path, continuous: bool = False
) -> DietResult:
    """Cheapest units of the foods of ``FOODS.csv`` meeting ``REQ.csv`` (whole units unless
    ``continuous``)."""
    from planner.optimiser.diet_problem import read_diet_foods, read_requirements, solve_diet

    foods = read_diet_foods(foods_csv)
    return solve_diet(foods, read_requirements(requirements_csv, foods), continuous=continuous)
