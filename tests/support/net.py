import os
import random
import socket

# Ports handed out for servers that tests start. They are taken below the kernel's ephemeral
# range (/proc/sys/net/ipv4/ip_local_port_range, 32768–60999 here), where the kernel picks the
# local port of every outgoing connection: a port found free there could be taken by a service's
# connection to the broker before the server meant for it binds ("Address already in use").
# Each pytest-xdist worker has a band of its own, so two workers never hand out the same port.
LOW, HIGH = 10000, 32700
# Ports that servers of the system or the machine take by name, perhaps after a test looked.
KNOWN = {15672, 15692, 25672, 27017, 27018, 27019, 28017}

_handed_out: set[int] = set()


def _band() -> range:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")[2:]
    bands = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    index = int(worker) % bands if worker.isdigit() else 0
    size = (HIGH - LOW) // bands
    return range(LOW + index * size, LOW + (index + 1) * size)


def free_port() -> int:
    """A port free now, never handed out before by this process, and in this worker's band:
    servers started one after another get their ports before any of them binds."""
    band = _band()
    for port in random.sample(band, len(band)):
        if port in _handed_out or port in KNOWN:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        _handed_out.add(port)
        return port
    raise RuntimeError(f"no free port left in {band.start}–{band.stop - 1}")
