"""Sign-in sessions, the only state the gateway keeps (in its own database).

A session holds the hash of its current refresh token. Refreshing rotates it; presenting an
older token again means it was copied, so the whole session is closed. Access tokens name
their session, and a closed session's access tokens stop working at once.

Leaving closes every session of the member *before* profiles erases them, so that no session
ever acts on an erased account, whatever crashes when: a mark in ``leaving`` says a leave is
under way (a sign-in racing it is refused), a leave that profiles refuses (a wrong password)
reopens what it closed, one that succeeds deletes the sessions and the mark, and one whose
outcome is unknown (a crash, a lost answer) stays closed until ``settle`` finds the mark and
asks profiles whether the member is still there. A sign-in whose password profiles checked just
before the erase may write its session after all that: a tombstone under a one-way name (a
hash of the id, never the id) outlives the mark a few minutes, and that sign-in sees it.

Whether a session is open is also kept in the gateway's member cache (member_cache.py), so
that a request needs no store command: every method here that closes or reopens a session
drops the member's cached sessions once the store has the change, before it returns; a
session looked up afterwards, on any replica, is read from the store again.
"""

import hashlib
import hmac
import secrets
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from pymongo import ASCENDING
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from workbuddy_contracts.errors import Conflict, Unauthorized
from workbuddy_platform import clock
from workbuddy_platform.store import transition

from .member_cache import NOTHING, Looked, MemberCache

SESSION_TTL = timedelta(days=30)
SIGN_IN_AGAIN = "your session has ended; sign in again"
# A leave still marked after this long was interrupted: no call to profiles lasts as long.
LEAVE_SETTLES_AFTER = timedelta(minutes=2)
# How long a member's tombstone outlives their erase: longer than any sign-in takes.
TOMBSTONE_KEPT = timedelta(minutes=10)
BEING_ERASED = ("this account is being erased, as its member asked; if that leave did not "
                "finish, sign in again in two minutes")


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _tombstone(member_id: str) -> str:
    return hashlib.sha256(f"left:{member_id}".encode()).hexdigest()


class Sessions:
    def __init__(self, db: Database, cache: MemberCache | None = None):
        self.cache = cache or MemberCache(None, "")
        self.sessions = db.sessions
        self.sessions.create_index([("member_id", ASCENDING)])
        self.sessions.create_index([("expires_at", ASCENDING)])
        self.leaving = db.leaving
        self.leaving.create_index([("since", ASCENDING)])
        self.tombstones = db.tombstones

    def open(self, member_id: str) -> tuple[str, str]:
        """A new session; returns its id and its first refresh token."""
        sid, secret = uuid.uuid4().hex, secrets.token_urlsafe(32)
        now = clock.now()
        self.sessions.insert_one({"_id": sid, "member_id": member_id, "refresh": _digest(secret),
                                  "revoked": False, "opened_at": now, "expires_at": now + SESSION_TTL})
        # Written, then looked: a leave marks, then closes. Whatever the interleaving, either
        # the leave closes this session or this sign-in sees the mark.
        if self.leaving.find_one({"_id": member_id}) is not None \
                or self.tombstones.find_one({"_id": _tombstone(member_id)}) is not None:
            self.sessions.delete_one({"_id": sid})
            raise Conflict(BEING_ERASED)
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

    def is_open(self, sid: str, member_id: str | None = None, looked: Looked = NOTHING) -> bool:
        """From the cache when ``member_id`` (the token's) is given and ``looked`` (what the
        cache held, member_cache.MemberCache.look) knows the session; else from the store,
        and the answer is kept for the next request."""
        if looked.session is not None:
            return looked.session > clock.now().timestamp()
        session = self.sessions.find_one({"_id": sid})
        is_open = session is not None and self._open(session)
        if member_id is not None and self.cache.on:
            mine = is_open and session["member_id"] == member_id
            self.cache.fill_session(member_id, sid, looked,
                                    _seconds(session["expires_at"]) if mine else 0.0)
        return is_open

    # Closing a session for good also takes it out of a leave under way: a refused leave must
    # not reopen a session its member signed out of meanwhile.
    _CLOSED = {"$set": {"revoked": True}, "$unset": {"leaving": ""}}

    def revoke(self, sid: str) -> None:
        closed = self.sessions.find_one_and_update({"_id": sid}, self._CLOSED)
        if closed is not None:
            self.cache.sessions_changed(closed["member_id"])

    def revoke_others(self, member_id: str, keep: str) -> None:
        self.sessions.update_many({"member_id": member_id, "_id": {"$ne": keep}}, self._CLOSED)
        self.cache.sessions_changed(member_id)

    def close_for_leaving(self, member_id: str) -> str:
        """The first step of leaving, before the erase: from here no session of the member acts.
        Returns the attempt, to reopen what it closed if the leave is refused."""
        attempt = uuid.uuid4().hex
        try:
            self.leaving.insert_one({"_id": member_id, "attempt": attempt, "since": clock.now()})
        except DuplicateKeyError:
            raise Conflict(BEING_ERASED) from None  # a second click, or another device
        self.sessions.update_many({"member_id": member_id, "revoked": False},
                                  {"$set": {"revoked": True, "leaving": attempt}})
        self.cache.sessions_changed(member_id)
        return attempt

    def stay(self, member_id: str, attempt: str) -> None:
        """Profiles refused the leave (nothing was erased): the sessions it closed reopen."""
        self.sessions.update_many({"member_id": member_id, "leaving": attempt},
                                  {"$set": {"revoked": False}, "$unset": {"leaving": ""}})
        self.cache.sessions_changed(member_id)
        self.leaving.delete_one({"_id": member_id, "attempt": attempt})

    def revoke_all(self, member_id: str) -> None:
        """A new password from a reset link: whoever held a session of the member is out."""
        self.sessions.update_many({"member_id": member_id}, {"$set": {"revoked": True}})
        self.cache.sessions_changed(member_id)

    def forget(self, member_id: str) -> None:
        """The member is erased: their sessions go, not only their validity; the mark last, so
        that a crash before it leaves ``settle`` something to finish, and the tombstone first,
        so that a sign-in racing the erase finds one or the other."""
        tombstone = _tombstone(member_id)
        self.tombstones.replace_one({"_id": tombstone}, {"_id": tombstone, "since": clock.now()},
                                    upsert=True)
        self.sessions.delete_many({"member_id": member_id})
        self.cache.member_left(member_id)  # their profile too: nothing of theirs stays
        self.leaving.delete_one({"_id": member_id})

    def settle(self, still_members: Callable[[list[str]], set[str]]) -> list[str]:
        """Finish the leaves that a crash or a lost answer interrupted (``still_members``: which
        of these ids profiles still knows), and delete the sessions past their expiry, which
        nobody can use any more; the ids of the members found erased. Cheap when there is
        nothing to do: two indexed queries."""
        now = clock.now()
        erased = []
        self.tombstones.delete_many({"since": {"$lt": now - TOMBSTONE_KEPT}})
        stale = [mark["_id"] for mark in
                 self.leaving.find({"since": {"$lt": now - LEAVE_SETTLES_AFTER}}).limit(100)]
        if stale:
            here = still_members(stale)
            for member_id in stale:
                if member_id in here:  # the erase never happened: the sessions stay closed
                    self.leaving.delete_one({"_id": member_id})
                else:
                    self.forget(member_id)
                    erased.append(member_id)
        self.sessions.delete_many({"expires_at": {"$lt": now}})
        return erased

    @staticmethod
    def _open(session: dict) -> bool:
        return not session["revoked"] and session["expires_at"] > clock.now()


def _seconds(moment: datetime) -> float:
    # The store may hand back a naive datetime: it is UTC.
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()
