"""The password policy: long enough, not a common password, not the address.

It applies wherever a password is chosen (sign-up, the operator's
create-therapist, a change). The demo accounts are made directly and keep the
passwords the README prints."""

import gzip
from functools import cache
from pathlib import Path

from flask import current_app

COMMON = Path(__file__).resolve().parents[1] / "data" / "common-passwords.txt.gz"
# A local part shorter than this is part of too many words to refuse.
SHORTEST_LOCAL_PART = 3
# Ten spaces, or "abababababab", are long but no secret.
FEWEST_DIFFERENT = 3


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list (data/README.md says where it comes from)."""
    with gzip.open(COMMON, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip())


def problem(password: str, email: str) -> str | None:
    """Why this password may not be used for this account, or None."""
    shortest = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < shortest:
        return f"Use at least {shortest} characters."
    folded = password.casefold()
    if len(set(folded) - {" "}) < FEWEST_DIFFERENT:
        return f"Use at least {FEWEST_DIFFERENT} different characters."
    if {folded, folded.strip(), "".join(folded.split())} & common_passwords():
        return "This password is one of the most common ones; choose another."
    local = email.casefold().partition("@")[0]
    if email.casefold() in folded or (
        len(local) >= SHORTEST_LOCAL_PART and local in folded
    ):
        return "The password must not contain your email address or its name part."
    return None
