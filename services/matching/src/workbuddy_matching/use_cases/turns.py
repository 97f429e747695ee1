"""Whose turn it is to propose. One lease for all of matching's own proposing (rounds,
rematches), so that two replicas, or a round and a rematch in one replica, never fill the same
member's slots at once: capacity holds."""

from contextlib import contextmanager
from datetime import timedelta

from eventlet.semaphore import Semaphore

from workbuddy_platform import lease

from ..unit_of_work import MatchingUnitOfWork

PROPOSING = "matching.proposing"
PROPOSING_LEASE = timedelta(minutes=10)
_this_process = Semaphore(1)


@contextmanager
def proposing(uow: MatchingUnitOfWork):
    """Whether this worker may propose now: it holds the cluster's proposing lease, and no other
    worker of this process is proposing (not waiting: the next tick comes soon)."""
    if not _this_process.acquire(blocking=False):
        yield False
        return
    try:
        yield still_ours(uow)
    finally:
        _this_process.release()


def still_ours(uow: MatchingUnitOfWork) -> bool:
    """Renews the proposing lease; False once another replica holds it."""
    return lease.hold(uow.db, PROPOSING, PROPOSING_LEASE, now=uow.now())
