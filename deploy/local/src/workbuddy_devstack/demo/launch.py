"""How `make run` and `make demo` treat the demo community.

`make demo` tells the services that a demo community may sign up (profiles refuses the demo
domain otherwise), and starts the actor beside them. `make run` never starts it, and if a
`make demo` left one in the store, it has every demo member leave first: a real member is
never proposed someone nobody plays.
"""

import logging
import secrets
import sys
import threading
from pathlib import Path

from .client import Refused
from .gathering import read_secret
from .leaving import remove

log = logging.getLogger("workbuddy.demo")

SECRET = "demo-secret"

# What the services are told when the demo community lives beside them.
ENVIRONMENT = {
    "DEMO_COMMUNITY": "on",
    # Forty sign-ups and sign-ins from this one machine, within a minute.
    "RATE_LIMIT_SIGNUP": "200 per hour",
    "RATE_LIMIT_LOGIN": "300 per minute",
    # A newcomer's first check-in about a quarter of an hour after their buddyship starts
    # (21 days otherwise), so that a demo shows it.
    "BUDDYSHIP_TRIAL_DAYS": "0.01",
    # The quiet member is noticed within minutes of a newcomer's third unanswered moment.
    "BUDDY_QUIET_GRACE_HOURS": "0.02",
    "MATCHING_CHECKUP_EVERY_MINUTES": "1",
}


def secret_path(var_dir: Path) -> Path:
    return var_dir / SECRET


def command(gateway_url: str, inbox_url: str, var_dir: Path) -> list[str]:
    """The actor's command line; its secret is made once per install and kept in var_dir,
    so that a second `make demo` signs the same members in again."""
    path = secret_path(var_dir)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(32) + "\n")
        path.chmod(0o600)
    return [sys.executable, "-m", "workbuddy_devstack.demo", "live", "--gateway", gateway_url,
            "--inbox", inbox_url, "--secret-file", str(path)]


def remove_leftovers(gateway_url: str, inbox_url: str, var_dir: Path) -> threading.Thread | None:
    """Outside `make demo`: the demo members a `make demo` gathered leave, in the background
    (their secret goes once they did); None when there were none."""
    path = secret_path(var_dir)
    if not path.exists():
        return None
    print("A demo community from `make demo` is in this store: its members are leaving, so "
          "that real members are never proposed them.", flush=True)

    def leave():
        try:
            left = remove(gateway_url, read_secret(path), inbox_url)
        except (Refused, ConnectionError, TimeoutError) as failed:
            print(f"!! the demo members could not all leave ({failed}); run `make demo-remove` "
                  "while the system runs", flush=True)
            return
        path.unlink(missing_ok=True)
        print(f"{left} demo members left.", flush=True)

    thread = threading.Thread(target=leave, name="demo-leaving", daemon=True)
    thread.start()
    return thread
