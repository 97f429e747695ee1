"""Connections to the broker, which may be several nodes of a cluster: AMQP_URI lists them
(settings), kombu takes the list and moves to the next node when one does not answer.

A connection the network drops without a word (a NAT or a proxy that forgot it: no reset, no
end) must not hold anyone for good. Heartbeats tell a consumer's loop within two of them, but
what follows waits for the broker with no clock at all: closing the channel and the connection
politely waits for their close-ok, a publish with confirms waits for its ack, a proxy's reply
queue for its cancel-ok — forever, on a link that carries nothing any more. ``bound_silences``
gives every wait for the broker a limit."""

import amqp.transport
from kombu import Connection

_silence_bound: float | None = None
_init_socket = amqp.transport._AbstractTransport._init_socket


def _init_bounded_socket(transport, socket_settings, read_timeout, write_timeout):
    _init_socket(transport, socket_settings, read_timeout, write_timeout)
    # py-amqp leaves its socket blocking, with no timeout, once connected (a read that must
    # wait less says so, and puts the socket back as it was). A socket timeout is what bounds
    # every other read and write, eventlet's green sockets included (SO_RCVTIMEO, py-amqp's
    # read_timeout, is not seen by a socket that eventlet made non-blocking).
    if _silence_bound is not None:
        transport.sock.settimeout(_silence_bound)


amqp.transport._AbstractTransport._init_socket = _init_bounded_socket


def bound_silences(heartbeat: float | None) -> None:
    """From now on, a broker connection this process opens that hears nothing for ``heartbeat``
    seconds while it waits for the broker gives up (a timeout, one of kombu's connection
    errors: the connection is replaced). The broker sends a frame at least every half heartbeat
    on a connection that asked for them, so on a sound one no wait is cut short; and it gives a
    connection up itself after two heartbeats missed — this is the same rule, on our side.
    None: no limit (py-amqp's own behaviour)."""
    global _silence_bound
    _silence_bound = None if heartbeat is None else float(heartbeat)


def connect(uri: str, **options) -> Connection:
    """A connection open on the first node of ``uri`` that answers, each node tried once (a
    single node twice, as kombu does for a lazy connection); else the last error."""
    connection = Connection(uri, **options)
    try:
        connection.ensure_connection(max_retries=max(1, len(connection.alt) - 1))
    except BaseException:
        connection.release()
        raise
    return connection
