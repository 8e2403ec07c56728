"""Errors that carry a message meant for the person using the product.

Every error a person can cause (a bad file, a bad value, an unreachable service) is raised as a
subclass of :class:`UserError`; the CLI and the dashboard show ``str(error)`` and never a
traceback. The message names the field or row and says how to fix it.
"""

from __future__ import annotations


class UserError(ValueError):
    """An error caused by input or environment, with a message that names the fix."""


class FoodTableError(UserError):
    """A food table (bundled catalogue, user CSV, imported food) breaks a schema rule."""
