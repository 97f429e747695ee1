"""The wait at start (startup.wait_for): pauses that grow to a ceiling, and a bounded end."""

import pytest

from workbuddy_platform import ops, startup


def failing(times: int):
    calls = []

    def reach():
        calls.append(1)
        if len(calls) <= times:
            raise ConnectionRefusedError("nobody there")
    return reach, calls


def test_the_pauses_double_up_to_their_ceiling_and_it_returns_once_reached():
    reach, calls = failing(6)
    slept = []
    startup.wait_for("the broker", reach, within=1000, sleep=slept.append)
    assert slept == [1, 2, 4, 8, 15, 15] and len(calls) == 7
    assert ops._waiting is None  # /readyz no longer says it waits


def test_it_gives_up_when_the_next_try_would_come_after_its_wait():
    reach, calls = failing(100)
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        clock[0] += seconds

    clock = [0.0]
    real = startup.time.monotonic
    startup.time.monotonic = lambda: clock[0]
    try:
        with pytest.raises(startup.NeverReached, match=r"the store did not answer within 20 s "
                                                        r"\(5 tries; last: ConnectionRefusedError"):
            startup.wait_for("the store", reach, within=20, sleep=sleep)
    finally:
        startup.time.monotonic = real
    assert slept == [1, 2, 4, 8]  # a fifth pause, 15 s at 15 s, would end after 20 s


def test_while_it_waits_its_readiness_says_what_for():
    ops.waiting_for(None)
    seen = []

    def reach():
        seen.append(ops._waiting)
        if len(seen) == 1:
            raise OSError("not yet")

    startup.wait_for("the store at db:27017", reach, within=60, sleep=lambda s: None)
    assert seen == [None, "the store at db:27017"]


def test_waiting_for_the_store_leaves_the_services_client_to_the_service(mongo_uri):
    """client_for takes its options (tracing, turns, timeouts) from the first call for a URI:
    the wait at start must not be that call, or the service's commands would go untraced."""
    from workbuddy_platform import store
    from workbuddy_platform.settings import PlatformSettings

    uri = f"{mongo_uri}{'&' if '?' in mongo_uri else '?'}appname=startwait"  # a URI of its own
    startup.wait_for_store(PlatformSettings(mongo_uri=uri))
    assert uri not in store._clients
