"""The demo community, against a running Work Buddy:

    python -m workbuddy_devstack.demo live   --gateway URL --inbox URL --secret-file PATH
    python -m workbuddy_devstack.demo remove --gateway URL [--inbox URL] --secret-file PATH

`live` gathers the community (signing up whoever is not there yet) and acts for its members
until stopped; `remove` has every demo member leave. `make demo` runs `live` beside the
system; `make demo-remove` runs `remove` against it.
"""

import argparse
import logging
import signal
import sys
import threading
from pathlib import Path

from .client import Refused
from .gathering import gather, read_secret
from .leaving import remove
from .timing import DemoSettings, SettingsError


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m workbuddy_devstack.demo")
    parser.add_argument("command", choices=("live", "remove"))
    parser.add_argument("--gateway", default="http://127.0.0.1:8080")
    parser.add_argument("--inbox", default="http://127.0.0.1:8025")
    parser.add_argument("--secret-file", type=Path, default=Path("var/demo-secret"),
                        help="the demo members' passwords derive from it (make demo keeps one)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s demo %(message)s",
                        stream=sys.stdout)
    if not args.secret_file.exists():
        sys.exit(f"no demo secret at {args.secret_file}: no demo community was gathered with "
                 "it (make demo makes one)")
    secret = read_secret(args.secret_file)
    try:
        if args.command == "remove":
            left = remove(args.gateway, secret, args.inbox)
            args.secret_file.unlink()  # the next `make demo` gathers a community anew
            print(f"{left} demo members left Work Buddy; every service forgets them as it "
                  "forgets anyone who leaves.", flush=True)
            return
        live(args.gateway, args.inbox, secret)
    except (Refused, ConnectionError, TimeoutError) as failed:
        sys.exit(f"demo: {failed}")


def live(gateway: str, inbox: str, secret: str) -> None:
    try:
        settings = DemoSettings.from_env()
    except SettingsError as wrong:
        sys.exit(f"demo cannot start: {wrong}")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    actor = gather(gateway, inbox, secret, settings)
    print(f"The demo community is here: {len(actor.members)} members, living at pace "
          f"{settings.pace:g}.", flush=True)
    stop.wait()
    actor.stop()


if __name__ == "__main__":
    main()
