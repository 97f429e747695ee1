"""Waiting for what happens asynchronously (events, mails, retries) without sleeping blindly."""

import time


def eventually(check, timeout: float = 10):
    """``check()``'s first true value; fails the test when none came within ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while not (result := check()):
        assert time.monotonic() < deadline, "not there in time"
        time.sleep(0.1)
    return result
