"""An urgent ask answered by a human: kept when a member asks (if they allowed it to go wider),
marked answered when a buddy writes or reacts, widened to members who offered help when nobody
did in time, taken by the first helper who says yes, closed when nobody does."""

from collections.abc import Iterator
from datetime import datetime, timedelta

from eventlet import tpool

from workbuddy_contracts.commands import AnswerAsk, load_or_refuse
from workbuddy_contracts.errors import Conflict
from workbuddy_platform.logs import get_logger

from ..adapters import shortlist
from ..domain import asks, buddyship, introductions, reachability
from ..unit_of_work import MatchingUnitOfWork
from . import slots
from .slots import pairs_not_to_propose

log = get_logger(__name__)

# Helpers shortlisted at first. The ranking adds a skill the note names and a trade close to the
# member's to the score, which reorders the embedding's list more than a support buddy's choice
# does: at 100,000 members, 40 asks, the choice over every supporter was found whole (the same
# three, in order) in 25 with 50 shortlisted, 33 with 200 (p95 104 ms), 38 with 800 (p95 602 ms).
HELPERS_FIRST = 200


def ask_logged(uow: MatchingUnitOfWork, *, moment: dict, widen_after: timedelta) -> None:
    """An urgent ask the member let go wider waits for a buddy's answer; a second one while
    another is out stays with the buddies (the member is told)."""
    ask = asks.opened(moment, uow.now(), widen_after)
    if ask is None or uow.asks.get(ask["_id"]) is not None:  # not one, or redelivered
        return
    if uow.asks.open_of(ask["asker_id"]):
        change = asks.another_open(ask, uow.now())
        uow.asks.add(change.ask)
        uow.record(*change.events)
    else:
        uow.asks.add(ask)
    uow.commit()


def answer_seen(uow: MatchingUnitOfWork, *, asker_id: str, by: str, at: datetime,
                ask_id: str | None = None) -> None:
    """A buddy wrote to the member, or reacted to the ask: a human answered, nothing to widen."""
    for ask in uow.asks.waiting_for_answer_of(asker_id):
        if ask_id is not None and ask["_id"] != ask_id:
            continue
        after = asks.answered(ask, by, at)
        if after is not None:
            _save_quietly(uow, asks.Change(after), ask)


def widen_due(uow: MatchingUnitOfWork, *, helpers: int, open_for: timedelta) -> int:
    """Asks nobody answered in time go to helpers; returns how many were widened or closed."""
    moved = 0
    for ask in uow.asks.due_to_widen(uow.now()):
        chosen = _helpers_for(uow, ask, helpers)
        moved += _save_quietly(uow, asks.widened(ask, chosen, uow.now(), open_for), ask)
        log.info("matching.ask_widened", ask_id=ask["_id"], helpers=len(chosen))
    for ask in uow.asks.due_to_close(uow.now()):
        if (change := asks.close_if_due(ask, uow.now())) is not None:
            moved += _save_quietly(uow, change, ask)
    return moved


def answer(uow: MatchingUnitOfWork, *, ask_id: str, member_id: str, request: dict) -> dict:
    """A helper's yes or no. The first yes opens a conversation (an "ask" buddyship); a yes
    after another helper's is refused, kindly. Answering again the same way changes nothing."""
    choice = load_or_refuse(AnswerAsk(), request)["answer"]
    try:
        return _answer(uow, ask_id, member_id, choice)
    except Conflict:
        # Another helper answered at the same moment: look again (a yes now finds it taken).
        return _answer(uow, ask_id, member_id, choice)


def _answer(uow: MatchingUnitOfWork, ask_id: str, member_id: str, choice: str) -> dict:
    ask = asks.check_helper(uow.asks.get(ask_id), ask_id, member_id)
    if uow.blocks.between(ask["asker_id"], member_id) is not None:
        asks.check_helper(None, ask_id, member_id)  # a block hides the ask: not found
    now = uow.now()
    if choice == "no":
        change = asks.say_no(ask, ask_id, member_id, now)
    else:
        change = _say_yes(uow, ask, member_id, now)
    if change.ask is not ask:
        uow.asks.save(change.ask, ask)
        uow.record(*change.events)
        uow.commit()
    return asks.view_for(change.ask, member_id, _names(uow, change.ask))


def _say_yes(uow: MatchingUnitOfWork, ask: dict, helper_id: str, now: datetime) -> asks.Change:
    """Taking the ask starts the pair's conversation, unless the two already have a buddyship
    (then that one's conversation serves)."""
    if ask["state"] != asks.WIDENED:
        return asks.say_yes(ask, ask["_id"], helper_id, ask.get("buddyship_id") or "", now)
    existing = uow.buddyships.open_between(ask["asker_id"], helper_id)
    if existing is not None:
        return asks.say_yes(ask, ask["_id"], helper_id, existing["_id"], now)
    started = buddyship.start_for_ask(ask["asker_id"], helper_id, ask["_id"], now)
    change = asks.say_yes(ask, ask["_id"], helper_id, started.buddyship["_id"], now)
    uow.buddyships.add(started.buddyship)
    uow.record(*started.events)
    return change


def asks_of(uow: MatchingUnitOfWork, *, member_id: str) -> dict:
    """The member's own asks and those they were asked to help with, newest first (an ask from
    a member they blocked, or who blocked them, is not shown)."""
    blocked = uow.blocks.others_of(member_id)
    found = [ask for ask in uow.asks.of_member(member_id) if ask["asker_id"] not in blocked]
    names = _names(uow, *found)
    return {"items": [asks.view_for(ask, member_id, names) for ask in found], "next": None}


def _helpers_for(uow: MatchingUnitOfWork, ask: dict, count: int) -> list:
    """Members who offered help, can be reached now and are not asked about another ask,
    ranked for this one."""
    now, asker_id = uow.now(), ask["asker_id"]
    mine = uow.pool.member(asker_id)
    if mine is None or not reachability.proven(mine):
        return []
    excluded = set().union(*pairs_not_to_propose(uow, asker_id, now).values())
    me = introductions.candidate_of(mine, now)
    for offering in _offering_help(uow, mine, ask.get("note"), count):
        offering = [doc for doc in reachability.not_paused(offering, now)
                    if doc["_id"] != asker_id and reachability.unreachable_because(doc, now) is None]
        busy = uow.asks.helping_now([doc["_id"] for doc in offering])
        willing = [asks.Helper(introductions.candidate_of(doc, now),
                               tuple((doc.get("profile") or {}).get("skills") or ()))
                   for doc in offering if doc["_id"] not in busy]
        chosen = tpool.execute(asks.choose_helpers, me, ask.get("note"), willing,
                               excluded=excluded, count=count)
        if len(chosen) >= count:
            break
    return chosen


def _offering_help(uow: MatchingUnitOfWork, mine: dict, note: str | None,
                   count: int) -> Iterator[list[dict]]:
    """Members who offered support, each list wider than the last: all of them in a small pool;
    else the member's shortlist by the embedding among those who named a skill the note names,
    and among all who offered (the ranking adds what a skill named is worth to the score, so
    the best of both kinds is looked at). The caller stops once one holds enough helpers."""
    named: list[str] | None = None

    def search(k: int) -> list[str]:
        nonlocal named
        if named is None:  # asked only when the pool is too large to score whole
            named = shortlist.skills_named(uow, note)
        return ((shortlist.nearest(uow, mine, k, supporting=True, skilled=named) if named else [])
                + shortlist.nearest(uow, mine, k, supporting=True))

    yield from slots.supporters_near(uow, max(HELPERS_FIRST, 4 * count), search)


def _save_quietly(uow: MatchingUnitOfWork, change: asks.Change, was: dict) -> int:
    """Save a step taken on the member's behalf; another replica or a helper moving the ask
    first is not an error (1 when saved)."""
    uow.asks.save(change.ask, was)
    uow.record(*change.events)
    try:
        uow.commit()
    except Conflict:
        return 0
    return 1


def _names(uow: MatchingUnitOfWork, *found: dict) -> dict[str, str]:
    ids = {m for ask in found for m in (ask["asker_id"], ask.get("taker_id")) if m}
    return {doc["_id"]: doc.get("display_name") for doc in uow.pool.members(sorted(ids))}
