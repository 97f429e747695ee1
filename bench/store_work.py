"""The store's share of a benchmark run: the commands each process sent, read from its /metrics,
and the embedded store's own ceiling, measured in the same run. Used by soak.py.

Counting: every MongoDB client a service or the gateway makes (store.client_for) counts each
command it sends in ``workbuddy_store_commands_total{database, command}`` (one per round trip;
the monitor's heartbeats are not commands). A snapshot reads every process's /metrics (a
service's ops port, the gateway master's GATEWAY_OPS_PORT, which adds up its workers); the
difference of two snapshots is what each process asked of the store in between.

Ceiling: one pymongo client, no listener, issuing one kind of command after the other as fast
as the store answers, each for a few seconds, in a database of its own on the same store (the
run's data beside it): inserts of a document shaped like a delivery into a collection indexed
like notifications' deliveries, finds by ``_id``, whole-document updates by ``_id`` (the
services change documents by replacing them, store.transition and store.merge), findAndModify
by ``_id``, deletes by ``_id``, and transactions of one insert (two commands: the insert and
the commit). From one thread (one command at a time: what the store answers in a row) and,
to see whether the store serves more when asked by several at once as the services do, from
a few threads sharing the client. A kind's rate is its commands divided by its wall-clock
time.
"""

import datetime
import os
import random
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass

import requests
from prometheus_client.parser import text_string_to_metric_families
from pymongo import ASCENDING, MongoClient
from pymongo.errors import PyMongoError

COUNTER = "workbuddy_store_commands_total"
TURNS = "workbuddy_store_turn_seconds_total"

# The kinds the ceiling measures; every other command of the mix is left out of the blend.
KINDS = ("insert", "find", "update", "findAndModify", "delete", "commitTransaction")

Counts = dict[tuple[str, str], float]  # (database, command) -> commands


@dataclass
class Snapshot:
    at: float  # time.monotonic() when the last process answered
    counts: dict[str, Counts | None]  # process -> its counts; None: /metrics did not answer
    cpu_s: dict[str, float]  # process (and "store") -> CPU time used so far, or nan
    # process -> seconds each database's turn was held and waited for, (database, part) -> s
    turns: dict[str, Counts | None]


def _stat(pid: int) -> list[str]:
    with open(f"/proc/{pid}/stat") as stat:
        # after the command's ")": state is field 3, ppid 4, utime 14, stime 15, cutime 16,
        # cstime 17 (proc(5)); index = field - 3
        return stat.read().rsplit(")", 1)[1].split()


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU time of a process so far, with its children's, live (gunicorn's
    workers) or waited for (Linux /proc); nan if it cannot be read."""
    try:
        fields = _stat(pid)
        ticks = sum(int(fields[i]) for i in (11, 12, 13, 14))
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    child = _stat(int(entry))
                except (OSError, IndexError):
                    continue  # gone meanwhile
                if child[1] == str(pid):
                    ticks += int(child[11]) + int(child[12])
    except (OSError, IndexError, TypeError):
        return float("nan")
    return ticks / os.sysconf("SC_CLK_TCK")


def read_counts(metrics_url: str) -> tuple[Counts | None, Counts | None]:
    """The process's commands by (database, command), and its turns' seconds by (database,
    held|waited); None when /metrics did not answer."""
    try:
        text = requests.get(metrics_url, timeout=10).text
    except requests.RequestException:
        return None, None
    samples = [s for family in text_string_to_metric_families(text) for s in family.samples]
    return ({(s.labels["database"], s.labels["command"]): s.value for s in samples if s.name == COUNTER},
            {(s.labels["database"], s.labels["part"]): s.value for s in samples if s.name == TURNS})


def snapshot(ops_urls: dict[str, str], pids: dict[str, int]) -> Snapshot:
    """Every process's counts, read one after the other a few milliseconds apart, and the CPU
    time of each process named in ``pids`` and of this one (the client and the SMTP server)."""
    read = {name: read_counts(f"{url}/metrics") for name, url in ops_urls.items()}
    cpu = {name: cpu_seconds(pid) for name, pid in pids.items()}
    cpu["benchmark"] = time.process_time()
    return Snapshot(time.monotonic(), {name: r[0] for name, r in read.items()}, cpu,
                    {name: r[1] for name, r in read.items()})


def grown(before: Snapshot, after: Snapshot, what: str = "counts") -> dict[str, Counts | None]:
    """What each process's counts (or ``what="turns"``, its turns' seconds) grew by."""
    found: dict[str, Counts | None] = {}
    for name, then in getattr(before, what).items():
        now = getattr(after, what).get(name)
        if then is None or now is None:
            found[name] = None
            continue
        found[name] = {key: value - then.get(key, 0) for key, value in now.items()
                       if value > then.get(key, 0)}
    return found


def by_command(counts: Counts) -> Counter:
    """Commands summed over databases (a transaction's commit goes to admin)."""
    total: Counter = Counter()
    for (_, command), n in counts.items():
        total[command] += n
    return total


def short(database: str, prefix: str) -> str:
    return database.removeprefix(prefix)


# --- the ceiling -------------------------------------------------------------------------------


@dataclass
class KindRate:
    kind: str
    threads: int
    commands: int
    elapsed_s: float  # the kind's whole run, wall clock
    latencies: list[float]  # of the command timed (a transaction's: its commit)
    store_cpu_s: float  # the store's CPU time meanwhile
    failed: int  # commands the store refused (none expected)

    @property
    def per_s(self) -> float:
        return self.commands / self.elapsed_s if self.elapsed_s else float("nan")


def delivery_like(now: datetime.datetime) -> dict:
    """A document shaped like a notifications delivery (repository.Deliveries.record)."""
    return {"_id": uuid.uuid4().hex, "event_id": uuid.uuid4().hex,
            "recipient_id": uuid.uuid4().hex[:24], "channel": "email",
            "notification_id": uuid.uuid4().hex, "subject_id": uuid.uuid4().hex,
            "state": "pending", "attempts": 0, "waiting_for": None, "created_at": now,
            "updated_at": now, "kind": "moment"}


def measure_store_ceiling(mongo_uri: str, database: str, seconds: float, threads: int,
                          store_pid: int | None) -> dict[str, KindRate]:
    """Each kind of command for ``seconds``, from ``threads`` threads sharing one client (1: one
    command at a time). A kind's rate: the commands it sent / its wall-clock time; a
    transaction counts two (its insert and its commit). Transactions take turns, as the
    services' do on nx-27017 (workbuddy_platform.turns): two open at once break each other
    there ("no such savepoint")."""
    client = MongoClient(mongo_uri, tz_aware=True, serverSelectionTimeoutMS=5000,
                         maxPoolSize=max(threads, 1))
    try:
        client.drop_database(database)
        collection = client[database].deliveries
        # notifications' indexes on deliveries: an insert or an update keeps each one up to date
        collection.create_index([("state", ASCENDING), ("updated_at", ASCENDING)])
        collection.create_index([("waiting_for", ASCENDING)])
        collection.create_index([("recipient_id", ASCENDING), ("state", ASCENDING)])
        collection.create_index([("digest_id", ASCENDING)])
        now = datetime.datetime.now(datetime.UTC)
        ids: list[str] = []  # list.append and list.pop are atomic: the threads share it
        one_transaction_at_a_time = threading.Lock()

        def timed(call) -> float:
            started = time.perf_counter()
            call()
            return time.perf_counter() - started

        def insert():
            document = delivery_like(now)
            took = timed(lambda: collection.insert_one(document))
            ids.append(document["_id"])
            return 1, took

        def find():
            key = random.choice(ids)
            return 1, timed(lambda: collection.find_one({"_id": key}))

        def update():
            key = random.choice(ids)
            document = delivery_like(now) | {"_id": key, "state": "sent", "attempts": 1}
            return 1, timed(lambda: collection.replace_one({"_id": key}, document))

        def find_and_modify():
            key = random.choice(ids)
            return 1, timed(lambda: collection.find_one_and_update({"_id": key},
                                                                   {"$inc": {"attempts": 1}}))

        def transaction():
            document = delivery_like(now)
            with one_transaction_at_a_time, client.start_session() as session:
                session.start_transaction()
                collection.insert_one(document, session=session)
                took = timed(session.commit_transaction)
            ids.append(document["_id"])
            return 2, took

        def delete():
            try:
                key = ids.pop()
            except IndexError:  # nothing left to delete
                return None
            return 1, timed(lambda: collection.delete_one({"_id": key}))

        def run(kind: str, command) -> KindRate:
            sent, failed, latencies = [0] * threads, [0] * threads, [[] for _ in range(threads)]
            cpu, began = cpu_seconds(store_pid), time.monotonic()

            def loop(me: int) -> None:
                while time.monotonic() - began < seconds:
                    try:
                        done = command()
                    except PyMongoError:
                        failed[me] += 1
                        continue
                    if done is None:
                        return
                    sent[me] += done[0]
                    latencies[me].append(done[1])

            workers = [threading.Thread(target=loop, args=(me,)) for me in range(threads)]
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join()
            return KindRate(kind, threads, sum(sent), time.monotonic() - began,
                            [t for mine in latencies for t in mine], cpu_seconds(store_pid) - cpu,
                            sum(failed))

        rates = {kind: run(kind, command) for kind, command in (
            ("insert", insert), ("find", find), ("update", update),
            ("findAndModify", find_and_modify), ("commitTransaction", transaction),
            ("delete", delete))}  # delete last: it uses up the documents the others wrote
        client.drop_database(database)
        return rates
    finally:
        client.close()


@dataclass
class Blend:
    per_s: float  # commands/s the store serves at the measured mix, over the kinds measured
    covered: float  # share of the mix's commands of a kind the ceiling measured
    left_out: dict[str, float]  # command -> its share of the mix, not measured


def blend(mix: Counter, rates: dict[str, KindRate]) -> Blend:
    """The store's rate at the mix: 1 / (sum over kinds of share x time per command), the shares
    taken among the commands of a kind measured (the others are named, not guessed)."""
    total = sum(mix.values())
    measured = {kind: n for kind, n in mix.items() if kind in rates and rates[kind].commands}
    counted = sum(measured.values())
    if not counted:
        return Blend(float("nan"), 0.0, {k: n / total for k, n in mix.items()} if total else {})
    seconds_per_command = sum(n / counted / rates[kind].per_s for kind, n in measured.items())
    left_out = {kind: n / total for kind, n in mix.items() if kind not in measured}
    return Blend(1 / seconds_per_command, counted / total, left_out)


def per_database(counts: Counts, prefix: str) -> dict[str, Counter]:
    found: dict[str, Counter] = defaultdict(Counter)
    for (database, command), n in counts.items():
        found[short(database, prefix)][command] += n
    return found
