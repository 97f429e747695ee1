"""A service for the retry tests, run as a real process: it takes moment.logged events and
fails on some of them, as a handler with a bug or a dependency that is down would.

A note saying "poison" fails until the test cures it (a document in its store: the bug fixed,
the dependency back); "flaky-N" fails N times, then succeeds; "slow-N" takes N seconds. What
it handled is kept in its store, once per event, so the tests can count.

    python -m tests.support.poison_service
"""

import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")  # as the services do

import eventlet  # noqa: E402

eventlet.monkey_patch()  # before anything else imports socket or threading

from workbuddy_platform.consumers import consumes  # noqa: E402
from workbuddy_platform.retries import event_handler  # noqa: E402
from workbuddy_platform.rpc import rpc  # noqa: E402
from workbuddy_platform.runner import run_service  # noqa: E402
from workbuddy_platform.settings import PlatformSettings  # noqa: E402
from workbuddy_platform.tracing import Traced  # noqa: E402
from workbuddy_platform.unit_of_work import UnitsOfWork  # noqa: E402


class PoisonTestService:
    name = "poisontest"
    uow = UnitsOfWork(emits=False)
    traced = Traced()  # its failures and retries show in traces (tests/e2e/test_traces.py)

    @rpc
    def answer_after(self, seconds: float) -> str:
        """Answers after a while."""
        eventlet.sleep(seconds)
        return "here"

    @rpc
    def answer_when_told(self, call: str) -> str:
        """Answers once the test has put ``{"_id": call}`` in ``go``: the test takes the broker
        away first, so the answer is certain to find no broker."""
        self.uow.db.answered.update_one({"_id": call}, {"$set": {"at": "work"}}, upsert=True)
        while self.uow.db.go.find_one({"_id": call}) is None:
            eventlet.sleep(0.1)
        return "here"

    @event_handler("profiles", "moment.logged")
    @consumes
    def on_moment_logged(self, event):
        note = event.payload["note"] or ""
        self.uow.db.tries.update_one({"_id": event.event_id}, {"$inc": {"n": 1}}, upsert=True)
        tries = self.uow.db.tries.find_one({"_id": event.event_id})["n"]
        if note == "poison" and self.uow.db.cure.find_one({"_id": "poison"}) is None:
            raise RuntimeError(f"cannot digest this note (try {tries})")
        if note.startswith("flaky-") and tries <= int(note.removeprefix("flaky-")):
            raise ConnectionError(f"the store went away (try {tries})")
        if note.startswith("slow-"):
            eventlet.sleep(float(note.removeprefix("slow-")))  # a killed worker dies in here
        self.uow.db.handled.insert_one({"_id": event.event_id, "note": note, "tries": tries})


if __name__ == "__main__":
    run_service(PoisonTestService, PlatformSettings.from_env)
