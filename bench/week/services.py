"""profiles, matching and notifications as this one process runs them: each service's units of
work over its own database on the shared store and the one virtual clock, its events through
its outbox to the bus, its event handlers bound from its own entrypoint table (service.py, so
a handler added there is delivered to here too), and the use cases its timers run.

A use case gets a fresh unit of work per call, as a worker does. Timers run their use cases
without the lease that keeps replicas apart: there is one replica of each service here.
"""

import dataclasses
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from nameko.events import EventHandler
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR
from nameko.timer import Timer

from workbuddy_contracts.errors import Refusal
from workbuddy_contracts.events import read_event
from workbuddy_matching.adapters.repository import create_indexes as matching_indexes
from workbuddy_matching.service import MatchingService
from workbuddy_matching.settings import MatchingSettings
from workbuddy_matching.unit_of_work import MatchingUnitOfWork
from workbuddy_matching.use_cases import asks, checkups, proposals, rounds, slots, support
from workbuddy_notifications.adapters.repository import create_indexes as notifications_indexes
from workbuddy_notifications.service import NotificationsService
from workbuddy_notifications.settings import NotificationsSettings
from workbuddy_notifications.unit_of_work import NotificationsUnitOfWork
from workbuddy_notifications.use_cases import deliveries, messages
from workbuddy_profiles.adapters.repository import create_indexes as profiles_indexes
from workbuddy_profiles.service import ProfilesService
from workbuddy_profiles.unit_of_work import ProfilesUnitOfWork

from .bus import Bus, Outbox, committing

SERVICES = {
    "profiles": (ProfilesService, ProfilesUnitOfWork, profiles_indexes),
    "matching": (MatchingService, MatchingUnitOfWork, matching_indexes),
    "notifications": (NotificationsService, NotificationsUnitOfWork, notifications_indexes),
}


class Clock:
    """The one clock of the week: it stands still until the engine moves it."""

    def __init__(self, at: datetime):
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def set(self, at: datetime) -> None:
        # To the millisecond, as the services stamp what they store (workbuddy_platform.clock).
        self.at = at.astimezone(UTC).replace(microsecond=at.microsecond // 1000 * 1000)


class Services:
    def __init__(self, store, clock: Clock, bus: Bus, senders):
        self.clock, self.bus, self.senders = clock, bus, senders
        self.settings = {"profiles": None, "matching": MatchingSettings(),
                         "notifications": NotificationsSettings()}
        self.refusals: Counter = Counter()  # (use case, refusal, its first words) -> times
        self._made = {}
        for name, (service, unit, indexes) in SERVICES.items():
            db = store.database(name)
            indexes(db)
            outbox = Outbox(name, clock, bus) if name != "notifications" else None
            transaction = committing(store.transaction, outbox) if outbox else store.transaction
            self._made[name] = lambda db=db, unit=unit, outbox=outbox, tx=transaction: unit(
                db, outbox=outbox, clock=clock, transaction=tx)
            for method, handler in _event_handlers(service):
                bus.bind(handler.source_service, handler.event_type, f"{name}.{method}",
                         self._handler(name, getattr(service, method)))
        missing = {f"{name}.{method}" for name, (service, _, _) in SERVICES.items()
                   for method, _ in _timers(service)} - set(TIMERS)
        if missing:
            raise SystemExit(f"the benchmark does not know what these timers run: {sorted(missing)}")

    def uow(self, service: str):
        return self._made[service]()

    def automatic(self, on: bool) -> None:
        """MATCHING_AUTOMATIC: off while the community is set up, on for the week."""
        self.settings["matching"] = dataclasses.replace(self.settings["matching"], automatic=on)

    def call(self, service: str, use_case: Callable, *args, **kwargs):
        """A use case as an RPC entrypoint calls it; a refusal (what a member would read as a 4xx)
        is counted and None returned."""
        try:
            return use_case(self.uow(service), *args, **kwargs)
        except Refusal as exc:
            self.refusals[(f"{use_case.__module__.rsplit('.', 1)[-1]}.{use_case.__name__}",
                           type(exc).__name__, str(exc)[:70])] += 1
            return None

    def tick(self, timer: str) -> None:
        """One run of a timer's use case; a failure is kept with the handlers'."""
        try:
            TIMERS[timer](self)
        except Exception:  # noqa: BLE001 - printed at the end, as a handler's would be
            import traceback

            self.bus.failures.append((timer, traceback.format_exc()))

    def _handler(self, name: str, method) -> Callable[[dict], None]:
        handle = method.__wrapped__  # beneath @consumes: the ledger only guards redelivery

        def deliver(body: dict) -> None:
            worker = SimpleNamespace(name=name, uow=self.uow(name), settings=self.settings[name],
                                     senders=self.senders)
            handle(worker, read_event(body))

        return deliver


def intervals() -> dict[str, timedelta]:
    """Each service timer's own interval, from its entrypoint."""
    return {f"{name}.{method}": timedelta(seconds=timer.interval)
            for name, (service, _, _) in SERVICES.items() for method, timer in _timers(service)}


def _entrypoints(service, kind):
    for method in dir(service):
        for entrypoint in getattr(getattr(service, method), ENTRYPOINT_EXTENSIONS_ATTR, ()) or ():
            if isinstance(entrypoint, kind):
                yield method, entrypoint


def _event_handlers(service):
    return _entrypoints(service, EventHandler)


def _timers(service):
    return _entrypoints(service, Timer)


def _m(services: Services):
    return services.uow("matching")


def _n(services: Services):
    return services.uow("notifications")


# What each timer of service.py runs, with the settings it passes.
TIMERS: dict[str, Callable[[Services], object]] = {
    "matching.expire_proposals": lambda s: proposals.close_due(_m(s)),
    "matching.periodic_round": lambda s: rounds.run_if_due(
        _m(s), every=s.settings["matching"].round_every),
    "matching.fill_wanted_slots": lambda s: slots.fill_wanted(_m(s)),
    "matching.check_up": lambda s: checkups.check_up(_m(s)),
    "matching.retry_support": lambda s: support.retry_due(_m(s)),
    "matching.widen_asks": lambda s: asks.widen_due(
        _m(s), helpers=s.settings["matching"].ask_helpers,
        open_for=s.settings["matching"].ask_open_for),
    "notifications.tell_unread_messages": lambda s: messages.tell_unread(_n(s), s.senders),
    "notifications.retry_deliveries": lambda s: deliveries.retry_due(_n(s), s.senders),
    "notifications.send_digests": lambda s: deliveries.send_digests(_n(s), s.senders),
}
