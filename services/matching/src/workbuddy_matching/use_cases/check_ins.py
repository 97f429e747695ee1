"""Check-ins: at the end of a buddyship's trial, and then every so often, each buddy says
privately how it goes (domain/check_ins.py says what each answer does).

A timer opens the check-ins that are due and closes those left unanswered too long. A kind end
ends the buddyship at once (the other reads a warm, neutral word) and both members are
proposed someone new, within their capacity and unless they paused matching.
"""

from datetime import timedelta

from workbuddy_contracts.commands import AnswerCheckIn, load_or_refuse
from workbuddy_contracts.errors import Conflict
from workbuddy_platform.logs import get_logger

from ..domain import buddyship
from ..domain import check_ins as rules
from ..unit_of_work import MatchingUnitOfWork
from . import proposals, slots

log = get_logger(__name__)

# How often a confirmed buddyship is asked how it goes, unless the settings say otherwise.
EVERY = timedelta(days=90)
ENDED_MEANWHILE = "this buddyship has ended; there is nothing left to answer"


def check_ins_of(uow: MatchingUnitOfWork, *, member_id: str, limit: int = 20) -> dict:
    """The member's check-ins, open ones first, each as they see it (``limit`` 0: all)."""
    found = uow.check_ins.of_member(member_id, limit=limit)
    buddyships = {b: uow.buddyships.get(b) for b in {c["buddyship_id"] for c in found}}
    return {"items": [rules.view(c, member_id, buddyships[c["buddyship_id"]]) for c in found]}


def answer(uow: MatchingUnitOfWork, *, check_in_id: str, member_id: str, request: dict,
           every: timedelta = EVERY) -> dict:
    """One buddy's answer. {"check_in", "buddyship", "proposed"}: what they see now, and who
    they are proposed when they ended it kindly."""
    request = load_or_refuse(AnswerCheckIn(), request)
    current, now = uow.check_ins.get(check_in_id), uow.now()
    rules.check_member(current, check_in_id, member_id)
    found = uow.buddyships.get(current["buddyship_id"])
    if found["state"] != buddyship.ACTIVE:
        if current["state"] == rules.OPEN:  # the buddyship ended before its check-in knew
            _close_ended(uow, current)
        raise Conflict(ENDED_MEANWHILE, "check_in_id")
    step = rules.answer(current, check_in_id, member_id, request, found.get("mode"), now)
    uow.check_ins.save(step.check_in, was=current)
    uow.record(*step.events)
    after = found
    if step.outcome == rules.ENDED:
        change = buddyship.end(found, found["_id"], member_id, now, kindly=True)
        after = change.buddyship
        uow.buddyships.save(after, was=found)
        uow.record(*change.events)
    elif step.outcome is not None:
        after = rules.after_closing(found, step, now, every)
        uow.buddyships.save(after, was=found)
    uow.commit()
    proposed = []
    if step.outcome == rules.ENDED:  # the slot each of them had is filled again, now
        for member in buddyship.members_of(found):
            mine = slots.fill(uow, member)
            proposed += mine if member == member_id else []
    language = proposals.reads(uow, member_id)
    log.info("matching.check_in_answered", check_in_id=check_in_id, member_id=member_id,
             answer=request["answer"], outcome=step.outcome)
    return {"check_in": rules.view(step.check_in, member_id, after),
            "buddyship": buddyship.view_for(after, member_id, language),
            "proposed": [buddyship.view_for(p, member_id, language) for p in proposed]}


def open_due(uow: MatchingUnitOfWork, *, every: timedelta = EVERY,
             trial: timedelta = proposals.TRIAL) -> dict:
    """Open the check-ins that are due, and close those nobody finished answering in time.
    Each step is conditional: one that changed meanwhile (another worker, an answer, an end)
    is left as it is. Buddyships older than check-ins are given their schedule first."""
    now, opened, lapsed = uow.now(), 0, 0
    for found in uow.buddyships.unscheduled():
        uow.buddyships.save(rules.catch_up(found, now, trial, proposals.starting_mode(uow, found)),
                            was=found)
        _commit(uow)
    for found in uow.buddyships.due_for_check_in(now):
        check_in, marked, event = rules.open_for(found, now)
        uow.check_ins.add(check_in)
        uow.buddyships.save(marked, was=found)
        uow.record(event)
        opened += _commit(uow)
    for current in uow.check_ins.due_to_lapse(now):
        found = uow.buddyships.get(current["buddyship_id"])
        if found is None or found["state"] != buddyship.ACTIVE:
            _close_ended(uow, current)
            continue
        step = rules.lapse(current, now, found.get("mode"))
        if step is None:  # the store compares dates to the second: not quite due yet
            continue
        uow.check_ins.save(step.check_in, was=current)
        uow.record(*step.events)
        if found.get("check_in_id") == current["_id"]:
            uow.buddyships.save(rules.after_closing(found, step, now, every), was=found)
        lapsed += _commit(uow)
    if opened or lapsed:
        log.info("matching.check_ins", opened=opened, lapsed=lapsed)
    return {"opened": opened, "lapsed": lapsed}


def buddyship_ended(uow: MatchingUnitOfWork, *, buddyship_id: str) -> None:
    """A buddyship ended (a buddy ended it, a block, a member left): its open check-in, if
    any, closes with it."""
    for current in uow.check_ins.open_of_buddyship(buddyship_id):
        _close_ended(uow, current)


def _close_ended(uow: MatchingUnitOfWork, current: dict) -> None:
    step = rules.close(current, rules.ENDED, uow.now(), None)
    uow.check_ins.save(step.check_in, was=current)
    uow.record(*step.events)
    _commit(uow)


def _commit(uow: MatchingUnitOfWork) -> int:
    try:
        uow.commit()
        return 1
    except Conflict:
        return 0
