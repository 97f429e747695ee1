"""The services' timers on the virtual clock.

A timer of one second, polled for a week, is 604,800 runs of store queries that mostly find
nothing: hours of real time. So each timer runs on its own interval's ticks, but only at the
ticks where the events announce that its work falls due:

- matching.widen_asks: an ask's widen time (logged + ASK_WIDEN_AFTER) and its closes_at, from
  moment.logged and ask.widened;
- matching.expire_proposals: a proposal's expires_at, a support or ask buddyship's end, from
  buddyship.proposed and buddyship.started;
- matching.fill_wanted_slots: a second after an event that can open slots (member.updated,
  moment.logged, buddyship.ended, declined or expired), each second while some wait, and when
  a pause told in member.updated ends;
- matching.retry_support: when matching said it would look for a support buddy again
  (retry_at), from support.unavailable;
- notifications.tell_unread_messages: a message's sent_at + MESSAGE_NOTIFY_AFTER_SECONDS, from
  message.sent;
- notifications.send_digests: a focus_until told, 18:00 on the clock of a member with a
  daily digest, and each day's end of a member's quiet hours on their clock (a digest due
  inside quiet hours or focus waits for their end), from member.updated;
- notifications.retry_deliveries: each day's end of a member's quiet hours on their clock, and
  a focus_until told (a digest held at its sending), from member.updated.

Besides, each of these runs every ``safety`` in any case (on the same grid); a run there that
sends or records anything is work this table did not announce, counted and printed. The
check-up runs every ``checkup``; the round's timer asks hourly whether a round is due.
"""

import math
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from workbuddy_contracts.availability import DIGEST_AT
from workbuddy_contracts.events import Event
from workbuddy_matching.domain.buddyship import SUPPORT_LASTS, TEMPORARY

from .engine import Engine
from .services import intervals
from .truth import local_time

OPENS_SLOTS = {"member.updated", "moment.logged", "buddyship.ended", "buddyship.declined",
               "buddyship.expired", "member.left"}
ANNOUNCED = ("matching.widen_asks", "matching.expire_proposals", "matching.fill_wanted_slots",
             "matching.retry_support",
             "notifications.tell_unread_messages", "notifications.send_digests",
             "notifications.retry_deliveries")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class Timers:
    def __init__(self, engine: Engine, *, since: datetime, until: datetime, safety: timedelta,
                 checkup: timedelta):
        self.engine, self.services = engine, engine.services
        self.since, self.until, self.safety, self.checkup = since, until, safety, checkup
        self.interval = intervals()
        self.planned: dict[str, set[datetime]] = defaultdict(set)
        self.unannounced: Counter = Counter()  # timer -> safety runs that found work
        self.unannounced_examples: list[str] = []
        self.daily: set[tuple[str, str, str]] = set()  # (timer, zone, local time) planned daily
        self.engine.bus.watch(self._announced)

    def start(self, first: datetime) -> None:
        for timer in ANNOUNCED:
            self._safety(timer, self._grid(first, timer))
        self._every("matching.check_up", first, self.checkup)
        self._every("matching.periodic_round", first, timedelta(hours=1))

    def due(self, timer: str, when: datetime) -> None:
        """Run ``timer`` at its first tick from ``when`` on (now, if that has passed; the first
        tick of the week for what the setting-up announced)."""
        tick = self._grid(max(when, self.engine.clock.at, self.since), timer)
        if tick < self.until and tick not in self.planned[timer]:
            self.planned[timer].add(tick)
            self.engine.at(tick, timer, self._run, timer)

    def _run(self, timer: str) -> list[str]:
        """One run; what it sent or recorded."""
        record = self.services.senders.mail.record
        sent, events = len(record.sent), len(self.engine.bus.queue)
        failures = len(self.engine.bus.failures)
        self.services.tick(timer)
        worked = [f"{s.channel} {s.kind} to {s.recipient[:8]}" for s in record.sent[sent:]] + \
            [e.type for e in list(self.engine.bus.queue)[events:]]
        if timer == "matching.fill_wanted_slots" and len(self.engine.bus.failures) == failures and \
                self.services.uow("matching").rounds.wanting_slots_filled(self.engine.clock.at, limit=1):
            self.due(timer, self.engine.clock.at + timedelta(seconds=1))  # its next second
        return worked

    def _safety(self, timer: str, tick: datetime) -> None:
        def run() -> None:
            if tick not in self.planned[timer] and (worked := self._run(timer)):
                self.unannounced[timer] += 1
                if len(self.unannounced_examples) < 5:
                    self.unannounced_examples.append(f"{timer} at {tick:%a %H:%M} UTC: {worked[:3]}")
            self._safety(timer, tick + self.safety)

        if tick < self.until:
            self.engine.at(tick, f"{timer} (safety)", run)

    def _every(self, timer: str, at: datetime, interval: timedelta) -> None:
        def run() -> None:
            self.services.tick(timer)
            self._every(timer, at + interval, interval)

        if at < self.until:
            self.engine.at(at, timer, run)

    def _grid(self, when: datetime, timer: str) -> datetime:
        step = self.interval[timer].total_seconds()
        return EPOCH + timedelta(seconds=math.ceil((when - EPOCH).total_seconds() / step) * step)

    def _announced(self, event: Event) -> None:
        p, settings = event.payload, self.services.settings
        if event.type in OPENS_SLOTS:
            self.due("matching.fill_wanted_slots", event.occurred_at + timedelta(seconds=1))
        if event.type == "moment.logged" and p.get("widen"):
            self.due("matching.widen_asks", p["logged_at"] + settings["matching"].ask_widen_after)
        elif event.type == "ask.widened":
            self.due("matching.widen_asks", p["closes_at"])
        elif event.type == "buddyship.proposed" and p.get("expires_at"):
            self.due("matching.expire_proposals", p["expires_at"])
        elif event.type == "buddyship.started" and p.get("origin") in TEMPORARY:
            self.due("matching.expire_proposals", p["started_at"] + SUPPORT_LASTS)
        elif event.type == "support.unavailable" and p.get("retry_at"):
            self.due("matching.retry_support", p["retry_at"])
        elif event.type == "message.sent":
            self.due("notifications.tell_unread_messages",
                     p["sent_at"] + settings["notifications"].message_notify_after)
        elif event.type == "member.updated":
            self._profile(p["profile"])

    def _profile(self, profile: dict) -> None:
        availability, zone = profile.get("availability") or {}, profile.get("time_zone")
        if paused := profile.get("matching_paused_until"):  # slots wait for the pause's end
            self.due("matching.fill_wanted_slots", datetime.fromisoformat(str(paused)))
        if focus := availability.get("focus_until"):
            self.due("notifications.send_digests", datetime.fromisoformat(str(focus)))
            self.due("notifications.retry_deliveries", datetime.fromisoformat(str(focus)))
        if availability.get("delivery") == "digest":
            self._daily("notifications.send_digests", zone, DIGEST_AT)
        if quiet := availability.get("quiet_hours"):
            self._daily("notifications.retry_deliveries", zone, quiet["end"])
            self._daily("notifications.send_digests", zone, quiet["end"])

    def _daily(self, timer: str, zone: str, clock: str) -> None:
        if (timer, zone, clock) in self.daily:
            return
        self.daily.add((timer, zone, clock))
        local = ZoneInfo(zone)
        day = max(self.engine.clock.at, self.since).astimezone(local).date() - timedelta(days=1)
        while (at := datetime.combine(day, local_time(clock), local).astimezone(UTC)) < self.until:
            if at >= max(self.engine.clock.at, self.since):
                self.due(timer, at)
            day += timedelta(days=1)

