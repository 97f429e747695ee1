"""A database's turn (workbuddy_platform.turns) counts how long it was held and how long others
waited for it: on a store that does not isolate, a turn held most of the time is what bounds a
service's work, and an operator (or bench/soak.py) reads it there."""

import threading
import time
import uuid

from prometheus_client import REGISTRY

from workbuddy_platform.turns import Turn


def seconds(database: str, part: str) -> float:
    return REGISTRY.get_sample_value("workbuddy_store_turn_seconds_total",
                                     {"database": database, "part": part}) or 0.0


def test_the_time_a_turn_is_held_and_waited_for_is_counted(tmp_path):
    database = f"db_{uuid.uuid4().hex[:8]}"
    turn = Turn(str(tmp_path / "turn.lock"), database)
    taken, waiting_done = threading.Event(), threading.Event()

    def holder():
        with turn:
            with turn:  # a transaction's own command: the same turn, not counted twice
                taken.set()
                time.sleep(0.3)

    def waiter():
        taken.wait(5)
        with turn:
            pass
        waiting_done.set()

    threads = [threading.Thread(target=holder), threading.Thread(target=waiter)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert waiting_done.is_set()
    held, waited = seconds(database, "held"), seconds(database, "waited")
    assert 0.3 <= held < 1.5  # the holder's 0.3 s once, and the waiter's moment
    assert 0.2 <= waited < 1.5  # the waiter waited for (most of) the holder's 0.3 s
