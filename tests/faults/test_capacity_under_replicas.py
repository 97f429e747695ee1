"""Two matching processes at once: matching's own proposals (whichever replica holds the
proposing lease) and members' proposals and answers (served by either replica, as the broker
hands them out, through either gateway) race for the same members. Capacity and one open
buddyship per pair hold — with two processes of every service, while other members' moments
stream in and are told to their buddies once each."""

import itertools
import random
import threading
import time
from collections import Counter

from ..support.waiting import eventually
from .harness import Journey, assert_told_once

MEMBERS = 12


def test_two_matching_replicas_never_give_a_member_more_buddies_than_their_capacity(make_system):
    system = make_system(replicas=2, MATCHING_AUTOMATIC="on")
    gateway = system.gateway
    journey = Journey(system.gateways)  # members of their own, who never answer matching
    members = [gateway.sign_up(f"M{n}", "en") for n in range(MEMBERS)]
    # Room for one buddy each, known to matching before anyone proposes (it fills that slot
    # on its own as soon as it learns the answers: the race starts there).
    for member in members:
        gateway.request("PATCH", "/v1/me", member, json={"buddy_capacity": 1, "city": "Lyon"})
    for member in members:
        eventually(lambda m=member: gateway.request("GET", "/v1/me/matching", m).json()["answered"])

    def live(member: dict, rng: random.Random, gateway) -> None:
        """Propose to others, accept what comes."""
        for _ in range(6):
            other = rng.choice([m for m in members if m is not member])
            gateway.propose(member, other)
            for b in gateway.request("GET", "/v1/me/buddyships?limit=50", member).json()["items"]:
                if b["state"] == "proposed" and member["id"] in b["awaiting"]:
                    gateway.request("POST", f"/v1/me/buddyships/{b['id']}/accept", member)
            time.sleep(rng.random() / 4)

    threads = [threading.Thread(target=live, args=(m, random.Random(n), system.gateways[n % 2]))
               for n, m in enumerate(members)]
    stream = journey.stream(seconds=10, per_second=2)
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    time.sleep(5)  # matching's own proposals, a second or so after the answers
    stream.join()

    ours = {m["id"] for m in members}  # not the journey's, whose buddies are its own doing
    buddyships = [b for b in system.db("matching").buddyships.find(
        {"state": {"$in": ["proposed", "active"]}, "origin": {"$nin": ["support", "ask"]}})
        if {b["proposer_id"], b["invitee_id"]} & ours]
    held = Counter(m for m in itertools.chain.from_iterable(
        (b["proposer_id"], b["invitee_id"]) for b in buddyships) if m in ours)
    assert buddyships, "the members proposed and accepted nothing: the test saw no race"
    assert max(held.values()) <= 1, held  # every member has room for one buddy
    pairs = Counter(frozenset((b["proposer_id"], b["invitee_id"])) for b in buddyships)
    assert max(pairs.values()) == 1
    # Both replicas served requests: the race was between processes, not within one.
    served = [system.supervisor.log_path(p).read_text().count('"entrypoint": "propose"')
              for p in ("matching", "matching-2")]
    assert all(served), served
    assert_told_once(system, journey)
