"""The members living the week, through the services' use cases.

A member carries out their plan (moments, focus) and answers what reaches them. Something
reaches a member when a mail or a push about it went out (they read it once they are there,
a push at once, a mail after their usual lag) or when they look at the app (every so often
while they are there, and just after they logged something): the app shows what it holds for
them. What they then do (react, write, accept, say yes, read) waits their behaviour's delay,
counted in their own available time, and is carried out only if it still applies.

What the members know (who their buddies are, what is pending for them) is what the events
told the app; they never read the services' stores.
"""

import math
import random
from collections import defaultdict
from datetime import datetime, timedelta

from workbuddy_contracts.events import Event
from workbuddy_contracts.vocabulary import WINS
from workbuddy_matching.use_cases import asks, checkups, proposals
from workbuddy_profiles.use_cases import conversations, journal, profiles

from .engine import Engine
from .people import Person
from .senders import Sent
from .services import Services

STALE = timedelta(days=3)  # a buddy's moment older than this when seen gets no answer
WRITES_INSTEAD = 0.5  # a buddy answering an urgent ask writes rather than reacts
IN_NEED_ACCEPTS = 0.8  # a member who just logged a setback accepts the support buddy proposed
IN_NEED_MINUTES = 5  # ...within a few minutes of their time, at most their usual delay
LOOKS_AFTER_LOGGING = (1, 20)  # minutes after logging a moment, a member looks at the app


class Members:
    def __init__(self, people: list[Person], services: Services, engine: Engine, seed: int):
        self.people = {p.member_id: p for p in people}
        self.services, self.engine = services, engine
        self.rng = random.Random(f"{seed}:acting")
        self.events: dict[str, Event] = {}
        self.moments: dict[str, tuple[str, str, datetime]] = {}  # id -> author, kind, logged at
        self.buddies: dict[str, dict[str, str]] = defaultdict(dict)  # member -> buddy -> buddyship
        self.pending: dict[str, dict[tuple, dict]] = defaultdict(dict)  # what the app shows
        self.last_message: dict[tuple[str, str], str] = {}  # (buddyship, recipient) -> message id
        self.focus_told: dict[str, list[tuple[datetime, datetime | None]]] = defaultdict(list)
        self.quiet_choices: dict[str, str] = {}  # buddyship flagged quiet -> what the other chose
        self.living = False  # set up first: nobody reads the mails of the setting-up
        services.bus.watch(self._seen)
        services.senders.mail.record.listeners.append(self._told)

    # --- the plan ----------------------------------------------------------------------------

    def start(self, first: datetime) -> None:
        self.living = True
        for person in self.people.values():
            for planned in person.plan:
                self.engine.at(planned.at, f"member.{planned.what}", self._carry_out, person, planned)
            self._visit_later(person, first)

    def _carry_out(self, person: Person, planned) -> None:
        if planned.what == "focus":
            until = planned.details["until"]
            if self.services.call("profiles", profiles.update_profile, member_id=person.member_id,
                                  request={"availability": {"focus_until": until.isoformat()}}):
                self.focus_told[person.member_id].append((self.engine.clock.at, until))
            return
        self.services.call("profiles", journal.log_moment, member_id=person.member_id,
                           request=dict(planned.details))
        for minutes in LOOKS_AFTER_LOGGING:
            self.engine.at(person.truth.after(self.engine.clock.at, 60 * minutes), "member.look",
                           self._look, person)

    # --- what reaches them -------------------------------------------------------------------

    def _seen(self, event: Event) -> None:
        """What the app holds for each member, as the events tell it."""
        self.events[event.event_id] = event
        p, now = event.payload, event.occurred_at
        if event.type == "moment.logged":
            self.moments[p["moment_id"]] = (p["member_id"], p["kind"], p["logged_at"])
            for buddy in self.buddies[p["member_id"]]:
                self.pending[buddy][("moment", p["moment_id"])] = {"at": now}
        elif event.type == "buddyship.proposed":
            for member in p["awaiting"] or [p["invitee_id"]]:
                self.pending[member][("proposal", p["buddyship_id"])] = dict(p)
        elif event.type == "buddyship.started":
            a, b = p["member_ids"]
            self.buddies[a][b], self.buddies[b][a] = p["buddyship_id"], p["buddyship_id"]
            for member in (a, b):
                self.pending[member].pop(("proposal", p["buddyship_id"]), None)
        elif event.type == "buddyship.ended":
            a, b = p["member_ids"]
            self.buddies[a].pop(b, None)
            self.buddies[b].pop(a, None)
        elif event.type == "ask.widened":
            for helper in p["helper_ids"]:
                self.pending[helper][("ask", p["ask_id"])] = {"at": now}
        elif event.type in ("ask.taken", "ask.closed"):
            for helper in p.get("others", []) + p.get("helper_ids", []):
                self.pending[helper].pop(("ask", p["ask_id"]), None)
        elif event.type == "message.sent":
            self.last_message[(p["buddyship_id"], p["recipient_id"])] = p["message_id"]
            self.pending[p["recipient_id"]][("messages", p["buddyship_id"])] = {"at": now}
        elif event.type == "buddyship.quiet":  # told in the app to the one left alone
            for member in p["member_ids"]:
                if member != p["quiet_member_id"]:
                    self.pending[member][("quiet", p["buddyship_id"])] = {"at": now}

    def _told(self, sent: Sent) -> None:
        """A mail or a push went out: its member reads it once there, after their lag."""
        person = self.people.get(sent.recipient)
        if person is None or not self.living:
            return
        lag = self.rng.uniform(0, 120) if sent.channel == "push" else \
            self.rng.expovariate(1 / (60 * person.acts.mail_minutes))
        read = person.truth.after(sent.at, lag)  # counted in their own available time
        if (thing := self._about(sent)) is not None:
            self.engine.at(read, "member.notice", self._notice, person, thing)
        elif sent.kind == "digest":  # read whole: like a look at the app
            self.engine.at(read, "member.look", self._look, person)

    def _about(self, sent: Sent) -> tuple | None:
        """What a notification was about, as far as its member can act on it."""
        if sent.moment_id:
            return ("moment", sent.moment_id)
        event = self.events.get(sent.event_id or "")
        if sent.kind == "message":  # the notice's id: "messages:<buddyship>:<recipient>:<first>"
            return ("messages", sent.event_id.split(":")[1])
        if event is None:
            return None
        if event.type == "moment.logged":
            return ("moment", event.payload["moment_id"])
        if event.type == "buddyship.proposed":
            return ("proposal", event.payload["buddyship_id"])
        if event.type == "ask.widened" and sent.kind == "ask_help":
            return ("ask", event.payload["ask_id"])
        return None

    def _visit_later(self, person: Person, after: datetime) -> None:
        gap = self.rng.expovariate(1 / (60 * person.acts.visit_minutes))
        self.engine.at(person.truth.after(after, gap), "member.visit", self._visit, person)

    def _visit(self, person: Person) -> None:
        self._look(person)
        self._visit_later(person, self.engine.clock.at)

    def _look(self, person: Person) -> None:
        for thing in list(self.pending[person.member_id]):
            self._notice(person, thing)

    # --- what they do about it ---------------------------------------------------------------

    def _notice(self, person: Person, thing: tuple) -> None:
        details = self.pending[person.member_id].pop(thing, None)
        if details is None:
            return  # seen already, or no longer there
        acts, now, kind = person.acts, self.engine.clock.at, thing[0]
        if kind == "moment":
            author, moment_kind, logged = self.moments[thing[1]]
            if now - logged < STALE and self.rng.random() < acts.reacts:
                self._later(person, acts.react_minutes, "member.answer_moment",
                            self._answer_moment, person, thing[1])
        elif kind == "proposal":
            in_need = details["origin"] == "support" and details["proposer_id"] == person.member_id
            accepts = max(acts.accepts, IN_NEED_ACCEPTS) if in_need else acts.accepts
            minutes = min(acts.accept_minutes, IN_NEED_MINUTES) if in_need else acts.accept_minutes
            if self.rng.random() < accepts:
                self._later(person, minutes, "member.accept", self._call_matching,
                            proposals.accept, {"buddyship_id": thing[1], "member_id": person.member_id})
            elif self.rng.random() < 0.5:
                self._call_matching(proposals.decline, {"buddyship_id": thing[1],
                                                        "member_id": person.member_id})
        elif kind == "ask":
            answer = "yes" if self.rng.random() < acts.says_yes else "no"
            if answer == "yes" or self.rng.random() < 0.6:
                self._later(person, acts.yes_minutes if answer == "yes" else 3, "member.answer_ask",
                            self._call_matching, asks.answer,
                            {"ask_id": thing[1], "member_id": person.member_id,
                             "request": {"answer": answer}})
        elif kind == "quiet":
            choice = "someone_new" if self.rng.random() < acts.moves_on else "wait"
            self.quiet_choices[thing[1]] = choice
            self._later(person, acts.accept_minutes, "member.quiet_choice", self._call_matching,
                        checkups.quiet_choice, {"buddyship_id": thing[1], "member_id": person.member_id,
                                                "request": {"choice": choice}})
        elif kind == "messages" and (up_to := self.last_message.get((thing[1], person.member_id))):
            self._later(person, 1, "member.read", self._call_profiles, conversations.mark_read,
                        {"member_id": person.member_id, "buddyship_id": thing[1],
                         "request": {"up_to": up_to}})

    def _later(self, person: Person, median_minutes: float, label: str, action, *args) -> None:
        """``action`` after about ``median_minutes`` of the member's available time."""
        seconds = 60 * median_minutes * math.exp(0.8 * self.rng.gauss(0, 1))
        self.engine.at(person.truth.after(self.engine.clock.at, seconds), label, action, *args)

    def _answer_moment(self, person: Person, moment_id: str) -> None:
        author, kind, _ = self.moments[moment_id]
        buddyship = self.buddies[person.member_id].get(author)
        if buddyship is None:
            return  # no longer buddies
        if kind == "urgent_advice" and self.rng.random() < WRITES_INSTEAD:
            self._call_profiles(conversations.send, {
                "member_id": person.member_id, "buddyship_id": buddyship,
                "request": {"text": "I can help: call me?", "moment_id": moment_id}})
        else:
            self._call_profiles(journal.react, {
                "reactor_id": person.member_id, "moment_id": moment_id,
                "request": {"kind": "cheer" if kind in WINS else "support", "message": None}})

    def _call_matching(self, use_case, arguments: dict) -> None:
        self.services.call("matching", use_case, **arguments)

    def _call_profiles(self, use_case, arguments: dict) -> None:
        self.services.call("profiles", use_case, **arguments)
