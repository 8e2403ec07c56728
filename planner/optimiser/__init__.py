"""The optimiser: a week of dishes (``week.py``: options, ranking, chains, days, assembly), the
day model (``model.py``), the HiGHS bridge (``solve.py``) and the classic diet problem
(``diet_problem.py``). The only package that imports PuLP or highspy."""
