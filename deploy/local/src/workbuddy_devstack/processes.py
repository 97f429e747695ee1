"""Child processes that live and die with the one who started them.

Each child gets its own process group (so a terminal's Ctrl-C reaches only us, and we stop the
children in order) and is told by the kernel to stop if we die without cleaning up.
"""

import ctypes
import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .settings import handed_down_environment

PR_SET_PDEATHSIG = 1

try:  # resolved here, not in the child: loading a library after fork can deadlock
    _prctl = ctypes.CDLL(None, use_errno=True).prctl
except (OSError, AttributeError):
    _prctl = None  # not Linux: stop_all() still cleans up on a normal exit


def _die_with_parent():  # runs in the child between fork and exec
    if _prctl is not None:
        _prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class Supervisor:
    def __init__(self, log_dir: Path, echo: bool = False):
        self.log_dir = log_dir
        self.echo = echo
        self.children: dict[str, subprocess.Popen] = {}
        # What the others use (the store, the mail server): stopped once they are all gone.
        self.stopped_last: set[str] = set()
        log_dir.mkdir(parents=True, exist_ok=True)

    def log_path(self, name: str) -> Path:
        return self.log_dir / f"{name}.log"

    def start(self, name: str, argv: list[str], env: dict[str, str] | None = None,
              echo: bool = True, stop_last: bool = False) -> None:
        """``stop_last``: the other children use it, and stop_all() stops it after them."""
        if stop_last:
            self.stopped_last.add(name)
        echoed = echo and self.echo
        # A child whose output is not echoed writes its log file itself: passed through this
        # process, each of its lines cost a read, a write and a flush here (a quarter of a
        # benchmark's own CPU while four services logged every moment).
        with open(self.log_path(name), "ab") as log:
            child = subprocess.Popen(
                argv, env={**handed_down_environment(), **(env or {})}, stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE if echoed else log, stderr=subprocess.STDOUT,
                start_new_session=True, preexec_fn=_die_with_parent,
            )
        self.children[name] = child
        if echoed:
            threading.Thread(target=self._pump, args=(name, child), daemon=True).start()

    def _pump(self, name: str, child: subprocess.Popen) -> None:
        """The child's lines to its log file and to this terminal."""
        with open(self.log_path(name), "ab") as log:
            for line in child.stdout:
                log.write(line)
                log.flush()
                sys.stdout.write(f"{name:>13} | {line.decode(errors='replace')}")
                sys.stdout.flush()

    def dead(self) -> list[str]:
        return [name for name, child in self.children.items() if child.poll() is not None]

    def stop(self, name: str, timeout: float = 15) -> None:
        child = self.children.pop(name, None)
        if child is None or child.poll() is not None:
            return
        self._signal(child, signal.SIGTERM)
        try:
            child.wait(timeout)
        except subprocess.TimeoutExpired:
            self._signal(child, signal.SIGKILL)
            child.wait()

    def kill(self, name: str) -> None:
        """Stop at once, as a crash would: no chance to finish in-flight work."""
        child = self.children.pop(name, None)
        if child is not None and child.poll() is None:
            self._signal(child, signal.SIGKILL)
            child.wait()

    def stop_all(self, timeout: float = 15) -> None:
        """Every child at once, then those started with ``stop_last``, newest first. A service
        takes two to three seconds to stop (its consumers see the signal at their next poll),
        so four stopped one after the other took ten."""
        first = [name for name in self.children if name not in self.stopped_last]
        if first:
            with ThreadPoolExecutor(len(first)) as pool:
                list(pool.map(lambda name: self.stop(name, timeout), first))
        for name in reversed(list(self.children)):
            self.stop(name, timeout)

    @staticmethod
    def _signal(child: subprocess.Popen, sig: int) -> None:
        try:
            os.killpg(child.pid, sig)
        except ProcessLookupError:
            pass


def wait_until(check, timeout: float, what: str, interval: float = 0.2):
    """Poll ``check`` until it returns a true value; raise with ``what`` on timeout."""
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            result = check()
            if result:
                return result
        except Exception as exc:  # the thing is not up yet
            last_error = exc
        time.sleep(interval)
    raise TimeoutError(f"{what} not ready after {timeout:.0f}s"
                       + (f" (last error: {last_error})" if last_error else ""))
