"""Solve a built model with HiGHS (through PuLP and ``highspy``), CBC as the fallback.

Solver outcomes are mapped once, here, into :class:`SolverOutcome`; nothing else reads raw
PuLP or HiGHS codes. A run stopped by its time limit is never called optimal: PuLP's
``sol_status`` says whether the incumbent was proven (within the gap) or merely feasible.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import pulp


class SolverOutcome(StrEnum):
    """What the solver achieved, independent of nutrition."""

    OPTIMAL = "optimal"  # proven optimal within the relative gap
    FEASIBLE = "feasible"  # a solution, not proven (time limit)
    INFEASIBLE = "infeasible"  # hard constraints contradict each other
    NO_SOLUTION = "no_solution"  # stopped before any solution was found
    ERROR = "error"  # the solver failed


@dataclass(frozen=True)
class SolverSettings:
    """How to run the solver: ``name`` highs|cbc, time limit (s), relative gap, MIP or LP."""

    name: str = "highs"
    time_limit_s: float = 20.0
    gap_rel: float = 0.01
    #: absolute gap (objective units, USD) at which the MIP may also stop; 0 = none
    gap_abs: float = 0.0
    mip: bool = True
    threads: int | None = 1
    #: extra HiGHS options as (name, value) pairs, e.g. heuristics switched off
    highs_options: tuple[tuple[str, object], ...] = ()


@dataclass(frozen=True)
class SolveResult:
    """The outcome of one solve: status, solver used, wall seconds, gap and objective (USD)."""

    outcome: SolverOutcome
    solver: str
    seconds: float
    gap: float | None
    objective: float | None
    message: str = ""
    #: best proven lower bound on the objective (MIP dual bound, or the LP optimum)
    dual_bound: float | None = None


def highs_available() -> bool:
    """Whether HiGHS can be used through PuLP (``highspy`` importable)."""
    return bool(pulp.HiGHS(msg=False).available())


class PlanProblem(pulp.LpProblem):  # type: ignore[misc]
    """A PuLP problem whose variable list is fixed once its build is over.

    PuLP registers a constraint's variables when the constraint is added, yet rescans every
    constraint on each ``variables()`` call (four times per solve: about 0.1 s for a ranking
    model of 1,600 columns). Models call :meth:`freeze_variables` once the objective is set
    and add no rows after it; later calls return that list.
    """

    _frozen: list[pulp.LpVariable] | None = None
    _created: list[pulp.LpVariable] | None = None

    def add_variable(self, name: str, *args: Any, **kwargs: Any) -> pulp.LpVariable:
        """PuLP's ``add_variable``, remembering the variable for :meth:`freeze_variables`."""
        var = super().add_variable(name, *args, **kwargs)
        if self._created is None:
            self._created = []
        self._created.append(var)
        return var

    def add_row(self, constraint: pulp.LpConstraint) -> None:
        """Add a row whose variables all come from :meth:`add_variable` (PuLP's own
        ``addConstraint`` registers every variable of every row again, about a third of a
        ranking model's build)."""
        self._constraints[constraint.name] = constraint
        self.modifiedConstraints.append(constraint)

    def freeze_variables(self) -> None:
        """Fix the variable list: those of the rows and the objective, sorted by name as PuLP
        sorts them (the column order steers HiGHS's branching, so it stays PuLP's)."""
        if self.objective:
            self._add_variables(self.objective.keys())
        self._add_variables(self._created or [])
        self._frozen = sorted(self._variables, key=lambda v: v.name)

    def variables(self) -> list[pulp.LpVariable]:
        return self._frozen if self._frozen is not None else super().variables()


class WarmStartHiGHS(pulp.HiGHS):  # type: ignore[misc,name-defined]
    """PuLP's HiGHS interface, passing the variables' current values as a MIP start (PuLP's
    own ``warmStart`` applies only to the HiGHS executable, not to ``highspy``)."""

    def callSolver(self, lp: pulp.LpProblem) -> None:  # noqa: N802 (PuLP's method name)
        import highspy

        solution = highspy.HighsSolution()
        solution.col_value = [float(v.varValue or 0.0) for v in lp.variables()]
        solution.value_valid = True
        lp.solverModel.setSolution(solution)
        lp.solverModel.run()


def make_solver(settings: SolverSettings, warm_start: bool = False) -> tuple[pulp.LpSolver, str]:
    """The PuLP solver object for ``settings``; falls back to CBC when HiGHS is unavailable.

    With ``warm_start`` the variables' current values are handed to HiGHS as a start.
    """
    if settings.name == "highs" and highs_available():
        kwargs: dict[str, object] = {}
        if settings.threads is not None:
            kwargs["threads"] = settings.threads
        solver = (WarmStartHiGHS if warm_start else pulp.HiGHS)(
            mip=settings.mip,
            msg=False,
            timeLimit=settings.time_limit_s,
            gapRel=settings.gap_rel,
            gapAbs=settings.gap_abs if settings.gap_abs > 0 else None,
            random_seed=0,
            **kwargs,
        )
        solver.optionsDict.update(dict(settings.highs_options))
        return solver, "highs"
    solver = pulp.PULP_CBC_CMD(
        mip=settings.mip,
        msg=False,
        timeLimit=settings.time_limit_s,
        gapRel=settings.gap_rel,
        gapAbs=settings.gap_abs if settings.gap_abs > 0 else None,
        threads=settings.threads,
        warmStart=warm_start,
        _skip_v4_deprecation=True,  # PuLP 4 moves CBC to a separate package; this is the fallback
    )
    return solver, "cbc"


def _proof_info(problem: pulp.LpProblem, solver_name: str) -> Any | None:
    """HiGHS's info record of the last run, or None when it proves nothing: another solver,
    or a run stopped by a node limit (HiGHS may then report the incumbent as the bound)."""
    model = getattr(problem, "solverModel", None)
    if solver_name != "highs" or model is None:
        return None
    import highspy

    if model.getModelStatus() == highspy.HighsModelStatus.kSolutionLimit:
        return None
    return model.getInfo()


def _dual_bound(problem: pulp.LpProblem, solver_name: str, objective: float | None) -> float | None:
    info = _proof_info(problem, solver_name)
    if info is None:
        return None
    bound = float(getattr(info, "mip_dual_bound", float("nan")))
    if bound != bound or abs(bound) > 1e20:  # an LP (no MIP bound): the LP optimum is the bound
        return objective
    return bound


def _gap(problem: pulp.LpProblem, solver_name: str) -> float | None:
    info = _proof_info(problem, solver_name)
    if info is None:
        return None
    gap = float(getattr(info, "mip_gap", float("nan")))
    if gap != gap or gap > 1e20:  # NaN or "infinite": no MIP (LP) or no bound
        return 0.0 if problem.isMIP() is False else None
    return max(gap, 0.0)


def solve_problem(
    problem: pulp.LpProblem, settings: SolverSettings, warm_start: bool = False
) -> SolveResult:
    """Solve ``problem`` in place and map the outcome.

    Returns
    -------
    SolveResult
        ``outcome`` from PuLP's solution status (not only ``LpStatus``), wall-clock seconds,
        the relative MIP gap reported by HiGHS (``None`` for CBC) and the objective value.
    """
    solver, name = make_solver(settings, warm_start)
    start = time.perf_counter()
    try:
        problem.solve(solver)
    except (IndexError, KeyError) as exc:  # PuLP could not read an answer HiGHS did not give
        return SolveResult(
            SolverOutcome.ERROR,
            name,
            time.perf_counter() - start,
            None,
            None,
            f"the {name} solver gave no readable answer ({type(exc).__name__}); check the "
            "bounds for values near 1e20, which solvers treat as infinite",
        )
    except pulp.PulpSolverError as exc:
        return SolveResult(
            SolverOutcome.ERROR,
            name,
            time.perf_counter() - start,
            None,
            None,
            f"the {name} solver failed: {exc}",
        )
    seconds = time.perf_counter() - start
    sol = problem.sol_status
    if sol == pulp.LpSolutionOptimal:
        outcome = SolverOutcome.OPTIMAL
    elif sol == pulp.LpSolutionIntegerFeasible:
        outcome = SolverOutcome.FEASIBLE
    elif sol == pulp.LpSolutionInfeasible or problem.status == pulp.LpStatusInfeasible:
        outcome = SolverOutcome.INFEASIBLE
    elif sol == pulp.LpSolutionNoSolutionFound:
        outcome = SolverOutcome.NO_SOLUTION
    else:
        outcome = SolverOutcome.ERROR
    has_solution = outcome in (SolverOutcome.OPTIMAL, SolverOutcome.FEASIBLE)
    objective = pulp.value(problem.objective) if has_solution else None
    gap = _gap(problem, name) if has_solution else None
    dual = _dual_bound(problem, name, objective) if has_solution else None
    if name == "cbc" and outcome is SolverOutcome.OPTIMAL:
        gap = None  # CBC does not report its final gap through PuLP
    message = {
        SolverOutcome.INFEASIBLE: "the hard limits contradict each other",
        SolverOutcome.NO_SOLUTION: f"no solution within the time limit of "
        f"{settings.time_limit_s:g} s",
        SolverOutcome.ERROR: f"the solver reported {pulp.LpStatus.get(problem.status, '?')}",
    }.get(outcome, "")
    return SolveResult(outcome, name, seconds, gap, objective, message, dual)
