"""Connections to the broker, which may be several nodes of a cluster: AMQP_URI lists them
(settings), kombu takes the list and moves to the next node when one does not answer."""

from kombu import Connection


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
