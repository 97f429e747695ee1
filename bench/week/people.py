"""The members of the simulated week: who they are (the benchmarks' synthetic profiles), how
they behave, when they work, sleep, focus and go away, and the moments they will log.

Everything a member decides on their own is planned here, from the seed, before the week
starts; what they do in answer to the system (react, accept, say yes) is decided as things
reach them (actors.py), with the delays of their behaviour below. The shares and rates are
guesses about freelancers, stated so that a run can be read against them.
"""

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from synthetic import synthetic_members

from .truth import Truth, local_time


@dataclass(frozen=True)
class Behaviour:
    share: float  # of the members
    reacts: float  # share of a buddy's moments they answer, once they saw it
    react_minutes: float  # median delay, in their own available time, once they saw it
    visit_minutes: float  # mean time between two looks at the app, in their available time
    mail_minutes: float  # mean time before reading a mail that came while they were there
    accepts: float  # share of proposals they accept
    accept_minutes: float  # median delay
    says_yes: float  # asked to help with an urgent ask
    yes_minutes: float  # median delay
    logs: float  # how much of the usual rate of moments they log
    moves_on: float  # told a buddy went quiet, asks for someone new (else keeps waiting)


BEHAVIOURS = {
    "responsive": Behaviour(0.45, 0.85, 8, 60, 10, 0.9, 15, 0.6, 4, 1.0, 0.7),
    "slow": Behaviour(0.30, 0.55, 90, 240, 60, 0.7, 240, 0.35, 45, 1.0, 0.5),
    "quiet": Behaviour(0.15, 0.03, 600, 1440, 600, 0.3, 1440, 0.05, 600, 0.3, 0.3),
    # Away for two to five days some time in the week (told to the app or not); like the slow
    # ones while there.
    "away": Behaviour(0.10, 0.5, 120, 240, 60, 0.6, 240, 0.3, 45, 1.0, 0.5),
}
# Moments per member and working day, by family; a weekend day has a fifth of it.
RATES = {"win": 0.30, "setback": 0.12, "ask": 0.08}
WEEKEND = 0.2
KINDS = {
    "win": (("client_won", 0.4), ("project_delivered", 0.3), ("milestone", 0.2),
            ("tender_won", 0.07), ("first_client", 0.03)),
    "setback": (("client_lost", 0.35), ("payment_late", 0.25), ("tender_lost", 0.2),
                ("rough_day", 0.2)),
    "ask": (("urgent_advice", 0.45), ("client_question", 0.35), ("project_idea", 0.2)),
}
WIDEN = 0.6  # urgent asks whose author lets them go to members who offer help
SKILLS = ("pricing", "contracts", "invoicing", "negotiation", "SEO", "branding", "UX",
          "copywriting", "accounting", "public tenders", "Python", "social media")
# Quiet hours (local start, end) and their shares; a quarter of the members set none and sleep
# anyway, which no setting tells.
QUIET_STARTS = (("20:00", 0.1), ("21:00", 0.15), ("22:00", 0.35), ("22:30", 0.15), ("23:00", 0.25))
QUIET_ENDS = (("07:00", 0.3), ("07:30", 0.2), ("08:00", 0.35), ("09:00", 0.15))
SETS_QUIET_HOURS = 0.75
EVENING_WORKERS = 0.10  # work 13:00-21:00 or so, sleep late
OFFERS_SUPPORT = {"responsive": 0.35, "slow": 0.15, "quiet": 0.03, "away": 0.15}
BREAKS_QUIET_FOR_SETBACKS = 0.15
HAS_PUSH = 0.4
DIGEST = 0.06
USES_FOCUS = 0.45  # members who use focus mode at all...
FOCUS_PER_WORKDAY = 1.2  # ...start this many sessions a working day, 45 to 150 minutes each
FOCUS_EXTENDED = 0.15  # "another hour": focus moved later shortly before it ends
AWAY_TELLS_APP = 0.35  # an away member who sets focus until their return


@dataclass
class Planned:
    at: datetime
    what: str  # "moment" or "focus"
    details: dict


@dataclass
class Person:
    index: int
    email: str
    name: str
    language: str
    behaviour: str
    answers: dict  # the profile as the member answers the questions (PATCH /v1/me)
    quiet: tuple[str, str] | None
    breaks_quiet_for_setbacks: bool
    push: bool
    truth: Truth
    plan: list[Planned] = field(default_factory=list)
    member_id: str = ""  # given by profiles at sign-up

    @property
    def acts(self) -> Behaviour:
        return BEHAVIOURS[self.behaviour]

    @property
    def zone(self) -> str:
        return self.answers["time_zone"]

    def in_quiet_hours(self, at: datetime) -> bool:
        """Inside the quiet hours the member set (on their own clock)."""
        return self.quiet is not None and Truth(self.truth.zone, (
            local_time(self.quiet[0]), local_time(self.quiet[1]))).asleep(at)


def population(n: int, seed: int, start: datetime, days: int) -> list[Person]:
    """``n`` members and their plans for ``days`` days from ``start``; the same for the same
    seed (each member draws from a generator of their own, so adding members changes nobody)."""
    candidates = synthetic_members(n, seed)
    return [_person(i, c, random.Random(f"{seed}:{i}"), start, days) for i, c in enumerate(candidates)]


def _person(i: int, c, rng: random.Random, start: datetime, days: int) -> Person:
    behaviour = _pick(rng, [(name, b.share) for name, b in BEHAVIOURS.items()])
    zone = ZoneInfo(c.time_zone)
    evening = rng.random() < EVENING_WORKERS
    work_start = 13.0 + rng.random() if evening else _pick(rng, [(8.0, .15), (8.5, .2), (9.0, .35),
                                                                 (9.5, .15), (10.0, .15)])
    work = (work_start, work_start + (8.0 if evening else 8.5))
    quiet = None
    if rng.random() < SETS_QUIET_HOURS:
        quiet = (rng.choice(("23:30", "00:00")), "09:00") if evening else \
            (_pick(rng, QUIET_STARTS), _pick(rng, QUIET_ENDS))
    sleep = quiet or (("01:00", "09:00") if evening else ("23:30", "07:00"))
    truth = Truth(zone, (local_time(sleep[0]), local_time(sleep[1])))
    person = Person(
        index=i, email=f"member{i:05d}@bench.example", name=c.display_name, language=c.language,
        behaviour=behaviour, answers={}, quiet=quiet,
        breaks_quiet_for_setbacks=rng.random() < BREAKS_QUIET_FOR_SETBACKS,
        push=rng.random() < HAS_PUSH, truth=truth)
    told_focus = _away(person, rng, start, work) if behaviour == "away" else None
    person.answers = {
        "sector": c.sector, "skills": rng.sample(SKILLS, rng.choice((0, 0, 1, 2, 3, 4))),
        "city": c.city, "time_zone": c.time_zone, "languages": sorted(c.languages),
        "support": sorted(c.support), "commitment": c.commitment,
        "sector_preference": c.sector_preference, "fit": c.fit, "bond": c.bond,
        "traits": dict(c.traits), "buddy_capacity": c.capacity,
        "offers_support": rng.random() < OFFERS_SUPPORT[behaviour],
        "availability": {
            "quiet_hours": {"start": quiet[0], "end": quiet[1]} if quiet else None,
            "delivery": "digest" if rng.random() < DIGEST else "instant",
            # Away since before the week, and told the app so: focus until the return.
            "focus_until": told_focus.isoformat() if told_focus and told_focus > start else None},
    }
    uses_focus = rng.random() < USES_FOCUS
    for day in range(-1, days + 1):
        local = (start + timedelta(days=day)).astimezone(zone).date()
        opens = datetime.combine(local, time(), zone) + timedelta(hours=work[0])
        closes = datetime.combine(local, time(), zone) + timedelta(hours=work[1])
        workday = local.weekday() < 5
        if workday and uses_focus:
            _focus(person, rng, opens.astimezone(UTC), closes.astimezone(UTC))
        _moments(person, rng, opens.astimezone(UTC), closes.astimezone(UTC),
                 1.0 if workday else WEEKEND)
    person.truth.focus.sort()
    person.plan = sorted((p for p in person.plan if start <= p.at < start + timedelta(days=days)),
                         key=lambda p: p.at)
    return person


def _away(person: Person, rng: random.Random, start: datetime, work) -> datetime | None:
    """Two to five days away, leaving an evening and back a morning; told to the app (focus
    until the return: at midnight or at nine, as a date picker invites) or not. What was told,
    if it was."""
    zone = person.truth.zone
    leaves_on = (start + timedelta(days=rng.uniform(-2, 5))).astimezone(zone).date()
    back_on = leaves_on + timedelta(days=rng.randint(2, 5))
    leaves = datetime.combine(leaves_on, time(18), zone).astimezone(UTC)
    back = datetime.combine(back_on, time(int(work[0]), int(work[0] % 1 * 60)), zone).astimezone(UTC)
    person.truth.away.append((leaves, back))
    if rng.random() >= AWAY_TELLS_APP:
        return None
    until = datetime.combine(back_on, time(0) if rng.random() < 0.5 else time(9), zone).astimezone(UTC)
    if leaves >= start:
        person.plan.append(Planned(leaves, "focus", {"until": until}))
    return until


def _focus(person: Person, rng: random.Random, opens: datetime, closes: datetime) -> None:
    """Deep-focus sessions in a working day (none while away), some made longer near their end."""
    ends = opens
    for _ in range(_poisson(rng, FOCUS_PER_WORKDAY)):
        begins = opens + (closes - opens) * rng.random()
        if begins < ends + timedelta(minutes=15) or person.truth.is_away(begins):
            continue
        ends = begins + timedelta(minutes=rng.uniform(45, 150))
        person.plan.append(Planned(begins, "focus", {"until": ends}))
        if rng.random() < FOCUS_EXTENDED:
            longer = ends + timedelta(minutes=rng.uniform(30, 90))
            person.plan.append(Planned(ends - timedelta(minutes=10), "focus", {"until": longer}))
            ends = longer
        person.truth.focus.append((begins, ends))


def _moments(person: Person, rng: random.Random, opens: datetime, closes: datetime,
             scale: float) -> None:
    for family, rate in RATES.items():
        for _ in range(_poisson(rng, rate * scale * person.acts.logs)):
            at = opens + (closes - opens) * rng.random()
            if person.truth.is_away(at):
                continue
            kind = _pick(rng, KINDS[family])
            widen = kind == "urgent_advice" and rng.random() < WIDEN
            person.plan.append(Planned(at, "moment", {"kind": kind, "widen": widen,
                                                      "note": _note(rng, kind)}))


def _note(rng: random.Random, kind: str) -> str | None:
    if kind == "urgent_advice":
        if rng.random() < 0.7:
            return f"A client call in an hour and I need advice on {rng.choice(SKILLS)}."
        return "A client call in an hour and I do not know what to answer."
    return None if rng.random() < 0.5 else "Today, this happened."


def _pick(rng: random.Random, options):
    values, weights = zip(*options, strict=True)
    return rng.choices(values, weights)[0]


def _poisson(rng: random.Random, mean: float) -> int:
    count, total = 0, rng.expovariate(1.0)
    while total < mean:
        count, total = count + 1, total + rng.expovariate(1.0)
    return count


def family_of(kind: str) -> str:
    return next(family for family, kinds in KINDS.items() if kind in dict(kinds))
