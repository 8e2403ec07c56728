"""The optimiser: a week of dishes (``week.py``: options, ranking, chains, days, assembly), the
day model (``model.py``), the HiGHS bridge (``solve.py``) and the classic diet problem
(``diet_problem.py``). The only package that imports PuLP or highspy.

numpy's BLAS runs on one thread in a process that plans. The planner's matrix products are
small (dishes × foods, a few hundred rows: threads save nothing), and the rounding of a
threaded product depends on the thread count: a Ray worker (one BLAS thread) and a laptop
(all its cores) would break a tie between two equally good menus differently and plan the
same person two different weeks.

PuLP is imported here with Ctrl-C held back: its solver modules import their solvers inside
bare ``except:`` clauses, so a Ctrl-C that arrived while PuLP imported HiGHS was swallowed
there, HiGHS counted as missing and the plan went on with CBC instead of stopping. Held back,
the Ctrl-C is delivered as soon as the import is over (``tests/solver/test_solve.py``).
"""

import signal

import numpy  # noqa: F401 - loads the BLAS library first, so threadpoolctl finds it
from threadpoolctl import threadpool_limits

threadpool_limits(limits=1, user_api="blas")

if hasattr(signal, "pthread_sigmask"):  # POSIX; elsewhere PuLP is imported as it is
    _held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        import pulp  # noqa: F401
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, _held)
