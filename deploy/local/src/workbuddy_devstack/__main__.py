"""workbuddy-dev: run the whole system on this machine, without containers.

Starts (or reuses) RabbitMQ, the embedded MongoDB stand-in unless MONGO_URI is set, a dev mail
inbox, then profiles, matching, notifications and the gateway as separate processes. Ctrl-C
stops everything it started.
"""

import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from .broker import ensure_rabbitmq
from .counters import ensure_redis
from .demo import launch as demo
from .processes import Supervisor
from .settings import DevstackSettings, SettingsError
from .stack import SERVICES, Stack
from .store import start_embedded


def _free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def kept_secret(var_dir: Path, name: str, make) -> str:
    """One secret per local install, kept beside the store, so that what was signed with it
    keeps working after a restart: browsers subscribed with the VAPID public key, links in
    mails already in the dev inbox."""
    path = var_dir / name
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


DEMO = """
The demo community is gathering: about 40 members, signed up through the API like anyone
(their log: var/log/demo.log). Sign up in the web app, answer the questions, and within
seconds some of them are proposed to you (docs/demo.md says what follows). `make demo-remove`
(while this runs) has them leave; a later `make run` has them leave first.

"""


def main() -> None:
    try:
        settings = DevstackSettings.from_env()
    except SettingsError as exc:
        print(f"workbuddy-dev cannot start: {exc}", file=sys.stderr)
        sys.exit(2)
    var_dir = settings.var_dir
    busy = [f"{name}={port}" for name, port in settings.ports().items() if not _free(port)]
    if busy:
        sys.exit(f"port(s) already in use: {', '.join(busy)}. Stop what uses them, or set "
                 "those variables to free ports (e.g. GATEWAY_PORT=8081 make run).")

    print(ensure_rabbitmq(settings.amqp_uri, ask=True), flush=True)
    redis_url = settings.redis_url
    redis_said = ensure_redis(redis_url)
    print(redis_said or f"No Redis at {redis_url}: rate limits are counted per gateway process "
                        "(install redis-server, or set REDIS_URL)", flush=True)
    supervisor = Supervisor(var_dir / "log", echo=settings.echo_logs)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        mongo_uri = settings.mongo_uri or start_embedded(
            supervisor, var_dir / "mongo", settings.mongo_port)
        supervisor.start("inbox", [
            sys.executable, "-m", "workbuddy_devstack.inbox", "--smtp-port",
            str(settings.smtp_port), "--http-port", str(settings.inbox_port),
            "--dir", str(var_dir / "mail")], stop_last=True)
        stack = Stack(supervisor, amqp_uri=settings.amqp_uri, mongo_uri=mongo_uri,
                      smtp_port=settings.smtp_port, gateway_port=settings.gateway_port,
                      rate_limit_storage=redis_url if redis_said else "memory://",
                      ops_ports=dict(settings.ops_ports),
                      extra_env={"VAPID_PRIVATE_KEY": settings.vapid_private_key
                                 or kept_secret(var_dir, "vapid-private-key", new_vapid_key),
                                 **(demo.ENVIRONMENT if settings.demo else {})},
                      mail_link_secret=settings.mail_link_secret
                      or kept_secret(var_dir, "mail-link-secret", lambda: secrets.token_hex(32)),
                      **({"jwt_secret": settings.jwt_secret} if settings.jwt_secret else {}))
        stack.start_all()
        stack.wait_ready()
        inbox_url = f"http://127.0.0.1:{settings.inbox_port}"
        if settings.demo:
            supervisor.start("demo", demo.command(stack.gateway_url, inbox_url, var_dir))
        else:
            demo.remove_leftovers(stack.gateway_url, inbox_url, var_dir)
        print(f"""
Work Buddy is running.
  Web app       {stack.gateway_url}/app/
  API           {stack.gateway_url}/v1/
  API docs      {stack.gateway_url}/docs  (OpenAPI: {stack.gateway_url}/openapi.json)
  Health        {stack.gateway_url}/health/system
  Metrics       {"  ".join(f"{stack.ops_url(n)}/metrics" for n in ("gateway", *SERVICES))}
                (each service also answers /healthz and /readyz there)
  Dev inbox     {inbox_url}/  (files in {var_dir / 'mail'})
  Store         {mongo_uri}
  Logs          tail -f {var_dir / 'log'}/*.log   (or run with WB_ECHO_LOGS=1 to see them here)
{DEMO if settings.demo else ""}Press Ctrl-C to stop.
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
