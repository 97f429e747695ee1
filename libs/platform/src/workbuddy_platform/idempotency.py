"""Idempotency keys: a client that retries a request creating something (because the answer
was lost) gets the same thing back instead of a second one.

The key decides the new document's id, so the store's unique _id is what makes a second
creation impossible, even when the first attempt's answer never reached the client or two
attempts race.
"""

import hashlib
import re
from collections.abc import Callable

from workbuddy_contracts.errors import Invalid

KEY_FORMAT = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
KEY_RULE = "1 to 128 of the characters A-Z a-z 0-9 . _ : -, e.g. a UUID"


def derived_id(scope: str, key: str) -> str:
    """The id of the thing that ``key`` creates within ``scope`` (e.g. one member's moments)."""
    return hashlib.sha256(f"{scope}\x00{key}".encode()).hexdigest()[:32]


KEY_REUSED = ("this Idempotency-Key was already used for a different request; use a new key "
              "for a new one")


def replay(earlier: dict | None, same_request: Callable[[dict], bool],
           reused: str = KEY_REUSED) -> dict | None:
    """What an earlier request with the same key made, when this retry asks for the same thing;
    None when the key made nothing yet. A key reused for another request is refused."""
    if earlier is None:
        return None
    if not same_request(earlier):
        raise Invalid(reused, "Idempotency-Key")
    return earlier
