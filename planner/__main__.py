"""``python -m planner`` runs the ``cramp-planner`` command line."""

from planner.cli import entry

entry()
