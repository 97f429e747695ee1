"""workbuddy-dev: run the whole system on this machine, without containers.

Starts (or reuses) RabbitMQ, the embedded MongoDB stand-in unless MONGO_URI is set, a dev mail
inbox, then profiles, matching, notifications and the gateway as separate processes. Ctrl-C
stops everything it started.
"""

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from .broker import ensure_rabbitmq
from .counters import ensure_redis
from .processes import Supervisor
from .stack import SERVICES, Stack
from .store import start_embedded

ROOT = Path(os.environ.get("WB_VAR_DIR", "var"))


def _port(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def kept_secret(name: str, make) -> str:
    """One secret per local install, kept beside the store, so that what was signed with it
    keeps working after a restart: browsers subscribed with the VAPID public key, links in
    mails already in the dev inbox."""
    path = ROOT / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(make() + "\n")
        path.chmod(0o600)
    return path.read_text().strip()


def new_vapid_key() -> str:
    said = subprocess.run([sys.executable, "-m", "workbuddy_notifications.push", "keys"],
                          capture_output=True, text=True, check=True).stdout
    return next(line.split("=", 1)[1] for line in said.splitlines()
                if line.startswith("VAPID_PRIVATE_KEY="))


def main() -> None:
    amqp_uri = os.environ.get("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")
    ports = {"GATEWAY_PORT": _port("GATEWAY_PORT", 8080), "SMTP_PORT": _port("SMTP_PORT", 1025),
             "INBOX_PORT": _port("INBOX_PORT", 8025)}
    ops_ports = {name: _port(f"{name.upper()}_OPS_PORT", 9100 + i)
                 for i, name in enumerate(("gateway", *SERVICES))}
    ports |= {f"{name.upper()}_OPS_PORT": port for name, port in ops_ports.items()}
    if not os.environ.get("MONGO_URI"):
        ports["MONGO_PORT"] = _port("MONGO_PORT", 27017)
    busy = [f"{name}={port}" for name, port in ports.items() if not _free(port)]
    if busy:
        sys.exit(f"port(s) already in use: {', '.join(busy)}. Stop what uses them, or set "
                 "those variables to free ports (e.g. GATEWAY_PORT=8081 make run).")

    print(ensure_rabbitmq(amqp_uri), flush=True)
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    redis_said = ensure_redis(redis_url)
    print(redis_said or f"No Redis at {redis_url}: rate limits are counted per gateway process "
                        "(install redis-server, or set REDIS_URL)", flush=True)
    supervisor = Supervisor(ROOT / "log", echo=os.environ.get("WB_ECHO_LOGS") == "1")
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        mongo_uri = os.environ.get("MONGO_URI") or start_embedded(
            supervisor, ROOT / "mongo", ports["MONGO_PORT"])
        supervisor.start("inbox", [
            sys.executable, "-m", "workbuddy_devstack.inbox", "--smtp-port",
            str(ports["SMTP_PORT"]), "--http-port", str(ports["INBOX_PORT"]),
            "--dir", str(ROOT / "mail")])
        stack = Stack(supervisor, amqp_uri=amqp_uri, mongo_uri=mongo_uri,
                      smtp_port=ports["SMTP_PORT"], gateway_port=ports["GATEWAY_PORT"],
                      rate_limit_storage=redis_url if redis_said else "memory://", ops_ports=ops_ports,
                      extra_env={"VAPID_PRIVATE_KEY": os.environ.get("VAPID_PRIVATE_KEY")
                                 or kept_secret("vapid-private-key", new_vapid_key)},
                      mail_link_secret=os.environ.get("MAIL_LINK_SECRET")
                      or kept_secret("mail-link-secret", lambda: secrets.token_hex(32)),
                      **({"jwt_secret": os.environ["JWT_SECRET"]}
                         if os.environ.get("JWT_SECRET") else {}))
        stack.start_all()
        stack.wait_ready()
        print(f"""
Work Buddy is running.
  Web app       {stack.gateway_url}/app/
  API           {stack.gateway_url}/v1/
  API docs      {stack.gateway_url}/docs  (OpenAPI: {stack.gateway_url}/openapi.json)
  Health        {stack.gateway_url}/readyz
  Metrics       {"  ".join(f"{stack.ops_url(n)}/metrics" for n in ("gateway", *SERVICES))}
                (each service also answers /healthz and /readyz there)
  Dev inbox     http://127.0.0.1:{ports['INBOX_PORT']}/  (files in {ROOT / 'mail'})
  Store         {mongo_uri}
  Logs          tail -f {ROOT / 'log'}/*.log   (or run with WB_ECHO_LOGS=1 to see them here)
Press Ctrl-C to stop.
""", flush=True)
        reported: set[str] = set()
        while True:
            for name in set(supervisor.dead()) - reported:
                print(f"!! {name} stopped; see {supervisor.log_path(name)}", flush=True)
                reported.add(name)
            time.sleep(1)
    except KeyboardInterrupt:
        print("\nstopping…", flush=True)
    finally:
        supervisor.stop_all()
        print("stopped.", flush=True)


if __name__ == "__main__":
    main()
