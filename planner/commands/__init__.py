"""Sub-commands of the ``cramp-planner`` CLI, one module each."""
