"""What the week shows, read from the events the services exchanged, the senders' records and
what is true of each member (truth.py), never from the services' own verdicts. (Setbacks
reaching a human: setbacks.py.)

- An urgent ask is answered by a human at the first buddy's reaction to it or message to its
  author about it, or the first helper's yes.
- A notification is inside quiet hours when its recipient's own quiet hours (as they set them,
  on their own clock) hold its instant, and inside focus when the focus they last told the app
  before it had not ended; allowed only for a setback or an urgent ask (a helper asked, a
  buddy's message answering one), in quiet hours, to a member who let setbacks break them.
"""

from collections import Counter, defaultdict
from datetime import datetime, timedelta
from functools import cached_property

from workbuddy_contracts.events import Event
from workbuddy_contracts.vocabulary import SETBACKS

from .people import Person
from .senders import Sent

URGENT = (*SETBACKS, "urgent_advice")
NEW_BUDDY = ("round", "rematch", "member", "invitation")


class Journal:
    """Every event handed on, in order, and which event's handler recorded each. Read once the
    week is over (the indexes below are built at the first question)."""

    def __init__(self, bus):
        self.events: list[Event] = []
        self.cause = bus.cause
        bus.watch(self.events.append)

    def of(self, *types: str) -> list[Event]:
        return [e for e in self.events if e.type in types]

    @cached_property
    def moment_of_event(self) -> dict[str, str]:
        return {e.event_id: e.payload["moment_id"] for e in self.of("moment.logged")}

    @cached_property
    def kind_of_moment(self) -> dict[str, str]:
        return {e.payload["moment_id"]: e.payload["kind"] for e in self.of("moment.logged")}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def asks(journal: Journal, start: datetime, end: datetime) -> dict:
    """Urgent asks of the week (logged an hour or more before its end): the first human answer."""
    first: dict[str, datetime] = {}

    def answered(moment_id: str, at: datetime) -> None:
        if moment_id not in first or at < first[moment_id]:
            first[moment_id] = at

    for event in journal.of("moment.reacted", "message.sent", "ask.taken"):
        p = event.payload
        if event.type == "moment.reacted":
            answered(p["moment_id"], p["reacted_at"])
        elif event.type == "message.sent" and p.get("moment_id"):
            answered(p["moment_id"], p["sent_at"])
        elif event.type == "ask.taken":
            answered(p["ask_id"], p["taken_at"])
    found = defaultdict(Counter)
    for event in journal.of("moment.logged"):
        p = event.payload
        if p["kind"] != "urgent_advice" or not start <= p["logged_at"] < end - timedelta(hours=1):
            continue
        group = found["widen" if p["widen"] else "buddies only"]
        group["asks"] += 1
        delay = (first[p["moment_id"]] - p["logged_at"]) if p["moment_id"] in first else None
        for minutes in (15, 30, 60):
            group[f"within_{minutes}"] += delay is not None and delay <= timedelta(minutes=minutes)
    outcomes = Counter(e.payload["reason"] for e in journal.of("ask.closed"))
    outcomes["taken"] = len(journal.of("ask.taken"))
    outcomes["widened"] = len(journal.of("ask.widened"))
    return {"groups": found, "outcomes": outcomes}


def outside_permission(journal: Journal, sent: list[Sent], people: dict[str, Person],
                       focus_told: dict, start: datetime, end: datetime) -> tuple[Counter, list]:
    """Notifications that went out in their recipient's quiet hours or focus, unallowed."""
    events = {e.event_id: e for e in journal.events}
    urgent_writers = {(e.payload["recipient_id"], e.payload["buddyship_id"]) for e in
                      journal.of("message.sent") if _kind_of(e.payload.get("moment_id"), journal) in URGENT}
    found, examples = Counter(), []
    for s in sent:
        if not start <= s.at < end:
            continue
        person = people[s.recipient]
        in_focus = focus_at(focus_told, s.recipient, s.at)
        quiet = person.in_quiet_hours(s.at)
        allowed = person.breaks_quiet_for_setbacks and _urgent(s, events, journal, urgent_writers)
        for where, inside in (("focus", in_focus), ("quiet hours", quiet and not allowed)):
            if inside:
                found[(where, s.kind)] += 1
                if len(examples) < 6:
                    examples.append((where, s, person))
    return found, examples


def _urgent(s: Sent, events: dict, journal: Journal, urgent_writers: set) -> bool:
    if s.kind == "ask_help":
        return True
    if s.kind == "message":  # "messages:<buddyship>:<recipient>:<first message>"
        return (s.recipient, s.event_id.split(":")[1]) in urgent_writers
    return _kind_of(moment_of(s, journal), journal) in URGENT if s.kind == "moment" else False


def focus_at(focus_told: dict, member_id: str, at: datetime) -> bool:
    """Whether the focus the member last told the app before ``at`` still held then."""
    told = [until for when, until in focus_told.get(member_id, []) if when <= at]
    return bool(told) and told[-1] is not None and told[-1] > at


def per_member_day(sent: list[Sent], member_ids: list[str], start: datetime, days: int) -> list[int]:
    counts = Counter((s.recipient, (s.at - start) // timedelta(days=1)) for s in sent
                     if start <= s.at < start + timedelta(days=days))
    return [counts[(m, d)] for m in member_ids for d in range(days)]


def busiest(sent: list[Sent], start: datetime) -> tuple[str, int, Counter]:
    """The member-day with the most notifications, and what they were (kind, channel)."""
    by_day = defaultdict(Counter)
    for s in sent:
        by_day[(s.recipient, (s.at - start) // timedelta(days=1))][(s.kind, s.channel)] += 1
    (member, day), kinds = max(by_day.items(), key=lambda item: sum(item[1].values()))
    return member, day, kinds


def support_load(journal: Journal, start: datetime, end: datetime) -> dict:
    proposed = {e.payload["buddyship_id"]: e.payload for e in journal.of("buddyship.proposed")
                if e.payload["origin"] == "support" and start <= e.payload["proposed_at"] < end}
    carried = Counter(proposed[e.payload["buddyship_id"]]["invitee_id"]
                      for e in journal.of("buddyship.started") if e.payload["buddyship_id"] in proposed)
    asked = Counter(p["invitee_id"] for p in proposed.values())
    return {"proposed": len(proposed), "started": sum(carried.values()), "supporters": len(carried),
            "most_carried": max(carried.values(), default=0),
            "most_proposed": max(asked.values(), default=0)}


def quiet_to_new_buddy(journal: Journal, chosen: dict[str, str], start: datetime,
                       end: datetime) -> dict:
    """Each buddy flagged quiet in the week: how long until the member left alone was proposed
    a new buddy; when they were not, why (their choice, or not seen yet)."""
    flags = [e.payload for e in journal.of("buddyship.quiet") if start <= e.payload["at"] < end]
    offers = [e.payload for e in journal.of("buddyship.proposed") if e.payload["origin"] in NEW_BUDDY]
    waits, not_proposed = [], Counter()
    for flag in flags:
        [left] = [m for m in flag["member_ids"] if m != flag["quiet_member_id"]]
        after = [o["proposed_at"] for o in offers if left in (o["proposer_id"], o["invitee_id"])
                 and o["proposed_at"] >= flag["at"]]
        if after:
            waits.append(min(after) - flag["at"])
        else:
            choice = chosen.get(flag["buddyship_id"])
            not_proposed[{"wait": "chose to wait", "someone_new": "asked for someone new, nobody "
                          "proposed", None: "had not looked at the app yet"}[choice]] += 1
    return {"flags": len(flags), "waits": waits, "not_proposed": not_proposed}


def moment_of(s: Sent, journal: Journal) -> str | None:
    if s.kind != "moment":
        return None
    return s.moment_id or journal.moment_of_event.get(s.event_id)


def _kind_of(moment_id: str | None, journal: Journal) -> str | None:
    return journal.kind_of_moment.get(moment_id)


def support_starts(journal: Journal) -> dict[str, tuple[datetime, datetime | None]]:
    """Setback -> when a support buddy was proposed for it, and when they started. A support
    proposal answers its member's latest setback before it (at once, or when matching looked
    again later: support retries)."""
    started = {e.payload["buddyship_id"]: e.payload["started_at"] for e in journal.of("buddyship.started")}
    setbacks = defaultdict(list)
    for e in journal.of("moment.logged"):
        if e.payload["kind"] in SETBACKS:
            setbacks[e.payload["member_id"]].append((e.payload["logged_at"], e.payload["moment_id"]))
    found = {}
    for e in journal.of("buddyship.proposed"):
        p = e.payload
        before = [m for at, m in setbacks[p["proposer_id"]] if at <= p["proposed_at"]]
        if p["origin"] == "support" and before and before[-1] not in found:
            found[before[-1]] = (p["proposed_at"], started.get(p["buddyship_id"]))
    return found


def buddies_over_time(journal: Journal):
    """buddies(member, at): their buddies whose buddyship was active at ``at``."""
    spans = defaultdict(list)
    ended = {e.payload["buddyship_id"]: e.payload["ended_at"] for e in journal.of("buddyship.ended")}
    for e in journal.of("buddyship.started"):
        a, b = e.payload["member_ids"]
        span = (e.payload["started_at"], ended.get(e.payload["buddyship_id"]))
        spans[a].append((b, span))
        spans[b].append((a, span))

    def buddies(member: str, at: datetime) -> list[str]:
        return [other for other, (s, e) in spans[member] if s <= at and (e is None or at < e)]

    return buddies
