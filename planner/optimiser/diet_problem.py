"""The classic diet problem on a person's own table: minimise cost subject to nutrient bounds.

``FOODS.csv``: ``food, cost`` then one column per nutrient (amount per unit of food).
``REQ.csv``: ``nutrient, min, max`` (blank = no bound). Amounts are whole units unless
``continuous`` is set. Used by ``cramp-planner solve`` and to check the solver against
Stigler's published optimum ($0.10866228 per day).
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pulp

from foods.errors import UserError
from planner.optimiser.solve import SolverOutcome, SolverSettings, solve_problem

#: Largest cost, amount or bound accepted: solvers treat numbers near 1e20 as infinite, so a
#: bound of 1e300 would silently mean "no bound" or break the solve.
MAX_VALUE = 1e15
#: Where solvers start to read a bound as infinite.
SOLVER_INFINITY = 1e20


class DietProblemError(UserError):
    """A foods or requirements file that cannot be used; the message names the cell and fix."""


@dataclass(frozen=True)
class DietResult:
    """Outcome: status (optimal, feasible, infeasible, no_solution, error), cost, amounts."""

    status: str
    objective: float | None
    amounts: dict[str, float]
    solver: str
    seconds: float
    message: str = ""

    def to_dict(self) -> dict[str, object]:
        """JSON-ready ``{status, objective, amounts, solver, seconds, message}``."""
        return {
            "status": self.status,
            "objective": self.objective,
            "amounts": self.amounts,
            "solver": self.solver,
            "seconds": round(self.seconds, 4),
            "message": self.message,
        }


def _read(path: Path | str, what: str) -> pd.DataFrame:
    name = Path(path).name if isinstance(path, Path) else what
    try:
        text = Path(path).read_text(encoding="utf-8-sig") if isinstance(path, Path) else path
    except UnicodeDecodeError as exc:
        raise DietProblemError(f"{name}: not UTF-8 text; save it as CSV UTF-8") from exc
    if not text.strip():
        raise DietProblemError(f"{name}: the file is empty; it needs a header row and data rows")
    try:
        rows = [r for r in csv.reader(io.StringIO(text)) if any(c.strip() for c in r)]
    except csv.Error as exc:
        raise DietProblemError(f"{name}: not a readable CSV ({exc})") from exc
    header = [c.strip() for c in rows[0]]
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise DietProblemError(
                f"{name} line {line}: {len(row)} fields but the header has {len(header)}; "
                "give every row one value per column (quote text that contains a comma)"
            )
    dupes = sorted({c for c in header if header.count(c) > 1})
    if dupes:
        raise DietProblemError(f"{name}: column(s) {', '.join(dupes)} appear twice; keep one")
    return pd.DataFrame(rows[1:], columns=header, dtype=str)


def _number(value: str, where: str, allow_blank: bool = False, limit: float = 0.0) -> float:
    """A finite number from a cell; above ``limit`` (default :data:`MAX_VALUE`) is refused."""
    limit = limit or MAX_VALUE
    text = value.strip()
    if text == "" and allow_blank:
        return math.nan
    try:
        number = float(text)
    except ValueError:
        raise DietProblemError(f"{where}: {value!r} is not a number") from None
    if math.isnan(number) or math.isinf(number):
        raise DietProblemError(f"{where}: {value!r} is not a finite number")
    if abs(number) > limit:
        raise DietProblemError(
            f"{where}: {value!r} is beyond {limit:g}, more than any solver can hold "
            "exactly; use the amount per unit of food in ordinary units"
        )
    return number


def read_diet_foods(path: Path | str) -> pd.DataFrame:
    """Read and validate ``FOODS.csv``; returns numbers indexed by food name.

    Raises
    ------
    DietProblemError
        Missing ``food``/``cost`` columns, no nutrient column, duplicate or empty food names,
        non-numeric or negative values.
    """
    raw = _read(path, "FOODS.csv")
    name = Path(path).name if isinstance(path, Path) else "FOODS.csv"
    missing = [c for c in ("food", "cost") if c not in raw.columns]
    if missing:
        raise DietProblemError(
            f"{name}: missing column(s) {', '.join(missing)}; the header must start with "
            "food,cost and then one column per nutrient"
        )
    nutrients = [c for c in raw.columns if c not in ("food", "cost")]
    if not nutrients:
        raise DietProblemError(f"{name}: no nutrient columns; add one column per nutrient")
    if raw.empty:
        raise DietProblemError(f"{name}: no food rows")
    names = raw["food"].str.strip()
    if (names == "").any():
        line = int(names[names == ""].index[0]) + 2
        raise DietProblemError(f"{name}: line {line} has an empty food name")
    dupes = sorted(set(names[names.duplicated()]))
    if dupes:
        raise DietProblemError(f"{name}: food(s) listed twice: {', '.join(dupes)}")
    out = pd.DataFrame(index=names)
    for column in ["cost", *nutrients]:
        values = []
        for idx, value in raw[column].items():
            number = _number(value, f"{name} line {int(idx) + 2}, column {column!r}")
            if number < 0:
                raise DietProblemError(
                    f"{name} line {int(idx) + 2}, column {column!r}: {number:g} is negative; "
                    "costs and nutrient amounts must be ≥ 0"
                )
            values.append(number)
        out[column] = values
    return out


def read_requirements(path: Path | str, foods: pd.DataFrame) -> pd.DataFrame:
    """Read and validate ``REQ.csv`` (``nutrient,min,max``) against the foods' columns."""
    raw = _read(path, "REQ.csv")
    name = Path(path).name if isinstance(path, Path) else "REQ.csv"
    missing = [c for c in ("nutrient", "min", "max") if c not in raw.columns]
    if missing:
        raise DietProblemError(
            f"{name}: missing column(s) {', '.join(missing)}; the header must be nutrient,min,max"
        )
    if raw.empty:
        raise DietProblemError(f"{name}: no requirement rows")
    rows = []
    known = [c for c in foods.columns if c != "cost"]
    for idx, row in raw.iterrows():
        where = f"{name} line {int(idx) + 2}"
        nutrient = row["nutrient"].strip()
        if nutrient not in known:
            raise DietProblemError(
                f"{where}: nutrient {nutrient!r} is not a column of the foods file "
                f"(columns: {', '.join(known)})"
            )
        lo = _number(row["min"], f"{where}, min", allow_blank=True, limit=math.inf)
        hi = _number(row["max"], f"{where}, max", allow_blank=True, limit=math.inf)
        if math.isnan(lo) and math.isnan(hi):
            raise DietProblemError(f"{where}: {nutrient} has neither min nor max; give one")
        if not math.isnan(lo) and not math.isnan(hi) and lo > hi:
            raise DietProblemError(
                f"{where}: {nutrient}: min {lo:g} > max {hi:g} makes every diet infeasible; "
                "lower min or raise max"
            )
        rows.append({"nutrient": nutrient, "min": lo, "max": hi})
    frame = pd.DataFrame(rows)
    dupes = sorted(set(frame["nutrient"][frame["nutrient"].duplicated()]))
    if dupes:
        raise DietProblemError(f"{name}: nutrient(s) listed twice: {', '.join(dupes)}")
    return frame


def build_diet_model(
    foods: pd.DataFrame, requirements: pd.DataFrame, continuous: bool = False
) -> tuple[pulp.LpProblem, dict[str, pulp.LpVariable]]:
    """Minimise Σ cost·x subject to min ≤ Σ amount·x ≤ max for each requirement."""
    problem = pulp.LpProblem("diet", pulp.LpMinimize)
    cat = pulp.LpContinuous if continuous else pulp.LpInteger
    amounts = {
        food: problem.add_variable(f"units_{i}", lowBound=0, cat=cat)
        for i, food in enumerate(foods.index)
    }
    problem.setObjective(
        pulp.LpAffineExpression([(v, float(foods.at[f, "cost"])) for f, v in amounts.items()])
    )
    for req in requirements.itertuples():
        column = foods[req.nutrient]
        expr = pulp.LpAffineExpression(
            [(v, float(column[f])) for f, v in amounts.items() if column[f]]
        )
        if not math.isnan(req.min):
            problem.addConstraint(
                pulp.LpConstraint(expr, pulp.LpConstraintGE, f"min_{req.Index}", req.min)
            )
        if not math.isnan(req.max):
            problem.addConstraint(
                pulp.LpConstraint(expr, pulp.LpConstraintLE, f"max_{req.Index}", req.max)
            )
    return problem, amounts


def solve_diet(
    foods: pd.DataFrame,
    requirements: pd.DataFrame,
    continuous: bool = False,
    settings: SolverSettings | None = None,
) -> DietResult:
    """Solve the diet problem; amounts are units of each food (only foods with amount > 0)."""
    settings = settings or SolverSettings(gap_rel=1e-6, mip=not continuous, time_limit_s=60)
    beyond = requirements[requirements["min"] >= SOLVER_INFINITY]
    if not beyond.empty:  # a solver reads such a bound as "infinite": no diet can reach it
        row = beyond.iloc[0]
        return DietResult(
            status="infeasible",
            objective=None,
            amounts={},
            solver=settings.name,
            seconds=0.0,
            message=f"{row['nutrient']}: a minimum of {row['min']:g} cannot be reached by any "
            "amount of these foods",
        )
    problem, amounts = build_diet_model(foods, requirements, continuous)
    result = solve_problem(problem, settings)
    ok = result.outcome in (SolverOutcome.OPTIMAL, SolverOutcome.FEASIBLE)
    chosen = {
        f: round(float(v.varValue), 9)
        for f, v in amounts.items()
        if ok and v.varValue is not None and v.varValue > 1e-9
    }
    return DietResult(
        status=result.outcome.value,
        objective=result.objective if ok else None,
        amounts=chosen,
        solver=result.solver,
        seconds=result.seconds,
        message=result.message,
    )
