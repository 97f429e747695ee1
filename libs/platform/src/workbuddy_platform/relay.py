"""The outbox relay of a running service: a green thread that publishes what is left pending.

Workers publish what they commit themselves (UnitsOfWork.publish_soon); the relay publishes the
rest: what a worker could not publish (it wakes the relay then), what was staged outside a
worker, and claims gone stale. It also runs on a short timer (so nothing waits on a wake-up
that was missed, e.g. after a restart).
"""

from datetime import timedelta

import eventlet
from eventlet.event import Event as Signal
from pymongo.database import Database

from . import outbox
from .logs import get_logger

log = get_logger(__name__)


class OutboxRelay:
    def __init__(self, container, db: Database, kept_for: timedelta, interval: float = 1.0,
                 claim_lease: timedelta = timedelta(seconds=30)):
        self.container = container
        self.interval = interval
        self.kept_for = kept_for
        self.relay = outbox.Relay(db, outbox.EventPublisher(container.config), claim_lease)
        self._wake = Signal()
        self._running = False
        self._thread = None

    def start(self):
        self._running = True
        self._thread = self.container.spawn_managed_thread(self._run, identifier="outbox-relay")

    def stop(self):
        self._running = False
        self.kick()
        if self._thread is not None:
            self._thread.wait()

    def kill(self):
        self._running = False

    def kick(self):
        if not self._wake.ready():
            self._wake.send(True)

    def _run(self):
        ticks = 0
        while True:
            try:
                if ticks % 10 == 0:
                    self.relay.reclaim_stale()
                    self.relay.measure_lag()
                if ticks % 600 == 0:
                    self.relay.purge_published(self.kept_for)
                self.relay.drain()
            except Exception:  # the store may be briefly away: keep relaying once it is back
                log.exception("outbox.relay_failed")
            if not self._running:
                return
            ticks += 1
            with eventlet.Timeout(self.interval, False):
                self._wake.wait()
            self._wake = Signal()
