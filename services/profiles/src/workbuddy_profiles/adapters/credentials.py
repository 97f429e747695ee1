"""Passwords, kept only as Argon2id hashes.

Hashing costs about a tenth of a second of CPU by design: the service runs it through
``offload`` (eventlet's thread pool), so that its other workers and its broker heartbeats carry
on meanwhile; tests run it in place.
"""

from collections.abc import Callable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()  # Argon2id with the library's recommended (RFC 9106) parameters

# Checked against when the email is unknown, so that "no such member" takes as long as
# "wrong password" and a caller cannot tell registered emails by timing.
_DECOY = _hasher.hash("decoy: no member has this password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DECOY, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


class Passwords:
    """Hashing and checking, each run through ``offload(function, *args)``."""

    def __init__(self, offload: Callable = lambda function, *args: function(*args)):
        self.offload = offload

    def hash(self, password: str) -> str:
        return self.offload(hash_password, password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        return self.offload(verify, password_hash, password)

    @staticmethod
    def needs_rehash(password_hash: str) -> bool:
        return needs_rehash(password_hash)
