"""Sign-in sessions, the only state the gateway keeps (in its own database).

A session holds the hash of its current refresh token. Refreshing rotates it; presenting an
older token again means it was copied, so the whole session is closed. Access tokens name
their session, and a closed session's access tokens stop working at once.
"""

import hashlib
import hmac
import secrets
import uuid
from datetime import timedelta

from pymongo import ASCENDING
from pymongo.database import Database

from workbuddy_contracts.errors import Unauthorized
from workbuddy_platform import clock
from workbuddy_platform.store import transition

SESSION_TTL = timedelta(days=30)
SIGN_IN_AGAIN = "your session has ended; sign in again"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class Sessions:
    def __init__(self, db: Database):
        self.sessions = db.sessions
        self.sessions.create_index([("member_id", ASCENDING)])

    def open(self, member_id: str) -> tuple[str, str]:
        """A new session; returns its id and its first refresh token."""
        sid, secret = uuid.uuid4().hex, secrets.token_urlsafe(32)
        now = clock.now()
        self.sessions.insert_one({"_id": sid, "member_id": member_id, "refresh": _digest(secret),
                                  "revoked": False, "opened_at": now, "expires_at": now + SESSION_TTL})
        return sid, f"{sid}.{secret}"

    def rotate(self, refresh_token: str) -> tuple[str, str, str]:
        """Trade a refresh token for a new one: (session id, member id, new refresh token)."""
        sid, _, secret = refresh_token.partition(".")
        session = self.sessions.find_one({"_id": sid}) if sid and secret else None
        if session is None or not self._open(session):
            raise Unauthorized(SIGN_IN_AGAIN, "refresh_token")
        if not hmac.compare_digest(session["refresh"], _digest(secret)):
            self.revoke(sid)
            raise Unauthorized("this refresh token was already used, so it may have been copied: "
                               "the session is closed for safety; sign in again", "refresh_token")
        new_secret = secrets.token_urlsafe(32)
        if transition(self.sessions, {"_id": sid, "refresh": session["refresh"], "revoked": False},
                      {"refresh": _digest(new_secret)}) is None:
            raise Unauthorized(SIGN_IN_AGAIN, "refresh_token")  # rotated meanwhile, or closed
        return sid, session["member_id"], f"{sid}.{new_secret}"

    def is_open(self, sid: str) -> bool:
        session = self.sessions.find_one({"_id": sid})
        return session is not None and self._open(session)

    def revoke(self, sid: str) -> None:
        self.sessions.update_one({"_id": sid}, {"$set": {"revoked": True}})

    def revoke_others(self, member_id: str, keep: str) -> None:
        self.sessions.update_many({"member_id": member_id, "_id": {"$ne": keep}},
                                  {"$set": {"revoked": True}})

    def revoke_all(self, member_id: str) -> None:
        """A new password from a reset link: whoever held a session of the member is out."""
        self.sessions.update_many({"member_id": member_id}, {"$set": {"revoked": True}})

    def forget(self, member_id: str) -> None:
        """The member left: their sessions go, not only their validity."""
        self.sessions.delete_many({"member_id": member_id})

    @staticmethod
    def _open(session: dict) -> bool:
        return not session["revoked"] and session["expires_at"] > clock.now()
