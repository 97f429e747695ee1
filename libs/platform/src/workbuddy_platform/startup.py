"""Waiting for the broker and the store at start, rather than failing.

On a first deploy everything starts at once, and RabbitMQ and MongoDB take minutes to come up:
a service that gave up after a few seconds would restart in a loop, its log full of
tracebacks. It waits instead, with a growing pause (1 s doubling to 15 s), saying at each try
what it waits for, until START_WAIT_SECONDS have passed; only then does it stop, naming what
it never reached. Meanwhile its ops port answers /healthz (the process is alive) and /readyz
says what it is waiting for, so that probes neither kill it nor send it work.

Once started, what it built is set aside from the garbage collector (``settle_memory``).
"""

import gc
import time
from collections.abc import Callable

from pymongo.uri_parser import parse_uri

from . import ops
from .broker import connect
from .logs import get_logger
from .settings import PlatformSettings, redact
from .store import probe_client

log = get_logger(__name__)

FIRST_PAUSE = 1.0
LONGEST_PAUSE = 15.0


class NeverReached(RuntimeError):
    """What a process waited for did not answer within START_WAIT_SECONDS."""


def wait_for(what: str, reach: Callable[[], None], within: float,
             sleep: Callable[[float], None] = time.sleep) -> None:
    """Calls ``reach()`` until it returns without raising, pausing longer each time; raises
    NeverReached once ``within`` seconds would be over before the next try."""
    started, pause, tries = time.monotonic(), FIRST_PAUSE, 0
    while True:
        tries += 1
        try:
            reach()
        except Exception as exc:  # noqa: BLE001 - what it is not reachable for is logged
            waited = time.monotonic() - started
            error = f"{type(exc).__name__}: {str(exc)[:200]}"  # pymongo's run to pages
            if waited + pause > within:
                raise NeverReached(f"{what} did not answer within {within:.0f} s "
                                   f"({tries} tries; last: {error})") from exc
            ops.waiting_for(what)
            log.warning("service.waiting", waiting_for=what, tries=tries, waited=round(waited, 1),
                        next_try_in=pause, error=error)
            sleep(pause)
            pause = min(pause * 2, LONGEST_PAUSE)
        else:
            if tries > 1:
                log.info("service.reached", reached=what, tries=tries,
                         waited=round(time.monotonic() - started, 1))
            ops.waiting_for(None)
            return


def wait_for_broker(settings: PlatformSettings) -> None:
    wait_for(f"the broker at {redact(settings.amqp_uri)}",
             lambda: connect(settings.amqp_uri, connect_timeout=5).release(),
             settings.start_wait)


def wait_for_store(settings: PlatformSettings) -> None:
    hosts = ",".join(f"{host}:{port}" for host, port in parse_uri(settings.mongo_uri)["nodelist"])
    wait_for(f"the store at {hosts}",
             lambda: probe_client(settings.mongo_uri).admin.command("ping"), settings.start_wait)


def settle_memory() -> None:
    """What the process has built by now (the libraries' modules, classes and tables, some
    100,000 objects) lives as long as it does: moved out of the collector's sight, so that a full
    collection walks only what the work made since. Until then each full collection walked them
    all, every worker of the process stopped meanwhile (60-200 ms each on a 2-core machine)."""
    gc.collect()
    gc.freeze()
