"""A live stream that stays quiet keeps its own pace and its broker connection, on the real
RabbitMQ: the broker's heartbeats must not stretch a wait for news, and ours must go out
while we wait, or the broker closes the connection and the app loses its doorbell."""

import threading
import time
import uuid

from workbuddy_platform import live

# The broker then sends a heartbeat every 2 s and closes the connection after at most 8 s
# without one of ours: both happen many times over in a quiet stretch of 12.5 s.
HEARTBEAT = 4
WAIT = 2.5


def run_with_limit(work, seconds: float):
    """``work()``'s result, or a failure if it has not returned within ``seconds`` (a wait
    stretched by every heartbeat never returns)."""
    outcome: dict = {}

    def target():
        try:
            outcome["value"] = work()
        except BaseException as exc:  # noqa: BLE001 - handed to the test below
            outcome["error"] = exc

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"still waiting after {seconds} s"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def test_a_quiet_stream_keeps_its_pace_and_its_connection(fresh_vhost):
    _, uri = fresh_vhost()
    member_id = uuid.uuid4().hex

    def listen_quietly_then_hear():
        took = []
        with live.listen(uri, member_id, heartbeat=HEARTBEAT) as stream:
            # Quiet for 5 × 2.5 s: past twice the heartbeat, so the broker would have closed
            # a connection whose heartbeats did not go out.
            for _ in range(5):
                started = time.monotonic()
                assert stream.next(WAIT) is None
                took.append(time.monotonic() - started)
            live.announce(uri, member_id, {"id": "n1", "text": "Eva: a client won"})
            heard = stream.next(5)
        return took, heard

    took, heard = run_with_limit(listen_quietly_then_hear, 30)
    # Each quiet wait ends when asked (a keep-alive is due), give or take one short wait.
    assert all(WAIT <= t < WAIT + 1.5 for t in took), took
    assert heard == {"id": "n1", "text": "Eva: a client won"}


def test_news_that_came_during_a_wait_ends_it_at_once(fresh_vhost):
    _, uri = fresh_vhost()
    member_id = uuid.uuid4().hex

    def hear():
        with live.listen(uri, member_id, heartbeat=HEARTBEAT) as stream:
            threading.Timer(0.5, live.announce, (uri, member_id, {"id": "n2"})).start()
            started = time.monotonic()
            heard = stream.next(10)
            return heard, time.monotonic() - started

    heard, took = run_with_limit(hear, 20)
    assert heard == {"id": "n2"} and took < 3
