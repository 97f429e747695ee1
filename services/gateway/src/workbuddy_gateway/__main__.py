"""Starts the gateway: reads its settings, then runs it under gunicorn (see ``server``).

A variable set wrong stops the gateway here, with a message naming it on stderr and exit code 2,
before gunicorn starts a worker that would fail the same way.
"""

import warnings

# nameko imports eventlet, which warns on import; the gateway never runs eventlet.
warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

import atexit
import os
import shutil
import sys
import tempfile

from .settings import GatewaySettings, SettingsError


def main() -> None:
    try:
        settings = GatewaySettings.from_env()
    except SettingsError as exc:
        print(f"gateway cannot start: {exc}", file=sys.stderr)
        sys.exit(2)
    _count_requests_in_files(settings.prometheus_multiproc_dir)
    # Imported only now: prometheus_client reads PROMETHEUS_MULTIPROC_DIR when first imported.
    from .server import serve

    serve(settings)


def _count_requests_in_files(folder: str | None) -> None:
    """gunicorn's workers count requests in files that the master adds up (prometheus_client's
    multiprocess mode). prometheus_client learns the folder from the environment, not from an
    argument: the one variable the gateway writes."""
    if folder is None:
        folder, master = tempfile.mkdtemp(prefix="wb-gateway-metrics-"), os.getpid()
        # Workers are forked from this process and inherit this hook: only the master cleans up.
        atexit.register(lambda: os.getpid() == master and shutil.rmtree(folder, ignore_errors=True))
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder


if __name__ == "__main__":
    main()
