"""Live streams benchmark: what open notification streams cost one gateway process, and how fast
a ring reaches them.

Run: .venv/bin/python bench/streams.py [--quick] [--threads 128] [--streams 100]

It starts a system of its own, as real processes, and stops all of it at the end (also on Ctrl-C
or an error): a fresh RabbitMQ vhost, an embedded store (nx-27017), an SMTP server (aiosmtpd, in
this process) and the four services (bench/system.py), the gateway as ONE gunicorn worker process
(GATEWAY_WORKERS=1) with GATEWAY_THREADS=T and STREAM_MAX_OPEN=K.

1. Setup (not measured): K + 1 members sign up through the gateway; K hold a stream each, the
   last one asks GET /v1/me and tries the stream beyond K.
2. Baseline, no stream open: the latency of GET /v1/me (sequential requests on one kept-alive
   HTTP connection), the gunicorn worker's CPU over an idle window, then, just before the streams
   open, its RSS, threads and open files (its /proc/<pid>/status and fd; the worker is the child
   of the gateway master the Supervisor started), its own sockets to the broker (/proc), and the
   AMQP connections, channels, queues and consumers of the run's vhost (management API, read
   once its statistics have caught up).
3. K streams opened at once: GET /v1/me/notifications/stream, one client thread and one HTTP
   connection each (http.client), released together by a barrier; a stream is open when its
   `retry:` line arrives (sent once its queue is bound). Time from the barrier to that line, per
   stream and for all K.
4. The same figures with the K streams open (and idle): the cost of one open stream.
5. Ring latency: workbuddy_platform.live.announce (the notifications service's path) of one
   item shaped as the service announces it to each member, timed from just before the announce
   to the `event: notification` read whole by that member's client thread. Two ways, for
   --rounds rounds: one at a time (the next announce once the last event arrived) and a burst (K
   announces back to back, then every event waited for). Ceiling, same vhost and broker: raw
   kombu publish -> consume through the same `notifications.live` topic exchange to a queue of
   this process (exclusive, bound by a routing key of its own), one connection, the same JSON
   body and non-persistent delivery, no acks; one at a time and in bursts of K.
6. One stream beyond K: expected 503 with Retry-After; GET /v1/me meanwhile (with the K open).
7. The K clients close their connections; a new stream at once; how long until the worker's
   broker connections come back to the baseline (a stream checks each second whether its app
   closed the connection), then RSS, threads and the vhost again.
8. K new streams are opened (the slots must have been freed) and held open and idle for
   --hold seconds: keep-alive lines per stream, streams the server ends, the worker's broker
   sockets over time.
For 7 and 8, why each stream's broker connection closed is read from the broker's own log when
it is a local file this process may read (/var/log/rabbitmq/rabbit@*.log), matched by the
worker's local ports; otherwise it is printed as unknown.

All times are time.perf_counter() in this process (clients, announces and ceiling run in it).
"""

import argparse
import concurrent.futures
import datetime
import http.client
import importlib.metadata
import json
import os
import platform
import re
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

import kombu
import kombu.pools
import requests
from aiosmtpd.controller import Controller
from kombu import Connection, Queue
from soak import Client, MailRecorder, percentile
from system import free_port, own_vhost, run_interruptibly, say, start_system, with_presets

from workbuddy_devstack.broker import Management
from workbuddy_devstack.processes import Supervisor, wait_until
from workbuddy_platform import live

BROKER = os.environ.get("SOAK_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")
FULL = {"threads": 128, "streams": 100, "requests": 300, "rounds": 5, "hold": 150}
QUICK = {"threads": 16, "streams": 8, "requests": 100, "rounds": 3, "hold": 60}
AMQP_PORT = 5672
HTTP_TIMEOUT = 30


def ms(values_s: list[float], qs=(50, 95, 99)) -> str:
    """Percentiles and max of durations given in seconds, printed in milliseconds."""
    if not values_s:
        return "no values"
    values = [v * 1000 for v in values_s]
    return ", ".join([*(f"p{q} {percentile(values, q):,.1f}" for q in qs),
                      f"max {max(values):,.1f} ms"])


# --- the gateway worker, as the kernel sees it --------------------------------------------------------


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def gateway_worker(supervisor: Supervisor) -> int:
    """The one gunicorn worker: the child of the gateway master the Supervisor started."""
    master = supervisor.children["gateway"].pid
    workers = wait_until(lambda: children_of(master), 30, "the gateway's gunicorn worker")
    if len(workers) != 1:
        raise RuntimeError(f"the gateway master {master} has {len(workers)} children, 1 expected")
    return workers[0]


@dataclass
class Process:
    rss_kb: int
    threads: int
    fds: int
    amqp_sockets: set[int]  # local ports of the worker's TCP connections to the broker


def socket_inodes(pid: int) -> set[str]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    return inodes


def amqp_ports(pid: int) -> set[int]:
    """Local ports of the process's established TCP connections to port 5672."""
    inodes, ports = socket_inodes(pid), set()
    for table in ("tcp", "tcp6"):
        try:
            lines = Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, remote, state, inode = fields[1], fields[2], fields[3], fields[9]
            if inode in inodes and state == "01" and int(remote.rsplit(":", 1)[1], 16) == AMQP_PORT:
                ports.add(int(local.rsplit(":", 1)[1], 16))
    return ports


def process(pid: int) -> Process:
    status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                  if ":" in line)
    return Process(int(status["VmRSS"].split()[0]), int(status["Threads"]),
                   len(os.listdir(f"/proc/{pid}/fd")), amqp_ports(pid))


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def idle_cpu(pid: int, seconds: float) -> float:
    """Share of one core the process used over ``seconds`` of nothing asked of it."""
    before, began = cpu_seconds(pid), time.perf_counter()
    time.sleep(seconds)
    return (cpu_seconds(pid) - before) / (time.perf_counter() - began)


# --- the broker, as the management API sees it --------------------------------------------------------


@dataclass
class Broker:
    connections: int
    channels: int
    of_worker: int  # connections whose peer port is one of the gateway worker's sockets
    queues: int
    exclusive_queues: int
    reply_queues: int  # the gateway's RPC reply queues (nameko: one per call, expiring 5 min after use)
    consumers: int
    queue_memory: int  # bytes, the vhost's exclusive queues (stats refresh every ~5 s)
    node_memory: int  # bytes, the whole node


def broker_view(management: Management, vhost: str, worker_ports: set[int]) -> Broker:
    name = quote(vhost, safe="")
    connections = requests.get(f"{management.base}/vhosts/{name}/connections", auth=management.auth,
                               params={"columns": "name,channels,peer_port"}, timeout=10).json()
    queues = requests.get(f"{management.base}/queues/{name}", auth=management.auth, timeout=10,
                          params={"columns": "name,exclusive,consumers,memory"}).json()
    [node] = requests.get(f"{management.base}/nodes", auth=management.auth, timeout=10,
                          params={"columns": "name,mem_used"}).json()[:1]
    exclusive = [q for q in queues if q.get("exclusive")]
    return Broker(len(connections), sum(c.get("channels", 0) for c in connections),
                  sum(1 for c in connections if c.get("peer_port") in worker_ports), len(queues),
                  len(exclusive), sum(1 for q in queues if q["name"].startswith("rpc.reply-")),
                  sum(q.get("consumers", 0) for q in queues),
                  sum(q.get("memory", 0) for q in exclusive), node.get("mem_used", 0))


# The broker emits channel, consumer and queue statistics every 5 s (collect_statistics_interval):
# counts are read once two such periods have passed since the last change.
STATS_SECONDS = 11


def settled_broker(management: Management, vhost: str, pid: int, expected: int | None = None,
                   timeout: float = 30) -> Broker:
    """The management API learns of a connection within a second or so: wait until it agrees
    with the gateway worker's sockets (``expected`` of them, if given), then for the statistics."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ports = amqp_ports(pid)
        if broker_view(management, vhost, ports).of_worker == (len(ports) if expected is None else expected):
            break
        time.sleep(0.5)
    time.sleep(STATS_SECONDS)
    return broker_view(management, vhost, amqp_ports(pid))


def broker_log() -> Path | None:
    found = sorted(p for p in Path("/var/log/rabbitmq").glob("rabbit@*.log") if "_upgrade" not in p.name)
    return found[0] if found and os.access(found[0], os.R_OK) else None


CLOSING = re.compile(r"^(\S+ \S+) \[\w+\] <([^>]+)> closing AMQP connection <[^>]+> "
                     r"\(127\.0\.0\.1:(\d+) -> [^)]*\)(:?)\s*$")


def closes_seen_by_broker(path: Path | None, since: str, ports: set[int]) -> Counter:
    """Why the broker says the connections from these local ports closed (its log, best effort:
    a local broker whose log we may read). A clean close is the client's; otherwise the reason
    is the next line of the same Erlang process."""
    reasons: Counter = Counter()
    if path is None or not ports:
        return reasons
    pending: dict[str, int] = {}
    with open(path, errors="replace") as log:
        for line in log:
            if line[:19] < since:
                continue
            closing = CLOSING.match(line)
            if closing:
                port = int(closing.group(3))
                if port in ports:
                    if closing.group(4):
                        pending[closing.group(2)] = port
                    else:
                        reasons["closed by the gateway (clean close)"] += 1
                continue
            for process_id in list(pending):
                if f"<{process_id}>" in line:
                    reasons[line.split(f"<{process_id}>", 1)[1].strip()] += 1
                    del pending[process_id]
    reasons["(reason not found in the log)"] += len(pending)
    return +reasons


# --- GET /v1/me ------------------------------------------------------------------------------------------


def me_latency(base_url: str, member: dict, count: int) -> tuple[list[float], dict[int, int]]:
    """Sequential GET /v1/me on one kept-alive connection; seconds per request, statuses."""
    session, times, statuses = requests.Session(), [], {}
    headers = {"Authorization": f"Bearer {member['access_token']}"}
    try:
        for _ in range(count):
            began = time.perf_counter()
            answer = session.get(f"{base_url}/v1/me", headers=headers, timeout=HTTP_TIMEOUT)
            times.append(time.perf_counter() - began)
            statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1
    finally:
        session.close()
    return times, statuses


# --- the streams, as an app holds them ------------------------------------------------------------


@dataclass
class Arrival:
    at: float
    stream: int


class Arrivals:
    """Events read whole by the client threads, by item id; waiters are told each one."""

    def __init__(self):
        self.by_id: dict[str, list[Arrival]] = {}
        self.misrouted = 0  # an item for another member on this stream
        self.condition = threading.Condition()

    def add(self, item_id: str, arrival: Arrival, right_member: bool) -> None:
        with self.condition:
            self.by_id.setdefault(item_id, []).append(arrival)
            self.misrouted += not right_member
            self.condition.notify_all()

    def wait_for(self, ids: list[str], timeout: float) -> bool:
        deadline = time.perf_counter() + timeout
        with self.condition:
            while not all(i in self.by_id for i in ids):
                left = deadline - time.perf_counter()
                if left <= 0:
                    return False
                self.condition.wait(left)
            return True


@dataclass
class StreamClient:
    index: int
    member: dict
    url: str
    arrivals: Arrivals
    connection: http.client.HTTPConnection | None = None
    status: int | None = None
    opened_s: float | None = None  # from the barrier to the retry: line
    error: str | None = None
    keep_alives: int = 0
    events: int = 0
    opened_at: float | None = None
    first_keep_alive_s: float | None = None
    ended_at: float | None = None  # the server ended the stream (not our close())
    end: str | None = None  # how: a clean end of the chunked body, or the exception
    last_line_at: float | None = None
    longest_quiet_s: float = 0.0  # the longest wait between two lines of the open stream
    open_event: threading.Event = field(default_factory=threading.Event)
    closing: bool = False
    thread: threading.Thread | None = None

    def run(self, barrier: threading.Barrier) -> None:
        url = urlsplit(self.url)
        try:
            barrier.wait()
            began = time.perf_counter()
            self.connection = http.client.HTTPConnection(url.hostname, url.port, timeout=600)
            self.connection.request("GET", "/v1/me/notifications/stream", headers={
                "Authorization": f"Bearer {self.member['access_token']}",
                "Accept": "text/event-stream"})
            response = self.connection.getresponse()
            self.status = response.status
            if response.status != 200:
                self.error = f"{response.status}: {response.read()[:200]!r}"
                return
            self.read(response, began)
            if not self.closing:
                self.ended_at, self.end = time.perf_counter(), "connection ended (EOF)"
        except Exception as exc:  # noqa: BLE001 - after it opened, the end comes from close()
            if self.opened_s is None:
                self.error = self.error or f"{type(exc).__name__}: {exc}"
            elif not self.closing:
                self.ended_at, self.end = time.perf_counter(), type(exc).__name__
        finally:
            self.open_event.set()
            if self.connection is not None:
                self.connection.close()

    def read(self, response: http.client.HTTPResponse, began: float) -> None:
        """Server-sent events, line by line: `retry:` opens, a blank line ends an event."""
        item_id = event = data = None
        while line := response.readline():
            now = time.perf_counter()
            if self.last_line_at is not None and not self.closing:
                self.longest_quiet_s = max(self.longest_quiet_s, now - self.last_line_at)
            self.last_line_at = now
            text = line.decode().rstrip("\r\n")
            if text.startswith("retry:") and self.opened_s is None:
                self.opened_at = time.perf_counter()
                self.opened_s = self.opened_at - began
                self.open_event.set()
            elif text.startswith(": keep-alive"):
                self.keep_alives += 1
                if self.first_keep_alive_s is None and self.opened_at is not None:
                    self.first_keep_alive_s = now - self.opened_at
            elif text.startswith("id: "):
                item_id = text[4:]
            elif text.startswith("event: "):
                event = text[7:]
            elif text.startswith("data: "):
                data = text[6:]
            elif text == "" and event == "notification":
                at = time.perf_counter()
                body = json.loads(data or "{}")
                self.events += 1
                self.arrivals.add(item_id, Arrival(at, self.index),
                                  body.get("data", {}).get("member_id") == self.member["id"]
                                  and body.get("id") == item_id)
                item_id = event = data = None

    def close(self) -> None:
        """The app goes: its end of the connection is shut (the reading thread then closes it);
        the server is not told otherwise."""
        self.closing = True
        connection = self.connection
        sock = connection.sock if connection is not None else None
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def open_streams(base_url: str, members: list[dict], arrivals: Arrivals,
                 timeout: float) -> tuple[list[StreamClient], float]:
    """K client threads released together; returns them and the time until the last opened."""
    barrier = threading.Barrier(len(members) + 1)
    clients = [StreamClient(i, m, base_url, arrivals) for i, m in enumerate(members)]
    for client in clients:
        client.thread = threading.Thread(target=client.run, args=(barrier,), daemon=True)
        client.thread.start()
    barrier.wait(timeout)
    began = time.perf_counter()
    deadline = time.monotonic() + timeout
    for client in clients:
        client.open_event.wait(max(0.0, deadline - time.monotonic()))
    return clients, time.perf_counter() - began


def close_streams(clients: list[StreamClient]) -> None:
    for client in clients:
        client.close()
    for client in clients:
        if client.thread is not None:
            client.thread.join(5)


def one_more_stream(base_url: str, member: dict) -> tuple[int, str | None, str]:
    """Try a stream: status, Retry-After, the body's start (a 200's first line: then it is
    closed at once, and holds its slot until the server notices)."""
    url = urlsplit(base_url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=HTTP_TIMEOUT)
    try:
        connection.request("GET", "/v1/me/notifications/stream", headers={
            "Authorization": f"Bearer {member['access_token']}", "Accept": "text/event-stream"})
        response = connection.getresponse()
        body = response.read(300) if response.status != 200 else response.readline()
        return response.status, response.getheader("Retry-After"), body.decode(errors="replace")
    finally:
        connection.close()


# --- ring latency: live.announce to the streams, and the raw broker -------------------------------


def notification(item_id: str, member_id: str) -> dict:
    """An item as the notifications service announces it (inbox.view)."""
    return {"id": item_id, "kind": "moment", "subject_id": None,
            "text": "A buddy of yours logged a moment: won a client.",
            "data": {"member_id": member_id, "moment_id": uuid.uuid4().hex, "moment_kind": "client_won"},
            "at": datetime.datetime.now(datetime.UTC).isoformat(), "read_at": None}


@dataclass
class Rings:
    one_at_a_time: list[float] = field(default_factory=list)
    burst: list[float] = field(default_factory=list)
    burst_all_s: list[float] = field(default_factory=list)  # first announce -> last event, per burst
    announce_s: list[float] = field(default_factory=list)  # the announce call itself
    lost: int = 0
    duplicated: int = 0


def ring(amqp_uri: str, clients: list[StreamClient], arrivals: Arrivals, rounds: int,
         run_id: str) -> Rings:
    rings = Rings()
    warm = f"{run_id}-warm"
    live.announce(amqp_uri, clients[0].member["id"], notification(warm, clients[0].member["id"]))
    arrivals.wait_for([warm], 10)  # the announcing connection and its pool, outside the figures
    sent: dict[str, float] = {}
    for r in range(rounds):
        for client in clients:  # one at a time
            item_id = f"{run_id}-{r}-one-{client.index}"
            item = notification(item_id, client.member["id"])
            began = time.perf_counter()
            live.announce(amqp_uri, client.member["id"], item)
            rings.announce_s.append(time.perf_counter() - began)
            sent[item_id] = began
            if arrivals.wait_for([item_id], 10):
                rings.one_at_a_time.append(arrivals.by_id[item_id][0].at - began)
        ids, items = [], []
        for client in clients:  # a burst: built first, then announced back to back
            ids.append(f"{run_id}-{r}-burst-{client.index}")
            items.append((client.member["id"], notification(ids[-1], client.member["id"])))
        first = time.perf_counter()
        for item_id, (member_id, item) in zip(ids, items, strict=True):
            sent[item_id] = time.perf_counter()
            live.announce(amqp_uri, member_id, item)
        arrivals.wait_for(ids, 30)
        got = [arrivals.by_id[i][0].at for i in ids if i in arrivals.by_id]
        rings.burst += [arrivals.by_id[i][0].at - sent[i] for i in ids if i in arrivals.by_id]
        if got:
            rings.burst_all_s.append(max(got) - first)
        time.sleep(0.5)
    time.sleep(1)  # late duplicates
    rings.lost = sum(1 for i in sent if i not in arrivals.by_id)
    rings.duplicated = sum(len(arrivals.by_id[i]) - 1 for i in sent if i in arrivals.by_id)
    return rings


def ceiling(amqp_uri: str, count: int, burst: int, rounds: int, run_id: str) -> Rings:
    """kombu alone: publish -> consume through notifications.live, one connection, one thread."""
    rings = Rings()
    key = f"bench-ceiling-{run_id}"
    got: dict[str, float] = {}

    def received(body, message):
        got[body["id"]] = time.perf_counter()

    with Connection(amqp_uri) as connection:
        queue = Queue(exchange=live.EXCHANGE, routing_key=key, exclusive=True, auto_delete=True)
        producer = connection.Producer(serializer="json")
        with connection.Consumer(queue, callbacks=[received], no_ack=True):

            def publish(item_id: str) -> float:
                began = time.perf_counter()
                producer.publish(notification(item_id, key), exchange=live.EXCHANGE, routing_key=key,
                                 delivery_mode=1, declare=[live.EXCHANGE])
                return began

            def drain_until(ids: list[str], timeout: float = 10) -> None:
                deadline = time.perf_counter() + timeout
                while not all(i in got for i in ids) and time.perf_counter() < deadline:
                    try:
                        connection.drain_events(timeout=1)
                    except TimeoutError:
                        pass

            publish("warm")
            drain_until(["warm"])
            sent = {}
            for n in range(count):
                item_id = f"one-{n}"
                sent[item_id] = publish(item_id)
                drain_until([item_id])
                if item_id in got:
                    rings.one_at_a_time.append(got[item_id] - sent[item_id])
            for r in range(rounds):
                ids = [f"burst-{r}-{n}" for n in range(burst)]
                bodies = [notification(i, key) for i in ids]
                first = time.perf_counter()
                for item_id, body in zip(ids, bodies, strict=True):
                    sent[item_id] = time.perf_counter()
                    producer.publish(body, exchange=live.EXCHANGE, routing_key=key, delivery_mode=1,
                                     declare=[live.EXCHANGE])
                drain_until(ids)
                rings.burst += [got[i] - sent[i] for i in ids if i in got]
                if any(i in got for i in ids):
                    rings.burst_all_s.append(max(got[i] for i in ids if i in got) - first)
            rings.lost = sum(1 for i in sent if i not in got)
    return rings


# --- the whole run -----------------------------------------------------------------------------------


@dataclass
class State:
    """One moment of the gateway worker and the broker."""
    process: Process
    broker: Broker
    idle_cpu: float | None = None
    me: list[float] = field(default_factory=list)
    me_statuses: dict[int, int] = field(default_factory=dict)


@dataclass
class Measured:
    worker_pid: int
    base: State
    open_: State
    opened: list[StreamClient]
    open_all_s: float
    rings: Rings
    ceiling: Rings
    over: tuple[int, str | None, str]
    me_meanwhile: list[float]
    me_meanwhile_statuses: dict[int, int]
    released_s: list[float]  # clients closed -> each of their broker connections closed
    closed_too_soon: tuple[int, str | None, str]  # a new stream just after the K clients closed
    after: State
    keep_alives: int
    longest_quiet_s: list[float]  # per stream
    ended_before_close: list[StreamClient]
    release_reasons: Counter  # why the broker saw the streams' connections close
    hold: "Hold"
    log_dir: Path
    dead: list[str]


@dataclass
class Hold:
    """K new streams held open and idle: do keep-alives come, does anything end them?"""
    seconds: float
    opened: int
    open_all_s: float
    clients: list[StreamClient]
    sockets: list[tuple[float, int]]  # (s into the hold, the worker's broker sockets beyond baseline)
    reasons: Counter  # the broker's word on the streams' connections that closed

    def ended(self) -> list[StreamClient]:
        return [c for c in self.clients if c.ended_at is not None]

    def lifetimes(self) -> list[float]:
        return sorted(c.ended_at - c.opened_at for c in self.ended() if c.opened_at is not None)


def utc_now() -> str:
    """Now, as the broker's log writes it (UTC), to read only what it logged from then on."""
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S")


def sign_up(client: Client, run_id: str, count: int) -> list[dict]:
    # Sign-up hashes a password (Argon2id): a few at a time.
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        return list(pool.map(lambda i: client.sign_up(f"Streamer {i}", "en" if i % 2 else "fr",
                                                      f"streams-{run_id}-{i}@example.org"), range(count)))


def state(pid: int, management: Management, vhost: str, expected: int | None = None) -> State:
    return State(process(pid), settled_broker(management, vhost, pid, expected))


def streams(args, run_id: str, amqp_uri: str, vhost: str, management: Management,
            workdir: Path) -> Measured:
    supervisor = Supervisor(workdir / "log")
    smtp = Controller(MailRecorder(), hostname="127.0.0.1", port=free_port())
    smtp.start()
    clients: list[StreamClient] = []
    try:
        env = {"GATEWAY_WORKERS": "1", "GATEWAY_THREADS": str(args.threads),
               "STREAM_MAX_OPEN": str(args.streams), "STREAM_KEEP_ALIVE": f"{args.keep_alive:g}"}
        system = start_system(supervisor, workdir, amqp_uri, smtp.port, f"streams-{run_id}", 3600, env)
        base_url = system.stack.gateway_url
        pid = gateway_worker(supervisor)
        say(f"system up: vhost {vhost}, gateway {base_url} (master {supervisor.children['gateway'].pid}, "
            f"worker {pid}), logs in {supervisor.log_dir}")
        began = time.perf_counter()
        members = sign_up(Client(base_url), run_id, args.streams + 1)
        holders, asker = members[:-1], members[-1]
        say(f"setup: {len(members)} members signed up in {time.perf_counter() - began:.1f} s (not measured)")

        say("baseline, no stream open ...")
        me, me_statuses = me_latency(base_url, asker, args.requests)
        cpu = idle_cpu(pid, args.idle_seconds)  # also lets the requests' RPC connections close
        base = state(pid, management, vhost)  # just before the streams: only they come in between
        base.me, base.me_statuses, base.idle_cpu = me, me_statuses, cpu
        say(f"   RSS {base.process.rss_kb / 1024:.1f} MB, {base.process.threads} threads, vhost "
            f"{base.broker.connections} connections; GET /v1/me {ms(base.me)}")

        say(f"opening {args.streams} streams at once ...")
        arrivals = Arrivals()
        log_since = utc_now()
        clients, open_all_s = open_streams(base_url, holders, arrivals, args.open_timeout)
        opened = clients
        not_open = [c for c in clients if c.opened_s is None]
        say(f"   {len(clients) - len(not_open)} open in {open_all_s:.2f} s; per stream "
            f"{ms([c.opened_s for c in clients if c.opened_s is not None], (50, 95))}")
        for c in not_open[:5]:
            say(f"   !! stream {c.index} not open: status {c.status}, {c.error}")
        if not_open:
            raise RuntimeError(f"{len(not_open)} of {len(clients)} streams did not open")

        open_ = state(pid, management, vhost, len(base.process.amqp_sockets) + args.streams)
        open_.idle_cpu = idle_cpu(pid, args.idle_seconds)
        open_.me, open_.me_statuses = me_latency(base_url, asker, args.requests)
        say(f"   RSS {open_.process.rss_kb / 1024:.1f} MB, {open_.process.threads} threads, vhost "
            f"{open_.broker.connections} connections; GET /v1/me {ms(open_.me)}")

        say(f"ring: {args.rounds} rounds of {args.streams} announces one at a time, then a burst ...")
        rings = ring(amqp_uri, clients, arrivals, args.rounds, run_id)
        kombu.pools.reset()  # the announcing connection closes: only the gateway's are counted
        say(f"   one at a time {ms(rings.one_at_a_time)}; burst {ms(rings.burst)}; lost {rings.lost}, "
            f"duplicated {rings.duplicated}, misrouted {arrivals.misrouted}")
        say("ceiling: kombu publish -> consume through notifications.live ...")
        raw = ceiling(amqp_uri, args.rounds * args.streams, args.streams, args.rounds, run_id)
        say(f"   one at a time {ms(raw.one_at_a_time)}; burst {ms(raw.burst)}")

        say("one stream beyond the limit ...")
        over = one_more_stream(base_url, asker)
        me_meanwhile, me_meanwhile_statuses = me_latency(base_url, asker, 20)
        say(f"   {over[0]}, Retry-After {over[1]}; GET /v1/me meanwhile {me_meanwhile_statuses}")
        keep_alives = sum(c.keep_alives for c in clients)
        longest_quiet = [c.longest_quiet_s for c in clients]
        dead = supervisor.dead()

        say("closing the streams ...")
        stream_ports = open_.process.amqp_sockets - base.process.amqp_sockets
        ended_before_close = [c for c in clients if c.ended_at is not None]
        close_streams(clients)
        closed = time.perf_counter()
        too_soon = one_more_stream(base_url, asker)
        released, held = [], len(amqp_ports(pid))
        baseline = len(base.process.amqp_sockets)
        deadline = closed + args.release_wait
        while held > baseline and time.perf_counter() < deadline:
            time.sleep(0.25)
            now = len(amqp_ports(pid))
            released += [time.perf_counter() - closed] * max(0, held - now)
            held = min(held, now)
        say(f"   a new stream at once: {too_soon[0]}; {len(released)} broker connections closed, "
            f"the last {released[-1] if released else float('nan'):.1f} s after the clients")
        time.sleep(2)
        after = state(pid, management, vhost)
        release_reasons = closes_seen_by_broker(broker_log(), log_since, stream_ports)
        say(f"   worker's broker sockets {len(after.process.amqp_sockets)} (baseline {baseline}); vhost "
            f"{after.broker.connections} connections; RSS {after.process.rss_kb / 1024:.1f} MB; the broker "
            f"says: {dict(release_reasons) or 'unknown'}")

        say(f"holding {args.streams} new streams open and idle for {args.hold:g} s ...")
        log_since = utc_now()
        clients, reopen_all_s = open_streams(base_url, holders, Arrivals(), args.open_timeout)
        reopened = sum(1 for c in clients if c.opened_s is not None)
        hold_ports = amqp_ports(pid) - base.process.amqp_sockets
        hold_from = time.perf_counter()
        sockets_during_hold = []
        while time.perf_counter() - hold_from < args.hold:
            time.sleep(1)
            sockets_during_hold.append((time.perf_counter() - hold_from, len(amqp_ports(pid)) - baseline))
        hold = Hold(args.hold, reopened, reopen_all_s, clients, sockets_during_hold,
                    closes_seen_by_broker(broker_log(), log_since, hold_ports))
        say(f"   {reopened} of {args.streams} open again; {len(hold.ended())} ended by the server during "
            f"the hold; {sum(c.keep_alives for c in clients)} keep-alive lines; the broker says: "
            f"{dict(hold.reasons) or 'nothing closed'}")
        return Measured(pid, base, open_, opened, open_all_s, rings, raw, over, me_meanwhile,
                        me_meanwhile_statuses, released, too_soon, after, keep_alives,
                        longest_quiet, ended_before_close, release_reasons, hold,
                        supervisor.log_dir, dead)
    finally:
        close_streams(clients)
        kombu.pools.reset()
        supervisor.stop_all()
        smtp.stop()


def versions() -> str:
    names = ("kombu", "amqp", "gunicorn", "flask", "requests", "nx-27017")
    return ", ".join(f"{name} {importlib.metadata.version(name)}" for name in names)


def broker_version(management: Management) -> str:
    try:
        overview = requests.get(f"{management.base}/overview", auth=management.auth, timeout=5).json()
        return f"RabbitMQ {overview['rabbitmq_version']} (Erlang {overview['erlang_version']})"
    except (requests.RequestException, ValueError, KeyError):
        return "RabbitMQ (version unknown)"


def run(args) -> int:
    run_id = uuid.uuid4().hex[:8]
    say("Work Buddy live streams benchmark: open notification streams on one gateway process")
    say(f"date {datetime.datetime.now().astimezone().isoformat(timespec='seconds')}; "
        f"{platform.platform()}; {platform.processor() or platform.machine()}; "
        f"os.cpu_count()={os.cpu_count()}; Python {platform.python_version()}; {versions()}; "
        f"load average at start {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    say(f"settings: {'--quick; ' if args.quick else ''}GATEWAY_WORKERS=1, GATEWAY_THREADS={args.threads}, "
        f"STREAM_MAX_OPEN={args.streams}, STREAM_KEEP_ALIVE={args.keep_alive:g}; {args.streams} streams; "
        f"GET /v1/me x {args.requests}; {args.rounds} ring rounds; idle windows {args.idle_seconds:g} s")
    say("method: its own vhost, store, SMTP server and four service processes; the gateway worker's "
        "/proc (RSS, threads, fds, sockets to the broker) and the management API; times "
        "time.perf_counter in this process (clients, announces, ceiling)")
    say()
    vhost = f"wb-streams-{run_id}"
    with own_vhost(BROKER, vhost) as (amqp_uri, management):
        say(broker_version(management))
        workdir = Path(tempfile.mkdtemp(prefix=f"wb-streams-{run_id}-"))
        try:
            measured = streams(args, run_id, amqp_uri, vhost, management, workdir)
        finally:
            shutil.rmtree(workdir / "mongo", ignore_errors=True)  # the logs are kept
    say()
    return report(args, measured)


# --- the report ------------------------------------------------------------------------------------


def report(args, m: Measured) -> int:
    k = args.streams
    b, o, a = m.base, m.open_, m.after
    per = lambda before, with_: (with_ - before) / k  # noqa: E731 - a one-line helper
    rows = [
        ("gateway worker RSS (MB)", f"{b.process.rss_kb / 1024:.1f}", f"{o.process.rss_kb / 1024:.1f}",
         f"{per(b.process.rss_kb, o.process.rss_kb):.0f} KB", f"{a.process.rss_kb / 1024:.1f}"),
        ("gateway worker threads", b.process.threads, o.process.threads,
         f"{per(b.process.threads, o.process.threads):.2f}", a.process.threads),
        ("gateway worker open files", b.process.fds, o.process.fds,
         f"{per(b.process.fds, o.process.fds):.2f}", a.process.fds),
        ("gateway worker sockets to the broker", len(b.process.amqp_sockets), len(o.process.amqp_sockets),
         f"{per(len(b.process.amqp_sockets), len(o.process.amqp_sockets)):.2f}",
         len(a.process.amqp_sockets)),
        ("AMQP connections on the vhost", b.broker.connections, o.broker.connections,
         f"{per(b.broker.connections, o.broker.connections):.2f}", a.broker.connections),
        ("  of which the gateway worker's", b.broker.of_worker, o.broker.of_worker,
         f"{per(b.broker.of_worker, o.broker.of_worker):.2f}", a.broker.of_worker),
        ("AMQP channels on the vhost", b.broker.channels, o.broker.channels,
         f"{per(b.broker.channels, o.broker.channels):.2f}", a.broker.channels),
        ("queues (exclusive) / consumers", f"{b.broker.queues} ({b.broker.exclusive_queues}) / "
         f"{b.broker.consumers}", f"{o.broker.queues} ({o.broker.exclusive_queues}) / {o.broker.consumers}",
         f"{per(b.broker.exclusive_queues, o.broker.exclusive_queues):.2f} / "
         f"{per(b.broker.consumers, o.broker.consumers):.2f}",
         f"{a.broker.queues} ({a.broker.exclusive_queues}) / {a.broker.consumers}"),
        ("  RPC reply queues among them", b.broker.reply_queues, o.broker.reply_queues, "",
         a.broker.reply_queues),
        ("exclusive queues' memory (KB)", f"{b.broker.queue_memory / 1024:.0f}",
         f"{o.broker.queue_memory / 1024:.0f}",
         f"{per(b.broker.queue_memory, o.broker.queue_memory) / 1024:.1f} KB",
         f"{a.broker.queue_memory / 1024:.0f}"),
        ("broker node memory, whole node (MB)", f"{b.broker.node_memory / 2**20:.1f}",
         f"{o.broker.node_memory / 2**20:.1f}",
         f"{per(b.broker.node_memory, o.broker.node_memory) / 1024:.0f} KB",
         f"{a.broker.node_memory / 2**20:.1f}"),
        (f"gateway worker CPU, idle {args.idle_seconds:g} s", f"{100 * b.idle_cpu:.2f} %",
         f"{100 * o.idle_cpu:.2f} %", "", ""),
    ]
    for q in (50, 95, 99):
        rows.append((f"GET /v1/me p{q} (ms)", f"{percentile([t * 1000 for t in b.me], q):.1f}",
                     f"{percentile([t * 1000 for t in o.me], q):.1f}", "", ""))
    rows.append(("GET /v1/me statuses", b.me_statuses, o.me_statuses, "", ""))
    head = ("figure", "no stream", f"{k} streams open", "per stream", "after closing")
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(5)]
    say(f"Gateway worker (pid {m.worker_pid}) and broker, before, with {k} idle streams, and after:")
    for r in [head, *rows]:
        say("  " + " | ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w)
                              for i, (c, w) in enumerate(zip(r, widths, strict=True))))
    say()
    opened = [c.opened_s for c in m.opened if c.opened_s is not None]
    say(f"Opening {k} streams at once: all open in {m.open_all_s:.2f} s; per stream (connect -> retry: "
        f"line) {ms(opened, (50, 95))}")
    say(f"Ring latency, live.announce -> event read by the member's client ({len(m.rings.one_at_a_time)} "
        f"one at a time, {len(m.rings.burst)} in {len(m.rings.burst_all_s)} bursts of {k}):")
    say(f"  one at a time: {ms(m.rings.one_at_a_time)}   (the announce call alone: {ms(m.rings.announce_s)})")
    say(f"  burst of {k}:    {ms(m.rings.burst)}; first announce -> last event "
        f"{ms(m.rings.burst_all_s, (50,))}")
    say(f"  lost {m.rings.lost}, duplicated {m.rings.duplicated}")
    say(f"Ceiling, kombu publish -> consume through notifications.live, one connection "
        f"({len(m.ceiling.one_at_a_time)} one at a time, {len(m.ceiling.burst)} in bursts of {k}):")
    say(f"  one at a time: {ms(m.ceiling.one_at_a_time)}")
    say(f"  burst of {k}:    {ms(m.ceiling.burst)}; first publish -> last message "
        f"{ms(m.ceiling.burst_all_s, (50,))}; lost {m.ceiling.lost}")
    ratio = percentile(m.rings.one_at_a_time, 50) / percentile(m.ceiling.one_at_a_time, 50)
    say(f"  ring / ceiling, p50 one at a time: {ratio:.1f}x")
    status, retry_after, body = m.over
    say(f"Stream {k + 1} (beyond STREAM_MAX_OPEN={k}): {status}, Retry-After {retry_after}; {body[:120]!r}")
    say(f"GET /v1/me meanwhile: {m.me_meanwhile_statuses}, {ms(m.me_meanwhile)}")
    say(f"Keep-alive lines read by the clients while open: {m.keep_alives}; the longest wait between "
        f"two lines of a stream: median {statistics.median(m.longest_quiet_s):.1f} s, max "
        f"{max(m.longest_quiet_s):.1f} s (STREAM_KEEP_ALIVE={args.keep_alive:g}); streams the server "
        f"ended before the clients closed: {len(m.ended_before_close)}")
    say(f"After the {k} clients closed (a stream checks each second whether its app is still there):")
    say(f"  a new stream at once: {m.closed_too_soon[0]}, Retry-After {m.closed_too_soon[1]}")
    if m.released_s:
        say(f"  the worker's broker connections closed: {len(m.released_s)} of {k} within "
            f"{args.release_wait:g} s; first {m.released_s[0]:.1f} s, median "
            f"{statistics.median(m.released_s):.1f} s, last {m.released_s[-1]:.1f} s after the clients "
            f"closed")
    else:
        say(f"  the worker's broker connections closed: none within {args.release_wait:g} s")
    say(f"  how, in the broker's log: {dict(m.release_reasons) or 'unknown (log not readable)'}")
    say(f"  worker's broker sockets {len(m.after.process.amqp_sockets)} (baseline "
        f"{len(m.base.process.amqp_sockets)}); vhost connections {m.after.broker.connections} (baseline "
        f"{m.base.broker.connections}), exclusive queues {m.after.broker.exclusive_queues}; RSS "
        f"{m.after.process.rss_kb / 1024:.1f} MB, {m.after.process.threads} threads")
    h = m.hold
    say(f"Held open and idle, {k} new streams for {h.seconds:g} s: {h.opened} of {k} opened (all in "
        f"{h.open_all_s:.2f} s)")
    keep_alives = [c.keep_alives for c in h.clients]
    first = [c.first_keep_alive_s for c in h.clients if c.first_keep_alive_s is not None]
    first_text = (f"{len(first)} streams had one, the first after median {statistics.median(first):.1f} s, "
                  f"max {max(first):.1f} s" if first else "none had one")
    say(f"  keep-alive lines per stream: median {statistics.median(keep_alives):g}, min {min(keep_alives)}, "
        f"max {max(keep_alives)} (one per {args.keep_alive:g} s would be {h.seconds / args.keep_alive:.1f}); "
        f"{first_text}")
    lifetimes = h.lifetimes()
    if lifetimes:
        say(f"  ended by the server during the hold: {len(lifetimes)} of {h.opened}, after "
            f"min {lifetimes[0]:.1f} s, median {statistics.median(lifetimes):.1f} s, max "
            f"{lifetimes[-1]:.1f} s open; as the client saw it: {dict(Counter(c.end for c in h.ended()))}")
    else:
        say(f"  ended by the server during the hold: none of {h.opened}")
    say(f"  how, in the broker's log: {dict(h.reasons) or 'nothing closed (or log not readable)'}")
    marks = [(t, n) for t, n in h.sockets if int(t) % 15 == 0 or t >= h.sockets[-1][0]]
    say(f"  the worker's broker sockets beyond the baseline over the hold: "
        f"{', '.join(f'{t:.0f} s: {n}' for t, n in marks)}")
    if m.dead:
        say(f"!! processes that stopped during the run: {m.dead}")
    say()
    say(f"load average at the end {' '.join(f'{x:.2f}' for x in os.getloadavg())}; logs in {m.log_dir}")
    ok = (status == 503 and retry_after is not None and set(m.me_meanwhile_statuses) == {200}
          and not m.rings.lost and len(m.released_s) == k and h.opened == k)
    say(f"summary: {k} streams open in {m.open_all_s:.2f} s; "
        f"{per(b.process.rss_kb, o.process.rss_kb):.0f} KB RSS, "
        f"{per(b.process.threads, o.process.threads):.2f} threads, "
        f"{per(b.broker.connections, o.broker.connections):.2f} AMQP connections per stream; "
        f"ring p50 {1000 * percentile(m.rings.one_at_a_time, 50):.1f} ms / p99 "
        f"{1000 * percentile(m.rings.one_at_a_time, 99):.1f} ms (ceiling p50 "
        f"{1000 * percentile(m.ceiling.one_at_a_time, 50):.2f} ms); beyond the limit {status}; "
        f"gone apps released after {statistics.median(m.released_s) if m.released_s else float('nan'):.0f} s "
        f"(median); idle streams ended by the server within {h.seconds:g} s: {len(lifetimes)} of {h.opened}; "
        f"{'PASS' if ok else 'CHECK'}")
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--quick", action="store_true", help=f"a smoke run: {QUICK} instead of {FULL}")
    parser.add_argument("--threads", type=int, help=f"GATEWAY_THREADS ({FULL['threads']}, "
                        f"--quick {QUICK['threads']})")
    parser.add_argument("--streams", type=int, help=f"streams opened, also STREAM_MAX_OPEN "
                        f"({FULL['streams']}, --quick {QUICK['streams']})")
    parser.add_argument("--requests", type=int, help=f"sequential GET /v1/me per measurement "
                        f"({FULL['requests']}, --quick {QUICK['requests']})")
    parser.add_argument("--rounds", type=int,
                        help=f"ring rounds ({FULL['rounds']}, --quick {QUICK['rounds']})")
    parser.add_argument("--keep-alive", type=float, default=15,
                        help="STREAM_KEEP_ALIVE of the gateway (the service's default)")
    parser.add_argument("--idle-seconds", type=float, default=16,
                        help="window over which the idle worker's CPU is measured")
    parser.add_argument("--release-wait", type=float, default=150,
                        help="at most this long for the closed streams' broker connections to close")
    parser.add_argument("--hold", type=float, help=f"seconds the second set of streams is held open "
                        f"and idle ({FULL['hold']}, --quick {QUICK['hold']})")
    parser.add_argument("--open-timeout", type=float, default=120,
                        help="at most this long for the streams to open")
    args = with_presets(parser.parse_args(), QUICK, FULL)
    return run_interruptibly(run, args)


if __name__ == "__main__":
    sys.exit(main())
