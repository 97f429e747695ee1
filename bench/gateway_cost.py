"""The gateway's own cost: an authenticated GET /v1/me against a bare Flask endpoint served by
gunicorn with the same settings, requests per second as a ratio, in one run.

    .venv/bin/python bench/gateway_cost.py            # about 3 minutes
    .venv/bin/python bench/gateway_cost.py --quick    # smoke run (~1 minute), not the figure

GET /v1/me is what a client app asks most (each screen starts with it): the gateway verifies
the access token, and finds in its member cache (Redis, one round trip) whether the token's
session is open and the member's profile, which it answers with an ETag; only the first
request (a miss) asks the store and profiles. The bare endpoint (bench/bare_endpoint.py)
answers a document of the same size with none of that: the ceiling of gunicorn and Flask on
this machine, measured in the same run, alternately with the gateway so that both see the
same machine.

The load comes from this process: CONNECTIONS keep-alive HTTP/1.1 connections on one asyncio
loop, each sending its next request as soon as the previous answer has arrived (closed loop),
for SECONDS after a warm-up. Requests per second are answers received ÷ seconds; latency is
per request, from the write to the last byte of the answer. The client shares the machine's
two cores with what it measures, alike for both.
"""

import argparse
import asyncio
import datetime
import os
import platform
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import requests
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Sink
from system import free_port, own_vhost, run_interruptibly, say, start_system, with_presets

from workbuddy_devstack.processes import Supervisor, wait_until
from workbuddy_platform.settings import redact

BROKER = os.environ.get("SOAK_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")
REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
TARGET = 0.40  # the aim: the gateway at 40 % of the bare endpoint's rate or more


@dataclass
class Load:
    answers: int
    errors: int
    seconds: float
    latencies: list[float]
    everything: int = 0  # answers during the warm-up too (what the CPU figures divide)

    @property
    def rate(self) -> float:
        return self.answers / self.seconds

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


async def _one_connection(port: int, request: bytes, until: float, counting_from: float,
                          load: Load) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while (started := time.monotonic()) < until:
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = next(int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                          if line.lower().startswith(b"content-length:"))
            await reader.readexactly(length)
            load.everything += 1
            if started >= counting_from:
                load.latencies.append(time.monotonic() - started)
                if status == 200:
                    load.answers += 1
                else:
                    load.errors += 1
    finally:
        writer.close()


def hammer(port: int, path: str, token: str | None, connections: int, seconds: float,
           warm_up: float) -> Load:
    headers = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Accept: application/json"]
    if token:
        headers.append(f"Authorization: Bearer {token}")
    request = ("\r\n".join(headers) + "\r\n\r\n").encode()
    load = Load(0, 0, seconds, [])

    async def run():
        start = time.monotonic()
        await asyncio.gather(*(_one_connection(port, request, start + warm_up + seconds,
                                               start + warm_up, load)
                               for _ in range(connections)))

    asyncio.run(run())
    return load


TICKS = os.sysconf("SC_CLK_TCK")


def _family(pid: int) -> list[int]:
    """``pid`` and its descendants (gunicorn's master and its workers)."""
    found, i = [pid], 0
    while i < len(found):
        for task in Path(f"/proc/{found[i]}/task").glob("*/children"):
            found += [int(child) for child in task.read_text().split()]
        i += 1
    return found


def _cpu(pids: list[int]) -> float:
    """CPU seconds (user + system) the processes have used so far."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / TICKS


def _redis_pids() -> list[int]:
    return [int(p.parent.name) for p in Path("/proc").glob("[0-9]*/comm")
            if _read(p) == "redis-server"]


def _read(path: Path) -> str:
    try:
        return path.read_text().strip()
    except OSError:
        return ""


def _busy() -> tuple[float, float]:
    """The machine's busy and total CPU seconds so far (/proc/stat)."""
    numbers = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = numbers[3] + numbers[4]
    return (sum(numbers) - idle) / TICKS, sum(numbers) / TICKS


class CpuShares:
    """Where the CPU went during a round, per answered request: the server measured (its
    gunicorn master and workers), Redis, this client, and everything else on the machine."""

    def __init__(self, server_pid: int):
        self.server = _family(server_pid)
        self.redis = _redis_pids()

    def __enter__(self):
        self.start = (_cpu(self.server), _cpu(self.redis), sum(os.times()[:2]), *_busy())
        return self

    def __exit__(self, *exc):
        end = (_cpu(self.server), _cpu(self.redis), sum(os.times()[:2]), *_busy())
        self.server_s, self.redis_s, self.client_s, busy, total = (
            b - a for a, b in zip(self.start, end, strict=True))
        self.other_s = busy - self.server_s - self.redis_s - self.client_s
        self.idle_s = total - busy

    def line(self, answers: int) -> str:
        per = 1000 / max(1, answers)
        return (f"      CPU per answer: server {self.server_s * per:.3f} ms, Redis "
                f"{self.redis_s * per:.3f} ms, client {self.client_s * per:.3f} ms; "
                f"meanwhile others on the machine {self.other_s:.1f} CPU s, idle {self.idle_s:.1f} s")


def line(name: str, load: Load) -> str:
    return (f"  {name:<22} {load.rate:8.0f} req/s   p50 {load.percentile(0.5) * 1000:6.1f} ms   "
            f"p99 {load.percentile(0.99) * 1000:6.1f} ms   {load.answers:,} answers, "
            f"{load.errors} not 200")


def run(args) -> int:
    run_id = uuid.uuid4().hex[:8]
    say("Work Buddy benchmark: the gateway's own cost (GET /v1/me vs a bare Flask endpoint)")
    say(f"date {datetime.datetime.now().astimezone().isoformat(timespec='seconds')}; "
        f"{platform.platform()}; os.cpu_count()={os.cpu_count()}; Python {platform.python_version()}; "
        f"load average at start {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    say(f"settings: gunicorn {args.workers} workers x {args.threads} threads (the gateway's "
        f"defaults), keep-alive 75 s; {args.connections} client connections, closed loop; "
        f"{args.rounds} rounds of {args.seconds:g} s each (after {args.warm_up:g} s of warm-up), "
        f"bare and gateway alternately; STORE_ISOLATES={args.store_isolates}; "
        f"RATE_LIMIT_STORAGE={redact(args.redis)} (the member cache's too)")
    say()
    vhost = f"wb-cost-{run_id}"
    env = {"GATEWAY_WORKERS": str(args.workers), "GATEWAY_THREADS": str(args.threads),
           "STORE_ISOLATES": args.store_isolates, "RATE_LIMIT_STORAGE": args.redis}
    with own_vhost(BROKER, vhost) as (amqp_uri, _management):
        workdir = Path(tempfile.mkdtemp(prefix=f"wb-cost-{run_id}-"))
        supervisor = Supervisor(workdir / "log")
        smtp = Controller(Sink(), hostname="127.0.0.1", port=free_port())  # mails dropped
        smtp.start()
        try:
            system = start_system(supervisor, workdir, amqp_uri, smtp.port,
                                  f"cost-{run_id}", token_ttl=3600, extra_env=env)
            gateway = system.stack.gateway_url
            signed_up = requests.post(f"{gateway}/v1/auth/signup", timeout=30, json={
                "email": f"cost-{run_id}@example.org", "display_name": "Camille",
                "language": "fr", "password": "a long and unguessable one"})
            signed_up.raise_for_status()
            token = signed_up.json()["access_token"]
            me = requests.get(f"{gateway}/v1/me", timeout=30,
                              headers={"Authorization": f"Bearer {token}"})
            me.raise_for_status()

            bare_port = free_port()
            supervisor.start("bare", [sys.executable, str(Path(__file__).with_name("bare_endpoint.py")),
                                      str(bare_port), str(args.workers), str(args.threads), "75",
                                      str(len(me.content))],
                             env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
            wait_until(lambda: requests.get(f"http://127.0.0.1:{bare_port}/bare", timeout=2).ok,
                       30, "the bare endpoint")
            bare_size = len(requests.get(f"http://127.0.0.1:{bare_port}/bare", timeout=2).content)
            say(f"system up; GET /v1/me answers {len(me.content)} bytes, the bare endpoint "
                f"{bare_size} bytes")

            gateway_port = int(gateway.rsplit(":", 1)[1])
            pids = {"bare": supervisor.children["bare"].pid,
                    "gateway": supervisor.children["gateway"].pid}
            best = {"bare": None, "gateway": None}
            for n in range(1, args.rounds + 1):
                for name, port, path, auth in (("bare", bare_port, "/bare", None),
                                               ("gateway", gateway_port, "/v1/me", token)):
                    with CpuShares(pids[name]) as shares:
                        load = hammer(port, path, auth, args.connections, args.seconds,
                                      args.warm_up)
                    say(line(f"round {n}: {name}", load))
                    say(shares.line(load.everything))
                    if best[name] is None or load.rate > best[name].rate:
                        best[name] = load
        finally:
            supervisor.stop_all()
            smtp.stop()
    say()
    ratio = best["gateway"].rate / best["bare"].rate
    say("best round of each:")
    say(line("bare Flask endpoint", best["bare"]))
    say(line("GET /v1/me (gateway)", best["gateway"]))
    say(f"  ratio: the gateway at {ratio:.0%} of the bare endpoint's rate "
        f"({'PASS' if ratio >= TARGET else 'MISS'} against {TARGET:.0%})")
    say(f"logs in {workdir / 'log'}")
    return 0 if best["gateway"].errors == 0 else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a short smoke run, not the figure")
    parser.add_argument("--seconds", type=float, help="measured seconds per round")
    parser.add_argument("--warm-up", type=float, help="seconds of load before counting, per round")
    parser.add_argument("--rounds", type=int, help="rounds (bare then gateway, each)")
    parser.add_argument("--connections", type=int, default=16, help="client connections")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (GATEWAY_WORKERS)")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker (GATEWAY_THREADS)")
    parser.add_argument("--redis", default=REDIS,
                        help="RATE_LIMIT_STORAGE: the Redis that several gateway processes share, "
                             "as deployed, which also holds the member cache; memory:// runs "
                             "without the cache (each lookup goes to the store and profiles)")
    parser.add_argument("--store-isolates", default="auto", choices=("auto", "on", "off"),
                        help="the services' STORE_ISOLATES: 'on' makes them trust nx-27017 to "
                             "isolate transactions (it does not: for measuring what taking "
                             "turns costs, never for real use)")
    args = with_presets(parser.parse_args(), quick={"seconds": 5, "warm_up": 1, "rounds": 1},
                        full={"seconds": 20, "warm_up": 3, "rounds": 3})
    return run_interruptibly(run, args)


if __name__ == "__main__":
    sys.exit(main())
