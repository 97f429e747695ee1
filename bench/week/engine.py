"""The virtual clock's queue: every action (a member's, a timer's) at its instant, in order,
each followed by the delivery of the events it caused. Nothing sleeps: the clock jumps from
one action to the next."""

import heapq
import itertools
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime

from .services import Services


class Engine:
    def __init__(self, services: Services):
        self.services, self.clock, self.bus = services, services.clock, services.bus
        self._queue: list = []
        self._order = itertools.count()
        self.spent: Counter = Counter()  # seconds of real time per kind of action
        self.done: Counter = Counter()

    def at(self, when: datetime, label: str, action: Callable, *args) -> None:
        heapq.heappush(self._queue, (when, next(self._order), label, action, args))

    def run_until(self, end: datetime) -> None:
        while self._queue and self._queue[0][0] < end:
            when, _, label, action, args = heapq.heappop(self._queue)
            self.clock.set(max(when, self.clock.at))
            began = time.perf_counter()
            action(*args)
            self.bus.drain()
            self.spent[label] += time.perf_counter() - began
            self.done[label] += 1
