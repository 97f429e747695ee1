"""A lease in the service's own database, so that a periodic job runs in one replica at a time.

Every replica's timer asks for the lease on each tick; the holder keeps renewing it, and when
it stops (crashed, scaled down), another replica takes it over once it has expired.
"""

import os
import socket
import uuid
from datetime import timedelta

from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from . import clock
from .store import transition

# This process, as a lease holder.
HOLDER = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def hold(db: Database, name: str, ttl: timedelta, holder: str = HOLDER) -> bool:
    """True when ``holder`` holds the lease ``name`` for the next ``ttl``."""
    now = clock.now()
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
