"""The fault suite's ledger: members who log tagged moments while a fault is injected, as a
client app would (a refused POST is sent again with the same Idempotency-Key until accepted),
and an account of every accepted moment against the mails the buddies received.

With several gateways (replicas behind a load balancer, as the client sees them), each moment
goes to the next gateway in turn, and a refused or unanswered POST is sent to the other one.

A moment is *lost* when a buddy of its author never got its mail (or, when the buddies turned
push on, its push), *double-sent* when a buddy got it twice on one channel. The accounting reads
the real SMTP server's mailbox and the local push service's decrypted messages.
"""

import itertools
import re
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

import requests

from workbuddy_platform import parked

from ..support.api import Gateway
from ..support.mailbox import Mailbox
from ..support.push import PushService

TAG = re.compile(r"fault-[0-9a-f]{8}-\d+")


@dataclass
class Moment:
    tag: str
    author: dict
    buddies: list[dict]
    key: str = field(default_factory=lambda: uuid.uuid4().hex)
    moment_id: str | None = None
    refusals: list[int] = field(default_factory=list)  # statuses seen before it was accepted
    # How long the client waited for each answer (a refusal or not), seconds.
    waits: list[float] = field(default_factory=list)
    # 503 and 504 answers that did not say when to come back (no Retry-After).
    unadvised: list[int] = field(default_factory=list)
    sent_at: float | None = None  # time.monotonic() of its first attempt
    accepted_at: float | None = None  # time.monotonic() of the 201


@dataclass
class Account:
    accepted: int
    expected_mails: int
    lost: list[tuple[str, str]]  # (tag, buddy email), or (tag, "push:" browser) for a push
    double_sent: list[tuple[str, str]]
    refusals: Counter
    expected_pushes: int = 0
    longest_wait: float = 0.0  # the slowest answer the client saw, seconds
    unadvised: Counter = field(default_factory=Counter)  # 503/504 without Retry-After

    def __str__(self) -> str:
        return (f"{self.accepted} moments accepted, {self.expected_mails} mails and "
                f"{self.expected_pushes} pushes expected, "
                f"lost={len(self.lost)} double-sent={len(self.double_sent)}, "
                f"refusals on the way: {dict(self.refusals)}, "
                f"longest answer {self.longest_wait:.1f}s"
                + (f"; lost: {self.lost[:5]}" if self.lost else "")
                + (f"; sent twice: {self.double_sent[:5]}" if self.double_sent else ""))


class Journey:
    """``authors`` members with ``buddies_each`` buddies each, ready to log moments."""

    def __init__(self, gateway: Gateway | list[Gateway], authors: int = 3, buddies_each: int = 2,
                 push: PushService | None = None):
        """With ``push``, every buddy also turns push on in a browser of that push service.
        ``gateway``: one, or the replicas the moments are spread over (members sign up on
        the first)."""
        self.gateways = gateway if isinstance(gateway, list) else [gateway]
        self.gateway, self.push = self.gateways[0], push
        self.run = uuid.uuid4().hex[:8]
        self.circles = []
        key = self.gateway.request("GET", "/v1/push/key").json()["public_key"] if push else None
        for a in range(authors):
            author = self.gateway.sign_up(f"Author{a}", "en")
            buddies = [self.gateway.sign_up(f"Buddy{a}x{b}", "fr" if b % 2 else "en")
                       for b in range(buddies_each)]
            for buddy in buddies:
                if push:
                    buddy["browser"] = push.subscribe(application_server_key=key)
                    answer = self.gateway.request("POST", "/v1/me/push-subscriptions", buddy,
                                                  json=buddy["browser"])
                    assert answer.status_code == 201, answer.text
                self.gateway.become_buddies(author, buddy)
            self.circles.append((author, buddies))
        self.moments: list[Moment] = []
        self._lock = threading.Lock()
        self._count = 0

    # How long a moment is sent again before the client gives up (the test fails).
    give_up_after: float = 90

    def log_one(self) -> Moment:
        """Log one tagged moment; sent again, with the same key, until the API accepts it
        (to the other gateway, when there are several)."""
        with self._lock:
            n, self._count = self._count, self._count + 1
        author, buddies = self.circles[n % len(self.circles)]
        moment = Moment(tag=f"fault-{self.run}-{n}", author=author, buddies=buddies,
                        sent_at=time.monotonic())
        deadline = moment.sent_at + self.give_up_after
        for attempt in itertools.count(n):
            gateway = self.gateways[attempt % len(self.gateways)]
            started = time.monotonic()
            try:
                answer = requests.post(
                    f"{gateway.base}/v1/me/moments", timeout=30,
                    json={"kind": "client_won", "note": moment.tag},
                    headers={"Authorization": f"Bearer {author['access_token']}",
                             "Idempotency-Key": moment.key})
                status = answer.status_code
            except requests.RequestException:
                status = 0  # the gateway itself was unreachable, or did not answer in 30 s
            moment.waits.append(time.monotonic() - started)
            if status == 201:
                moment.moment_id, moment.accepted_at = answer.json()["id"], time.monotonic()
                break
            moment.refusals.append(status)
            assert status in (0, 502, 503, 504), f"{moment.tag}: unexpected {status}: {answer.text}"
            if status in (503, 504) and "Retry-After" not in answer.headers:
                moment.unadvised.append(status)
            assert time.monotonic() < deadline, f"{moment.tag} never accepted: {moment.refusals}"
            time.sleep(0.5)
        with self._lock:
            self.moments.append(moment)
        return moment

    def stream(self, seconds: float, per_second: float, clients: int = 2) -> "Stream":
        """Log moments at about ``per_second`` for ``seconds``, from ``clients`` threads."""
        return Stream(self, seconds, per_second, clients)

    def account(self, mailbox: Mailbox, within: float = 90) -> Account:
        """Wait (up to ``within`` seconds) for every expected mail and push, then count."""
        expected = {(m.tag, b["email"]) for m in self.moments for b in m.buddies}
        if self.push:
            expected |= {(m.tag, f"push:{b['browser']['endpoint']}") for m in self.moments
                         for b in m.buddies}
        deadline = time.monotonic() + within
        while True:
            received = self._mails(mailbox) + self._pushes()
            if expected <= set(received) or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        return Account(accepted=len(self.moments), expected_mails=sum(1 for _, to in expected
                                                                      if not to.startswith("push:")),
                       expected_pushes=sum(1 for _, to in expected if to.startswith("push:")),
                       lost=sorted(expected - set(received)),
                       double_sent=sorted(k for k, n in received.items() if n > 1),
                       refusals=Counter(s for m in self.moments for s in m.refusals),
                       longest_wait=max((w for m in self.moments for w in m.waits), default=0.0),
                       unadvised=Counter(s for m in self.moments for s in m.unadvised))

    def _mails(self, mailbox: Mailbox) -> Counter:
        return Counter((tag, address) for mail in mailbox.all() if mail.kind == "moment"
                       for tag in TAG.findall(mail.body) if tag.startswith(f"fault-{self.run}-")
                       for address in mail.rcpt_tos)

    def _pushes(self) -> Counter:
        if not self.push:
            return Counter()
        tags = {m.moment_id: m.tag for m in self.moments}
        browsers = [b["browser"] for _, buddies in self.circles for b in buddies]
        # A push names its moment (never the note): /moments/<id>.
        return Counter((tags[p.payload["url"].rsplit("/", 1)[1]], f"push:{browser['endpoint']}")
                       for browser in browsers for p in self.push.received(browser)
                       if p.payload.get("kind") == "moment"
                       and p.payload["url"].rsplit("/", 1)[1] in tags)


def assert_told_once(system, journey: Journey, within: float = 120, excused=frozenset()) -> Account:
    """Every accepted moment reached every buddy once, nothing is parked; prints the account.
    ``excused``: (tag, address) pairs the delivery ledger names as sent twice on purpose (a
    worker killed between the mail server's "250 OK" and the ledger's "sent")."""
    account = journey.account(system.mailbox, within)
    print(account)
    assert account.accepted > 0
    assert account.lost == [], account
    assert set(account.double_sent) <= set(excused), account
    assert parked.list_parked(system.amqp_uri) == []
    return account


def interrupted_sends(system, journey: Journey) -> set[tuple[str, str]]:
    """(tag, address) of the mails the ledger says a killed worker was sending: the mail
    server may have taken them, so they are sent again rather than risk losing them."""
    db = system.db("notifications")
    tags = {m.moment_id: m.tag for m in journey.moments}
    addresses = {b["id"]: b["email"] for _, buddies in journey.circles for b in buddies}
    found = set()
    for d in db.deliveries.find({"last_error": "interrupted while sending", "channel": "email"}):
        moment = db.moments.find_one({"event_id": d["event_id"]})  # notifications' copy
        if moment is not None and moment["_id"] in tags:
            found.add((tags[moment["_id"]], addresses.get(d["recipient_id"])))
    return found


class Stream:
    def __init__(self, journey: Journey, seconds: float, per_second: float, clients: int):
        self.stop_at = time.monotonic() + seconds
        self.interval = clients / per_second
        self.errors: list[BaseException] = []
        self.threads = [threading.Thread(target=self._client, args=(journey,), daemon=True)
                        for _ in range(clients)]
        for thread in self.threads:
            thread.start()

    def _client(self, journey: Journey) -> None:
        try:
            while time.monotonic() < self.stop_at:
                started = time.monotonic()
                journey.log_one()
                time.sleep(max(0.0, self.interval - (time.monotonic() - started)))
        except BaseException as exc:  # noqa: BLE001 - reported by join()
            self.errors.append(exc)

    def stop(self) -> None:
        """No new moments after the ones being logged now."""
        self.stop_at = time.monotonic()

    def join(self, timeout: float = 180) -> None:
        for thread in self.threads:
            thread.join(timeout)
        if self.errors:
            raise self.errors[0]
