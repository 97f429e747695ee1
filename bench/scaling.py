"""Scaling benchmark: notifications scaled out to 1, 2 then 3 processes on an I/O-bound backlog.

Run: .venv/bin/python bench/scaling.py [--quick] [--smtp-delay 1.0] [--moments 200] [--processes 1,2,3]

It starts a system of its own, as real processes, and stops all of it at the end (also on Ctrl-C
or an error): a fresh RabbitMQ vhost, an embedded store (nx-27017) and the four services
(bench/system.py), and an SMTP server (aiosmtpd, in this process) that answers each mail only
after ``--smtp-delay`` seconds, as a slow relay would. aiosmtpd serves sessions concurrently, so
N processes of W workers each can have N x W mails in flight: delivery waits on the mail server,
not on the cores, and more processes should mean more mails per second.

1. Setup (not measured): ``--authors`` members each become buddies (through the gateway) with
   ``--buddies`` members of their own; their buddyship mails (answered at once) are waited for,
   then the notifications process the stack started is stopped.
2. For each N of ``--processes``:
   a. Backlog: with no notifications process running, ``--moments`` moments are logged through
      the gateway, each note carrying a tag; we wait until all their moment.logged events sit in
      notifications' queue (and matching has consumed its own copies, so that it does not
      compete for the cores while we measure).
   b. N notifications processes are started at once: the same command and configuration, each a
      process of its own (its own ops port), competing consumers of the same queues.
   c. Measured: from just before the first process starts to the arrival of the last expected
      mail (start-up included: scaling out pays it), mails per second; also from the first mail
      to the last (delivery alone).
   d. Accounting as in soak.py: each (moment, buddy) mail exactly once, matched by the tag in its
      text part and its envelope recipient; lost and duplicated. Then the N processes are stopped
      (SIGTERM: in-flight workers finish and acknowledge).
3. The ideal: a process runs at most W deliveries at once (nameko's max_workers, WB_MAX_WORKERS,
   which is also its prefetch), and each mail holds a worker at least ``--smtp-delay`` s: at most
   W / delay mails/s per process, N x W / delay for N.

All times are time.monotonic() in this process (the SMTP server runs in it too).
"""

import argparse
import asyncio
import datetime
import importlib.metadata
import os
import platform
import shutil
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import requests
from aiosmtpd.controller import Controller
from kombu import Connection
from soak import (
    Accounting,
    Cast,
    Client,
    MailRecorder,
    drain,
    ledger_summary,
    log_records,
    log_summary,
    sign_up_cast,
    stream_moments,
    wait_for_buddyship_mails,
)
from system import (
    System,
    free_port,
    free_ports,
    own_vhost,
    run_interruptibly,
    say,
    start_system,
    with_presets,
)

from workbuddy_contracts.catalogue import SUBSCRIPTIONS
from workbuddy_devstack.processes import Supervisor, wait_until
from workbuddy_devstack.stack import Stack
from workbuddy_platform.settings import Settings

BROKER = os.environ.get("SOAK_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")
# Sizes of a full run (about 3 minutes on 2 cores) and of --quick (about 1 minute); an option
# given on the command line wins over both. --quick's 30 moments fill 3 processes' 30 workers
# exactly once: one wave of events at 3 processes, two at 2, three at 1.
FULL = {"authors": 10, "buddies": 3, "moments": 200}
QUICK = {"authors": 5, "buddies": 3, "moments": 30}


def queue_of(consumer: str, event: str) -> str:
    [queue] = [s.queue for s in SUBSCRIPTIONS if s.consumer == consumer and s.event == event]
    return queue


NOTIFICATIONS_QUEUE = queue_of("notifications", "moment.logged")
MATCHING_QUEUE = queue_of("matching", "moment.logged")


# --- the slow mail server -------------------------------------------------------------------------


class SlowMailServer(MailRecorder):
    """Records every mail (soak.py's recorder), but answers 250 only after ``delay`` seconds.
    The sleep is asyncio's: sessions wait side by side, as at a distant relay, so the delay
    bounds each delivery, not the server. Also counts the most mails it held at once: the
    concurrency the senders really reached."""

    def __init__(self, delay: float = 0.0):
        super().__init__()
        self.delay = delay
        self.in_flight = 0
        self.peak = 0

    async def handle_DATA(self, server, session, envelope):
        self.in_flight += 1  # one event loop: no lock needed
        self.peak = max(self.peak, self.in_flight)
        try:
            if self.delay:
                await asyncio.sleep(self.delay)
            return await super().handle_DATA(server, session, envelope)
        finally:
            self.in_flight -= 1

    def reset_peak(self) -> None:
        self.peak = self.in_flight


# --- processes: the notifications replicas, and what they cost ----------------------------------


def start_notifications(stack: Stack, names: list[str], max_workers: int) -> None:
    """The same command and configuration as the stack's own notifications process; only the
    ops port differs (two processes cannot listen on one)."""
    env = stack.env() | {"WB_MAX_WORKERS": str(max_workers), "OPS_HOST": "127.0.0.1"}
    for name, port in zip(names, free_ports(len(names)), strict=True):
        stack.supervisor.start(name, [sys.executable, "-m", "workbuddy_notifications"],
                               env | {"OPS_PORT": str(port)})


def cpu_seconds(supervisor: Supervisor, name: str) -> float:
    """User + system CPU a child has used so far (Linux /proc); NaN when it cannot be read."""
    child = supervisor.children.get(name)
    try:
        fields = Path(f"/proc/{child.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (AttributeError, OSError, IndexError, ValueError):
        return float("nan")


# --- the backlog: moments waiting in notifications' queue -----------------------------------------


def queue_depth(amqp_uri: str, queue: str) -> tuple[int, int]:
    """(ready messages, consumers) straight from the broker (a passive declare): exact at once,
    where the management API's counts lag by seconds."""
    with Connection(amqp_uri) as connection:
        _, messages, consumers = connection.default_channel.queue_declare(queue=queue, passive=True)
        return messages, consumers


def log_backlog(client: Client, cast: Cast, moments: int, round_id: str, threads: int,
                rate: float) -> tuple[dict[tuple[str, str], float], set[str]]:
    """Log ``moments`` tagged moments (soak.py's schedule, authors in turn); returns the mails
    they owe, (tag, buddy id) -> when the moment was accepted, and the moments' ids."""
    # (moments + 0.5) / rate: the schedule's int(rate * seconds) must not round one moment away.
    posted, _ = stream_moments(client, cast.authors, rate, (moments + 0.5) / rate, threads, round_id,
                               threading.Event())
    refused = [p for p in posted if p.status != 201]
    if refused:
        raise RuntimeError(f"{len(refused)} of {len(posted)} moments were not accepted: "
                           f"{[(p.status, p.error) for p in refused[:3]]}")
    expected = {(p.tag, buddy): p.done for p in posted for buddy in cast.buddies_of[p.author_id]}
    return expected, {p.moment_id for p in posted}


def wait_for_backlog(amqp_uri: str, events: int, timeout: float = 120) -> None:
    """Until every moment.logged waits in notifications' queue (the outbox relay has published
    them all) and matching has consumed its copies (it would compete for the cores)."""
    def ready():
        waiting, consumers = queue_depth(amqp_uri, NOTIFICATIONS_QUEUE)
        if consumers:
            raise RuntimeError(f"{consumers} consumer(s) on {NOTIFICATIONS_QUEUE}: notifications "
                               "is still running")
        if waiting > events:
            raise RuntimeError(f"{waiting} events wait in {NOTIFICATIONS_QUEUE}, {events} expected")
        return waiting == events and queue_depth(amqp_uri, MATCHING_QUEUE)[0] == 0

    wait_until(ready, timeout, f"{events} moment.logged events in {NOTIFICATIONS_QUEUE}", interval=0.5)


# --- one round: N processes on the backlog -----------------------------------------------------


@dataclass
class Round:
    processes: int
    expected: int
    started: float  # just before the first process was started
    accounting: Accounting
    peak_in_flight: int  # the most mails the SMTP server held at once
    sent_by: dict[str, int]  # process -> mails it logged as sent
    cpu_s: dict[str, float]  # process -> CPU seconds over the round (its start-up included)
    store_cpu_s: float
    bench_cpu_s: float  # this process: SMTP server, accounting
    ledger: dict
    left_in_queue: int
    warnings: Counter
    dead: list[str]
    load: float  # 1-minute load average at the end of the round

    def arrivals(self) -> list[float]:
        """When each expected mail first arrived, in order."""
        return sorted(min(times) for key, times in self.accounting.received.items()
                      if key in self.accounting.expected)

    def seconds(self) -> float:
        arrivals = self.arrivals()
        return arrivals[-1] - self.started if arrivals else float("nan")

    def rate(self) -> float:
        return len(self.arrivals()) / self.seconds()

    def delivery_rate(self) -> float:
        """From the first mail to the last: delivery alone, start-up left out."""
        arrivals = self.arrivals()
        return (len(arrivals) - 1) / (arrivals[-1] - arrivals[0]) if len(arrivals) > 1 else float("nan")


def run_round(args, system: System, cast: Cast, server: SlowMailServer, amqp_uri: str, n: int,
              max_workers: int) -> Round:
    stack, supervisor = system.stack, system.stack.supervisor
    round_id = uuid.uuid4().hex[:8]  # soak.py's tag wants 8 hex digits
    client = Client(stack.gateway_url)
    began = time.monotonic()
    expected, moments = log_backlog(client, cast, args.moments, round_id, args.threads, args.post_rate)
    wait_for_backlog(amqp_uri, args.moments)
    say(f"   backlog: {args.moments} moments ({len(expected)} mails) waiting in notifications' queue, "
        f"built in {time.monotonic() - began:.1f} s (not measured)")

    names = [f"notifications-{n}x{i}" for i in range(1, n + 1)]
    accounting = Accounting(expected)
    first_index = server.count()
    store_cpu, bench_cpu = cpu_seconds(supervisor, "mongo"), time.process_time()
    server.reset_peak()
    started = time.monotonic()
    start_notifications(stack, names, max_workers)
    try:
        # The bound leaves room for a round far slower than its ideal (a busy machine).
        ideal_s = len(expected) / (n * max_workers / args.smtp_delay)
        drain(accounting, server, first_index, cast.id_of_address,
              max(args.drain_seconds, 5 * ideal_s + 30), args.settle_seconds)
        cpu = {name: cpu_seconds(supervisor, name) for name in names}
        dead = [name for name in supervisor.dead() if name in names]
        store_cpu = cpu_seconds(supervisor, "mongo") - store_cpu
        bench_cpu = time.process_time() - bench_cpu
        peak, load = server.peak, os.getloadavg()[0]
    finally:
        for name in names:  # SIGTERM: in-flight workers finish and acknowledge
            supervisor.stop(name)
    ledger = ledger_summary(system.mongo_uri, system.db_prefix, moments)
    return Round(n, len(expected), started, accounting, peak, sent_by_process(supervisor, names), cpu,
                 store_cpu, bench_cpu, ledger, queue_depth(amqp_uri, NOTIFICATIONS_QUEUE)[0],
                 log_summary(supervisor, "", tuple(names)), dead, load)


def sent_by_process(supervisor: Supervisor, names: list[str]) -> dict[str, int]:
    """Mails each process logged as sent: how the broker shared the backlog out."""
    return {name: sum(1 for r in log_records(supervisor, name, "")
                      if r.get("event") == "delivery.sent" and r.get("channel") == "email")
            for name in names}


# --- the whole run ----------------------------------------------------------------------------------


def scale(args, run_id: str, amqp_uri: str, workdir: Path, max_workers: int) -> list[Round]:
    """Start the system, set the cast up, run each round; stop the system (always)."""
    supervisor = Supervisor(workdir / "log")
    server = SlowMailServer()  # no delay while setting up: the setup's mails are not measured
    smtp = Controller(server, hostname="127.0.0.1", port=free_port())
    smtp.start()
    try:
        system = start_system(supervisor, workdir, amqp_uri, smtp.port, f"scale-{run_id}", 3600)
        say(f"system up: store {system.mongo_uri}, SMTP 127.0.0.1:{smtp.port}, gateway "
            f"{system.stack.gateway_url}, logs in {supervisor.log_dir}")
        began = time.monotonic()
        cast = sign_up_cast(Client(system.stack.gateway_url), run_id, args.authors, args.buddies)
        mails = wait_for_buddyship_mails(server, args.authors * args.buddies, timeout=180)
        supervisor.stop("notifications")  # from now on, only the rounds' processes deliver
        say(f"setup: {len(cast.id_of_address)} members, {args.authors * args.buddies} buddyships, "
            f"{mails} buddyship mails, in {time.monotonic() - began:.1f} s (not measured); "
            f"notifications stopped")
        server.delay = args.smtp_delay
        rounds = []
        for n in args.processes:
            say(f"round: {n} notifications process{'es' if n > 1 else ''} ...")
            rounds.append(run_round(args, system, cast, server, amqp_uri, n, max_workers))
            done = rounds[-1]
            say(f"   {len(done.arrivals())} of {done.expected} mails in {done.seconds():.1f} s: "
                f"{done.rate():.2f} mails/s; lost {len(done.accounting.lost())}, duplicated "
                f"{done.accounting.duplicated()}")
        return rounds
    finally:
        supervisor.stop_all()
        smtp.stop()


def versions() -> str:
    names = ("nameko", "eventlet", "kombu", "aiosmtpd", "nx-27017")
    return ", ".join(f"{name} {importlib.metadata.version(name)}" for name in names)


def rabbitmq_version(management) -> str:
    try:
        answer = requests.get(f"{management.base}/overview", auth=management.auth, timeout=5)
        return f"RabbitMQ {answer.json()['rabbitmq_version']}"
    except (requests.RequestException, ValueError, KeyError):
        return "RabbitMQ (version unknown)"


def run(args) -> int:
    run_id = uuid.uuid4().hex[:8]
    max_workers = args.max_workers or Settings().max_workers
    say("Work Buddy scaling benchmark: notifications scaled out on an I/O-bound backlog")
    say(f"date {datetime.datetime.now().astimezone().isoformat(timespec='seconds')}; "
        f"{platform.platform()}; {platform.processor() or platform.machine()}; "
        f"os.cpu_count()={os.cpu_count()}; Python {platform.python_version()}; {versions()}; "
        f"load average at start {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    say(f"settings: {'--quick; ' if args.quick else ''}processes {', '.join(map(str, args.processes))}; "
        f"SMTP delay {args.smtp_delay:g} s per mail; {args.moments} moments per round x "
        f"{args.buddies} buddies = {args.moments * args.buddies} mails; {args.authors} authors; "
        f"WB_MAX_WORKERS={max_workers} per process; backlog posted from {args.threads} threads")
    say("method: its own vhost, store (nx-27017), SMTP server (aiosmtpd, in this process, answering "
        "each mail after the delay, sessions concurrent) and services; each round's backlog waits in "
        "notifications' queue before N processes are started at once; time = start of the processes "
        "-> last expected mail received (time.monotonic, one process)")
    say()
    with own_vhost(BROKER, f"wb-scale-{run_id}") as (amqp_uri, management):
        say(rabbitmq_version(management))
        workdir = Path(tempfile.mkdtemp(prefix=f"wb-scale-{run_id}-"))
        try:
            rounds = scale(args, run_id, amqp_uri, workdir, max_workers)
        finally:
            shutil.rmtree(workdir / "mongo", ignore_errors=True)  # the logs are kept
    say()
    report(args, rounds, max_workers, workdir / "log")
    failed = any(r.accounting.lost() or r.accounting.duplicated() for r in rounds)
    return 1 if failed else 0


# --- the report ------------------------------------------------------------------------------------


def report(args, rounds: list[Round], max_workers: int, log_dir: Path) -> None:
    per_process = max_workers / args.smtp_delay
    say(f"Ideal ceiling: a notifications process runs at most {max_workers} deliveries at once "
        f"(nameko max_workers = WB_MAX_WORKERS, also its prefetch), each holding a worker for at "
        f"least the {args.smtp_delay:g} s SMTP delay: at most {per_process:.1f} mails/s per process, "
        f"N x {per_process:.1f} for N (start-up, store work and SMTP dialogue not counted). A moment's "
        f"event holds one worker while its {args.buddies} buddies are mailed one after another "
        f"({args.buddies * args.smtp_delay:g} s), so a round ends in whole waves of events")
    say()
    base = next((r.rate() for r in rounds if r.processes == 1), rounds[0].rate())
    say(f"{'processes':>9} {'mails':>6} {'seconds':>8} {'mails/s':>8} {'speed-up':>8} {'ideal':>7} "
        f"{'of ideal':>8} {'lost':>5} {'duplicated':>10}")
    for r in rounds:
        ideal = r.processes * per_process
        say(f"{r.processes:>9} {r.expected:>6} {r.seconds():>8.1f} {r.rate():>8.2f} "
            f"{r.rate() / base:>7.2f}x {ideal:>7.1f} {100 * r.rate() / ideal:>7.0f}% "
            f"{len(r.accounting.lost()):>5} {r.accounting.duplicated():>10}")
    say()
    say("Per round (CPU: seconds used over the round, start-up included, and as a share of one core):")
    for r in rounds:
        report_round(r, args.smtp_delay)
    say()
    say(f"load average at the end {' '.join(f'{x:.2f}' for x in os.getloadavg())}; logs in {log_dir}")
    lost = sum(len(r.accounting.lost()) for r in rounds)
    duplicated = sum(r.accounting.duplicated() for r in rounds)
    say(f"summary: speed-up {', '.join(f'{r.processes}: {r.rate() / base:.2f}x' for r in rounds)}; "
        f"lost = {lost}, duplicated = {duplicated}")


def report_round(r: Round, smtp_delay: float) -> None:
    arrivals, seconds = r.arrivals(), r.seconds()
    if not arrivals:
        say(f"  {r.processes} processes: no expected mail arrived; logs: {r.warnings.most_common(5)}")
        return
    first = arrivals[0] - r.started
    plural = "es" if r.processes > 1 else ""
    # The first mail is accepted one SMTP delay after it was sent: the rest is start-up.
    say(f"  {r.processes} process{plural}: first mail {first:.1f} s after the start (start-up about "
        f"{first - smtp_delay:.1f} s), then {r.delivery_rate():.2f} mails/s from the first mail to the "
        f"last; at most {r.peak_in_flight} mails in flight at the SMTP server; load average {r.load:.2f}")
    say(f"     mails sent by each process: {', '.join(f'{n} {c}' for n, c in r.sent_by.items())}")
    say(f"     CPU: {', '.join(f'{n} {c:.1f} s ({100 * c / seconds:.0f} %)' for n, c in r.cpu_s.items())}; "
        f"store (nx-27017) {r.store_cpu_s:.1f} s ({100 * r.store_cpu_s / seconds:.0f} %); this process "
        f"(SMTP server, accounting) {r.bench_cpu_s:.1f} s")
    say(f"     ledger: {r.ledger['deliveries by channel and state']}, retried "
        f"{r.ledger['deliveries retried (attempts > 0)']}; left in notifications' queue: {r.left_in_queue}; "
        f"unexpected mails {len(r.accounting.unexpected)}, other kinds {dict(r.accounting.other_kinds) or 0}")
    for tag, buddy in r.accounting.lost()[:5]:
        say(f"     lost: {tag} to {buddy}")
    if r.dead:
        say(f"     !! processes that stopped during the round: {r.dead}")
    for (service, level, event), count in r.warnings.most_common(5):
        say(f"     {service} {level} x{count}: {event}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help=f"a smoke run (about 1 minute): {QUICK} instead of {FULL}")
    parser.add_argument("--smtp-delay", type=float, default=1.0,
                        help="seconds the SMTP server waits before it accepts each mail")
    parser.add_argument("--processes", type=lambda text: [int(n) for n in text.split(",")],
                        default=[1, 2, 3], help="notifications processes of each round, e.g. 1,2,3")
    parser.add_argument("--moments", type=int, help=f"moments in each round's backlog "
                        f"({FULL['moments']}, --quick {QUICK['moments']})")
    parser.add_argument("--authors", type=int, help=f"members who log the moments, in turn "
                        f"({FULL['authors']}, --quick {QUICK['authors']})")
    parser.add_argument("--buddies", type=int, help=f"buddies of each author: mails per moment "
                        f"({FULL['buddies']}, --quick {QUICK['buddies']})")
    parser.add_argument("--max-workers", type=int,
                        help="WB_MAX_WORKERS of the notifications processes (default: the service's)")
    parser.add_argument("--threads", type=int, default=4, help="threads posting the backlog")
    parser.add_argument("--post-rate", type=float, default=40, help="moments per second offered "
                        "while building a backlog (not measured)")
    parser.add_argument("--drain-seconds", type=float, default=120,
                        help="each round waits at least this long for its last mail")
    parser.add_argument("--settle-seconds", type=float, default=3,
                        help="then this long for late duplicates")
    args = with_presets(parser.parse_args(), QUICK, FULL)
    return run_interruptibly(run, args)


if __name__ == "__main__":
    sys.exit(main())
