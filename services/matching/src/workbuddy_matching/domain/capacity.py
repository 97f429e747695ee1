"""A member's buddy capacity holds, whoever proposes and however many replicas propose at once.

Each proposed or active buddyship (not a temporary one: a support buddy, a helper's yes to an
urgent ask) holds one numbered slot of each of its two members, from the proposal until it
closes: slot ``n`` of a member is a document whose id is ``"<member>:<n>"``, taken with the
proposal in one transaction. Two proposals racing for a member's last slot pick the same
number; the store lets only one in. A member lowering their capacity keeps the buddyships
they have; they get no new one until they are below it again.

Pure: the use cases read what is taken; this module says whether there is room, and which slot.
"""

from dataclasses import dataclass

from workbuddy_contracts.errors import Conflict

# Whoever asks, told why in words they can act on.
PROPOSER_FULL = ("you have as many buddies and open proposals as your buddy capacity "
                 "({capacity}); raise it in your profile, or end a buddyship or wait for a "
                 "proposal's answer, then propose again")
INVITEE_FULL = ("this member has no room for another buddy right now; propose to someone else, "
                "or try again later")
ACCEPTER_FULL = ("you already have {count} buddies and your buddy capacity is {capacity}; "
                 "raise it in your profile or end a buddyship, then accept")
OTHER_FULL = "this member has no room for another buddy any more; this proposal cannot start"


@dataclass(frozen=True)
class Held:
    """What a member holds now: their capacity, the slot numbers taken, and how many open
    buddyships they have (the larger of the two counts: data older than slots has none)."""

    capacity: int
    slots: frozenset[int]
    open_buddyships: int

    @property
    def taken(self) -> int:
        return max(len(self.slots), self.open_buddyships)

    @property
    def has_room(self) -> bool:
        return self.taken < self.capacity


def free_slot(held: Held) -> int:
    """The smallest slot number not taken."""
    return next(n for n in range(len(held.slots) + 1) if n not in held.slots)


def claim(held: Held, message: str) -> int:
    """The slot a new proposal takes for this member, or a Conflict saying why not."""
    if not held.has_room:
        raise Conflict(message, "buddy_id", capacity=held.capacity)
    return free_slot(held)


def check_accept(active_elsewhere: int, capacity: int, mine: bool) -> None:
    """Accepting starts a buddyship: refused when the member (``mine``) or the other is already
    at capacity with their active buddyships (capacity lowered since the proposal)."""
    if active_elsewhere >= capacity:
        if mine:
            raise Conflict(ACCEPTER_FULL, "buddyship_id", count=active_elsewhere, capacity=capacity)
        raise Conflict(OTHER_FULL, "buddyship_id")
