"""A simulated week of the support loop: members living seven days on a virtual clock, through
the services' own use cases and a real store.

Run: .venv/bin/python bench/support_loop.py [--members 1000] [--days 7] [--seed 1]

1,000 synthetic members (bench/synthetic.py's profiles, over some twenty time zones) with quiet
hours, focus sessions, capacities, offers of support and a behaviour each (responsive, slow,
quiet, away for days) sign up, answer the questions and are paired by a round two days before
the week (bench/week/community.py). Then, for ``--days`` days, they log wins, setbacks and
asks in their working hours, go into focus, sleep, go away, and answer what reaches them with
their behaviour's delays (bench/week/people.py, actors.py). Every step goes through profiles',
matching's and notifications' use cases with a unit of work over nx-27017 (started here as
the test suite starts it), the events carried between them in order as the broker would, and
the services' timers run on the same virtual clock; nothing sleeps. Mail and push are
doubles that note when each notification went out.

It prints the settings, what the week did, the figures (docs/performance.md says how each is
counted) and how long the run took: about 20 minutes at the defaults on 2 cores, nearly all of
it nx-27017 answering the services' queries (docs/performance.md says which); ``--members 250``
takes about 2 minutes. All randomness comes from ``--seed``; the services' own
ids are random, so two runs of one seed may differ by a few events.
"""

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
import warnings
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("EVENTLET_THREADPOOL_SIZE", "0")  # scoring runs in place, not in a thread
warnings.filterwarnings("ignore", message=".*Eventlet is deprecated.*")
warnings.filterwarnings("ignore", message="Zero threads in tpool.*")

from system import free_port  # noqa: E402
from week import figures, people, setbacks  # noqa: E402
from week.actors import Members  # noqa: E402
from week.bus import Bus  # noqa: E402
from week.community import form  # noqa: E402
from week.engine import Engine  # noqa: E402
from week.logs import quiet_logs  # noqa: E402
from week.senders import Record, recording_senders  # noqa: E402
from week.services import Clock, Services  # noqa: E402
from week.store import open_store  # noqa: E402
from week.timers import Timers  # noqa: E402

START = datetime(2026, 3, 2, tzinfo=UTC)  # a Monday; North America moves its clocks on the 8th


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--safety-minutes", type=int, default=60,
                        help="every timer also runs this often, whatever the events announced")
    parser.add_argument("--checkup-minutes", type=int, default=720,
                        help="the check-up's period (MATCHING_CHECKUP_EVERY_MINUTES; the service's "
                             "default is 60, but on nx-27017 one run over 1,000 buddyships takes "
                             "some 20 s: three queries per buddyship)")
    args = parser.parse_args()
    began = time.perf_counter()
    logged = quiet_logs()
    with tempfile.TemporaryDirectory(prefix="week-bench-") as workdir:
        store, supervisor = open_store(Path(workdir), free_port())
        try:
            return run(args, store, supervisor, logged, began)
        finally:
            supervisor.stop_all()


def run(args, store, supervisor, logged: Counter, began: float) -> int:
    start, end = START, START + timedelta(days=args.days)
    clock, bus = Clock(start), Bus()
    record, push_owners = Record(clock), {}
    services = Services(store, clock, bus, recording_senders(record, push_owners))
    engine = Engine(services)
    timers = Timers(engine, since=start, until=end, safety=timedelta(minutes=args.safety_minutes),
                    checkup=timedelta(minutes=args.checkup_minutes))
    journal = figures.Journal(bus)
    population = people.population(args.members, args.seed, start, args.days)
    members = Members(population, services, engine, args.seed)
    _settings(args, store, population, services)

    set_up = time.perf_counter()
    round_ = form(population, services, members, start - timedelta(days=2), start, push_owners)
    set_up = time.perf_counter() - set_up
    active = len(journal.of("buddyship.started"))
    say(f"\nThe community two days before the week: {round_['proposed']} pairs proposed by a round "
        f"and accepted, {round_['left_out']} members left out; {set_up:.0f} s to set up.")
    week_began, sent_before = time.perf_counter(), len(record.sent)
    members.start(start)
    timers.start(start)
    engine.run_until(end)
    week = time.perf_counter() - week_began
    _what_happened(journal, record, start, end, active, sent_before)
    _figures(journal, record.sent[sent_before:], members, population, start, end, args.days)
    _costs(engine, timers, services, bus, logged, set_up, week, began, supervisor)
    return 0


def _settings(args, store, population, services) -> None:
    zones = Counter(p.zone for p in population)
    behaviours = Counter(p.behaviour for p in population)
    m = services.settings["matching"]
    n = len(population)
    say("Work Buddy: a simulated week of the support loop")
    say(f"  run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, load average "
        f"{os.getloadavg()[0]:.1f}")
    say(f"  store: {store.name}")
    say(f"  seed {args.seed}, {n} members, {args.days} days from {START:%a %Y-%m-%d %H:%M} UTC")
    say(f"  {len(zones)} time zones: " + ", ".join(f"{z} {c}" for z, c in zones.most_common(6))
        + f", {sum(c for _, c in zones.most_common()[6:])} in {max(0, len(zones) - 6)} others")
    say("  behaviours: " + ", ".join(f"{b} {_pct(behaviours[b], n)}" for b in people.BEHAVIOURS)
        + f"; quiet hours set by {_pct(sum(p.quiet is not None for p in population), n)}, "
        f"setbacks may break them for {_pct(sum(p.breaks_quiet_for_setbacks for p in population), n)}; "
        f"push on for {_pct(sum(p.push for p in population), n)}; daily digest for "
        f"{_pct(sum(p.answers['availability']['delivery'] == 'digest' for p in population), n)}; "
        f"offer support {_pct(sum(p.answers['offers_support'] for p in population), n)}")
    say("  moments per member and working day: " + ", ".join(
        f"{family} {rate}" for family, rate in people.RATES.items())
        + f" (weekend days x{people.WEEKEND}; quiet members x{people.BEHAVIOURS['quiet'].logs}); "
        f"urgent asks are {_pct(dict(people.KINDS['ask'])['urgent_advice'], 1)} of asks, "
        f"{_pct(people.WIDEN, 1)} of them may go wider; {_pct(people.USES_FOCUS, 1)} use focus mode, "
        f"{people.FOCUS_PER_WORKDAY} sessions per working day ({_pct(people.FOCUS_EXTENDED, 1)} "
        "extended)")
    say(f"  matching: ASK_WIDEN_AFTER_MINUTES {m.ask_widen_after.total_seconds() / 60:.0f}, "
        f"ASK_HELPERS {m.ask_helpers}, ASK_OPEN_FOR_HOURS {m.ask_open_for.total_seconds() / 3600:.0f}, "
        f"MATCHING_ROUND_EVERY_HOURS {m.round_every.total_seconds() / 3600:.0f}, check-up every "
        f"{args.checkup_minutes} min (the service's default: 60); timers at the ticks where the "
        f"events announce work, and every {args.safety_minutes} min in any case")


def _what_happened(journal, record, start, end, active, sent_before) -> None:
    week = [e for e in journal.events if start <= e.occurred_at < end]
    kinds = Counter(e.type for e in week)
    families = Counter(people.family_of(e.payload["kind"]) for e in week if e.type == "moment.logged")
    origins = Counter(e.payload["origin"] for e in week if e.type == "buddyship.proposed")
    started = Counter(e.payload["origin"] for e in week if e.type == "buddyship.started")
    sent = record.sent[sent_before:]
    channels = Counter(s.channel for s in sent)
    say(f"\nThe week: {active} buddyships active at its start.")
    say(f"  moments logged {kinds['moment.logged']} (" + ", ".join(
        f"{f} {c}" for f, c in families.most_common()) + f"); reactions {kinds['moment.reacted']}, "
        f"messages {kinds['message.sent']}, conversations read {kinds['conversation.read']}")
    say("  proposals " + ", ".join(f"{o} {c}" for o, c in origins.most_common())
        + "; buddyships started " + ", ".join(f"{o} {c}" for o, c in started.most_common())
        + f"; ended {kinds['buddyship.ended']}, expired {kinds['buddyship.expired']}, "
        f"declined {kinds['buddyship.declined']}")
    say(f"  notifications sent: {channels['email']} mails ({sum(s.kind == 'digest' for s in sent)} "
        f"digests), {channels['push']} pushes; {record.rings} rings of open apps")


def _figures(journal, sent, members, population, start, end, days) -> None:
    by_id = {p.member_id: p for p in population}
    say("\nFigures")
    s = setbacks.reach(journal, sent, by_id, members.focus_told, start, end)
    say(f"  setbacks reaching an available human (a buddy told while there, or a support buddy "
        f"accepted), of {s['setbacks']}:")
    say(f"    within 60 s: {s['within_60s']} ({_pct(s['within_60s'], s['setbacks'])}); within 15 min: "
        f"{s['within_15min']} ({_pct(s['within_15min'], s['setbacks'])}); at all in the week: "
        f"{s['ever']} ({_pct(s['ever'], s['setbacks'])})")
    for why, count in s["why_not"].most_common():
        say(f"      not within 15 min: {count:4d}  {why}")
    say(f"    answered by a human (a reaction, a message about it, or the support buddy accepted): "
        f"within 15 min {_pct(s['answered_15min'], s['setbacks'])}, within 60 min "
        f"{_pct(s['answered_60min'], s['setbacks'])}")
    a = figures.asks(journal, start, end)
    for group, found in sorted(a["groups"].items()):
        say(f"  urgent asks answered by a human ({group}, {found['asks']} asks): within 15 min "
            f"{_pct(found['within_15'], found['asks'])}, 30 min {_pct(found['within_30'], found['asks'])}, "
            f"60 min {_pct(found['within_60'], found['asks'])}")
    say("    asks gone wider: " + ", ".join(f"{k} {v}" for k, v in a["outcomes"].most_common()))
    wrong, examples = figures.outside_permission(journal, sent, by_id, members.focus_told, start, end)
    say(f"  notifications inside quiet hours or focus without permission: {sum(wrong.values())}"
        + ("" if not wrong else " (" + ", ".join(f"{w} / {k}: {c}" for (w, k), c in wrong.most_common())
           + ")"))
    for where, sent_one, person in examples:
        local = sent_one.at.astimezone(person.truth.zone)
        say(f"    e.g. a {sent_one.channel} ({sent_one.kind}) at {local:%a %H:%M} {person.zone} to a "
            f"member in {where} (quiet hours {person.quiet}, focus told "
            f"{[f'{u:%a %H:%M}' for t, u in members.focus_told[person.member_id] if t <= sent_one.at][-2:]}"
            f" UTC)")
    daily = figures.per_member_day(sent, list(by_id), start, days)
    say(f"  notifications per member per day (mail + push, {len(daily)} member-days): "
        f"p50 {figures.percentile(daily, 0.5):.0f}, p99 {figures.percentile(daily, 0.99):.0f}, "
        f"max {max(daily, default=0)}; mean {statistics.fmean(daily):.2f}")
    member, day, kinds = figures.busiest(sent, start)
    say(f"    the busiest, day {day + 1} of a member with "
        f"{sum(1 for e in journal.of('buddyship.started') if member in e.payload['member_ids'])} "
        f"buddyships: " + ", ".join(f"{k} by {c} {n}" for (k, c), n in kinds.most_common()))
    load = figures.support_load(journal, start, end)
    say(f"  support load: {load['proposed']} support buddies proposed, {load['started']} accepted, "
        f"carried by {load['supporters']} supporters; most carried by one supporter "
        f"{load['most_carried']} (most proposed to one: {load['most_proposed']})")
    q = figures.quiet_to_new_buddy(journal, members.quiet_choices, start, end)
    waits = sorted(w.total_seconds() / 3600 for w in q["waits"])
    say(f"  buddy flagged quiet -> new buddy proposed: {q['flags']} flags; "
        + (f"proposed for {len(waits)}, after p50 {statistics.median(waits):.1f} h, max "
           f"{waits[-1]:.1f} h; " if waits else "")
        + f"not proposed: {sum(q['not_proposed'].values())}" + "".join(
            f"\n      not proposed: {n:4d}  {why}" for why, n in q["not_proposed"].most_common()))


def _costs(engine, timers, services, bus, logged, set_up, week, began, supervisor) -> None:
    say(f"\nRun time: {time.perf_counter() - began:.0f} s in all (set-up {set_up:.0f} s, the week "
        f"{week:.0f} s; store process CPU {_cpu_seconds(supervisor):.0f} s)")
    say("  the week's real time by action: " + ", ".join(
        f"{label} {seconds:.0f} s ({engine.done[label]})" for label, seconds in engine.spent.most_common(8)))
    say("  timer runs every " + f"{timers.safety.total_seconds() / 60:.0f} min that found work no event "
        "announced: " + (", ".join(f"{t} {n}" for t, n in timers.unannounced.most_common()) or "none")
        + "".join(f"\n    {example}" for example in timers.unannounced_examples))
    say(f"  handler and timer failures: {len(bus.failures)}"
        + "".join(f"\n    {name}: {trace.strip().splitlines()[-1]}" for name, trace in bus.failures[:5]))
    say("  refusals (as a member would read a 4xx): " + ("".join(
        f"\n    {n} x {use_case} {kind}: {words}"
        for (use_case, kind, words), n in services.refusals.most_common()) or "none"))
    say("  warnings and errors the services logged: " + (", ".join(
        f"{event} {n}" for event, n in logged.most_common()) or "none"))


def _cpu_seconds(supervisor) -> float:
    child = supervisor.children.get("mongo")
    try:
        fields = Path(f"/proc/{child.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (AttributeError, OSError):
        return float("nan")


def _pct(part: float, whole: float) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "n/a"


def say(text: str = "") -> None:
    print(text, flush=True)


if __name__ == "__main__":
    sys.exit(main())
