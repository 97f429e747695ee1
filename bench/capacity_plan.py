"""The capacity plan's arithmetic (docs/capacity.md): from the costs measured on this machine
and stated assumptions about members' habits to the load at 10k, 100k, 1M and 10M members, and
the replicas, broker and store that carry it.

Nothing here is measured: it multiplies. Each measured input names the benchmark and the
section of docs/performance.md it comes from; each assumption says it is one. Change either and
run it again (`.venv/bin/python bench/capacity_plan.py`, add `--markdown` for the tables as
docs/capacity.md shows them).
"""

import argparse
import math
from dataclasses import dataclass

SIZES = (10_000, 100_000, 1_000_000, 10_000_000)
WEEK = 7 * 24 * 3600


@dataclass(frozen=True)
class Habits:
    """Assumptions about members, not measurements: a pilot's figures should replace them."""
    active_share: float = 0.6            # members who open the app in a given week
    moments_per_week: float = 3.0        # per active member: wins, setbacks and asks together
    buddies: float = 2.0                 # per member (the default capacity is 2, at most 5)
    reactions_per_moment: float = 1.5    # cheers and words back, each telling the author
    mail_share: float = 0.7              # of notifications, those that also go out by mail
    push_share: float = 0.4              # of notifications, those that also ring a browser
    peak_factor: float = 8.0             # peak hour ÷ the week's mean hour: 45 working hours a
    #                                      week (168 / 45 = 3.7), and twice their mean at peak
    app_opens_per_day: float = 1.5       # per active member, on working days
    requests_per_open: float = 12.0      # API calls of one visit (feed, buddies, a moment...)
    stream_seconds: float = 300.0        # a visit's live stream (STREAM_MAX_SECONDS)
    peak_hour_share_of_day: float = 0.22  # of a working day's visits, in its busiest hour
    cached_share: float = 0.15           # of a visit's requests, answered from the gateway's
    #                                      member cache (GET /v1/me); the rest call a service:
    rpc_split: tuple[float, float, float] = (0.5, 0.3, 0.2)  # profiles, matching, notifications


@dataclass(frozen=True)
class Costs:
    """Measured on this machine (2 cores, shared; docs/performance.md names the runs)."""
    # bench/soak.py, "The fan-out on a quiet machine": all services, net of idle
    # (notifications 11.0, profiles 5.0, matching 5.0, gateway 1.0).
    store_commands_per_moment: float = 22.0
    # A visit's request: the session check plus the handler's reads (GET /v1/me: 1 + 1; the
    # feed and lists: 2–4). An estimate from the handlers, not a count.
    store_commands_per_request: float = 3.0
    # CPU per moment, from the same soak's /proc shares (ms of one core, first POST to last
    # mail; idle floors included; a quiet machine).
    gateway_cpu_ms_per_moment: float = 4.1
    profiles_cpu_ms_per_moment: float = 4.3
    matching_cpu_ms_per_moment: float = 3.6       # its timers included
    notifications_cpu_ms_per_mail: float = 3.0    # 9.1 ms per moment told to 3 buddies by mail
    # bench/gateway_cost.py, "The gateway's own cost, after the member cache": server CPU per
    # answer of GET /v1/me from the cache, and of a request that calls a service over RPC.
    gateway_cpu_ms_per_cached_request: float = 0.74
    gateway_cpu_ms_per_rpc_request: float = 3.9
    # Live streams, bench/streams.py: one thread, ~190 KB and one broker connection each.
    # A service's CPU for one RPC call from the gateway: an estimate, not a count, from
    # profiles' 4.3 to 6.7 ms per moment, quiet or shared machine (one log_moment call with its
    # writes and event); a read is less.
    service_cpu_ms_per_rpc: float = 4.0
    stream_kb: float = 190.0
    streams_per_gateway_process: int = 100       # STREAM_MAX_OPEN with GATEWAY_THREADS=128
    # bench/soak.py's ceiling: one publisher, persistent and confirmed, one classic queue.
    broker_persistent_per_second_measured: float = 923.0
    # docs/performance.md, "Matching's event paths": a 96-number float32 vector per member.
    shortlist_bytes_per_member: int = 96 * 4
    notifications_in_flight_per_process: int = 40  # WB_MAX_WORKERS, notifications' default
    smtp_seconds_per_mail: float = 0.2           # a relay such as a cloud mail API: assumed


@dataclass(frozen=True)
class Load:
    members: int
    moments_mean: float
    moments_peak: float
    notifications_peak: float
    mails_peak: float
    pushes_peak: float
    requests_peak: float
    streams_peak: float
    store_commands_peak: float
    broker_persistent_peak: float
    broker_transient_peak: float


def load_of(members: int, h: Habits, c: Costs) -> Load:
    active = members * h.active_share
    moments_mean = active * h.moments_per_week / WEEK
    moments_peak = moments_mean * h.peak_factor
    # A moment tells each buddy; each reaction it draws tells its author.
    notifications = moments_peak * (h.buddies + h.reactions_per_moment)
    visits_per_second = active * h.app_opens_per_day * 5 / 7 * h.peak_hour_share_of_day / 3600
    requests = visits_per_second * h.requests_per_open
    streams = visits_per_second * h.stream_seconds  # Little's law: arrivals × time open
    store = moments_peak * c.store_commands_per_moment + requests * c.store_commands_per_request
    # Persistent: each moment.logged and moment.reacted published once; the broker writes a
    # copy per queue bound (notifications and matching).
    persistent = moments_peak * (1 + h.reactions_per_moment) * 2
    # Transient: an RPC and its reply per request, a live ring per notification.
    transient = requests * 2 + notifications
    return Load(members, moments_mean, moments_peak, notifications, notifications * h.mail_share,
                notifications * h.push_share, requests, streams, store, persistent, transient)


@dataclass(frozen=True)
class Plan:
    gateway: int
    profiles: int
    matching: int
    notifications: int
    gateway_by: str
    notifications_by: str
    shortlist_mb: float
    stream_connections: int
    gateway_cores: float


HEADROOM = 2.0  # size for half a core busy at peak: a replica lost or a burst still fits
MIN_REPLICAS = 2  # one may be restarting (a rollout, a node drained) while the other serves


def replicas(cpu_seconds_per_second: float) -> int:
    return max(MIN_REPLICAS, math.ceil(cpu_seconds_per_second * HEADROOM))


def plan_of(load: Load, h: Habits, c: Costs) -> Plan:
    per_request = (h.cached_share * c.gateway_cpu_ms_per_cached_request
                   + (1 - h.cached_share) * c.gateway_cpu_ms_per_rpc_request)
    gateway_cpu = (load.requests_peak * per_request
                   + load.moments_peak * c.gateway_cpu_ms_per_moment) / 1000
    by_cpu = replicas(gateway_cpu)
    by_streams = math.ceil(load.streams_peak / c.streams_per_gateway_process)
    mails_per_process = c.notifications_in_flight_per_process / c.smtp_seconds_per_mail
    notes_wait = max(MIN_REPLICAS, math.ceil(load.mails_peak * HEADROOM / mails_per_process))
    rpc = [load.requests_peak * (1 - h.cached_share) * share * c.service_cpu_ms_per_rpc / 1000
           for share in h.rpc_split]
    notes_cpu = replicas(load.mails_peak * c.notifications_cpu_ms_per_mail / 1000 + rpc[2])
    return Plan(
        gateway=max(by_cpu, by_streams),
        profiles=replicas(load.moments_peak * c.profiles_cpu_ms_per_moment / 1000 + rpc[0]),
        matching=replicas(load.moments_peak * c.matching_cpu_ms_per_moment / 1000 + rpc[1]),
        notifications=max(notes_cpu, notes_wait),
        gateway_by="streams" if by_streams > by_cpu else "CPU",
        notifications_by="SMTP waits" if notes_wait > notes_cpu else "CPU",
        shortlist_mb=load.members * c.shortlist_bytes_per_member / 1e6,
        stream_connections=math.ceil(load.streams_peak),
        gateway_cores=gateway_cpu,
    )


def rows(h: Habits, c: Costs) -> tuple[list[list[str]], list[list[str]]]:
    loads = [load_of(n, h, c) for n in SIZES]
    plans = [plan_of(load, h, c) for load in loads]
    fmt = lambda x: f"{x:,.0f}" if x >= 100 else f"{x:,.1f}" if x >= 1 else f"{x:.2f}"  # noqa: E731
    load_rows = [
        ["moments/s, mean of the week", *(fmt(x.moments_mean) for x in loads)],
        ["moments/s, peak hour", *(fmt(x.moments_peak) for x in loads)],
        ["notifications/s, peak (in-app)", *(fmt(x.notifications_peak) for x in loads)],
        ["mails/s, peak", *(fmt(x.mails_peak) for x in loads)],
        ["pushes/s, peak", *(fmt(x.pushes_peak) for x in loads)],
        ["API requests/s, peak", *(fmt(x.requests_peak) for x in loads)],
        ["live streams open at once, peak", *(fmt(x.streams_peak) for x in loads)],
        ["store commands/s, peak", *(fmt(x.store_commands_peak) for x in loads)],
        ["broker: persistent messages/s, peak (copies per queue)",
         *(fmt(x.broker_persistent_peak) for x in loads)],
        ["broker: transient messages/s, peak (RPC, live rings)",
         *(fmt(x.broker_transient_peak) for x in loads)],
    ]
    plan_rows = [
        ["gateway CPU for the API at peak, cores", *(f"{p.gateway_cores:,.2f}" for p in plans)],
        ["gateway processes (what decides)", *(f"{p.gateway} ({p.gateway_by})" for p in plans)],
        ["profiles replicas", *(str(p.profiles) for p in plans)],
        ["matching replicas", *(str(p.matching) for p in plans)],
        ["notifications replicas (what decides)",
         *(f"{p.notifications} ({p.notifications_by})" for p in plans)],
        ["matching's shortlist per replica", *(f"{p.shortlist_mb:,.0f} MB" for p in plans)],
        ["broker connections for live streams", *(f"{p.stream_connections:,}" for p in plans)],
        ["store commands/s ÷ this machine's nx-27017 ceiling (2,343/s)",
         *(f"{x.store_commands_peak / 2343:.1f}×" for x in loads)],
        ["persistent messages/s ÷ this machine's broker ceiling (923/s)",
         *(f"{x.broker_persistent_peak / c.broker_persistent_per_second_measured:.2f}×"
           for x in loads)],
    ]
    return load_rows, plan_rows


def table(header: list[str], body: list[list[str]], markdown: bool) -> str:
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in body])
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True))
                     for r in [header, *body])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", action="store_true", help="tables as docs/capacity.md has them")
    args = parser.parse_args()
    h, c = Habits(), Costs()
    header = ["", *(f"{n:,} members" for n in SIZES)]
    load_rows, plan_rows = rows(h, c)
    print("Assumptions (not measured):", h)
    print("Measured costs (docs/performance.md):", c)
    print(f"Replicas: {HEADROOM:g}× the peak's CPU in cores, at least {MIN_REPLICAS}; one core each.\n")
    print(table(header, load_rows, args.markdown), end="\n\n")
    print(table(header, plan_rows, args.markdown))


if __name__ == "__main__":
    main()
