"""The demo community lives: each demo member reads their notifications through the API, as
a client app would, and answers like a person would, a little later.

Towards a newcomer (anyone not in the demo) the script is the product's first ten minutes:
a proposal accepted after a few seconds, a greeting, a buddy's win to see live, a cheer or a
word of support on each of their moments, answers to their messages, thanks for their cheers;
then, once their first moment was answered, their buddies go into focus a while, so that a
lost client logged then brings a support buddy, who greets them too. The quiet member starts
warm (a greeting, a win) and then never reacts nor answers: the newcomer who has them as a
buddy sees the quiet-buddy path after three of their moments.

Among themselves, members who are not hosts accept the proposals matching makes, so the
community has its own buddyships; hosts decline them, so they keep room for newcomers.
"""

import logging
import random
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from . import phrases, timing
from .agenda import Agenda
from .client import Gone, Refused, Session
from .community import Persona

log = logging.getLogger("workbuddy.demo")

WINS = {"client_won", "first_client", "tender_won", "project_delivered", "milestone"}
SETBACKS = {"client_lost", "tender_lost", "payment_late", "rough_day"}


@dataclass
class Member:
    """A demo member as the actor plays them: who they are, their session, and what they know."""

    persona: Persona
    session: Session
    buddyships: dict[str, str] = field(default_factory=dict)  # buddy id -> buddyship id
    origins: dict[str, str] = field(default_factory=dict)     # buddyship id -> origin
    newcomers: set[str] = field(default_factory=set)          # buddies not in the demo
    handled: set[str] = field(default_factory=set)            # notification ids
    answered: set[str] = field(default_factory=set)           # message ids replied to
    replying: set[str] = field(default_factory=set)           # buddyships with a reply coming
    focus_until: datetime | None = None
    logged_at: float = float("-inf")  # time.monotonic() of their last moment

    @property
    def id(self) -> str:
        return self.session.member_id

    @property
    def language(self) -> str:
        return self.persona.language

    def in_focus(self) -> bool:
        return self.focus_until is not None and self.focus_until > datetime.now(UTC)


@dataclass
class Newcomer:
    """What the community did for one newcomer so far (each step once)."""

    member_id: str
    first_name: str
    languages: tuple[str, ...] = ("fr",)  # those they speak (their public profile)
    buddies: set[str] = field(default_factory=set)  # demo member ids
    first_win: bool = False
    answered_moments: int = 0
    focus_planned: bool = False
    setback: str = "client_lost"


class Actor:
    def __init__(self, members: list[Member], settings: timing.DemoSettings,
                 rng: random.Random | None = None):
        self.members = {m.id: m for m in members}  # those still acted for
        # Who plays whom, for good: a member who left is not taken for a newcomer.
        self.personas = {m.id: m.persona for m in members}
        self.settings = settings
        self.rng = rng or random.Random()
        self.agenda = Agenda()
        self.newcomers: dict[str, Newcomer] = {}
        self._lock = threading.Lock()
        self.last_proposal_at = time.monotonic()

    # -- the loop --------------------------------------------------------------------------

    def start(self) -> threading.Thread:
        for member in self.members.values():
            self.agenda.after(self.rng.uniform(0, self.settings.poll_seconds), "look",
                              lambda m=member: self.look(m))
        self._plan(timing.MOMENT_EVERY, "moment", self.someone_logs_a_moment)
        self._plan(timing.FOCUS_EVERY, "focus", self.someone_focuses)
        thread = threading.Thread(target=self.agenda.run, name="demo-agenda", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self.agenda.stop()

    def later(self, span: tuple[float, float], what: str, step) -> None:
        self.agenda.after(self.rng.uniform(*span) * self.settings.pace, what, step)

    def _plan(self, span: tuple[float, float], what: str, step) -> None:
        """``step`` again and again, ``span`` apart."""
        def again():
            try:
                step()
            finally:
                self.later(span, what, again)
        self.later(span, what, again)

    def look(self, member: Member) -> None:
        """The member reads their news and acts on it, then looks again a little later; one
        who left (`make demo-remove`) is no longer acted for."""
        try:
            self.read_news(member)
        except Gone:
            log.info("%s left: no longer acted for", member.persona.key)
            self.members.pop(member.id, None)
            return
        except Exception as failed:  # noqa: BLE001 - the next look tries again
            log.warning("%s could not read their news: %s", member.persona.key, failed)
        busy = member.persona.host or member.newcomers or member.persona.profile.get(
            "offers_support")
        every = self.settings.poll_seconds * (1 if busy else 5)
        self.agenda.after(every, "look", lambda: self.look(member))

    def read_news(self, member: Member) -> None:
        """Their unread notifications, oldest first, each acted on and marked read; and the
        conversations with newcomers."""
        page = member.session.get("/v1/me/notifications", unread="true", limit=100)
        for notification in reversed(page["items"]):
            if notification["id"] not in member.handled:
                member.handled.add(notification["id"])
                self.on(member, notification)
                member.session.post(f"/v1/me/notifications/{notification['id']}/read")
        if member.newcomers and not member.persona.quiet:
            self.read_conversations(member)

    def on(self, member: Member, notification: dict) -> None:
        handler = getattr(self, f"on_{notification['kind']}", None)
        if handler is not None:
            handler(member, notification, notification.get("subject_id"), notification["data"])

    @staticmethod
    def to(member: Member, newcomer: Newcomer) -> str:
        """The language a member writes to a newcomer in: their own if the newcomer speaks it,
        else another both speak (a French member who speaks English writes in English to
        someone who reads English only)."""
        if member.language in newcomer.languages or not newcomer.languages:
            return member.language
        spoken = member.persona.profile.get("languages") or [member.language]
        return next((lang for lang in spoken if lang in newcomer.languages
                     and lang in phrases.LANGUAGES), member.language)

    def is_demo(self, member_id: str | None) -> bool:
        return member_id in self.personas

    def newcomer(self, member: Member, member_id: str) -> Newcomer:
        with self._lock:
            if member_id not in self.newcomers:
                seen = member.session.get(f"/v1/members/{member_id}")
                self.newcomers[member_id] = Newcomer(member_id, seen["display_name"].split()[0],
                                                     tuple(seen.get("languages") or ()))
            return self.newcomers[member_id]

    # -- proposals and buddyships ----------------------------------------------------------

    def on_buddyship_proposed(self, member: Member, _, other: str, data: dict) -> None:
        buddyship_id = data["buddyship_id"]
        member.origins[buddyship_id] = data.get("origin", "member")
        self.last_proposal_at = time.monotonic()
        log.info("%s: proposed %s (%s) with %s", member.persona.key, buddyship_id,
                 member.origins[buddyship_id], "a demo member" if self.is_demo(other) else other)
        if not self.is_demo(other):
            self.later(timing.ACCEPT, "accept", lambda: self._answer(member, buddyship_id, "accept"))
        elif member.persona.host or self.personas[other].host:
            self.later(timing.DECIDE_AMONG_DEMO, "decline",
                       lambda: self._answer(member, buddyship_id, "decline"))
        else:
            self.later(timing.DECIDE_AMONG_DEMO, "accept",
                       lambda: self._answer(member, buddyship_id, "accept"))

    def _answer(self, member: Member, buddyship_id: str, answer: str) -> None:
        try:
            member.session.post(f"/v1/me/buddyships/{buddyship_id}/{answer}")
            log.info("%s: %s %s", member.persona.key, answer, buddyship_id)
        except Refused as refused:  # expired, or the other declined first: nothing to do
            log.info("%s could not %s %s: %s", member.persona.key, answer, buddyship_id, refused)
        self.last_proposal_at = time.monotonic()

    def on_buddyship_started(self, member: Member, _, other: str, data: dict) -> None:
        buddyship_id = data["buddyship_id"]
        member.buddyships[other] = buddyship_id
        if self.is_demo(other):
            return
        member.newcomers.add(other)
        newcomer = self.newcomer(member, other)
        newcomer.buddies.add(member.id)
        support = member.origins.get(buddyship_id) == "support"
        if support:
            text = phrases.support_greeting(self.rng, self.to(member, newcomer), newcomer.first_name,
                                            newcomer.setback)
        else:
            text = phrases.greeting(self.rng, self.to(member, newcomer), newcomer.first_name)
        self.later(timing.GREET, "greet", lambda: self.say(member, other, text))
        with self._lock:
            first = not support and not newcomer.first_win
            newcomer.first_win = newcomer.first_win or first
        if first:
            self.later(timing.FIRST_WIN, "first win", lambda: self.log_moment(
                member, *phrases.first_win(self.rng, self.to(member, newcomer), member.persona)))

    def on_buddyship_ended(self, member: Member, _, other: str, data: dict) -> None:
        member.buddyships.pop(other, None)
        member.newcomers.discard(other)
        if other in self.newcomers:
            self.newcomers[other].buddies.discard(member.id)

    # -- moments and reactions -------------------------------------------------------------

    def on_moment(self, member: Member, _, author: str, data: dict) -> None:
        kind, moment_id = data["kind"], data["moment_id"]
        if member.persona.quiet:
            return
        if self.is_demo(author):
            if self.rng.random() < 0.3:
                self.later(timing.REACT_AMONG_DEMO, "react",
                           lambda: self.react(member, author, moment_id, kind))
            return
        newcomer = self.newcomer(member, author)
        if kind in SETBACKS:
            newcomer.setback = kind
        self.when_free(member, timing.REACT, "react",
                       lambda: self.react(member, author, moment_id, kind, newcomer))

    def react(self, member: Member, author: str, moment_id: str, kind: str,
              newcomer: Newcomer | None = None) -> None:
        note = next((m.get("note") for m in member.session.get(
            f"/v1/members/{author}/moments")["items"] if m["id"] == moment_id), None)
        language = member.language if newcomer is None else self.to(member, newcomer)
        reaction, message = phrases.reaction(self.rng, language, kind, note)
        member.session.post(f"/v1/moments/{moment_id}/reactions",
                            {"kind": reaction, "message": message})
        if newcomer is not None:
            self._after_answering(newcomer)

    def _after_answering(self, newcomer: Newcomer) -> None:
        """Once a newcomer's first moment was answered, their buddies go into focus a while:
        a setback logged then finds none of them, and matching finds a support buddy."""
        with self._lock:
            newcomer.answered_moments += 1
            if newcomer.focus_planned:
                return
            newcomer.focus_planned = True
        self.later(timing.FOCUS_AFTER, "focus", lambda: self.focus_for(newcomer))

    def focus_for(self, newcomer: Newcomer) -> None:
        minutes = timing.FOCUS_MINUTES * self.settings.pace
        for member_id in list(newcomer.buddies):
            member = self.members.get(member_id)
            if member is None:  # left meanwhile
                continue
            self.focus(member, minutes)
            if not member.persona.quiet and newcomer.member_id in member.buddyships:
                until = member.focus_until.astimezone(ZoneInfo(member.persona.profile["time_zone"]))
                self.say(member, newcomer.member_id,
                         phrases.focus_notice(self.rng, self.to(member, newcomer),
                                              until.strftime("%H:%M")))

    def focus(self, member: Member, minutes: float) -> None:
        until = datetime.now(UTC) + timedelta(minutes=minutes)
        member.session.patch("/v1/me", {"availability": {"focus_until": until.isoformat()}})
        member.focus_until = until

    def when_free(self, member: Member, span: tuple[float, float], what: str, step) -> None:
        """``step`` a human-like delay from now, or from the end of the member's focus."""
        if member.in_focus():
            wait = (member.focus_until - datetime.now(UTC)).total_seconds()
            self.agenda.after(wait, what, lambda: self.later(span, what, step))
        else:
            self.later(span, what, step)

    def on_reaction(self, member: Member, _, reactor: str, data: dict) -> None:
        if self.is_demo(reactor) or member.persona.quiet or reactor not in member.buddyships:
            return
        newcomer = self.newcomer(member, reactor)
        self.when_free(member, timing.THANK, "thank", lambda: self.say(
            member, reactor, phrases.thanks_for_reaction(self.rng, self.to(member, newcomer),
                                                         newcomer.first_name)))

    def log_moment(self, member: Member, kind: str, note: str) -> None:
        member.logged_at = time.monotonic()
        member.session.post("/v1/me/moments", {"kind": kind, "note": note})

    # -- conversations, asks, check-ins ----------------------------------------------------

    def read_conversations(self, member: Member) -> None:
        """Messages from newcomers are answered as they come (a message is a notification only
        once it stayed unread ten minutes: a person with the app open sees it sooner)."""
        for conversation in member.session.get("/v1/me/conversations")["items"]:
            buddyship_id = conversation["buddyship_id"]
            if (conversation["unread"] and conversation["open"]
                    and not self.is_demo(conversation["buddy_id"])
                    and buddyship_id not in member.replying):
                member.replying.add(buddyship_id)  # one answer at a time, to the newest
                self.when_free(member, timing.REPLY, "reply", lambda c=conversation: self.reply(
                    member, c["buddy_id"], c["buddyship_id"]))

    def reply(self, member: Member, author: str, buddyship_id: str) -> None:
        try:
            page = member.session.get(f"/v1/me/conversations/{buddyship_id}/messages")
            theirs = [m for m in page["items"] if m["author_id"] == author]  # newest first
            if not theirs or theirs[0]["id"] in member.answered:
                return
            member.answered.add(theirs[0]["id"])
            member.session.post(f"/v1/me/conversations/{buddyship_id}/read",
                                {"up_to": theirs[0]["id"]})
            text = next((m["text"] for m in theirs if m["text"]), None) or "?"  # a call-me alone
            newcomer = self.newcomer(member, author)
            member.session.post(f"/v1/me/conversations/{buddyship_id}/messages", {
                "text": phrases.reply(self.rng, self.to(member, newcomer), newcomer.first_name,
                                      text)})
        finally:
            member.replying.discard(buddyship_id)

    def say(self, member: Member, other: str, text: str) -> None:
        buddyship_id = member.buddyships.get(other)
        if buddyship_id is not None:
            member.session.post(f"/v1/me/conversations/{buddyship_id}/messages", {"text": text})

    def on_ask_help(self, member: Member, _, asker: str, data: dict) -> None:
        if self.is_demo(asker) or member.persona.quiet:
            return
        self.later(timing.HELP, "help", lambda: self.help(member, asker, data["ask_id"]))

    def help(self, member: Member, asker: str, ask_id: str) -> None:
        try:
            answer = member.session.post(f"/v1/me/asks/{ask_id}/answer", {"answer": "yes"})
        except Refused:  # another helper said yes first, or the ask closed
            return
        if answer and answer.get("buddyship_id"):
            member.buddyships[asker] = answer["buddyship_id"]
            newcomer = self.newcomer(member, asker)
            self.say(member, asker, phrases.greeting(self.rng, self.to(member, newcomer),
                                                     newcomer.first_name))

    def on_check_in(self, member: Member, _, other: str, data: dict) -> None:
        step, check_in = data.get("step"), data.get("check_in_id")
        answer = {"opened": phrases.check_in_answer(self.rng), "mode_proposed": "accept_mode"}
        if check_in and step in answer and not member.persona.quiet:
            self.later(timing.CHECK_IN, "check-in", lambda: self._check_in(
                member, check_in, answer[step]))

    def _check_in(self, member: Member, check_in_id: str, answer: str) -> None:
        body = {"answer": answer}
        if answer == "change_mode":  # the commitment they asked for, met more often
            body["mode"] = {"commitment": member.persona.profile.get("commitment") or "regular",
                            "rhythm": "weekly"}
        try:
            member.session.post(f"/v1/me/check-ins/{check_in_id}", body)
        except Refused as refused:
            log.info("%s: check-in %s: %s", member.persona.key, check_in_id, refused)

    # -- the community's own life ----------------------------------------------------------

    def someone_logs_a_moment(self) -> None:
        """A member with buddies logs a win, a setback or an ask; those who are buddies with a
        newcomer most often, so that the newcomer's feed lives."""
        rested = time.monotonic() - timing.MOMENT_REST * self.settings.pace
        with_buddies = [m for m in list(self.members.values())
                        if m.buddyships and not m.persona.quiet and not m.in_focus()
                        and m.logged_at < rested]
        if not with_buddies:
            return
        near = [m for m in with_buddies if m.newcomers]
        pool = near if near and self.rng.random() < 0.7 else with_buddies
        member = self.rng.choices(pool, weights=[m.persona.rhythm for m in pool])[0]
        self.log_moment(member, *phrases.moment(self.rng, member.language, member.persona))

    def someone_focuses(self) -> None:
        """Now and then a member no newcomer counts on goes into focus for a while."""
        free = [m for m in list(self.members.values())
                if not m.newcomers and not m.in_focus() and not m.persona.host]
        if free:
            self.focus(self.rng.choice(free), self.rng.uniform(20, 90))
