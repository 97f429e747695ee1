"""What taking turns at the embedded store costs: store work as a service does it, on nx-27017.

Run: .venv/bin/python bench/store_turns.py [--seconds 8] [--green 8]

It starts an nx-27017 of its own (in a temporary directory), then for each workload runs one or
two worker processes against one database, as one or two replicas of a service would, each
monkey-patched by eventlet and running ``--green`` green threads for ``--seconds``:

- reads: ``find_one`` by ``_id`` among 1,000 documents;
- commits: ``store.in_transaction`` writing a document and staging an event in the outbox (what
  ``UnitOfWork.commit`` does for a typical use case);
- service: two green threads committing, one relaying the outbox (``outbox.Relay.drain`` with a
  publisher that keeps nothing, as the relay's green thread does; an operation is one event
  claimed, published and marked), the others reading.

Each workload runs three ways: ``turns`` (the default on nx-27017, STORE_ISOLATES=auto: a
transaction takes the database's turn and every other command waits for it); ``before`` (what
the platform did before turns: transactions one at a time within a process, nothing else
waiting; the gaps are open); ``none`` (STORE_ISOLATES=on: nothing waits; nx-27017 then fails
transactions that overlap, "no such savepoint"). It prints operations per second, p50 / p99 /
max latency of each kind of operation, and the operations that failed. The machine is shared: the ways take
turns, ``--rounds`` times, and the median round's rate is printed with the latencies of all
rounds pooled.
"""

import sys

if "--worker" in sys.argv:  # a service's process: eventlet first, as the services' __main__ do
    import warnings

    warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
    import eventlet

    eventlet.monkey_patch()

import argparse
import datetime
import json
import os
import platform
import random
import re
import statistics
import subprocess
import tempfile
import threading
import time
import uuid
from contextlib import nullcontext
from datetime import timedelta
from pathlib import Path

MODES = ("turns", "before", "none")
WORKLOADS = ("reads", "commits", "service")
SEEDED = 1000


def worker(uri: str, database: str, workload: str, mode: str, green: int, seconds: float) -> None:
    from workbuddy_contracts.events import make_event
    from workbuddy_platform import outbox
    from workbuddy_platform.store import client_for, in_transaction

    db = client_for(uri, isolates=None if mode == "turns" else True)[database]
    one_at_a_time = threading.RLock() if mode == "before" else None
    timings: dict[str, list[float]] = {"read": [], "commit": [], "relay": []}
    failures: dict[str, int] = {}

    def read():
        db.members.find_one({"_id": random.randrange(SEEDED)})

    def commit():
        event = make_event("moment.logged", {"moment_id": uuid.uuid4().hex, "member_id": "m-1",
                                             "kind": "client_won", "note": "n",
                                             "logged_at": datetime.datetime.now(datetime.UTC)},
                           producer="profiles", correlation_id="c-1")

        def work(session):
            db.moments.insert_one({"_id": event.payload["moment_id"]}, session=session)
            outbox.stage(db, event, session)

        with one_at_a_time or nullcontext():
            in_transaction(db, work)

    class Nowhere:
        def publish(self, message, trace_context=None):
            pass

    relay = outbox.Relay(db, Nowhere(), timedelta(seconds=30))

    def relay_once() -> bool:
        if relay.drain(limit=1):  # one event: claimed, published, marked
            return True
        time.sleep(0.01)  # nothing pending: the relay's timer, shortened
        return False

    kinds = {"reads": ["read"] * green, "commits": ["commit"] * green,
             "service": ["commit", "commit", "relay"] + ["read"] * max(green - 3, 1)}[workload]
    act = {"read": read, "commit": commit, "relay": relay_once}
    deadline = time.monotonic() + seconds

    def loop(kind: str):
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                if act[kind]() is False:
                    continue  # nothing done: not timed
            except Exception as exc:  # noqa: BLE001 - counted and printed
                said = re.sub(r"session_tx_\w+", "…", str(exc).split(", full error")[0])
                name = f"{kind}: {type(exc).__name__}: {said[:70]}"
                failures[name] = failures.get(name, 0) + 1
                continue
            timings[kind].append(time.perf_counter() - started)

    threads = [threading.Thread(target=loop, args=(kind,)) for kind in kinds]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(json.dumps({"timings": timings, "failures": failures}), flush=True)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else 0.0


def run(uri: str, workload: str, mode: str, processes: int, green: int, seconds: float) -> dict:
    from pymongo import MongoClient

    database = f"turns_{uuid.uuid4().hex[:8]}"
    client = MongoClient(uri)
    client[database].members.insert_many([{"_id": i, "name": f"m{i}"} for i in range(SEEDED)])
    client[database].outbox.create_index([("state", 1), ("created_at", 1)])
    workers = [subprocess.Popen([sys.executable, __file__, "--worker", uri, database, workload,
                                 mode, str(green), str(seconds)], stdout=subprocess.PIPE,
                                text=True) for _ in range(processes)]
    told = [json.loads(w.communicate(timeout=seconds + 120)[0].strip().splitlines()[-1])
            for w in workers]
    client.drop_database(database)
    client.close()
    merged: dict = {"timings": {}, "failures": {}}
    for one in told:
        for kind, values in one["timings"].items():
            merged["timings"].setdefault(kind, []).extend(values)
        for name, count in one["failures"].items():
            merged["failures"][name] = merged["failures"].get(name, 0) + count
    return merged


def report(workload: str, processes: int, mode: str, rounds: list[dict], seconds: float) -> None:
    kinds = {kind for one in rounds for kind, values in one["timings"].items() if values}
    for kind in sorted(kinds):
        rates = [len(one["timings"].get(kind, [])) / seconds for one in rounds]
        pooled = [v for one in rounds for v in one["timings"].get(kind, [])]
        failed = sum(n for one in rounds for name, n in one["failures"].items()
                     if name.startswith(kind))
        print(f"{workload:<8} {processes:>5} {mode:<6} {kind:<6} {statistics.median(rates):>7.0f} "
              f"{percentile(pooled, 50) * 1000:>7.1f} {percentile(pooled, 99) * 1000:>7.1f} "
              f"{max(pooled) * 1000:>7.1f}  {failed}", flush=True)
    failures: dict[str, int] = {}
    for one in rounds:
        for name, count in one["failures"].items():
            failures[name] = failures.get(name, 0) + count
    for name, count in failures.items():
        print(f"    {count} x {name}", flush=True)


def main() -> int:
    if "--worker" in sys.argv:
        _, _, uri, database, workload, mode, green, seconds = sys.argv
        worker(uri, database, workload, mode, int(green), float(seconds))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8, help="how long each run lasts")
    parser.add_argument("--green", type=int, default=8, help="green threads per process")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each way, interleaved")
    args = parser.parse_args()

    from system import free_port

    from workbuddy_devstack.processes import Supervisor
    from workbuddy_devstack.store import start_embedded

    stamp = datetime.datetime.now().astimezone().isoformat(timespec="minutes")
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"Work Buddy store turns benchmark; date {stamp}; {platform.platform()}; "
          f"os.cpu_count()={os.cpu_count()}; load average {load}", flush=True)
    print(f"{args.green} green threads per process, {args.seconds:g} s per run, {args.rounds} "
          "rounds", flush=True)
    with tempfile.TemporaryDirectory() as workdir:
        supervisor = Supervisor(Path(workdir) / "logs")
        try:
            uri = start_embedded(supervisor, Path(workdir) / "mongo", free_port())
            print(f"{'workload':<8} {'procs':>5} {'mode':<6} {'kind':<6} {'ops/s':>7} "
                  f"{'p50 ms':>7} {'p99 ms':>7} {'max ms':>7}  failed", flush=True)
            for workload in WORKLOADS:
                for processes in (1, 2):
                    rounds = {mode: [] for mode in MODES}
                    for _ in range(args.rounds):
                        for mode in MODES:
                            rounds[mode].append(run(uri, workload, mode, processes, args.green,
                                                    args.seconds))
                    for mode in MODES:
                        report(workload, processes, mode, rounds[mode], args.seconds)
        finally:
            supervisor.stop_all()
    return 0


if __name__ == "__main__":
    sys.exit(main())
