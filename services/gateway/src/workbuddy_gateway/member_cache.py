"""The gateway's read model of members, in the Redis its replicas already share for rate
limits: the signed-in member's profile (what GET /v1/me answers) and whether each of their
sessions is open, so that the requests a client app sends most need neither the store nor
profiles.

Two hashes per member, named by a hash of their id (Redis never holds the id itself):

- ``<prefix>:gateway:member:<h>``: ``doc``, the member as profiles answered them (JSON, with
  its ``revision``, which makes the ETag), filled on a miss; dropped when it changes: by the
  gateway's own writes (PATCH /v1/me, a proven address, a new password) before it answers, and
  by profiles' events (member.updated, member.address_verified, member.left: keeper.py) for
  the changes made elsewhere.
- ``<prefix>:gateway:sessions:<h>``: one field per session id that was looked up, its expiry
  (epoch seconds) when open, 0 when not; dropped whenever any session of the member closes
  (log-out, another device signed out, a new password, leaving) or reopens (a refused leave).

A fill never brings back what a change dropped: each hash also holds ``gen``, counted up by
every drop. A request reads ``gen`` with the entry it missed, asks the source (profiles, the
store), and writes only if ``gen`` is still what it read (a Lua script, atomic in Redis). A
change is made in the source *before* it is dropped here, so either the fill read the source
after the change, or the drop came after the fill's read and the fill is refused. This holds
across every replica: the count lives in Redis. A member who left gets a tombstone (``gone``)
instead, refusing every fill until it expires: the only thing kept, and nothing of theirs.

Entries last ``ttl`` at most from the hash's first fill (sessions: ``session_ttl``), which
bounds what a drop lost to a Redis outage can leave behind. When Redis cannot be reached, the
gateway asks the sources, as it did before this cache.
"""

import hashlib
import json
import time

import redis

from workbuddy_platform.logs import get_logger

log = get_logger(__name__)

# Fill a field only if the hash's gen is still the one read with the miss, and no tombstone.
# The hash's expiry is set by its first fill only, so no entry outlives it by more than ttl.
_FILL = """
if redis.call('HEXISTS', KEYS[1], 'gone') == 1 then return 0 end
local gen = redis.call('HGET', KEYS[1], 'gen') or ''
if gen ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
if redis.call('TTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], ARGV[4]) end
return 1
"""
# Drop every entry; keep only the count, one up, for as long as a fill can be under way.
_DROP = """
if redis.call('HEXISTS', KEYS[1], 'gone') == 1 then return 0 end
local gen = redis.call('HINCRBY', KEYS[1], 'gen', 1)
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'gen', gen)
redis.call('EXPIRE', KEYS[1], ARGV[1])
return gen
"""
# The member left: nothing of theirs stays, and no fill under way can write any.
_BURY = """
for _, key in ipairs(KEYS) do
  redis.call('DEL', key)
  redis.call('HSET', key, 'gone', '1')
  redis.call('EXPIRE', key, ARGV[1])
end
return 1
"""

MEMBER_TTL = 300  # seconds
SESSION_TTL = 60  # seconds: shorter, as a session closed while Redis was away stays open that long
# After a failure, Redis is left alone this long: a request must not wait on it each time.
AWAY_SECONDS = 5.0


def _name(member_id: str) -> str:
    # Not keyed with the signing secret (as the rate limits' names are): replicas holding
    # different secrets during a rotation must name a member's entries alike.
    return hashlib.sha256(f"member:{member_id}".encode()).hexdigest()[:32]


class Looked:
    """What one round trip to Redis told about a member and one of their sessions."""

    __slots__ = ("session", "session_gen", "doc", "doc_gen", "gone")

    def __init__(self, session=None, session_gen="", doc=None, doc_gen="", gone=False):
        self.session = session  # None: not known; else the session's expiry (0: closed)
        self.session_gen = session_gen
        self.doc = doc  # None: not known; else the member as JSON
        self.doc_gen = doc_gen
        self.gone = gone


NOTHING = Looked()


class MemberCache:
    def __init__(self, client: "redis.Redis | None", prefix: str, ttl: int = MEMBER_TTL,
                 session_ttl: int = SESSION_TTL):
        self.redis = client
        self.prefix = f"{prefix}:gateway"
        self.ttl = ttl
        self.session_ttl = session_ttl
        self._away_until = 0.0
        self._fill = self._drop = self._bury = None
        if client is not None:
            self._fill = client.register_script(_FILL)
            self._drop = client.register_script(_DROP)
            self._bury = client.register_script(_BURY)

    @classmethod
    def at(cls, storage_uri: str, prefix: str, **kwargs) -> "MemberCache":
        """On the rate limits' Redis; off (every lookup a miss) when they count in memory."""
        if not storage_uri.startswith(("redis://", "rediss://")):
            return cls(None, prefix, **kwargs)
        return cls(redis.Redis.from_url(storage_uri, socket_timeout=1.0,
                                        socket_connect_timeout=1.0, health_check_interval=30),
                   prefix, **kwargs)

    @property
    def on(self) -> bool:
        return self.redis is not None

    def member_key(self, member_id: str) -> str:
        return f"{self.prefix}:member:{_name(member_id)}"

    def sessions_key(self, member_id: str) -> str:
        return f"{self.prefix}:sessions:{_name(member_id)}"

    # Reads: a miss, never an error, when Redis is away.

    def look(self, member_id: str, sid: str) -> Looked:
        """The member's cached profile and session ``sid``, in one round trip."""
        if not self._usable():
            return NOTHING
        try:
            pipe = self.redis.pipeline(transaction=False)
            pipe.hmget(self.sessions_key(member_id), sid, "gen", "gone")
            pipe.hmget(self.member_key(member_id), "doc", "gen", "gone")
            (session, session_gen, gone_s), (doc, doc_gen, gone_m) = pipe.execute()
        except redis.RedisError as exc:
            self._failed("look", exc)
            return NOTHING
        return Looked(None if session is None else float(session), session_gen or b"",
                      doc, doc_gen or b"", bool(gone_s or gone_m))

    def look_session(self, member_id: str, sid: str) -> Looked:
        if not self._usable():
            return NOTHING
        try:
            session, gen, gone = self.redis.hmget(self.sessions_key(member_id), sid, "gen", "gone")
        except redis.RedisError as exc:
            self._failed("look", exc)
            return NOTHING
        return Looked(None if session is None else float(session), gen or b"", gone=bool(gone))

    @staticmethod
    def member_of(looked: Looked) -> dict | None:
        return None if looked.doc is None else json.loads(looked.doc)

    # Fills: written only if nothing changed since the miss was read.

    def fill_member(self, member_id: str, looked: Looked, member: dict) -> None:
        self._run(self._fill, "fill", [self.member_key(member_id)],
                  [looked.doc_gen, "doc", json.dumps(member, separators=(",", ":")), self.ttl])

    def fill_session(self, member_id: str, sid: str, looked: Looked, expires: float) -> None:
        self._run(self._fill, "fill", [self.sessions_key(member_id)],
                  [looked.session_gen, sid, repr(expires), self.session_ttl])

    # Drops: after the source changed, before the change is answered.

    # Each says whether it was made (or nothing was to be: the cache is off). One that could
    # not be made is logged as an error: what it should have dropped lasts its ttl at most.

    def member_changed(self, member_id: str) -> bool:
        return self._run(self._drop, "drop", [self.member_key(member_id)], [self.ttl],
                         always=True)

    def sessions_changed(self, member_id: str) -> bool:
        return self._run(self._drop, "drop", [self.sessions_key(member_id)], [self.session_ttl],
                         always=True)

    def member_left(self, member_id: str) -> bool:
        return self._run(self._bury, "bury",
                         [self.member_key(member_id), self.sessions_key(member_id)],
                         [max(self.ttl, self.session_ttl)], always=True)

    def _run(self, script, what: str, keys: list, args: list, always: bool = False) -> bool:
        if self.redis is None:
            return True
        # A drop is tried even while Redis is thought away: a drop that can be made must be.
        if not always and not self._usable():
            return False
        try:
            script(keys=keys, args=args)
            return True
        except redis.RedisError as exc:
            self._failed(what, exc)
            if always:
                log.error("member_cache.drop_failed", operation=what, error=str(exc))
            return False

    def _usable(self) -> bool:
        return self.redis is not None and time.monotonic() >= self._away_until

    def _failed(self, what: str, exc: Exception) -> None:
        self._away_until = time.monotonic() + AWAY_SECONDS
        log.warning("member_cache.unreachable", operation=what, error=str(exc))
