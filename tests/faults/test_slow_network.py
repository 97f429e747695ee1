"""A network that is slow and flaky rather than down: every service (the gateway too) reaches
RabbitMQ and the store through a fault-injecting proxy (tests/support/faultproxy.py) that adds
200 ms each way, caps the bandwidth and resets connections in the middle of what they carry.
Moments keep flowing, every answer the client gets comes in bounded time — a 503 or 504 saying
when to come back (Retry-After), never a hang — and every accepted moment reaches every buddy
once."""

import socket
import threading
import time

import pytest

from ..support.faultproxy import FaultProxy
from .harness import Journey, assert_told_once

RPC_TIMEOUT = 10  # the gateway's default
# The slowest answer a client may wait for: an RPC that times out, plus what the gateway does
# around it over the same slow links (its own reads of the store).
ANSWER_BOUND = RPC_TIMEOUT + 8


@pytest.mark.long
def test_a_slow_and_flaky_network_keeps_moments_flowing_and_answers_bounded(make_system):
    system = make_system(proxied=True, RPC_TIMEOUT=str(RPC_TIMEOUT))
    links = (system.broker_link, system.store_link)
    journey = Journey(system.gateway, authors=2)  # the members sign up on a calm network
    stream = journey.stream(seconds=26, per_second=2, clients=4)  # some always on their way
    accepted = []

    def phase(seconds: float, **faults) -> None:
        for link in links:
            link.calm()
            for name, value in faults.items():
                setattr(link, name, value)
        before = len(journey.moments)
        time.sleep(seconds)
        accepted.append(len(journey.moments) - before)

    phase(10, latency=0.2)
    phase(6, latency=0.05, bandwidth=16 * 1024)
    phase(6, reset_chance=0.02)
    for link in links:
        link.calm()
    at_random = {"broker": system.broker_link.counts.resets, "store": system.store_link.counts.resets}
    on_demand = sum(link.reset_all() for link in links)  # every connection at once
    stream.join()
    print(f"accepted per phase (latency, bandwidth, random resets): {accepted}; "
          f"connections reset at random: {at_random}, then {on_demand} at once")

    account = assert_told_once(system, journey, within=150)
    assert all(accepted), accepted  # moments kept flowing through every fault
    assert account.longest_wait < ANSWER_BOUND, account
    assert not account.unadvised, account  # every 503 and 504 said when to come back
    assert sum(at_random.values()) > 0 and on_demand > 0  # the faults did strike



# The clocks of the silent-link scenario, short so that it is short.
SILENT_RPC_TIMEOUT, HEARTBEAT, STORE_TIMEOUT = 5, 2, 3
# How long an answer may take while the services notice the silent links, each wait on its
# path bounded by a clock of its own: the gateway's store connections (a command given up at
# the store timeout, then the others, as the client's monitor checks the server within the
# same time and empties the pool); its broker connections (the publish's confirm, then the
# reply consumer's cancel and new channel: a heartbeat each at most); the reply (RPC timeout);
# and a few seconds for a machine of two cores running the whole system.
SILENT_ANSWER_BOUND = 2 * STORE_TIMEOUT + 3 * HEARTBEAT + SILENT_RPC_TIMEOUT + 5


@pytest.mark.long
def test_connections_the_network_drops_without_a_word_are_noticed_and_replaced(make_system):
    """Every open connection to the broker and to the store goes silent at once (a NAT or a
    proxy that forgot them: nothing gets through, no reset, no end), while new ones work.
    The services notice by their own clocks — a command to the store waits
    STORE_TIMEOUT_SECONDS at most, a wait for the broker one AMQP heartbeat, a call its RPC
    timeout — and open new connections: no answer hangs, moments sent once that is done are
    accepted at their first try, and every accepted moment reaches every buddy once."""
    system = make_system(proxied=True, RPC_TIMEOUT=str(SILENT_RPC_TIMEOUT),
                         AMQP_HEARTBEAT=str(HEARTBEAT), STORE_TIMEOUT_SECONDS=str(STORE_TIMEOUT))
    journey = Journey(system.gateway, authors=2)
    journey.give_up_after = 60
    stream = journey.stream(seconds=45, per_second=2, clients=4)
    time.sleep(6)
    silenced = system.broker_link.silence_all() + system.store_link.silence_all()
    at = time.monotonic()
    stream.join()
    noticed = at + SILENT_ANSWER_BOUND  # by then every service has replaced its connections
    afterwards = [m for m in journey.moments if m.sent_at > noticed]
    print(f"{silenced} connections went silent; first moment accepted "
          f"{min(m.accepted_at for m in journey.moments if m.accepted_at > at) - at:.1f} s "
          f"later; {len(afterwards)} sent from {SILENT_ANSWER_BOUND} s on")

    account = assert_told_once(system, journey, within=150)
    assert silenced > 0
    assert len(afterwards) >= 10, afterwards  # the stream went on well after the links healed
    assert [m for m in afterwards if m.refusals] == [], "refused after the links were replaced"
    assert account.longest_wait < SILENT_ANSWER_BOUND, account
    assert not account.unadvised, account


def _echo_server() -> socket.socket:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()

    def serve():
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return
            threading.Thread(target=_echo, args=(client,), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    return server


def _echo(client: socket.socket) -> None:
    with client:
        try:
            while data := client.recv(65536):
                client.sendall(data)
        except OSError:
            pass


def _round_trip(sock: socket.socket, data: bytes) -> float:
    started = time.monotonic()
    sock.sendall(data)
    got = 0
    while got < len(data):
        got += len(sock.recv(65536))
    return time.monotonic() - started


@pytest.fixture
def proxied_echo():
    server = _echo_server()
    with FaultProxy(server.getsockname()[1], seed=1) as proxy:
        yield proxy
    server.close()


def test_the_proxy_adds_latency_each_way_and_caps_the_bandwidth(proxied_echo):
    with socket.create_connection(("127.0.0.1", proxied_echo.port)) as sock:
        assert _round_trip(sock, b"x") < 0.1
        proxied_echo.latency = 0.2
        assert 0.4 <= _round_trip(sock, b"x") < 0.6  # 200 ms there, 200 ms back
        proxied_echo.latency, proxied_echo.bandwidth = 0.0, 50_000
        assert 1.0 <= _round_trip(sock, b"y" * 50_000) < 1.6  # 1 s each way, overlapping


def test_the_proxy_resets_connections_mid_message_on_demand_and_at_random(proxied_echo):
    with socket.create_connection(("127.0.0.1", proxied_echo.port)) as sock:
        _round_trip(sock, b"x")
        assert proxied_echo.reset_all() == 1
        with pytest.raises(ConnectionResetError):
            _round_trip(sock, b"x")
    proxied_echo.reset_chance = 1.0
    with socket.create_connection(("127.0.0.1", proxied_echo.port)) as sock:
        sock.sendall(b"abcdefgh")
        with pytest.raises(ConnectionResetError):
            sock.recv(10)
    # Half of the 8 bytes went through (after the 2 of the first round trip).
    assert proxied_echo.counts.resets == 2 and proxied_echo.counts.bytes == 2 + 4


def test_the_proxy_silences_open_connections_and_lets_new_ones_through(proxied_echo):
    with socket.create_connection(("127.0.0.1", proxied_echo.port)) as sock:
        _round_trip(sock, b"x")
        assert proxied_echo.silence_all() == 1
        sock.settimeout(1)
        sock.sendall(b"y")
        with pytest.raises(TimeoutError):  # no answer, no reset, no end: only a timeout tells
            sock.recv(10)
    with socket.create_connection(("127.0.0.1", proxied_echo.port)) as sock:
        assert _round_trip(sock, b"z") < 0.5
