"""The member cache's rules, against the real Redis: a fill never brings back what a drop
dropped, whichever process made either, and a member who left leaves only a tombstone."""

import uuid

import pytest
import redis

from workbuddy_gateway import keeper
from workbuddy_gateway.member_cache import MemberCache

MEMBER = b'{"id":"m-1","email":"ada@example.org","display_name":"Ada","revision":3}'
NEWER = MEMBER.replace(b'"revision":3', b'"revision":4')


@pytest.fixture
def prefix(redis_url):
    name = f"wb-test-cache-{uuid.uuid4().hex[:8]}"
    yield name
    store = redis.Redis.from_url(redis_url)
    for key in store.scan_iter(match=f"{name}:*"):
        store.delete(key)


@pytest.fixture
def two(redis_url, prefix):
    """Two gateway processes' caches: the same Redis, each its own client."""
    return MemberCache.at(redis_url, prefix), MemberCache.at(redis_url, prefix)


def test_a_fill_is_read_back_by_another_process(two):
    one, other = two
    missed = one.look("m-1", "s-1")
    assert missed.doc is None and missed.session is None
    one.fill_member("m-1", missed, MEMBER)
    one.fill_session("m-1", "s-1", missed, 2_000_000_000.0)
    found = other.look("m-1", "s-1")
    assert found.doc == MEMBER
    assert found.session == 2_000_000_000.0


def test_a_fill_that_read_before_a_drop_is_refused(two):
    """A GET missed and asked profiles; meanwhile a PATCH on another replica committed and
    dropped. The GET's answer may be the old profile: it must not be kept."""
    one, other = two
    missed = one.look("m-1", "s-1")  # the GET's miss, before the change
    assert other.member_changed("m-1")  # the PATCH, after its change
    one.fill_member("m-1", missed, MEMBER)  # the GET's (maybe old) answer comes back
    assert one.look("m-1", "s-1").doc is None
    # The next miss, after the drop, fills.
    again = one.look("m-1", "s-1")
    one.fill_member("m-1", again, NEWER)
    assert other.look("m-1", "s-1").doc == NEWER


def test_a_drop_after_a_fill_drops_it(two):
    one, other = two
    missed = one.look("m-1", "s-1")
    one.fill_member("m-1", missed, MEMBER)
    one.fill_session("m-1", "s-1", missed, 2_000_000_000.0)
    assert other.sessions_changed("m-1")
    found = one.look("m-1", "s-1")
    assert found.session is None  # read from the store again
    assert found.doc == MEMBER  # a session's change leaves the profile alone
    assert other.member_changed("m-1")
    assert one.look("m-1", "s-1").doc is None


def test_a_session_closed_meanwhile_is_not_cached_open(two):
    one, other = two
    missed = one.look("m-1", "s-1")  # read open from the store...
    assert other.sessions_changed("m-1")  # ...as the member logs out elsewhere
    one.fill_session("m-1", "s-1", missed, 2_000_000_000.0)
    assert one.look("m-1", "s-1").session is None


def test_a_member_who_left_leaves_a_tombstone_only_and_no_fill_passes_it(two, redis_url):
    one, other = two
    missed = one.look("m-1", "s-1")
    one.fill_member("m-1", missed, MEMBER)
    one.fill_session("m-1", "s-1", missed, 2_000_000_000.0)
    late = other.look("m-1", "s-2")  # a request under way as the member leaves
    assert one.member_left("m-1")
    other.fill_member("m-1", late, MEMBER)
    other.fill_session("m-1", "s-2", late, 2_000_000_000.0)
    store = redis.Redis.from_url(redis_url)
    assert store.hgetall(one.key("m-1")) == {b"gone": b"1"}
    assert 0 < store.ttl(one.key("m-1")) <= one.ttl
    assert not [key for key in store.scan_iter(match=f"{one.prefix}:*") if b"m-1" in key]
    # Dropping again (a redelivered member.updated) leaves the tombstone as it is.
    assert other.member_changed("m-1") and other.sessions_changed("m-1")
    assert store.hgetall(one.key("m-1")) == {b"gone": b"1"}
    assert one.look("m-1", "s-1").doc is None


def test_entries_expire_from_the_last_drop_and_a_fill_never_extends_them(two, redis_url):
    one, other = two
    missed = one.look("m-1", "s-1")
    one.fill_session("m-1", "s-1", missed, 2_000_000_000.0)
    store = redis.Redis.from_url(redis_url)
    assert 0 < store.ttl(one.key("m-1")) <= one.ttl
    store.expire(one.key("m-1"), 7)
    one.fill_member("m-1", one.look("m-1", "s-2"), MEMBER)
    assert store.ttl(one.key("m-1")) <= 7
    # A drop keeps the count for as long as a fill can be under way.
    other.member_changed("m-1")
    assert store.ttl(one.key("m-1")) > 7
    assert one.look("m-1", "s-1").session == 2_000_000_000.0  # the profile's drop only


def test_without_redis_every_lookup_misses_and_every_change_goes_through(prefix):
    off = MemberCache.at("memory://", prefix)
    assert not off.on
    missed = off.look("m-1", "s-1")
    off.fill_member("m-1", missed, MEMBER)
    assert off.look("m-1", "s-1").doc is None
    assert off.member_changed("m-1") and off.member_left("m-1")


def test_redis_away_is_a_miss_and_a_drop_says_it_failed(prefix):
    away = MemberCache.at("redis://127.0.0.1:1/0", prefix)  # nothing listens there
    assert away.look("m-1", "s-1").doc is None
    assert not away.member_changed("m-1")


@pytest.mark.parametrize("body, key, dropped", [
    ({"type": "member.updated", "payload": {"member_id": "m-1", "revision": 4}},
     "member.updated", "changed"),
    ({"type": "member.address_verified", "payload": {"member_id": "m-1"}},
     "member.address_verified", "changed"),
    ({"type": "member.left", "payload": {"member_id": "m-1"}}, "member.left", "left"),
    # A version this gateway does not know still names whom to drop.
    ({"type": "member.left", "version": 99, "payload": {"member_id": "m-1", "new": 1}},
     "member.left", "left"),
    ({"payload": {"member_id": "m-1"}}, "member.left", "left"),
    ("not an event", "member.updated", None),
    ({"type": "member.updated", "payload": {}}, "member.updated", None),
])
def test_the_keeper_drops_what_each_event_names(body, key, dropped):
    calls = []

    class Recording:
        def member_changed(self, member_id):
            calls.append(("changed", member_id))
            return True

        def member_left(self, member_id):
            calls.append(("left", member_id))
            return True

    assert keeper.drop(Recording(), body, key)
    assert calls == ([(dropped, "m-1")] if dropped else [])
