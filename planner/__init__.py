"""Cramp-prevention meal planner: targets, optimiser and outputs (no UI code here)."""

import os

__version__ = "0.1.0"


def one_blas_thread() -> None:
    """Ask numpy's OpenBLAS for one thread, unless the person's environment already chose.

    Call before numpy is first imported (the front ends' entry points do). The optimiser limits
    BLAS to one thread anyway once loaded (``planner/optimiser/__init__.py``), but by then
    OpenBLAS has started a pool of one thread per core at import, which spins ≈ 0.13 CPU-s per
    process on a 2-core machine, taken from the other process or the other solver chain.
    """
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
