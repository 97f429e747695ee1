"""Events between the services, carried as the broker carries them.

Each emitting service has an outbox that keeps what its units of work staged, and hands it on
only once the transaction committed (an attempt the store replays stages afresh; one that
aborts hands on nothing). The bus gives every event, in the order they were committed, to
every handler bound to its type, as the JSON the broker would carry; events recorded while a
handler runs join the end of the line. Delivery is exactly once, so the consumers' ledger of
processed events (workbuddy_platform.consumers), which only guards against redelivery, is not
consulted.
"""

import json
import traceback
from collections import Counter, defaultdict, deque
from collections.abc import Callable

from workbuddy_contracts.events import Event, make_event


class Outbox:
    def __init__(self, producer: str, clock: Callable, bus: "Bus"):
        self.producer, self.clock, self.bus = producer, clock, bus
        self._staged: list[Event] = []

    def stage(self, event_type: str, payload: dict, session) -> None:
        self._staged.append(make_event(event_type, payload, producer=self.producer,
                                       correlation_id=None, occurred_at=self.clock()))

    def begin(self) -> None:
        self._staged = []

    def committed(self) -> None:
        staged, self._staged = self._staged, []
        for event in staged:
            self.bus.publish(event)


def committing(transaction: Callable, outbox: Outbox) -> Callable:
    """The store's transaction, handing what the outbox staged in it to the bus once it
    committed."""

    def run(db, work):
        def attempt(session):
            outbox.begin()
            return work(session)

        try:
            done = transaction(db, attempt)
        except BaseException:
            outbox.begin()  # nothing committed: nothing to tell
            raise
        outbox.committed()
        return done

    return run


class Bus:
    def __init__(self):
        self.routes: dict[tuple[str, str], list[tuple[str, Callable]]] = defaultdict(list)
        self.watchers: list[Callable[[Event], None]] = []
        self.queue: deque[Event] = deque()
        self.cause: dict[str, str | None] = {}  # event id -> the event whose handler recorded it
        self.handling: str | None = None
        self.handled: Counter = Counter()
        self.failures: list[tuple[str, str]] = []  # (handler, traceback)

    def bind(self, producer: str, event_type: str, name: str, handler: Callable[[dict], None]) -> None:
        self.routes[(producer, event_type)].append((name, handler))

    def watch(self, watcher: Callable[[Event], None]) -> None:
        """``watcher(event)`` as each event is handed on: the benchmark's own records."""
        self.watchers.append(watcher)

    def publish(self, event: Event) -> None:
        self.cause[event.event_id] = self.handling
        self.queue.append(event)

    def drain(self) -> None:
        while self.queue:
            event = self.queue.popleft()
            for watcher in self.watchers:
                watcher(event)
            body = json.loads(json.dumps(event.to_message()))
            for name, handler in self.routes.get((event.producer, event.type), ()):
                self.handling = event.event_id
                try:
                    handler(body)
                    self.handled[name] += 1
                except Exception:  # noqa: BLE001 - kept and printed: the broker would retry it
                    self.failures.append((name, traceback.format_exc()))
                finally:
                    self.handling = None
