"""Blocking and reporting: once a member blocks another, nothing more goes between the two,
in any service, and they are never proposed to each other again."""

from workbuddy_contracts.commands import ReportMember, load_or_refuse
from workbuddy_contracts.errors import Conflict, Forbidden
from workbuddy_platform.exports import exported

from ..domain import buddyship
from ..unit_of_work import MatchingUnitOfWork

# A block that races a change of the pair's buddyship reads it again this many times.
ATTEMPTS = 3


def block(uow: MatchingUnitOfWork, *, blocker_id: str, blocked_id: str) -> None:
    """Their open buddyship (or proposal) closes at once, and every service stops showing and
    sending between them (member.blocked). Blocking again changes nothing."""
    if blocker_id == blocked_id:
        raise Forbidden("a member cannot block themselves", "member_id")
    for attempt in range(ATTEMPTS):
        if uow.blocks.between(blocker_id, blocked_id):
            return
        now = uow.now()
        uow.blocks.add(blocker_id, blocked_id, now)
        if (open_one := uow.buddyships.open_between(blocker_id, blocked_id)) is not None:
            change = buddyship.close_for_block(open_one, now)
            uow.buddyships.save(change.buddyship, was=open_one)
            uow.record(*change.events)
        uow.record(("member.blocked", {"blocker_id": blocker_id, "blocked_id": blocked_id,
                                       "blocked_at": now}))
        try:
            uow.commit()
            return
        except Conflict:  # the buddyship changed meanwhile: read it again
            if attempt == ATTEMPTS - 1:
                raise


def report(uow: MatchingUnitOfWork, *, reporter_id: str, reported_id: str,
           request: dict | None = None) -> None:
    """A report blocks, and is kept for operators (``workbuddy-matching-ops reports``)."""
    details = load_or_refuse(ReportMember(), request or {})
    block(uow, blocker_id=reporter_id, blocked_id=reported_id)
    uow.reports.add(reporter_id, reported_id, details, uow.now())
    uow.commit()


def reports(uow: MatchingUnitOfWork, *, limit: int = 50) -> list[dict]:
    """The latest reports, newest first (operators)."""
    return [exported(r) for r in uow.reports.latest(limit)]
