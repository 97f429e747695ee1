"""The local Redis that holds the gateway's rate-limit counters: found, or started if it is
installed and stopped."""

import shutil
import subprocess
from urllib.parse import urlsplit

from .broker import reachable
from .processes import wait_until


def ensure_redis(url: str) -> str | None:
    """A line saying what was done, or None when no Redis can be had here."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 6379
    if reachable(host, port):
        return f"Redis already running at {host}:{port}"
    if host not in ("127.0.0.1", "localhost") or not shutil.which("redis-server"):
        return None
    subprocess.run(["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1",
                    "--port", str(port), "--save", "", "--appendonly", "no"],
                   check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_until(lambda: reachable(host, port), 30, f"Redis at {host}:{port}")
    return f"Redis started at {host}:{port} (it keeps running after we stop)"
