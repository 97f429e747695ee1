import socket

_handed_out: set[int] = set()


def free_port() -> int:
    """A port free now and never handed out before by this process: servers started one after
    another get their ports before any of them binds, and the system may offer one twice."""
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in _handed_out:
            _handed_out.add(port)
            return port
