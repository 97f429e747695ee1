"""What a process asks of its store: every command its MongoDB clients send, counted by
database and command name (``store.client_for`` installs the listener on each client it makes).

Kept apart from ``metrics``: the gateway makes store clients too, and its gunicorn workers count
in files that the master adds up (prometheus_client's multiprocess mode). Importing ``metrics``
there would also make its unlabelled gauges (the outbox's), which in that mode every gateway
process would export at 0 under a ``pid`` label.

The labels stay bounded: a service's own database (``workbuddy_profiles``…), ``admin`` for what
pymongo sends there (``commitTransaction``, ``abortTransaction``, ``endSessions``, a probe's
``ping``), and pymongo's command names. The monitor's heartbeats and each connection's
handshake are not commands to pymongo's listeners, so they are not counted.
"""

from prometheus_client import Counter
from pymongo import monitoring

STORE_COMMANDS = Counter(
    "workbuddy_store_commands_total",
    "Commands sent to the store (MongoDB), by database and command: round trips, not documents",
    ["database", "command"])


# On a store that does not isolate transactions, each database is used by one command or one
# transaction at a time (turns.py): how long its turn was held, and how long others waited for
# it. Held for most of the wall-clock time, the turn is what bounds the database's work, not
# the store's CPU.
STORE_TURN_SECONDS = Counter(
    "workbuddy_store_turn_seconds_total",
    "Time a database's turn was held (held) and waited for (waited), on a store that takes turns",
    ["database", "part"])


class CountedCommands(monitoring.CommandListener):
    """One increment per command, as it is sent; a failed command was a round trip too. Nothing
    of the command's content is read."""

    def __init__(self):
        # The children by label, so that a command costs a dict lookup and an increment, not
        # prometheus_client's label validation. Two threads making the same child at once get
        # the same object from labels(): the race is harmless.
        self._children: dict[tuple[str, str], Counter] = {}

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        key = (event.database_name, event.command_name)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = STORE_COMMANDS.labels(*key)
        child.inc()

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass
