"""Read the JSON log lines a service process wrote."""

import json
import time
from pathlib import Path


def records(path: Path) -> list[dict]:
    out = []
    if not path.exists():
        return out
    for line in path.read_text(errors="replace").splitlines():
        if line.startswith("{"):
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                pass
    return out


def wait_for_record(path: Path, timeout: float = 15, count: int = 1, **match) -> list[dict]:
    """Wait until ``count`` records carry all of ``match``'s key/values; returns them."""
    deadline = time.monotonic() + timeout
    while True:
        found = [r for r in records(path) if all(r.get(k) == v for k, v in match.items())]
        if len(found) >= count:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"{path.name}: expected {count} record(s) with {match}, "
                                 f"found {len(found)}")
        time.sleep(0.1)
