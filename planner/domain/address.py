"""One e-mail address, checked: the same rules for ``--to``, a profile's ``email`` and the
sender (``CRAMP_SMTP_FROM``). Line breaks and control characters (header injection), several
addresses, display names, comments and quoted local parts are refused with messages of our own;
the syntax of what remains is checked by the ``email-validator`` library."""

from __future__ import annotations

import re

from foods.errors import UserError

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\u0085]")


class AddressError(UserError):
    """An address that is not one plain e-mail address (the message names the fix)."""


def validate_address(text: str, what: str = "address") -> str:
    """Return ``text`` as one plain e-mail address, or refuse it.

    Accepts exactly one ``local@domain`` (an ASCII local part, a domain of at least two
    labels; an internationalised domain is returned in its ASCII ``xn--`` form). Refuses line
    breaks and control characters (header injection), several addresses, display names and
    angle brackets, comments and quoted local parts with messages of its own; the syntax of
    what remains is checked by the ``email-validator`` library.

    Parameters
    ----------
    text : str
        The address as given.
    what : str
        What the address is, for the message (``--to``, ``CRAMP_SMTP_FROM``).

    Raises
    ------
    AddressError
        Naming ``what``, the value (``repr``, so a line break shows as ``\\r\\n``) and the fix.

    Examples
    --------
    >>> validate_address(" anna@example.com ")
    'anna@example.com'
    >>> validate_address("a@b.c, d@e.f")
    Traceback (most recent call last):
    ...
    planner.domain.address.AddressError: address 'a@b.c, d@e.f' holds several addresses; give ...
    """
    if not isinstance(text, str):
        raise AddressError(f"{what} must be text, not {type(text).__name__}")
    fix = "give one plain address like name@example.com"
    if _CONTROL.search(text):
        raise AddressError(f"{what} {text!r} contains a line break or control character; {fix}")
    value = text.strip()
    if not value:
        raise AddressError(f"{what} is empty; {fix}")
    if len(value) > 254:
        raise AddressError(f"{what} is {len(value)} characters long (at most 254); {fix}")
    if re.search(r"[<>()\"\[\]\\:]", value):
        raise AddressError(
            f"{what} {value!r} has a name, comment or brackets; give only the address, e.g. "
            "name@example.com"
        )
    if re.search(r"[,;]", value) or value.count("@") > 1 or re.search(r"\s", value):
        raise AddressError(f"{what} {value!r} holds several addresses; give exactly one")
    if "@" not in value:
        raise AddressError(f"{what} {value!r} is not an e-mail address (no @); {fix}")
    import email_validator  # 50 ms to import: only when an address is checked

    try:  # the syntax itself is checked by the email-validator library
        checked = email_validator.validate_email(
            value, check_deliverability=False, allow_smtputf8=False
        )
    except email_validator.EmailNotValidError as exc:
        reason = str(exc).rstrip(".")
        raise AddressError(f"{what} {value!r}: {_which_part(value)} {reason}; {fix}") from None
    return checked.ascii_email or checked.normalized


def _which_part(value: str) -> str:
    """Which side of the @ an invalid address breaks: checked against a plain domain."""
    import email_validator

    local = value.rpartition("@")[0]
    try:
        email_validator.validate_email(
            f"{local}@example.com", check_deliverability=False, allow_smtputf8=False
        )
    except email_validator.EmailNotValidError:
        return "the part before @ is not valid:"
    return "the domain is not a mail domain like example.com:"
