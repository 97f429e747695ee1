"""Who to suggest to a member now: the members the hard rules allow, best score first, each
with the reasons to meet them. Pure; the service gathers the pool and the pair histories."""

from .compatibility import Candidate, Compatibility, refusal, score


def suggest(me: Candidate, others: list[Candidate], *, open_slots: dict[str, int],
            blocked: set[str], cooling_off: set[str], already: set[str],
            limit: int) -> list[tuple[Candidate, Compatibility]]:
    """``already``: members with whom ``me`` has a proposed or active buddyship."""
    ranked = []
    for other in others:
        if other.member_id in already:
            continue
        if refusal(me, other, open_slots_a=open_slots.get(me.member_id, 0),
                   open_slots_b=open_slots.get(other.member_id, 0),
                   blocked=other.member_id in blocked,
                   cooling_off=other.member_id in cooling_off) is not None:
            continue
        ranked.append((other, score(me, other)))
    ranked.sort(key=lambda found: (-found[1].score, found[0].member_id))
    return ranked[:limit]
