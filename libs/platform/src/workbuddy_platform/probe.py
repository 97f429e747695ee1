"""A container's health probe: asks the process next to it whether it is alive (or ready).

    python -m workbuddy_platform.probe [healthz|readyz]

Images carry no curl or wget (smaller, fewer things to patch), and a Dockerfile's HEALTHCHECK
cannot expand environment variables in its exec form: this reads the port the service really
listens on — OPS_PORT for profiles, matching and notifications, GATEWAY_PORT for the gateway —
and exits 0 when the answer is 200, 1 otherwise, saying why on stderr (docker inspect shows it).
"""

import sys
import urllib.error
import urllib.request

from .settings import Environment

CHECKS = ("healthz", "readyz")


def probe_url(check: str, environ=None) -> str:
    env = Environment(environ)
    port = env.raw("OPS_PORT") or env.raw("GATEWAY_PORT")
    if not port:
        raise SystemExit("probe: neither OPS_PORT nor GATEWAY_PORT is set; set the one the "
                         "service listens on")
    return f"http://127.0.0.1:{port}/{check}"


def main(argv: list[str]) -> int:
    check = argv[0] if argv else "healthz"
    if check not in CHECKS:
        print(f"probe: unknown check {check!r}; use one of {', '.join(CHECKS)}", file=sys.stderr)
        return 2
    url = probe_url(check)
    try:
        with urllib.request.urlopen(url, timeout=3) as answer:
            return 0 if answer.status == 200 else 1
    except urllib.error.HTTPError as refusal:  # e.g. 503 from /readyz: say what is not ready
        print(f"probe: {url} answered {refusal.code}: {refusal.read(500).decode(errors='replace')}",
              file=sys.stderr)
    except OSError as exc:
        print(f"probe: {url} did not answer: {exc}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
