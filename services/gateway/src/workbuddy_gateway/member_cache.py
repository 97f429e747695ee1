"""The gateway's read model of members, in the Redis its replicas already share for rate
limits: the signed-in member's profile (what GET /v1/me answers) and whether each of their
sessions is open, so that the requests a client app sends most need neither the store nor
profiles.

One hash per member, ``<prefix>:gateway:member:<h>``, named by a hash of their id (Redis never
holds the id itself), read whole in one command per request:

- ``doc``: GET /v1/me's body as the gateway sent it (JSON, with the member's ``revision``,
  which makes the ETag), filled on a miss; dropped when it changes: by the gateway's own writes (PATCH /v1/me,
  a proven address, a new password) before it answers, and by profiles' events
  (member.updated, member.address_verified, member.left: keeper.py) for the changes made
  elsewhere.
- ``s:<session id>``, for each session looked up: its expiry (epoch seconds) when open, 0 when
  not; all dropped whenever any session of the member closes (log-out, another device signed
  out, a new password, leaving) or reopens (a refused leave).

A fill never brings back what a drop dropped: ``gen`` (the profile's) and ``sgen`` (the
sessions') are counted up by every drop. A request reads the count with the entry it missed,
asks the source (profiles, the store), and writes only if the count is still what it read (a
Lua script, atomic in Redis). A change is made in the source *before* it is dropped here, so
either the fill read the source after the change, or the drop came after the fill's read and
the fill is refused. This holds across every replica: the counts live in Redis. A member who
left gets a tombstone (``gone``) instead, refusing every fill until it expires: the only thing
kept, and nothing of theirs.

The hash expires ``ttl`` after it was made or last dropped into (never later: a fill does not
extend it), which bounds what a drop lost to a Redis outage leaves behind, and keeps a count
alive longer than any fill can be under way (the RPC timeout). When Redis cannot be reached,
the gateway asks the sources, as it did before this cache.
"""

import hashlib
import time

import redis

from workbuddy_platform.logs import get_logger

log = get_logger(__name__)

# Fill a field only if its count (ARGV[1]) is still the one read with the miss (ARGV[2]),
# and no tombstone. A fill sets the hash's expiry only when it makes the hash.
_FILL = """
if redis.call('HEXISTS', KEYS[1], 'gone') == 1 then return 0 end
local gen = redis.call('HGET', KEYS[1], ARGV[1]) or ''
if gen ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[3], ARGV[4])
if redis.call('TTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], ARGV[5]) end
return 1
"""
# Count one up (ARGV[1]: 'gen' or 'sgen'), then drop the fields it guards: 'doc', or every
# session's (ARGV[2]: their prefix).
_DROP = """
if redis.call('HEXISTS', KEYS[1], 'gone') == 1 then return 0 end
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
if ARGV[2] == 'doc' then
  redis.call('HDEL', KEYS[1], 'doc')
else
  local fields = redis.call('HKEYS', KEYS[1])
  for _, field in ipairs(fields) do
    if string.sub(field, 1, 2) == ARGV[2] then redis.call('HDEL', KEYS[1], field) end
  end
end
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1
"""
# The member left: nothing of theirs stays, and no fill under way can write any.
_BURY = """
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'gone', '1')
redis.call('EXPIRE', KEYS[1], ARGV[1])
return 1
"""

TTL = 60  # seconds
# After a failure, Redis is left alone this long: a request must not wait on it each time.
AWAY_SECONDS = 5.0
SESSION = "s:"


def _name(member_id: str) -> str:
    # Not keyed with the signing secret (as the rate limits' names are): replicas holding
    # different secrets during a rotation must name a member's entries alike.
    return hashlib.sha256(f"member:{member_id}".encode()).hexdigest()[:32]


class Looked:
    """What one command to Redis told about a member and one of their sessions."""

    __slots__ = ("session", "session_gen", "doc", "doc_gen")

    def __init__(self, session=None, session_gen=b"", doc=None, doc_gen=b""):
        self.session = session  # None: not known; else the session's expiry (0: closed)
        self.session_gen = session_gen
        self.doc = doc  # None: not known; else GET /v1/me's body (JSON bytes)
        self.doc_gen = doc_gen


NOTHING = Looked()


class MemberCache:
    def __init__(self, client: "redis.Redis | None", prefix: str, ttl: int = TTL):
        self.redis = client
        self.prefix = f"{prefix}:gateway"
        self.ttl = ttl
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

    def key(self, member_id: str) -> str:
        return f"{self.prefix}:member:{_name(member_id)}"

    def look(self, member_id: str, sid: str) -> Looked:
        """The member's cached profile and session ``sid``, in one command; a miss, never an
        error, when Redis is away."""
        if not self._usable():
            return NOTHING
        try:
            session, session_gen, doc, doc_gen = self.redis.hmget(
                self.key(member_id), SESSION + sid, "sgen", "doc", "gen")
        except redis.RedisError as exc:
            self._failed("look", exc)
            return NOTHING
        # A tombstone holds none of these: everything misses, and nothing fills.
        return Looked(None if session is None else float(session), session_gen or b"",
                      doc, doc_gen or b"")

    # Fills: written only if nothing changed since the miss was read.

    def fill_member(self, member_id: str, looked: Looked, document: bytes) -> None:
        self._run(self._fill, "fill", member_id, ["gen", looked.doc_gen, "doc", document,
                                                  self.ttl])

    def fill_session(self, member_id: str, sid: str, looked: Looked, expires: float) -> None:
        self._run(self._fill, "fill", member_id, ["sgen", looked.session_gen, SESSION + sid,
                                                  repr(expires), self.ttl])

    # Drops: after the source changed, before the change is answered. Each says whether it
    # was made (or nothing was to be: the cache is off). One that could not be made is logged
    # as an error: what it should have dropped lasts ``ttl`` at most.

    def member_changed(self, member_id: str) -> bool:
        return self._run(self._drop, "drop", member_id, ["gen", "doc", self.ttl], always=True)

    def sessions_changed(self, member_id: str) -> bool:
        return self._run(self._drop, "drop", member_id, ["sgen", SESSION, self.ttl], always=True)

    def member_left(self, member_id: str) -> bool:
        return self._run(self._bury, "bury", member_id, [self.ttl], always=True)

    def _run(self, script, what: str, member_id: str, args: list, always: bool = False) -> bool:
        if self.redis is None:
            return True
        # A drop is tried even while Redis is thought away: a drop that can be made must be.
        if not always and not self._usable():
            return False
        try:
            script(keys=[self.key(member_id)], args=args)
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
