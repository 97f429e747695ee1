"""A lease in the service's own database, so that a periodic job runs in one replica at a time.

Every replica's timer asks for the lease on each tick; the holder keeps renewing it, and when
it stops (crashed, scaled down), another replica takes it over once it has expired.
"""

import os
import socket
import uuid
from datetime import datetime, timedelta

from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from . import clock
from .store import transition

# This process, as a lease holder.
HOLDER = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def hold(db: Database, name: str, ttl: timedelta, holder: str = HOLDER,
         now: datetime | None = None) -> bool:
    """True when ``holder`` holds the lease ``name`` for the next ``ttl``. ``now``: the caller's
    clock (its unit of work's), the platform's by default."""
    now = now or clock.now()
    try:
        db.leases.insert_one({"_id": name, "holder": holder, "expires_at": now + ttl})
        return True
    except DuplicateKeyError:
        pass
    current = db.leases.find_one({"_id": name})
    if current is None or (current["holder"] != holder and current["expires_at"] > now):
        return False
    return transition(db.leases, {"_id": name, "holder": current["holder"]},
                      {"holder": holder, "expires_at": now + ttl}) is not None


def once_per(db: Database, name: str, period: timedelta, now: datetime | None = None) -> bool:
    """True at most once per ``period`` in the whole cluster: a turn that nobody, this process
    included, takes again before it expires (a fresh holder each time)."""
    return hold(db, name, period, holder=f"{HOLDER}:{uuid.uuid4().hex[:8]}", now=now)
