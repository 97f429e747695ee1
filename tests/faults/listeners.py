"""Members' apps holding the live notification stream open as a browser's EventSource does:
when the stream breaks they open it again a moment later, sending the id of the last
notification they got (Last-Event-ID), so that the gateway sends what they missed first."""

import json
import threading
import time
from dataclasses import dataclass, field

import requests

RETRY_SECONDS = 1.0  # EventSource waits what the stream's "retry:" says; the gateway says 3 s


@dataclass
class Received:
    moment_id: str
    notification_id: str
    connection: int  # which opening of the stream brought it (1, 2, ...)


@dataclass
class LiveApp:
    base: str
    member: dict
    received: list[Received] = field(default_factory=list)
    openings: list[float] = field(default_factory=list)  # when each stream opened (monotonic)
    refusals: list[str] = field(default_factory=list)
    last_id: str | None = None

    def __post_init__(self):
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def moment_ids(self) -> set[str]:
        return {r.moment_id for r in self.received}

    def opened_since(self, moment: float) -> list[int]:
        """The openings (numbered from 1) that began after ``moment``."""
        return [n for n, at in enumerate(self.openings, 1) if at > moment]

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(15)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._listen()
            except (requests.RequestException, ValueError) as exc:
                self.refusals.append(type(exc).__name__)
            self._stop.wait(RETRY_SECONDS)

    def _listen(self) -> None:
        headers = {"Authorization": f"Bearer {self.member['access_token']}",
                   "Accept": "text/event-stream"}
        if self.last_id:
            headers["Last-Event-ID"] = self.last_id
        # The read timeout is longer than the keep-alive: a stream that went quiet is dead.
        with requests.get(f"{self.base}/v1/me/notifications/stream", stream=True, timeout=(5, 10),
                          headers=headers) as answer:
            if answer.status_code != 200:
                self.refusals.append(str(answer.status_code))
                return
            self.openings.append(time.monotonic())
            connection = len(self.openings)
            event, data, last = None, None, None
            for line in answer.iter_lines(decode_unicode=True):
                if self._stop.is_set():
                    return
                if line.startswith("id: "):
                    last = line[4:]
                elif line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: "):
                    data = json.loads(line[6:])
                elif line == "" and event is not None:
                    if event == "notification" and data.get("kind") == "moment":
                        self.received.append(Received(data["data"]["moment_id"], data["id"],
                                                      connection))
                    if last:
                        self.last_id = last
                    event, data, last = None, None, None
