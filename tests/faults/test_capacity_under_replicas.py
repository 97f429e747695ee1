"""Two matching processes at once: matching's own proposals (whichever replica holds the
proposing lease) and members' proposals and answers (served by either replica, as the broker
hands them out) race for the same members. Capacity and one open buddyship per pair hold."""

import itertools
import random
import threading
import time
from collections import Counter

from ..support.waiting import eventually

MEMBERS = 12


def test_two_matching_replicas_never_give_a_member_more_buddies_than_their_capacity(make_system):
    system = make_system(MATCHING_AUTOMATIC="on")
    system.stack.start_replica("matching", 2)
    gateway = system.gateway
    eventually(lambda: gateway.request("GET", "/readyz").status_code == 200, timeout=30)
    members = [gateway.sign_up(f"M{n}", "en") for n in range(MEMBERS)]
    # Room for one buddy each, known to matching before anyone proposes (it fills that slot
    # on its own as soon as it learns the answers: the race starts there).
    for member in members:
        gateway.request("PATCH", "/v1/me", member, json={"buddy_capacity": 1, "city": "Lyon"})
    for member in members:
        eventually(lambda m=member: gateway.request("GET", "/v1/me/matching", m).json()["answered"])

    def live(member: dict, rng: random.Random) -> None:
        """Propose to others, accept what comes."""
        for _ in range(6):
            other = rng.choice([m for m in members if m is not member])
            gateway.propose(member, other)
            for b in gateway.request("GET", "/v1/me/buddyships?limit=50", member).json()["items"]:
                if b["state"] == "proposed" and member["id"] in b["awaiting"]:
                    gateway.request("POST", f"/v1/me/buddyships/{b['id']}/accept", member)
            time.sleep(rng.random() / 4)

    threads = [threading.Thread(target=live, args=(m, random.Random(n)))
               for n, m in enumerate(members)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    time.sleep(5)  # matching's own proposals, a second or so after the answers

    buddyships = list(system.db("matching").buddyships.find(
        {"state": {"$in": ["proposed", "active"]}, "origin": {"$nin": ["support", "ask"]}}))
    held = Counter(itertools.chain.from_iterable(
        (b["proposer_id"], b["invitee_id"]) for b in buddyships))
    assert buddyships, "the members proposed and accepted nothing: the test saw no race"
    assert max(held.values()) <= 1, held  # every member has room for one buddy
    pairs = Counter(frozenset((b["proposer_id"], b["invitee_id"])) for b in buddyships)
    assert max(pairs.values()) == 1
    # Both replicas served requests: the race was between processes, not within one.
    served = [system.supervisor.log_path(p).read_text().count('"entrypoint": "propose"')
              for p in ("matching", "matching-2")]
    assert all(served), served
