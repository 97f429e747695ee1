"""Setbacks reaching an available human, and what happened instead when one did not.

A setback reaches a human when a buddy is told (a mail or a push about it went out) while that
buddy is really there (truth.py), or when a support buddy proposed for it is accepted by both
(the buddyship starts). Setbacks logged in the last 15 minutes of the week are not counted.
Beside it, the share a human answered (a reaction, a message about it, or that support buddy
accepted): a buddy told while there may still never answer (a buddy gone quiet).

When a setback was not reached within 15 minutes, one reason is given, the first that holds:
- buddies were told within 15 minutes but none was there (away without telling the app,
  asleep without quiet hours set, asleep having let setbacks break their quiet hours);
- a support buddy was proposed (at once, or when matching looked again once someone could be
  reached), and accepted only later, or not at all;
- the member had no buddy at all (and no support buddy was proposed);
- the member already had a support buddy (proposed or active): matching proposes one at a time;
- no member who offers support was reachable, free and a fit.
"""

from collections import Counter, defaultdict
from datetime import datetime, timedelta

from workbuddy_contracts.vocabulary import SETBACKS

from .figures import Journal, buddies_over_time, focus_at, moment_of, support_starts
from .people import Person
from .senders import Sent

WINDOW = timedelta(minutes=15)


def reach(journal: Journal, sent: list[Sent], people: dict[str, Person], focus_told: dict,
          start: datetime, end: datetime) -> dict:
    told = defaultdict(list)  # moment -> [(when, recipient)]
    for s in sent:
        if (moment := moment_of(s, journal)) is not None:
            told[moment].append((s.at, s.recipient))
    support, buddies = support_starts(journal), buddies_over_time(journal)
    open_support, answers = _open_support(journal), _answers(journal)
    delays, why_not, answered = [], Counter(), []
    for event in journal.of("moment.logged"):
        p = event.payload
        if p["kind"] not in SETBACKS or not start <= p["logged_at"] < end - WINDOW:
            continue
        logged, author, moment = p["logged_at"], p["member_id"], p["moment_id"]
        firsts = [at for at, who in told[moment] if people[who].truth.available(at)]
        proposed, accepted = support.get(moment, (None, None))
        firsts += [accepted] if accepted else []
        delay = (min(firsts) - logged).total_seconds() if firsts else None
        delays.append(delay)
        replies = answers.get(moment, []) + ([accepted] if accepted else [])
        answered.append((min(replies) - logged).total_seconds() if replies else None)
        if delay is None or delay > WINDOW.total_seconds():
            soon = [(at, who) for at, who in told[moment] if at - logged <= WINDOW]
            why_not[_why_not(soon, proposed, accepted, buddies(author, logged), logged, people,
                             focus_told, open_support(author, logged))] += 1
    done = [d for d in delays if d is not None]
    replied = [d for d in answered if d is not None]
    return {"setbacks": len(delays), "within_60s": sum(d <= 60 for d in done),
            "within_15min": sum(d <= WINDOW.total_seconds() for d in done), "ever": len(done),
            "why_not": why_not, "answered_15min": sum(d <= 900 for d in replied),
            "answered_60min": sum(d <= 3600 for d in replied)}


def _why_not(soon, proposed, accepted, buddies, logged, people, focus_told, had_support) -> str:
    if soon:
        return "buddies told, none there: " + ", ".join(sorted(
            {_absent(people[who], at, focus_told) for at, who in soon}))
    if proposed:
        when = "at once" if proposed - logged <= timedelta(minutes=1) else \
            "later, when matching looked again"
        return f"support buddy proposed {when}, " + ("accepted after 15 min" if accepted
                                                     else "not accepted in the week")
    if not buddies:
        return "no buddy at all, no support buddy proposed"
    if had_support:
        return "already had a support buddy"
    return "no support buddy reachable, free and fitting"


def _absent(person: Person, at: datetime, focus_told: dict) -> str:
    if person.truth.is_away(at):
        return "away (the app not told)" if not focus_at(focus_told, person.member_id, at) else "away"
    if person.truth.in_focus(at):
        return "in focus"
    if person.quiet is None:
        return "asleep (no quiet hours set)"
    return "asleep (let setbacks break quiet hours)" if person.in_quiet_hours(at) else "asleep"


def _answers(journal: Journal) -> dict[str, list[datetime]]:
    """Moment -> when a human answered it: a reaction, or a message about it."""
    found = defaultdict(list)
    for e in journal.of("moment.reacted", "message.sent"):
        if e.payload.get("moment_id"):
            found[e.payload["moment_id"]].append(e.occurred_at)
    return found


def _open_support(journal: Journal):
    """had(member, at): whether the member had a support buddy proposed or active then."""
    closed = {e.payload["buddyship_id"]: e.occurred_at for e in
              journal.of("buddyship.declined", "buddyship.expired", "buddyship.ended")}
    spans = defaultdict(list)
    for e in journal.of("buddyship.proposed"):
        if e.payload["origin"] == "support":
            spans[e.payload["proposer_id"]].append((e.occurred_at, closed.get(e.payload["buddyship_id"])))

    def had(member: str, at: datetime) -> bool:
        return any(s < at and (c is None or at < c) for s, c in spans[member])

    return had
