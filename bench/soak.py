"""Soak benchmark: moments streamed through the whole system for minutes, followed to the mails.

Run: .venv/bin/python bench/soak.py [--minutes 2] [--rate 5] [--authors 20] [--buddies 3]

It starts a system of its own, as real processes, and stops all of it at the end (also on
Ctrl-C or an error): a fresh RabbitMQ vhost (made and deleted through the management API), an
embedded store (nx-27017) in a temporary directory, an SMTP server (aiosmtpd, in this process)
that records each mail's arrival time and headers, and profiles, matching, notifications and
the gateway (workbuddy_devstack Stack + Supervisor, a database prefix of their own).

1. Setup (not measured): ``--authors`` members each become buddies (propose + accept through
   the gateway) with ``--buddies`` members of their own, and the buddyship mails are waited
   for, so that the measured phase only sees moment mails.
2. Soak: ``POST /v1/me/moments`` at a fixed rate (an open-loop schedule: moment i is due at
   start + i / rate, whatever happened to the ones before) from a few threads, authors in
   turn, each note carrying a unique tag, each thread on a kept-alive http.client connection
   (lighter than requests: the client shares the system's cores). The time each POST is
   accepted (201) is recorded. The services write their logs to files themselves.
3. Drain: wait (bounded) until every accepted moment's mails have arrived, then a few more
   seconds for late duplicates.
4. Accounting: every accepted moment must reach every buddy of its author exactly once. A
   mail is matched to its moment by the tag in its text part and to its recipient by its
   envelope address. lost = expected (moment, buddy) mails never received; duplicated = mails
   received beyond the first for the same (moment, buddy). The notifications ledger, the
   broker's queues and the services' logs are read as a cross-check.
5. Figures: sustained throughput (moments accepted per second, moment mails delivered per
   second), latency from POST accepted to mail received (p50/p95/p99/max), per minute too.
6. Ceiling, same run and vhost, after the services are stopped: the raw broker with kombu,
   persistent messages (delivery_mode=2) of about an event's size published with publisher
   confirms to a durable queue, consumed with acks; messages per second publish -> consume and
   per-message latency. The system's mail throughput is printed as a share of it.
7. Store commands per moment: each process's ``workbuddy_store_commands_total`` (its /metrics)
   is read twice before the soak, ``--idle-seconds`` apart (the idle floor: timers and relays
   with no load; the second read is just before the first POST), after the last POST was
   answered and once every expected mail had arrived. Per service and command: (commands from
   the first POST to the last mail - the idle floor over that time) / moments accepted; the
   raw counts too. From the same reads, during the POSTs: the share of the time each
   database's turn was held and how many workers waited for it on average
   (``workbuddy_store_turn_seconds_total``; on a store that does not isolate, platform.turns).
8. The store's ceiling, same run and store, services stopped (bench/store_work.py): one
   pymongo client sending inserts, finds, updates, findAndModify, deletes (by _id) and
   one-insert transactions as fast as the store answers, each for ``--store-ceiling-seconds``,
   from one thread and from ``--store-ceiling-threads``; blended at the measured mix. Then the
   arithmetic: commands per moment x moments/s / ceiling, and the most moments/s the store
   could carry at that cost.

All times are time.monotonic() in this process (the SMTP server runs in it too), so arrival
and acceptance times share one clock.
"""

import argparse
import concurrent.futures
import datetime
import email
import email.parser
import email.policy
import http.client
import itertools
import json
import os
import platform
import re
import shutil
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

import kombu
import requests
from aiosmtpd.controller import Controller
from kombu import Connection, Exchange, Queue
from pymongo import MongoClient
from store_work import (
    KINDS,
    KindRate,
    Snapshot,
    blend,
    by_command,
    grown,
    measure_store_ceiling,
    per_database,
    short,
    snapshot,
)
from system import free_port, own_vhost, run_interruptibly, say, start_system

from workbuddy_devstack.broker import Management
from workbuddy_devstack.processes import Supervisor, wait_until
from workbuddy_devstack.stack import SERVICES

BROKER = os.environ.get("SOAK_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")
PASSWORD = "correct horse battery staple"
# A mix of the three tones (wins, setbacks, asks): each has its own template and wording.
MOMENT_KINDS = ("client_won", "client_lost", "client_question", "project_delivered", "rough_day")
HTTP_TIMEOUT = 30


# --- small helpers ----------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default), q in [0, 100]."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def spread_ms(values_s: list[float]) -> str:
    """p50/p95/p99/max of durations given in seconds, printed in milliseconds."""
    if not values_s:
        return "no values"
    ms = [v * 1000 for v in values_s]
    return (f"p50 {percentile(ms, 50):,.1f} ms, p95 {percentile(ms, 95):,.1f} ms, "
            f"p99 {percentile(ms, 99):,.1f} ms, max {max(ms):,.1f} ms")


def utc_stamp() -> str:
    """Now, in the format of the services' log timestamps (so strings compare as times)."""
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# --- the SMTP server: what arrived, and when ---------------------------------------------------


@dataclass
class ArrivedMail:
    at: float  # time.monotonic() when the DATA command completed
    rcpt_tos: tuple[str, ...]
    kind: str  # X-WorkBuddy-Kind
    delivery: str  # X-WorkBuddy-Delivery: "<event id>:<recipient id>:email"
    raw: bytes  # the whole message; bodies are parsed after the run, off the hot path


class MailRecorder:
    """aiosmtpd handler: keeps every mail with its arrival time and headers. Only the headers
    are parsed on arrival, so that the recorder costs the two cores as little as possible."""

    def __init__(self):
        self._mails: list[ArrivedMail] = []
        self._lock = threading.Lock()
        # compat32: the two headers read as they are, without the default policy's header
        # registry, which cost the SMTP server more than the rest of its work for each mail.
        self._headers = email.parser.BytesHeaderParser(policy=email.policy.compat32)

    async def handle_DATA(self, server, session, envelope):
        at = time.monotonic()
        raw = envelope.original_content or envelope.content
        headers = self._headers.parsebytes(raw)
        mail = ArrivedMail(at, tuple(r.lower() for r in envelope.rcpt_tos),
                           str(headers.get("X-WorkBuddy-Kind", "")),
                           str(headers.get("X-WorkBuddy-Delivery", "")), raw)
        with self._lock:
            self._mails.append(mail)
        return "250 OK"

    def since(self, index: int) -> list[ArrivedMail]:
        with self._lock:
            return self._mails[index:]

    def count(self, kind: str | None = None) -> int:
        with self._lock:
            return sum(1 for m in self._mails if kind in (None, m.kind))


# --- the gateway, as a client app calls it -------------------------------------------------------


class Client:
    """requests sessions are not meant to be shared between threads: one per thread."""

    def __init__(self, base_url: str):
        self.base = base_url
        self._local = threading.local()

    @property
    def http(self) -> requests.Session:
        if not hasattr(self._local, "session"):
            self._local.session = requests.Session()
        return self._local.session

    def call(self, method: str, path: str, member: dict | None = None, **kwargs) -> requests.Response:
        if member is not None:
            kwargs["headers"] = {"Authorization": f"Bearer {member['access_token']}"}
        return self.http.request(method, f"{self.base}{path}", timeout=HTTP_TIMEOUT, **kwargs)

    def post_fast(self, path: str, member: dict, body: dict) -> tuple[int, bytes]:
        """The soak's POSTs, on a kept-alive http.client connection of this thread: through
        requests, the calls were a third of the benchmark's own CPU (a profile), taken from
        the same two cores as the system measured. A connection the server closed is opened
        again once; anything else raises OSError or http.client.HTTPException."""
        payload = json.dumps(body).encode()
        headers = {"Authorization": f"Bearer {member['access_token']}",
                   "Content-Type": "application/json"}
        for attempt in (1, 2):
            connection = getattr(self._local, "connection", None)
            if connection is None:
                host, port = urlsplit(self.base).hostname, urlsplit(self.base).port
                connection = self._local.connection = http.client.HTTPConnection(
                    host, port, timeout=HTTP_TIMEOUT)
            try:
                connection.request("POST", path, body=payload, headers=headers)
                response = connection.getresponse()
                return response.status, response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                connection.close()
                self._local.connection = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def sign_up(self, name: str, language: str, address: str) -> dict:
        response = self.call("POST", "/v1/auth/signup", json={
            "email": address, "display_name": name, "language": language, "password": PASSWORD})
        if response.status_code != 201:
            raise RuntimeError(f"sign-up of {address} answered {response.status_code}: {response.text}")
        body = response.json()
        return {**body["member"], "email": address.lower(), "access_token": body["access_token"]}

    def make_room(self, member: dict, buddies: int) -> None:
        """Room for ``buddies`` buddies, once matching knows (capacity holds on every proposal)."""
        changed = self.call("PATCH", "/v1/me", member, json={"buddy_capacity": buddies})
        if changed.status_code != 200:
            raise RuntimeError(f"capacity answered {changed.status_code}: {changed.text}")
        wait_until(lambda: self.call("GET", "/v1/me/matching", member).json()["open_slots"]
                   >= buddies, 30, "matching learning the new capacity")

    def become_buddies(self, proposer: dict, invitee: dict) -> None:
        for _ in range(10):  # proposals to one author at once: a 409 asks to send it again
            proposed = self.call("POST", "/v1/me/buddyships", proposer,
                                 json={"buddy_id": invitee["id"]})
            if proposed.status_code != 409:
                break
            time.sleep(0.2)
        if proposed.status_code != 201:
            raise RuntimeError(f"proposal answered {proposed.status_code}: {proposed.text}")
        accepted = self.call("POST", f"/v1/me/buddyships/{proposed.json()['id']}/accept", invitee)
        if accepted.status_code != 200:
            raise RuntimeError(f"acceptance answered {accepted.status_code}: {accepted.text}")


# --- 1. setup: authors, their buddies, and the buddyship mails out of the way ----------------------


@dataclass
class Cast:
    authors: list[dict]
    buddies_of: dict[str, list[str]]  # author id -> buddy ids
    id_of_address: dict[str, str]


def sign_up_cast(client: Client, run: str, n_authors: int, n_buddies: int) -> Cast:
    """Authors and buddies in both languages; each author has buddies of their own (nobody is
    shared), so each moment's audience is exactly its author's buddies."""
    wanted = [(f"Author {a}", f"soak-{run}-a{a}@example.org", None) for a in range(n_authors)]
    wanted += [(f"Buddy {a}.{b}", f"soak-{run}-a{a}-b{b}@example.org", a)
               for a in range(n_authors) for b in range(n_buddies)]
    languages = ["en", "fr"] * len(wanted)  # every other member reads French
    # Sign-up hashes a password (Argon2id): a few at a time, not all at once.
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        members = list(pool.map(lambda w, language: client.sign_up(w[0], language, w[1]),
                                wanted, languages))
    authors = members[:n_authors]
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda author: client.make_room(author, n_buddies), authors))
    buddies_of: dict[str, list[str]] = {}
    pairs = []
    for (_, _, author_index), member in zip(wanted[n_authors:], members[n_authors:], strict=True):
        author = authors[author_index]
        buddies_of.setdefault(author["id"], []).append(member["id"])
        pairs.append((author, member))
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda pair: client.become_buddies(*pair), pairs))
    return Cast(authors, buddies_of, {m["email"]: m["id"] for m in members})


def wait_for_buddyship_mails(recorder: MailRecorder, buddyships: int, timeout: float) -> int:
    """Each buddyship tells both members it started (and the invitee of the proposal first):
    wait for all of them, then for the mailbox to be quiet, so none leaks into the soak."""
    wait_until(lambda: recorder.count("buddyship_started") >= 2 * buddyships, timeout,
               f"{2 * buddyships} buddyship_started mails", interval=0.5)
    last, quiet_since = recorder.count(), time.monotonic()
    while time.monotonic() - quiet_since < 3:
        time.sleep(0.5)
        if recorder.count() != last:
            last, quiet_since = recorder.count(), time.monotonic()
    return last


# --- 2. the soak: moments at a fixed rate ---------------------------------------------------------


@dataclass
class Posted:
    index: int
    tag: str
    author_id: str
    due: float  # when the schedule wanted it sent
    sent: float
    done: float  # when the answer came back (the 201: accepted)
    status: int | None  # None: no answer (connection error or timeout)
    moment_id: str | None = None
    error: str | None = None


def stream_moments(client: Client, authors: list[dict], rate: float, seconds: float,
                   threads: int, run: str, stop: threading.Event) -> tuple[list[Posted], float]:
    """An open-loop schedule: moment i is due at start + i / rate, so a slow answer delays no
    later moment unless every thread is busy (the lag then shows in the report). Returns what
    was posted and the start of the schedule."""
    total = int(rate * seconds)
    start = time.monotonic() + 0.5
    next_index = itertools.count()  # next() on it is atomic under the GIL
    posted: list[Posted] = []
    lock = threading.Lock()

    def post_one(index: int) -> Posted:
        author = authors[index % len(authors)]  # authors in turn: each posts every n/rate s
        tag = f"wbsoak-{run}-{index:06d}"
        kind = MOMENT_KINDS[index % len(MOMENT_KINDS)]
        due = start + index / rate
        time.sleep(max(0.0, due - time.monotonic()))
        sent = time.monotonic()
        try:
            status, answer = client.post_fast("/v1/me/moments", author,
                                              {"kind": kind, "note": f"Soak moment {tag}"})
        except (OSError, http.client.HTTPException) as exc:
            return Posted(index, tag, author["id"], due, sent, time.monotonic(), None,
                          error=f"{type(exc).__name__}: {exc}")
        done = time.monotonic()
        text = answer.decode(errors="replace")
        if status != 201:
            return Posted(index, tag, author["id"], due, sent, done, status, error=text[:200])
        try:
            moment_id = json.loads(answer)["id"]
        except (ValueError, KeyError):  # a 201 without a moment: counted, not a dead thread
            return Posted(index, tag, author["id"], due, sent, done, None,
                          error=f"201 without a moment id: {text[:200]}")
        return Posted(index, tag, author["id"], due, sent, done, 201, moment_id=moment_id)

    def worker():
        while not stop.is_set():
            index = next(next_index)
            if index >= total:
                return
            result = post_one(index)
            with lock:
                posted.append(result)

    workers = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    for w in workers:
        w.start()
    last_print = time.monotonic()
    while any(w.is_alive() for w in workers):
        for w in workers:
            w.join(timeout=1)  # short joins, so that Ctrl-C reaches the main thread
        if time.monotonic() - last_print >= 30:
            last_print = time.monotonic()
            with lock:
                done = len(posted)
            say(f"   ... {done:,} of {total:,} moments posted; load average {os.getloadavg()[0]:.2f}")
    return sorted(posted, key=lambda p: p.index), start


# --- 3. and 4. drain and account -----------------------------------------------------------------

TAG = re.compile(r"wbsoak-[0-9a-f]{8}-\d{6}")


@dataclass
class Accounting:
    expected: dict[tuple[str, str], float]  # (tag, buddy id) -> accepted at
    received: dict[tuple[str, str], list[float]] = field(default_factory=dict)  # -> arrivals
    unexpected: list[str] = field(default_factory=list)  # what arrived that no moment explains
    other_kinds: Counter = field(default_factory=Counter)  # non-moment mails during the soak
    header_mismatches: int = 0  # the delivery header names another recipient than the envelope
    seen: int = 0  # mails read so far

    def read(self, recorder: MailRecorder, first_index: int, id_of_address: dict[str, str]) -> None:
        """Match the mails arrived since the last call to (moment, recipient)."""
        for mail in recorder.since(first_index + self.seen):
            self.seen += 1
            if mail.kind != "moment":
                self.other_kinds[mail.kind] += 1
                continue
            message = email.message_from_bytes(mail.raw, policy=email.policy.default)
            text = message.get_body(preferencelist=("plain",)).get_content()
            tags = set(TAG.findall(text))
            recipients = [id_of_address.get(r) for r in mail.rcpt_tos]
            if len(tags) != 1 or len(recipients) != 1 or recipients[0] is None:
                self.unexpected.append(f"tags {sorted(tags)} to {mail.rcpt_tos}")
                continue
            key = (tags.pop(), recipients[0])
            if mail.delivery.split(":")[1:2] != [recipients[0]]:
                self.header_mismatches += 1
            if key not in self.expected:
                self.unexpected.append(f"{key[0]} to {mail.rcpt_tos} (not an expected recipient)")
            self.received.setdefault(key, []).append(mail.at)

    def lost(self) -> list[tuple[str, str]]:
        return sorted(set(self.expected) - set(self.received))

    def duplicated(self) -> int:
        """Mails beyond the first for the same (moment, recipient)."""
        return sum(len(arrivals) - 1 for arrivals in self.received.values())

    def complete(self) -> bool:
        return all(key in self.received for key in self.expected)


def drain(accounting: Accounting, recorder: MailRecorder, first_index: int,
          id_of_address: dict[str, str], timeout: float, settle: float,
          drained: Callable[[], None] | None = None) -> float:
    """Wait until every expected mail arrived (at most ``timeout`` s), call ``drained``, then
    wait ``settle`` s more for late duplicates; returns how long we waited (reading the mails
    takes some of it)."""
    began = time.monotonic()
    while time.monotonic() - began < timeout:
        accounting.read(recorder, first_index, id_of_address)
        if accounting.complete():
            break
        time.sleep(0.5)
    waited = time.monotonic() - began
    if drained is not None:
        drained()
    time.sleep(settle)
    accounting.read(recorder, first_index, id_of_address)
    return waited


# --- cross-checks: the ledger, the broker's queues, the services' logs ----------------------------


def ledger_summary(mongo_uri: str, db_prefix: str, moment_ids: set[str]) -> dict:
    """What notifications and profiles recorded for the soak's moments (their own view)."""
    client = MongoClient(mongo_uri, serverSelectionTimeoutMS=5000)
    try:
        profiles, notifications = client[f"{db_prefix}profiles"], client[f"{db_prefix}notifications"]
        events = {e["_id"]: e for e in profiles.outbox.find({"type": "moment.logged"})
                  if e["message"]["payload"]["moment_id"] in moment_ids}
        deliveries = list(notifications.deliveries.find({"event_id": {"$in": list(events)}}))
        return {
            "moment.logged events": len(events),
            "events by outbox state": dict(Counter(e["state"] for e in events.values())),
            # the relay counts a failed publish (not confirmed, unroutable) in "attempts"
            "events whose publish failed once or more": sum(1 for e in events.values()
                                                            if e.get("attempts", 0) > 0),
            "deliveries": len(deliveries),
            "deliveries by channel and state": dict(Counter(f"{d['channel']}/{d['state']}"
                                                            for d in deliveries)),
            # a transient SMTP failure counts an attempt and is retried later
            "deliveries retried (attempts > 0)": sum(1 for d in deliveries if d.get("attempts", 0) > 0),
        }
    finally:
        client.close()


def queues_not_empty(management: Management, vhost: str) -> dict[str, int]:
    """Messages left in the vhost's queues (a parking lot with messages would be a failure).
    The management API refreshes its counts every few seconds."""
    response = requests.get(f"{management.base}/queues/{quote(vhost, safe='')}",
                            auth=management.auth, timeout=10,
                            params={"columns": "name,messages"})
    response.raise_for_status()
    return {q["name"]: q.get("messages", 0) for q in response.json() if q.get("messages")}


NOTABLE_INFO = {"delivery.waiting_for_member", "delivery.held", "delivery.for_digest",
                "delivery.cancelled", "event.duplicate_skipped"}


def log_summary(supervisor: Supervisor, since: str,
                names: tuple[str, ...] = ("profiles", "matching", "notifications", "gateway")) -> Counter:
    """Warnings, errors and notable events each service logged from ``since`` (UTC) on."""
    found: Counter = Counter()
    for name in names:
        path = supervisor.log_path(name)
        if not path.exists():
            continue
        for line in path.read_text(errors="replace").splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                # e.g. a Python warning printed on stderr; only its first line is counted
                if line.strip() and not line.startswith(" "):
                    found[(name, "stderr", line.strip()[:100])] += 1
                continue
            if not isinstance(record, dict) or record.get("timestamp", "") < since:
                continue
            level, event = record.get("level", ""), str(record.get("event", ""))
            if level in ("warning", "error", "critical") or event in NOTABLE_INFO:
                found[(name, level, event[:100])] += 1
    return found


def log_records(supervisor: Supervisor, name: str, since: str) -> list[dict]:
    records = []
    path = supervisor.log_path(name)
    for line in path.read_text(errors="replace").splitlines() if path.exists() else []:
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and record.get("timestamp", "") >= since:
            records.append(record)
    return records


def stages(supervisor: Supervisor, since: str) -> dict[str, list[float]]:
    """Where a moment's time goes, from the services' own log timestamps (one machine, one
    clock): the gateway answered -> profiles' relay published moment.logged -> notifications
    finished with it (its mails sent). In seconds, per moment."""
    def at(record: dict) -> float:
        return datetime.datetime.fromisoformat(record["timestamp"].replace("Z", "+00:00")).timestamp()

    answered = {r.get("correlation_id"): at(r) for r in log_records(supervisor, "gateway", since)
                if r.get("event") == "request.done" and r.get("method") == "POST"
                and r.get("path") == "/v1/me/moments"}
    published = {r["event_id"]: (r.get("correlation_id"), at(r))
                 for r in log_records(supervisor, "profiles", since)
                 if r.get("event") == "event.published" and r.get("event_type") == "moment.logged"}
    handled = {r["event_id"]: at(r) for r in log_records(supervisor, "notifications", since)
               if r.get("event") == "event.processed" and r.get("event_type") == "moment.logged"}
    relayed, told = [], []
    for event_id, (correlation_id, published_at) in published.items():
        if correlation_id in answered:
            relayed.append(published_at - answered[correlation_id])
        if event_id in handled:
            told.append(handled[event_id] - published_at)
    return {"gateway answered -> moment.logged published": relayed,
            "published -> notifications done (mails sent)": told}


# --- 6. the ceiling: the raw broker ---------------------------------------------------------------


@dataclass
class Ceiling:
    count: int
    size: int
    prefetch: int
    publish_s: float
    total_s: float
    latencies: list[float]


def event_like_body(seq: int, size: int) -> dict:
    """A JSON body shaped like a moment.logged envelope, padded to about ``size`` bytes."""
    body = {"seq": seq, "event_id": uuid.uuid4().hex, "type": "moment.logged", "version": 1,
            "producer": "profiles", "correlation_id": uuid.uuid4().hex,
            "occurred_at": datetime.datetime.now(datetime.UTC).isoformat(),
            "payload": {"moment_id": uuid.uuid4().hex, "member_id": uuid.uuid4().hex,
                        "kind": "client_won", "note": "", "logged_at": "2026-01-01T00:00:00+00:00"}}
    body["payload"]["note"] = "x" * max(0, size - len(json.dumps(body)))
    return body


def measure_broker_ceiling(amqp_uri: str, count: int, size: int, prefetch: int,
                           timeout: float = 300) -> Ceiling:
    """One publisher (confirm each publish, persistent) and one consumer (acks, ``prefetch``
    unacked at most, like a nameko service's workers) on a durable queue, in one vhost."""
    exchange = Exchange("soak.ceiling", type="direct", durable=True)
    queue = Queue("soak.ceiling", exchange, routing_key="soak.ceiling", durable=True)
    sent_at = [0.0] * count
    got_at = [0.0] * count
    received = 0
    listening = threading.Event()

    def consume():
        nonlocal received

        def on_message(body, message):
            nonlocal received
            got_at[body["seq"]] = time.monotonic()
            message.ack()
            received += 1

        with Connection(amqp_uri) as connection:
            with connection.Consumer(queue, callbacks=[on_message], accept=["json"],
                                     prefetch_count=prefetch):
                listening.set()
                deadline = time.monotonic() + timeout
                while received < count and time.monotonic() < deadline:
                    try:
                        connection.drain_events(timeout=1)
                    except TimeoutError:  # nothing came within the second
                        pass

    bodies = [event_like_body(seq, size) for seq in range(count)]  # built before the clock runs
    with Connection(amqp_uri, transport_options={"confirm_publish": True}) as connection:
        queue(connection.default_channel).declare()
        consumer = threading.Thread(target=consume, daemon=True)
        consumer.start()
        listening.wait(30)
        producer = connection.Producer(serializer="json")
        first = time.monotonic()
        for seq, body in enumerate(bodies):
            sent_at[seq] = time.monotonic()
            producer.publish(body, exchange=exchange, routing_key="soak.ceiling", delivery_mode=2)
        publish_s = time.monotonic() - first
        consumer.join(timeout + 10)
        queue(connection.default_channel).delete()
    if received < count:
        raise RuntimeError(f"the ceiling run got {received} of {count} messages back")
    return Ceiling(count, len(json.dumps(bodies[0])), prefetch, publish_s, max(got_at) - first,
                   [got - sent for got, sent in zip(got_at, sent_at, strict=True)])


# --- the whole run ---------------------------------------------------------------------------------


@dataclass
class StoreWork:
    """The store commands each process sent (bench/store_work.py), and the store's ceiling."""
    db_prefix: str
    idle: tuple[Snapshot, Snapshot]  # before the soak, no load: the timers' floor
    before: Snapshot  # just before the first POST
    posted: Snapshot  # once the last POST was answered
    drained: Snapshot  # once every expected mail had arrived (or the drain gave up)
    ceiling: dict[int, dict[str, KindRate]]  # threads -> kind -> its rate
    ceiling_seconds: float
    ceiling_load: tuple[float, float]  # 1-minute load average before and after it


@dataclass
class Measured:
    """What the soak phase saw, for the report."""
    posted: list[Posted]
    schedule_start: float
    accounting: Accounting
    waited_s: float  # in drain(), bounded by --drain-seconds
    ledger: dict
    leftovers: dict[str, int]
    logs: Counter
    stages: dict[str, list[float]]
    dead: list[str]
    log_dir: Path
    store: StoreWork


def soak(args, run_id: str, amqp_uri: str, vhost: str, management: Management,
         workdir: Path) -> Measured:
    """Start the system, set the cast up, stream, drain, account; stop the system (always)."""
    supervisor = Supervisor(workdir / "log")
    recorder = MailRecorder()
    smtp = Controller(recorder, hostname="127.0.0.1", port=free_port())
    smtp.start()
    stop = threading.Event()
    try:
        # The token must outlive setup + soak + drain (tokens last 15 min by default).
        token_ttl = int(args.minutes * 60 + args.drain_seconds + 1800)
        system = start_system(supervisor, workdir, amqp_uri, smtp.port, f"soak-{run_id}", token_ttl,
                              {"STORE_ISOLATES": args.store_isolates})
        stack, mongo_uri, db_prefix = system.stack, system.mongo_uri, system.db_prefix
        say(f"system up: vhost {vhost}, store {mongo_uri}, SMTP 127.0.0.1:{smtp.port}, gateway "
            f"{stack.gateway_url}, logs in {supervisor.log_dir}")
        client = Client(stack.gateway_url)

        began = time.monotonic()
        cast = sign_up_cast(client, run_id, args.authors, args.buddies)
        buddyships = args.authors * args.buddies
        before_soak = wait_for_buddyship_mails(recorder, buddyships, timeout=180)
        say(f"setup: {len(cast.id_of_address)} members, {buddyships} buddyships, {before_soak} "
            f"buddyship mails arrived, in {time.monotonic() - began:.1f} s (not measured)")

        processes = ("gateway", *SERVICES)  # in the order a moment goes through them
        ops_urls = {name: stack.ops_url(name) for name in processes}
        # nx-27017 and the services themselves, not shells; the gateway's master and its workers
        pids = {name: supervisor.children[name].pid for name in processes}
        pids["store"] = store_pid = supervisor.children["mongo"].pid
        idle_from = snapshot(ops_urls, pids)
        time.sleep(args.idle_seconds)
        before = snapshot(ops_urls, pids)  # also the idle floor's end: the first POST follows
        soak_logs_from = utc_stamp()
        say(f"soak: {args.rate:g} moments/s for {args.minutes:g} min ...")
        posted, schedule_start = stream_moments(client, cast.authors, args.rate, args.minutes * 60,
                                                args.threads, run_id, stop)
        after_posts = snapshot(ops_urls, pids)
        accepted = [p for p in posted if p.status == 201]
        expected = {(p.tag, buddy): p.done for p in accepted for buddy in cast.buddies_of[p.author_id]}
        accounting = Accounting(expected)
        say(f"drain: waiting for {len(expected):,} moment mails (at most {args.drain_seconds:g} s) ...")
        drained: list[Snapshot] = []
        waited_s = drain(accounting, recorder, before_soak, cast.id_of_address, args.drain_seconds,
                         args.settle_seconds, drained=lambda: drained.append(snapshot(ops_urls, pids)))

        ledger = ledger_summary(mongo_uri, db_prefix, {p.moment_id for p in accepted})
        try:
            leftovers = queues_not_empty(management, vhost)
        except requests.RequestException as exc:
            leftovers = {f"(could not read the queues: {exc})": 0}
        logs, where, dead = (log_summary(supervisor, soak_logs_from),
                             stages(supervisor, soak_logs_from), supervisor.dead())
        for name in processes:  # the store stays up, alone, for its ceiling
            supervisor.stop(name)
        say(f"ceiling: the embedded store, {args.store_ceiling_seconds:g} s per kind of command ...")
        load_before = os.getloadavg()[0]
        ceiling = {threads: measure_store_ceiling(mongo_uri, f"{db_prefix}ceiling",
                                                  args.store_ceiling_seconds, threads, store_pid)
                   for threads in sorted({1, args.store_ceiling_threads} - {0})}
        store = StoreWork(db_prefix, (idle_from, before), before, after_posts, drained[0], ceiling,
                          args.store_ceiling_seconds, (load_before, os.getloadavg()[0]))
        return Measured(posted, schedule_start, accounting, waited_s, ledger, leftovers, logs,
                        where, dead, supervisor.log_dir, store)
    finally:
        stop.set()
        supervisor.stop_all()
        smtp.stop()


def run(args) -> int:
    run_id = uuid.uuid4().hex[:8]
    say("Work Buddy soak benchmark: moments to mails")
    say(f"date {datetime.datetime.now().astimezone().isoformat(timespec='seconds')}; "
        f"{platform.platform()}; {platform.processor() or platform.machine()}; "
        f"os.cpu_count()={os.cpu_count()}; Python {platform.python_version()}; kombu {kombu.__version__}; "
        f"load average at start {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    say(f"settings: rate {args.rate:g} moments/s for {args.minutes:g} min from {args.threads} threads; "
        f"{args.authors} authors x {args.buddies} buddies each; drain up to {args.drain_seconds:g} s "
        f"then {args.settle_seconds:g} s for late duplicates; ceiling {args.ceiling_count:,} messages "
        f"of ~{args.ceiling_size} B, prefetch {args.ceiling_prefetch}; "
        f"STORE_ISOLATES={args.store_isolates}; idle floor over {args.idle_seconds:g} s; store "
        f"ceiling {args.store_ceiling_seconds:g} s per kind, 1 and {args.store_ceiling_threads} threads")
    say("method: its own vhost, store (nx-27017), SMTP server (aiosmtpd, in this process) and four "
        "service processes; open-loop schedule; latency = mail arrival at the SMTP server - 201 "
        "received by the client (time.monotonic, one process)")
    say()

    vhost = f"wb-soak-{run_id}"
    with own_vhost(BROKER, vhost) as (amqp_uri, management):
        workdir = Path(tempfile.mkdtemp(prefix=f"wb-soak-{run_id}-"))
        try:
            measured = soak(args, run_id, amqp_uri, vhost, management, workdir)
            say("ceiling: the raw broker ...")
            ceiling = measure_broker_ceiling(amqp_uri, args.ceiling_count, args.ceiling_size,
                                             args.ceiling_prefetch)
        finally:
            shutil.rmtree(workdir / "mongo", ignore_errors=True)  # the logs are kept
    say()
    report(args, measured, ceiling)
    return 0 if not measured.accounting.lost() and not measured.accounting.duplicated() else 1


def report(args, measured: Measured, ceiling: Ceiling) -> None:
    posted, accounting, start = measured.posted, measured.accounting, measured.schedule_start
    accepted = [p for p in posted if p.status == 201]
    refused = Counter(p.status for p in posted if p.status not in (201, None))
    no_answer = [p for p in posted if p.status is None]
    if not accepted:
        say(f"no moment was accepted of {len(posted):,} posted: {[(p.status, p.error) for p in posted[:5]]}")
        return
    arrivals = sorted(at for times in accounting.received.values() for at in times)
    # The soak's window: the schedule's length, or longer if the last POST was answered later.
    window_s = max(len(posted) / args.rate, max(p.done for p in accepted) - start)
    say(f"1. Offered load: {args.rate:g} moments/s for {args.minutes:g} min, {args.authors} authors in "
        f"turn, {args.threads} threads, open-loop schedule")
    say(f"   {len(posted):,} POSTs: {len(accepted):,} accepted (201), refused {dict(refused) or 0}, "
        f"no answer {len(no_answer)}; sent behind schedule: {spread_ms([p.sent - p.due for p in posted])}")
    for p in [p for p in posted if p.status != 201][:5]:
        say(f"   not accepted: #{p.index} {p.status} {p.error}")
    say(f"   POST /v1/me/moments round trip (sent -> 201): {spread_ms([p.done - p.sent for p in accepted])}")

    moments_per_s = len(accepted) / window_s
    mails_per_s = sum(1 for at in arrivals if at <= start + window_s) / window_s
    overall_s = (arrivals[-1] - start) if arrivals else float("nan")
    say(f"2. Sustained throughput over the {window_s:.1f} s soak: moments accepted {moments_per_s:.2f}/s; "
        f"moment mails delivered {mails_per_s:.2f}/s; all {len(arrivals):,} mails from the first POST "
        f"to the last mail: {len(arrivals) / overall_s:.2f}/s over {overall_s:.1f} s")

    latency_of = {key: min(times) - accounting.expected[key]
                  for key, times in accounting.received.items() if key in accounting.expected}
    latencies = list(latency_of.values())
    sent_of = {p.tag: p.sent for p in accepted}
    from_sent = [min(times) - sent_of[key[0]] for key, times in accounting.received.items()
                 if key in accounting.expected]
    early = sum(1 for latency in latencies if latency < 0)
    say(f"3. Latency, POST accepted -> mail received ({len(latencies):,} mails): {spread_ms(latencies)}; "
        f"min {1000 * min(latencies, default=float('nan')):.1f} ms ({early} arrived before the client "
        f"had read its 201: the event is committed before the answer leaves and relayed as the worker "
        f"ends, so a busy client can read the 201 after the mail)")
    say(f"   from POST sent -> mail received: {spread_ms(from_sent)}")
    for stage, durations in measured.stages.items():
        say(f"   {stage} (services' log timestamps): {spread_ms(durations)}")
    say("   per minute of the soak (moments by when their POST was accepted; mails by arrival):")
    moments_in, latencies_in, mails_in = Counter(), defaultdict(list), Counter()
    for p in accepted:
        moments_in[int((p.done - start) // 60)] += 1
    for key, latency in latency_of.items():
        latencies_in[int((accounting.expected[key] - start) // 60)].append(latency)
    for at in arrivals:
        mails_in[int((at - start) // 60)] += 1
    for minute in sorted(set(moments_in) | set(mails_in)):
        say(f"     minute {minute + 1}: {moments_in[minute]:,} moments accepted, {mails_in[minute]:,} "
            f"mails arrived; latency of its moments' mails {spread_ms(latencies_in[minute])}")

    lost, duplicated = accounting.lost(), accounting.duplicated()
    tail_s = (arrivals[-1] - max(p.done for p in accepted)) if arrivals else float("nan")
    say(f"4. Accounting: {len(accepted):,} moments x their author's buddies = "
        f"{len(accounting.expected):,} mails expected; {len(arrivals):,} moment mails received; the "
        f"last one {tail_s:.1f} s after the last 201 (drain waited {measured.waited_s:.1f} s of at "
        f"most {args.drain_seconds:g}, then {args.settle_seconds:g} s watching for late duplicates)")
    say(f"   lost = {len(lost)}   duplicated = {duplicated}   unexpected = {len(accounting.unexpected)}"
        f"   delivery header naming another recipient = {accounting.header_mismatches}")
    for tag, buddy in lost[:10]:
        say(f"   lost: {tag} to {buddy}")
    for key, times in [(k, t) for k, t in accounting.received.items() if len(t) > 1][:10]:
        say(f"   duplicated: {key[0]} to {key[1]}: {len(times)} mails")
    for what in accounting.unexpected[:10]:
        say(f"   unexpected: {what}")
    if accounting.other_kinds:
        say(f"   other mails during the soak: {dict(accounting.other_kinds)}")
    say(f"   ledger: {measured.ledger}")
    say(f"   queues with messages at the end: {measured.leftovers or 'none'}")
    if measured.dead:
        say(f"   !! processes that stopped during the run: {measured.dead}")
    if measured.logs:
        say(f"   services' logs from the soak on (warnings, errors, notable events; stderr lines: whole "
            f"run; {measured.log_dir}):")
        for (service, level, event), n in measured.logs.most_common(20):
            say(f"     {service} {level} x{n}: {event}")
    else:
        say(f"   services' logs from the soak on: no warning, no error, no retry ({measured.log_dir})")

    ceiling_per_s = ceiling.count / ceiling.total_s
    say(f"5. Ceiling, raw broker in the same vhost (services stopped): kombu {kombu.__version__}, "
        f"{ceiling.count:,} persistent messages (delivery_mode=2) of {ceiling.size} B, publisher "
        f"confirms, durable queue, one consumer with acks, prefetch {ceiling.prefetch}")
    say(f"   {ceiling_per_s:,.0f} messages/s publish -> consume ({ceiling.total_s:.2f} s; publishing "
        f"alone {ceiling.count / ceiling.publish_s:,.0f}/s); per message {spread_ms(ceiling.latencies)}")
    say(f"   system / ceiling: moment mails {mails_per_s:.2f}/s = {100 * mails_per_s / ceiling_per_s:.2f} % "
        f"of the ceiling; moments {moments_per_s:.2f}/s = {100 * moments_per_s / ceiling_per_s:.2f} % "
        f"(at the offered rate: not the system's maximum)")
    report_store(args, measured.store, len(accepted), moments_per_s)
    say()
    say(f"load average at the end {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    say(f"summary: lost = {len(lost)}, duplicated = {duplicated}")


def report_store(args, store: StoreWork, accepted: int, moments_per_s: float) -> None:
    """6. the store commands per moment, process by process; 7. the store's ceiling and the
    arithmetic: commands per moment x moments/s / ceiling."""
    per_moment, floor = report_store_commands(store, accepted)
    report_store_ceiling(args, store, per_moment, floor, moments_per_s)


def report_store_commands(store: StoreWork, accepted: int) -> tuple[Counter, float]:
    """Returns the commands per moment by command, net of the idle floor, and the floor
    (commands/s in all)."""
    soak, in_window, idle = (grown(store.before, store.drained), grown(store.before, store.posted),
                             grown(*store.idle))
    busy_s = store.drained.at - store.before.at
    idle_s = store.idle[1].at - store.idle[0].at
    say(f"6. Store commands per accepted moment: workbuddy_store_commands_total from each process's "
        f"/metrics (the gateway's master adds up its workers), read just before the first POST and "
        f"again once every expected mail had arrived, {busy_s:.1f} s later; {accepted:,} moments "
        f"accepted. A command is one round trip to the store, whatever it reads or writes. Net = "
        f"less the process's idle floor (its rate in the {idle_s:.0f} s before the soak, with no "
        f"load: timers, relays) over those {busy_s:.1f} s")
    raw_all, net_all, floor_all = Counter(), Counter(), 0.0
    for name, counts in soak.items():
        if counts is None or idle.get(name) is None:
            say(f"   {name:<14} /metrics did not answer: not counted")
            continue
        commands, quiet = by_command(counts), by_command(idle[name])
        net = Counter({command: max(0.0, n - quiet[command] / idle_s * busy_s)
                       for command, n in commands.items()})
        raw_all += commands
        net_all.update(net)
        floor_all += sum(quiet.values()) / idle_s
        detail = ", ".join(f"{command} {n / accepted:.2f}" for command, n in net.most_common())
        say(f"   {name:<14} net {net.total() / accepted:6.2f} per moment: {detail or 'none'}")
        say(f"   {'':<14} raw {commands.total() / accepted:6.2f} per moment ({commands.total():,.0f} "
            f"commands); idle floor {quiet.total() / idle_s:.1f} commands/s"
            + (f" ({', '.join(f'{c} {n / idle_s:.1f}' for c, n in quiet.most_common())})"
               if quiet else ""))
    n_all = raw_all.total()
    say(f"   {'all':<14} net {net_all.total() / accepted:6.2f} per moment; raw "
        f"{n_all / accepted:.2f} ({n_all:,.0f} commands, on average {n_all / busy_s:,.0f}/s from "
        f"the first POST to the last mail); idle floor {floor_all:.1f} commands/s")

    def cpu(since: Snapshot, until: Snapshot) -> str:
        seconds = until.at - since.at
        return ", ".join(f"{name} {100 * (used - since.cpu_s[name]) / seconds:.0f} %"
                         for name, used in until.cpu_s.items())

    say(f"   CPU, share of one core (/proc; the machine has {os.cpu_count()}): from the first POST to "
        f"the last mail {cpu(store.before, store.drained)}; during the POSTs "
        f"{cpu(store.before, store.posted)}; idle {cpu(*store.idle)}")
    say("   turns (a database used by one command or transaction at a time, on a store that does "
        "not isolate; workbuddy_store_turn_seconds_total), during the POSTs: " + turn_shares(store))
    say("   by command, all processes, net: " + ", ".join(
        f"{command} {n / accepted:.2f} ({100 * n / max(1, net_all.total()):.0f} %)"
        for command, n in net_all.most_common()))
    for name, counts in soak.items():
        if counts:
            say(f"   raw counts, {name}: " + "; ".join(
                f"{database} " + ", ".join(f"{command} {n:,.0f}" for command, n in commands.most_common())
                for database, commands in sorted(per_database(counts, store.db_prefix).items())))
    window_s = store.posted.at - store.before.at
    shares = []
    for name, counts in soak.items():
        if counts and in_window.get(name) is not None:
            share = sum(in_window[name].values()) / max(1, sum(counts.values()))
            shares.append(f"{name} {100 * share:.0f} %")
    say(f"   sent while the POSTs went on (the first {window_s:.1f} s): {', '.join(shares)}; the "
        f"rest while the backlog drained")
    return Counter({command: n / accepted for command, n in net_all.items()}), floor_all


def turn_shares(store: StoreWork) -> str:
    """Per process and database: the share of the wall-clock time its turn was held, and how
    many workers waited for it on average (seconds waited, summed over them, per second)."""
    seconds = store.posted.at - store.before.at
    found = []
    for name, turns in grown(store.before, store.posted, "turns").items():
        if not turns:
            continue
        for database in sorted({database for database, _ in turns}):
            held, waited = turns.get((database, "held"), 0.0), turns.get((database, "waited"), 0.0)
            if held or waited:
                found.append(f"{name}/{short(database, store.db_prefix)} held {100 * held / seconds:.0f} %, "
                             f"{waited / seconds:.1f} waiting")
    return "; ".join(found) or "none taken (the store isolates, or nothing was written)"


def report_store_ceiling(args, store: StoreWork, per_moment: Counter, floor: float,
                         moments_per_s: float) -> None:
    say(f"7. Ceiling, the embedded store in the same run (services stopped, the run's data still in "
        f"it): one pymongo client, each kind of command for {store.ceiling_seconds:g} s as fast as "
        f"the store answers, from one thread (one command at a time) and from several sharing the "
        f"client; documents shaped like a delivery, in a collection with deliveries' four "
        f"indexes; a kind's rate = its commands / its wall-clock time; load average "
        f"{store.ceiling_load[0]:.2f} before, {store.ceiling_load[1]:.2f} after")
    what = {"insert": "one document", "find": "by _id",
            "update": "whole document by _id (replace_one)", "findAndModify": "$inc by _id",
            "delete": "by _id",
            "commitTransaction": "transactions of one insert: the insert and the commit count, "
                                 "the commit's latency"}
    for kind in KINDS:
        runs = [rates[kind] for rates in store.ceiling.values() if kind in rates]
        say(f"   {kind:<18} ({what[kind]})")
        for rate in runs:
            say(f"     {rate.threads} thread{'s' if rate.threads > 1 else ' '} {rate.per_s:8,.0f} "
                f"commands/s ({rate.commands:,}; {spread_ms(rate.latencies)}; the store's process "
                f"at {100 * rate.store_cpu_s / rate.elapsed_s:.0f} % of a core"
                + (f"; {rate.failed:,} refused" if rate.failed else "") + ")")
    cost = per_moment.total()
    blends = {threads: blend(per_moment, rates) for threads, rates in store.ceiling.items()}
    for threads, mixed in blends.items():
        left = ", ".join(f"{kind} {100 * share:.1f} %" for kind, share in
                         sorted(mixed.left_out.items(), key=lambda kv: -kv[1])) or "none"
        say(f"   blended at the soak's mix (net), {threads} thread{'s' if threads > 1 else ''}: "
            f"{mixed.per_s:,.0f} commands/s (each kind weighted by its share among the "
            f"{100 * mixed.covered:.0f} % of the mix's commands of a kind measured; left out: {left})")
    ceiling = blends[1].per_s
    asked = floor + cost * moments_per_s
    busy_s = store.drained.at - store.before.at
    served = sum(sum(c.values()) for c in grown(store.before, store.drained).values() if c) / busy_s
    say(f"   arithmetic, against the one-thread ceiling ({ceiling:,.0f} commands/s):")
    say(f"     asked: {cost:.1f} commands per moment x {moments_per_s:.2f} moments/s accepted + the idle "
        f"floor {floor:.1f}/s = {asked:,.0f} commands/s = {100 * asked / ceiling:.0f} % of the ceiling")
    say(f"     served: {served:,.0f} commands/s on average from the first POST to the last mail = "
        f"{100 * served / ceiling:.0f} % of the ceiling")
    for threads, mixed in blends.items():
        carried = (mixed.per_s - floor) / cost
        say(f"     the most this store could carry at {cost:.1f} commands per moment "
            f"({threads} thread{'s' if threads > 1 else ''}): ({mixed.per_s:,.0f} - {floor:.1f}) / "
            f"{cost:.1f} = {carried:,.1f} moments/s ({carried * args.buddies:,.0f} mails/s at "
            f"{args.buddies} buddies each), all of its time given to them")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--minutes", type=float, default=2, help="how long moments are streamed")
    parser.add_argument("--rate", type=float, default=5, help="moments per second offered")
    parser.add_argument("--authors", type=int, default=20, help="members who log moments, in turn")
    parser.add_argument("--buddies", type=int, default=3, help="buddies of each author (mails per moment)")
    parser.add_argument("--threads", type=int, default=4, help="threads posting moments")
    parser.add_argument("--drain-seconds", type=float, default=180,
                        help="at most this long to wait for the last mails after the last POST")
    parser.add_argument("--settle-seconds", type=float, default=5,
                        help="then this long for late duplicates")
    parser.add_argument("--ceiling-count", type=int, default=5000, help="messages in the broker ceiling")
    parser.add_argument("--ceiling-size", type=int, default=500, help="bytes per ceiling message (JSON)")
    parser.add_argument("--ceiling-prefetch", type=int, default=10,
                        help="unacknowledged messages the ceiling's consumer may hold (WB_MAX_WORKERS)")
    parser.add_argument("--idle-seconds", type=float, default=10,
                        help="before the soak, how long the store commands of an idle system "
                             "are counted (the timers' floor)")
    parser.add_argument("--store-ceiling-seconds", type=float, default=3,
                        help="how long each kind of command runs in the store's ceiling")
    parser.add_argument("--store-ceiling-threads", type=int, default=4,
                        help="the store's ceiling is measured from one thread and from this many "
                             "sharing the client (0: one thread only)")
    parser.add_argument("--store-isolates", default="auto", choices=("auto", "on", "off"),
                        help="the services' STORE_ISOLATES: 'on' makes them trust nx-27017 to "
                             "isolate transactions (it does not: for measuring what taking "
                             "turns costs, never for real use)")
    args = parser.parse_args()
    return run_interruptibly(run, args)


if __name__ == "__main__":
    sys.exit(main())
