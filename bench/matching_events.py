"""Matching's event paths against a large pool: a slot filled after an event, a support buddy
after a setback, suggestions for one member, and whether members registered last are proposed
as readily as those registered first.

Run: .venv/bin/python bench/matching_events.py [--members 100000] [--quick]

An embedded store (nx-27017) of the benchmark's own holds ``--members`` pool documents made from
``synthetic.synthetic_members`` (registered one minute apart, m0000000 first), 60 % of them in
one active buddyship (so members of capacity 1 are full), inserted in bulk (not timed). The use
cases run as matching runs them (its unit of work over the real store, transactions included),
on a clock standing at a Tuesday 10:00 UTC. All times are wall clock (time.perf_counter).
"""

import argparse
import datetime as dt
import logging
import os
import platform
import random
import resource
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import structlog
from pymongo import monitoring
from synthetic import synthetic_members

from workbuddy_contracts.profile import default_profile
from workbuddy_contracts.vocabulary import SETBACKS
from workbuddy_devstack.processes import Supervisor
from workbuddy_devstack.store import start_embedded
from workbuddy_matching.adapters import shortlist
from workbuddy_matching.adapters.repository import create_indexes
from workbuddy_matching.domain import asks as ask_rules
from workbuddy_matching.domain import buddyship, introductions, ranking, reachability, supporters
from workbuddy_matching.domain.pair_scores import Scorer
from workbuddy_matching.unit_of_work import MatchingUnitOfWork
from workbuddy_matching.use_cases import asks as ask_cases
from workbuddy_matching.use_cases import members as member_events
from workbuddy_matching.use_cases import slots
from workbuddy_platform.store import client_for
from workbuddy_platform.unit_of_work import OutboxWriter

NOW = dt.datetime(2026, 12, 8, 10, 0, tzinfo=dt.UTC)  # a Tuesday, 10:00 UTC
WIDEN_AFTER = dt.timedelta(minutes=15)
PAIRED = 0.6  # share of members in one active buddyship
OFFERS_SUPPORT = 0.1
QUIET_HOURS = 0.3  # share with quiet hours 22:00-07:00 in their own time zone
LIVED = 0.3  # share who logged a setback before
TARGETS_MS = {"fill": 200, "support": 500, "suggestions": 300}
HELPERS = 3  # helpers an urgent ask goes to (the service's default)
BEFORE_SCAN = 5000  # what suggestions and rematches scored until now: the pool's first documents


class _Commands(monitoring.CommandListener):
    """Store commands sent by this process (heartbeats are not commands)."""

    def __init__(self):
        self.count = 0

    def started(self, event):
        self.count += 1

    def succeeded(self, event):
        pass

    def failed(self, event):
        pass


COMMANDS = _Commands()
monitoring.register(COMMANDS)


def say(text: str = "") -> None:
    print(text, flush=True)


def stats(times: list[float]) -> str:
    return (f"p50 {statistics.median(times):.0f} ms, p95 {np.percentile(times, 95):.0f} ms, "
            f"max {max(times):.0f} ms ({len(times)} samples)")


def p95(times: list[float]) -> float:
    return float(np.percentile(times, 95))


# What supporters say they can help with (profile "skills"), a few each; urgent asks' notes
# name one of them half the time.
SKILLS = ("seo", "copywriting", "pricing", "contracts", "invoicing", "react", "python", "figma",
          "branding", "photography", "public speaking", "social media", "accounting", "negotiation",
          "ux research", "video editing", "wordpress", "data analysis", "recruiting", "coaching")


def pool_docs(n: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    skill_rng = random.Random(seed + 2)
    docs = []
    stamp = time.time()
    for i, m in enumerate(synthetic_members(n, seed=seed)):
        quiet = {"start": "22:00", "end": "07:00"} if rng.random() < QUIET_HOURS else None
        profile = default_profile(m.language) | {
            "sector": m.sector, "city": m.city, "time_zone": m.time_zone,
            "languages": sorted(m.languages), "support": sorted(m.support),
            "commitment": m.commitment, "sector_preference": m.sector_preference, "fit": m.fit,
            "bond": m.bond, "traits": dict(m.traits), "buddy_capacity": m.capacity,
            "offers_support": rng.random() < OFFERS_SUPPORT,
            "availability": {"focus_until": None, "quiet_hours": quiet, "delivery": "instant"}}
        if profile["offers_support"]:
            profile["skills"] = skill_rng.sample(SKILLS, skill_rng.randint(0, 3))
        docs.append({
            "_id": m.member_id, "_rev": 1, "display_name": m.display_name, "language": m.language,
            "registered_at": NOW - dt.timedelta(days=400) + dt.timedelta(minutes=i),
            "email_verified": True, "invited_by": None, "revision": 1, "profile": profile,
            "profile_updated_at": NOW - dt.timedelta(days=30),
            "last_active_at": NOW - dt.timedelta(hours=rng.uniform(0, 120)),
            "responsiveness": m.responsiveness, "reaction_minutes": m.reaction_minutes,
            "setbacks": sorted(rng.sample(SETBACKS, rng.randint(1, 2))) if rng.random() < LIVED
            else [], "changed": stamp})
    return docs


def buddyships_of(ids: list[str], seed: int) -> list[dict]:
    rng = random.Random(seed + 1)
    chosen = rng.sample(ids, int(PAIRED * len(ids)) // 2 * 2)
    made = []
    for a, b in zip(chosen[::2], chosen[1::2], strict=True):
        proposal = buddyship.propose(a, b, NOW - dt.timedelta(days=20), origin="round").buddyship
        made.append(proposal | {"state": buddyship.ACTIVE, "accepted_by": [a, b],
                                "started_at": NOW - dt.timedelta(days=19)})
    return made


def load(db, docs: list[dict], pairs: list[dict]) -> None:
    chunk = 5000
    for start in range(0, len(docs), chunk):
        db.pool.insert_many(docs[start:start + chunk], ordered=False)
    open_pairs = [{"_id": b["pair"], "buddyship_id": b["_id"], "support": False} for b in pairs]
    taken = [{"_id": f"{m}:0", "member_id": m, "n": 0, "buddyship_id": b["_id"]}
             for b in pairs for m in (b["proposer_id"], b["invitee_id"])]
    for collection, rows in ((db.buddyships, pairs), (db.open_pairs, open_pairs), (db.slots, taken)):
        for start in range(0, len(rows), chunk):
            collection.insert_many(rows[start:start + chunk], ordered=False)


def uow_of(db) -> MatchingUnitOfWork:
    return MatchingUnitOfWork(db, outbox=OutboxWriter(db, "matching", None), clock=lambda: NOW)


def timed_ms(fn):
    start = time.perf_counter()
    result = fn()
    return (time.perf_counter() - start) * 1000, result


def run(args: argparse.Namespace) -> int:
    n = args.members
    say(f"# matching_events.py  {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC  {platform.platform()}  "
        f"cpus={os.cpu_count()}  python {sys.version.split()[0]}  numpy {np.__version__}  "
        f"load average {os.getloadavg()[0]:.1f} (the machine is shared)")
    say(f"method: nx-27017 of its own; {n:,} synthetic members (bench/synthetic.py, seed 1), "
        f"registered a minute apart (m0000000 first); {PAIRED:.0%} in one active buddyship; "
        f"{OFFERS_SUPPORT:.0%} offer support; {QUIET_HOURS:.0%} have quiet hours 22:00-07:00; "
        f"{LIVED:.0%} lived a setback; clock at {NOW:%A %H:%M} UTC; use cases through matching's "
        f"own unit of work over the store (transactions and outbox included)")
    workdir = Path(tempfile.mkdtemp(prefix="matching-events-"))
    supervisor = Supervisor(workdir / "logs")
    try:
        uri = start_embedded(supervisor, workdir / "mongo", args.port or _free_port())
        db = client_for(uri)["matching_events"]
        create_indexes(db)
        made_s = time.perf_counter()
        docs = pool_docs(n, seed=1)
        pairs = buddyships_of([d["_id"] for d in docs], seed=1)
        made_s = time.perf_counter() - made_s
        load_s = time.perf_counter()
        load(db, docs, pairs)
        load_s = time.perf_counter() - load_s
        say(f"setup (not timed in the figures): members made in {made_s:.1f} s, {n:,} pool documents "
            f"and {len(pairs):,} buddyships inserted in {load_s:.1f} s")
        return measure(db, docs, pairs, args)
    finally:
        supervisor.stop_all()
        shutil.rmtree(workdir, ignore_errors=True)


def _free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def measure(db, docs: list[dict], pairs: list[dict], args: argparse.Namespace) -> int:
    n = len(docs)
    rng = random.Random(7)
    first, last = set(d["_id"] for d in docs[:n // 10]), set(d["_id"] for d in docs[-(n // 10):])
    paired = {m for b in pairs for m in (b["proposer_id"], b["invitee_id"])}
    capacity = {d["_id"]: d["profile"]["buddy_capacity"] for d in docs}
    with_room = [m for m in capacity if capacity[m] > (m in paired)]
    alone = [d["_id"] for d in docs if d["_id"] not in paired]
    verdicts = []

    warm_ms, size = timed_ms(lambda: shortlist.size(uow_of(db)))
    say(f"\nfirst use in a process (read the pool, fit and embed it; once per process, then "
        f"refreshed from what changed): {warm_ms / 1000:.1f} s for {size:,} members")

    # --- suggestions ---------------------------------------------------------------------
    # Members with room: one without gets no suggestion at all (and it takes one query to say).
    served = rng.sample(with_room, args.samples)
    times, suggested = [], []
    for member_id in served:
        ms, found = timed_ms(lambda member_id=member_id: slots.suggestions_for(
            uow_of(db), member_id=member_id, limit=10))
        times.append(ms)
        suggested.append([s["member_id"] for s in found["items"]])
    ok = p95(times) <= TARGETS_MS["suggestions"]
    verdicts.append(ok)
    say(f"\n1. suggestions for one member with room (top 10; slots.suggestions_for): {stats(times)}   "
        f"target p95 <= {TARGETS_MS['suggestions']} ms   {'PASS' if ok else 'MISS'}")
    before_times, before_found = [], []
    for member_id in served[:args.before]:
        ms, found = timed_ms(lambda member_id=member_id: _suggestions_before(uow_of(db), member_id))
        before_times.append(ms)
        before_found.append(found)
    say(f"   before (the pool's first {BEFORE_SCAN:,} documents, every open pair read): "
        f"{stats(before_times)}")
    quality = _against_exact(db, docs, pairs, served[:args.exact], suggested[:args.exact])
    say(f"   against the exact best of all {n:,} members the hard rules allow (with room, not "
        f"already paired), {args.exact} of them: the first suggestion is the exact best in "
        f"{quality['hits']}/{args.exact}, scores {quality['mean_ratio']:.2%} of it on average "
        f"(worst {quality['worst_ratio']:.2%}); the top 10 hold {quality['recall']:.0%} of the "
        f"exact top 10")
    before_quality = _against_exact(db, docs, pairs, served[:args.before], before_found)
    say(f"   before, the same for {args.before}: exact best first in {before_quality['hits']}/"
        f"{args.before}, {before_quality['mean_ratio']:.2%} of it on average (worst "
        f"{before_quality['worst_ratio']:.2%})")

    # --- fairness -----------------------------------------------------------------------
    flat = [m for found in suggested for m in found]
    exact_flat = [m for found in quality["exact_top"] for m in found]
    before_flat = [m for found in before_found for m in found]
    say("\n2. fairness: of the members suggested, the share registered in the first tenth "
        "(m0000000 on) and in the last tenth (about 10 % each if registration order does not "
        "matter)")
    for name, found in (("now", flat), ("exact best", exact_flat), ("before", before_flat)):
        say(f"   {name:<10} {_share(found, first):6.1%} first tenth, {_share(found, last):6.1%} "
            f"last tenth ({len(found)} suggestions)")
    fair = abs(_share(flat, last) - _share(flat, first)) <= 0.05 and _share(flat, last) > 0.03
    verdicts.append(fair)

    # --- a slot filled after an event -----------------------------------------------------
    fill_ids = rng.sample(with_room, args.samples)
    times, proposed_to, commands = [], [], 0
    for i, member_id in enumerate(fill_ids):
        moment = {"moment_id": f"win-{i}", "member_id": member_id, "kind": "client_won",
                  "note": None, "logged_at": NOW}

        def event_then_fill(moment=moment):
            uow = uow_of(db)
            member_events.moment_logged(uow, moment=moment, automatic=True, widen_after=WIDEN_AFTER)
            slots.fill_wanted(uow)

        before = {b["_id"] for b in db.buddyships.find({"proposer_id": member_id}, {"_id": 1})}
        counted = COMMANDS.count
        ms, _ = timed_ms(event_then_fill)
        commands += COMMANDS.count - counted
        times.append(ms)
        proposed_to += [b["invitee_id"] for b in db.buddyships.find({"proposer_id": member_id})
                        if b["_id"] not in before]
    ok = p95(times) <= TARGETS_MS["fill"]
    verdicts.append(ok)
    say(f"\n3. a slot filled after an event (moment.logged of a win -> slots wanted -> "
        f"fill_wanted proposes, committed): {stats(times)}   target p95 <= "
        f"{TARGETS_MS['fill']} ms   {'PASS' if ok else 'MISS'}")
    say(f"   proposals made: {len(proposed_to)} for {len(fill_ids)} members; of those proposed, "
        f"{_share(proposed_to, first):.1%} registered in the first tenth, "
        f"{_share(proposed_to, last):.1%} in the last; {commands / len(fill_ids):.1f} store commands "
        f"per member served (event and fill)")

    # --- a support buddy after a setback ---------------------------------------------------
    setback_ids = rng.sample(alone, args.samples)
    times, chosen, ranks = [], [], []
    for i, member_id in enumerate(setback_ids):
        moment = {"moment_id": f"setback-{i}", "member_id": member_id, "kind": "client_lost",
                  "note": None, "logged_at": NOW}
        exact = _exact_supporter(db, member_id, "client_lost") if i < args.exact else None
        ms, _ = timed_ms(lambda moment=moment: member_events.moment_logged(
            uow_of(db), moment=moment, automatic=True, widen_after=WIDEN_AFTER))
        times.append(ms)
        made = db.buddyships.find_one({"for_moment": moment["moment_id"]})
        chosen.append(made and made["invitee_id"])
        if exact is not None:
            ranks.append((made and made["invitee_id"], exact))
    ok = p95(times) <= TARGETS_MS["support"]
    verdicts.append(ok)
    found = sum(1 for c in chosen if c)
    say(f"\n4. a support buddy after a setback (moment.logged of client_lost, nobody's buddy "
        f"before; the proposal committed): {stats(times)}   target p95 <= "
        f"{TARGETS_MS['support']} ms   {'PASS' if ok else 'MISS'}")
    say(f"   a supporter was proposed for {found}/{len(chosen)}; of them "
        f"{_share([c for c in chosen if c], first):.1%} registered in the first tenth, "
        f"{_share([c for c in chosen if c], last):.1%} in the last")
    same = sum(1 for got, (best, _) in ranks if got == best)
    ratio = [got_rank / best_rank for got, (best, (best_rank, rank_of)) in ranks
             if got and (got_rank := rank_of.get(got)) is not None and best_rank > 0]
    say(f"   against the exact choice over every supporter (supporters.choose on all who offered "
        f"and can be reached), {len(ranks)} of them: the same supporter in {same}/{len(ranks)}, "
        f"rank {np.mean(ratio) if ratio else float('nan'):.2%} of the best on average "
        f"(worst {min(ratio) if ratio else float('nan'):.2%})")

    verdicts.append(_helpers(db, docs, alone, rng, args))
    _during_refit(db, with_room, rng, args)

    say(f"\nload average at the end {os.getloadavg()[0]:.1f}")
    say(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB (this "
        f"process; the store is another)")
    say(f"summary: {'PASS' if all(verdicts) else 'MISS'} (suggestions, fairness, slot filled, "
        f"support buddy, helpers: {', '.join('PASS' if v else 'MISS' for v in verdicts)})")
    return 0


def _helpers(db, docs: list[dict], alone: list[str], rng: random.Random,
             args: argparse.Namespace) -> bool:
    """Helpers for an urgent ask nobody answered in time (asks._helpers_for), against the
    choice over every supporter (what it did until now)."""
    asking = rng.sample(alone, args.samples)
    notes = [f"a client asks me about {rng.choice(SKILLS)}, any advice?" if rng.random() < 0.5
             else "a client wants a discount, any advice?" for _ in asking]
    times, same, with_skill = [], 0, 0
    for i, (member_id, note) in enumerate(zip(asking, notes, strict=True)):
        the_ask = {"_id": f"ask-{i}", "asker_id": member_id, "note": note}
        ms, chosen = timed_ms(lambda the_ask=the_ask: ask_cases._helpers_for(uow_of(db), the_ask, HELPERS))
        times.append(ms)
        with_skill += any(named for _, named in chosen)
        if i < args.exact:
            exact = _every_supporter_helpers(db, the_ask)
            same += [c.member_id for c, _ in chosen] == exact
    ok = p95(times) <= TARGETS_MS["support"]
    say(f"\n5. helpers for an urgent ask nobody answered in time (asks._helpers_for, {HELPERS} "
        f"helpers; half the notes name a skill some supporters gave): {stats(times)}   target p95 "
        f"<= {TARGETS_MS['support']} ms (as a support buddy)   {'PASS' if ok else 'MISS'}")
    say(f"   against the choice over every supporter (as until now), {min(args.exact, len(asking))} "
        f"of them: the same {HELPERS} helpers in the same order in {same}/"
        f"{min(args.exact, len(asking))}; {with_skill}/{len(asking)} asks went to a helper with a "
        f"skill the note names")
    before = [timed_ms(lambda a=a: _every_supporter_helpers(
        db, {"asker_id": a, "note": "a client wants a discount on seo"}))[0] for a in asking[:args.before]]
    say(f"   before (every supporter read and ranked): {stats(before)}")
    return ok


def _every_supporter_helpers(db, the_ask: dict) -> list[str]:
    uow = uow_of(db)
    now, asker_id = uow.now(), the_ask["asker_id"]
    offering = [doc for doc in reachability.not_paused(uow.pool.offering_support(), now)
                if doc["_id"] != asker_id and reachability.unreachable_because(doc, now) is None]
    busy = uow.asks.helping_now([doc["_id"] for doc in offering])
    willing = [ask_rules.Helper(introductions.candidate_of(doc, now),
                                tuple((doc.get("profile") or {}).get("skills") or ()))
               for doc in offering if doc["_id"] not in busy]
    excluded = set().union(*slots.pairs_not_to_propose(uow, asker_id, now).values())
    chosen = ask_rules.choose_helpers(introductions.candidate_of(uow.pool.member(asker_id), now),
                                      the_ask.get("note"), willing, excluded=excluded, count=HELPERS)
    return [c.member_id for c, _ in chosen]


def _during_refit(db, with_room: list[str], rng: random.Random, args: argparse.Namespace) -> None:
    """Suggestions asked while the daily refit reads the pool and fits it again (in a thread, as
    the service's timer does in a green thread of its own). eventlet's tpool serves the green
    threads of one thread: here, with two threads, the CPU work runs in each thread directly."""
    import types

    direct = types.SimpleNamespace(execute=lambda fn, *args, **kwargs: fn(*args, **kwargs))
    kept = shortlist.tpool, slots.tpool
    shortlist.tpool = slots.tpool = direct
    try:
        _search_while_refitting(db, with_room, rng, args)
    finally:
        shortlist.tpool, slots.tpool = kept


def _search_while_refitting(db, with_room: list[str], rng: random.Random,
                            args: argparse.Namespace) -> None:
    index = shortlist._index_of(db)
    index.fitted_at -= shortlist.REFIT_AFTER + 1
    refit = threading.Thread(target=lambda: shortlist.size(uow_of(db)))
    started = time.perf_counter()
    refit.start()
    times = []
    while refit.is_alive() and len(times) < args.samples:
        member_id = rng.choice(with_room)
        ms, _ = timed_ms(lambda member_id=member_id: slots.suggestions_for(
            uow_of(db), member_id=member_id, limit=10))
        times.append(ms)
    refit.join()
    took = time.perf_counter() - started
    say(f"\n6. suggestions asked during the daily refit ({took:.1f} s to read the pool and fit it "
        f"again, aside): {stats(times) if times else 'none asked'}; until now each waited for the "
        f"refit to end")


def _share(found: list[str], among: set[str]) -> float:
    return sum(1 for m in found if m in among) / len(found) if found else 0.0


def _suggestions_before(uow: MatchingUnitOfWork, member_id: str) -> list[str]:
    """What suggestions did until now: the pool's first documents, and every open pair read."""
    mine = uow.pool.member(member_id)
    pool = [doc for doc in uow.pool.sample(BEFORE_SCAN, mine)
            if doc["_id"] == member_id or reachability.paused_until(doc, uow.now()) is None]
    taken = uow.buddyships.slots_taken()
    open_slots = {m["_id"]: m["profile"]["buddy_capacity"] - taken.get(m["_id"], 0) for m in pool}
    now = uow.now()
    me = introductions.candidate_of(mine, now)
    found = ranking.suggest(me, [introductions.candidate_of(doc, now) for doc in pool],
                            open_slots=open_slots, limit=10,
                            **slots.pairs_not_to_propose(uow, member_id, now))
    return [other.member_id for other, _ in found]


_TABLE: dict = {}


def _table(db, docs: list[dict]):
    if "scorer" not in _TABLE:
        members = [introductions.candidate_of(doc, NOW) for doc in docs]
        _TABLE.update(scorer=Scorer(members), members=members,
                      index={m.member_id: i for i, m in enumerate(members)})
    return _TABLE["scorer"], _TABLE["members"], _TABLE["index"]


def _against_exact(db, docs, pairs, served: list[str], found: list[list[str]]) -> dict:
    """Each served member's exact scores against every member with room the hard rules allow."""
    scorer, members, index = _table(db, docs)
    uow = uow_of(db)
    taken = uow.buddyships.slots_taken()
    room = np.array([m.capacity - taken.get(m.member_id, 0) > 0 for m in members])
    hits, ratios, recall, exact_top = 0, [], [], []
    for member_id, got in zip(served, found, strict=True):
        i = index[member_id]
        others = np.arange(len(members))
        allowed = scorer.allowed(np.full(len(others), i), others) & room
        for other in slots.pairs_not_to_propose(uow, member_id, NOW)["already"]:
            allowed[index[other]] = False
        others = others[allowed]
        scores = scorer.score(np.full(len(others), i), others)
        best = scores.max()
        top = others[np.argsort(-scores, kind="stable")[:10]]
        exact_top.append([members[j].member_id for j in top.tolist()])
        if not got:
            ratios.append(0.0)
            continue
        first = scorer.score(np.array([i]), np.array([index[got[0]]]))[0]
        hits += first >= best - 1e-12
        ratios.append(first / best)
        tenth = np.sort(scores)[-10] if len(scores) >= 10 else scores.min()
        got_scores = scorer.score(np.full(len(got), i), np.array([index[g] for g in got]))
        recall.append(min(1.0, float((got_scores >= tenth - 1e-12).sum()) / 10))
    return {"hits": hits, "mean_ratio": float(np.mean(ratios)), "worst_ratio": float(min(ratios)),
            "recall": float(np.mean(recall)) if recall else 0.0, "exact_top": exact_top}


def _exact_supporter(db, member_id: str, setback: str):
    """The choice over every supporter (what support.py did until now), before the event."""
    uow = uow_of(db)
    now = uow.now()
    offering = [doc for doc in reachability.not_paused(uow.pool.offering_support(), now)
                if doc["_id"] != member_id]
    busy = uow.buddyships.supporting_now([doc["_id"] for doc in offering])
    willing = [supporters.Supporter(introductions.candidate_of(doc, now),
                                    frozenset(doc.get("setbacks", [])))
               for doc in offering if doc["_id"] not in busy
               and reachability.unreachable_because(doc, now) is None]
    me = introductions.candidate_of(uow.pool.member(member_id), now)
    excluded = set().union(*slots.pairs_not_to_propose(uow, member_id, now).values())
    choice = supporters.choose(me, setback, willing, excluded=excluded)
    if choice is None:
        return None, (0.0, {})
    # Each willing supporter's rank, to compare the one proposed with the best.
    rank_of = {}
    for s in willing:
        lived = setback in s.setbacks_lived
        bonus = supporters.LIVED_SAME if lived else supporters.LIVED_OTHER if s.setbacks_lived else 0.0
        rank_of[s.candidate.member_id] = supporters.score(me, s.candidate).score + bonus
    return choice.supporter.member_id, (choice.rank, rank_of)


def main() -> int:
    # The use cases log each proposal; the figures are what this prints.
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=100, help="members served per figure")
    parser.add_argument("--exact", type=int, default=20, help="of them, compared with the exact best")
    parser.add_argument("--before", type=int, default=10, help="of them, served as until now")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="10,000 members, 20 samples: NOT the targets")
    args = parser.parse_args()
    if args.quick:
        args.members, args.samples, args.exact, args.before = 10_000, 20, 5, 3
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
