"""What is due when: a heap of timed steps, worked by a few threads.

Each demo member's look at their notifications is a step that sets the next one; what they
decide to do (accept, greet, cheer) is a step set a human-like delay later. A step that fails
is logged and forgotten: the demo goes on, and the member's next look finds what is left.
"""

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

log = logging.getLogger("workbuddy.demo")


class Agenda:
    def __init__(self, workers: int = 4):
        self._steps: list[tuple[float, int, str, Callable[[], None]]] = []
        self._order = itertools.count()
        self._changed = threading.Condition()
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="demo")
        self.stopping = threading.Event()

    def at(self, when: float, what: str, step: Callable[[], None]) -> None:
        """``step`` at ``when`` (time.monotonic()); ``what`` names it in the log."""
        with self._changed:
            heapq.heappush(self._steps, (when, next(self._order), what, step))
            self._changed.notify()

    def after(self, seconds: float, what: str, step: Callable[[], None]) -> None:
        self.at(time.monotonic() + seconds, what, step)

    def run(self) -> None:
        """Until ``stopping`` is set: each step at its time, on one of the workers."""
        while not self.stopping.is_set():
            with self._changed:
                wait = self._steps[0][0] - time.monotonic() if self._steps else 1.0
                if wait > 0:
                    self._changed.wait(min(wait, 1.0))
                    continue
                _, _, what, step = heapq.heappop(self._steps)
            self._pool.submit(self._do, what, step)
        self._pool.shutdown(wait=True, cancel_futures=True)

    def stop(self) -> None:
        self.stopping.set()
        with self._changed:
            self._changed.notify()

    @staticmethod
    def _do(what: str, step: Callable[[], None]) -> None:
        try:
            step()
        except Exception as failed:  # noqa: BLE001 - one member's step never stops the demo
            log.warning("demo step %s failed: %s", what, failed)
