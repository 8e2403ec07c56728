"""Cramp-prevention meal planner: targets, optimiser and outputs (no UI code here)."""

__version__ = "0.1.0"
