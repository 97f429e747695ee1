"""workbuddy-parked: look at, replay or purge the events that could not be handled.

An event lands in ``<service>.parked`` when its handler failed on every retry, or at once
when it could not be read (workbuddy_platform.retries). Each keeps the handler, the queue it
came from, the attempts and the last error. Replaying puts it back in that queue only (not
to the other consumers of the event, which handled it already), with its attempts reset.

    workbuddy-parked list                       # every service's parked events
    workbuddy-parked --service notifications show EVENT_ID
    workbuddy-parked replay EVENT_ID [EVENT_ID ...] | --all
    workbuddy-parked purge EVENT_ID [EVENT_ID ...] | --all
"""

import argparse
import json
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

from amqp.exceptions import NotFound, ResourceLocked
from kombu import Connection, Exchange, Queue

from . import retries
from .broker import connect
from .logs import get_logger
from .settings import PlatformSettings

SERVICES = ("profiles", "matching", "notifications")
log = get_logger(__name__)


@dataclass(frozen=True)
class Parked:
    service: str
    event_id: str
    type: str | None
    handler: str | None
    queue: str | None
    attempts: int
    error: str | None
    failed_at: str | None
    body: object


def _view(service: str, position: int, message) -> Parked:
    headers = message.headers or {}
    try:
        body = message.decode()
    except Exception:  # noqa: BLE001 - an event that cannot be read is shown as it came
        body = message.body.decode(errors="replace") if isinstance(message.body, bytes) else message.body
    event_id = (body.get("event_id") if isinstance(body, dict) else None) \
        or message.properties.get("message_id") or f"#{position}"
    return Parked(service=service, event_id=str(event_id),
                  type=body.get("type") if isinstance(body, dict) else None,
                  handler=headers.get(retries.HANDLER),
                  # Parked by the broker (a quorum queue's delivery limit): x-death says whence.
                  queue=headers.get(retries.QUEUE) or ((headers.get("x-death") or [{}])[0].get("queue")),
                  attempts=int(headers.get(retries.ATTEMPTS, 0)), error=headers.get(retries.ERROR),
                  failed_at=headers.get(retries.FAILED_AT), body=body)


@contextmanager
def _taken(connection: Connection, service: str) -> Iterator[list[tuple[Parked, object]]]:
    """Every parked message of the service, held unacknowledged for the block; those the block
    neither acked nor rejected go back to the parking lot in their order."""
    with _held(connection, retries.parking_lot(service), service) as taken:
        yield taken


@contextmanager
def _held(connection: Connection, queue: Queue, service: str | None) -> Iterator[list[tuple[Parked, object]]]:
    """Every message of the queue, held unacknowledged for the block (``service``: whose they
    are, None: the handler's, as its headers say); those neither acked nor rejected go back
    where they were, with the time they had left to wait in a retry queue."""
    channel = connection.channel()
    bound = queue(channel)
    try:
        # Passive: only the name is compared, so the tool reads a quorum parking lot as well as
        # a classic one, whatever EVENT_QUEUE_TYPE it is run with.
        bound.queue_declare(passive=True)
    except NotFound:  # never declared: nothing was ever parked or delayed there
        yield []
        return
    taken = []
    try:
        while (message := bound.get(no_ack=False)) is not None:
            whose = service or str((message.headers or {}).get(retries.HANDLER, "")).partition(".")[0]
            taken.append((_view(whose, len(taken) + 1, message), message))
        yield taken
    finally:
        for _, message in taken:
            if not message.acknowledged:
                message.requeue()
        channel.close()


def list_parked(amqp_uri: str, services=SERVICES) -> list[Parked]:
    with connect(amqp_uri, connect_timeout=5) as connection:
        found = []
        for service in services:
            with _taken(connection, service) as taken:
                found += [parked for parked, _ in taken]
        return found


def replay(amqp_uri: str, service: str, event_ids: set[str] | None) -> list[str]:
    """Back to the queue of the handler that failed (``event_ids`` None: all); their ids."""
    done = []
    with connect(amqp_uri, connect_timeout=5, transport_options={"confirm_publish": True}) as connection:
        producer = connection.Producer()
        with _taken(connection, service) as taken:
            for parked, message in taken:
                if (event_ids is not None and parked.event_id not in event_ids) or not parked.queue:
                    continue
                headers = {k: v for k, v in message.headers.items() if not k.startswith(retries.OURS)}
                retries.republish(producer, message, Exchange(""), parked.queue,
                                  headers | {"x-wb-replayed-at": datetime.now(UTC).isoformat()},
                                  mandatory=True)  # a queue gone, or on a node down: not acked
                message.ack()  # only once the broker confirmed the copy
                done.append(parked.event_id)
    return done


def purge(amqp_uri: str, service: str, event_ids: set[str] | None) -> list[str]:
    done = []
    with connect(amqp_uri, connect_timeout=5) as connection, _taken(connection, service) as taken:
        for parked, message in taken:
            if event_ids is None or parked.event_id in event_ids:
                message.ack()
                done.append(parked.event_id)
    return done


# Held by whoever is forgetting a member (an exclusive queue: the broker gives it to one
# connection at a time, and takes it back when that connection ends, crash included). While
# one forgetter holds a queue's messages, another would not see them: one at a time.
FORGETTING = Queue("workbuddy.forgetting", exclusive=True, auto_delete=True, durable=False)
# The one event about a member that must stay: the word to forget them, to its last consumer.
KEPT = "member.left"


def forget_member(amqp_uri: str, member_id: str, *, services: list[str],
                  retry_delays: list[float], wait_seconds: float = 30.0) -> list[str]:
    """Delete, from the services' parking lots and from every retry queue, the events whose
    body or headers name the member (a member who left); the others stay where they were. The
    ids of those deleted. Retry queues are shared by all services: each forgetter goes
    through all of them, whoever's handler failed."""
    queues = [(retries.parking_lot(service), service) for service in services] + [
        (retries.retry_queue(delay), None) for delay in retry_delays]
    done = []
    with connect(amqp_uri, connect_timeout=5) as connection, _alone(connection, wait_seconds):
        for queue, service in queues:
            with _held(connection, queue, service) as taken:
                for parked, message in taken:
                    if parked.type != KEPT and _names(message, member_id):
                        message.ack()
                        done.append(parked.event_id)
    if done:
        log.info("parked.member_forgotten", events=len(done))
    return done


def _names(message, member_id: str) -> bool:
    """Whether the event names the member: ids are long random strings, found as they are."""
    body = message.body if isinstance(message.body, bytes) else str(message.body).encode()
    return member_id.encode() in body or member_id in str(message.headers or {})


@contextmanager
def _alone(connection: Connection, wait_seconds: float) -> Iterator[None]:
    deadline = time.monotonic() + wait_seconds
    while True:
        channel = connection.channel()
        try:
            FORGETTING(channel).declare()
            break
        except ResourceLocked as exc:  # another forgetter has it
            if time.monotonic() > deadline:
                raise TimeoutError(f"another service kept {FORGETTING.name} for "
                                   f"{wait_seconds:.0f} s") from exc
            time.sleep(0.2)
    try:
        yield
    finally:
        channel.close()  # the lock goes with its channel's connection, at the latest


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="workbuddy-parked", description=__doc__.splitlines()[0])
    parser.add_argument("--service", choices=SERVICES, help="one service's parking lot (default: all)")
    parser.add_argument("--json", action="store_true", help="print JSON rather than lines")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="the parked events, oldest first")
    show = commands.add_parser("show", help="one parked event, whole")
    show.add_argument("event_id")
    for name, what in (("replay", "put back in the handler's queue"), ("purge", "delete for good")):
        command = commands.add_parser(name, help=what)
        command.add_argument("event_ids", nargs="*")
        command.add_argument("--all", action="store_true")
    args = parser.parse_args(argv)
    uri = PlatformSettings.from_env().amqp_uri
    services = [args.service] if args.service else list(SERVICES)

    if args.command in ("list", "show"):
        found = list_parked(uri, services)
        if args.command == "show":
            found = [p for p in found if p.event_id == args.event_id]
            if not found:
                sys.exit(f"no parked event {args.event_id!r} in {', '.join(services)}")
        if args.json or args.command == "show":
            print(json.dumps([asdict(p) for p in found], indent=2, ensure_ascii=False, default=str))
        else:
            for p in found:
                print(f"{p.service}\t{p.event_id}\t{p.type}\t{p.handler}\tattempts={p.attempts}\t"
                      f"{p.failed_at}\t{(p.error or '').splitlines()[-1] if p.error else ''}")
            print(f"{len(found)} parked", file=sys.stderr)
        return
    if not args.all and not args.event_ids:
        sys.exit(f"name the events to {args.command} (their ids, as `list` shows them), or say --all")
    chosen = None if args.all else set(args.event_ids)
    act = replay if args.command == "replay" else purge
    done = [event_id for service in services for event_id in act(uri, service, chosen)]
    past = {"replay": "replayed", "purge": "purged"}[args.command]
    print(f"{past} {len(done)}: {' '.join(done)}" if done else f"nothing to {args.command}")
    if chosen and (missing := chosen - set(done)):
        sys.exit(f"not parked: {' '.join(sorted(missing))}")


if __name__ == "__main__":
    main()
