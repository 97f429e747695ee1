"""Idempotency keys: a client that retries a request creating something (because the answer
was lost) gets the same thing back instead of a second one.

The key decides the new document's id, so the store's unique _id is what makes a second
creation impossible, even when the first attempt's answer never reached the client or two
attempts race.
"""

import hashlib
import re

KEY_FORMAT = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
KEY_RULE = "1 to 128 of the characters A-Z a-z 0-9 . _ : -, e.g. a UUID"


def derived_id(scope: str, key: str) -> str:
    """The id of the thing that ``key`` creates within ``scope`` (e.g. one member's moments)."""
    return hashlib.sha256(f"{scope}\x00{key}".encode()).hexdigest()[:32]
