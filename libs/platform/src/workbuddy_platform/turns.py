"""Turns at a database, for a store that does not isolate transactions (nx-27017).

nx-27017 runs a database's transactions on the one SQLite connection that serves every client
of that database: while a transaction is open, everyone reads what it wrote so far, and its
abort also undoes what others wrote meanwhile. What this module adds, when the store is known
not to isolate (``STORE_ISOLATES``, settings.py), is a turn per database: a transaction
(``store.in_transaction``) holds the turn from its first write to its commit or abort, and
every other command on that database waits for the turn, so that nothing is read before it is
committed and nothing written by others is undone.

The turn is held by one thread or green thread of the process (a lock that works under
eventlet's monkey-patching: it is made of ``threading`` objects created at first use, after
the patching) and by one process of the machine (``flock`` on a file named after the store's
address and the database). Hence the limit: every process using an embedded store's database
runs on the store's machine, and names the store by the same address.

Commands are held in their turn by a command listener (``StoreTurns``): pymongo calls it in the
thread that runs the command, just before sending it, and again once the answer is read or the
command failed. A thread that dies mid-command (a green thread killed) cannot give its turn
back; the next one waiting takes it over once it sees the holder dead.
"""

import errno
import fcntl
import os
import sys
import tempfile
import threading
import time
import weakref
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager

import greenlet
from pymongo import monitoring

from .logs import get_logger
from .store_metrics import STORE_TURN_SECONDS

log = get_logger(__name__)

# Databases the store keeps for itself: never written in a transaction of ours.
_OWN_DATABASES = ("admin", "config", "local")
# Databases whose service writes every change at once and runs no transaction on them
# (``without_transactions``): there is nothing uncommitted to hide and nothing an abort could
# undo, so their commands take no turn and run side by side.
_WITHOUT_TRANSACTIONS: set[str] = set()


def without_transactions(database: str) -> None:
    """Declare that no transaction is ever run on ``database`` (its service writes at once):
    its commands take no turn. ``store.in_transaction`` refuses it from then on in this
    process; the declaration holds only if no other process transacts on it either (each
    service owns its database)."""
    _WITHOUT_TRANSACTIONS.add(database)


def transactions_allowed(database: str) -> bool:
    return database not in _WITHOUT_TRANSACTIONS


# Commands that only read: the ones ``reading_uncommitted`` lets past the turn.
_READS = frozenset({"find", "getMore", "count", "aggregate", "distinct"})
# The threads (green or not) inside ``reading_uncommitted``.
_uncommitted_readers: "weakref.WeakSet[greenlet.greenlet]" = weakref.WeakSet()


@contextmanager
def reading_uncommitted() -> Iterator[None]:
    """Reads made in this block do not wait for their database's turn, so they may see what an
    open transaction wrote and has not committed (and may never commit). Only for a read whose
    answer is as good either way, and that a busy database should not hold up: profiles checks
    that a member exists before logging their moment, behind every other moment's transaction
    otherwise. Writes still take the turn."""
    me = greenlet.getcurrent()
    _uncommitted_readers.add(me)
    try:
        yield
    finally:
        _uncommitted_readers.discard(me)


LOCK_DIR = os.path.join(tempfile.gettempdir(), "workbuddy-store-turns")


def _eventlet_patched() -> bool:
    eventlet = sys.modules.get("eventlet")
    return eventlet is not None and eventlet.patcher.is_monkey_patched("thread")


class Turn:
    """One database's turn: re-entrant for its holder (a transaction's own commands, a nested
    transaction), waited for by every other thread of the process and every other process."""

    def __init__(self, path: str, database: str = ""):
        self.path = path
        self._held_seconds = STORE_TURN_SECONDS.labels(database, "held")
        self._waited_seconds = STORE_TURN_SECONDS.labels(database, "waited")
        self._taken_at = 0.0
        self._guard = threading.Lock()
        self._free = threading.Condition(self._guard)
        self._holder: greenlet.greenlet | None = None
        self._waiting: deque[greenlet.greenlet] = deque()
        self._depth = 0
        self._file: int | None = None
        self._file_pid: int | None = None

    def take(self) -> None:
        me = greenlet.getcurrent()
        with self._guard:
            if self._holder is me:
                self._depth += 1
                return
            asked = time.monotonic()
            if self._holder is None and not self._waiting:
                self._holder = me
            else:
                self._wait_for_turn(me)
            self._depth = 1
        try:
            self._lock_file()
        except BaseException:
            self.give_back()
            raise
        self._taken_at = time.monotonic()
        self._waited_seconds.inc(self._taken_at - asked)

    def _wait_for_turn(self, me: greenlet.greenlet) -> None:
        """In the order asked: the turn is handed to the first in line when given back (a
        holder that takes it again at once would otherwise starve the others)."""
        self._waiting.append(me)
        try:
            while self._holder is not me:
                if self._waiting[0] is me and (self._holder is None or self._holder.dead):
                    if self._holder is not None:
                        log.warning("store.turn_taken_over", database_lock=self.path)
                    self._waiting.popleft()
                    self._holder = me
                    return
                # A timeout, to notice a holder that was killed and will never give it back.
                self._free.wait(0.5)
        except BaseException:  # killed while waiting: out of the line, or pass the turn on
            if me in self._waiting:
                self._waiting.remove(me)
            elif self._holder is me:
                self._hand_on()
            raise

    def give_back(self) -> None:
        with self._guard:
            if self._holder is not greenlet.getcurrent():
                return  # taken over after this thread was thought dead: not ours any more
            self._depth -= 1
            if self._depth:
                return
            self._held_seconds.inc(max(0.0, time.monotonic() - self._taken_at))
            self._unlock_file()
            self._hand_on()

    def _hand_on(self) -> None:
        self._holder = self._waiting.popleft() if self._waiting else None
        self._free.notify_all()

    def __enter__(self) -> "Turn":
        self.take()
        return self

    def __exit__(self, *exc_info) -> None:
        self.give_back()

    def _lock_file(self) -> None:
        if self._file is not None and self._file_pid != os.getpid():
            self._file = None  # inherited through fork: the lock would be the parent's
        if self._file is None:
            os.makedirs(LOCK_DIR, exist_ok=True)
            self._file = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
            self._file_pid = os.getpid()
        try:
            fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN):
                raise
            if _eventlet_patched():  # wait in a real thread: the hub keeps serving the others
                from eventlet import tpool
                tpool.execute(fcntl.flock, self._file, fcntl.LOCK_EX)
            else:
                fcntl.flock(self._file, fcntl.LOCK_EX)

    def _unlock_file(self) -> None:
        if self._file is not None and self._file_pid == os.getpid():
            fcntl.flock(self._file, fcntl.LOCK_UN)


_turns: dict[tuple[str, int, str], Turn] = {}
_turns_lock = threading.Lock()


def turn_of(address: tuple[str, int], database: str) -> Turn:
    """The one turn of this process for a database of the store at ``address``."""
    host, port = address
    host = "127.0.0.1" if host in ("localhost", "::1") else host
    key = (host, port, database)
    with _turns_lock:
        if key not in _turns:
            name = f"{host}_{port}_{database}.lock".replace("/", "_")
            _turns[key] = Turn(os.path.join(LOCK_DIR, name), database)
        return _turns[key]


class StoreTurns(monitoring.CommandListener):
    """Holds each command of a client in its database's turn, when the store does not isolate.

    ``isolates``: True (MongoDB: nothing to do), False (take turns), None (ask the store: a
    server that answers ``hello`` without a topology version, as nx-27017 does, is taken as not
    isolating; MongoDB has sent one since 4.4).
    """

    def __init__(self, isolates: bool | None):
        self.isolates = isolates
        self.client = None  # set by store.client_for once the client exists
        self._held: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def takes_turns(self, address: tuple[str, int] | None = None) -> bool:
        if self.isolates is None and self.client is not None:
            descriptions = self.client.topology_description.server_descriptions()
            found = descriptions.get(address) if address else next(iter(descriptions.values()),
                                                                   None)
            if found is not None and found.is_server_type_known:
                self.isolates = found.topology_version is not None
        return self.isolates is not True  # unknown yet: take turns, the safe side

    def started(self, event):
        if event.database_name in _OWN_DATABASES or event.database_name in _WITHOUT_TRANSACTIONS \
                or not self.takes_turns(event.connection_id):
            return
        me = greenlet.getcurrent()
        if event.command_name in _READS and me in _uncommitted_readers:
            return
        # A command of this thread that never ended (an exception that is not an Exception,
        # such as eventlet.Timeout, skips pymongo's ``failed``): give its turn back first.
        stale = self._held.pop(me, None)
        if stale is not None:
            stale[0].give_back()
        turn = turn_of(event.connection_id, event.database_name)
        turn.take()
        self._held[me] = (turn, event.connection_id, event.request_id)

    def succeeded(self, event):
        self._end(event)

    def failed(self, event):
        self._end(event)

    def _end(self, event):
        me = greenlet.getcurrent()
        held = self._held.get(me)
        if held is not None and held[1:] == (event.connection_id, event.request_id):
            del self._held[me]
            held[0].give_back()
