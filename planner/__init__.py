"""Cramp-prevention meal planner: targets, optimiser and outputs (no UI code here)."""

import os

__version__ = "0.1.0"


def one_blas_thread() -> None:
    """Ask numpy's OpenBLAS for one thread, unless the person's environment already chose.

    Call before numpy is first imported (the front ends' entry points do). The planner's
    arithmetic is on short vectors and HiGHS keeps its own threads, so OpenBLAS's pool (one
    thread per core) only spins: ≈ 0.13 CPU-s per process at import on a 2-core machine, taken
    from the other process or the other solver chain, for no gain.
    """
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
